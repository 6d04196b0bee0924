import {
	actionsOf,
	cloudDestination,
	exportWorkflow,
	filesBelow,
	type Doc,
} from './support/exportWorkflow';

/**
 * Issue 12's budget on Google Drive: a new file goes into a folder without listing the folder's names first when
 * the saved state vouches for them (every file there is one of the export's records at its place; see
 * nodes/shared/sync/exportVouch.ts), and a folder holding anything else is still listed, so a document never goes
 * beside a file of that name saved there before the last run (Drive would take it).
 */

const doc = (id: string, content: string, fileName: string): Doc => ({
	id,
	content,
	fileName,
	json: { folder: 'F0' },
});
const inF0 = { folderStructure: 'custom', folderTemplate: '={{ $json.folder }}' };

type DriveDestination = Awaited<ReturnType<typeof cloudDestination>>;

/** The requests since the mark that list files (files.list: a folder's names, or files of one name). */
function listings(d: DriveDestination, since: number): string[] {
	return d.fixture.fake
		.requests({ since })
		.filter((r) => r.method === 'GET' && r.path === '/drive/v3/files')
		.map((r) => `${r.method} ${r.path}`);
}

describe('Export to Folder on Google Drive: names known from the state', () => {
	let d: DriveDestination;
	beforeEach(async () => {
		d = await cloudDestination('googleDrive');
	});
	afterEach(async () => {
		await d.close();
	});

	test('a new document into a folder holding only the export files is one upload and one feed read more, no listing', async () => {
		const flow = exportWorkflow(d, inF0);
		await flow.run([doc('D0', 'zero', 'D0.pdf')]);
		await flow.run([doc('D0', 'zero', 'D0.pdf')]);
		const mark = d.fixture.fake.mark();
		const before = d.counts();
		const run = await flow.run([doc('D0', 'zero', 'D0.pdf'), doc('D1', 'one', 'D1.pdf')]);
		expect(actionsOf(run.json)).toEqual(['unchanged', 'created']);
		expect(listings(d, mark)).toEqual([]);
		// The feed at the start, the upload, the feed once more for the twin rule.
		expect(d.counts().total - before.total).toBe(3);
	});

	test('a folder the export created is never listed: empty when made, then vouched for by the state', async () => {
		const flow = exportWorkflow(d, inF0);
		await flow.run([doc('D0', 'zero', 'D0.pdf')]);
		const inF1 = (x: Doc): Doc => ({ ...x, json: { folder: 'F1' } });
		const mark = d.fixture.fake.mark();
		await flow.run([doc('D0', 'zero', 'D0.pdf'), inF1(doc('D1', 'one', 'D1.pdf'))]);
		await flow.run([doc('D0', 'zero', 'D0.pdf'), inF1(doc('D1', 'one', 'D1.pdf'))]);
		const run = await flow.run([
			doc('D0', 'zero', 'D0.pdf'),
			inF1(doc('D1', 'one', 'D1.pdf')),
			inF1(doc('D2', 'two', 'D2.pdf')),
		]);
		expect(actionsOf(run.json)).toEqual(['unchanged', 'unchanged', 'created']);
		// The one files.list is the twin look right after F1 was created (README, overlapping runs).
		expect(listings(d, mark)).toHaveLength(1);
	});

	test('a file of yours saved in the folder before the last run keeps a document of that name from going beside it', async () => {
		const flow = exportWorkflow(d, inF0);
		await flow.run([doc('D0', 'zero', 'D0.pdf')]);
		await d.fixture.user.createFile('F0/invoice.pdf', Buffer.from('my own invoice'));
		// This run sees your file in its change batch; the next one does not (it is before the cursor).
		await flow.run([doc('D0', 'zero', 'D0.pdf')]);
		const mark = d.fixture.fake.mark();
		const run = await flow.run([
			doc('D0', 'zero', 'D0.pdf'),
			doc('TX-1', 'receipt', 'invoice.pdf'),
		]);
		expect(run.json[1]).toMatchObject({ action: 'created', path: 'F0/invoice (TX-1).pdf' });
		expect(listings(d, mark).length).toBeGreaterThan(0);
		expect(await d.fixture.user.read('F0/invoice.pdf')).toEqual(Buffer.from('my own invoice'));
		const files = await filesBelow(d.fixture.provider, d.fixture.rootId);
		expect([...files.keys()].sort()).toEqual([
			'F0/D0.pdf',
			'F0/invoice (TX-1).pdf',
			'F0/invoice.pdf',
		]);
	});

	test('a file of yours renamed to a document name before the last run is still seen', async () => {
		const flow = exportWorkflow(d, inF0);
		await flow.run([doc('D0', 'zero', 'D0.pdf')]);
		await d.fixture.user.createFile('F0/notes.pdf', Buffer.from('my notes'));
		await flow.run([doc('D0', 'zero', 'D0.pdf')]);
		// Then renamed, and a run in between sees the rename: two runs later the name is still known as taken.
		await d.fixture.user.rename('F0/notes.pdf', 'invoice.pdf');
		await flow.run([doc('D0', 'zero', 'D0.pdf')]);
		const run = await flow.run([
			doc('D0', 'zero', 'D0.pdf'),
			doc('TX-1', 'receipt', 'invoice.pdf'),
		]);
		expect(run.json[1]).toMatchObject({ action: 'created', path: 'F0/invoice (TX-1).pdf' });
		expect(await d.fixture.user.read('F0/invoice.pdf')).toEqual(Buffer.from('my notes'));
	});

	test('a folder you renamed and put a file in, both in the same change batch: no document goes beside your file', async () => {
		const flow = exportWorkflow(d, inF0);
		await flow.run([doc('D0', 'zero', 'D0.pdf')]);
		await flow.run([doc('D0', 'zero', 'D0.pdf')]);
		await d.fixture.user.rename('F0', 'F0 old');
		await d.fixture.user.createFile('F0 old/invoice.pdf', Buffer.from('my own invoice'));
		const run = await flow.run([
			doc('D0', 'zero', 'D0.pdf'),
			doc('TX-1', 'receipt', 'invoice.pdf'),
		]);
		expect(run.json[1]).toMatchObject({ action: 'created' });
		expect(await d.fixture.user.read('F0 old/invoice.pdf')).toEqual(Buffer.from('my own invoice'));
		const paths: string[] = [];
		for await (const item of d.fixture.provider.list(d.fixture.rootId, { recursive: true }))
			if (!item.isFolder) paths.push(item.path!);
		expect(paths.sort()).toEqual([...new Set(paths)].sort());
		const files = await filesBelow(d.fixture.provider, d.fixture.rootId);
		expect(files.get(run.json[1].path as string)?.id).toBe(run.json[1].fileId);
	});

	test('two overlapping runs bringing different documents named invoice.pdf: the next run gives them their two names', async () => {
		const flow = exportWorkflow(d, inF0);
		await flow.run([doc('D0', 'zero', 'D0.pdf')]);
		await flow.run([doc('D0', 'zero', 'D0.pdf')]);
		// Neither run's feed read can show the other's create: both may take the name (Drive allows it), as both
		// could when each listed the folder before either created.
		await Promise.all([
			flow.run([doc('D0', 'zero', 'D0.pdf'), doc('TX-1', 'one', 'invoice.pdf')], 'webhook'),
			flow.run([doc('D0', 'zero', 'D0.pdf'), doc('TX-2', 'two', 'invoice.pdf')], 'webhook'),
		]);
		const both = [
			doc('D0', 'zero', 'D0.pdf'),
			doc('TX-1', 'one', 'invoice.pdf'),
			doc('TX-2', 'two', 'invoice.pdf'),
		];
		const next = await flow.run(both);
		const paths: string[] = [];
		for await (const item of d.fixture.provider.list(d.fixture.rootId, { recursive: true }))
			if (!item.isFolder) paths.push(item.path!);
		// Which of the two keeps the plain name may follow the state n8n saved last; never both, never a third file.
		const moved = next.json.find((j) => j.path !== 'F0/invoice.pdf' && j.recordKey !== 'D0')!;
		expect(moved.path).toBe(`F0/invoice (${String(moved.recordKey)}).pdf`);
		expect(paths.sort()).toEqual(['F0/D0.pdf', moved.path, 'F0/invoice.pdf'].sort());
		const files = await filesBelow(d.fixture.provider, d.fixture.rootId);
		for (const j of next.json) expect(files.get(j.path as string)?.id).toBe(j.fileId);
		expect(actionsOf((await flow.run(both)).json)).toEqual(['unchanged', 'unchanged', 'unchanged']);
	});

	test('a state lost and rebuilt from a listing vouches again: the run after it lists nothing', async () => {
		const flow = exportWorkflow(d, inF0);
		await flow.run([doc('D0', 'zero', 'D0.pdf'), doc('D1', 'one', 'D1.pdf')]);
		flow.harness.staticData = {};
		expect(actionsOf((await flow.run([doc('D0', 'zero', 'D0.pdf')])).json)).toEqual(['unchanged']);
		// The rebuilt state does not hold D1 (its item did not come): its file keeps the folder unvouched.
		const mark = d.fixture.fake.mark();
		await flow.run([doc('D0', 'zero', 'D0.pdf'), doc('D2', 'two', 'D1.pdf')]);
		expect(listings(d, mark).length).toBeGreaterThan(0);
		const files = await filesBelow(d.fixture.provider, d.fixture.rootId);
		expect(files.get('F0/D1.pdf')).toBeDefined();
		expect(files.size).toBe(3);
	});
});
