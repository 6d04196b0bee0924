import { hashBuffer } from '../../nodes/shared/hashes';
import { CloudError, HINTS, isCloudError } from '../../nodes/shared/types/cloudError';
import { ClientOAuth2 } from '@n8n/client-oauth2';
import { Dropbox } from 'dropbox';
import { DropboxStorage } from '../../nodes/shared/storage/dropbox';
import { Transport } from '../../nodes/shared/transport/transport';
import { FakeAuth } from '../fakes/common/auth';
import { FakeDropbox } from '../fakes/dropbox';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET } from '../fakes/oauth';
import { TestWire } from '../harness/testWire';
import { createDropboxFixture, fastPacer, type DropboxFixture } from './fixtures/dropbox';
import { ChangeTracker, collect, patternBytes, patternStream, readAll } from './support';
import { CLOUD_WIRES } from '../support/cloudWires';
import { peakHeldGrowth } from '../support/liveMemory';

const MIB = 1024 * 1024;

async function failure(promise: Promise<unknown>): Promise<CloudError> {
	const outcome = await promise.then(
		() => undefined,
		(error: unknown) => error,
	);
	if (!(outcome instanceof CloudError))
		throw new Error(`expected a CloudError, got ${String(outcome)}`);
	return outcome;
}

/** Bytes of upload-session request bodies the fake received since `mark` (cut requests included). */
function bytesSince(fixture: DropboxFixture, mark: number): number {
	return fixture.fake
		.requests({ since: mark, path: 'upload_session' })
		.reduce((sum, entry) => sum + entry.bytesIn, 0);
}

