import './tsBeforeJson';
import { mkdir, readFile, writeFile } from 'fs/promises';
import { join } from 'path';
import * as exportPlanModule from '../../nodes/shared/sync/exportPlan';
import { bigFile, releaseBinaryStorage } from './bigFile';
import { BINARY_MODE_SUFFIX } from './binaryMode';
import { calendarIdleBench } from './calendarIdle';
import { collectIdleBench, type CloudKind, type CollectIdleBench } from './collectIdle';
import { collectNew } from './collectNew';
import { cpuMs } from './cpuProbe';
import { exportIdleBench, type ExportIdleBench } from './exportIdle';
import { exportNew } from './exportNew';
import { peersScenario, peersTableNote } from './peers';
import {
	alternating,
	Figures,
	load,
	machine,
	markdownTable,
	median,
	REPS,
	replaceReadmeSection,
} from './results';

/**
 * npm run bench: every scenario of issue 8 against the fakes on loopback; prints each figure next to its target,
 * writes test/bench/results.{json,md} and rewrites the README section between the bench markers.
 *   BENCH_SCALES=1000,10000,100000   tracked items for the idle runs (scenario 1; 5 and 6 use the largest)
 *   BENCH_BIG_MIB=2048               size of the large file (scenario 4)
 *   BENCH_CLOUDS=googleDrive,oneDrive,dropbox
 *   BENCH_REPS=5                     alternating repetitions behind each timing / memory figure (median + spread)
 *   BENCH_ONLY=idle,new,big,peers    a part of the bench (the README is then left alone)
 *   BENCH_PROFILE=<dir>              CPU profiles of the measured node runs (.cpuprofile; profileSummary.ts reads them)
 *   BENCH_BINARY=filesystem          n8n keeps the items' binary data on disk (n8n 2.x's default), not inline
 *   BENCH_IDLE=export,collect,calendar   the idle scenarios to run (all by default)
 */
const ROOT = join(__dirname, '..', '..');
const scales = (process.env.BENCH_SCALES ?? '1000,10000,100000')
	.split(',')
	.map(Number)
	.filter((n) => n > 0);
const bigMiB = Number(process.env.BENCH_BIG_MIB ?? 2048);
const clouds = (process.env.BENCH_CLOUDS ?? 'googleDrive,oneDrive,dropbox').split(
	',',
) as CloudKind[];
const only = process.env.BENCH_ONLY;
const runs = (part: 'idle' | 'new' | 'big' | 'peers') =>
	only === undefined || only.split(',').includes(part);
const idleParts = (process.env.BENCH_IDLE ?? 'export,collect,calendar').split(',');
const figures = new Figures();

/** Export state per record the issue allows: ids of 33 characters on Drive, shorter elsewhere (issue 17 point 4). */
const EXPORT_STATE_LIMIT: Record<CloudKind, number> = {
	googleDrive: 48,
	oneDrive: 32,
	dropbox: 32,
};
/** Issue 17: an idle run at 100,000 items in at most 5 s of wall time, through n8n's engine. */
const IDLE_WALL_LIMIT_S = 5;

type Sampled = Record<string, number[]>;

/**
 * Wall time of each part of the bench, printed as it ends: set-up (seeding the fakes, building the destination)
 * apart from the measured runs, so a slow bench shows where its time went (issue 17: the idle part took 30 min).
 */
const partTimes: Array<{ part: string; s: number }> = [];
async function part<T>(name: string, work: () => Promise<T>): Promise<T> {
	const started = Date.now();
	try {
		return await work();
	} finally {
		const s = (Date.now() - started) / 1000;
		partTimes.push({ part: name, s });
		process.stdout.write(`   [${name}: ${s.toFixed(1)} s; load average ${load()}]\n`);
	}
}
const ms2s = (samples: number[]) => samples.map((ms) => ms / 1000);

