import { spawn, type ChildProcess } from 'child_process';
import { execFile } from 'child_process';
import { strict as assert } from 'assert';
import { cpSync, rmSync } from 'fs';
import { join } from 'path';
import { promisify } from 'util';
import { startFakes, type RunningFakes } from '../fakes/cli';
import type { TreeNode } from '../fakes/drive/fakeDrive';
import { installN8n, N8nInstance, N8N_VERSIONS, packPackage } from './n8nInstance';
import {
	ensureDebianPackages,
	freePort,
	hasCommand,
	onCleanup,
	postgresBinDir,
	startPostgres,
	startRedis,
	stopAll,
	stopAllOnExit,
	stopProcess,
	tail,
	track,
	type RunningPostgres,
} from './services';
import { accountingPipeline, fakeCredentials } from './workflows';

/**
 * `npm run test:queue`: the accounting pipeline (Webhook -> Collect New Files from Dropbox -> Export to Folder
 * on Google Drive) in n8n's queue mode: Redis, PostgreSQL, one main process and two workers, each with its own
 * user folder holding this package. The production webhook is fired in bursts while clients keep dropping
 * receipts, so executions overlap on both workers; afterwards every receipt must be in Drive exactly once.
 * QUEUE_N8N=v1|v2 picks one n8n version (default both); QUEUE_RUNS sets the number of webhook calls (20).
 */

const exec = promisify(execFile);
const RUNS = Number(process.env.QUEUE_RUNS ?? 20);
const SEEDED = 30;
const WORKERS = 2;

interface VersionResult {
	version: string;
	documents: number;
	exported: number;
	duplicated: string[];
	lost: string[];
	accountingFolders: number;
	httpStatuses: Record<string, number>;
	executions: Record<string, number>;
	jobsPerWorker: number[];
	seconds: { setup: number; burst: number; total: number };
}

function receiptPath(i: number): string {
	return `/Receipts/receipt-${String(i).padStart(3, '0')}.pdf`;
}

/** Names of the files below a fake-Drive tree, wherever they are, and how many folders have the given name. */
function walk(tree: TreeNode, files: string[] = [], folders: string[] = []): { files: string[]; folders: string[] } {
	if (!tree.folder) {
		if (!tree.trashed) files.push(tree.name);
		return { files, folders };
	}
	if (!tree.trashed) folders.push(tree.name);
	for (const child of tree.children ?? []) walk(child, files, folders);
	return { files, folders };
}

/** Environment shared by main, workers and CLI calls: one database, one queue (N8nInstance.env() gives all one encryption key). */
function queueEnvironment(redisPort: number, pg: RunningPostgres, prefix: string): Record<string, string> {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redisPort),
		QUEUE_BULL_PREFIX: prefix,
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(pg.port),
		DB_POSTGRESDB_DATABASE: pg.database,
		DB_POSTGRESDB_USER: pg.user,
		DB_POSTGRESDB_PASSWORD: pg.password,
		// Keep every execution row, so the run's outcome can be read back from the database.
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
		N8N_LOG_LEVEL: 'info',
	};
}

async function startWorker(instance: N8nInstance, index: number, env: Record<string, string>): Promise<{ child: ChildProcess; jobs: () => number; output: () => string }> {
	const healthPort = await freePort();
	const child = track(
		spawn('node', [instance.n8nBin, 'worker', '--concurrency=10'], {
			env: instance.env({ ...env, QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(healthPort), N8N_WORKER_SERVER_PORT: String(healthPort) }),
			cwd: instance.userFolder,
			stdio: ['ignore', 'pipe', 'pipe'],
		}),
	);
	const output = tail(child, 200);
	let jobs = 0;
	child.stdout!.on('data', (chunk: Buffer) => {
		jobs += (chunk.toString().match(/Worker started execution|Start job/g) ?? []).length;
	});
	const deadline = Date.now() + 180_000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`worker ${index} exited (${child.exitCode}):\n${output()}`);
		try {
			const response = await fetch(`http://127.0.0.1:${healthPort}/healthz/readiness`);
			if (response.ok) return { child, jobs: () => jobs, output };
		} catch {
			// not up yet
		}
		await new Promise((r) => setTimeout(r, 500));
	}
	throw new Error(`worker ${index} not ready within 180 s:\n${output()}`);
}