describe('DropboxStorage against FakeDropbox', () => {
	let fixture: DropboxFixture;

	beforeEach(async () => {
		fixture = await createDropboxFixture();
	});

	afterEach(async () => {
		await fixture.close();
	});

	describe('chunked uploads', () => {
		// The default chunk (the link model's 16 MiB) and a file of two and a half chunks.
		const chunk = 16 * MIB;
		const size = 2 * chunk + 4 * MIB;

		it('resumes an upload of two and a half chunks cut mid-chunk from correct_offset, re-sending less than one chunk', async () => {
			const { provider, fake } = fixture;
			expect(provider.features.chunkSize).toBe(chunk);
			const cutAt = 3 * MIB + 12345;
			fake.cutUpload({ route: 'append_v2', afterBytes: cutAt, keepReceived: true });
			const mark = fake.mark();
			const item = await provider.upload(
				{ parentId: fixture.rootId, name: 'big.bin' },
				{ size, stream: patternStream(size, 'big') },
			);

			const expected = patternBytes(size, 'big');
			expect(item.hash).toBe(hashBuffer('dropboxContentHash', expected));
			expect((await fixture.user.read('big.bin'))!.equals(expected)).toBe(true);
			const appends = fake.uploadLog.filter(
				(entry) => entry.route.endsWith('append_v2') && entry.bytes > 0,
			);
			expect(appends.map((entry) => [entry.offset, entry.bytes, entry.cut])).toEqual([
				[0, cutAt, true],
				[cutAt, chunk - cutAt, false],
				[chunk, chunk, false],
				[2 * chunk, size - 2 * chunk, false],
			]);
			const resent = bytesSince(fixture, mark) - size;
			expect(resent).toBeGreaterThanOrEqual(0);
			expect(resent).toBeLessThan(chunk);
			expect(provider.lastSessionUpload).toMatchObject({ chunks: 3, resumes: 1 });
			// start (empty), cut append, probe (409 incorrect_offset), the rest of chunk 1, chunks 2 and 3, finish.
			const statuses = fake.requests({ since: mark, path: 'upload_session' }).map((r) => r.status);
			expect(statuses).toHaveLength(7);
			expect([statuses[0], ...statuses.slice(2)]).toEqual([200, 409, 200, 200, 200, 200]);
		});

		it('resends the whole chunk, and only it, when the server dropped the cut part (atomic appends)', async () => {
			const { provider, fake } = fixture;
			fake.cutUpload({ route: 'append_v2', afterBytes: 5 * MIB, keepReceived: false });
			const mark = fake.mark();
			const data = patternBytes(size, 'atomic');
			const item = await provider.upload(
				{ parentId: fixture.rootId, name: 'atomic.bin' },
				{ size, data },
			);
			expect(item.hash).toBe(hashBuffer('dropboxContentHash', data));
			const extra = bytesSince(fixture, mark) - size;
			expect(extra).toBeGreaterThanOrEqual(5 * MIB);
			expect(extra).toBeLessThanOrEqual(chunk);
		});

		it('sends nothing again when only the answer to an append was lost', async () => {
			const { provider, fake } = fixture;
			fake.inject({ path: 'append_v2', skip: 1, action: { type: 'cutResponse', afterBytes: 0 } });
			const mark = fake.mark();
			const data = patternBytes(size, 'lost-answer');
			const item = await provider.upload(
				{ parentId: fixture.rootId, name: 'lost.bin' },
				{ size, data },
			);
			expect(item.hash).toBe(hashBuffer('dropboxContentHash', data));
			expect(bytesSince(fixture, mark)).toBe(size);
			expect(provider.lastSessionUpload?.resumes).toBe(1);
		});

		it('survives an access token expiring mid-upload with one refresh', async () => {
			const { provider, fake, wire } = fixture;
			fake.inject({ path: 'append_v2', skip: 1, action: { type: 'expireToken' } });
			const data = patternBytes(size, 'expiry');
			const item = await provider.upload(
				{ parentId: fixture.rootId, name: 'expiry.bin' },
				{ size, data },
			);
			expect(item.hash).toBe(hashBuffer('dropboxContentHash', data));
			expect(wire.refreshes).toBe(1);
			expect(fake.requests().some((r) => r.status === 401)).toBe(true);
		});

		it('reports auth when the token stays expired because the refresh token was revoked', async () => {
			fixture.fake.auth.revokeRefreshTokens();
			fixture.fake.auth.expireAccessTokens();
			const error = await failure(collect(fixture.provider.list(fixture.rootId)));
			expect(error.reason).toBe('auth');
			expect(error.hint).toBe(HINTS.auth);
		});

		it('keeps memory flat while streaming 64 MiB up and down', async () => {
			const big = 64 * MIB;
			const limit = 48 * MIB;
			let received = 0;
			const growth = await peakHeldGrowth(
				async () => {
					const item = await fixture.provider.upload(
						{ parentId: fixture.rootId, name: 'flat.bin' },
						{ size: big, stream: patternStream(big, 'flat') },
					);
					for await (const part of await fixture.provider.download(item.id))
						received += (part as Buffer).length;
				},
				limit,
				10,
			);
			expect(received).toBe(big);
			expect(growth).toBeLessThan(limit);
		});
	});

	it('uploads small files in one request, replaces in place keeping the id, and knows add-mode conflicts', async () => {
		const { provider, fake } = fixture;
		const one = Buffer.from('one');
		const mark = fake.mark();
		const first = await provider.upload(
			{ parentId: fixture.rootId, name: 'Doc.txt' },
			{ size: one.length, data: one },
		);
		expect(fake.requests({ since: mark, path: '/2/files/upload' })).toHaveLength(1);
		expect(first).toMatchObject({
			name: 'Doc.txt',
			size: 3,
			hash: hashBuffer('dropboxContentHash', one),
			parentId: fixture.rootId,
		});
		expect(first.id).toMatch(/^id:/);

		const again = await provider.upload(
			{ parentId: fixture.rootId, name: 'doc.TXT' },
			{ size: one.length, data: one },
		);
		expect(again.id).toBe(first.id);
		const clash = await failure(
			provider.upload(
				{ parentId: fixture.rootId, name: 'Doc.txt' },
				{ size: 5, data: Buffer.from('other') },
			),
		);
		expect(clash.reason).toBe('conflict');
		const renamed = await provider.upload(
			{ parentId: fixture.rootId, name: 'Doc.txt', onConflict: 'rename' },
			{ size: 5, data: Buffer.from('other') },
		);
		expect(renamed.name).toBe('Doc (1).txt');

		const two = Buffer.from('two!');
		await fixture.user.rename('Doc.txt', 'Moved by user.txt');
		const replaced = await provider.upload(
			{ parentId: fixture.rootId, name: 'Doc.txt', replaceId: first.id },
			{ size: two.length, data: two },
		);
		expect(replaced.id).toBe(first.id);
		expect(replaced.version).not.toBe(first.version);
		expect((await fixture.user.read('Moved by user.txt'))!.equals(two)).toBe(true);
	});

	it('resolves folders by path, id and dropbox.com link; finds children case-insensitively; names what is missing', async () => {
		const { provider } = fixture;
		const subId = await fixture.user.createFolder('Sub Folder');
		const rootName = fixture.rootPath.slice(1);
		expect(
			(await provider.resolveFolder({ mode: 'path', value: `${fixture.rootPath}/sub folder/` })).id,
		).toBe(subId);
		expect((await provider.resolveFolder({ mode: 'id', value: subId })).name).toBe('Sub Folder');
		const url = `https://www.dropbox.com/home/${encodeURIComponent(rootName)}/Sub%20Folder`;
		expect((await provider.resolveFolder({ mode: 'url', value: url })).id).toBe(subId);
		expect((await provider.resolveFolder({ mode: 'path', value: '/' })).id).toBe('');

		const missing = await failure(
			provider.resolveFolder({ mode: 'path', value: '/No/Such/Folder' }),
		);
		expect(missing.reason).toBe('notFound');
		expect(missing.message).toContain('/No/Such/Folder');
		await fixture.user.createFile('Sub Folder/Report.PDF', Buffer.from('r'));
		expect((await provider.findChild(subId, 'report.pdf'))?.name).toBe('Report.PDF');
		expect(await provider.findChild(subId, 'report.pdf', 'folder')).toBeUndefined();
		const notFolder = await failure(
			provider.resolveFolder({ mode: 'path', value: `${fixture.rootPath}/Sub Folder/Report.PDF` }),
		);
		expect(notFolder.reason).toBe('invalidRequest');
		expect((await provider.searchFolders('sub')).map((f) => f.id)).toContain(subId);
	});

	it('lists recursively over pages with paths relative to the folder and parent ids', async () => {
		await fixture.close();
		fixture = await createDropboxFixture({ listPageSize: 4 });
		const { provider, fake } = fixture;
		const aId = await fixture.user.createFolder('a');
		for (let i = 0; i < 6; i++) await fixture.user.createFile(`a/f${i}.txt`, Buffer.from(`${i}`));
		await fixture.user.createFile('top.txt', Buffer.from('t'));
		const mark = fake.mark();
		const items = await collect(provider.list(fixture.rootId, { recursive: true }));
		expect(items.map((i) => i.path).sort()).toEqual([
			'a',
			'a/f0.txt',
			'a/f1.txt',
			'a/f2.txt',
			'a/f3.txt',
			'a/f4.txt',
			'a/f5.txt',
			'top.txt',
		]);
		expect(items.find((i) => i.path === 'a/f3.txt')?.parentId).toBe(aId);
		expect(items.find((i) => i.path === 'top.txt')?.parentId).toBe(fixture.rootId);
		expect(fake.requests({ since: mark, path: 'list_folder' }).length).toBe(3);
		const flat = await collect(provider.list(fixture.rootId));
		expect(flat.map((i) => i.path).sort()).toEqual(['a', 'top.txt']);
	});

	it('follows the change feed through create, edit, rename, move and delete (folders standing for their children)', async () => {
		const { provider } = fixture;
		const options = { recursive: true };
		const destId = await fixture.user.createFolder('dest');
		await fixture.user.createFolder('old');
		await fixture.user.createFile('old/inside.txt', Buffer.from('i'));
		const tracker = new ChangeTracker(await collect(provider.list(fixture.rootId, options)));
		let cursor = await provider.latestCursor(fixture.rootId, options);
		const step = async () => {
			const batch = await provider.changes(fixture.rootId, cursor, options);
			tracker.apply(batch);
			cursor = batch.cursor;
			return batch;
		};

		const id = await fixture.user.createFile('a.txt', Buffer.from('one'));
		await fixture.user.editFile('a.txt', Buffer.from('edited'));
		let batch = await step();
		expect(batch.changes).toHaveLength(1);
		expect(tracker.byId.get(id)).toMatchObject({
			path: 'a.txt',
			size: 6,
			hash: hashBuffer('dropboxContentHash', Buffer.from('edited')),
		});

		await fixture.user.rename('a.txt', 'b.txt');
		await fixture.user.move('b.txt', 'dest');
		batch = await step();
		expect(batch.changes).toEqual(
			expect.arrayContaining([
				{ type: 'delete', path: 'a.txt' },
				{
					type: 'upsert',
					item: expect.objectContaining({ id, path: 'dest/b.txt', parentId: destId }),
				},
			]),
		);
		expect(tracker.byId.get(id)).toMatchObject({ name: 'b.txt', path: 'dest/b.txt' });

		await fixture.user.delete('old');
		batch = await step();
		expect(batch.changes).toEqual([{ type: 'delete', path: 'old' }]);
		expect(tracker.paths()).toEqual(['dest', 'dest/b.txt']);

		batch = await step();
		expect(batch.changes).toEqual([]);
	});

	it('turns an invalidated cursor into cursorReset, then recovers with a listing', async () => {
		const { provider } = fixture;
		const cursor = await provider.latestCursor(fixture.rootId, { recursive: true });
		await fixture.user.createFile('x.txt', Buffer.from('x'));
		await fixture.user.resetCursors();
		const error = await failure(provider.changes(fixture.rootId, cursor, { recursive: true }));
		expect(error.reason).toBe('cursorReset');
		expect(error.hint).toBe(HINTS.cursorReset);
		expect(
			(await collect(provider.list(fixture.rootId, { recursive: true }))).map((i) => i.path),
		).toEqual(['x.txt']);
		const fresh = await provider.latestCursor(fixture.rootId, { recursive: true });
		await fixture.user.createFile('y.txt', Buffer.from('y'));
		const batch = await provider.changes(fixture.rootId, fresh, { recursive: true });
		expect(batch.changes.map((c) => (c.type === 'upsert' ? c.item.path : c.path))).toEqual([
			'y.txt',
		]);
	});

	it('a cursor taken after a reset carries the folder place, and a bare one (older versions) still notices a renamed parent', async () => {
		const { provider } = fixture;
		await fixture.user.createFolder('p/w');
		const folder = await provider.resolveFolder({ mode: 'path', value: `${fixture.rootPath}/p/w` });
		// A fresh provider (a new run) remembers no place: the cursor must still say where it was made.
		const nextRun = new DropboxStorage(fixture.transport);
		const withPlace = await nextRun.latestCursor(folder.id, { recursive: true });
		const bare = withPlace.split('|').pop()!;
		expect(bare).not.toBe(withPlace);
		await fixture.user.rename('p', 'p1');
		await fixture.user.createFile('p1/w/a.pdf', Buffer.from('a'));
		for (const cursor of [withPlace, bare]) {
			const error = await failure(
				new DropboxStorage(fixture.transport).changes(folder.id, cursor, { recursive: true }),
			);
			expect(error.reason).toBe('cursorReset');
		}
	});

	it("a watch of the folder's own files notices the empty folder renamed; a flat cursor of an older version is replaced once", async () => {
		const { provider } = fixture;
		await fixture.user.createFolder('w');
		const folder = await provider.resolveFolder({ mode: 'path', value: `${fixture.rootPath}/w` });
		const cursor = await provider.latestCursor(folder.id, { recursive: false });
		await fixture.user.createFile('w/x/deep.pdf', Buffer.from('deep'));
		await fixture.user.createFile('w/own.pdf', Buffer.from('own'));
		const batch = await new DropboxStorage(fixture.transport).changes(folder.id, cursor, {
			recursive: false,
		});
		expect(batch.changes.map((c) => (c.type === 'upsert' ? c.item.path : c.path))).toEqual([
			'x',
			'own.pdf',
		]);
		await fixture.user.delete('w/x');
		await fixture.user.delete('w/own.pdf');
		const empty = await new DropboxStorage(fixture.transport).changes(folder.id, batch.cursor, {
			recursive: false,
		});
		await fixture.user.rename('w', 'w2');
		const moved = await failure(
			new DropboxStorage(fixture.transport).changes(folder.id, empty.cursor, { recursive: false }),
		);
		expect(moved.reason).toBe('cursorReset');
		// As versions before the subtree feed made it: the SDK's own flat cursor (the transport signs it).
		const sdk = new Dropbox({ accessToken: 'signed-by-the-wire', fetch: fixture.transport.fetch });
		const flat = (await sdk.filesListFolderGetLatestCursor({ path: folder.id, recursive: false }))
			.result.cursor;
		expect(
			(
				await failure(
					new DropboxStorage(fixture.transport).changes(folder.id, flat, { recursive: false }),
				)
			).reason,
		).toBe('cursorReset');
	});

	it('a feed that answers its path is not found: listed again when the folder is elsewhere, the folder gone when it is not', async () => {
		const { provider, fake } = fixture;
		await fixture.user.createFolder('w');
		const folder = await provider.resolveFolder({ mode: 'path', value: `${fixture.rootPath}/w` });
		const cursor = await provider.latestCursor(folder.id, { recursive: true });
		await fixture.user.rename('w', 'w2');
		// ListFolderContinueError.path (files.stone): a service may answer so for a cursor whose path is gone.
		const notFound = {
			error_summary: 'path/not_found/..',
			error: { '.tag': 'path', path: { '.tag': 'not_found' } },
		};
		fake.inject({
			path: 'list_folder/continue',
			times: 1,
			action: { type: 'respond', status: 409, body: notFound },
		});
		const moved = await failure(
			new DropboxStorage(fixture.transport).changes(folder.id, cursor, { recursive: true }),
		);
		expect([moved.reason, moved.message]).toEqual([
			'cursorReset',
			'The watched Dropbox folder is no longer where its change cursor looks',
		]);
		await fixture.user.delete('w2');
		fake.inject({
			path: 'list_folder/continue',
			times: 1,
			action: { type: 'respond', status: 409, body: notFound },
		});
		const mark = fake.mark();
		expect(
			(
				await failure(
					new DropboxStorage(fixture.transport).changes(folder.id, cursor, { recursive: true }),
				)
			).reason,
		).toBe('notFound');
		expect(fake.requests({ since: mark }).map((r) => [r.path, r.status])).toEqual([
			['/2/files/list_folder/continue', 409],
			['/2/files/get_metadata', 409],
		]);
	});

	it('downloads through a cut with a Range resume of the same revision', async () => {
		const { provider, fake } = fixture;
		const data = patternBytes(3 * MIB + 7, 'dl');
		const id = await fixture.user.createFile('dl.bin', data);
		fake.inject({ path: 'files/download', action: { type: 'cutResponse', afterBytes: MIB } });
		const mark = fake.mark();
		const downloaded = await readAll(await provider.download(id));
		expect(downloaded.equals(data)).toBe(true);
		expect(fake.requests({ since: mark, path: 'files/download' }).map((r) => r.status)).toEqual([
			200, 206,
		]);
	});

	it('maps Dropbox errors to CloudError reasons with hints', async () => {
		const { provider, fake } = fixture;
		fake.setQuota(10);
		const quota = await failure(
			provider.upload(
				{ parentId: fixture.rootId, name: 'q.bin' },
				{ size: 20, data: Buffer.alloc(20) },
			),
		);
		expect(quota).toMatchObject({ reason: 'quota', hint: HINTS.quota });
		fake.setQuota(undefined);

		const gone = await failure(provider.download('id:doesNotExist0000000000'));
		expect(gone.reason).toBe('notFound');
		expect(gone.message).toContain('id:doesNotExist0000000000');
		const deleted = await failure(provider.delete('id:doesNotExist0000000000'));
		expect(deleted.reason).toBe('notFound');
		expect(
			isCloudError(
				await failure(provider.move('id:doesNotExist0000000000', { name: 'x' })),
				'notFound',
			),
		).toBe(true);

		fake.auth.setScopes(['files.metadata.read', 'files.content.read']);
		const scope = await failure(provider.createFolder(fixture.rootId, 'nope'));
		expect(scope.reason).toBe('scope');
		expect(scope.hint).toBe(HINTS.scope('files.content.write'));
	});

	it('waits out a 429 with Retry-After', async () => {
		const { provider, fake } = fixture;
		fake.rateLimit(1, 1);
		const started = Date.now();
		await collect(provider.list(fixture.rootId));
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
		expect(fake.requests().filter((r) => r.status === 429)).toHaveLength(1);
	});

	it('works inside an app folder, with paths relative to /Apps/<app>', async () => {
		await fixture.close();
		fixture = await createDropboxFixture({ appFolder: 'Cloud Sync' });
		const { provider, fake } = fixture;
		const rootListing = await collect(provider.list(''));
		expect(rootListing.map((i) => i.path)).toEqual([fixture.rootPath.split('/').pop()]);
		const relativeRoot = fixture.rootPath.slice('/Apps/Cloud Sync'.length);
		const folder = await provider.resolveFolder({ mode: 'path', value: relativeRoot });
		expect(folder.id).toBe(fixture.rootId);
		const data = Buffer.from('in the app folder');
		const item = await provider.upload(
			{ parentId: folder.id, name: 'f.txt' },
			{ size: data.length, data },
		);
		expect((await fake.readFile(`${fixture.rootPath}/f.txt`))!.equals(data)).toBe(true);
		expect(item.webUrl).toContain(encodeURIComponent(relativeRoot.slice(1)));
		fake.userCreateFolder('/Elsewhere');
		await expect(
			provider.resolveFolder({ mode: 'path', value: '/Elsewhere' }),
		).rejects.toMatchObject({ reason: 'notFound' });
	});
});