/** Wall, CPU and memory rows of one kind of run, each a median of the repetitions with its spread. */
function runRows(
	scenario: string,
	subject: string,
	run: string,
	samples: Sampled,
	wallLimit?: number,
): void {
	figures.repeated(
		{
			scenario,
			subject,
			metric: `${run}: wall time of the whole node run`,
			unit: 's',
			note: 'n8n engine + node + fake on loopback',
		},
		ms2s(samples.ms),
		wallLimit === undefined ? undefined : { atMost: wallLimit },
	);
	figures.repeated(
		{
			scenario,
			subject,
			metric: `${run}: CPU time`,
			unit: 's',
			note: 'this process: engine, node and the in-process fake',
		},
		ms2s(samples.cpuMs),
	);
	figures.repeated(
		{ scenario, subject, metric: `${run}: peak RSS growth over a post-GC baseline`, unit: 'MiB' },
		samples.peakRssGrowthMiB,
	);
}

/** Request counts are the same in every repetition: the figure is the worst one. */
function worst(samples: number[]): number {
	return Math.max(...samples);
}

const count = (n: number) => n.toLocaleString('en-US');

async function exportIdleRuns(tracked: number): Promise<void> {
	const benches: ExportIdleBench[] = [];
	try {
		await part(`export ${count(tracked)}: seeding the destinations`, async () => {
			for (const kind of clouds) benches.push(await exportIdleBench(kind, tracked));
		});
		const byKind = new Map(benches.map((b) => [b.kind, b]));
		const kinds = [...byKind.keys()];
		const rebuild = await part(`export ${count(tracked)}: ${REPS}x rebuilding runs`, () =>
			alternating(kinds, REPS, async (kind) => ({
				...(await byKind.get(kind)!.rebuild()),
			})),
		);
		const idle = await part(`export ${count(tracked)}: ${REPS}x idle runs`, () =>
			alternating(kinds, REPS, async (kind) => ({
				...(await byKind.get(kind)!.idle()),
			})),
		);
		for (const bench of benches) {
			const { kind } = bench;
			const subject = `Export ${kind}, ${count(tracked)} records${BINARY_MODE_SUFFIX}`;
			const r = rebuild[kind];
			const i = idle[kind];
			figures.atMost(
				{
					scenario: '1 idle run',
					subject,
					metric: 'requests per idle run (deletion check incl.)',
					value: worst(i.requests),
					unit: '',
					note: `state rebuilt by a first run: ${worst(r.requests)} requests, ${worst(r.uploads)} uploads`,
				},
				1,
			);
			runRows(
				'1 idle run',
				subject,
				'idle run',
				i,
				tracked >= 100_000 ? IDLE_WALL_LIMIT_S : undefined,
			);
			figures.repeated(
				{
					scenario: '1 idle run',
					subject,
					metric: "idle run: the Export node alone (n8n's executionTime)",
					unit: 's',
					note: 'the wall time less the engine and the upstream node handing over the items (and storing their files)',
				},
				ms2s(i.nodeMs),
			);
			runRows('1 idle run', subject, 'first run rebuilding the state', r);
			figures.atMost(
				{
					scenario: '5 state size',
					subject,
					metric: 'node state per record',
					value: bench.stateBytes() / tracked,
					unit: 'B',
					note: `static data in all ${(bench.staticDataBytes() / 1024).toFixed(0)} KiB`,
				},
				EXPORT_STATE_LIMIT[kind],
			);
			planCpu(kind, tracked, bench.planArgs(), i.planCpuMs);
		}
	} finally {
		for (const bench of benches) await bench.close();
	}
}

