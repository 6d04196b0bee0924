import { randomBytes } from 'crypto';
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'fs';
import { request } from 'https';
import { join } from 'path';
import type { FakesOnHosts } from '../bench/peers/fakesOnHosts';
import type { LoggedRequest } from '../fakes/common/server';
import type { CloudUnderTest } from './clouds';
import type { Rclone, RcloneResult } from './rclone';

/** One operation of the fixed script, as the table reports it. */
export interface StepResult {
	cloud: string;
	step: string;
	outcome: 'ok' | 'FAIL' | 'not offered';
	detail: string;
	/** Requests the fakes refused (4xx/5xx) while the step ran: what an independent client found. */
	refused: string[];
}

interface Context {
	cloud: CloudUnderTest;
	rclone: Rclone;
	fakes: FakesOnHosts;
	caFile: string;
	local: { dir: string; small: string; small2: string; big: string; upload: string };
	remote: (path: string) => string;
	remembered: Record<string, string>;
}

type Step = { name: string; run: (ctx: Context) => Promise<string | { notOffered: string }> };

const BIG_BYTES = 30 * 1024 * 1024;
const RANGE = { offset: 12_345, count: 100_000 };
/** The uploaded files' modification time: rclone carries it to each cloud (Drive modifiedTime, Graph fileSystemInfo, Dropbox client_modified). */
const LOCAL_MTIME = new Date('2019-03-01T09:00:00Z');

/** Local files the script uploads, made once (random bytes: no hash collides by accident). */
export function makeLocalFiles(dir: string): Context['local'] {
	const upload = join(dir, 'upload');
	mkdirSync(upload, { recursive: true });
	const small = join(upload, 'small.txt');
	const big = join(upload, 'big.bin');
	const small2 = join(dir, 'small-v2.txt');
	writeFileSync(small, `first version ${randomBytes(600).toString('hex')}\n`);
	writeFileSync(small2, `second version, longer ${randomBytes(900).toString('hex')}\n`);
	writeFileSync(big, randomBytes(BIG_BYTES));
	for (const file of [small, big, small2]) utimesSync(file, LOCAL_MTIME, LOCAL_MTIME);
	return { dir, small, small2, big, upload };
}

function must(result: RcloneResult, what: string): string {
	if (result.code !== 0) {
		const lines = result.stderr.split('\n').filter((line) => /ERROR|Failed|error/i.test(line));
		throw new Error(
			`${what}: rclone exited ${result.code}: ${(lines.slice(-2).join(' | ') || result.stderr.slice(-300)).trim()}`,
		);
	}
	return result.stdout;
}

function expect(condition: boolean, message: string): void {
	if (!condition) throw new Error(message);
}

async function sameBytes(ctx: Context, path: string, localFile: string): Promise<void> {
	const stored = await ctx.cloud.read(path);
	expect(stored !== undefined, `the fake holds nothing at ${path}`);
	expect(
		Buffer.compare(stored!, readFileSync(localFile)) === 0,
		`the fake's bytes at ${path} differ from the uploaded file (${stored!.length} vs ${readFileSync(localFile).length} bytes)`,
	);
}

function entryOf(ctx: Context, path: string) {
	const entry = ctx.cloud.entry(path);
	if (!entry) throw new Error(`the fake holds nothing at ${path}`);
	return entry;
}

/** POST to a fake's control API over TLS on its real host name (the suite runs inside the namespace). */
function control(ctx: Context, action: string, body: unknown): Promise<void> {
	return new Promise((resolve, reject) => {
		const req = request(
			`${ctx.cloud.controlBase}/_control/${action}`,
			{
				method: 'POST',
				ca: readFileSync(ctx.caFile),
				headers: { 'content-type': 'application/json' },
			},
			(res) => {
				res.resume();
				res.on('end', () =>
					res.statusCode === 200
						? resolve()
						: reject(new Error(`control ${action}: HTTP ${res.statusCode}`)),
				);
			},
		);
		req.on('error', reject);
		req.end(JSON.stringify(body));
	});
}

function parseHashsum(text: string): Map<string, string> {
	const sums = new Map<string, string>();
	for (const line of text.split('\n')) {
		const match = /^(\S+)\s+(.+)$/.exec(line.trim());
		if (match) sums.set(match[2], match[1].toLowerCase());
	}
	return sums;
}

