import { mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, writeFile } from 'fs/promises';
import { homedir, tmpdir } from 'os';
import { join } from 'path';
import { isCloudError } from '../../nodes/shared/types/cloudError';
import { LocalFolderStorage, type LocalPathGuard } from '../../nodes/shared/storage/localFolder';
import {
	blockPattern,
	N8N_DEFAULT_BLOCK_PATTERNS,
	n8nFileAccessRules,
} from '../../nodes/shared/storage/localFolder/access';
import { MAX_PATH_DEPTH } from '../../nodes/shared/storage/localFolder/jail';
import { collect, readAll } from './support';

/**
 * Issue 18, points 2 and 3 at the provider level: n8n's file-access rules in linear time (a deep tree or template
 * cannot stall n8n), and no parent folder swapped for a symbolic link between the check and the use can make the
 * local folder read or write outside its base.
 */

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
	return promise.then(
		() => undefined,
		(error: unknown) => error,
	);
}

/** n8n's own check as n8n 2.x runs it: its exponential default pattern, plus the linear rules for paths below the base. */
function n8nLikeGuard(allowed: string): LocalPathGuard {
	const n8nPattern = new RegExp(N8N_DEFAULT_BLOCK_PATTERNS, 'mi');
	const guard: LocalPathGuard = (path) => path.startsWith(allowed) && !n8nPattern.test(path);
	guard.rulesBelowBase = n8nFileAccessRules({ N8N_RESTRICT_FILE_ACCESS_TO: allowed });
	return guard;
}

