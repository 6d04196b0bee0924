import './tsBeforeJson';
import { mkdir, readFile, writeFile } from 'fs/promises';
import { join } from 'path';
import * as exportPlanModule from '../../nodes/shared/sync/exportPlan';
import { bigFile } from './bigFile';
import { calendarIdle } from './calendarIdle';
import { collectIdle, type CloudKind } from './collectIdle';
import { collectNew } from './collectNew';
import { cpuMs } from './cpuProbe';
import { exportIdle } from './exportIdle';
import { exportNew } from './exportNew';
import { peersScenario, peersTableNote } from './peers';
import { Figures, load, machine, markdownTable, REPS, replaceReadmeSection } from './results';

/**
 * npm run bench: every scenario of issue 8 against the fakes on loopback; prints each figure next to its target,
 * writes test/bench/results.{json,md} and rewrites the README section between the bench markers.
 *   BENCH_SCALES=1000,10000,100000   tracked items for the idle runs (scenario 1; 5 and 6 use the largest)
 *   BENCH_BIG_MIB=2048               size of the large file (scenario 4)
 *   BENCH_CLOUDS=googleDrive,oneDrive,dropbox
 */
const ROOT = join(__dirname, '..', '..');
const scales = (process.env.BENCH_SCALES ?? '1000,10000,100000').split(',').map(Number).filter((n) => n > 0);
const bigMiB = Number(process.env.BENCH_BIG_MIB ?? 2048);
const clouds = (process.env.BENCH_CLOUDS ?? 'googleDrive,oneDrive,dropbox').split(',') as CloudKind[];
const figures = new Figures();

async function idleRuns(): Promise<void> {
	process.stdout.write('1. A run with nothing changed (requests per run; target 1)\n');
	const largest = Math.max(...scales);
	for (const tracked of scales) {
		for (const kind of clouds) {
			const collect = await collectIdle(kind, tracked);
			figures.atMost({ scenario: '1 idle run', subject: `Collect ${kind}, ${tracked} tracked`, metric: 'requests per run', value: collect.idleRequests, unit: '', note: `ledger built by a first run: ${collect.firstRunRequests} requests, ${collect.firstRunMs} ms` }, 1);
			if (tracked === largest) {
				figures.atMost({ scenario: '5 state size', subject: `Collect ${kind}, ${tracked} files`, metric: 'static data per file', value: collect.staticDataBytes / tracked, unit: 'B', note: `total ${(collect.staticDataBytes / 1024).toFixed(0)} KiB incl. 1,000-entry history` }, 32);
				figures.atMost({ scenario: '6 CPU', subject: `Collect ledger ${kind}, ${tracked} new`, metric: 'plan + apply CPU', value: (collect.planCpuMs.first + collect.applyCpuMs.first) / 1000, unit: 's', note: `plan ${collect.planCpuMs.first.toFixed(0)} ms, apply ${collect.applyCpuMs.first.toFixed(0)} ms` }, 1);
				figures.atMost({ scenario: '6 CPU', subject: `Collect ledger ${kind}, ${tracked} unchanged`, metric: 'plan + apply CPU', value: (collect.planCpuMs.idle + collect.applyCpuMs.idle) / 1000, unit: 's' }, 1);
			}
			const exported = await exportIdle(kind, tracked, tracked === largest && kind === clouds[0]);
			figures.atMost({ scenario: '1 idle run', subject: `Export ${kind}, ${tracked} tracked`, metric: 'requests per run (deletion check incl.)', value: exported.idleRequests, unit: '', note: `state rebuilt by a first run: ${exported.rebuildRequests} requests, ${exported.rebuildUploads} uploads` }, 1);
			if (tracked === largest) {
				figures.atMost({ scenario: '5 state size', subject: `Export ${kind}, ${tracked} records`, metric: 'static data per record', value: exported.staticDataBytes / tracked, unit: 'B', note: `total ${(exported.staticDataBytes / 1024).toFixed(0)} KiB` }, 32);
				if (exported.idlePlanArgs) planCpu(kind, tracked, exported.idlePlanArgs, exported.idlePlanCpuMs);
			}
		}
		const calendar = await calendarIdle(tracked);
		figures.atMost({ scenario: '1 idle run', subject: `Calendar Sync, ${tracked} linked`, metric: 'requests per run', value: calendar.idleRequests, unit: '', note: `links rebuilt by a first run: ${calendar.rebuildRequests} requests, ${calendar.rebuildWrites} writes` }, 1);
		if (tracked === largest) figures.info({ scenario: '5 state size', subject: `Calendar Sync, ${tracked} links`, metric: 'static data per link', value: calendar.stateBytes / tracked, unit: 'B' });
	}
}