const STEPS: Step[] = [
	{
		name: 'list (root)',
		run: async (ctx) => {
			const listed = JSON.parse(
				must(await ctx.rclone.run(['lsjson', ctx.remote('')]), 'lsjson'),
			) as unknown[];
			expect(Array.isArray(listed), 'lsjson did not answer a list');
			return `${listed.length} entries`;
		},
	},
	{
		name: 'mkdir',
		run: async (ctx) => {
			must(await ctx.rclone.run(['mkdir', ctx.remote('suite/a')]), 'mkdir');
			expect(entryOf(ctx, 'suite/a').folder, 'suite/a is not a folder in the fake');
			return 'suite/a is a folder in the fake';
		},
	},
	{
		name: 'small upload',
		run: async (ctx) => {
			must(
				await ctx.rclone.run(['copyto', ctx.local.small, ctx.remote('suite/a/small.txt')]),
				'copyto',
			);
			await sameBytes(ctx, 'suite/a/small.txt', ctx.local.small);
			ctx.remembered.smallId = entryOf(ctx, 'suite/a/small.txt').id;
			return 'bytes equal in the fake';
		},
	},
	{
		name: 'chunked upload (30 MiB)',
		run: async (ctx) => {
			const since = ctx.fakes.all.map((fake) => fake.mark());
			must(
				await ctx.rclone.run(
					['copyto', ...ctx.cloud.chunkFlags, ctx.local.big, ctx.remote('suite/a/big.bin')],
					{ timeoutMs: 240_000 },
				),
				'copyto',
			);
			await sameBytes(ctx, 'suite/a/big.bin', ctx.local.big);
			const chunks = ctx.fakes.all
				.flatMap((fake, i) => fake.requests({ since: since[i] }))
				.filter((r) => r.bytesIn >= 1024 * 1024 && r.status < 400).length;
			expect(
				chunks >= 3,
				`expected a chunked upload, saw ${chunks} request(s) carrying over 1 MiB`,
			);
			return `${chunks} chunks; bytes equal in the fake`;
		},
	},
	{
		name: 'list (recursive)',
		run: async (ctx) => {
			// From the remote's root, as `rclone ls remote:` does (rclone names folders below the root as Dropbox "//a").
			const everything = JSON.parse(
				must(await ctx.rclone.run(['lsjson', '-R', ctx.remote('')]), 'lsjson'),
			) as Array<{ Path: string; Size: number; IsDir: boolean; ModTime: string }>;
			const listed = everything
				.filter((entry) => entry.Path.startsWith('suite/'))
				.map((entry) => ({ ...entry, Path: entry.Path.slice('suite/'.length) }));
			const paths = listed.map((entry) => entry.Path).sort();
			expect(
				JSON.stringify(paths) === JSON.stringify(['a', 'a/big.bin', 'a/small.txt']),
				`rclone lists ${paths.join(', ')}`,
			);
			for (const entry of listed) {
				const stored = entryOf(ctx, `suite/${entry.Path}`);
				expect(stored.folder === entry.IsDir, `${entry.Path}: folder in one, file in the other`);
				if (entry.IsDir) continue;
				expect(
					stored.size === entry.Size,
					`${entry.Path}: rclone lists ${entry.Size} bytes, the fake holds ${stored.size}`,
				);
				// The time rclone sent with the upload came back: the fake kept it rather than dropping it.
				const drift = Math.abs(Date.parse(entry.ModTime) - LOCAL_MTIME.getTime());
				expect(
					drift < 1000,
					`${entry.Path}: modification time ${entry.ModTime}, uploaded with ${LOCAL_MTIME.toISOString()}`,
				);
			}
			return `${listed.length} entries; sizes and modification times agree with the fake`;
		},
	},
	{
		name: 'hashes (hashsum, check)',
		run: async (ctx) => {
			const agreed: string[] = [];
			for (const hash of ctx.cloud.hashes) {
				const remote = parseHashsum(
					must(await ctx.rclone.run(['hashsum', hash, ctx.remote('suite/a')]), `hashsum ${hash}`),
				);
				const local = parseHashsum(
					must(
						await ctx.rclone.run(['hashsum', hash, ctx.local.upload]),
						`hashsum ${hash} (local)`,
					),
				);
				for (const name of ['small.txt', 'big.bin']) {
					const stored = entryOf(ctx, `suite/a/${name}`).hashes[hash];
					expect(!!remote.get(name), `rclone got no ${hash} for ${name} from the fake`);
					expect(
						remote.get(name) === local.get(name),
						`${hash} of ${name}: the fake says ${remote.get(name)}, rclone computes ${local.get(name)}`,
					);
					expect(
						stored?.toLowerCase() === local.get(name),
						`${hash} of ${name}: the fake stores ${stored}, rclone computes ${local.get(name)}`,
					);
				}
				agreed.push(hash);
			}
			must(await ctx.rclone.run(['check', ctx.local.upload, ctx.remote('suite/a')]), 'check');
			return `${agreed.join(', ')} agree; rclone check passes`;
		},
	},
	{
		name: 'download and compare',
		run: async (ctx) => {
			const target = join(ctx.local.dir, `${ctx.cloud.remote}-big.down`);
			must(
				await ctx.rclone.run(['copyto', ctx.remote('suite/a/big.bin'), target], {
					timeoutMs: 240_000,
				}),
				'copyto',
			);
			expect(
				Buffer.compare(readFileSync(target), readFileSync(ctx.local.big)) === 0,
				'downloaded bytes differ',
			);
			return '30 MiB equal';
		},
	},
	{
		name: 'ranged read',
		run: async (ctx) => {
			const since = ctx.fakes.all.map((fake) => fake.mark());
			const result = await ctx.rclone.start([
				'cat',
				'--offset',
				String(RANGE.offset),
				'--count',
				String(RANGE.count),
				ctx.remote('suite/a/big.bin'),
			]).done;
			must(result, 'cat');
			const got = result.stdoutBytes;
			const wanted = readFileSync(ctx.local.big).subarray(RANGE.offset, RANGE.offset + RANGE.count);
			expect(
				Buffer.compare(got, wanted) === 0,
				`rclone cat --offset ${RANGE.offset} --count ${RANGE.count} gave ${got.length} bytes that differ from the file's`,
			);
			const ranged = ctx.fakes.all
				.flatMap((fake, i) => fake.requests({ since: since[i] }))
				.filter((r) => r.status === 206).length;
			expect(ranged > 0, 'no 206 answer: the range was not asked of the fake');
			return `206 served; ${got.length} bytes equal the slice`;
		},
	},
	{
		name: 'move',
		run: async (ctx) => {
			must(
				await ctx.rclone.run([
					'moveto',
					ctx.remote('suite/a/small.txt'),
					ctx.remote('suite/b/small.txt'),
				]),
				'moveto',
			);
			expect(!ctx.cloud.entry('suite/a/small.txt'), 'still at the old path in the fake');
			expect(
				entryOf(ctx, 'suite/b/small.txt').id === ctx.remembered.smallId,
				'moved by copying (a new id), not by a server-side move',
			);
			return 'same item, new folder';
		},
	},
	{
		name: 'rename',
		run: async (ctx) => {
			must(
				await ctx.rclone.run([
					'moveto',
					ctx.remote('suite/b/small.txt'),
					ctx.remote('suite/b/renamed.txt'),
				]),
				'moveto',
			);
			expect(!ctx.cloud.entry('suite/b/small.txt'), 'the old name is still in the fake');
			expect(
				entryOf(ctx, 'suite/b/renamed.txt').id === ctx.remembered.smallId,
				'renamed by copying (a new id)',
			);
			return 'same item, new name';
		},
	},
	{
		name: 'overwrite',
		run: async (ctx) => {
			must(
				await ctx.rclone.run(['copyto', ctx.local.small2, ctx.remote('suite/b/renamed.txt')]),
				'copyto',
			);
			await sameBytes(ctx, 'suite/b/renamed.txt', ctx.local.small2);
			const names = ctx.cloud.childNames('suite/b').filter((name) => name === 'renamed.txt');
			expect(names.length === 1, `${names.length} files named renamed.txt in the fake`);
			return 'new bytes, one file of that name';
		},
	},
	{
		name: 'token refresh',
		run: async (ctx) => {
			const before = ctx.fakes.auth.refreshCount;
			const oldToken = ctx.rclone.token(ctx.cloud.remote).access_token;
			// The hour passes on both sides: the fake refuses the token, rclone's copy says it has expired.
			await control(ctx, 'expire-tokens', { token: oldToken });
			ctx.rclone.ageToken(ctx.cloud.remote);
			const listed = must(await ctx.rclone.run(['lsf', ctx.remote('suite/b')]), 'lsf');
			expect(listed.includes('renamed.txt'), 'the listing after the refresh misses renamed.txt');
			expect(
				ctx.fakes.auth.refreshCount > before,
				'rclone did not refresh at the fake token endpoint',
			);
			expect(
				ctx.rclone.token(ctx.cloud.remote).access_token !== oldToken,
				'rclone kept the expired token',
			);
			return 'refreshed at the fake endpoint, listing works';
		},
	},
	{
		name: 'change polling',
		run: async (ctx) => {
			const features = JSON.parse(
				must(await ctx.rclone.run(['backend', 'features', ctx.remote('')]), 'features'),
			) as { Features: Record<string, boolean> };
			if (!features.Features.ChangeNotify)
				return { notOffered: 'rclone has no change notification for this backend' };
			let output = '';
			let notify: (() => void) | undefined;
			const seen = new Promise<void>((resolve) => (notify = resolve));
			const watcher = ctx.rclone.start(
				['test', 'changenotify', '--poll-interval', '1s', ctx.remote(ctx.cloud.changeRoot)],
				{
					timeoutMs: 60_000,
					onOutput: (text) => {
						output += text;
						if (output.includes('from-user.txt')) notify!();
					},
				},
			);
			await new Promise((resolve) => setTimeout(resolve, 4000));
			await ctx.cloud.userCreate('suite/b/from-user.txt', Buffer.from('made in the web UI'));
			const timeout = new Promise<'timeout'>((resolve) =>
				setTimeout(() => resolve('timeout'), 20_000),
			);
			const outcome = await Promise.race([seen.then(() => 'seen' as const), timeout]);
			watcher.stop();
			await watcher.done;
			expect(
				outcome === 'seen',
				`rclone reported no change for suite/b/from-user.txt within 20 s: ${output.split('\n').slice(-3).join(' | ')}`,
			);
			return "the user's new file was reported";
		},
	},
	{
		name: 'delete',
		run: async (ctx) => {
			must(await ctx.rclone.run(['deletefile', ctx.remote('suite/b/renamed.txt')]), 'deletefile');
			expect(!ctx.cloud.entry('suite/b/renamed.txt'), 'still in the fake');
			if (ctx.cloud.entry('suite/b/from-user.txt'))
				must(
					await ctx.rclone.run(['deletefile', ctx.remote('suite/b/from-user.txt')]),
					'deletefile',
				);
			return 'gone from the fake';
		},
	},
	{
		name: 'rmdir',
		run: async (ctx) => {
			must(await ctx.rclone.run(['rmdir', ctx.remote('suite/b')]), 'rmdir');
			expect(!ctx.cloud.entry('suite/b'), 'the folder is still in the fake');
			return 'folder gone from the fake';
		},
	},
	{
		name: 'purge',
		run: async (ctx) => {
			must(await ctx.rclone.run(['purge', ctx.remote('suite')]), 'purge');
			expect(!ctx.cloud.entry('suite'), 'suite is still in the fake');
			expect(!ctx.cloud.entry('suite/a/big.bin'), 'suite/a/big.bin is still in the fake');
			return 'tree gone from the fake';
		},
	},
];

