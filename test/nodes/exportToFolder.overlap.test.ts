/**
 * Two executions at once on Google Drive, with the interleaving forced rather than hoped for: the fake holds every
 * create until both executions have looked and found the name free, so both create the same folder or file side
 * by side (Drive allows two items of one name). The convergent rule (nodes/shared/sync/exportTwins.ts) must leave
 * exactly one, with both executions' output naming it, and a following run writing nothing.
 */
import type { IDataObject } from 'n8n-workflow';
import type { RemoteItem } from '../../nodes/shared/storage/types';
import type { FakeDrive } from '../fakes/drive';
import {
	cloudDestination,
	exportWorkflow,
	type Doc,
	type ExportDestination,
} from './support/exportWorkflow';

const HOLD_MS = 400;
/** New files (multipart or resumable uploads) and new folders (metadata-only create). */
const FILE_CREATE = { method: 'POST', path: /^\/upload\/drive\/v3\/files\?/ };
const FOLDER_CREATE = { method: 'POST', path: /^\/drive\/v3\/files\?/ };

async function everything(destination: ExportDestination, folderId: string): Promise<RemoteItem[]> {
	const items: RemoteItem[] = [];
	for await (const item of destination.fixture.provider.list(folderId, { recursive: true }))
		items.push(item);
	return items;
}

function fakeOf(destination: ExportDestination): FakeDrive {
	return (destination.fixture as unknown as { fake: FakeDrive }).fake;
}

async function overlapping(
	flow: ReturnType<typeof exportWorkflow>,
	docs: Doc[],
): Promise<IDataObject[][]> {
	const runs = await Promise.all([flow.run(docs, 'webhook'), flow.run(docs, 'webhook')]);
	for (const run of runs) expect(run.result.nodeError('Export')).toBeUndefined();
	return runs.map((run) => run.json);
}

describe('Export to Folder, two executions at once on Google Drive: both find the name free, both create, one stays', () => {
	let destination: ExportDestination;
	beforeEach(async () => {
		destination = await cloudDestination('googleDrive');
	});
	afterEach(async () => {
		await destination.close();
	});

	test('the same new file created twice: the newer is removed by the execution that made it, both outputs name the one kept', async () => {
		const flow = exportWorkflow(destination, { fileName: '={{ $json.name }}' });
		const first: Doc = { id: 'k0', content: 'k0 v1', json: { name: 'receipt.pdf' } };
		expect((await flow.run([first])).result.nodeError('Export')).toBeUndefined();
		const docs = [first, { id: 'k1', content: 'k1 v1', json: { name: 'invoice.pdf' } }];

		const uploadsBefore = destination.counts().uploads;
		fakeOf(destination).inject({
			...FILE_CREATE,
			times: 2,
			action: { type: 'delay', ms: HOLD_MS },
		});
		const [a, b] = await overlapping(flow, docs);
		// The interleaving happened: both executions created the file.
		expect(destination.counts().uploads - uploadsBefore).toBe(2);

		const files = (await everything(destination, destination.fixture.rootId)).filter(
			(f) => f.name === 'invoice.pdf',
		);
		expect(files).toHaveLength(1);
		expect(a[1]).toMatchObject({ action: 'created', fileId: files[0].id, path: 'invoice.pdf' });
		expect(b[1]).toMatchObject({ action: 'created', fileId: files[0].id, path: 'invoice.pdf' });

		const quiet = destination.counts();
		const next = await flow.run(docs);
		expect(next.json.map((j) => j.action)).toEqual(['unchanged', 'unchanged']);
		expect(destination.counts().uploads).toBe(quiet.uploads);
	});

	test('the same new folder created twice: the newer (still empty) is removed, every file lands in the one kept', async () => {
		const flow = exportWorkflow(destination, {
			fileName: '={{ $json.name }}',
			folderStructure: 'custom',
			folderTemplate: '={{ $json.folder }}',
		});
		const first: Doc = { id: 'k0', content: 'k0 v1', json: { name: 'receipt.pdf', folder: 'A' } };
		expect((await flow.run([first])).result.nodeError('Export')).toBeUndefined();
		const docs = [
			first,
			{ id: 'k1', content: 'k1 v1', json: { name: 'invoice.pdf', folder: 'B' } },
			{ id: 'k2', content: 'k2 v1', json: { name: 'receipt.pdf', folder: 'B' } },
		];

		fakeOf(destination).inject({
			...FOLDER_CREATE,
			times: 2,
			action: { type: 'delay', ms: HOLD_MS },
		});
		const [a, b] = await overlapping(flow, docs);

		const all = await everything(destination, destination.fixture.rootId);
		const folders = all.filter((f) => f.isFolder && f.name === 'B');
		expect(folders).toHaveLength(1);
		const inB = all
			.filter((f) => !f.isFolder && f.parentId === folders[0].id)
			.map((f) => f.name)
			.sort();
		expect(inB).toEqual(['invoice.pdf', 'receipt.pdf']);
		expect(all.filter((f) => !f.isFolder)).toHaveLength(3);
		for (const json of [a, b]) {
			for (const out of json.slice(1))
				expect(all.find((f) => f.id === out.fileId)?.parentId).toBe(folders[0].id);
		}

		const quiet = destination.counts();
		const next = await flow.run(docs);
		expect(next.json.map((j) => j.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
		expect(destination.counts().uploads).toBe(quiet.uploads);
	});

	test('a root folder named by the node, created by two first runs at once: one root, holding both files once', async () => {
		const flow = exportWorkflow(destination, {
			rootMode: 'name',
			rootName: 'Accounting',
			fileName: '={{ $json.name }}',
		});
		const docs: Doc[] = [{ id: 'k1', content: 'k1 v1', json: { name: 'invoice.pdf' } }];
		fakeOf(destination).inject({
			...FOLDER_CREATE,
			times: 2,
			action: { type: 'delay', ms: HOLD_MS },
		});
		await overlapping(flow, docs);

		const driveRoot = await destination.fixture.provider.root();
		const roots: RemoteItem[] = [];
		for await (const item of destination.fixture.provider.list(driveRoot.id))
			if (item.isFolder && item.name === 'Accounting') roots.push(item);
		expect(roots).toHaveLength(1);
		const files = (await everything(destination, roots[0].id)).filter((f) => !f.isFolder);
		expect(files.map((f) => f.name)).toEqual(['invoice.pdf']);
	});
});
