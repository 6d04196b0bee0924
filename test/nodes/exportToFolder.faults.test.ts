import type { FaultRule } from '../fakes/common/server';
import {
	cloudDestination,
	countActions,
	exportWorkflow,
	filesBelow,
	type Doc,
	type ExportDestination,
} from './support/exportWorkflow';

function docs(count: number): Doc[] {
	return Array.from({ length: count }, (_, i) => ({ id: `D${i}`, content: `document ${i}` }));
}

function fakeOf(destination: ExportDestination): {
	inject(rule: FaultRule): void;
	clearFaults(): void;
} {
	return (
		destination.fixture as unknown as {
			fake: { inject(rule: FaultRule): void; clearFaults(): void };
		}
	).fake;
}

const driveQuota = {
	type: 'respond' as const,
	status: 403,
	body: {
		error: {
			code: 403,
			message: 'The user has exceeded their Drive storage quota',
			errors: [{ domain: 'global', reason: 'storageQuotaExceeded', message: 'quota' }],
		},
	},
};

describe('Export to Folder: faults at the destination', () => {
	let destination: ExportDestination | undefined;
	afterEach(async () => {
		await destination?.close();
		destination = undefined;
	});

	test('Drive storage full mid-run: the run stops with the hint, what was uploaded is recorded, the next run finishes without duplicates', async () => {
		destination = await cloudDestination('googleDrive');
		const flow = exportWorkflow(destination, {}, { continueOnFail: true });
		fakeOf(destination).inject({
			method: 'POST',
			path: '/upload/drive/v3/files',
			skip: 2,
			times: 100,
			action: driveQuota,
		});

		const full = await flow.run(docs(5));
		expect(full.result.status).toBe('error');
		const error = full.result.nodeError('Export')!;
		expect(error.message).toMatch(/Out of storage|storage/i);
		expect(JSON.stringify(error)).not.toMatch(/fake-[a-z]+-(at|rt)-/);
		expect((await filesBelow(destination.fixture.provider, destination.fixture.rootId)).size).toBe(
			2,
		);

		fakeOf(destination).clearFaults();
		const after = await flow.run(docs(5));
		expect(countActions(after.json)).toEqual({ unchanged: 2, created: 3 });
		expect((await filesBelow(destination.fixture.provider, destination.fixture.rootId)).size).toBe(
			5,
		);
	});

	test('continueOnFail: one rejected upload fails its item, the others export, and it is retried next run', async () => {
		destination = await cloudDestination('dropbox');
		const flow = exportWorkflow(destination, {}, { continueOnFail: true });
		fakeOf(destination).inject({
			path: '/2/files/upload',
			skip: 1,
			times: 1,
			action: {
				type: 'respond',
				status: 409,
				body: {
					error_summary: 'path/disallowed_name/..',
					error: { '.tag': 'path', path: { '.tag': 'disallowed_name' } },
				},
			},
		});
		const first = await flow.run(docs(3));
		expect(first.json.map((j) => j.action)).toEqual(['created', 'failed', 'created']);
		expect(first.json[1]).toMatchObject({ recordKey: 'D1' });
		expect(first.json[1].error).toEqual(expect.stringContaining('D1.pdf'));
		expect(first.json[1].fileId).toBeUndefined();
		expect(countActions((await flow.run(docs(3))).json)).toEqual({ unchanged: 2, created: 1 });
	});

	test('overlapping webhook runs (same stored state) duplicate nothing on OneDrive', async () => {
		destination = await cloudDestination('oneDrive');
		const flow = exportWorkflow(destination);
		await flow.run(docs(2));
		const [a, b] = await Promise.all([flow.run(docs(6), 'webhook'), flow.run(docs(6), 'webhook')]);
		expect(a.result.status).toBe('success');
		expect(b.result.status).toBe('success');
		expect((await filesBelow(destination.fixture.provider, destination.fixture.rootId)).size).toBe(
			6,
		);
		// Whichever state won, the next run finds everything.
		expect(countActions((await flow.run(docs(6))).json)).toEqual({ unchanged: 6 });
	});
});

describe('Export to Folder: find-or-create', () => {
	test('Drive: a folder the user already made is used, never a second one of the same name', async () => {
		const destination = await cloudDestination('googleDrive');
		try {
			const { provider, rootId, user } = destination.fixture;
			const existing = await user.createFolder('Alpha');
			const flow = exportWorkflow(destination, {
				folderStructure: 'perRecord',
				recordFolderName: '={{ $json.client }}',
			});
			const items: Doc[] = [
				{ id: 'a1', content: 'a1', json: { client: 'Alpha' } },
				{ id: 'a2', content: 'a2', json: { client: 'Alpha' } },
			];
			expect(countActions((await flow.run(items)).json)).toEqual({ created: 2 });
			const folders = [];
			for await (const item of provider.list(rootId)) if (item.isFolder) folders.push(item);
			expect(folders.map((f) => [f.name, f.id])).toEqual([['Alpha', existing]]);
			// State lost: the folder is found again, not created again.
			flow.harness.staticData = {};
			expect(countActions((await flow.run(items)).json)).toEqual({ unchanged: 2 });
			const again = [];
			for await (const item of provider.list(rootId)) if (item.isFolder) again.push(item.id);
			expect(again).toEqual([existing]);
		} finally {
			await destination.close();
		}
	});
});
