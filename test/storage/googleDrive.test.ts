import { createHash } from 'crypto';
import { isCloudError, type CloudError } from '../../nodes/shared/types/cloudError';
import { generatedBuffer, generatedContent, DRIVE_SCOPES } from '../fakes/drive';
import { GoogleDriveStorage } from '../../nodes/shared/storage/googleDrive';
import {
	createGoogleDriveFixture,
	FIXTURE_CHUNK_SIZE,
	type GoogleDriveFixture,
} from './fixtures/googleDrive';
import { ChangeTracker, collect, readAll } from './support';

const MiB = 1024 * 1024;

async function md5Of(size: number, seed: string): Promise<string> {
	const hash = createHash('md5');
	for await (const chunk of generatedContent(size, seed)) hash.update(chunk as Buffer);
	return hash.digest('hex');
}

async function caught(promise: Promise<unknown>): Promise<CloudError> {
	const error = await promise.then(
		() => undefined,
		(e: unknown) => e,
	);
	if (!isCloudError(error)) throw new Error(`expected a CloudError, got ${String(error)}`);
	return error;
}

describe('GoogleDriveStorage', () => {
	let f: GoogleDriveFixture;
	afterEach(async () => {
		await f?.close();
	});

	test('a 20 MiB upload cut mid-chunk resumes from the reported offset; bytes re-sent < one chunk', async () => {
		f = await createGoogleDriveFixture({ chunkSize: 8 * MiB, simpleUploadLimit: 5 * MiB });
		const size = 20 * MiB;
		const since = f.fake.mark();
		f.fake.cutNextUploadChunk(5 * MiB + 1000);
		const item = await f.provider.upload(
			{ parentId: f.rootId, name: 'big.bin' },
			{ size, stream: generatedContent(size, 'big') },
		);
		expect(item.hash).toBe(await md5Of(size, 'big'));
		const requests = f.fake.requests({ since });
		expect(
			requests.filter((r) => r.method === 'POST' && r.query.includes('uploadType=resumable')),
		).toHaveLength(1);
		const sent = requests.filter((r) => r.method === 'PUT').reduce((sum, r) => sum + r.bytesIn, 0);
		expect(sent - size).toBeGreaterThan(0);
		expect(sent - size).toBeLessThan(8 * MiB);
		// The fake kept 5 MiB (256 KiB aligned) of the cut chunk: only the unaligned tail went again (the log also
		// counts the socket buffer that arrived past the cut point), far less than restarting the 8 MiB chunk.
		expect(sent - size).toBeLessThan(256 * 1024);
		expect(f.stats.get('googleDrive', 'logical')).toBeLessThan(10);
		expect(f.fake.tree(item.id).md5).toBe(item.hash);
	}, 60_000);

	test('a token expired mid-upload is refreshed and the upload completes', async () => {
		f = await createGoogleDriveFixture();
		const size = 3 * 512 * 1024 + 77;
		f.fake.inject({ method: 'PUT', path: 'upload_id=', skip: 1, action: { type: 'expireToken' } });
		const item = await f.provider.upload(
			{ parentId: f.rootId, name: 'tok.bin' },
			{ size, stream: generatedContent(size, 'tok') },
		);
		expect(f.wire.refreshes).toBe(1);
		expect(item.hash).toBe(await md5Of(size, 'tok'));
		expect(f.fake.requests({ method: 'PUT' }).some((r) => r.status === 401)).toBe(true);
	});

	test('replaceId makes a new revision with the same id; appProperties on create and update', async () => {
		f = await createGoogleDriveFixture();
		const first = await f.provider.upload(
			{ parentId: f.rootId, name: 'r.txt', appProperties: { key: 'A' } },
			{ size: 3, data: Buffer.from('one') },
		);
		const second = await f.provider.upload(
			{ parentId: f.rootId, name: 'r.txt', replaceId: first.id, appProperties: { version: '2' } },
			{ size: 3, data: Buffer.from('two') },
		);
		expect(second.id).toBe(first.id);
		expect(second.appProperties).toEqual({ key: 'A', version: '2' });
		expect(Number(second.version)).toBeGreaterThan(Number(first.version));
		expect((await readAll(await f.provider.download(first.id))).toString()).toBe('two');
		// Drive allows duplicates, but the provider's default conflict policy is 'fail'.
		expect(
			(
				await caught(
					f.provider.upload(
						{ parentId: f.rootId, name: 'r.txt' },
						{ size: 1, data: Buffer.from('x') },
					),
				)
			).reason,
		).toBe('conflict');
	});

	test('integrity: a stored md5 that differs from what was sent is a CloudError integrity', async () => {
		f = await createGoogleDriveFixture();
		f.fake.inject({
			method: 'POST',
			path: 'uploadType=multipart',
			action: {
				type: 'respond',
				status: 200,
				headers: { 'content-type': 'application/json' },
				body: { id: 'x', name: 'i.txt', md5Checksum: '0'.repeat(32), size: '2' },
			},
		});
		expect(
			(
				await caught(
					f.provider.upload(
						{ parentId: f.rootId, name: 'i.txt' },
						{ size: 2, data: Buffer.from('hi') },
					),
				)
			).reason,
		).toBe('integrity');
	});

	test('findChild: exact name (quotes escaped, case-sensitive), duplicates resolved oldest first', async () => {
		f = await createGoogleDriveFixture();
		const name = "it's a \\ test.txt";
		const older = await f.fake.seedFile({
			parentId: f.rootId,
			name,
			createdTime: '2020-01-01T00:00:00.000Z',
		});
		await f.fake.seedFile({ parentId: f.rootId, name, createdTime: '2021-01-01T00:00:00.000Z' });
		await f.fake.seedFile({
			parentId: f.rootId,
			name: name.toUpperCase(),
			createdTime: '2019-01-01T00:00:00.000Z',
		});
		expect((await f.provider.findChild(f.rootId, name))?.id).toBe(older);
		expect(await f.provider.findChild(f.rootId, name, 'folder')).toBeUndefined();
	});

	test('resolveFolder by id, path and URL; a missing folder is notFound naming it', async () => {
		f = await createGoogleDriveFixture();
		const id = f.fake.seedFolder({ parentId: 'root', name: 'Clients/Acme' });
		expect((await f.provider.resolveFolder({ mode: 'path', value: '/Clients/Acme' })).id).toBe(id);
		expect(
			(
				await f.provider.resolveFolder({
					mode: 'url',
					value: `https://drive.google.com/drive/folders/${id}?usp=sharing`,
				})
			).id,
		).toBe(id);
		expect(
			(
				await f.provider.resolveFolder({
					mode: 'url',
					value: `https://drive.google.com/open?id=${id}`,
				})
			).id,
		).toBe(id);
		expect((await f.provider.resolveFolder({ mode: 'id', value: id })).name).toBe('Acme');
		const missing = await caught(
			f.provider.resolveFolder({ mode: 'path', value: 'Clients/Nobody' }),
		);
		expect(missing.reason).toBe('notFound');
		expect(missing.message).toContain('Clients/Nobody');
	});

	test('changes in the subtree: create, edit, rename, move, trash, delete; outside folders do not leak; moved-out folder is a delete', async () => {
		f = await createGoogleDriveFixture();
		const sub = f.fake.seedFolder({ parentId: f.rootId, name: 'sub' });
		const outside = f.fake.seedFolder({ parentId: 'root', name: 'elsewhere' });
		const options = { recursive: true };
		const tracker = new ChangeTracker(await collect(f.provider.list(f.rootId, options)));
		let cursor = await f.provider.latestCursor(f.rootId, options);
		const step = async () => {
			const batch = await f.provider.changes(f.rootId, cursor, options);
			tracker.apply(batch);
			cursor = batch.cursor;
			return batch;
		};
		const deep = f.fake.seedFolder({ parentId: sub, name: 'deep' });
		const file = await f.fake.seedFile({
			parentId: deep,
			name: 'a.txt',
			content: Buffer.from('1'),
		});
		f.fake.seedFolder({ parentId: outside, name: 'noise' });
		const first = await step();
		expect(tracker.byId.get(file)).toMatchObject({ path: 'sub/deep/a.txt' });
		expect(
			first.changes.some((change) => change.type === 'upsert' && change.item.name === 'noise'),
		).toBe(false);
		await f.fake.userEdit(file, Buffer.from('22'));
		f.fake.userRename(file, 'b.txt');
		await step();
		expect(tracker.byId.get(file)).toMatchObject({ path: 'sub/deep/b.txt', size: 2 });
		f.fake.userMove(file, sub);
		await step();
		expect(tracker.byId.get(file)).toMatchObject({ path: 'sub/b.txt', parentId: sub });
		f.fake.userTrash(file);
		await step();
		expect(tracker.byId.has(file)).toBe(false);
		const doomed = await f.fake.seedFile({ parentId: f.rootId, name: 'c.txt' });
		await step();
		await f.fake.userDelete(doomed);
		await step();
		expect(tracker.byId.has(doomed)).toBe(false);
		f.fake.userMove(sub, outside);
		const moved = await step();
		expect(moved.changes).toContainEqual({
			type: 'delete',
			id: sub,
			isFolder: true,
			movedOut: true,
		});
		expect(tracker.paths()).toEqual([]);
		// The moved-out folder is no longer watched: a file made in it is not an upsert.
		await f.fake.seedFile({ parentId: deep, name: 'late.txt' });
		expect((await step()).changes.filter((change) => change.type === 'upsert')).toEqual([]);
	});

	test('an invalidated change token is CloudError cursorReset', async () => {
		f = await createGoogleDriveFixture();
		const cursor = await f.provider.latestCursor(f.rootId, { recursive: true });
		f.fake.invalidatePageTokens();
		expect((await caught(f.provider.changes(f.rootId, cursor, { recursive: true }))).reason).toBe(
			'cursorReset',
		);
		expect(
			(await caught(f.provider.changes(f.rootId, 'garbage', { recursive: true }))).reason,
		).toBe('cursorReset');
	});

	test('a shared drive: upload, list, changes and download inside it', async () => {
		f = await createGoogleDriveFixture({ sharedDrive: true });
		const root = await f.provider.root();
		expect(root.isFolder).toBe(true);
		const cursor = await f.provider.latestCursor(f.rootId, { recursive: true });
		const folder = await f.provider.createFolder(f.rootId, 'team');
		const item = await f.provider.upload(
			{ parentId: folder.id, name: 't.bin' },
			{ size: 700 * 1024, data: await generatedBuffer(700 * 1024, 't') },
		);
		expect(
			(await collect(f.provider.list(f.rootId, { recursive: true }))).map((i) => i.path).sort(),
		).toEqual(['team', 'team/t.bin']);
		const batch = await f.provider.changes(f.rootId, cursor, { recursive: true });
		expect(batch.changes).toContainEqual(
			expect.objectContaining({
				type: 'upsert',
				item: expect.objectContaining({ id: item.id, path: 'team/t.bin' }),
			}),
		);
		expect(
			(await readAll(await f.provider.download(item.id))).equals(
				await generatedBuffer(700 * 1024, 't'),
			),
		).toBe(true);
		expect(
			f.fake
				.requests()
				.every(
					(r) =>
						!r.path.startsWith('/drive/v3/files/') || r.query.includes('supportsAllDrives=true'),
				),
		).toBe(true);
	});

	test('download resumes with Range after a cut', async () => {
		f = await createGoogleDriveFixture();
		const data = await generatedBuffer(3 * MiB, 'dl');
		const id = await f.fake.seedFile({ parentId: f.rootId, name: 'dl.bin', content: data });
		f.fake.inject({
			method: 'GET',
			path: 'alt=media',
			action: { type: 'cutResponse', afterBytes: MiB },
		});
		expect((await readAll(await f.provider.download(id))).equals(data)).toBe(true);
		expect(f.fake.requests({ path: 'alt=media' })).toHaveLength(2);
	});

	test('errors map to CloudError reasons with hints', async () => {
		f = await createGoogleDriveFixture();
		f.fake.storageQuotaExceeded = true;
		const quota = await caught(
			f.provider.upload({ parentId: f.rootId, name: 'q.txt' }, { size: 1, data: Buffer.from('q') }),
		);
		expect(quota.reason).toBe('quota');
		expect(quota.hint).toBeTruthy();
		f.fake.storageQuotaExceeded = false;
		f.fake.dailyLimitExceeded = true;
		expect((await caught(f.provider.root())).reason).toBe('dailyLimit');
		f.fake.dailyLimitExceeded = false;
		const missing = await caught(f.provider.move('nope-id', { name: 'x' }));
		expect(missing.reason).toBe('notFound');
		expect(missing.message).toContain('nope-id');
		f.fake.auth.revokeRefreshTokens();
		f.fake.auth.expireAccessTokens();
		const auth = await caught(f.provider.root());
		expect(auth.reason).toBe('auth');
		expect(auth.hint).toMatch(/Reconnect/);
	});

	test('a read-only token: reads work, writes are CloudError scope naming the scope', async () => {
		f = await createGoogleDriveFixture({ scopes: [DRIVE_SCOPES.readonly] });
		expect(await collect(f.provider.list(f.rootId))).toEqual([]);
		const error = await caught(f.provider.createFolder(f.rootId, 'x'));
		expect(error.reason).toBe('scope');
		expect(error.hint).toContain('https://www.googleapis.com/auth/drive');
	});
});

