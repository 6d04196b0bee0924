import { spawn, type ChildProcess } from 'child_process';
import { execFile } from 'child_process';
import { strict as assert } from 'assert';
import { cpSync, rmSync } from 'fs';
import { createRequire } from 'module';
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
 * user folder holding this package. The production webhook is fired in bursts of overlapping calls while clients
 * keep dropping receipts (one before each call, more from a second writer at its own pace), so executions overlap
 * on both workers; after each burst (and one quiet call for receipts that came after the burst's last listing)
 * every receipt must be in Drive exactly once. Then a control burst on a second workflow with the overlap guard
 * off (its own Dropbox folder and Drive root) must show the duplicates the guard prevents.
 * QUEUE_N8N=v1|v2 picks one n8n version (default both); QUEUE_BURSTS (5) bursts of QUEUE_RUNS (20) calls;
 * QUEUE_CONTROL=off skips the control burst.
 */

const exec = promisify(execFile);
const RUNS = Number(process.env.QUEUE_RUNS ?? 20);
const BURSTS = Number(process.env.QUEUE_BURSTS ?? 5);
const CONTROL = process.env.QUEUE_CONTROL !== 'off';
const SEEDED = 30;
const WORKERS = 2;

interface BurstResult {
	burst: number;
	documents: number;
	exported: number;
	/** Files in Drive: receipts there more than once, receipts not there. */
	duplicated: string[];
	lost: string[];
	/** Collect's outputs over every execution so far: receipts handed to more than one execution, to none. */
	handedOutTwice: string[];
	notHandedOut: string[];
	rootFolders: number;
	httpStatuses: Record<string, number>;
	executions: Record<string, number>;
	seconds: number;
}

interface VersionResult {
	version: string;
	bursts: BurstResult[];
	control?: BurstResult;
	jobsPerWorker: number[];
	seconds: { setup: number; total: number };
}

function receiptPath(folder: string, i: number): string {
	return `/${folder}/receipt-${String(i).padStart(3, '0')}.pdf`;
}

/** Names of the files below a fake-Drive tree, wherever they are, and how many folders have the given name. */
function walk(
	tree: TreeNode,
	files: string[] = [],
	folders: string[] = [],
): { files: string[]; folders: string[] } {
	if (!tree.folder) {
		if (!tree.trashed) files.push(tree.name);
		return { files, folders };
	}
	if (!tree.trashed) folders.push(tree.name);
	for (const child of tree.children ?? []) walk(child, files, folders);
	return { files, folders };
}

/** The files below every root folder of this name (twins included) and how many such roots there are. */
function underRoot(tree: TreeNode, rootName: string): { files: string[]; roots: number } {
	const roots = (tree.children ?? []).filter(
		(child) => child.folder && !child.trashed && child.name === rootName,
	);
	const files: string[] = [];
	for (const root of roots) walk(root, files);
	return { files, roots: roots.length };
}

/** Environment shared by main, workers and CLI calls: one database, one queue (N8nInstance.env() gives all one encryption key). */
function queueEnvironment(
	redisPort: number,
	pg: RunningPostgres,
	prefix: string,
): Record<string, string> {
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

async function startWorker(
	instance: N8nInstance,
	index: number,
	env: Record<string, string>,
): Promise<{ child: ChildProcess; jobs: () => number; output: () => string }> {
	const healthPort = await freePort();
	const child = track(
		spawn('node', [instance.n8nBin, 'worker', '--concurrency=10'], {
			env: instance.env({
				...env,
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
				QUEUE_HEALTH_CHECK_PORT: String(healthPort),
				N8N_WORKER_SERVER_PORT: String(healthPort),
			}),
			cwd: instance.userFolder,
			stdio: ['ignore', 'pipe', 'pipe'],
		}),
	);
	const output = tail(child, 200);
	let jobs = 0;
	child.stdout!.on('data', (chunk: Buffer) => {
		jobs += (chunk.toString().match(/Worker started execution|Start job/g) ?? []).length;
	});
	const deadline = Date.now() + 420_000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null)
			throw new Error(`worker ${index} exited (${child.exitCode}):\n${output()}`);
		try {
			const response = await fetch(`http://127.0.0.1:${healthPort}/healthz/readiness`);
			if (response.ok) return { child, jobs: () => jobs, output };
		} catch {
			// not up yet
		}
		await new Promise((r) => setTimeout(r, 500));
	}
	throw new Error(`worker ${index} not ready within 420 s:\n${output()}`);
}

