import { hashBuffer } from '../../nodes/shared/hashes';
import { HINTS, isCloudError, type CloudError } from '../../nodes/shared/types/cloudError';
import { OneDriveStorage } from '../../nodes/shared/storage/oneDrive';
import type { RemoteItem } from '../../nodes/shared/storage/types';
import { createOneDriveFixture, FIXTURE_CHUNK, type OneDriveFixture } from './fixtures/oneDrive';
import { ChangeTracker, collect, patternBytes, patternStream, readAll } from './support';
import { peakHeldGrowth } from '../support/liveMemory';

const MiB = 1024 * 1024;

async function failure(promise: Promise<unknown>): Promise<CloudError> {
	try {
		await promise;
	} catch (error) {
		if (isCloudError(error)) return error;
		throw error;
	}
	throw new Error('expected a CloudError');
}

describe('OneDriveStorage against FakeGraph', () => {
	let fixture: OneDriveFixture;
	afterEach(async () => fixture?.close());

	it('uploads 25 MiB in 10 MiB fragments and resumes a mid-fragment cut from nextExpectedRanges', async () => {
		fixture = await createOneDriveFixture({
			provider: { chunkSize: 10 * MiB, simpleUploadLimit: 4 * MiB },
		});
		const { provider, fake, rootId, wire } = fixture;
		const size = 25 * MiB;
		// Second fragment (10-20 MiB) is cut 5 MiB + 1000 bytes in: the fake keeps whole 320 KiB units.
		fake.cutNextUploadFragment(5 * MiB + 1000, 1);
		const mark = fake.mark();
		let item: Awaited<ReturnType<typeof provider.upload>> | undefined;
		const heldGrowth = await peakHeldGrowth(async () => {
			item = await provider.upload(
				{ parentId: rootId, name: 'big.bin' },
				{ size, stream: patternStream(size, 'big') },
			);
		}, 60 * MiB);
		if (!item) throw new Error('no upload result');

		const expected = patternBytes(size, 'big');
		expect(item.hash).toBe(hashBuffer('quickXorHash', expected));
		expect(item.size).toBe(size);
		expect((await fixture.user.read('big.bin'))!.equals(expected)).toBe(true);
		const log = fake.requests({ since: mark });
		const fragments = log.filter(
			(entry) => entry.method === 'PUT' && entry.path.startsWith('/_upload/'),
		);
		const sent = fragments.reduce((sum, entry) => sum + entry.bytesIn, 0);
		const resent = sent - size;
		expect(resent).toBeGreaterThan(0);
		expect(resent).toBeLessThan(10 * MiB); // less than one fragment: resumed, not restarted
		expect(resent).toBeLessThan(320 * 1024); // only the partial 320 KiB unit
		// After the cut: one status GET, then the rest of the fragment from the server's offset.
		const cutIndex = log.indexOf(fragments[1]);
		expect(fragments[1].bytesIn).toBeLessThan(10 * MiB);
		expect(fragments[1].bytesIn).toBeGreaterThanOrEqual(5 * MiB + 1000);
		expect(log[cutIndex + 1]).toMatchObject({ method: 'GET' });
		expect(log[cutIndex + 1].path.startsWith('/_upload/')).toBe(true);
		expect(fragments.length).toBe(4);
		// Fragments go to the pre-authenticated URL without a bearer.
		const uploadSends = wire.sent.filter((entry) => entry.url.includes('/_upload/'));
		expect(uploadSends.length).toBeGreaterThan(0);
		expect(uploadSends.every((entry) => entry.authorization === undefined)).toBe(true);
		// One fragment in memory at a time (10 MiB), not the 25 MiB file; generous bound for GC timing.
		expect(heldGrowth).toBeLessThan(60 * MiB);
	}, 60_000);

	it("refreshes an access token that expires mid-run and keeps Microsoft's rotated refresh token", async () => {
		fixture = await createOneDriveFixture();
		const { provider, fake, rootId, wire, auth } = fixture;
		for (let i = 0; i < 25; i++)
			await fixture.user.createFile(`many/f${i}.txt`, Buffer.from(`${i}`));
		const folder = await provider.resolveFolder({ mode: 'path', value: `fixture-root/many` });
		const firstRefreshToken = wire.refreshToken;
		// The token expires just before the second listing page.
		fake.inject({ method: 'GET', path: '$skiptoken', action: { type: 'expireToken' } });
		const listed = await collect(provider.list(folder.id));
		expect(listed).toHaveLength(25);
		expect(wire.refreshes).toBe(1);
		expect(wire.refreshToken).not.toBe(firstRefreshToken);
		// The rotated token is the one kept: with the original revoked, a second expiry still refreshes.
		auth.revokeRefreshTokens(firstRefreshToken);
		fake.inject({ action: { type: 'expireToken' } });
		const data = patternBytes(FIXTURE_CHUNK * 2 + 5, 'after-refresh');
		const item = await provider.upload(
			{ parentId: rootId, name: 'after.bin' },
			{ size: data.length, data },
		);
		expect(item.hash).toBe(hashBuffer('quickXorHash', data));
		expect(wire.refreshes).toBe(2);
		// Every API request was answered; the two 401s were replayed after the refreshes.
		expect(fake.requests({ path: '/v1.0/' }).filter((entry) => entry.status === 401)).toHaveLength(
			2,
		);
	});

	it('reports create, edit, rename, move and delete through delta, scoped to the folder by parent ids', async () => {
		fixture = await createOneDriveFixture();
		const { provider, fake, rootId } = fixture;
		const subId = await fixture.user.createFolder('sub');
		await fixture.user.createFolder('deeper/x');
		fake.userCreateFolder('outside');
		const recursive = { recursive: true };
		const tracker = new ChangeTracker(await collect(provider.list(rootId, recursive)));
		let cursor = await provider.latestCursor(rootId, recursive);
		const step = async (options = recursive) => {
			const batch = await provider.changes(rootId, cursor, options);
			tracker.apply(batch);
			cursor = batch.cursor;
			return batch;
		};

		const id = await fixture.user.createFile('a.txt', Buffer.from('one'));
		await fake.userCreateFile('outside/noise.txt', Buffer.from('noise'));
		let batch = await step();
		expect(tracker.byId.get(id)).toMatchObject({ path: 'a.txt', parentId: rootId, size: 3 });
		const upserts = batch.changes.filter((change) => change.type === 'upsert');
		expect(upserts.map((change) => change.type === 'upsert' && change.item.path).sort()).toEqual([
			'a.txt',
		]);
		// The drive root above the watched folder changed too, but is never reported.
		expect(
			batch.changes.some((change) => change.type === 'delete' && change.id === fake.drive.rootId),
		).toBe(false);

		fixture.user.editFile('a.txt', Buffer.from('two, edited'));
		await step();
		expect(tracker.byId.get(id)).toMatchObject({
			size: 11,
			hash: hashBuffer('quickXorHash', Buffer.from('two, edited')),
		});

		await fixture.user.rename('a.txt', 'b.txt');
		await fixture.user.rename('b.txt', 'c.txt'); // two renames: delta reports the latest state once
		batch = await step();
		expect(
			batch.changes.filter((change) => change.type === 'upsert' && change.item.id === id),
		).toHaveLength(1);
		expect(tracker.byId.get(id)).toMatchObject({ name: 'c.txt', path: 'c.txt' });

		await fixture.user.move('c.txt', 'deeper/x');
		await step();
		expect(tracker.byId.get(id)).toMatchObject({ path: 'deeper/x/c.txt' });

		// Non-recursive: only direct children are in scope.
		const flat = await provider.changes(rootId, await provider.latestCursor(rootId), {});
		expect(flat.changes).toEqual([]);

		await fixture.user.move('deeper/x/c.txt', '');
		await fixture.user.delete('deeper');
		await step();
		expect(tracker.paths()).toEqual(['c.txt', 'sub']);
		expect(tracker.byId.has(subId)).toBe(true);

		// Moving out of the watched folder reads as gone.
		fake.userMove('fixture-root/c.txt', 'outside');
		await step();
		expect(tracker.byId.has(id)).toBe(false);
	});

	it('turns 410 resyncRequired into cursorReset, and a fresh cursor works after the full listing', async () => {
		fixture = await createOneDriveFixture();
		const { provider, rootId } = fixture;
		const stale = await provider.latestCursor(rootId);
		await fixture.user.createFile('x.txt', Buffer.from('x'));
		await fixture.user.resetCursors();
		const reset = await failure(provider.changes(rootId, stale));
		expect(reset.reason).toBe('cursorReset');
		expect(reset.details.status).toBe(410);
		expect(reset.hint).toBe(HINTS.cursorReset);
		const fresh = await provider.latestCursor(rootId);
		const y = await fixture.user.createFile('y.txt', Buffer.from('y'));
		const batch = await provider.changes(rootId, fresh);
		expect(batch.changes.map((change) => change.type === 'upsert' && change.item.id)).toEqual([y]);
		expect(isCloudError(await failure(provider.changes(rootId, 'garbage')), 'cursorReset')).toBe(
			true,
		);
	});

	it('downloads through the 302 pre-authenticated URL and resumes a cut body with Range', async () => {
		fixture = await createOneDriveFixture();
		const { provider, fake, wire } = fixture;
		const data = patternBytes(3 * MiB + 7, 'download');
		const id = await fixture.user.createFile('d.bin', data);
		fake.inject({
			method: 'GET',
			path: '/_download/',
			action: { type: 'cutResponse', afterBytes: MiB + 3 },
		});
		const mark = fake.mark();
		const received = await readAll(await provider.download(id));
		expect(received.equals(data)).toBe(true);
		const log = fake.requests({ since: mark });
		expect(log.map((entry) => `${entry.method} ${entry.path.split('/')[1]}`)).toEqual([
			'GET v1.0',
			'GET _download',
			'GET _download',
		]);
		expect(log[0].status).toBe(302);
		expect(log[2].status).toBe(206);
		const downloads = wire.sent.filter((entry) => entry.url.includes('/_download/'));
		expect(downloads.every((entry) => entry.authorization === undefined)).toBe(true);
	});

	describe('downloads with the URL a listing or delta page gave', () => {
		/** One request per line: "GET v1.0" (Graph) or "GET _download" (the pre-authenticated host), with status. */
		const trail = (mark: number) =>
			fixture.fake
				.requests({ since: mark })
				.map((entry) => `${entry.method} ${entry.path.split('/')[1]} ${entry.status}`);

		it('collects what delta reported with one GET each, no bearer sent to the pre-authenticated host', async () => {
			fixture = await createOneDriveFixture();
			const { provider, rootId, wire } = fixture;
			const cursor = await provider.latestCursor(rootId);
			const files = new Map<string, Buffer>();
			for (let i = 0; i < 3; i++) {
				const data = patternBytes(1000 + i, `delta-${i}`);
				files.set(await fixture.user.createFile(`f${i}.bin`, data), data);
			}
			const batch = await provider.changes(rootId, cursor);
			const mark = fixture.fake.mark();
			const sentBefore = wire.sent.length;
			for (const change of batch.changes) {
				if (change.type !== 'upsert') continue;
				expect(
					(await readAll(await provider.download(change.item.id))).equals(
						files.get(change.item.id)!,
					),
				).toBe(true);
			}
			expect(trail(mark)).toEqual(['GET _download 200', 'GET _download 200', 'GET _download 200']);
			expect(wire.sent.slice(sentBefore).every((entry) => entry.authorization === undefined)).toBe(
				true,
			);
		});

		it('collects what a children listing reported with one GET each', async () => {
			fixture = await createOneDriveFixture();
			const { provider, rootId } = fixture;
			const data = Buffer.from('listed');
			const id = await fixture.user.createFile('listed.txt', data);
			expect((await collect(provider.list(rootId))).map((item) => item.id)).toEqual([id]);
			const mark = fixture.fake.mark();
			expect((await readAll(await provider.download(id))).equals(data)).toBe(true);
			expect(trail(mark)).toEqual(['GET _download 200']);
		});

		it.each([401, 403, 404, 410])(
			'falls back to …/content once when the pre-authenticated host answers %d',
			async (status) => {
				fixture = await createOneDriveFixture();
				const { provider, rootId, fake } = fixture;
				const data = Buffer.from('refused once');
				const id = await fixture.user.createFile('r.txt', data);
				await collect(provider.list(rootId));
				fake.inject({
					method: 'GET',
					path: '/_download/',
					action: { type: 'respond', status, body: { error: { code: 'unauthenticated' } } },
				});
				const mark = fake.mark();
				expect((await readAll(await provider.download(id))).equals(data)).toBe(true);
				expect(trail(mark)).toEqual([
					`GET _download ${status}`,
					'GET v1.0 302',
					'GET _download 200',
				]);
			},
		);

		it('does not try a URL older than Graph keeps it (about an hour): …/content gives a fresh one', async () => {
			fixture = await createOneDriveFixture();
			const { provider, rootId, fake } = fixture;
			const data = Buffer.from('old url');
			const id = await fixture.user.createFile('o.txt', data);
			await collect(provider.list(rootId));
			const listedAt = Date.now();
			const clock = jest.spyOn(Date, 'now').mockReturnValue(listedAt + 55 * 60 * 1000);
			try {
				const mark = fake.mark();
				expect((await readAll(await provider.download(id))).equals(data)).toBe(true);
				expect(trail(mark)).toEqual(['GET v1.0 302', 'GET _download 200']);
			} finally {
				clock.mockRestore();
			}
		});

		it('reports a file deleted since the listing as not found from download() itself', async () => {
			fixture = await createOneDriveFixture();
			const { provider, rootId, fake } = fixture;
			const id = await fixture.user.createFile('gone.txt', Buffer.from('gone'));
			await collect(provider.list(rootId));
			await fixture.user.delete('gone.txt');
			// The pre-authenticated host no longer serves a deleted file.
			fake.inject({
				method: 'GET',
				path: '/_download/',
				action: { type: 'respond', status: 404, body: { error: { code: 'itemNotFound' } } },
			});
			const error = await failure(provider.download(id));
			expect(error.reason).toBe('notFound');
		});
	});

	it('replaces content in place (same id) by simple PUT and by upload session', async () => {
		fixture = await createOneDriveFixture();
		const { provider, rootId } = fixture;
		const small = Buffer.from('small');
		const original = await provider.upload(
			{ parentId: rootId, name: 'r.bin' },
			{ size: small.length, data: small },
		);
		const big = patternBytes(FIXTURE_CHUNK * 2 + 11, 'replace');
		const replaced = await provider.upload(
			{ parentId: rootId, name: 'r.bin', replaceId: original.id },
			{ size: big.length, stream: patternStream(big.length, 'replace', 100_000) },
		);
		expect(replaced.id).toBe(original.id);
		expect(replaced.hash).toBe(hashBuffer('quickXorHash', big));
		const again = await provider.upload(
			{ parentId: rootId, name: 'r.bin', replaceId: original.id },
			{ size: 3, data: Buffer.from('abc') },
		);
		expect(again.id).toBe(original.id);
		expect((await fixture.user.read('r.bin'))!.toString()).toBe('abc');
		const conflict = await failure(
			provider.upload({ parentId: rootId, name: 'R.BIN' }, { size: 1, data: Buffer.from('x') }),
		);
		expect(conflict.reason).toBe('conflict');
	});

	it('maps quota, scope, missing items and a dead credential to CloudErrors with hints', async () => {
		fixture = await createOneDriveFixture();
		const { provider, fake, rootId, auth } = fixture;
		fake.setQuota({ total: 1000 });
		const full = await failure(
			provider.upload(
				{ parentId: rootId, name: 'q.bin' },
				{ size: 2000, data: Buffer.alloc(2000) },
			),
		);
		expect([full.reason, full.hint]).toEqual(['quota', HINTS.quota]);
		const bigFull = await failure(
			provider.upload(
				{ parentId: rootId, name: 'q2.bin' },
				{ size: FIXTURE_CHUNK * 2, data: Buffer.alloc(FIXTURE_CHUNK * 2) },
			),
		);
		expect(bigFull.reason).toBe('quota');

		const missing = await failure(
			provider.resolveFolder({ mode: 'path', value: 'fixture-root/nope' }),
		);
		expect(missing.reason).toBe('notFound');
		expect(missing.message).toContain('fixture-root/nope');
		const gone = await failure(provider.delete('ABC!999999'));
		expect([gone.reason, gone.details.target]).toEqual(['notFound', 'ABC!999999']);

		auth.setScopes(['Files.Read']);
		const readOnly = await failure(provider.createFolder(rootId, 'new'));
		expect(readOnly.reason).toBe('scope');
		expect(readOnly.hint).toContain('Files.ReadWrite');

		auth.setScopes(['Files.ReadWrite']);
		auth.revokeRefreshTokens();
		auth.expireAccessTokens();
		const dead = await failure(provider.root());
		expect([dead.reason, dead.hint]).toEqual(['auth', HINTS.auth]);
	});

	it('stops cleanly when throttled beyond the run budget, naming the wait', async () => {
		fixture = await createOneDriveFixture();
		const { provider, fake, rootId } = fixture;
		fake.throttle(1, 3600);
		const throttled = await failure(provider.getItem(rootId));
		expect(throttled.reason).toBe('rateLimited');
		expect(throttled.details.retryAfterMs).toBe(3_600_000);
	});

	describe.each(['personal', 'business'] as const)('%s drive', (driveType) => {
		it('resolves folders by id, path and URL, finds children case-insensitively and tracks deletions', async () => {
			fixture = await createOneDriveFixture({ driveType });
			const { provider, fake, rootId } = fixture;
			const folderId = await fixture.user.createFolder('Reports 2024/Q1');
			const byPath = await provider.resolveFolder({
				mode: 'path',
				value: '/fixture-root/Reports 2024/Q1',
			});
			const byId = await provider.resolveFolder({ mode: 'id', value: folderId });
			const webUrl = (await provider.getItem(folderId))!.webUrl!;
			expect(webUrl).toMatch(
				driveType === 'personal' ? /^https:\/\/onedrive\.live\.com\/\?/ : /sharepoint\.com/,
			);
			const byUrl = await provider.resolveFolder({ mode: 'url', value: webUrl });
			expect([byPath.id, byId.id, byUrl.id]).toEqual([folderId, folderId, folderId]);
			const file = await provider.upload(
				{ parentId: folderId, name: 'Report #1.pdf' },
				{ size: 4, data: Buffer.from('%PDF') },
			);
			expect((await provider.findChild(folderId, 'report #1.PDF'))?.id).toBe(file.id);
			expect(await provider.findChild(folderId, 'Report #1.pdf', 'folder')).toBeUndefined();
			const found = await provider.searchFolders('q1');
			expect(found.map((item) => item.id)).toContain(folderId);

			const cursor = await provider.latestCursor(rootId, { recursive: true });
			fake.userDelete('fixture-root/Reports 2024/Q1/Report #1.pdf');
			const batch = await provider.changes(rootId, cursor, { recursive: true });
			expect(batch.changes).toContainEqual({ type: 'delete', id: file.id, isFolder: false });
			expect(await fake.drive.driveType).toBe(driveType);
		});

		it('addresses the drive through /drives/{id} as well', async () => {
			fixture = await createOneDriveFixture({ driveType });
			const { fake, transport, rootId } = fixture;
			const byDriveId = new OneDriveStorage(transport, { drive: `/drives/${fake.drive.id}` });
			const item: RemoteItem = await byDriveId.upload(
				{ parentId: rootId, name: 'd.txt' },
				{ size: 2, data: Buffer.from('hi') },
			);
			expect((await fixture.user.read('d.txt'))!.toString()).toBe('hi');
			expect((await collect(byDriveId.list(rootId))).map((child) => child.id)).toEqual([item.id]);
			expect(fake.requests({ path: `/v1.0/drives/${fake.drive.id}/` }).length).toBeGreaterThan(0);
		});
	});
});