describe('GoogleDriveStorage request budget', () => {
	let f: GoogleDriveFixture;
	beforeEach(async () => {
		f = await createGoogleDriveFixture();
	});
	afterEach(async () => {
		await f.close();
	});

	/** A provider as a new run builds it: nothing known. */
	const freshProvider = () =>
		new GoogleDriveStorage(f.transport, {
			chunkSize: FIXTURE_CHUNK_SIZE,
			simpleUploadLimit: FIXTURE_CHUNK_SIZE,
		});

	test('an idle changes() call makes exactly one request, recursive or not', async () => {
		await f.user.createFolder('sub');
		for (const recursive of [false, true]) {
			const cursor = await freshProvider().latestCursor(f.rootId, { recursive });
			const provider = freshProvider();
			let since = f.fake.mark();
			const batch = await provider.changes(f.rootId, cursor, { recursive });
			expect(batch.changes).toEqual([]);
			expect(f.fake.requests({ since })).toHaveLength(1);
			since = f.fake.mark();
			await provider.changes(f.rootId, batch.cursor, { recursive });
			expect(f.fake.requests({ since })).toHaveLength(1);
		}
	});

	test('50 small uploads into 5 folders it created cost 50 requests (one multipart each)', async () => {
		const provider = freshProvider();
		const folders = [];
		for (let i = 0; i < 5; i++) folders.push(await provider.createFolder(f.rootId, `month-${i}`));
		const since = f.fake.mark();
		for (let i = 0; i < 50; i++) {
			const data = Buffer.from(`receipt ${i}`);
			await provider.upload(
				{ parentId: folders[i % 5].id, name: `r-${i}.txt`, onConflict: 'fail' },
				{ size: data.length, data },
			);
		}
		const requests = f.fake.requests({ since });
		expect(requests.length).toBeLessThanOrEqual(55);
		expect(requests.filter((r) => r.query.includes('uploadType=multipart'))).toHaveLength(50);
		expect((await f.user.read('month-3/r-13.txt'))!.toString()).toBe('receipt 13');
	});

	test('into folders it has not seen, one listing per folder, then one request per file; conflicts still caught', async () => {
		for (let i = 0; i < 5; i++) await f.user.createFolder(`old-${i}`);
		await f.user.createFile('old-0/taken.txt', Buffer.from('theirs'));
		const provider = freshProvider();
		const folders = await collect(provider.list(f.rootId));
		const since = f.fake.mark();
		const fresh = freshProvider();
		for (let i = 0; i < 50; i++) {
			const data = Buffer.from(`receipt ${i}`);
			await fresh.upload(
				{ parentId: folders[i % 5].id, name: `r-${i}.txt` },
				{ size: data.length, data },
			);
		}
		expect(f.fake.requests({ since }).length).toBeLessThanOrEqual(55);
		const taken = folders.find((folder) => folder.name === 'old-0')!;
		const data = Buffer.from('mine');
		expect(
			(await caught(fresh.upload({ parentId: taken.id, name: 'taken.txt' }, { size: 4, data })))
				.reason,
		).toBe('conflict');
		// Names we uploaded ourselves are known too.
		expect(
			(await caught(fresh.upload({ parentId: taken.id, name: 'r-0.txt' }, { size: 4, data })))
				.reason,
		).toBe('conflict');
		const renamed = await fresh.upload(
			{ parentId: taken.id, name: 'taken.txt', onConflict: 'rename' },
			{ size: 4, data },
		);
		expect(renamed.name).toBe('taken (1).txt');
		const replaced = await fresh.upload(
			{ parentId: taken.id, name: 'taken.txt', onConflict: 'replace' },
			{ size: 4, data },
		);
		expect((await f.user.read('old-0/taken.txt'))!.toString()).toBe('mine');
		expect(replaced.name).toBe('taken.txt');
	});

	test('a file trashed through the provider frees its name', async () => {
		const provider = freshProvider();
		const folder = await provider.createFolder(f.rootId, 'box');
		const data = Buffer.from('x');
		const first = await provider.upload({ parentId: folder.id, name: 'x.txt' }, { size: 1, data });
		await provider.trash(first.id);
		const again = await provider.upload({ parentId: folder.id, name: 'x.txt' }, { size: 1, data });
		expect(again.name).toBe('x.txt');
	});
});
