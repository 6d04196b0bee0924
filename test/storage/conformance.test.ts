import * as hashes from '../../nodes/shared/hashes';
import { hashBuffer } from '../../nodes/shared/hashes';
import { isCloudError } from '../../nodes/shared/types/cloudError';
import { safeRelativePath, sanitizeName } from '../../nodes/shared/sync/names';
import type { RemoteItem, StorageProvider } from '../../nodes/shared/storage/types';
import type { ProviderFixture } from './fixture';
import { FIXTURES } from './fixtures';
import { Readable } from 'stream';
import {
	ChangeTracker,
	collect,
	ensurePath,
	patternBytes,
	patternStream,
	readAll,
} from './support';
import { nameRulesOf } from '../../nodes/shared/storage/registry';

const PIECE = 64 * 1024;

/** The pattern in 64 KiB pieces, calling `pause` (and waiting for it) before the first byte at `pauseAt`. */
function pausingPatternStream(
	size: number,
	seed: string,
	pauseAt: number,
	pause: () => Promise<void>,
): Readable {
	async function* generate(): AsyncGenerator<Buffer> {
		let paused = false;
		for (let offset = 0; offset < size; offset += PIECE) {
			if (!paused && offset >= pauseAt) {
				paused = true;
				await pause();
			}
			yield patternBytes(Math.min(PIECE, size - offset), seed, offset);
		}
	}
	return Readable.from(generate(), { objectMode: false, highWaterMark: PIECE });
}

/**
 * One suite, every provider (as rclone's fstests run against every backend). Each case works in its own folder
 * below the fixture root; user actions use paths relative to that root.
 */