async function collectIdleRuns(tracked: number): Promise<void> {
	const benches: CollectIdleBench[] = [];
	try {
		await part(`collect ${count(tracked)}: seeding the sources`, async () => {
			for (const kind of clouds) benches.push(await collectIdleBench(kind, tracked));
		});
		const byKind = new Map(benches.map((b) => [b.kind, b]));
		const kinds = [...byKind.keys()];
		const first = await part(`collect ${count(tracked)}: ${REPS}x first runs`, () =>
			alternating(kinds, REPS, async (kind) => ({
				...(await byKind.get(kind)!.first()),
			})),
		);
		const idle = await part(`collect ${count(tracked)}: ${REPS}x idle runs`, () =>
			alternating(kinds, REPS, async (kind) => ({
				...(await byKind.get(kind)!.idle()),
			})),
		);
		for (const bench of benches) {
			const { kind } = bench;
			const subject = `Collect ${kind}, ${count(tracked)} files`;
			const f = first[kind];
			const i = idle[kind];
			figures.atMost(
				{
					scenario: '1 idle run',
					subject,
					metric: 'requests per idle run',
					value: worst(i.requests),
					unit: '',
					note: `ledger built by a first run: ${worst(f.requests)} requests`,
				},
				1,
			);
			runRows(
				'1 idle run',
				subject,
				'idle run',
				i,
				tracked >= 100_000 ? IDLE_WALL_LIMIT_S : undefined,
			);
			runRows('1 idle run', subject, `first run collecting all ${count(tracked)}`, f);
			const stateNote = `total ${(bench.staticDataBytes() / 1024).toFixed(0)} KiB incl. the 1,000-entry history`;
			const state = {
				scenario: '5 state size',
				subject,
				metric: 'static data per file',
				value: bench.staticDataBytes() / tracked,
				unit: 'B',
				note: stateNote,
			};
			if (tracked === Math.max(...scales)) figures.atMost(state, 32);
			else figures.info(state);
			const pure = (s: Sampled) => s.planCpuMs.map((p, n) => (p + s.applyCpuMs[n]) / 1000);
			figures.repeated(
				{
					scenario: '6 CPU',
					subject: `Collect ledger ${kind}, ${count(tracked)} new`,
					metric: 'planCollect + applyRun CPU (pure)',
					unit: 's',
				},
				pure(f),
				{ atMost: 1 },
			);
			figures.repeated(
				{
					scenario: '6 CPU',
					subject: `Collect ledger ${kind}, ${count(tracked)} unchanged`,
					metric: 'planCollect + applyRun CPU (pure)',
					unit: 's',
				},
				pure(i),
				{ atMost: 1 },
			);
		}
	} finally {
		for (const bench of benches) await bench.close();
	}
}

async function calendarIdleRuns(tracked: number): Promise<void> {
	const bench = await part(`calendar ${count(tracked)}: seeding the calendar`, () =>
		calendarIdleBench(tracked),
	);
	try {
		// One variant: the rebuild and the idle run alternate instead.
		const runs = await part(`calendar ${count(tracked)}: ${REPS}x rebuilding + idle runs`, () =>
			alternating(['rebuild', 'idle'] as const, REPS, async (which) => ({
				...(which === 'rebuild' ? await bench.rebuild() : await bench.idle()),
			})),
		);
		const subject = `Calendar Sync, ${count(tracked)} linked`;
		figures.atMost(
			{
				scenario: '1 idle run',
				subject,
				metric: 'requests per idle run',
				value: worst(runs.idle.requests),
				unit: '',
				note: `links rebuilt by a first run: ${worst(runs.rebuild.requests)} requests, ${worst(runs.rebuild.writes)} writes`,
			},
			1,
		);
		runRows(
			'1 idle run',
			subject,
			'idle run',
			runs.idle,
			tracked >= 100_000 ? IDLE_WALL_LIMIT_S : undefined,
		);
		runRows('1 idle run', subject, 'first run re-linking', runs.rebuild);
		figures.info({
			scenario: '5 state size',
			subject,
			metric: 'node state per link',
			value: bench.stateBytes() / tracked,
			unit: 'B',
		});
	} finally {
		await bench.close();
	}
}

async function idleRuns(): Promise<void> {
	process.stdout.write(
		`1. A run with nothing changed, whole node runs through n8n's engine (${REPS} alternating repetitions each)\n`,
	);
	for (const tracked of scales) {
		if (idleParts.includes('export')) await exportIdleRuns(tracked);
		if (idleParts.includes('collect')) await collectIdleRuns(tracked);
		if (idleParts.includes('calendar')) await calendarIdleRuns(tracked);
	}
}

