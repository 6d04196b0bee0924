/**
 * Issue 12's stories through n8n's engine on every destination: records sharing a name, a file the user put at
 * our name, the user rearranging inside the root, the same key twice in a batch, a folder structure that resolves
 * to nothing, and the time zone of year folders.
 */
import type { StorageKind } from '../../nodes/shared/storage/types';
import {
	actionsOf,
	cloudDestination,
	EXPORT,
	exportWorkflow,
	filesBelow,
	localDestination,
	type Doc,
	type ExportDestination,
} from './support/exportWorkflow';

const KINDS: StorageKind[] = ['localFolder', 'oneDrive', 'dropbox', 'googleDrive'];

async function open(kind: StorageKind): Promise<ExportDestination> {
	return kind === 'localFolder' ? await localDestination() : await cloudDestination(kind);
}

const named = (id: string, content: string, fileName: string, json: Doc['json'] = {}): Doc => ({
	id,
	content,
	fileName,
	json,
});

describe.each(KINDS)(
	"Export to Folder on %s: names, the user's files and the batch (issue 12)",
	(kind) => {
		const opened: ExportDestination[] = [];
		async function destination(): Promise<ExportDestination> {
			const d = await open(kind);
			opened.push(d);
			return d;
		}
		afterEach(async () => {
			while (opened.length) await opened.pop()!.close();
		});

		test('two receipts named invoice.pdf get two files whatever the order they arrive in, and a fresh workflow finds both', async () => {
			const receipts = [
				named('TX-1', 'receipt one', 'invoice.pdf'),
				named('TX-2', 'receipt two', 'invoice.pdf'),
			];
			const first = await destination();
			const flow = exportWorkflow(first);
			const run = await flow.run(receipts);
			expect(actionsOf(run.json)).toEqual(['created', 'created']);
			const paths = Object.fromEntries(run.json.map((j) => [j.recordKey, j.path]));
			expect(Object.values(paths).sort()).toEqual(expect.arrayContaining(['invoice.pdf']));
			const other = paths['TX-1'] === 'invoice.pdf' ? 'TX-2' : 'TX-1';
			expect(paths[other]).toBe(`invoice (${other}).pdf`);
			const files = await filesBelow(first.fixture.provider, first.fixture.rootId);
			expect(files.size).toBe(2);
			for (const j of run.json) expect(files.get(j.path as string)?.id).toBe(j.fileId);

			// The other order, on a fresh destination: the same names.
			const second = await destination();
			const reversed = await exportWorkflow(second).run([...receipts].reverse());
			expect(Object.fromEntries(reversed.json.map((j) => [j.recordKey, j.path]))).toEqual(paths);

			// State lost: the files are found again, nothing uploaded, the mapping rebuilt the same.
			flow.harness.staticData = {};
			const before = first.counts().uploads;
			const rebuilt = await flow.run(receipts);
			expect(actionsOf(rebuilt.json)).toEqual(['unchanged', 'unchanged']);
			expect(Object.fromEntries(rebuilt.json.map((j) => [j.recordKey, j.path]))).toEqual(paths);
			expect(first.counts().uploads).toBe(before);
			expect((await filesBelow(first.fixture.provider, first.fixture.rootId)).size).toBe(2);
		});

		test('a file the user put at invoice.pdf is left as it is; ours is invoice (<key>).pdf and stays there', async () => {
			const d = await destination();
			await d.fixture.user.createFile('invoice.pdf', Buffer.from('my own invoice'));
			const flow = exportWorkflow(d);
			const doc = named('TX-1', 'receipt one', 'invoice.pdf');
			const first = await flow.run([doc]);
			expect(first.json[0]).toMatchObject({ action: 'created', path: 'invoice (TX-1).pdf' });
			expect(await d.fixture.user.read('invoice.pdf')).toEqual(Buffer.from('my own invoice'));
			const edited = await flow.run([{ ...doc, content: 'receipt one, corrected' }]);
			// (A local folder replaces a file atomically, so there the id is the new file's.)
			const files = await filesBelow(d.fixture.provider, d.fixture.rootId);
			expect(edited.json[0]).toMatchObject({
				action: 'updated',
				path: 'invoice (TX-1).pdf',
				fileId: files.get('invoice (TX-1).pdf')!.id,
			});
			expect(files.size).toBe(2);
			expect(await d.fixture.user.read('invoice.pdf')).toEqual(Buffer.from('my own invoice'));
			expect(await d.fixture.user.read('invoice (TX-1).pdf')).toEqual(
				Buffer.from('receipt one, corrected'),
			);
		});

		test('a file the user renamed inside the root goes back to its name: the same file, no copy', async () => {
			const d = await destination();
			const flow = exportWorkflow(d);
			const doc = named('TX-1', 'receipt one', 'receipt.pdf');
			const first = await flow.run([doc]);
			await d.fixture.user.rename('receipt.pdf', 'renamed by me.pdf');
			const back = await flow.run([doc]);
			expect(back.json[0]).toMatchObject({
				action: 'updated',
				path: 'receipt.pdf',
				fileId: first.json[0].fileId,
			});
			const files = await filesBelow(d.fixture.provider, d.fixture.rootId);
			expect([...files.keys()]).toEqual(['receipt.pdf']);
			expect(actionsOf((await flow.run([doc])).json)).toEqual(['unchanged']);
		});

		test('a folder the user renamed: its files go back to the folder the layout names, no copy, nothing lost', async () => {
			const d = await destination();
			const flow = exportWorkflow(d, {
				folderStructure: 'perRecord',
				recordFolderName: '={{ $json.client }}',
			});
			const docs = [
				named('D-1', 'id card', 'id-card.pdf', { client: 'Dupont' }),
				named('D-2', 'kbis', 'kbis.pdf', { client: 'Dupont' }),
			];
			const first = await flow.run(docs);
			await d.fixture.user.rename('Dupont', 'Dupont SARL');
			const back = await flow.run(docs);
			expect(back.json.map((j) => [j.action, j.path])).toEqual([
				['updated', 'Dupont/id-card.pdf'],
				['updated', 'Dupont/kbis.pdf'],
			]);
			expect(back.json.map((j) => j.fileId)).toEqual(first.json.map((j) => j.fileId));
			const files = await filesBelow(d.fixture.provider, d.fixture.rootId);
			expect([...files.keys()].sort()).toEqual(['Dupont/id-card.pdf', 'Dupont/kbis.pdf']);
			expect(actionsOf((await flow.run(docs)).json)).toEqual(['unchanged', 'unchanged']);
		});

		test('the same record key twice in one batch: the last content wins, the earlier item is superseded', async () => {
			const d = await destination();
			const flow = exportWorkflow(d);
			const { result, json } = await flow.run([
				named('DOC', 'first draft', 'doc.pdf'),
				named('OTHER', 'other', 'other.pdf'),
				named('DOC', 'final', 'doc.pdf'),
			]);
			expect(json).toEqual([
				{ action: 'superseded', recordKey: 'DOC', supersededBy: 2 },
				expect.objectContaining({ action: 'created', path: 'other.pdf' }),
				expect.objectContaining({ action: 'created', path: 'doc.pdf' }),
			]);
			expect(result.output(EXPORT).map((item) => item.pairedItem)).toEqual([
				{ item: 0 },
				{ item: 1 },
				{ item: 2 },
			]);
			expect(await d.fixture.user.read('doc.pdf')).toEqual(Buffer.from('final'));
			expect((await filesBelow(d.fixture.provider, d.fixture.rootId)).size).toBe(2);
		});

		test('a folder template that resolves to nothing fails that item, naming Folder Template and the value; the others export', async () => {
			const d = await destination();
			const flow = exportWorkflow(
				d,
				{ folderStructure: 'custom', folderTemplate: '={{ $json.company }}' },
				{ continueOnFail: true },
			);
			const { json } = await flow.run([
				named('A-1', 'a', 'a.pdf', { company: 'Acme' }),
				named('B-1', 'b', 'b.pdf', { company: '' }),
				named('C-1', 'c', 'c.pdf', { company: '..' }),
			]);
			expect(actionsOf(json)).toEqual(['created', 'failed', 'failed']);
			expect(json[1].error).toMatch(
				/Item 1: The folder structure resolved to no folder at all \(it got ""\).*Folder Template/,
			);
			expect(json[2].error).toMatch(/it got "\.\."/);
			expect([...(await filesBelow(d.fixture.provider, d.fixture.rootId)).keys()]).toEqual([
				'Acme/a.pdf',
			]);

			const strict = exportWorkflow(d, {
				folderStructure: 'custom',
				folderTemplate: '={{ $json.company }}',
			});
			const stopped = await strict.run([named('B-1', 'b', 'b.pdf', { company: ' ' })]);
			expect(stopped.result.nodeError(EXPORT)?.message).toMatch(
				/Item 0: The folder structure resolved to no folder at all/,
			);
		});

		test("the Time Zone option decides the year folder (default: the workflow's zone)", async () => {
			const d = await destination();
			const layout = { folderStructure: 'companyYear', companyName: '={{ $json.company }}' };
			const doc = named('NYE', 'late invoice', 'nye.pdf', {
				company: 'Acme',
				date: '2025-12-31T23:30:00Z',
			});
			const utc = await exportWorkflow(d, { ...layout, options: { timeZone: 'UTC' } }).run([doc]);
			expect(utc.json[0].path).toBe('Acme/2025/nye.pdf');
			const paris = await exportWorkflow(d, {
				...layout,
				options: { timeZone: 'Europe/Paris' },
			}).run([{ ...doc, id: 'NYE-2' }]);
			expect(paris.json[0].path).toBe('Acme/2026/nye.pdf');
			const wrong = await exportWorkflow(d, {
				...layout,
				options: { timeZone: 'Mars/Olympus' },
			}).run([doc]);
			expect(wrong.result.nodeError(EXPORT)?.message).toMatch(
				/"Time Zone" is not a time zone: "Mars\/Olympus"/,
			);
		});
	},
);