describe.each(FIXTURES)('$name conformance', ({ create, capabilities }) => {
	let fixture: ProviderFixture;
	let provider: StorageProvider;

	beforeAll(async () => {
		fixture = await create();
		provider = fixture.provider;
	});

	afterAll(async () => {
		await fixture?.close();
	});

	/** A fresh folder for one case (the case's name, so user paths are "<case>/..."). */
	const caseFolder = (name: string) => ensurePath(provider, fixture.rootId, [name]);

	const NAMES = [
		'Résumé 2024 – final.pdf',
		'with "quotes" and \'apostrophes\'.txt',
		'colon: star* question?.txt',
		'pipe|less<greater>.txt',
		'trailing dot.',
		' leading space.txt',
		'CON.txt',
		'日本語 ファイル.txt',
		'🚀 emoji.txt',
		'back\\slash.txt',
		'Cafe\u0301 NFD.txt',
		'hash # percent % plus + amp &.txt',
	];

	test('names with unicode, spaces, quotes and illegal characters round-trip through sanitizeName', async () => {
		const folder = await caseFolder('names');
		const expected = NAMES.map((name) => sanitizeName(name, nameRulesOf(fixture.kind)));
		expect(new Set(expected.map((n) => n.toLowerCase())).size).toBe(NAMES.length);
		const uploaded = new Map<string, RemoteItem>();
		for (const name of expected) {
			const data = Buffer.from(`content of ${name}`);
			const item = await provider.upload(
				{ parentId: folder.id, name },
				{ size: data.length, data },
			);
			expect(item.name).toBe(name);
			uploaded.set(name, item);
		}
		const listed = await collect(provider.list(folder.id));
		expect(listed.map((item) => item.name).sort()).toEqual([...expected].sort());
		for (const name of expected) {
			const found = await provider.findChild(folder.id, name, 'file');
			expect(found?.id).toBe(uploaded.get(name)!.id);
			expect((await provider.getItem(found!.id))?.name).toBe(name);
			expect((await readAll(await provider.download(found!.id))).toString()).toBe(
				`content of ${name}`,
			);
		}
	});

	test('empty, small and multi-chunk files: content and native hash', async () => {
		const folder = await caseFolder('contents');
		const chunk = provider.features.chunkSize;
		const sizes = [0, 1, 1000, Math.floor(chunk * 2.5) + 17];
		for (const size of sizes) {
			const name = `file-${size}.bin`;
			const expected = patternBytes(size, name);
			const item = await provider.upload(
				{ parentId: folder.id, name },
				size > 1000
					? { size, stream: patternStream(size, name, 64 * 1024) }
					: { size, data: expected },
			);
			const nativeHash = hashBuffer(provider.hashKind, expected);
			expect(item.size).toBe(size);
			expect(item.hash).toBe(nativeHash);
			expect((await provider.getItem(item.id))?.hash).toBe(nativeHash);
			const downloaded = await readAll(await provider.download(item.id));
			expect(downloaded.length).toBe(size);
			expect(downloaded.equals(expected)).toBe(true);
			expect((await fixture.user.read(`contents/${name}`))?.equals(expected)).toBe(true);
		}
	});

	test('replacing content: new hash, same id where the provider keeps revisions', async () => {
		const folder = await caseFolder('replace');
		const first = Buffer.from('version one');
		const second = Buffer.from('version two, longer');
		const original = await provider.upload(
			{ parentId: folder.id, name: 'doc.txt' },
			{ size: first.length, data: first },
		);
		const replaced = await provider.upload(
			{ parentId: folder.id, name: 'doc.txt', replaceId: original.id },
			{ size: second.length, data: second },
		);
		expect(replaced.hash).toBe(hashBuffer(provider.hashKind, second));
		expect(replaced.id === original.id).toBe(capabilities.replaceKeepsId);
		const listed = await collect(provider.list(folder.id));
		expect(listed.map((item) => item.name)).toEqual(['doc.txt']);
		expect((await readAll(await provider.download(replaced.id))).equals(second)).toBe(true);
	});

	if (capabilities.uploadCuts) {
		test('a connection cut mid-chunk is resumed, not restarted', async () => {
			const folder = await caseFolder('cut');
			const chunk = provider.features.chunkSize;
			const size = chunk * 3 + 1234;
			expect(fixture.bytesReceived).toBeDefined();
			const before = fixture.bytesReceived!();
			// Cut the second chunk, not the first: only then does a restart (chunk 1 sent again) differ from a resume.
			const armCutAfterFirstChunk = async () => {
				const deadline = Date.now() + 10_000;
				while (fixture.bytesReceived!() - before < chunk) {
					if (Date.now() > deadline) throw new Error('the first chunk never reached the server');
					await new Promise((resolve) => setTimeout(resolve, 5));
				}
				await fixture.user.cutNextUploadChunk(Math.floor(chunk / 2));
			};
			const stream = pausingPatternStream(size, 'cut', chunk + PIECE, armCutAfterFirstChunk);
			const item = await provider.upload(
				{ parentId: folder.id, name: 'cut.bin' },
				{ size, stream },
			);
			const sent = fixture.bytesReceived!() - before;
			expect(item.hash).toBe(hashBuffer(provider.hashKind, patternBytes(size, 'cut')));
			expect((await fixture.user.read('cut/cut.bin'))?.equals(patternBytes(size, 'cut'))).toBe(
				true,
			);
			// The cut lost some bytes of chunk 2, so more than the file went over the wire; a restart would have sent
			// chunk 1 again on top (about 1.5 chunks extra), a resume at most the cut part of chunk 2 (half a chunk).
			expect(sent).toBeGreaterThan(size);
			expect(sent - size).toBeLessThan(chunk);
		});
	} else {
		test('connection cuts: not applicable, and the fixture says so', async () => {
			await expect(fixture.user.cutNextUploadChunk(10)).rejects.toThrow(/not applicable/i);
		});
	}

	test("a multi-chunk upload carrying its content hash (Export hashed the file to plan) is not hashed again, and the provider's answer is still checked against it", async () => {
		const folder = await caseFolder('known-hash');
		const size = Math.floor(provider.features.chunkSize * 1.5) + 5;
		const content = patternBytes(size, 'known');
		const hash = { kind: provider.hashKind, value: hashBuffer(provider.hashKind, content) };
		const hashed = jest.spyOn(hashes, 'createHasher');
		try {
			const item = await provider.upload(
				{ parentId: folder.id, name: 'known.bin' },
				{ size, stream: patternStream(size, 'known', 64 * 1024), hash },
			);
			expect(item.hash).toBe(hash.value);
			// The local folder has no provider answer to check: the hash of what it wrote is its answer.
			if (fixture.kind !== 'localFolder')
				expect(hashed.mock.calls.filter(([kind]) => kind === provider.hashKind)).toEqual([]);
		} finally {
			hashed.mockRestore();
		}
		if (fixture.kind === 'localFolder') return;
		// A hash that is not the content's: the provider's answer (of the bytes it got) does not match it.
		const wrong = {
			kind: provider.hashKind,
			value: hashBuffer(provider.hashKind, Buffer.from('other')),
		};
		const error = await provider
			.upload(
				{ parentId: folder.id, name: 'wrong.bin' },
				{ size, stream: patternStream(size, 'known', 64 * 1024), hash: wrong },
			)
			.then(
				() => undefined,
				(thrown: unknown) => thrown,
			);
		expect(isCloudError(error) && error.reason).toBe('integrity');
	});

	test('template paths with traversal attempts stay below the chosen folder', async () => {
		const folder = await caseFolder('templates');
		const segments = safeRelativePath(
			['../../escape', '..\\up', '%2e%2e', 'Acme: "Q1" / 2024.'],
			nameRulesOf(fixture.kind),
		);
		const created = await ensurePath(provider, folder.id, segments);
		const below = await collect(provider.list(folder.id, { recursive: true }));
		expect(below.find((item) => item.id === created.id)?.path).toBe(segments.join('/'));
		expect(segments).toEqual([
			'escape',
			'up',
			...['Acme: "Q1" ', ' 2024.'].map((s) => sanitizeName(s, nameRulesOf(fixture.kind))),
		]);
		const outside = await collect(provider.list(fixture.rootId));
		expect(outside.map((item) => item.name)).not.toContain('escape');
	});

	test('nested folders are created idempotently', async () => {
		const first = await ensurePath(provider, fixture.rootId, ['nested', 'a', 'b', 'c']);
		const again = await ensurePath(provider, fixture.rootId, ['nested', 'a', 'b', 'c']);
		expect(again.id).toBe(first.id);
		const nested = await ensurePath(provider, fixture.rootId, ['nested']);
		const all = await collect(provider.list(nested.id, { recursive: true }));
		expect(all.map((item) => item.path).sort()).toEqual(['a', 'a/b', 'a/b/c']);
		expect(all.every((item) => item.isFolder)).toBe(true);
	});

	test('listings over several pages return every item once', async () => {
		const folder = await caseFolder('paging');
		const count = (capabilities.listPageSize ?? 10) * 2 + 3;
		for (let i = 0; i < count; i++)
			await fixture.user.createFile(
				`paging/f${String(i).padStart(3, '0')}.txt`,
				Buffer.from(`#${i}`),
			);
		const before = fixture.requestCount();
		const listed = await collect(provider.list(folder.id));
		expect(new Set(listed.map((item) => item.id)).size).toBe(count);
		expect(listed.map((item) => item.name).sort()).toEqual(
			Array.from({ length: count }, (_, i) => `f${String(i).padStart(3, '0')}.txt`),
		);
		if (capabilities.listPageSize !== undefined) {
			expect(fixture.requestCount() - before).toBeGreaterThanOrEqual(
				Math.ceil(count / capabilities.listPageSize),
			);
		}
	});

	test('the change feed reports create, edit, rename, move, trash and delete for the right ids and paths', async () => {
		const folder = await caseFolder('feed');
		const subId = await fixture.user.createFolder('feed/sub');
		const options = { recursive: true };
		const tracker = new ChangeTracker(await collect(provider.list(folder.id, options)));
		let cursor = await provider.latestCursor(folder.id, options);
		const step = async () => {
			const batch = await provider.changes(folder.id, cursor, options);
			tracker.apply(batch);
			cursor = batch.cursor;
		};

		const id = await fixture.user.createFile('feed/a.txt', Buffer.from('one'));
		await step();
		expect(tracker.byId.get(id)).toMatchObject({ name: 'a.txt', path: 'a.txt', isFolder: false });
		expect(tracker.byId.get(subId)).toMatchObject({ name: 'sub', path: 'sub', isFolder: true });

		await fixture.user.editFile('feed/a.txt', Buffer.from('two, edited'));
		await step();
		expect(tracker.byId.get(id)).toMatchObject({
			size: 11,
			hash: hashBuffer(provider.hashKind, Buffer.from('two, edited')),
		});

		await fixture.user.rename('feed/a.txt', 'b.txt');
		await step();
		expect(tracker.byId.get(id)).toMatchObject({ name: 'b.txt', path: 'b.txt' });
		expect(tracker.byPath('a.txt')).toBeUndefined();

		await fixture.user.move('feed/b.txt', 'feed/sub');
		await step();
		expect(tracker.byId.get(id)).toMatchObject({
			name: 'b.txt',
			path: 'sub/b.txt',
			parentId: subId,
		});
		expect(tracker.byPath('b.txt')).toBeUndefined();

		await fixture.user.trash('feed/sub/b.txt');
		await step();
		expect(tracker.byId.has(id)).toBe(false);

		const doomed = await fixture.user.createFile('feed/c.txt', Buffer.from('short-lived'));
		await step();
		expect(tracker.byId.get(doomed)).toMatchObject({ path: 'c.txt' });
		await fixture.user.delete('feed/c.txt');
		await step();
		expect(tracker.byId.has(doomed)).toBe(false);
		expect(tracker.paths()).toEqual(['sub']);
	});

	if (capabilities.cursorReset) {
		test('a reset cursor throws cursorReset and a full listing recovers', async () => {
			const folder = await caseFolder('reset');
			const options = { recursive: true };
			const stale = await provider.latestCursor(folder.id, options);
			const before = await fixture.user.createFile('reset/x.txt', Buffer.from('x'));
			await fixture.user.resetCursors();
			const failure = await provider.changes(folder.id, stale, options).then(
				() => undefined,
				(error: unknown) => error,
			);
			expect(isCloudError(failure, 'cursorReset')).toBe(true);
			// Recovery: a full listing, then a fresh cursor that works.
			const tracker = new ChangeTracker(await collect(provider.list(folder.id, options)));
			expect(tracker.byId.get(before)).toMatchObject({ path: 'x.txt' });
			let cursor = await provider.latestCursor(folder.id, options);
			const after = await fixture.user.createFile('reset/y.txt', Buffer.from('y'));
			const batch = await provider.changes(folder.id, cursor, options);
			tracker.apply(batch);
			cursor = batch.cursor;
			expect(tracker.byId.get(after)).toMatchObject({ path: 'y.txt' });
			expect(tracker.paths()).toEqual(['x.txt', 'y.txt']);
		});
	} else {
		test('cursor reset: not applicable, every batch is already a full snapshot', async () => {
			const folder = await caseFolder('reset');
			await expect(fixture.user.resetCursors()).rejects.toThrow(/not applicable/i);
			const batch = await provider.changes(folder.id, await provider.latestCursor(folder.id), {});
			expect(batch.snapshot).toBe(true);
		});
	}

	if (capabilities.rateLimits) {
		test('a 429 storm is survived with Retry-After honoured', async () => {
			const folder = await caseFolder('throttle');
			await fixture.user.createFile('throttle/t.txt', Buffer.from('t'));
			const before = fixture.requestCount();
			await fixture.user.rateLimit(3, 1);
			const started = Date.now();
			const listed = await collect(provider.list(folder.id));
			const elapsed = Date.now() - started;
			expect(listed.map((item) => item.name)).toEqual(['t.txt']);
			expect(elapsed).toBeGreaterThanOrEqual(2900);
			expect(fixture.requestCount() - before).toBeGreaterThanOrEqual(4);
		}, 30_000);
	} else {
		test('429 storms: not applicable, and the fixture says so', async () => {
			await expect(fixture.user.rateLimit(3, 1)).rejects.toThrow(/not applicable/i);
		});
	}

	test('move and rename through the provider keep the id', async () => {
		const folder = await caseFolder('moves');
		const target = await ensurePath(provider, fixture.rootId, ['moves', 'into']);
		const data = Buffer.from('moving');
		const item = await provider.upload(
			{ parentId: folder.id, name: 'm.txt' },
			{ size: data.length, data },
		);
		const renamed = await provider.move(item.id, { name: 'renamed.txt' });
		expect(renamed).toMatchObject({ id: item.id, name: 'renamed.txt' });
		const moved = await provider.move(item.id, { parentId: target.id });
		expect(moved).toMatchObject({ id: item.id, name: 'renamed.txt', parentId: target.id });
		expect((await fixture.user.read('moves/into/renamed.txt'))?.equals(data)).toBe(true);
		await provider.trash(item.id);
		expect(await provider.findChild(target.id, 'renamed.txt')).toBeUndefined();
	});

	test('missing items are notFound CloudErrors, never raw errors', async () => {
		const folder = await caseFolder('missing');
		const data = Buffer.from('gone soon');
		const item = await provider.upload(
			{ parentId: folder.id, name: 'gone.txt' },
			{ size: data.length, data },
		);
		await fixture.user.delete('missing/gone.txt');
		const failure = await provider.download(item.id).then(
			(stream) => readAll(stream),
			(error: unknown) => error,
		);
		expect(isCloudError(failure, 'notFound')).toBe(true);
		expect(await provider.findChild(folder.id, 'gone.txt')).toBeUndefined();
	});
});
