import {
	chmod,
	mkdir,
	mkdtemp,
	readdir,
	readFile,
	rename,
	rm,
	stat,
	symlink,
	writeFile,
} from 'fs/promises';
import { tmpdir } from 'os';
import { join } from 'path';
import { Readable } from 'stream';
import { pathToFileURL } from 'url';
import { hashBuffer } from '../../nodes/shared/hashes';
import { CloudError, isCloudError } from '../../nodes/shared/types/cloudError';
import { LocalFolderStorage, type LocalPathGuard } from '../../nodes/shared/storage/localFolder';
import { localFsError } from '../../nodes/shared/storage/localFolder/errors';
import { collect, readAll } from './support';

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
	return promise.then(
		() => undefined,
		(error: unknown) => error,
	);
}

describe('LocalFolderStorage specifics', () => {
	let outside: string;
	let base: string;
	let storage: LocalFolderStorage;
	let rootId: string;

	beforeEach(async () => {
		outside = await mkdtemp(join(tmpdir(), 'cloudsync-jail-'));
		base = join(outside, 'base');
		await mkdir(base);
		await writeFile(join(outside, 'secret.txt'), 'do not read');
		storage = new LocalFolderStorage(base);
		rootId = (await storage.root()).id;
	});

	afterEach(async () => {
		await rm(outside, { recursive: true, force: true });
	});

	test("a file the user makes where ours was deleted is never taken for ours, even when it gets our file's inode", async () => {
		// ext4 hands a freed inode to the next new file: try until that happens, as it does for a user who deletes
		// an exported file and saves another at its place.
		let reused = false;
		for (let attempt = 0; attempt < 50 && !reused; attempt++) {
			const ours = await storage.upload(
				{ parentId: rootId, name: 'r.pdf' },
				{ size: 4, data: Buffer.from('ours') },
			);
			const oursStat = await stat(join(base, 'r.pdf'), { bigint: true });
			await rm(join(base, 'r.pdf'));
			await writeFile(join(base, 'r.pdf'), 'the user');
			const theirs = await stat(join(base, 'r.pdf'), { bigint: true });
			reused = theirs.ino === oursStat.ino;
			const seen = await new LocalFolderStorage(base).getItem(ours.id);
			expect(seen).toBeUndefined();
			await rm(join(base, 'r.pdf'));
		}
		expect(reused).toBe(true);
	});

	test('a folder made after one was deleted is never taken for it, even when it gets its inode; a renamed folder keeps its id', async () => {
		// Soak seed 9304: the user deleted folder "a" and made "B", which got "a"'s inode; with ids of the inode alone
		// the export took "B" for "a" renamed.
		let reused = false;
		for (let attempt = 0; attempt < 50 && !reused; attempt++) {
			const ours = await storage.createFolder(rootId, 'a');
			const oursStat = await stat(join(base, 'a'), { bigint: true });
			await rm(join(base, 'a'), { recursive: true });
			await mkdir(join(base, 'B'));
			const theirs = await stat(join(base, 'B'), { bigint: true });
			reused = theirs.ino === oursStat.ino;
			const fresh = new LocalFolderStorage(base);
			expect(await fresh.getItem(ours.id)).toBeUndefined();
			const listed = await collect(fresh.list(rootId));
			expect(listed.map((item) => item.id)).not.toContain(ours.id);
			// State saved by earlier releases names the folder by its inode: still found (exportFormerIds.ts).
			expect(listed.find((item) => item.name === 'B')?.formerId).toBe(
				`ino:${theirs.dev}:${theirs.ino}`,
			);
			await rename(join(base, 'B'), join(base, 'C'));
			expect((await collect(fresh.list(rootId)))[0]).toMatchObject({
				name: 'C',
				id: `ino:${theirs.dev}:${theirs.ino}:${theirs.birthtimeNs.toString(36)}`,
			});
			await rm(join(base, 'C'), { recursive: true });
		}
		expect(reused).toBe(true);
	});
	test('ids are dev:inode:birth time and survive renames and moves made behind the provider', async () => {
		const data = Buffer.from('stable');
		const item = await storage.upload(
			{ parentId: rootId, name: 'a.txt' },
			{ size: data.length, data },
		);
		const info = await stat(join(base, 'a.txt'), { bigint: true });
		expect(item.id).toBe(`ino:${info.dev}:${info.ino}:${info.birthtimeNs.toString(36)}`);
		await mkdir(join(base, 'deep', 'er'), { recursive: true });
		await rename(join(base, 'a.txt'), join(base, 'deep', 'er', 'b.txt'));
		// A fresh provider (a new run) finds it by scanning.
		const fresh = new LocalFolderStorage(base);
		expect(await fresh.getItem(item.id)).toMatchObject({
			id: item.id,
			name: 'b.txt',
			path: 'deep/er/b.txt',
		});
		expect(await fresh.getItem('ino:1:1')).toBeUndefined();
		expect(await fresh.getItem('not-an-id')).toBeUndefined();
	});

	test('unknown ids do not rescan the tree every time, moved files are still found', async () => {
		let guardCalls = 0;
		const counted = new LocalFolderStorage(base, { guard: () => (guardCalls++, true) });
		const root = await counted.root();
		await mkdir(join(base, 'sub'));
		const data = Buffer.from('x');
		const item = await counted.upload({ parentId: root.id, name: 'x.txt' }, { size: 1, data });
		expect(await counted.getItem('ino:0:1')).toBeUndefined(); // one complete scan
		const afterFirstMiss = guardCalls;
		expect(await counted.getItem('ino:0:2')).toBeUndefined();
		expect(await counted.getItem('ino:0:3')).toBeUndefined();
		expect(guardCalls).toBe(afterFirstMiss);
		await rename(join(base, 'x.txt'), join(base, 'sub', 'x.txt'));
		expect(await counted.getItem(item.id)).toMatchObject({ path: 'sub/x.txt' });
	});

	test('a symlink leading out of the base folder is refused and never listed', async () => {
		await symlink(outside, join(base, 'escape'));
		await symlink(join(outside, 'secret.txt'), join(base, 'secret-link.txt'));
		const listed = await collect(storage.list(rootId, { recursive: true }));
		expect(listed.map((item) => item.name)).toEqual([]);
		const viaPath = await failureOf(storage.resolveFolder({ mode: 'path', value: 'escape' }));
		expect(isCloudError(viaPath, 'permission')).toBe(true);
		const child = await failureOf(storage.findChild(rootId, 'secret-link.txt'));
		expect(isCloudError(child, 'permission')).toBe(true);
	});

	test('path references cannot climb out, in any spelling', async () => {
		for (const value of ['..', '../', 'a/../..', '../base', `..${'/'}secret.txt`]) {
			const failure = await failureOf(storage.resolveFolder({ mode: 'path', value }));
			expect(isCloudError(failure, 'permission')).toBe(true);
		}
		// An absolute path outside the base is read as relative to the base (like "/in/box"): not found there.
		const absoluteOutside = await failureOf(
			storage.resolveFolder({ mode: 'path', value: outside }),
		);
		expect(isCloudError(absoluteOutside, 'notFound')).toBe(true);
		const urlOutside = await failureOf(
			storage.resolveFolder({ mode: 'url', value: pathToFileURL(outside).href }),
		);
		expect(isCloudError(urlOutside, 'permission')).toBe(true);
		for (const name of ['..', '.', 'a/b', '', 'x\0y']) {
			const failure = await failureOf(storage.createFolder(rootId, name));
			expect(isCloudError(failure, 'invalidRequest')).toBe(true);
		}
		expect(await readdir(outside)).toEqual(['base', 'secret.txt']);
	});

	test('folders resolve by relative path, absolute path inside the base, file URL and id', async () => {
		await mkdir(join(base, 'in', 'box'), { recursive: true });
		const byPath = await storage.resolveFolder({ mode: 'path', value: 'in/box' });
		expect(byPath).toMatchObject({ name: 'box', path: 'in/box', isFolder: true });
		expect((await storage.resolveFolder({ mode: 'path', value: '/in/box/' })).id).toBe(byPath.id);
		expect((await storage.resolveFolder({ mode: 'path', value: join(base, 'in', 'box') })).id).toBe(
			byPath.id,
		);
		expect(
			(await storage.resolveFolder({ mode: 'url', value: pathToFileURL(join(base, 'in')).href }))
				.name,
		).toBe('in');
		expect((await storage.resolveFolder({ mode: 'id', value: byPath.id })).path).toBe('in/box');
		const missing = await failureOf(storage.resolveFolder({ mode: 'path', value: 'in/nope' }));
		expect(isCloudError(missing, 'notFound')).toBe(true);
		expect((missing as CloudError).message).toContain('in/nope');
		expect((await storage.searchFolders('BO')).map((folder) => folder.path)).toEqual(['in/box']);
	});

	test("n8n's guard is asked with real paths, and a refusal is a permission error with a hint", async () => {
		const asked: Array<[string, string]> = [];
		const guard: LocalPathGuard = (path, access) => {
			asked.push([path, access]);
			return !path.includes('blocked');
		};
		await mkdir(join(base, 'blocked'));
		await writeFile(join(base, 'ok.txt'), 'ok');
		await writeFile(join(base, 'blocked', 'hidden.txt'), 'no');
		const guarded = new LocalFolderStorage(base, { guard });
		const root = await guarded.root();
		const listed = await collect(guarded.list(root.id, { recursive: true }));
		expect(listed.map((item) => item.path)).toEqual(['ok.txt']);
		const failure = await failureOf(guarded.resolveFolder({ mode: 'path', value: 'blocked' }));
		expect(isCloudError(failure, 'permission')).toBe(true);
		expect((failure as CloudError).hint).toMatch(/N8N_RESTRICT_FILE_ACCESS_TO/);
		const write = await failureOf(
			guarded.upload(
				{ parentId: root.id, name: 'blocked-too.txt' },
				{ size: 1, data: Buffer.from('x') },
			),
		);
		expect(isCloudError(write, 'permission')).toBe(true);
		expect(
			asked.some(([path, access]) => path === join(base, 'blocked-too.txt') && access === 'write'),
		).toBe(true);
		const wholeBase = new LocalFolderStorage(base, { guard: () => false });
		expect(isCloudError(await failureOf(wholeBase.root()), 'permission')).toBe(true);
	});

	test('deleting a folder that holds something n8n protects is refused, and nothing is deleted', async () => {
		await mkdir(join(base, 'project', '.git'), { recursive: true });
		await writeFile(join(base, 'project', 'readme.md'), 'hi');
		await writeFile(join(base, 'project', '.git', 'HEAD'), 'ref');
		// n8n's default N8N_BLOCK_FILE_PATTERNS blocks .git directories.
		const gitPattern = /^(.*\/)*\.git(\/.*)*$/;
		const guarded = new LocalFolderStorage(base, { guard: (path) => !gitPattern.test(path) });
		const project = await guarded.resolveFolder({ mode: 'path', value: 'project' });
		const failure = await failureOf(guarded.delete(project.id));
		expect(isCloudError(failure, 'permission')).toBe(true);
		expect((failure as CloudError).message).toContain('project/.git');
		expect(await readFile(join(base, 'project', 'readme.md'), 'utf8')).toBe('hi');
		await rm(join(base, 'project', '.git'), { recursive: true });
		await guarded.delete(project.id);
		expect(await readdir(base)).toEqual([]);
	});

	test('uploads stream through a temp file, hash on the way, and leave nothing behind on failure', async () => {
		async function* pieces() {
			yield Buffer.from('hello ');
			yield Buffer.from('world');
		}
		const item = await storage.upload(
			{ parentId: rootId, name: 'streamed.txt' },
			{ size: 11, stream: Readable.from(pieces()) },
		);
		expect(item.hash).toBe(hashBuffer('sha256', Buffer.from('hello world')));
		const short = await failureOf(
			storage.upload(
				{ parentId: rootId, name: 'short.txt' },
				{ size: 99, stream: Readable.from(pieces()) },
			),
		);
		expect(isCloudError(short, 'integrity')).toBe(true);
		async function* broken() {
			yield Buffer.from('partial');
			throw new Error('source failed');
		}
		await expect(
			storage.upload(
				{ parentId: rootId, name: 'broken.txt' },
				{ size: 100, stream: Readable.from(broken()) },
			),
		).rejects.toThrow();
		expect(await readdir(base)).toEqual(['streamed.txt']);
	});

	test('conflicts: fail by default, rename on request, replace atomically keeping permissions', async () => {
		const one = Buffer.from('one');
		const two = Buffer.from('two!');
		const first = await storage.upload({ parentId: rootId, name: 'c.txt' }, { size: 3, data: one });
		const clash = await failureOf(
			storage.upload({ parentId: rootId, name: 'c.txt' }, { size: 4, data: two }),
		);
		expect(isCloudError(clash, 'conflict')).toBe(true);
		const renamed = await storage.upload(
			{ parentId: rootId, name: 'c.txt', onConflict: 'rename' },
			{ size: 4, data: two },
		);
		expect(renamed.name).toBe('c (1).txt');
		await chmod(join(base, 'c.txt'), 0o640);
		const replaced = await storage.upload(
			{ parentId: rootId, name: 'c.txt', replaceId: first.id },
			{ size: 4, data: two },
		);
		expect(replaced).toMatchObject({ name: 'c.txt', path: 'c.txt', size: 4 });
		expect((await stat(join(base, 'c.txt'))).mode & 0o777).toBe(0o640);
		expect(await readFile(join(base, 'c.txt'), 'utf8')).toBe('two!');
		// The atomic replace gives a new inode, so a new id: callers keep the id upload returns.
		expect(replaced.id).not.toBe(first.id);
		expect(await storage.getItem(first.id)).toBeUndefined();
	});

	test('changes: snapshots only, cursor bound to its folder', async () => {
		await mkdir(join(base, 'one'));
		await mkdir(join(base, 'two'));
		const one = await storage.resolveFolder({ mode: 'path', value: 'one' });
		const two = await storage.resolveFolder({ mode: 'path', value: 'two' });
		const cursor = await storage.latestCursor(one.id);
		expect(cursor.length).toBeLessThan(64);
		await writeFile(join(base, 'one', 'f.txt'), 'f');
		const batch = await storage.changes(one.id, cursor);
		expect(batch.snapshot).toBe(true);
		expect(batch.changes).toEqual([
			{ type: 'upsert', item: expect.objectContaining({ name: 'f.txt', path: 'f.txt' }) },
		]);
		expect(isCloudError(await failureOf(storage.changes(two.id, cursor)), 'cursorReset')).toBe(
			true,
		);
		expect(isCloudError(await failureOf(storage.changes(one.id, 'garbage')), 'cursorReset')).toBe(
			true,
		);
	});

	test('the base folder itself cannot be deleted or moved', async () => {
		expect(isCloudError(await failureOf(storage.delete(rootId)), 'permission')).toBe(true);
		expect(isCloudError(await failureOf(storage.move(rootId, { name: 'x' })), 'permission')).toBe(
			true,
		);
		await mkdir(join(base, 'f', 'g'), { recursive: true });
		const f = await storage.resolveFolder({ mode: 'path', value: 'f' });
		const g = await storage.resolveFolder({ mode: 'path', value: 'f/g' });
		expect(
			isCloudError(await failureOf(storage.move(f.id, { parentId: g.id })), 'invalidRequest'),
		).toBe(true);
	});

	test('download is a file stream; a vanished file is notFound naming the path', async () => {
		const data = Buffer.from('download me');
		const item = await storage.upload(
			{ parentId: rootId, name: 'd.txt' },
			{ size: data.length, data },
		);
		expect((await readAll(await storage.download(item.id))).equals(data)).toBe(true);
		await rm(join(base, 'd.txt'));
		const failure = await failureOf(storage.download(item.id));
		expect(isCloudError(failure, 'notFound')).toBe(true);
	});

	test.each([
		['ENOENT', 'notFound'],
		['EACCES', 'permission'],
		['EPERM', 'permission'],
		['ENOSPC', 'quota'],
		['EDQUOT', 'quota'],
		['EEXIST', 'conflict'],
		['EMFILE', 'transient'],
		['EWHATEVER', 'other'],
	])('fs error %s becomes CloudError %s naming the path', (code, reason) => {
		const error = localFsError(Object.assign(new Error('x'), { code }), 'reports/2024.pdf');
		expect(error.reason).toBe(reason);
		expect(error.message).toContain('reports/2024.pdf');
		expect(error.details.target).toBe('reports/2024.pdf');
		if (reason === 'quota') expect(error.hint).toMatch(/storage/);
	});

	if (process.getuid?.() !== 0) {
		test('an unreadable folder is a permission error, not an empty listing', async () => {
			await mkdir(join(base, 'locked'));
			await writeFile(join(base, 'locked', 'x.txt'), 'x');
			await chmod(join(base, 'locked'), 0o000);
			try {
				const failure = await failureOf(collect(storage.list(rootId, { recursive: true })));
				expect(isCloudError(failure, 'permission')).toBe(true);
				expect((failure as CloudError).message).toContain('locked');
			} finally {
				await chmod(join(base, 'locked'), 0o755);
			}
		});
	} else {
		test('as root, EACCES cannot be provoked on a real folder: the mapping is covered by the table above', () => {
			expect(localFsError(Object.assign(new Error('x'), { code: 'EACCES' }), 'locked').reason).toBe(
				'permission',
			);
		});
	}
});