/** Scenario 6: the pure export planner on the arguments it had in the real idle run, repeated for a stable figure. */
function planCpu(
	kind: CloudKind,
	tracked: number,
	args: unknown[] | undefined,
	inRunMs: number[],
): void {
	if (!args) return;
	const plan = exportPlanModule.planExport as (...a: unknown[]) => unknown;
	const samples: number[] = [];
	for (let i = 0; i < REPS; i++) {
		const start = process.cpuUsage();
		plan(...args);
		samples.push(cpuMs(start) / 1000);
	}
	figures.repeated(
		{
			scenario: '6 CPU',
			subject: `Export planner ${kind}, ${count(tracked)} unchanged`,
			metric: "planExport CPU (pure, re-run on the idle run's arguments)",
			unit: 's',
			note: `in the node runs: median ${(median(inRunMs) / 1000).toFixed(2)} s`,
		},
		samples,
		{ atMost: 1 },
	);
}

async function newFiles(): Promise<void> {
	process.stdout.write('2. Collect 1,000 new small files\n');
	for (const kind of clouds) {
		const r = await collectNew(kind, 1000);
		figures.atMost(
			{
				scenario: '2 collect 1,000 new',
				subject: `Collect ${kind}`,
				metric: 'requests per file',
				value: r.requests / r.files,
				unit: '',
				note: `${r.feedRequests} feed pages, ${r.otherRequests} other requests, ${r.ms} ms`,
			},
			r.targetPerFile,
		);
		figures.info({
			scenario: '2 collect 1,000 new',
			subject: `Collect ${kind}`,
			metric: 'wall time',
			value: r.ms / 1000,
			unit: 's',
		});
	}
	process.stdout.write(
		'3. Export 1,000 new small files into 50 folders, then the same 1,000 again\n',
	);
	for (const kind of clouds) {
		const r = await exportNew(kind, 1000, 50);
		figures.atMost(
			{
				scenario: '3 export 1,000 new',
				subject: `Export ${kind}`,
				metric: 'requests per file, after one per new folder',
				value: (r.requests - r.folders) / r.files,
				unit: '',
				note: `${r.requests} requests, ${r.uploads} uploads`,
			},
			1.1,
		);
		figures.info({
			scenario: '3 export 1,000 new',
			subject: `Export ${kind}`,
			metric: 'wall time',
			value: r.ms / 1000,
			unit: 's',
		});
		figures.atMost(
			{
				scenario: '3 export 1,000 new',
				subject: `Export ${kind}, same 1,000 again`,
				metric: 'uploads',
				value: r.againUploads,
				unit: '',
				note: `${r.againRequests} requests`,
			},
			0,
		);
	}
}

async function largeFile(): Promise<void> {
	process.stdout.write(
		`4. One ${bigMiB} MiB file (n8n binary data on disk) to each destination: read, hashed and uploaded as Export does, through n8n's request path, against a plain PUT of the same file through the same path (fakes in a child process)\n`,
	);
	for (const r of await bigFile(clouds, bigMiB * 2 ** 20)) {
		const rate = (ms: number) => `${(r.bytes / 2 ** 20 / (ms / 1000)).toFixed(0)} MiB/s`;
		const scenario = `4 ${bigMiB} MiB file`;
		figures.repeated(
			{
				scenario,
				subject: `Export ${r.kind}`,
				metric: "throughput / plain PUT through n8n's httpRequest (alternating pairs)",
				unit: '',
				note: `the export is the whole read-and-upload of a file n8n keeps on disk (readInputFile's pass for size and hash, median ${(median(r.inputReadMs) / 1000).toFixed(1)} s, then the upload); of its wall time, median ${Math.round((100 * median(r.insideFakeMs)) / median(r.exportMs))}% inside the fake's chunk requests (it answers a chunk after storing and hashing it), ${Math.round((100 * median(r.betweenMs)) / median(r.exportMs))}% between them; CPU of this process per export median ${(median(r.exportCpuMs) / 1000).toFixed(1)} s, per plain PUT ${(median(r.plainPutCpuMs) / 1000).toFixed(1)} s; export median ${rate(median(r.exportMs))} (${rate(Math.max(...r.exportMs))}-${rate(Math.min(...r.exportMs))}), plain PUT median ${rate(median(r.plainPutMs))} (${rate(Math.max(...r.plainPutMs))}-${rate(Math.min(...r.plainPutMs))})`,
			},
			r.ratios,
			{ atLeast: 0.9 },
		);
		figures.repeated(
			{
				scenario,
				subject: `Export ${r.kind}`,
				metric: `peak memory growth (heap + buffers) over a forced-GC baseline (target: two ${r.chunkMiB} MiB chunks)`,
				unit: 'MiB',
				note: `RSS growth median ${median(r.rssGrowthMiB).toFixed(1)} MiB; the plain PUT through n8n's httpRequest (redirects off, streamed from n8n's binary file) holds median ${median(r.plainPeakGrowthMiB).toFixed(0)} MiB; bench process peak RSS ${Math.max(...r.rssPeakMiB).toFixed(0)} MiB, /dev/shm peak ${Math.max(...r.shmPeakMiB).toFixed(0)} MiB (input file + the fake's copy)`,
			},
			r.peakGrowthMiB,
			{ atMost: 2 * r.chunkMiB },
		);
	}
}

