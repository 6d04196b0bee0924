import { readdir, readFile, rm, stat, writeFile } from 'fs/promises';
import { join } from 'path';
import type { ILoadOptionsFunctions } from 'n8n-workflow';
import { ExportToFolder } from '../../nodes/ExportToFolder/ExportToFolder.node';
import {
	decodeExportState,
	encodeExportState,
	type StoredExportState,
} from '../../nodes/shared/state/exportState';
import {
	actionsOf,
	countActions,
	exportWorkflow,
	filesBelow,
	localDestination,
	type ExportDestination,
} from './support/exportWorkflow';
import { qontoLayout, receipts, trackedIds } from './support/exportReceipts';

describe('Export to Folder on a local folder (n8n engine)', () => {
	let destination: ExportDestination & { baseDir: string };
	beforeEach(async () => {
		destination = await localDestination();
	});
	afterEach(async () => {
		await destination.close();
	});

	test('receipts by account and period: unchanged runs upload nothing; a deleted file comes back; a deleted folder stops until Resume', async () => {
		const flow = exportWorkflow(destination, qontoLayout);
		const { provider, rootId } = destination.fixture;
		const docs = receipts();

		const first = await flow.run(docs);
		expect(first.result.status).toBe('success');
		expect(countActions(first.json)).toEqual({ created: 12 });
		const files = await filesBelow(provider, rootId);
		expect([...files.keys()].sort()).toContain('Main/2026-09/Main-2026-09-05.pdf');
		expect(files.size).toBe(12);
		expect(first.json[0]).toMatchObject({
			recordKey: 'Main-2026-09-05',
			path: 'Main/2026-09/Main-2026-09-05.pdf',
			size: 'receipt Main-2026-09-05'.length,
		});
		expect(first.json[0].fileId).toEqual(files.get('Main/2026-09/Main-2026-09-05.pdf')!.id);

		let before = destination.counts();
		const second = await flow.run(docs);
		expect(countActions(second.json)).toEqual({ unchanged: 12 });
		expect(destination.counts().uploads - before.uploads).toBe(0);
		expect(destination.counts().changeFeed - before.changeFeed).toBe(1);

		await destination.fixture.user.delete('Savings/2026-10/Savings-2026-10-20.pdf');
		before = destination.counts();
		const third = await flow.run(docs);
		expect(countActions(third.json)).toEqual({ unchanged: 11, reuploaded: 1 });
		expect(third.json.find((j) => j.action === 'reuploaded')!.recordKey).toBe('Savings-2026-10-20');
		expect(destination.counts().uploads - before.uploads).toBe(1);
		expect(await destination.fixture.user.read('Savings/2026-10/Savings-2026-10-20.pdf')).toEqual(
			Buffer.from('receipt Savings-2026-10-20'),
		);

		await destination.fixture.user.delete('Main/2026-10');
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
		const skipped = fourth.json
			.filter((j) => j.action === 'skipped_folder_deleted')
			.map((j) => j.recordKey);
		expect(skipped.sort()).toEqual(['Main-2026-10-05', 'Main-2026-10-20', 'Main-2026-10-28']);
		expect(countActions(fourth.json)).toEqual({ unchanged: 10, skipped_folder_deleted: 3 });
		expect(destination.counts().uploads - before.uploads).toBe(0);
		expect(await readdir(join(destination.baseDir, 'fixture-root', 'Main'))).not.toContain(
			'2026-10',
		);

		// Still stopped on the next run, with nothing new reported.
		expect(countActions((await flow.run(withNew)).json)).toEqual({
			unchanged: 10,
			skipped_folder_deleted: 3,
		});

		expect(await flow.resume()).toEqual([{ resumed: ['Main/2026-10'], stillStopped: [] }]);
		const resumed = await flow.run(withNew);
		expect(countActions(resumed.json)).toEqual({ unchanged: 10, reuploaded: 2, created: 1 });
		expect((await filesBelow(provider, rootId)).size).toBe(13);
	});

	test('state lost: the next run creates nothing and rebuilds the state', async () => {
		const flow = exportWorkflow(destination, qontoLayout);
		const docs = receipts();
		await flow.run(docs);
		const tracked = trackedIds(flow.stateOf());
		expect(Object.keys(tracked)).toHaveLength(12);
		const filesBefore = await filesBelow(destination.fixture.provider, destination.fixture.rootId);

		flow.harness.staticData = {};
		const before = destination.counts();
		const rebuilt = await flow.run(docs);
		expect(countActions(rebuilt.json)).toEqual({ unchanged: 12 });
		expect(destination.counts().uploads - before.uploads).toBe(0);
		const filesAfter = await filesBelow(destination.fixture.provider, destination.fixture.rootId);
		expect([...filesAfter.keys()].sort()).toEqual([...filesBefore.keys()].sort());
		expect(trackedIds(flow.stateOf())).toEqual(tracked);
		// And the rebuilt state works: next run is one change-feed call, no uploads.
		const again = destination.counts();
		expect(countActions((await flow.run(docs)).json)).toEqual({ unchanged: 12 });
		expect(destination.counts().uploads - again.uploads).toBe(0);
	});

	test("a file the user saves where an exported file was deleted is never overwritten, even when the disk gives it the exported file's inode", async () => {
		// ext4 hands a freed inode to the next new file; try (on fresh folders) until the user's file gets ours.
		let reused = false;
		for (let attempt = 0; attempt < 10 && !reused; attempt++) {
			const place = await localDestination();
			try {
				const flow = exportWorkflow(place, { fileName: '={{ $json.name }}' });
				const doc = (content: string) => ({
					id: 'k1',
					content,
					json: { name: 'Reçu.pdf', date: '2026-09-05T10:00:00Z' },
				});
				const first = await flow.run([doc('k1 v1')]);
				const file = join(place.baseDir, 'fixture-root', String(first.json[0].path));
				const ours = await stat(file);
				await rm(file);
				await writeFile(file, 'the user');
				reused = (await stat(file)).ino === ours.ino;

				const next = await flow.run([doc('k1 v2')]);
				expect(next.result.status).toBe('success');
				expect(await readFile(file, 'utf8')).toBe('the user');
				const path = String(next.json[0].path);
				expect(path).not.toBe(first.json[0].path);
				expect(await readFile(join(place.baseDir, 'fixture-root', path), 'utf8')).toBe('k1 v2');
			} finally {
				await place.close();
			}
		}
		expect(reused).toBe(true);
	});

	test("state saved before file ids carried the birth time: the next run finds every file, uploads nothing, and records today's ids", async () => {
		const flow = exportWorkflow(destination, qontoLayout);
		const docs = receipts();
		await flow.run(docs);
		const tracked = trackedIds(flow.stateOf());
		// What 0.1 saved: "ino:<dev>:<inode>" for files as for folders.
		const saved = decodeExportState(flow.stateOf() as unknown as StoredExportState);
		for (const [key, record] of saved.records)
			saved.records.set(key, { ...record, id: record.id.split(':').slice(0, 3).join(':') });
		const global = flow.harness.staticData.global as Record<string, unknown>;
		global[`cloudSync:${flow.harness.node('Export').id}`] = encodeExportState(saved);
		expect(trackedIds(flow.stateOf())).not.toEqual(tracked);

		const before = destination.counts();
		const next = await flow.run(docs);
		expect(countActions(next.json)).toEqual({ unchanged: 12 });
		expect(destination.counts().uploads - before.uploads).toBe(0);
		expect(trackedIds(flow.stateOf())).toEqual(tracked);
	});

	test("state saved before folder ids carried the birth time: no folder taken for deleted or moved, nothing uploaded, today's ids recorded", async () => {
		const flow = exportWorkflow(destination, qontoLayout);
		const docs = receipts();
		await flow.run(docs);
		const today = decodeExportState(flow.stateOf() as unknown as StoredExportState);
		expect(today.folders.length).toBeGreaterThan(0);
		// What earlier releases saved: "ino:<dev>:<inode>" for every folder, the root included, and every file.
		const inode = (id: string) => id.split(':').slice(0, 3).join(':');
		const saved = decodeExportState(flow.stateOf() as unknown as StoredExportState);
		saved.rootId = inode(saved.rootId!);
		saved.folders = saved.folders.map((folder) => folder && { ...folder, id: inode(folder.id) });
		for (const [key, record] of saved.records)
			saved.records.set(key, { ...record, id: inode(record.id) });
		const global = flow.harness.staticData.global as Record<string, unknown>;
		global[`cloudSync:${flow.harness.node('Export').id}`] = encodeExportState(saved);

		const before = destination.counts();
		const next = await flow.run(docs);
		expect(next.result.nodeError('Export')?.message).toBeUndefined();
		expect(countActions(next.json)).toEqual({ unchanged: 12 });
		expect(destination.counts().uploads - before.uploads).toBe(0);
		const after = decodeExportState(flow.stateOf() as unknown as StoredExportState);
		expect(after.folders).toEqual(today.folders);
		expect(after.stopped).toEqual([]);
		expect(after.records).toEqual(today.records);
	});

	test('mass-delete guard: the destination suddenly lists nothing -> the run stops, uploads nothing, state unchanged', async () => {
		const flow = exportWorkflow(destination, qontoLayout);
		const docs = receipts();
		await flow.run(docs);
		const savedState = JSON.stringify(flow.harness.staticData);
		for (const account of ['Main', 'Savings']) await destination.fixture.user.delete(account);

		const before = destination.counts();
		const stopped = await flow.run(docs);
		expect(stopped.result.status).toBe('error');
		expect(stopped.result.nodeError('Export')!.message).toMatch(
			/12 of the 12 exported files look deleted/,
		);
		expect(destination.counts().uploads - before.uploads).toBe(0);
		expect(JSON.stringify(flow.harness.staticData)).toEqual(savedState);
		expect((await filesBelow(destination.fixture.provider, destination.fixture.rootId)).size).toBe(
			0,
		);

		// The user confirms the deletions were real: folders stop as the policy says, still nothing uploaded.
		flow.setParameters({ ...qontoLayout, options: { acceptMassDeletion: true } });
		const accepted = await flow.run(docs);
		expect(countActions(accepted.json)).toEqual({ skipped_folder_deleted: 12 });
	});

	test('bad input fails only its item; names never leave the root; long names are stable', async () => {
		const flow = exportWorkflow(
			destination,
			{
				folderStructure: 'custom',
				folderTemplate: '={{ $json.folder }}/{{ $json.sub }}',
				fileName: '={{ $json.name }}',
			},
			{ continueOnFail: true },
		);
		const longName = `${'Facture très longue '.repeat(15)}.pdf`;
		const docs = [
			{ id: 'ok', content: 'fine', json: { folder: 'Clients', sub: 'A', name: 'ok.pdf' } },
			{ json: { id: 'no-binary', folder: 'Clients', sub: 'B', name: 'x.pdf' } },
			{ id: '', content: 'no key', json: { folder: 'Clients', sub: 'C', name: 'nokey.pdf' } },
			{
				id: 'escape',
				content: 'escape',
				json: { folder: '..', sub: '../x', name: '../../evil.pdf' },
			},
			{ id: 'long', content: 'long', json: { folder: 'Clients', sub: 'Long', name: longName } },
			{
				id: 'weird',
				content: 'weird',
				json: { folder: 'Clients', sub: 'W', name: 'a:b*c?d"e<f>g|h.pdf' },
			},
		];
		const { json } = await flow.run(docs);
		expect(actionsOf(json)).toEqual([
			'created',
			'failed',
			'failed',
			'created',
			'created',
			'created',
		]);
		expect(json[1].error).toMatch(/binary field "data"/);
		expect(json[2].error).toMatch(/empty record key/);
		expect(json[3].path).toBe('.._x/.._.._evil.pdf');
		const files = await filesBelow(destination.fixture.provider, destination.fixture.rootId);
		expect(files.has('.._x/.._.._evil.pdf')).toBe(true);
		const outside = await readdir(destination.baseDir);
		expect(outside.sort()).toEqual(['fixture-root']);
		const longPath = json[4].path as string;
		expect(Buffer.byteLength(longPath.split('/').pop()!)).toBeLessThanOrEqual(255);
		expect(longPath.endsWith('.pdf')).toBe(true);
		expect(json[5].path).toBe('Clients/W/a_b_c_d_e_f_g_h.pdf');

		const again = await flow.run(docs);
		expect(again.json[4]).toMatchObject({ action: 'unchanged', path: longPath });
	});

	test('without continueOnFail a missing binary stops the run before anything is written', async () => {
		const flow = exportWorkflow(destination, { binaryPropertyName: 'invoice' });
		const { result } = await flow.run([{ id: 'a', content: 'x' }]);
		expect(result.status).toBe('error');
		expect(result.nodeError('Export')!.message).toMatch(/no binary field "invoice"/);
		expect((await filesBelow(destination.fixture.provider, destination.fixture.rootId)).size).toBe(
			0,
		);
	});

	test('dry run outputs the plan and writes nothing; backfill date skips older documents', async () => {
		const flow = exportWorkflow(destination, {
			...qontoLayout,
			exportSince: '2026-10-01T00:00:00Z',
			options: { dryRun: true },
		});
		const { json } = await flow.run(receipts());
		expect(countActions(json)).toEqual({ skipped_before_date: 4, created: 8 });
		expect(json.every((j) => j.dryRun === true)).toBe(true);
		expect((await filesBelow(destination.fixture.provider, destination.fixture.rootId)).size).toBe(
			0,
		);
		expect(flow.stateOf()).toBeUndefined();
	});

	test('changed content is replaced in place, kept beside, or skipped as configured; duplicates in one batch', async () => {
		const flow = exportWorkflow(destination);
		await flow.run([{ id: 'doc', content: 'v1' }]);
		const replaced = await flow.run([
			{ id: 'doc', content: 'v2' },
			{ id: 'doc', content: 'v2' },
		]);
		// The same key twice: the last item wins, the earlier one says which item superseded it.
		expect(actionsOf(replaced.json)).toEqual(['superseded', 'updated']);
		expect(replaced.json[0]).toEqual({ action: 'superseded', recordKey: 'doc', supersededBy: 1 });
		expect(await destination.fixture.user.read('doc.pdf')).toEqual(Buffer.from('v2'));

		flow.setParameters({ onContentChanged: 'keepBoth' });
		const kept = await flow.run([{ id: 'doc', content: 'v3' }]);
		expect(kept.json[0]).toMatchObject({ action: 'created' });
		expect(kept.json[0].path).toMatch(/^doc \(.{8}\)\.pdf$/);
		expect((await filesBelow(destination.fixture.provider, destination.fixture.rootId)).size).toBe(
			2,
		);
		expect(actionsOf((await flow.run([{ id: 'doc', content: 'v3' }])).json)).toEqual(['unchanged']);

		flow.setParameters({ onContentChanged: 'skip' });
		expect(actionsOf((await flow.run([{ id: 'doc', content: 'v4' }])).json)).toEqual([
			'skipped_content_changed',
		]);
	});

	test('a manual run between production runs leaves no duplicate and loses nothing', async () => {
		const flow = exportWorkflow(destination, qontoLayout);
		const docs = receipts();
		await flow.run(docs.slice(0, 6));
		const manual = await flow.run(docs, 'manual');
		expect(countActions(manual.json)).toEqual({ unchanged: 6, created: 6 });
		expect(manual.result.staticDataSaved).toBe(false);
		const next = await flow.run(docs);
		expect(countActions(next.json)).toEqual({ unchanged: 12 });
		expect((await filesBelow(destination.fixture.provider, destination.fixture.rootId)).size).toBe(
			12,
		);
	});

	test('the root folder list searches the destination (listSearch)', async () => {
		await destination.fixture.user.createFolder('Receipts 2026');
		await destination.fixture.user.createFolder('Other');
		const context = {
			getNodeParameter: (name: string) =>
				({ destination: 'localFolder', localPath: destination.baseDir })[name],
			getNode: () => ({
				id: 'n',
				name: 'Export',
				type: 'exportToFolder',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			}),
			helpers: {},
		} as unknown as ILoadOptionsFunctions;
		const found = await new ExportToFolder().methods.listSearch.searchFolders.call(
			context,
			'receipts',
		);
		expect(found.results).toEqual([
			expect.objectContaining({ name: '/fixture-root/Receipts 2026' }),
		]);
	});
});