async function psql(pg: RunningPostgres, sql: string): Promise<string> {
	const { stdout } = await exec(`${postgresBinDir()!}/psql`, ['-h', '127.0.0.1', '-p', String(pg.port), '-U', pg.user, '-d', pg.database, '-At', '-F', ' ', '-c', sql], {
		env: { ...process.env, PGPASSWORD: pg.password },
		maxBuffer: 64 * 1024 * 1024,
	});
	return stdout;
}

/** The error text stored with the first failed execution (execution data is flatted JSON: show the neighbourhood). */
async function firstExecutionError(pg: RunningPostgres): Promise<string> {
	const data = await psql(pg, `select d.data from execution_data d join execution_entity e on e.id = d."executionId" where e.status = 'error' order by e.id limit 1`);
	const at = data.indexOf('NodeOperationError') >= 0 ? data.indexOf('NodeOperationError') : data.indexOf('"message"');
	return at < 0 ? data.slice(0, 1500) : data.slice(Math.max(0, at - 1500), at + 1500);
}

async function waitForExecutions(pg: RunningPostgres, workflowId: string, count: number, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const statuses = await executionStatuses(pg, workflowId);
		const ended = Object.entries(statuses)
			.filter(([status]) => !['new', 'running', 'waiting'].includes(status))
			.reduce((sum, [, n]) => sum + n, 0);
		if (ended >= count) return;
		await new Promise((r) => setTimeout(r, 500));
	}
	throw new Error(`the ${count} executions did not end within ${timeoutMs / 1000} s`);
}

/** Execution statuses of the workflow, read from PostgreSQL. */
async function executionStatuses(pg: RunningPostgres, workflowId: string): Promise<Record<string, number>> {
	const stdout = await psql(pg, `select status, count(*) from execution_entity where "workflowId" = '${workflowId}' group by status`);
	const result: Record<string, number> = {};
	for (const line of stdout.trim().split('\n').filter(Boolean)) {
		const [status, count] = line.split(' ');
		result[status] = Number(count);
	}
	return result;
}

