import { execFile, spawn, type ChildProcess } from 'child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'fs';
import { createServer, createConnection } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { promisify } from 'util';

/**
 * Local infrastructure for the queue-mode and browser runs: Debian packages installed on demand, Redis and
 * PostgreSQL started on loopback with throwaway data folders, and one registry of every child process so a
 * failing run still stops everything it started.
 */

const run = promisify(execFile);

/** A free TCP port on 127.0.0.1 (asked from the kernel, released right away). */
export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

/** Resolves once something accepts TCP connections on the port. */
export async function waitForPort(port: number, timeoutMs: number, what: string): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const open = await new Promise<boolean>((resolve) => {
			const socket = createConnection({ host: '127.0.0.1', port });
			socket.once('connect', () => {
				socket.destroy();
				resolve(true);
			});
			socket.once('error', () => resolve(false));
		});
		if (open) return;
		await new Promise((r) => setTimeout(r, 250));
	}
	throw new Error(`${what} did not listen on 127.0.0.1:${port} within ${timeoutMs / 1000} s`);
}

async function commandExists(command: string): Promise<boolean> {
	try {
		await run('sh', ['-c', `command -v ${command}`]);
		return true;
	} catch {
		return false;
	}
}

/** apt-get install the packages whose probe command is missing (needs root, as on the CI machines). */
export async function ensureDebianPackages(
	wanted: Array<{ pkg: string; present: () => Promise<boolean> | boolean }>,
): Promise<void> {
	const missing: string[] = [];
	for (const { pkg, present } of wanted) if (!(await present())) missing.push(pkg);
	if (missing.length === 0) return;
	if (process.getuid?.() !== 0)
		throw new Error(
			`missing Debian packages ${missing.join(' ')}: install them (apt-get needs root)`,
		);
	console.log(`installing Debian packages: ${missing.join(' ')}`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	await run('apt-get', ['update', '-qq'], {
		env,
		maxBuffer: 64 * 1024 * 1024,
		timeout: 15 * 60 * 1000,
	});
	await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
		env,
		maxBuffer: 64 * 1024 * 1024,
		timeout: 30 * 60 * 1000,
	});
}

export const hasCommand = (command: string) => () => commandExists(command);

/** The bin folder of the newest PostgreSQL major Debian installed (/usr/lib/postgresql/<major>/bin). */
export function postgresBinDir(): string | undefined {
	const root = '/usr/lib/postgresql';
	if (!existsSync(root)) return undefined;
	const majors = readdirSync(root)
		.filter((name) => existsSync(join(root, name, 'bin', 'postgres')))
		.sort((a, b) => Number(b) - Number(a));
	return majors.length ? join(root, majors[0], 'bin') : undefined;
}

/** Every process started through here, stopped by stopAll() (also on Ctrl-C; killed outright on exit). */
const children = new Set<ChildProcess>();
const cleanups: Array<() => unknown> = [];

export function track(child: ChildProcess): ChildProcess {
	children.add(child);
	onCleanup(() => stopProcess(child));
	child.once('exit', () => children.delete(child));
	return child;
}

/** Run by stopAll(), last registered first, each awaited (a server's stop must finish before the script exits). */
export function onCleanup(cleanup: () => unknown): void {
	cleanups.push(cleanup);
}

export async function stopProcess(child: ChildProcess, graceMs = 15_000): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	await new Promise<void>((resolve) => {
		const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
		child.once('exit', () => {
			clearTimeout(timer);
			resolve();
		});
		child.kill('SIGTERM');
	});
}

/** Undo everything in reverse order of setup: workers before the main process, n8n before its database. */
export async function stopAll(): Promise<void> {
	while (cleanups.length) {
		try {
			await cleanups.pop()!();
		} catch {
			// best effort: a temp folder that is already gone
		}
	}
}

let exitHooked = false;
/** Stop every tracked process when the script ends, however it ends. */
export function stopAllOnExit(): void {
	if (exitHooked) return;
	exitHooked = true;
	process.on('exit', () => {
		for (const child of children) child.kill('SIGKILL');
	});
	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		process.once(signal, () => {
			console.log(`\n${signal}: stopping everything`);
			stopAll().finally(() => process.exit(130));
		});
	}
}

/** Keep the last lines a process printed, to explain a failure without flooding the output. */
export function tail(child: ChildProcess, lines = 60): () => string {
	const kept: string[] = [];
	const keep = (chunk: Buffer) => {
		kept.push(...chunk.toString().split('\n'));
		if (kept.length > lines) kept.splice(0, kept.length - lines);
	};
	child.stdout?.on('data', keep);
	child.stderr?.on('data', keep);
	return () => kept.join('\n');
}

export interface RunningRedis {
	port: number;
	stop(): Promise<void>;
}

export async function startRedis(): Promise<RunningRedis> {
	const dir = mkdtempSync(join(tmpdir(), 'cloud-sync-redis-'));
	onCleanup(() => rmSync(dir, { recursive: true, force: true }));
	const port = await freePort();
	const child = track(
		spawn(
			'redis-server',
			[
				'--port',
				String(port),
				'--bind',
				'127.0.0.1',
				'--dir',
				dir,
				'--save',
				'',
				'--appendonly',
				'no',
				'--daemonize',
				'no',
			],
			{
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		),
	);
	const output = tail(child);
	try {
		await waitForPort(port, 30_000, 'redis-server');
	} catch (error) {
		await stopProcess(child);
		throw new Error(`${(error as Error).message}\n${output()}`);
	}
	return { port, stop: () => stopProcess(child) };
}

export interface RunningPostgres {
	port: number;
	user: string;
	password: string;
	database: string;
	stop(): Promise<void>;
}

/**
 * A throwaway PostgreSQL cluster: initdb into a temp folder owned by the postgres user (the server refuses to
 * run as root), trust authentication on loopback only, one database for n8n.
 */
export async function startPostgres(database = 'n8n'): Promise<RunningPostgres> {
	const bin = postgresBinDir();
	if (!bin) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql');
	const dir = mkdtempSync(join(tmpdir(), 'cloud-sync-pg-'));
	onCleanup(() => rmSync(dir, { recursive: true, force: true }));
	const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
	const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
	chownSync(dir, uid, gid);
	// As the postgres user (spawn's uid/gid), with an environment of its own: root's HOME is not readable to it.
	const asPostgres = {
		uid,
		gid,
		cwd: dir,
		env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, LANG: 'C.UTF-8' },
	};
	const dataDir = join(dir, 'data');
	await run(
		join(bin, 'initdb'),
		['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'],
		{ ...asPostgres, maxBuffer: 16 * 1024 * 1024 },
	);
	const port = await freePort();
	const child = track(
		spawn(
			join(bin, 'postgres'),
			[
				'-D',
				dataDir,
				'-p',
				String(port),
				'-h',
				'127.0.0.1',
				'-k',
				dir,
				'-c',
				'fsync=off',
				'-c',
				'max_connections=200',
			],
			{
				...asPostgres,
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		),
	);
	const output = tail(child);
	try {
		await waitForPort(port, 60_000, 'postgres');
		await run(
			join(bin, 'createdb'),
			['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', database],
			asPostgres,
		);
	} catch (error) {
		await stopProcess(child);
		throw new Error(`${(error as Error).message}\n${output()}`);
	}
	return {
		port,
		user: 'postgres',
		password: 'unused-trust-auth',
		database,
		stop: () => stopProcess(child),
	};
}