/** Scenario 6: the pure export planner on the arguments it had in the real idle run, repeated for a stable figure. */
function planCpu(kind: CloudKind, tracked: number, args: unknown[], inRunMs: number): void {
	const plan = exportPlanModule.planExport as (...a: unknown[]) => unknown;
	const samples: number[] = [];
	for (let i = 0; i < 3; i++) {
		const start = process.cpuUsage();
		plan(...args);
		samples.push(cpuMs(start));
	}
	const best = Math.min(...samples);
	figures.atMost({ scenario: '6 CPU', subject: `Export planner ${kind}, ${tracked} unchanged`, metric: 'planExport CPU', value: best / 1000, unit: 's', note: `in the node run ${(inRunMs / 1000).toFixed(2)} s` }, 1);
}

async function newFiles(): Promise<void> {
	process.stdout.write('2. Collect 1,000 new small files\n');
	for (const kind of clouds) {
		const r = await collectNew(kind, 1000);
		figures.atMost({ scenario: '2 collect 1,000 new', subject: `Collect ${kind}`, metric: 'requests per file', value: r.requests / r.files, unit: '', note: `${r.feedRequests} feed pages, ${r.otherRequests} other requests, ${r.ms} ms` }, r.targetPerFile);
		figures.info({ scenario: '2 collect 1,000 new', subject: `Collect ${kind}`, metric: 'wall time', value: r.ms / 1000, unit: 's' });
	}
	process.stdout.write('3. Export 1,000 new small files into 50 folders, then the same 1,000 again\n');
	for (const kind of clouds) {
		const r = await exportNew(kind, 1000, 50);
		figures.atMost({ scenario: '3 export 1,000 new', subject: `Export ${kind}`, metric: 'requests per file, after one per new folder', value: (r.requests - r.folders) / r.files, unit: '', note: `${r.requests} requests, ${r.uploads} uploads` }, 1.1);
		figures.info({ scenario: '3 export 1,000 new', subject: `Export ${kind}`, metric: 'wall time', value: r.ms / 1000, unit: 's' });
		figures.atMost({ scenario: '3 export 1,000 new', subject: `Export ${kind}, same 1,000 again`, metric: 'uploads', value: r.againUploads, unit: '', note: `${r.againRequests} requests` }, 0);
	}
}

async function largeFile(): Promise<void> {
	process.stdout.write(`4. One ${bigMiB} MiB file to each destination (fakes in a child process)\n`);
	for (const r of await bigFile(clouds, bigMiB * 2 ** 20)) {
		const rate = (ms: number) => `${(r.bytes / 2 ** 20 / (ms / 1000)).toFixed(0)} MiB/s`;
		figures.atLeast({ scenario: `4 ${bigMiB} MiB file`, subject: `Export ${r.kind}`, metric: 'throughput / plain PUT stored by the fake', value: r.ratio, unit: '', note: `${rate(r.exportMs)} vs ${rate(r.plainPutMs)}; the bare wire without storing: ${rate(r.wirePutMs)}` }, 0.9);
		figures.atMost({ scenario: `4 ${bigMiB} MiB file`, subject: `Export ${r.kind}`, metric: 'peak RSS growth', value: r.peakGrowthMiB, unit: 'MiB' }, 64);
	}
}

async function main(): Promise<void> {
	const at = new Date();
	const loadAtStart = load();
	process.stdout.write(`Bench started ${at.toISOString()}; load average ${loadAtStart}; ${REPS} repetitions per timed figure\n`);
	await idleRuns();
	await newFiles();
	await largeFile();
	const peers = await peersScenario(figures);
	const host = machine();
	const wallSeconds = (Date.now() - at.getTime()) / 1000;
	const loadAtEnd = load();
	const table = markdownTable(figures.all, at, host, { wallSeconds, loadAtStart, loadAtEnd, reps: REPS }) + `\nScales: ${scales.join(', ')} tracked items; large file ${bigMiB} MiB; clouds: ${clouds.join(', ')}.\n${peersTableNote(peers)}`;
	const dir = join(ROOT, 'test', 'bench');
	await mkdir(dir, { recursive: true });
	await writeFile(join(dir, 'results.json'), `${JSON.stringify({ at: at.toISOString(), wallSeconds, loadAtStart, loadAtEnd, reps: REPS, machine: host, scales, bigMiB, figures: figures.all }, null, '\t')}\n`);
	await writeFile(join(dir, 'results.md'), table);
	const readmePath = join(ROOT, 'README.md');
	await writeFile(readmePath, replaceReadmeSection(await readFile(readmePath, 'utf8'), table));
	const missed = figures.all.filter((f) => f.pass === false);
	process.stdout.write(`\n${figures.all.length} figures, ${missed.length} missed their target; README table updated.\n`);
	process.stdout.write(`Whole bench: ${wallSeconds.toFixed(0)} s wall; load average ${loadAtStart} at the start, ${loadAtEnd} at the end.\n`);
}

main()
	.then(() => process.exit(0))
	.catch((error: unknown) => {
		process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
		process.exit(1);
	});