async function runVersion(versionKey: keyof typeof N8N_VERSIONS): Promise<VersionResult> {
	const started = Date.now();
	const { version } = N8N_VERSIONS[versionKey];
	const major = versionKey === 'v1' ? 1 : 2;
	const [installDir, tarball, redis, pg] = await Promise.all([installN8n(version), packPackage(), startRedis(), startPostgres()]);
	const seed = Array.from({ length: SEEDED }, (_, i) => ({ path: receiptPath(i + 1), text: `receipt ${i + 1}`, clientModified: '2026-03-01T10:00:00Z' }));
	const fakes: RunningFakes = await startFakes({ portBase: 0, seed: { dropbox: { folders: ['/Receipts'], files: seed } } });
	onCleanup(() => fakes.stop());

	const env = queueEnvironment(redis.port, pg, `cloudsync${versionKey}`);
	// CLI calls (import, activate) go through N8nInstance, which passes this process's environment on.
	Object.assign(process.env, env);
	const main = new N8nInstance(installDir, major);
	const workers = Array.from({ length: WORKERS }, () => new N8nInstance(installDir, major));
	for (const instance of [main, ...workers]) onCleanup(() => rmSync(instance.userFolder, { recursive: true, force: true }));
	// One npm install; the workers get a copy of the same installed folder (what n8n would have installed there).
	await main.installPackage(tarball);
	for (const worker of workers) cpSync(join(main.userFolder, '.n8n', 'nodes'), join(worker.userFolder, '.n8n', 'nodes'), { recursive: true });

	const workflowId = `CsQueue${versionKey.toUpperCase()}Webhook1`.slice(0, 16);
	const workflow = accountingPipeline(workflowId, 'webhook');
	// Answer on receipt, as a burst of notifications is answered: a run that finds nothing new then is not an
	// HTTP error ("No item to return"), and the outcome is read from the executions themselves.
	Object.assign(workflow.nodes[0].parameters, { responseMode: 'onReceived' });
	// QUEUE_OVERLAP_GUARD=off: the control experiment, static data alone (expected to fail the assertions).
	if (process.env.QUEUE_OVERLAP_GUARD === 'off') Object.assign(workflow.nodes[1].parameters, { options: { overlapGuard: false } });
	const webhookPath = (workflow.nodes[0].parameters as { path: string }).path;
	await main.importCredentials(fakeCredentials(fakes.urls, fakes.tokens));
	await main.importWorkflow(workflow);
	await main.activate(workflowId);

	const port = await freePort();
	onCleanup(() => main.stop());
	await main.start(port);
	const running = await Promise.all(workers.map((worker, i) => startWorker(worker, i + 1, env)));
	const setupSeconds = (Date.now() - started) / 1000;

	// The burst: a new receipt lands just before each call, calls 60 ms apart, none awaited before the next.
	const burstStart = Date.now();
	const statuses: Record<string, number> = {};
	const calls: Array<Promise<void>> = [];
	let firstError = '';
	for (let i = 1; i <= RUNS; i++) {
		await fakes.dropbox.userWrite(receiptPath(SEEDED + i), Buffer.from(`receipt ${SEEDED + i}`), '2026-04-01T10:00:00Z');
		calls.push(
			fetch(`http://127.0.0.1:${port}/webhook/${webhookPath}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ call: i }) })
				.then(async (response) => {
					statuses[response.status] = (statuses[response.status] ?? 0) + 1;
					const body = await response.text();
					if (!response.ok && !firstError) firstError = body.slice(0, 2000);
				})
				.catch((error: unknown) => {
					statuses[(error as Error).message] = (statuses[(error as Error).message] ?? 0) + 1;
				}),
		);
		await new Promise((r) => setTimeout(r, 60));
	}
	await Promise.all(calls);
	await waitForExecutions(pg, workflowId, RUNS, 300_000);
	const burstSeconds = (Date.now() - burstStart) / 1000;

	if (firstError) console.log(`first failed webhook answer: ${firstError}\nstored error: ${await firstExecutionError(pg)}`);
	const documents = SEEDED + RUNS;
	const { files, folders } = walk(fakes.drive.tree());
	const counts = new Map<string, number>();
	for (const name of files) counts.set(name, (counts.get(name) ?? 0) + 1);
	const expected = Array.from({ length: documents }, (_, i) => receiptPath(i + 1).split('/').pop()!);
	const result: VersionResult = {
		version,
		documents,
		exported: files.length,
		duplicated: expected.filter((name) => (counts.get(name) ?? 0) > 1),
		lost: expected.filter((name) => !counts.has(name)),
		accountingFolders: folders.filter((name) => name === 'Accounting').length,
		httpStatuses: statuses,
		executions: await executionStatuses(pg, workflowId),
		jobsPerWorker: running.map((worker) => worker.jobs()),
		seconds: { setup: setupSeconds, burst: burstSeconds, total: 0 },
	};

	for (const worker of running) await stopProcess(worker.child);
	await main.stop();
	await fakes.stop();
	await Promise.all([redis.stop(), pg.stop()]);
	result.seconds.total = (Date.now() - started) / 1000;
	return result;
}

async function main(): Promise<void> {
	stopAllOnExit();
	await ensureDebianPackages([
		{ pkg: 'redis-server', present: hasCommand('redis-server') },
		{ pkg: 'postgresql', present: () => postgresBinDir() !== undefined },
	]);
	const versions = (process.env.QUEUE_N8N ?? 'v1,v2').split(',') as Array<keyof typeof N8N_VERSIONS>;
	let failed = false;
	for (const versionKey of versions) {
		const result = await runVersion(versionKey);
		console.log(`\nqueue mode, n8n ${result.version}: ${JSON.stringify(result, null, 2)}`);
		try {
			assert.deepEqual(result.httpStatuses, { 200: RUNS }, 'every webhook call answered 200');
			assert.deepEqual(result.executions, { success: RUNS }, 'every execution succeeded');
			assert.deepEqual({ duplicated: result.duplicated, lost: result.lost }, { duplicated: [], lost: [] }, 'every document exported exactly once');
			assert.equal(result.exported, result.documents);
			assert.ok(result.jobsPerWorker.every((jobs) => jobs > 0), 'both workers ran executions');
			console.log(`PASS n8n ${result.version}: ${RUNS} webhook runs, ${result.documents} documents, 0 duplicated, 0 lost`);
		} catch (error) {
			failed = true;
			console.error(`FAIL n8n ${result.version}: ${(error as Error).message}`);
		}
	}
	await stopAll();
	process.exit(failed ? 1 : 0);
}

main().catch(async (error: unknown) => {
	console.error(`queue test crashed: ${(error as Error).stack ?? String(error)}`);
	await stopAll();
	process.exit(1);
});