async function main(): Promise<boolean> {
	const at = new Date();
	const loadAtStart = load();
	process.stdout.write(
		`Bench started ${at.toISOString()}; load average ${loadAtStart}; ${REPS} repetitions per timed figure\n`,
	);
	if (runs('idle')) await part('1 idle runs, all scales', idleRuns);
	if (runs('new')) await part('2-3 new files', newFiles);
	if (runs('big')) await part(`4 ${bigMiB} MiB uploads`, largeFile);
	// Scenario 7 needs root, a network namespace and a real n8n: when it fails, the figures measured before it are
	// still written (results.json, results.md), but the README keeps its table (only a complete run rewrites it).
	let peersFailure: string | undefined;
	releaseBinaryStorage();
	const peers = runs('peers')
		? await part('7 peers', () => peersScenario(figures)).catch((error: unknown) => {
				peersFailure = (error as Error).message ?? String(error);
				process.stderr.write(`scenario 7 failed, the other figures are kept: ${peersFailure}\n`);
				return undefined;
			})
		: undefined;
	const host = machine();
	const wallSeconds = (Date.now() - at.getTime()) / 1000;
	const loadAtEnd = load();
	const table =
		markdownTable(figures.all, at, host, { wallSeconds, loadAtStart, loadAtEnd, reps: REPS }) +
		`\nScales: ${scales.join(', ')} tracked items; large file ${bigMiB} MiB; clouds: ${clouds.join(', ')}.\n${peers ? peersTableNote(peers) : ''}`;
	const dir = join(ROOT, 'test', 'bench');
	await mkdir(dir, { recursive: true });
	await writeFile(
		join(dir, 'results.json'),
		`${JSON.stringify({ at: at.toISOString(), wallSeconds, loadAtStart, loadAtEnd, reps: REPS, machine: host, scales, bigMiB, parts: partTimes, figures: figures.all }, null, '\t')}\n`,
	);
	await writeFile(join(dir, 'results.md'), table);
	// Only a full bench rewrites the README's table (issue 17: regenerated by a full run, with its wall time).
	const full = only === undefined && peersFailure === undefined;
	const readmePath = join(ROOT, 'README.md');
	if (full)
		await writeFile(readmePath, replaceReadmeSection(await readFile(readmePath, 'utf8'), table));
	const missed = figures.all.filter((f) => f.pass === false);
	process.stdout.write(
		`\n${figures.all.length} figures, ${missed.length} missed their target; ${full ? 'README table updated' : peersFailure ? 'scenario 7 failed: README left as it was' : `BENCH_ONLY=${only}: README left as it was`}.\n`,
	);
	process.stdout.write(
		`Whole bench: ${wallSeconds.toFixed(0)} s wall; load average ${loadAtStart} at the start, ${loadAtEnd} at the end.\n`,
	);
	process.stdout.write(
		`Parts: ${partTimes.map((p) => `${p.part} ${p.s.toFixed(0)} s`).join('; ')}\n`,
	);
	return peersFailure === undefined;
}

main()
	.then((complete) => process.exit(complete ? 0 : 1))
	.catch((error: unknown) => {
		process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
		process.exit(1);
	});