describe('DropboxStorage request budget', () => {
	let fixture: DropboxFixture;

	beforeEach(async () => {
		fixture = await createDropboxFixture();
	});

	afterEach(async () => {
		await fixture.close();
	});

	/** A provider as a new run builds it: nothing remembered. */
	const freshProvider = () => new DropboxStorage(fixture.transport);

	it('an idle changes() call makes exactly one request, in a new run and in the same run', async () => {
		const { fake } = fixture;
		await fixture.user.createFile('a.txt', Buffer.from('a'));
		for (const recursive of [false, true]) {
			const cursor = await freshProvider().latestCursor(fixture.rootId, { recursive });
			const provider = freshProvider();
			let mark = fake.mark();
			const batch = await provider.changes(fixture.rootId, cursor, { recursive });
			expect(batch.changes).toEqual([]);
			expect(fake.requests({ since: mark }).map((r) => r.path)).toEqual([
				'/2/files/list_folder/continue',
			]);
			mark = fake.mark();
			await provider.changes(fixture.rootId, batch.cursor, { recursive });
			expect(fake.requests({ since: mark })).toHaveLength(1);
		}
	});

	it('asks where the folder is only when a batch has entries and the folder is not known yet', async () => {
		const { fake } = fixture;
		const subId = await fixture.user.createFolder('sub');
		const carrying = await freshProvider().latestCursor(fixture.rootId, { recursive: true });
		// A cursor as older versions stored it, without the folder's place.
		const bare = carrying.split('|').pop()!;
		await fixture.user.createFile('sub/new.txt', Buffer.from('new'));
		const known = await freshProvider().changes(fixture.rootId, bare, { recursive: true });
		const provider = freshProvider();
		let mark = fake.mark();
		const batch = await provider.changes(fixture.rootId, carrying, { recursive: true });
		expect(batch.changes).toEqual([
			{ type: 'upsert', item: expect.objectContaining({ path: 'sub/new.txt', parentId: subId }) },
		]);
		expect(known.changes).toEqual(batch.changes);
		// The feed page; the folder's place comes with the cursor; the parent 'sub' is looked up once.
		expect(fake.requests({ since: mark }).map((r) => r.path)).toEqual([
			'/2/files/list_folder/continue',
			'/2/files/get_metadata',
		]);
		// A bare cursor: the feed page, then the watched folder's path (for relative paths), then 'sub'.
		mark = fake.mark();
		await freshProvider().changes(fixture.rootId, bare, { recursive: true });
		expect(fake.requests({ since: mark }).map((r) => r.path)).toEqual([
			'/2/files/list_folder/continue',
			'/2/files/get_metadata',
			'/2/files/get_metadata',
		]);
		await fixture.user.createFile('sub/newer.txt', Buffer.from('newer'));
		mark = fake.mark();
		const next = await provider.changes(fixture.rootId, batch.cursor, { recursive: true });
		expect(next.changes).toEqual([
			{ type: 'upsert', item: expect.objectContaining({ path: 'sub/newer.txt', parentId: subId }) },
		]);
		expect(fake.requests({ since: mark })).toHaveLength(1);
	});

	it('a cursor carries where the watched folder is: a new run reads a batch with no folder lookup', async () => {
		const { fake } = fixture;
		const watchedId = await fixture.user.createFolder('watched');
		const first = freshProvider();
		await first.resolveFolder({ mode: 'id', value: watchedId });
		const cursor = await first.latestCursor(watchedId, { recursive: true });
		await fixture.user.createFile('watched/new.txt', Buffer.from('new'));
		await fixture.user.createFile('watched/deep/deeper.txt', Buffer.from('deeper'));
		const mark = fake.mark();
		const batch = await freshProvider().changes(watchedId, cursor, { recursive: true });
		const upserts = batch.changes.flatMap((change) =>
			change.type === 'upsert' ? [change.item.path] : [],
		);
		expect(upserts.sort()).toEqual(['deep', 'deep/deeper.txt', 'new.txt']);
		expect(fake.requests({ since: mark }).map((r) => r.path)).toEqual([
			'/2/files/list_folder/continue',
		]);
		// The next cursor carries the place too, and an idle feed stays at one request.
		await fixture.user.createFile('watched/later.txt', Buffer.from('later'));
		const again = fake.mark();
		const next = await freshProvider().changes(watchedId, batch.cursor, { recursive: true });
		expect(next.changes).toEqual([
			{ type: 'upsert', item: expect.objectContaining({ path: 'later.txt' }) },
		]);
		expect(fake.requests({ since: again })).toHaveLength(1);
	});

	it('an empty batch from a proven cursor tells where the root and its folders are: a new file is one request; a root renamed since shows in the batch', async () => {
		const { fake } = fixture;
		const rootId = await fixture.user.createFolder('export');
		const folderId = await fixture.user.createFolder('export/2025');
		const first = freshProvider();
		await first.resolveFolder({ mode: 'id', value: rootId });
		const issued = await first.latestCursor(rootId, { recursive: true });
		// A new cursor's place was taken before the cursor: not proven, so an empty batch does not vouch for it.
		const idle = freshProvider();
		const unproven = await idle.changes(rootId, issued, { recursive: true });
		idle.knowPlaces(rootId, [{ id: folderId, path: '2025' }]);
		let mark = fake.mark();
		await idle.upload(
			{ parentId: folderId, name: 'a.pdf' },
			{ size: 1, stream: patternStream(1, 'a') },
		);
		expect(fake.requests({ since: mark }).map((r) => r.path)).toEqual([
			'/2/files/get_metadata',
			'/2/files/upload',
		]);
		// The next batch shows that write inside the place the cursor carries: proven from then on.
		const proving = await freshProvider().changes(rootId, unproven.cursor, { recursive: true });
		const run = freshProvider();
		const batch = await run.changes(rootId, proving.cursor, { recursive: true });
		expect(batch.changes).toEqual([]);
		run.knowPlaces(rootId, [{ id: folderId, path: '2025' }]);
		mark = fake.mark();
		const written = await run.upload(
			{ parentId: folderId, name: 'b.pdf' },
			{ size: 1, stream: patternStream(1, 'b') },
		);
		expect(fake.requests({ since: mark }).map((r) => r.path)).toEqual(['/2/files/upload']);
		expect(written.id).toBe((await freshProvider().findChild(folderId, 'b.pdf'))?.id);
		// The user renames the root: the next batch reports its old path deleted, never nothing, and the run that
		// reads it lists the folder at its new place instead of writing to the old path.
		await fixture.user.rename('export', 'export (renamed)');
		const after = freshProvider();
		const error = await failure(after.changes(rootId, batch.cursor, { recursive: true }));
		expect(error.reason).toBe('cursorReset');
		after.knowPlaces(rootId, [{ id: folderId, path: '2025' }]);
		const moved = await after.upload(
			{ parentId: folderId, name: 'c.pdf' },
			{ size: 1, stream: patternStream(1, 'c') },
		);
		expect(moved.id).toBe((await freshProvider().findChild(folderId, 'c.pdf'))?.id);
		expect(await fixture.user.read('export/2025/c.pdf')).toBeUndefined();
		expect(fake.readFile(`${fixture.rootPath}/export (renamed)/2025/c.pdf`)).toBeDefined();
	});

	it.each([true, false])(
		'still says the watched folder is gone when it was deleted since the cursor was issued (recursive: %s)',
		async (recursive) => {
			const watchedId = await fixture.user.createFolder('watched');
			await fixture.user.createFile('watched/a.txt', Buffer.from('a'));
			const first = freshProvider();
			await first.resolveFolder({ mode: 'id', value: watchedId });
			const cursor = await first.latestCursor(watchedId, { recursive });
			await fixture.user.delete('watched');
			const error = await failure(freshProvider().changes(watchedId, cursor, { recursive }));
			expect(error.reason).toBe('notFound');
			expect(error.message).toContain('no longer exists');
		},
	);

	it('a miss below a folder read by its id costs one request: no second look at the folder', async () => {
		const { fake } = fixture;
		const provider = freshProvider();
		await provider.resolveFolder({ mode: 'id', value: fixture.rootId });
		const mark = fake.mark();
		for (let i = 0; i < 5; i++)
			expect(await provider.findChild(fixture.rootId, `F${i}`, 'folder')).toBeUndefined();
		expect(fake.requests({ since: mark })).toHaveLength(5);
	});

	it('uploads 50 small files into 5 known folders with at most 55 requests', async () => {
		const { fake } = fixture;
		const provider = freshProvider();
		const folders = [];
		for (let i = 0; i < 5; i++)
			folders.push(await provider.createFolder(fixture.rootId, `month-${i}`));
		const mark = fake.mark();
		for (let i = 0; i < 50; i++) {
			const data = Buffer.from(`receipt ${i}`);
			const item = await provider.upload(
				{ parentId: folders[i % 5].id, name: `r-${i}.txt` },
				{ size: data.length, data },
			);
			expect(item.parentId).toBe(folders[i % 5].id);
		}
		const requests = fake.requests({ since: mark });
		expect(requests.length).toBeLessThanOrEqual(55);
		expect(requests.filter((r) => r.path === '/2/files/upload')).toHaveLength(50);
		expect((await fixture.user.read('month-3/r-13.txt'))!.toString()).toBe('receipt 13');
	});

	it('finds a child again after the user renamed its remembered folder (re-resolves the id once)', async () => {
		const { fake } = fixture;
		const provider = freshProvider();
		const folder = await provider.createFolder(fixture.rootId, 'Inbox');
		await fixture.user.createFile('Inbox/x.txt', Buffer.from('x'));
		await fixture.user.rename('Inbox', 'Inbox 2026');
		const mark = fake.mark();
		const found = await provider.findChild(folder.id, 'x.txt', 'file');
		expect(found).toMatchObject({ name: 'x.txt', parentId: folder.id });
		// Stale path (not found), the folder by id, the child at the new path.
		expect(fake.requests({ since: mark })).toHaveLength(3);
		expect(await provider.findChild(folder.id, 'missing.txt')).toBeUndefined();
		const listed = await collect(provider.list(folder.id));
		expect(listed.map((i) => i.path)).toEqual(['x.txt']);
		const data = Buffer.from('after the rename');
		await provider.upload({ parentId: folder.id, name: 'y.txt' }, { size: data.length, data });
		expect((await fixture.user.read('Inbox 2026/y.txt'))!.equals(data)).toBe(true);
	});

	it('lists a remembered folder correctly after the user moved it', async () => {
		const provider = freshProvider();
		const folder = await provider.createFolder(fixture.rootId, 'A');
		await fixture.user.createFolder('B');
		await fixture.user.createFile('A/one.txt', Buffer.from('1'));
		await fixture.user.move('A', 'B');
		const listed = await collect(provider.list(folder.id));
		expect(listed.map((i) => [i.path, i.parentId])).toEqual([['one.txt', folder.id]]);
	});
});