describe('OneDriveStorage request budget', () => {
	let fixture: OneDriveFixture;
	beforeEach(async () => {
		fixture = await createOneDriveFixture();
	});
	afterEach(async () => fixture.close());

	/** A provider as a new run builds it. */
	const freshProvider = () =>
		new OneDriveStorage(fixture.transport, {
			chunkSize: FIXTURE_CHUNK,
			simpleUploadLimit: FIXTURE_CHUNK,
		});

	it('an idle changes() call makes exactly one request (the delta page), recursive or not', async () => {
		const { fake, rootId } = fixture;
		await fixture.user.createFile('a.txt', Buffer.from('a'));
		for (const recursive of [false, true]) {
			const cursor = await freshProvider().latestCursor(rootId, { recursive });
			const provider = freshProvider();
			let mark = fake.mark();
			const batch = await provider.changes(rootId, cursor, { recursive });
			expect(batch.changes).toEqual([]);
			const requests = fake.requests({ since: mark });
			expect(requests).toHaveLength(1);
			expect(requests[0].path).toMatch(/\/root\/delta$/);
			mark = fake.mark();
			await provider.changes(rootId, batch.cursor, { recursive });
			expect(fake.requests({ since: mark })).toHaveLength(1);
		}
	});

	it('reads delta in pages of 1000 (Graph serves 200 without $top): 250 new files in one page', async () => {
		const { fake, rootId } = fixture;
		const cursor = await freshProvider().latestCursor(rootId);
		for (let i = 0; i < 250; i++)
			await fixture.user.createFile(`p${i}.txt`, Buffer.from(`page ${i}`));
		const mark = fake.mark();
		const batch = await freshProvider().changes(rootId, cursor);
		expect(batch.changes.filter((change) => change.type === 'upsert')).toHaveLength(250);
		expect(fake.requests({ since: mark }).filter((r) => r.path.endsWith('/delta'))).toHaveLength(1);
	});

	it('places changes from the batch itself where it can: a folder in the batch is never looked up', async () => {
		const { fake, rootId } = fixture;
		const subId = await fixture.user.createFolder('sub');
		const cursor = await freshProvider().latestCursor(rootId, { recursive: true });
		const deepId = await fixture.user.createFolder('sub/deep');
		await fixture.user.createFile('sub/deep/new.txt', Buffer.from('new'));
		await fixture.user.createFile('new-at-top.txt', Buffer.from('top'));
		const mark = fake.mark();
		const batch = await freshProvider().changes(rootId, cursor, { recursive: true });
		const upserts = batch.changes.flatMap((change) =>
			change.type === 'upsert' ? [[change.item.path, change.item.parentId]] : [],
		);
		expect(upserts.sort()).toEqual([
			['new-at-top.txt', rootId],
			['sub', rootId],
			['sub/deep', subId],
			['sub/deep/new.txt', deepId],
		]);
		expect(batch.changes.filter((change) => change.type === 'delete')).toEqual([]);
		// The delta page and one lookup to anchor the chain (the watched folder or its parent, whichever the batch
		// does not carry): 'sub' and 'deep' are placed from their own batch entries.
		const lookups = fake
			.requests({ since: mark })
			.slice(1)
			.map((r) => decodeURIComponent(r.path));
		expect(lookups).toHaveLength(1);
		expect(lookups.join()).not.toMatch(new RegExp(`${subId}|${deepId}`.replace(/!/g, '\\!')));
	});

	it('still scopes correctly when the batch does not place a parent (looked up once), and outside changes are ignored', async () => {
		const { fake, rootId } = fixture;
		await fixture.user.createFolder('sub');
		const cursor = await freshProvider().latestCursor(rootId, { recursive: true });
		fake.userCreateFolder('elsewhere');
		await fake.userCreateFile('elsewhere/x.txt', Buffer.from('x'));
		await fixture.user.createFile('sub/in.txt', Buffer.from('in'));
		const batch = await freshProvider().changes(rootId, cursor, { recursive: true });
		const upserts = batch.changes.flatMap((change) =>
			change.type === 'upsert' ? [change.item.path] : [],
		);
		expect(upserts.sort()).toEqual(['sub', 'sub/in.txt']);
	});

	it('uploads 50 small files into 5 known folders with at most 55 requests (one PUT each)', async () => {
		const { fake, rootId } = fixture;
		const provider = freshProvider();
		const folders: RemoteItem[] = [];
		for (let i = 0; i < 5; i++) folders.push(await provider.createFolder(rootId, `month-${i}`));
		const mark = fake.mark();
		for (let i = 0; i < 50; i++) {
			const data = Buffer.from(`receipt ${i}`);
			await provider.upload(
				{ parentId: folders[i % 5].id, name: `r-${i}.txt` },
				{ size: data.length, data },
			);
		}
		const requests = fake.requests({ since: mark });
		expect(requests.length).toBeLessThanOrEqual(55);
		expect(requests.filter((r) => r.method === 'PUT')).toHaveLength(50);
		expect((await fixture.user.read('month-3/r-13.txt'))!.toString()).toBe('receipt 13');
	});
});
