import {
	actionsOf,
	cloudDestination,
	countActions,
	exportWorkflow,
	filesBelow,
	type Doc,
	type ExportDestination,
} from './support/exportWorkflow';
import { qontoLayout, receipts, trackedIds } from './support/exportReceipts';

describe('Export to Folder stories against the cloud fakes (n8n engine)', () => {
	let destination: ExportDestination | undefined;
	afterEach(async () => {
		await destination?.close();
		destination = undefined;
	});

	test('Qonto on OneDrive: <account>/<YYYY-MM>; a deleted file comes back alone; a deleted folder stops until Resume', async () => {
		destination = await cloudDestination('oneDrive');
		const { provider, rootId, user } = destination.fixture;
		const flow = exportWorkflow(destination, qontoLayout);
		const docs = receipts();

		const first = await flow.run(docs);
		expect(countActions(first.json)).toEqual({ created: 12 });
		const files = await filesBelow(provider, rootId);
		expect([...files.keys()].sort().slice(0, 3)).toEqual([
			'Main/2026-09/Main-2026-09-05.pdf',
			'Main/2026-09/Main-2026-09-20.pdf',
			'Main/2026-10/Main-2026-10-05.pdf',
		]);
		expect(first.json[0]).toMatchObject({
			fileId: files.get('Main/2026-09/Main-2026-09-05.pdf')!.id,
			webUrl: expect.stringMatching(/^https?:/),
		});

		let before = destination.counts();
		expect(countActions((await flow.run(docs)).json)).toEqual({ unchanged: 12 });
		expect(destination.counts().uploads - before.uploads).toBe(0);
		expect(destination.counts().changeFeed - before.changeFeed).toBe(1);

		await user.delete('Savings/2026-10/Savings-2026-10-20.pdf');
		before = destination.counts();
		const third = await flow.run(docs);
		expect(countActions(third.json)).toEqual({ unchanged: 11, reuploaded: 1 });
		expect(third.json.find((j) => j.action === 'reuploaded')!.recordKey).toBe('Savings-2026-10-20');
		expect(destination.counts().uploads - before.uploads).toBe(1);
		expect(await user.read('Savings/2026-10/Savings-2026-10-20.pdf')).toEqual(
			Buffer.from('receipt Savings-2026-10-20'),
		);

		await user.delete('Main/2026-10');
		const withNew = [
			...docs,
			{
				id: 'Main-2026-10-28',
				content: 'late receipt',
				json: { account: 'Main', date: '2026-10-28T09:00:00Z' },
			},
		];
		before = destination.counts();
		const fourth = await flow.run(withNew);
		expect(
			fourth.json
				.filter((j) => j.action === 'skipped_folder_deleted')
				.map((j) => j.recordKey)
				.sort(),
		).toEqual(['Main-2026-10-05', 'Main-2026-10-20', 'Main-2026-10-28']);
		expect(countActions(fourth.json)).toEqual({ unchanged: 10, skipped_folder_deleted: 3 });
		expect(destination.counts().uploads - before.uploads).toBe(0);
		expect(countActions((await flow.run(withNew)).json)).toEqual({
			unchanged: 10,
			skipped_folder_deleted: 3,
		});

		expect(await flow.resume()).toEqual([{ resumed: ['Main/2026-10'], stillStopped: [] }]);
		expect(countActions((await flow.run(withNew)).json)).toEqual({
			unchanged: 10,
			reuploaded: 2,
			created: 1,
		});
		expect((await filesBelow(provider, rootId)).size).toBe(13);
	});

	test('OneDrive names: :*?"<>| sanitised, a 300-character name shortened the same way every run', async () => {
		destination = await cloudDestination('oneDrive');
		const flow = exportWorkflow(destination, { fileName: '={{ $json.name }}' });
		const long = `${'Relevé de compte '.repeat(18)}.pdf`;
		expect(long.length).toBeGreaterThan(300);
		const docs = [
			{ id: 'odd', content: 'odd', json: { name: 'a:b*c?d"e<f>g|h.pdf' } },
			{ id: 'long', content: 'long', json: { name: long } },
		];
		const first = await flow.run(docs);
		expect(actionsOf(first.json)).toEqual(['created', 'created']);
		expect(first.json[0].path).toBe('a_b_c_d_e_f_g_h.pdf');
		const shortened = first.json[1].path as string;
		expect(shortened.length).toBeLessThanOrEqual(255);
		expect(shortened.endsWith('.pdf')).toBe(true);
		const files = await filesBelow(destination.fixture.provider, destination.fixture.rootId);
		expect([...files.keys()].sort()).toEqual(['a_b_c_d_e_f_g_h.pdf', shortened].sort());
		const second = await flow.run(docs);
		expect(second.json.map((j) => [j.action, j.path])).toEqual([
			['unchanged', 'a_b_c_d_e_f_g_h.pdf'],
			['unchanged', shortened],
		]);
	});

	test('eFactori on Google Drive: company/year; backfill; an edit is a new revision of the same file; a manual run leaves no duplicate', async () => {
		destination = await cloudDestination('googleDrive');
		const { provider, rootId } = destination.fixture;
		const flow = exportWorkflow(destination, {
			folderStructure: 'companyYear',
			companyName: '={{ $json.company }}',
		});
		const docs: Doc[] = ['2025-03-01', '2025-11-30', '2026-01-15', '2026-06-01'].map((date, i) => ({
			id: `INV-${i + 1}`,
			content: `invoice ${i + 1}`,
			json: { company: 'eFactori BV', date },
		}));

		const first = await flow.run(docs);
		expect(countActions(first.json)).toEqual({ created: 4 });
		const files = await filesBelow(provider, rootId);
		expect([...files.keys()].sort()).toEqual([
			'eFactori BV/2025/INV-1.pdf',
			'eFactori BV/2025/INV-2.pdf',
			'eFactori BV/2026/INV-3.pdf',
			'eFactori BV/2026/INV-4.pdf',
		]);
		const inv2 = files.get('eFactori BV/2025/INV-2.pdf')!;
		expect(inv2.appProperties).toMatchObject({ recordKey: 'INV-2' });

		const edited = docs.map((d) =>
			d.id === 'INV-2' ? { ...d, content: 'invoice 2, corrected' } : d,
		);
		const second = await flow.run(edited);
		expect(countActions(second.json)).toEqual({ unchanged: 3, updated: 1 });
		const after = await provider.getItem(inv2.id);
		expect(second.json[1]).toMatchObject({ action: 'updated', fileId: inv2.id });
		expect(after!.version).not.toEqual(inv2.version);
		expect((await filesBelow(provider, rootId)).size).toBe(4);

		// A manual run between two scheduled runs: a new document and another edit. n8n discards its state.
		const manualInput: Doc[] = [
			...edited.map((d) => (d.id === 'INV-4' ? { ...d, content: 'invoice 4, corrected' } : d)),
			{ id: 'INV-5', content: 'invoice 5', json: { company: 'eFactori BV', date: '2026-07-01' } },
		];
		const manual = await flow.run(manualInput, 'manual');
		expect(countActions(manual.json)).toEqual({ unchanged: 3, updated: 1, created: 1 });
		expect(manual.result.staticDataSaved).toBe(false);
		const before = destination.counts();
		const scheduled = await flow.run(manualInput);
		expect(countActions(scheduled.json)).toEqual({ unchanged: 5 });
		expect(destination.counts().uploads - before.uploads).toBe(0);
		expect((await filesBelow(provider, rootId)).size).toBe(5);
	});

	test('Clustdoc on Dropbox: the CLUST root is created on first use; a folder per dossier; a webhook run exports one dossier', async () => {
		destination = await cloudDestination('dropbox');
		const { provider } = destination.fixture;
		const flow = exportWorkflow(destination, {
			rootMode: 'name',
			rootName: 'CLUST',
			folderStructure: 'perRecord',
			recordFolderName: '={{ $json.client }}',
		});
		const dossiers: Doc[] = ['Dupont SARL', 'Martin & Fils', 'Durand'].flatMap((client, c) =>
			['id-card', 'kbis'].map((kind) => ({
				id: `${c}-${kind}`,
				content: `${client} ${kind}`,
				fileName: `${kind}.pdf`,
				json: { client },
			})),
		);

		const driveRoot = await provider.root();
		expect(await provider.findChild(driveRoot.id, 'CLUST', 'folder')).toBeUndefined();
		const first = await flow.run(dossiers);
		expect(countActions(first.json)).toEqual({ created: 6 });
		const clust = await provider.findChild(driveRoot.id, 'CLUST', 'folder');
		expect(clust).toBeDefined();
		expect([...(await filesBelow(provider, clust!.id)).keys()].sort()).toEqual([
			'Dupont SARL/id-card.pdf',
			'Dupont SARL/kbis.pdf',
			'Durand/id-card.pdf',
			'Durand/kbis.pdf',
			'Martin & Fils/id-card.pdf',
			'Martin & Fils/kbis.pdf',
		]);

		// A webhook (a user clicking "Synchroniser" on one dossier) exports that dossier only, with a new document.
		const one = [
			...dossiers.filter((d) => d.json!.client === 'Durand'),
			{
				id: '2-contract',
				content: 'Durand contract',
				fileName: 'contract.pdf',
				json: { client: 'Durand' },
			},
		];
		const hook = await flow.run(one, 'webhook');
		expect(countActions(hook.json)).toEqual({ unchanged: 2, created: 1 });
		expect(hook.result.staticDataSaved).toBe(true);
		expect((await filesBelow(provider, clust!.id)).has('Durand/contract.pdf')).toBe(true);
		// The hourly run after it: nothing to do, one CLUST folder.
		expect(countActions((await flow.run([...dossiers, one[2]])).json)).toEqual({ unchanged: 7 });
		const roots = [];
		for await (const item of provider.list(driveRoot.id))
			if (item.isFolder && item.name === 'CLUST') roots.push(item);
		expect(roots).toHaveLength(1);
	});

	test('state lost on Google Drive: 0 new files, the state is rebuilt from appProperties', async () => {
		destination = await cloudDestination('googleDrive');
		const { provider, rootId } = destination.fixture;
		const flow = exportWorkflow(destination, qontoLayout);
		const docs = receipts();
		await flow.run(docs);
		const tracked = trackedIds(flow.stateOf());
		const filesBefore = await filesBelow(provider, rootId);

		flow.harness.staticData = {};
		const before = destination.counts();
		const rebuilt = await flow.run(docs);
		expect(countActions(rebuilt.json)).toEqual({ unchanged: 12 });
		expect(destination.counts().uploads - before.uploads).toBe(0);
		const filesAfter = await filesBelow(provider, rootId);
		expect([...filesAfter.values()].map((f) => f.id).sort()).toEqual(
			[...filesBefore.values()].map((f) => f.id).sort(),
		);
		expect(trackedIds(flow.stateOf())).toEqual(tracked);
		const again = destination.counts();
		expect(countActions((await flow.run(docs)).json)).toEqual({ unchanged: 12 });
		expect(destination.counts().changeFeed - again.changeFeed).toBe(1);
		expect(destination.counts().uploads - again.uploads).toBe(0);
	});

	test('mass-delete guard on Google Drive: everything trashed at once -> the run stops, uploads nothing, state unchanged', async () => {
		destination = await cloudDestination('googleDrive');
		const flow = exportWorkflow(destination, qontoLayout);
		const docs = receipts();
		await flow.run(docs);
		const saved = JSON.stringify(flow.harness.staticData);
		await destination.fixture.user.trash('Main');
		await destination.fixture.user.trash('Savings');

		const before = destination.counts();
		const stopped = await flow.run(docs);
		expect(stopped.result.status).toBe('error');
		expect(stopped.result.nodeError('Export')!.message).toMatch(
			/12 of the 12 exported files look deleted from Google Drive/,
		);
		expect(destination.counts().uploads - before.uploads).toBe(0);
		expect(JSON.stringify(flow.harness.staticData)).toEqual(saved);
		// Stopping again on the next run: the cursor did not move past the deletions.
		expect((await flow.run(docs)).result.status).toBe('error');
	});
});