describe("n8n's file-access rules in linear time", () => {
	test("the default pattern's linear form agrees with n8n's regex on every short path", () => {
		const n8n = new RegExp(N8N_DEFAULT_BLOCK_PATTERNS, 'mi');
		const linear = blockPattern(N8N_DEFAULT_BLOCK_PATTERNS);
		const parts = ['a', '.git', '.gitx', 'x.git', '.GIT', ''];
		let compared = 0;
		const build = (depth: number, prefix: string): void => {
			if (depth === 0) return;
			for (const part of parts) {
				const path = `${prefix}/${part}`;
				expect([path, linear(path)]).toEqual([path, n8n.test(path)]);
				compared++;
				build(depth - 1, path);
			}
		};
		build(4, '');
		expect(compared).toBeGreaterThan(1000);
	});

	test('a custom pattern of the same exponential shape keeps its meaning and runs in linear time', () => {
		const source = '^(.*\\/)*secrets(\\/.*)*$';
		const n8n = new RegExp(source, 'mi');
		const linear = blockPattern(source);
		for (const path of ['/a/secrets', '/a/secrets/b', '/secretsx/a', '/a/b/c', '/x/SECRETS'])
			expect(linear(path)).toBe(n8n.test(path));
		const deep = `/${'a/'.repeat(64)}file`;
		const started = performance.now();
		expect(linear(deep)).toBe(false);
		expect(performance.now() - started).toBeLessThan(50);
		expect(blockPattern('([')('/anything')).toBe(true); // does not compile: blocks, as in n8n
	});

	test("allowed folders, n8n's own folder and the patterns, as n8n applies them", () => {
		const rules = n8nFileAccessRules({ N8N_RESTRICT_FILE_ACCESS_TO: '/data;~/exports' });
		expect(rules.isBlocked('/data/in/a.pdf')).toBe(false);
		expect(rules.isBlocked(join(homedir(), 'exports', 'a.pdf'))).toBe(false);
		expect(rules.isBlocked('/database/a.pdf')).toBe(true);
		expect(rules.isBlocked('/data/project/.git/config')).toBe(true);
		const open = n8nFileAccessRules({ N8N_RESTRICT_FILE_ACCESS_TO: '' });
		expect(open.isBlocked(join(homedir(), '.n8n', 'config'))).toBe(true);
		expect(
			n8nFileAccessRules({
				N8N_RESTRICT_FILE_ACCESS_TO: '',
				N8N_BLOCK_FILE_ACCESS_TO_N8N_FILES: 'false',
			}).isBlocked(join(homedir(), '.n8n', 'config')),
		).toBe(false);
		expect(
			n8nFileAccessRules({
				N8N_RESTRICT_FILE_ACCESS_TO: '',
				N8N_BLOCK_FILE_PATTERNS: '\\.env$',
			}).isBlocked('/srv/app/.env'),
		).toBe(true);
		// n8n 2.x without the variable: only ~/.n8n-files.
		expect(n8nFileAccessRules({}).isBlocked('/srv/a.pdf')).toBe(true);
		expect(n8nFileAccessRules({}, '').isBlocked('/srv/a.pdf')).toBe(false);
	});

	describe('deep trees and templates', () => {
		let dir: string;
		let base: string;
		beforeEach(async () => {
			dir = await mkdtemp(join(tmpdir(), 'cloudsync-deep-'));
			base = join(dir, 'base');
			await mkdir(base);
		});
		afterEach(async () => {
			await rm(dir, { recursive: true, force: true });
		});

		test('a 64-level tree lists, and a 64-level path is created and written, in linear time', async () => {
			const deep = Array.from({ length: 64 }, () => 'a');
			await mkdir(join(base, ...deep), { recursive: true });
			await writeFile(join(base, ...deep, 'deep.pdf'), 'deep');
			const storage = new LocalFolderStorage(base, { guard: n8nLikeGuard(dir) });
			const root = await storage.root();
			let started = performance.now();
			const listed = await collect(storage.list(root.id, { recursive: true }));
			const listMs = performance.now() - started;
			expect(listed).toHaveLength(65);
			started = performance.now();
			let parent = root.id;
			for (let level = 0; level < 64; level++)
				parent = (await storage.createFolder(parent, `t${level}`)).id;
			const data = Buffer.from('templated');
			const written = await storage.upload(
				{ parentId: parent, name: 'doc.pdf' },
				{ size: data.length, data },
			);
			const writeMs = performance.now() - started;
			expect(written.path).toBe(
				`${Array.from({ length: 64 }, (_, level) => `t${level}`).join('/')}/doc.pdf`,
			);
			// Loose bounds a loaded machine cannot fail; the old exponential check doubled per level (22 s at 23).
			expect(listMs).toBeLessThan(10_000);
			expect(writeMs).toBeLessThan(10_000);
			console.log(
				`64-level tree listed in ${listMs.toFixed(0)} ms; 64 nested folders + 1 file written in ${writeMs.toFixed(0)} ms`,
			);
		});

		test(`deeper than ${MAX_PATH_DEPTH} levels: the scan stops with an error naming the folder and what to do`, async () => {
			const deep = Array.from({ length: MAX_PATH_DEPTH + 2 }, () => 'd');
			await mkdir(join(base, ...deep), { recursive: true });
			const storage = new LocalFolderStorage(base, { guard: n8nLikeGuard(dir) });
			const failure = await failureOf(
				collect(storage.list((await storage.root()).id, { recursive: true })),
			);
			expect(isCloudError(failure, 'invalidRequest')).toBe(true);
			expect(String((failure as Error).message)).toMatch(/d\/d\/d.*more than 128 folders deep/);
			expect((failure as { hint?: string }).hint).toMatch(/fewer than 128/);
		});
	});
});