async function psql(pg: RunningPostgres, sql: string): Promise<string> {
	const { stdout } = await exec(
		`${postgresBinDir()!}/psql`,
		[
			'-h',
			'127.0.0.1',
			'-p',
			String(pg.port),
			'-U',
			pg.user,
			'-d',
			pg.database,
			'-At',
			'-F',
			' ',
			'-c',
			sql,
		],
		{
			env: { ...process.env, PGPASSWORD: pg.password },
			maxBuffer: 64 * 1024 * 1024,
		},
	);
	return stdout;
}

/** The error text stored with the first failed execution (execution data is flatted JSON: show the neighbourhood). */
async function firstExecutionError(pg: RunningPostgres): Promise<string> {
	const data = await psql(
		pg,
		`select d.data from execution_data d join execution_entity e on e.id = d."executionId" where e.status = 'error' order by e.id limit 1`,
	);
	const at =
		data.indexOf('NodeOperationError') >= 0
			? data.indexOf('NodeOperationError')
			: data.indexOf('"message"');
	return at < 0 ? data.slice(0, 1500) : data.slice(Math.max(0, at - 1500), at + 1500);
}

async function waitForExecutions(
	pg: RunningPostgres,
	workflowId: string,
	count: number,
	timeoutMs: number,
): Promise<void> {
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
async function executionStatuses(
	pg: RunningPostgres,
	workflowId: string,
): Promise<Record<string, number>> {
	const stdout = await psql(
		pg,
		`select status, count(*) from execution_entity where "workflowId" = '${workflowId}' group by status`,
	);
	const result: Record<string, number> = {};
	for (const line of stdout.trim().split('\n').filter(Boolean)) {
		const [status, count] = line.split(' ');
		result[status] = Number(count);
	}
	return result;
}

/** One workflow under test: its Dropbox folder, its Drive root, its webhook path and the receipts written so far. */
interface Pipeline {
	workflowId: string;
	folder: string;
	root: string;
	webhookPath: string;
	written: number;
	calls: number;
	/** How many executions handed each receipt out (Collect's output items with status "collected"). */
	handedOut: Map<string, number>;
	lastExecution: number;
}

/**
 * Reads Collect's output of the executions since the last look from PostgreSQL (n8n stores run data as
 * "flatted" JSON; the parser is taken from the n8n install under test).
 */
async function readHandedOut(
	pg: RunningPostgres,
	installDir: string,
	pipeline: Pipeline,
): Promise<void> {
	const { parse } = createRequire(join(installDir, 'package.json'))('flatted') as {
		parse(text: string): any;
	};
	const rows = await psql(
		pg,
		`select e.id, d.data from execution_data d join execution_entity e on e.id = d."executionId" where e."workflowId" = '${pipeline.workflowId}' and e.id > ${pipeline.lastExecution} order by e.id`,
	);
	for (const row of rows.split('\n').filter(Boolean)) {
		const space = row.indexOf(' ');
		const id = Number(row.slice(0, space));
		pipeline.lastExecution = Math.max(pipeline.lastExecution, id);
		const data = parse(row.slice(space + 1));
		const items: Array<{ json: { status?: string; name?: string } }> =
			data?.resultData?.runData?.['Collect New Files']?.[0]?.data?.main?.[0] ?? [];
		for (const item of items) {
			if (item.json.status === 'collected' && item.json.name)
				pipeline.handedOut.set(item.json.name, (pipeline.handedOut.get(item.json.name) ?? 0) + 1);
		}
	}
}

function pipelineWorkflow(workflowId: string, folder: string, root: string, guard: boolean) {
	const workflow = accountingPipeline(workflowId, 'webhook');
	// Answer on receipt, as a burst of notifications is answered: a run that finds nothing new then is not an
	// HTTP error ("No item to return"), and the outcome is read from the executions themselves.
	Object.assign(workflow.nodes[0].parameters, { responseMode: 'onReceived' });
	Object.assign(workflow.nodes[1].parameters, {
		folder: { __rl: true, mode: 'path', value: `/${folder}` },
	});
	// The control experiment: static data alone (expected to fail the assertions).
	if (!guard) Object.assign(workflow.nodes[1].parameters, { options: { overlapGuard: false } });
	Object.assign(workflow.nodes[2].parameters, { rootName: root });
	return workflow;
}

/**
 * One burst: RUNS webhook calls `spacingMs` apart (60 ms), none awaited before the next, a new receipt just before
 * each, and a second writer dropping receipts at its own pace meanwhile. Then one quiet call, awaited, for the
 * receipts that came after the burst's last listing, and the count in Drive.
 */
async function burst(
	n: number,
	pipeline: Pipeline,
	fakes: RunningFakes,
	port: number,
	pg: RunningPostgres,
	installDir: string,
	spacingMs = 60,
): Promise<BurstResult> {
	const started = Date.now();
	const statuses: Record<string, number> = {};
	const write = async () => {
		const i = ++pipeline.written;
		await fakes.dropbox.userWrite(
			receiptPath(pipeline.folder, i),
			Buffer.from(`${pipeline.folder} receipt ${i}`),
			'2026-04-01T10:00:00Z',
		);
	};
	const call = async () => {
		pipeline.calls++;
		try {
			const response = await fetch(`http://127.0.0.1:${port}/webhook/${pipeline.webhookPath}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ burst: n }),
			});
			statuses[response.status] = (statuses[response.status] ?? 0) + 1;
			await response.text();
		} catch (error) {
			statuses[(error as Error).message] = (statuses[(error as Error).message] ?? 0) + 1;
		}
	};
	let writing = true;
	const writer = (async () => {
		while (writing) {
			await write();
			await new Promise((r) => setTimeout(r, 170));
		}
	})();
	const calls: Array<Promise<void>> = [];
	for (let i = 1; i <= RUNS; i++) {
		await write();
		calls.push(call());
		await new Promise((r) => setTimeout(r, spacingMs));
	}
	writing = false;
	await writer;
	await Promise.all(calls);
	await waitForExecutions(pg, pipeline.workflowId, pipeline.calls, 600_000);
	await call();
	await waitForExecutions(pg, pipeline.workflowId, pipeline.calls, 600_000);

	const { files, roots } = underRoot(fakes.drive.tree(), pipeline.root);
	const counts = new Map<string, number>();
	for (const name of files) counts.set(name, (counts.get(name) ?? 0) + 1);
	const expected = Array.from({ length: pipeline.written }, (_, i) =>
		receiptPath(pipeline.folder, i + 1)
			.split('/')
			.pop()!,
	);
	await readHandedOut(pg, installDir, pipeline);
	return {
		burst: n,
		documents: pipeline.written,
		exported: files.length,
		duplicated: expected.filter((name) => (counts.get(name) ?? 0) > 1),
		lost: expected.filter((name) => !counts.has(name)),
		handedOutTwice: expected.filter((name) => (pipeline.handedOut.get(name) ?? 0) > 1),
		notHandedOut: expected.filter((name) => !pipeline.handedOut.has(name)),
		rootFolders: roots,
		httpStatuses: statuses,
		executions: await executionStatuses(pg, pipeline.workflowId),
		seconds: (Date.now() - started) / 1000,
	};
}

async function runVersion(versionKey: keyof typeof N8N_VERSIONS): Promise<VersionResult> {
	const started = Date.now();
	const { version } = N8N_VERSIONS[versionKey];
	const major = versionKey === 'v1' ? 1 : 2;
	const [installDir, tarball, redis, pg] = await Promise.all([
		installN8n(version),
		packPackage(),
		startRedis(),
		startPostgres(),
	]);
	const seed = Array.from({ length: SEEDED }, (_, i) => ({
		path: receiptPath('Receipts', i + 1),
		text: `Receipts receipt ${i + 1}`,
		clientModified: '2026-03-01T10:00:00Z',
	}));
	const fakes: RunningFakes = await startFakes({
		portBase: 0,
		seed: { dropbox: { folders: ['/Receipts', '/Control'], files: seed } },
	});
	onCleanup(() => fakes.stop());

	const env = queueEnvironment(redis.port, pg, `cloudsync${versionKey}`);
	// CLI calls (import, activate) go through N8nInstance, which passes this process's environment on; the next
	// line's run must not inherit this one's database and queue (removed at the end).
	Object.assign(process.env, env);

	const main = new N8nInstance(installDir, major);
	const workers = Array.from({ length: WORKERS }, () => new N8nInstance(installDir, major));
	for (const instance of [main, ...workers])
		onCleanup(() => rmSync(instance.userFolder, { recursive: true, force: true }));
	// One npm install; the workers get a copy of the same installed folder (what n8n would have installed there).
	await main.installPackage(tarball);
	for (const worker of workers)
		cpSync(join(main.userFolder, '.n8n', 'nodes'), join(worker.userFolder, '.n8n', 'nodes'), {
			recursive: true,
		});

	// QUEUE_OVERLAP_GUARD=off: the main pipeline itself without the guard (expected to fail the assertions).
	const guarded: Pipeline = {
		workflowId: `CsQueue${versionKey.toUpperCase()}Webhook1`.slice(0, 16),
		folder: 'Receipts',
		root: 'Accounting',
		webhookPath: '',
		written: SEEDED,
		calls: 0,
		handedOut: new Map(),
		lastExecution: 0,
	};
	const control: Pipeline = {
		workflowId: `CsQueue${versionKey.toUpperCase()}Control1`.slice(0, 16),
		folder: 'Control',
		root: 'Control',
		webhookPath: '',
		written: 0,
		calls: 0,
		handedOut: new Map(),
		lastExecution: 0,
	};
	await main.importCredentials(fakeCredentials(fakes.urls, fakes.tokens));
	for (const [pipeline, guard] of [
		[guarded, process.env.QUEUE_OVERLAP_GUARD !== 'off'],
		[control, false],
	] as const) {
		if (pipeline === control && !CONTROL) continue;
		const workflow = pipelineWorkflow(pipeline.workflowId, pipeline.folder, pipeline.root, guard);
		pipeline.webhookPath = (workflow.nodes[0].parameters as { path: string }).path;
		await main.importWorkflow(workflow);
		await main.activate(pipeline.workflowId);
	}

	const port = await freePort();
	onCleanup(() => main.stop());
	await main.start(port);
	const running = await Promise.all(workers.map((worker, i) => startWorker(worker, i + 1, env)));
	const setupSeconds = (Date.now() - started) / 1000;

	const bursts: BurstResult[] = [];
	for (let n = 1; n <= BURSTS; n++) {
		const result = await burst(n, guarded, fakes, port, pg, installDir);
		console.log(`n8n ${version} burst ${n}: ${JSON.stringify(result)}`);
		bursts.push(result);
		if (!isClean(result) && process.env.QUEUE_OVERLAP_GUARD !== 'off') {
			console.log(`stored error of the first failed execution: ${await firstExecutionError(pg)}`);
			break;
		}
	}
	// The control burst's calls go out together: on a quiet machine executions 60 ms apart may not overlap at all
	// (1.123.81 once showed 3 of 28 receipts handed out twice), and the control must show what the guard prevents.
	const controlResult = CONTROL
		? await burst(1, control, fakes, port, pg, installDir, 0)
		: undefined;
	if (controlResult)
		console.log(`n8n ${version} control burst (guard off): ${JSON.stringify(controlResult)}`);
	const result: VersionResult = {
		version,
		bursts,
		control: controlResult,
		jobsPerWorker: running.map((worker) => worker.jobs()),
		seconds: { setup: setupSeconds, total: 0 },
	};

	for (const worker of running) await stopProcess(worker.child);
	await main.stop();
	await fakes.stop();
	await Promise.all([redis.stop(), pg.stop()]);
	for (const name of Object.keys(env)) delete process.env[name];
	result.seconds.total = (Date.now() - started) / 1000;
	return result;
}

function isClean(result: BurstResult): boolean {
	return (
		result.duplicated.length === 0 &&
		result.lost.length === 0 &&
		result.exported === result.documents &&
		result.rootFolders === 1 &&
		result.handedOutTwice.length === 0 &&
		result.notHandedOut.length === 0
	);
}

async function main(): Promise<void> {
	stopAllOnExit();
	process.env.N8N_START_TIMEOUT_S ??= '420';
	await ensureDebianPackages([
		{ pkg: 'redis-server', present: hasCommand('redis-server') },
		{ pkg: 'postgresql', present: () => postgresBinDir() !== undefined },
	]);
	const versions = (process.env.QUEUE_N8N ?? 'v1,v2').split(',') as Array<
		keyof typeof N8N_VERSIONS
	>;
	let failed = false;
	for (const versionKey of versions) {
		const result = await runVersion(versionKey);
		console.log(`\nqueue mode, n8n ${result.version}: ${JSON.stringify(result, null, 2)}`);
		try {
			assert.equal(
				result.bursts.length,
				BURSTS,
				`all ${BURSTS} bursts ran (stopped after the first with a duplicate or a loss)`,
			);
			for (const b of result.bursts) {
				const calls = RUNS + 1;
				assert.deepEqual(
					b.httpStatuses,
					{ 200: calls },
					`burst ${b.burst}: every webhook call answered 200`,
				);
				assert.deepEqual(
					b.executions,
					{ success: calls * b.burst },
					`burst ${b.burst}: every execution succeeded`,
				);
				assert.deepEqual(
					{ duplicated: b.duplicated, lost: b.lost },
					{ duplicated: [], lost: [] },
					`burst ${b.burst}: every document exported exactly once`,
				);
				assert.deepEqual(
					{ handedOutTwice: b.handedOutTwice, notHandedOut: b.notHandedOut },
					{ handedOutTwice: [], notHandedOut: [] },
					`burst ${b.burst}: Collect handed every document to exactly one execution`,
				);
				assert.equal(b.exported, b.documents, `burst ${b.burst}: as many files as documents`);
				assert.equal(b.rootFolders, 1, `burst ${b.burst}: one root folder`);
			}
			assert.ok(
				result.jobsPerWorker.every((jobs) => jobs > 0),
				'both workers ran executions',
			);
			if (result.control) {
				assert.ok(
					result.control.handedOutTwice.length > 0,
					'the control burst (guard off) hands documents to more than one execution: the guard is what prevents that',
				);
			}
			const documents = result.bursts.at(-1)!.documents;
			const control = result.control
				? `; control without the guard: ${result.control.handedOutTwice.length} of ${result.control.documents} receipts handed to more than one execution, ${result.control.exported} files in Drive (${result.control.duplicated.length} duplicated, ${result.control.lost.length} lost: the twin rule merges the extra copies)`
				: '';
			console.log(
				`PASS n8n ${result.version}: ${BURSTS} bursts of ${RUNS} overlapping webhook runs, ${documents} documents, 0 duplicated, 0 lost and each handed out once in every burst${control}`,
			);
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
