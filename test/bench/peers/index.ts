import '../tsBeforeJson';
import { spawn } from 'child_process';
import {
	copyFileSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { installN8n, N8nInstance, N8N_VERSIONS, packPackage } from '../../e2e/n8nInstance';
import { Figures } from '../results';
import { hostsFile, API_HOSTS } from './hosts';
import { BenchNamespace } from './namespace';
import { makeTestCertificates } from './testCa';
import { median } from './timeline';
import type { PairResult, PeerConfig, SideResult } from './types';

/**
 * Scenario 7: n8n's built-in Dropbox, Google Drive, Microsoft OneDrive and Google Calendar nodes against ours,
 * on the same jobs, in the same n8n, against the same fakes, in one run. The built-in nodes call fixed API
 * hosts, so n8n and the fakes run in a network namespace whose hosts file sends those names to the fakes, which
 * serve TLS with a test CA that n8n trusts through NODE_EXTRA_CA_CERTS. Needs root and the n8n install cache.
 *   BENCH_PEERS=0            skip the scenario
 *   BENCH_PEER_FILES=1000    files per collect/export job; BENCH_PEER_EVENTS=500 events in the calendar job
 *   BENCH_PEERS_BUILD=0      pack the dist/ as it is instead of building first
 *   BENCH_PEER_LATENCY_MS=40 round trip added to every request by a relay in front of the fakes (0: bare loopback)
 *   BENCH_PEER_REPEATS=5     first runs per side of each export job (alternating which side goes first)
 *   BENCH_PEER_JOBS=collect,export,calendar   BENCH_CLOUDS=googleDrive,oneDrive,dropbox   (subsets while developing)
 *   BENCH_PEER_PROFILE=<dir> n8n runs with --cpu-prof into <dir>; the result JSON there has each run's time window
 */
const REPO = resolve(__dirname, '..', '..', '..');
/** A round trip within a continent to a cloud API's front end (see README, scenario 7). */
const DEFAULT_LATENCY_MS = 40;
let latencyNote = DEFAULT_LATENCY_MS;
const N8N = N8N_VERSIONS.v1;

export interface PeersReport {
	skipped?: string;
	pairs: PairResult[];
}

export async function peersScenario(figures: Figures): Promise<PeersReport> {
	const files = Number(process.env.BENCH_PEER_FILES ?? 1000);
	const events = Number(process.env.BENCH_PEER_EVENTS ?? 500);
	process.stdout.write(
		`7. n8n built-in nodes against ours (same n8n ${N8N.version}, same fakes, real host names over TLS; ${files} files, ${events} events)\n`,
	);
	if (process.env.BENCH_PEERS === '0') return skip('BENCH_PEERS=0');
	const unavailable = await BenchNamespace.available();
	if (unavailable) return skip(unavailable);

	if (process.env.BENCH_PEERS_BUILD !== '0') await runCommand('npm', ['run', 'build'], REPO);
	const [n8nDir, tarball] = await Promise.all([installN8n(N8N.version), packPackage()]);
	const workDir = mkdtempSync(join(tmpdir(), 'cloud-sync-peers-'));
	const namespace = new BenchNamespace();
	try {
		const certs = await makeTestCertificates(workDir, [...new Set(Object.keys(API_HOSTS))]);
		const config: PeerConfig = {
			workDir,
			n8nDir,
			n8nVersion: N8N.version,
			n8nUserFolder: join(workDir, 'n8n'),
			caFile: certs.caFile,
			keyFile: join(workDir, 'server.key'),
			certFile: join(workDir, 'server.pem'),
			resultFile: join(workDir, 'result.json'),
			files,
			events,
			latencyMs: Number(process.env.BENCH_PEER_LATENCY_MS ?? DEFAULT_LATENCY_MS),
			repeats: Math.max(1, Number(process.env.BENCH_PEER_REPEATS ?? 5)),
			jobs: (process.env.BENCH_PEER_JOBS ?? 'collect,export,calendar').split(
				',',
			) as PeerConfig['jobs'],
			clouds: (process.env.BENCH_CLOUDS ?? 'googleDrive,oneDrive,dropbox').split(
				',',
			) as PeerConfig['clouds'],
			profileDir: process.env.BENCH_PEER_PROFILE
				? resolve(process.env.BENCH_PEER_PROFILE)
				: undefined,
		};
		if (config.profileDir) mkdirSync(config.profileDir, { recursive: true });
		// The namespace has no route out: the package's dependencies come from the registry before entering it.
		await new N8nInstance(n8nDir, 1, config.n8nUserFolder).installPackage(tarball);
		const configFile = join(workDir, 'config.json');
		writeFileSync(configFile, JSON.stringify(config));
		await namespace.create(hostsFile());
		const [command, args] = namespace.exec(process.execPath, [
			'-r',
			require.resolve('ts-node/register/transpile-only'),
			join(__dirname, 'inNamespace.ts'),
			configFile,
		]);
		await runCommand(command, args, REPO);
		if (!existsSync(config.resultFile)) throw new Error('scenario 7 wrote no result');
		const { pairs } = JSON.parse(readFileSync(config.resultFile, 'utf8')) as {
			pairs: PairResult[];
		};
		if (config.profileDir) copyFileSync(config.resultFile, join(config.profileDir, 'result.json'));
		latencyNote = config.latencyMs;
		for (const pair of pairs) addFigures(figures, pair);
		return { pairs };
	} finally {
		await namespace.remove();
		rmSync(workDir, { recursive: true, force: true });
	}
}

/** The line under the README table: which n8n, how the peers were reached, or why the scenario did not run. */
export function peersTableNote(report: PeersReport): string {
	if (report.skipped) return `Scenario 7 (n8n's built-in nodes) not run: ${report.skipped}.\n`;
	return (
		`Scenario 7 runs n8n ${N8N.version} on Node 20 only (one version is enough for the comparison): n8n's built-in Google Drive (v3), ` +
		'Microsoft OneDrive, Dropbox and Google Calendar nodes, with Remove Duplicates v2 ("value is new", across executions) doing the ' +
		'compare, and ours, in one n8n with production webhooks, against the same fakes reached on the real API host names over TLS ' +
		`inside a network namespace, every connection through a relay that adds ${latencyNote} ms per round trip (latency.ts); ` +
		'first runs (into empty destinations, alternating which side goes first) and repeat runs are reported apart; ratios are built-in / ours.\n'
	);
}

function skip(reason: string): PeersReport {
	process.stdout.write(`  skipped: ${reason}\n`);
	return { skipped: reason, pairs: [] };
}

/** Run a child with its output passed through; reject on a non-zero exit. Stops it if the bench is interrupted. */
async function runCommand(command: string, args: string[], cwd: string): Promise<void> {
	await new Promise<void>((resolvePromise, reject) => {
		const child = spawn(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
		const stop = () => child.kill('SIGTERM');
		process.once('SIGINT', stop);
		child.on('error', reject);
		child.on('close', (code) => {
			process.off('SIGINT', stop);
			if (code === 0) resolvePromise();
			else reject(new Error(`${command} ${args.slice(0, 4).join(' ')}... exited with ${code}`));
		});
	});
}

const runsOf = (side: SideResult, phase: 'first' | 'repeat') =>
	side.runs.filter((run) => (run.phase ?? 'first') === phase);
const peak = (side: SideResult) => Math.max(...side.runs.map((run) => run.peakRssMiB));
const growth = (side: SideResult) => Math.max(...side.runs.map((run) => run.rssGrowthMiB));

/** "median 812 ms (780-901, 5 runs)" */
function spread(values: number[], unit: string): string {
	const digits = (v: number) => (unit === 'ms' ? Math.round(v) : Number(v.toFixed(2)));
	if (values.length === 1) return `${digits(values[0])} ${unit}`;
	return `median ${digits(median(values))} ${unit} (${digits(Math.min(...values))}-${digits(Math.max(...values))}, ${values.length} runs)`;
}

function subjectOf(pair: PairResult): string {
	const job = {
		collect: 'Collect (list + compare)',
		export: 'Export (upload)',
		calendar: 'Calendar (getAll)',
	}[pair.job];
	return `${job} ${pair.cloud}`;
}

function addFigures(figures: Figures, pair: PairResult): void {
	const scenario = '7 built-in / ours';
	const { peer, ours } = pair;
	for (const phase of ['first', 'repeat'] as const) {
		const [p, o] = [runsOf(peer, phase), runsOf(ours, phase)];
		if (p.length === 0 || o.length === 0) continue;
		const subject = `${subjectOf(pair)}, ${phase === 'first' ? 'first run' : pair.job === 'export' ? 'repeat run (built-in uploads all again)' : 'second run'}`;
		const [pMs, oMs] = [p.map((run) => run.ms), o.map((run) => run.ms)];
		const wall = {
			scenario,
			subject,
			metric: 'wall time, built-in / ours (medians)',
			value: median(pMs) / median(oMs),
			unit: '×',
			note: `built-in ${spread(pMs, 'ms')}, ours ${spread(oMs, 'ms')}`,
		};
		// The bar: ours is not slower than any built-in node on a first run of the same files.
		if (phase === 'first' && pair.job === 'export') figures.atLeast(wall, 1);
		else figures.info(wall);
		figures.info({
			scenario,
			subject,
			metric: 'requests, built-in / ours',
			value: median(p.map((run) => run.requests)) / median(o.map((run) => run.requests)),
			unit: '×',
			note: `built-in ${spread(
				p.map((run) => run.requests),
				'',
			)}, ours ${spread(
				o.map((run) => run.requests),
				'',
			)}`
				.replace(/ \)/g, ')')
				.replace(/ ,/g, ','),
		});
	}
	figures.info({
		scenario,
		subject: subjectOf(pair),
		metric: 'peak n8n RSS, built-in / ours',
		value: peak(peer) / peak(ours),
		unit: '×',
		note: `built-in ${peak(peer).toFixed(0)} MiB (+${growth(peer).toFixed(1)} during a run), ours ${peak(ours).toFixed(0)} MiB (+${growth(ours).toFixed(1)}); one shared n8n process`,
	});
	const wrong = (side: SideResult) => side.missed + side.duplicated;
	figures.atMost(
		{
			scenario,
			subject: subjectOf(pair),
			metric: 'missed + duplicated (ours; built-in in the note)',
			value: wrong(ours),
			unit: '',
			note: `built-in missed ${peer.missed}, duplicated ${peer.duplicated}; ours missed ${ours.missed}, duplicated ${ours.duplicated}`,
		},
		0,
	);
}

/**
 * Scenario 7 alone: `npx ts-node --transpile-only test/bench/peers/index.ts` (prints the figures, writes nothing).
 * CI runs it small as the second independent client: it fails when a built-in node's workflow fails against the
 * fakes or when a figure misses its target (ours missed or duplicated something).
 */
if (require.main === module) {
	const figures = new Figures();
	peersScenario(figures)
		.then((report) => {
			const missed = figures.all.filter((figure) => figure.pass === false);
			if (report.skipped) process.stderr.write(`scenario 7 did not run: ${report.skipped}\n`);
			process.exit(missed.length > 0 || report.skipped ? 1 : 0);
		})
		.catch((error: unknown) => {
			process.stderr.write(`scenario 7 failed: ${(error as Error).stack ?? String(error)}\n`);
			process.exit(1);
		});
}
