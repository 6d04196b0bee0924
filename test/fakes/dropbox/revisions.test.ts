import { Dropbox, DropboxResponseError } from 'dropbox';
import { FakeAuth } from '../common/auth';
import { contentHashOf } from './contentHash';
import { ALL_SCOPES, FakeDropbox } from './index';
import { sdkFor } from './sdkClient';

/** Deleted files' revisions through the real SDK: files/list_revisions, files/restore, and the web UI's restores. */
describe('FakeDropbox: deleted revisions and restore', () => {
	let fake: FakeDropbox;
	let dbx: Dropbox;

	beforeEach(async () => {
		const auth = new FakeAuth();
		fake = new FakeDropbox(auth);
		await fake.start();
		dbx = sdkFor(fake, auth.issue('dropbox', ALL_SCOPES).access_token);
	});

	afterEach(async () => {
		await fake.stop();
	});

	async function sdkError(promise: Promise<unknown>): Promise<DropboxResponseError<any>> {
		try {
			await promise;
		} catch (error) {
			if (error instanceof DropboxResponseError) return error;
			throw error;
		}
		throw new Error('expected a DropboxResponseError');
	}

	it('lists the revision a deleted file had, restores it at its path, and list_folder/continue shows the file there', async () => {
		const written = await dbx.filesUpload({ path: '/A/invoice.pdf', contents: Buffer.from('v1') });
		await dbx.filesDeleteV2({ path: '/A/invoice.pdf' });
		const cursor = (await dbx.filesListFolderGetLatestCursor({ path: '', recursive: true })).result
			.cursor;

		const revisions = await dbx.filesListRevisions({ path: '/a/INVOICE.pdf' });
		expect(revisions.result.is_deleted).toBe(true);
		expect(revisions.result.server_deleted).toEqual(expect.any(String));
		expect(revisions.result.entries.map((e) => e.rev)).toEqual([written.result.rev]);
		expect(revisions.result.entries[0].content_hash).toBe(contentHashOf(Buffer.from('v1')));

		const restored = await dbx.filesRestore({ path: '/A/invoice.pdf', rev: written.result.rev });
		expect(restored.result).toMatchObject({
			path_display: '/A/invoice.pdf',
			content_hash: contentHashOf(Buffer.from('v1')),
		});
		expect(restored.result.id).not.toBe(written.result.id);
		expect((await fake.readFile('/A/invoice.pdf'))!.toString()).toBe('v1');

		const changes = await dbx.filesListFolderContinue({ cursor });
		expect(changes.result.entries).toEqual([
			expect.objectContaining({
				'.tag': 'file',
				path_lower: '/a/invoice.pdf',
				id: restored.result.id,
			}),
		]);
		const now = await dbx.filesListRevisions({ path: '/A/invoice.pdf' });
		expect(now.result.is_deleted).toBe(false);
	});

	it('restores to another path (parents created) and keeps the revision restorable', async () => {
		const written = await dbx.filesUpload({ path: '/r.pdf', contents: Buffer.from('r') });
		await dbx.filesDeleteV2({ path: '/r.pdf' });
		await dbx.filesRestore({ path: '/Back/r copy.pdf', rev: written.result.rev });
		await dbx.filesRestore({ path: '/r.pdf', rev: written.result.rev });
		expect((await fake.readFile('/Back/r copy.pdf'))!.toString()).toBe('r');
		expect((await fake.readFile('/r.pdf'))!.toString()).toBe('r');
	});

	it('answers as RestoreError and LookupError say: invalid_revision, a folder at the path, an unknown path; a malformed rev is a 400', async () => {
		const written = await dbx.filesUpload({ path: '/x.pdf', contents: Buffer.from('x') });
		await dbx.filesDeleteV2({ path: '/x.pdf' });
		await dbx.filesCreateFolderV2({ path: '/Folder' });
		const unknown = await sdkError(dbx.filesRestore({ path: '/x.pdf', rev: '0123456789abc' }));
		expect(unknown.status).toBe(409);
		expect(unknown.error.error['.tag']).toBe('invalid_revision');
		const folder = await sdkError(dbx.filesRestore({ path: '/Folder', rev: written.result.rev }));
		expect(folder.error.error).toMatchObject({
			'.tag': 'path_write',
			path_write: { '.tag': 'conflict', conflict: { '.tag': 'folder' } },
		});
		const malformed = await sdkError(dbx.filesRestore({ path: '/x.pdf', rev: 'zz' }));
		expect(malformed.status).toBe(400);
		const none = await sdkError(dbx.filesListRevisions({ path: '/never.pdf' }));
		expect(none.error.error).toMatchObject({ '.tag': 'path', path: { '.tag': 'not_found' } });
	});

	it("lists a live file's revision (not deleted) and, in id mode, a deleted file by its id", async () => {
		const written = await dbx.filesUpload({ path: '/live.pdf', contents: Buffer.from('l') });
		const live = await dbx.filesListRevisions({ path: '/live.pdf' });
		expect(live.result).toMatchObject({ is_deleted: false, has_more: false });
		expect(live.result.entries.map((e) => e.rev)).toEqual([written.result.rev]);
		await dbx.filesDeleteV2({ path: '/live.pdf' });
		const byId = await dbx.filesListRevisions({ path: written.result.id, mode: { '.tag': 'id' } });
		expect(byId.result.is_deleted).toBe(true);
		expect(byId.result.entries.map((e) => e.rev)).toEqual([written.result.rev]);
	});

	it('the web UI restores a deleted folder with the files deleted in it, each at its path', async () => {
		await dbx.filesUpload({ path: '/Client/2026/a.pdf', contents: Buffer.from('a') });
		await dbx.filesUpload({ path: '/Client/b.pdf', contents: Buffer.from('b') });
		await dbx.filesDeleteV2({ path: '/Client' });
		const cursor = (await dbx.filesListFolderGetLatestCursor({ path: '', recursive: true })).result
			.cursor;
		const restored = await fake.userRestoreFolder('/Client');
		expect(restored.map((n) => n.pathDisplay)).toEqual(['/Client/2026/a.pdf', '/Client/b.pdf']);
		const changes = await dbx.filesListFolderContinue({ cursor });
		expect(changes.result.entries.map((e) => `${e['.tag']} ${e.path_lower}`).sort()).toEqual([
			'file /client/2026/a.pdf',
			'file /client/b.pdf',
			'folder /client',
			'folder /client/2026',
		]);
	});
});