const describe = (r: LoggedRequest) =>
	`${r.method} ${r.path}${r.query ? `?${r.query.slice(0, 80)}` : ''} -> ${r.status}`;

/** Run the whole script against one cloud; a failed step is reported and the next steps still run. */
export async function runScript(
	cloud: CloudUnderTest,
	rclone: Rclone,
	fakes: FakesOnHosts,
	caFile: string,
	local: Context['local'],
): Promise<StepResult[]> {
	const ctx: Context = {
		cloud,
		rclone,
		fakes,
		caFile,
		local,
		remote: (path) => `${cloud.remote}:${path}`,
		remembered: {},
	};
	const results: StepResult[] = [];
	for (const step of STEPS) {
		const since = fakes.all.map((fake) => fake.mark());
		let outcome: StepResult['outcome'] = 'ok';
		let detail: string;
		try {
			const said = await step.run(ctx);
			if (typeof said === 'string') detail = said;
			else {
				outcome = 'not offered';
				detail = said.notOffered;
			}
		} catch (error) {
			outcome = 'FAIL';
			detail = (error as Error).message;
		}
		const refused = fakes.all
			.flatMap((fake, i) => fake.requests({ since: since[i] }))
			.filter((r) => r.status >= 400)
			.map(describe);
		// A lookup before a create may meet 404 (Graph) or 409 not_found (Dropbox); a 400 or a 501 means the fake
		// refused or did not model what rclone sent, which the real service takes: the step fails even if rclone
		// found a way round it.
		const deviations = fakes.all
			.flatMap((fake, i) => fake.requests({ since: since[i] }))
			.filter((r) => r.status === 400 || r.status === 501)
			.map(describe);
		if (deviations.length && outcome !== 'FAIL') {
			outcome = 'FAIL';
			detail = `the fakes refused or did not model: ${deviations.slice(0, 3).join(', ')}`;
		}
		results.push({ cloud: cloud.name, step: step.name, outcome, detail, refused });
		process.stdout.write(
			`  ${cloud.name.padEnd(17)} ${step.name.padEnd(24)} ${outcome.padEnd(11)} ${detail}\n`,
		);
	}
	return results;
}
