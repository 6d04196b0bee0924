import { shortFingerprint } from '../../nodes/shared/state/exportState';
import { recordTag } from '../../nodes/shared/sync/exportPlan';
import {
	cloudDestination,
	countActions,
	exportWorkflow,
	type Doc,
	type ExportDestination,
} from './support/exportWorkflow';
import { hashBuffer } from '../../nodes/shared/hashes';
import type { FakeDrive } from '../fakes/drive';

const RECORDS = 10_000;

function receipts(count: number, offset = 0): Doc[] {
	return Array.from({ length: count }, (_, i) => {
		const n = i + offset;
		const month = String((n % 12) + 1).padStart(2, '0');
		return {
			id: `R${n}`,
			content: `receipt ${n}`,
			json: { account: n % 2 ? 'Main' : 'Savings', date: `2026-${month}-15T12:00:00Z` },
		};
	});
}

describe('Export to Folder at 10,000 records on Google Drive (n8n engine)', () => {
	let destination: ExportDestination;
	beforeAll(async () => {
		destination = await cloudDestination('googleDrive');
	});
	afterAll(async () => {
		await destination.close();
	});

	test('a drive holding 10,000 exported files: state rebuilt with no upload; then one change-feed request plus the uploads it must do', async () => {
		const docs = receipts(RECORDS);
		// The drive as an earlier export left it (the state was lost): tagged files at their deterministic paths.
		const fake = (destination.fixture as unknown as { fake: FakeDrive }).fake;
		for (const doc of docs) {
			const content = Buffer.from(doc.content as string);
			await fake.seedFile({
				parentId: destination.fixture.rootId,
				name: `${doc.json!.account}/${(doc.json!.date as string).slice(0, 7)}/${doc.id}.pdf`,
				content,
				createdByApp: true,
				appProperties: {
					recordKey: recordTag(doc.id),
					contentVersion: shortFingerprint(hashBuffer('md5', content)),
				},
			});
		}
		const flow = exportWorkflow(destination, {
			folderStructure: 'accountPeriod',
			accountName: '={{ $json.account }}',
		});

		let started = Date.now();
		const rebuilt = await flow.run(docs);
		const rebuildMs = Date.now() - started;
		expect(countActions(rebuilt.json)).toEqual({ unchanged: RECORDS });
		const afterRebuild = destination.counts();
		expect(afterRebuild.uploads).toBe(0);

		started = Date.now();
		const steady = await flow.run(docs);
		const steadyMs = Date.now() - started;
		expect(countActions(steady.json)).toEqual({ unchanged: RECORDS });
		const afterSteady = destination.counts();
		expect(afterSteady.changeFeed - afterRebuild.changeFeed).toBe(1);
		expect(afterSteady.uploads - afterRebuild.uploads).toBe(0);
		// Nothing else either: the root and the 24 folders come from the state.
		expect(afterSteady.total - afterRebuild.total).toBe(1);

		const withNew = await flow.run([...docs, ...receipts(5, RECORDS)]);
		expect(countActions(withNew.json)).toEqual({ unchanged: RECORDS, created: 5 });
		const afterNew = destination.counts();
		// The feed, and once more after the creates: the twin check (two overlapping runs may both have created a
		// file; Drive allows that), one request per run that created files, none extra from 100 writes on.
		expect(afterNew.changeFeed - afterSteady.changeFeed).toBe(2);
		expect(afterNew.uploads - afterSteady.uploads).toBe(5);
		// The Drive provider looks for a same-named file before each create: at most one lookup per upload.
		expect(afterNew.total - afterSteady.total).toBeLessThanOrEqual(2 + 5 * 2);

		const next = destination.counts();
		expect(countActions((await flow.run([...docs, ...receipts(5, RECORDS)])).json)).toEqual({
			unchanged: RECORDS + 5,
		});
		expect(destination.counts().total - next.total).toBe(1);

		const stateBytes = JSON.stringify(flow.stateOf()).length;
		expect(stateBytes / (RECORDS + 5)).toBeLessThan(70);
		console.log(
			`export scale: rebuild of ${RECORDS} in ${rebuildMs} ms (${afterRebuild.total} requests, 0 uploads), ` +
				`unchanged run ${steadyMs} ms (1 request), state ${(stateBytes / 1024).toFixed(0)} KiB = ${(stateBytes / (RECORDS + 5)).toFixed(1)} B/record`,
		);
	}, 600_000);
});

describe('Export to Folder: a large first export reads its own writes back', () => {
	for (const kind of ['googleDrive', 'oneDrive', 'dropbox'] as const) {
		test(`${kind}: after 150 uploads, the next run is one change-feed request`, async () => {
			const destination = await cloudDestination(kind);
			try {
				const flow = exportWorkflow(destination, {
					folderStructure: 'accountPeriod',
					accountName: '={{ $json.account }}',
				});
				const docs = receipts(150);
				const start = destination.counts();
				expect(countActions((await flow.run(docs)).json)).toEqual({ created: 150 });
				const before = destination.counts();
				// No cursor existed before this run: its change-feed requests are the read-back of its own writes.
				expect(before.changeFeed - start.changeFeed).toBeGreaterThanOrEqual(1);
				expect(countActions((await flow.run(docs)).json)).toEqual({ unchanged: 150 });
				expect(destination.counts().changeFeed - before.changeFeed).toBe(1);
				expect(destination.counts().total - before.total).toBe(1);
			} finally {
				await destination.close();
			}
		}, 120_000);
	}
});