/**
 * A wire that refreshes as n8n does (@n8n/client-oauth2 against the credential's token URL), here the fake's own
 * API host, as the node tests configure it (https://api.dropboxapi.com/oauth2/token is the real one).
 */
class N8nRefreshWire extends TestWire {
	constructor(
		auth: FakeAuth,
		scopes: string[],
		private readonly tokenUrl: string,
	) {
		super(auth, 'dropbox', scopes);
	}

	override async refreshAccessToken(): Promise<void> {
		const client = new ClientOAuth2({
			clientId: FAKE_CLIENT_ID,
			clientSecret: FAKE_CLIENT_SECRET,
			accessTokenUri: this.tokenUrl,
			authentication: 'body',
		});
		const refreshed = await client
			.createToken({
				access_token: this.accessToken,
				refresh_token: this.refreshToken,
				token_type: 'bearer',
			})
			.refresh();
		this.refreshes++;
		this.accessToken = refreshed.accessToken;
		this.refreshToken = refreshed.refreshToken;
	}
}

describe('DropboxStorage with a token that lacks a scope', () => {
	let fake: FakeDropbox;
	let auth: FakeAuth;

	beforeEach(async () => {
		auth = new FakeAuth();
		fake = new FakeDropbox(auth);
		await fake.start();
	});

	afterEach(async () => {
		await fake.stop();
	});

	function providerWith(scopes: string[]): { provider: DropboxStorage; wire: N8nRefreshWire } {
		const wire = new N8nRefreshWire(auth, scopes, `${fake.baseUrl}/oauth2/token`);
		const transport = new Transport(wire, {
			cloud: CLOUD_WIRES.dropbox,
			baseUrl: fake.baseUrl,
			pacer: fastPacer(),
		});
		return { provider: new DropboxStorage(transport), wire };
	}

	it('names files.content.read on a content endpoint (download), after n8n-style refresh through the API host', async () => {
		const { provider, wire } = providerWith([
			'account_info.read',
			'files.metadata.read',
			'files.content.write',
		]);
		const file = await fake.userWrite('/r.txt', Buffer.from('receipt'));
		const mark = fake.mark();
		const error = await failure(provider.download(file.id));
		expect(error.reason).toBe('scope');
		expect(error.message).toContain('files.content.read');
		expect(error.message).not.toMatch(/content type/i);
		expect(error.hint).toBe(HINTS.scope('files.content.read'));
		// 401 missing_scope, one refresh (it cannot add a scope), the same 401 again.
		expect(wire.refreshes).toBe(1);
		expect(fake.requests({ since: mark }).map((r) => [r.path, r.status])).toEqual([
			['/2/files/download', 401],
			['/oauth2/token', 200],
			['/2/files/download', 401],
		]);
	});

	it('names files.content.write on an RPC endpoint (create_folder_v2) and on an upload', async () => {
		const { provider } = providerWith([
			'account_info.read',
			'files.metadata.read',
			'files.content.read',
		]);
		const rpc = await failure(provider.createFolder('', 'nope'));
		expect(rpc.reason).toBe('scope');
		expect(rpc.message).toContain('files.content.write');
		const data = Buffer.from('x');
		const upload = await failure(
			provider.upload({ parentId: '', name: 'x.txt' }, { size: 1, data }),
		);
		expect(upload).toMatchObject({ reason: 'scope', hint: HINTS.scope('files.content.write') });
	});
});