describe.each(KINDS)(
	'Export to Folder on %s: a root folder per item (seeds/000, issue 12 point 8)',
	(kind) => {
		let destination: ExportDestination | undefined;
		afterEach(async () => {
			await destination?.close();
			destination = undefined;
		});

		test("each procedure's documents go to the folder its configuration names; one run serves both roots, the next is idle", async () => {
			destination = await open(kind);
			const { user, provider } = destination.fixture;
			const procedureA = await user.createFolder('Procedure A');
			const procedureB = await user.createFolder('Procedure B');
			const flow = exportWorkflow(destination, {
				folderStructure: 'perRecord',
				recordFolderName: '={{ $json.client }}',
				rootFolder: { __rl: true, mode: 'id', value: '={{ $json.rootId }}' },
			});
			const docs = [
				named('A-1', 'dupont id card', 'id-card.pdf', { client: 'Dupont', rootId: procedureA }),
				named('B-1', 'martin id card', 'id-card.pdf', { client: 'Martin', rootId: procedureB }),
				named('A-2', 'dupont kbis', 'kbis.pdf', { client: 'Dupont', rootId: procedureA }),
			];
			const first = await flow.run(docs);
			expect(first.json.map((j) => [j.action, j.path])).toEqual([
				['created', 'Dupont/id-card.pdf'],
				['created', 'Martin/id-card.pdf'],
				['created', 'Dupont/kbis.pdf'],
			]);
			expect([...(await filesBelow(provider, procedureA)).keys()].sort()).toEqual([
				'Dupont/id-card.pdf',
				'Dupont/kbis.pdf',
			]);
			expect([...(await filesBelow(provider, procedureB)).keys()]).toEqual(['Martin/id-card.pdf']);

			const before = destination.counts();
			expect(actionsOf((await flow.run(docs)).json)).toEqual([
				'unchanged',
				'unchanged',
				'unchanged',
			]);
			expect(destination.counts().uploads).toBe(before.uploads);
			// One change-feed read per root (the local folder scans each root instead).
			expect(destination.counts().changeFeed - before.changeFeed).toBeLessThanOrEqual(2);
			// A webhook run for one procedure only: the other root's state is untouched.
			const one = await flow.run(
				[named('B-2', 'martin kbis', 'kbis.pdf', { client: 'Martin', rootId: procedureB })],
				'webhook',
			);
			expect(one.json[0]).toMatchObject({ action: 'created', path: 'Martin/kbis.pdf' });
			expect(actionsOf((await flow.run(docs)).json)).toEqual([
				'unchanged',
				'unchanged',
				'unchanged',
			]);
			expect((await filesBelow(provider, procedureA)).size).toBe(2);
		});

		test('an item whose root folder is empty fails alone, naming the parameter', async () => {
			destination = await open(kind);
			const procedureA = await destination.fixture.user.createFolder('Procedure A');
			const flow = exportWorkflow(
				destination,
				{ rootFolder: { __rl: true, mode: 'id', value: '={{ $json.rootId }}' } },
				{ continueOnFail: true },
			);
			const { json } = await flow.run([
				named('X-1', 'no procedure', 'x.pdf', { rootId: '' }),
				named('A-1', 'dupont', 'a.pdf', { rootId: procedureA }),
			]);
			expect(actionsOf(json)).toEqual(['failed', 'created']);
			expect(json[0].error).toMatch(/No root folder chosen/);
		});
	},
);