describe('Export to Folder on every cloud: lost state and manual runs never duplicate', () => {
	let destination: ExportDestination | undefined;
	afterEach(async () => {
		await destination?.close();
		destination = undefined;
	});

	for (const kind of ['oneDrive', 'dropbox', 'googleDrive'] as const) {
		test(`${kind}: a manual run between scheduled runs, then a lost state`, async () => {
			destination = await cloudDestination(kind);
			const { provider, rootId } = destination.fixture;
			const flow = exportWorkflow(destination, qontoLayout);
			const docs = receipts();
			await flow.run(docs.slice(0, 8));

			// Manual: 4 new receipts and one edited; n8n throws its state away.
			const edited = docs.map((d) =>
				d.id === 'Main-2026-09-05' ? { ...d, content: 'corrected' } : d,
			);
			const manual = await flow.run(edited, 'manual');
			expect(countActions(manual.json)).toEqual({ unchanged: 7, updated: 1, created: 4 });
			const before = destination.counts();
			const scheduled = await flow.run(edited);
			expect(countActions(scheduled.json)).toEqual({ unchanged: 12 });
			expect(destination.counts().uploads - before.uploads).toBe(0);
			expect((await filesBelow(provider, rootId)).size).toBe(12);

			flow.harness.staticData = {};
			const lost = destination.counts();
			expect(countActions((await flow.run(edited)).json)).toEqual({ unchanged: 12 });
			expect(destination.counts().uploads - lost.uploads).toBe(0);
			expect((await filesBelow(provider, rootId)).size).toBe(12);
			expect(await destination.fixture.user.read('Main/2026-09/Main-2026-09-05.pdf')).toEqual(
				Buffer.from('corrected'),
			);
		});
	}
});