describe('no symbolic-link races: a parent folder swapped between check and use', () => {
	let dir: string;
	let base: string;
	let outside: string;
	/** Swaps base/inbox for a link to the outside folder once the guard has approved `trigger` (the check). */
	let trigger: { path: string; access: 'read' | 'write'; skip?: number } | undefined;
	let swaps = 0;
	let storage: LocalFolderStorage;

	const guard: LocalPathGuard = async (path, access) => {
		if (trigger && path.endsWith(trigger.path) && access === trigger.access) {
			if (trigger.skip) {
				trigger.skip--;
				return true;
			}
			trigger = undefined;
			await rename(join(base, 'inbox'), join(base, 'inbox-moved'));
			await symlink(outside, join(base, 'inbox'));
			swaps++;
		}
		return true;
	};

	beforeEach(async () => {
		dir = await mkdtemp(join(tmpdir(), 'cloudsync-race-'));
		base = join(dir, 'base');
		outside = join(dir, 'outside');
		await mkdir(join(base, 'inbox'), { recursive: true });
		await mkdir(outside);
		await writeFile(join(outside, 'secret.pdf'), 'outside secret');
		await writeFile(join(base, 'inbox', 'secret.pdf'), 'inside');
		swaps = 0;
		storage = new LocalFolderStorage(base, { guard });
	});
	afterEach(async () => {
		await rm(dir, { recursive: true, force: true });
	});

	const inbox = async () => (await storage.resolveFolder({ mode: 'path', value: 'inbox' })).id;
	const secretId = async () =>
		(await collect(storage.list(await inbox()))).find((item) => item.name === 'secret.pdf')!.id;
	/** The outside folder holds exactly what it held, and nothing of it came into the base. */
	const outsideUntouched = async () => {
		expect(swaps).toBe(1);
		expect((await readdir(outside)).sort()).toEqual(['secret.pdf']);
		expect(await readFile(join(outside, 'secret.pdf'), 'utf8')).toBe('outside secret');
		const inBase = await collect(storage.list((await storage.root()).id, { recursive: true }));
		for (const item of inBase.filter((entry) => !entry.isFolder)) {
			expect(
				await storage
					.download(item.id)
					.then(readAll)
					.then((bytes) => bytes.toString()),
			).not.toBe('outside secret');
		}
	};

	test('a read returns the file that was checked, never one outside the base', async () => {
		const id = await secretId();
		// The last read check before the file is opened (locating the item checked it once already).
		trigger = { path: 'inbox/secret.pdf', access: 'read', skip: 1 };
		const outcome = await storage
			.download(id)
			.then(readAll)
			.then(
				(bytes) => bytes.toString(),
				(error: unknown) => error,
			);
		expect(outcome).not.toBe('outside secret');
		await outsideUntouched();
	});

	test('a listing never reports the hash of a file outside the base', async () => {
		const { hashBuffer } = await import('../../nodes/shared/hashes');
		const parent = await inbox();
		// The scan's own check of the entry; the hash is computed right after it.
		trigger = { path: 'inbox/secret.pdf', access: 'read' };
		const listed = await collect(storage.list(parent)).then(
			(items) => items.map((item) => item.hash),
			() => [] as Array<string | undefined>,
		);
		expect(listed).not.toContainEqual(hashBuffer('sha256', Buffer.from('outside secret')));
		await outsideUntouched();
	});

	test('a new file is not written outside the base', async () => {
		const parent = await inbox();
		trigger = { path: 'inbox/new.pdf', access: 'write' };
		await failureOf(
			storage.upload({ parentId: parent, name: 'new.pdf' }, { size: 3, data: Buffer.from('new') }),
		);
		await outsideUntouched();
	});

	test('a replacement does not overwrite a file outside the base', async () => {
		const parent = await inbox();
		trigger = { path: 'inbox/secret.pdf', access: 'write' };
		await failureOf(
			storage.upload(
				{ parentId: parent, name: 'secret.pdf', onConflict: 'replace' },
				{ size: 3, data: Buffer.from('new') },
			),
		);
		await outsideUntouched();
	});

	test('a new folder is not created outside the base', async () => {
		const parent = await inbox();
		trigger = { path: 'inbox/made', access: 'write' };
		await failureOf(storage.createFolder(parent, 'made'));
		await outsideUntouched();
	});

	test('a delete does not delete a file outside the base', async () => {
		const id = await secretId();
		trigger = { path: 'inbox/secret.pdf', access: 'write' };
		await failureOf(storage.delete(id));
		await outsideUntouched();
	});

	test('a move does not pull a file from outside into the base', async () => {
		const id = await secretId();
		trigger = { path: 'inbox/secret.pdf', access: 'write' };
		await failureOf(storage.move(id, { parentId: (await storage.root()).id, name: 'moved.pdf' }));
		await outsideUntouched();
	});
});
