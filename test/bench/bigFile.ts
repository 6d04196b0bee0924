// Run alone, too: './results' must resolve to results.ts even after a bench wrote results.json beside it.
import './tsBeforeJson';
import { Container } from '@n8n/di';
import { existsSync, rmSync, statfsSync } from 'fs';
import { BinaryDataService } from 'n8n-core';
import {
	NodeConnectionTypes,
	type IBinaryData,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { tmpdir } from 'os';
import { join } from 'path';
import { readInputFile } from '../../nodes/ExportToFolder/binary';
import { ChunkedSource } from '../../nodes/shared/storage/chunkedSource';
import { createStorage } from '../../nodes/shared/storage/registry';
import type { StorageKind } from '../../nodes/shared/storage/types';
import { WorkflowHarness } from '../harness/workflow';
import { fakeCredential } from '../nodes/support/nodeFixtures';
import {
	remoteLibrary,
	remoteStorage,
	startFakeHost,
	type FakeHost,
} from '../storage/fakeHostClient';
import { patternStream } from '../storage/support';
import type { CloudKind as FeedCloud } from './collectIdle';
import { profiled } from './cpuProbe';
import { forceGc, REPS } from './results';

/** The clouds of this scenario: a SharePoint library is the Graph fake's, through the same provider as OneDrive. */
type CloudKind = FeedCloud | 'sharePoint';

/** The fake that serves `kind` (SharePoint libraries live in the Graph fake). */
function urlOf(host: FakeHost, kind: CloudKind): string {
	return kind === 'sharePoint' ? host.urls.oneDrive : host.urls[kind];
}

/**
 * Where n8n keeps the bench's input files (binary data in filesystem mode): a tmpfs where there is one, like the
 * fakes' copies. Set at load, before n8n's binary data config is first built (it reads the variable once).
 */
const BINARY_DIR = join(
	existsSync('/dev/shm') ? '/dev/shm' : tmpdir(),
	`bench-binary-${process.pid}`,
);
process.env.N8N_BINARY_DATA_STORAGE_PATH ??= BINARY_DIR;

/**
 * Takes the variable back (when it is ours) and removes the directory, before the bench starts other programs:
 * scenario 7's n8n inherited it and kept its binary data there.
 */
export function releaseBinaryStorage(): void {
	if (process.env.N8N_BINARY_DATA_STORAGE_PATH === BINARY_DIR)
		delete process.env.N8N_BINARY_DATA_STORAGE_PATH;
	rmSync(BINARY_DIR, { recursive: true, force: true });
}
let binaryReady: Promise<void> | undefined;

/** Round trip added by a relay in front of the fakes (0: bare loopback). */
const LATENCY_MS = Number(process.env.BENCH_BIG_LATENCY_MS ?? 0);

/** Alternating repetitions of each (export, plain PUT) pair; the issue asks for a median of at least five. */
const REPETITIONS = REPS;

export interface BigFileResult {
	kind: CloudKind;
	bytes: number;
	/** Wall time of each export run (the node in the engine, through n8n's request helpers). */
	exportMs: number[];
	/** Wall time of each plain PUT of the same bytes, through n8n's httpRequest from a node in the same engine. */
	plainPutMs: number[];
	/** Per repetition: plain PUT time / export time (the export's throughput relative to the plain PUT). */
	ratios: number[];
	/** CPU time of this process per export and per plain PUT. */
	exportCpuMs: number[];
	plainPutCpuMs: number[];
	/** Per export: peak heap + buffers minus the same after a forced garbage collection just before it. */
	peakGrowthMiB: number[];
	/** Per export: the same for RSS. */
	rssGrowthMiB: number[];
	/** The same for the plain PUTs: what n8n's request path itself holds while streaming. */
	plainPeakGrowthMiB: number[];
	/** Per pair: the bench process's peak RSS, and the tmpfs in use at its peak (inputs + the fakes' copies). */
	rssPeakMiB: number[];
	shmPeakMiB: number[];
	/** The provider's chunk size, for the memory target (two chunks). */
	chunkMiB: number;
	/** Per export, from the fake's request log: time inside its requests (arrival to answer), and between them. */
	insideFakeMs: number[];
	/** Per export: its first pass over the input (readInputFile: size and hash for the planner), inside exportMs. */
	inputReadMs: number[];
	betweenMs: number[];
}

interface LoggedRequest {
	seq: number;
	at: number;
	doneAt?: number;
	method?: string;
	path?: string;
	bytesIn?: number;
}

/**
 * With BENCH_BIG_TIMELINE=1, how long the uploader waited for its own reading (ChunkedSource.next: the chunk read
 * ahead, copied and hashed while the previous one was on the wire, not ready when the answer came). Bench only:
 * the method is wrapped here, the product code is unchanged.
 */
const ownReading = { ms: 0, calls: 0 };
if (process.env.BENCH_BIG_TIMELINE) {
	const next = ChunkedSource.prototype.next;
	ChunkedSource.prototype.next = async function (this: ChunkedSource) {
		const started = process.hrtime.bigint();
		try {
			return await next.call(this);
		} finally {
			ownReading.ms += Number(process.hrtime.bigint() - started) / 1e6;
			ownReading.calls++;
		}
	};
}

/** With BENCH_BIG_TIMELINE=1: each request of an export, its time inside the fake and the gap before it. */
function printTimeline(kind: CloudKind, requests: LoggedRequest[]): void {
	if (!process.env.BENCH_BIG_TIMELINE) return;
	process.stdout.write(
		`       ${kind}: waited ${Math.round(ownReading.ms)} ms for its own reading over ${ownReading.calls} chunks\n`,
	);
	ownReading.ms = 0;
	ownReading.calls = 0;
	let previous: number | undefined;
	for (const r of requests) {
		const inside = (r.doneAt ?? r.at) - r.at;
		const gap = previous === undefined ? 0 : r.at - previous;
		process.stdout.write(
			`       ${kind} ${r.method ?? ''} ${(r.path ?? '').slice(0, 40)} ${((r.bytesIn ?? 0) / 2 ** 20).toFixed(1)} MiB: gap ${gap} ms, inside ${inside} ms\n`,
		);
		previous = r.doneAt ?? r.at;
	}
}

/** The fake's request log after `since` (its seq): where an export's wall time went, request by request. */
async function requestLog(
	host: FakeHost,
	kind: CloudKind,
	since: number,
): Promise<LoggedRequest[]> {
	const response = await fetch(`${urlOf(host, kind)}/_control/log`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ since }),
	});
	return ((await response.json()) as { requests: LoggedRequest[] }).requests;
}

/** Bench only: the fake drops the content of deleted files it keeps for restores (Dropbox revisions, recycle bin). */
async function purgeDeleted(host: FakeHost, kind: CloudKind): Promise<void> {
	const response = await fetch(`${urlOf(host, kind)}/_control/purge-deleted`, { method: 'POST' });
	if (!response.ok) throw new Error(`${kind}: purge-deleted answered ${response.status}`);
}

function split(requests: LoggedRequest[]): { inside: number; between: number } {
	let inside = 0;
	let between = 0;
	for (let i = 0; i < requests.length; i++) {
		inside += (requests[i].doneAt ?? requests[i].at) - requests[i].at;
		if (i > 0)
			between += Math.max(0, requests[i].at - (requests[i - 1].doneAt ?? requests[i - 1].at));
	}
	return { inside, between };
}

/**
 * A node for the benchmark only. Inside n8n's engine it either
 * - `prepare`s the input: a generated stream of `bytes` stored as n8n binary data on disk (filesystem mode, as
 *   n8n 2.x keeps files by default; the item carries only the id), once per size;
 * - `export`s it as Export to Folder does with such a file: readInputFile (a whole pass to learn size and hash for
 *   the planner), then the upload through the package's provider (createStorage: the transport over n8n's
 *   httpRequestWithAuthentication), so the figure is the whole read-and-upload a user waits for;
 * - or streams the same file as one `plainPut` through n8n's httpRequest: the same request path without any
 *   protocol around it, with redirects off (n8n's redirect support, follow-redirects, keeps every byte of a body it
 *   may have to send again: a 2 GiB body held whole; with maxRedirects 0 axios writes to plain http).
 */
class BigUploadNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Big Upload (bench)',
		name: 'bigUpload',
		group: ['output'],
		version: 1,
		description: 'Benchmark upload',
		defaults: { name: 'Big Upload' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'cloudSyncGoogleDriveOAuth2Api', required: false },
			{ name: 'cloudSyncMicrosoftOneDriveOAuth2Api', required: false },
			{ name: 'cloudSyncDropboxOAuth2Api', required: false },
		],
		properties: [
			{ displayName: 'Mode', name: 'mode', type: 'string', default: 'export' },
			{ displayName: 'Cloud', name: 'cloud', type: 'string', default: '' },
			{ displayName: 'Bytes', name: 'bytes', type: 'number', default: 0 },
			{ displayName: 'Binary', name: 'binary', type: 'string', default: '' },
			{ displayName: 'Name', name: 'fileName', type: 'string', default: '' },
			{ displayName: 'Parent', name: 'parentId', type: 'string', default: '' },
			{ displayName: 'Sink', name: 'sinkUrl', type: 'string', default: '' },
			{ displayName: 'Library', name: 'library', type: 'string', default: '' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const mode = this.getNodeParameter('mode', 0) as string;
		if (mode === 'prepare') {
			const bytes = this.getNodeParameter('bytes', 0) as number;
			const stored = await this.helpers.prepareBinaryData(
				patternStream(bytes, 'big-input', 256 * 1024),
				'big.bin',
				'application/octet-stream',
			);
			if (!stored.id) throw new Error('n8n kept the bench input in memory, not on disk');
			return [[{ json: { binary: JSON.stringify(stored) } }]];
		}
		const binary = JSON.parse(this.getNodeParameter('binary', 0) as string) as IBinaryData;
		if (mode === 'plainPut') {
			const size = this.getNodeParameter('bytes', 0) as number;
			await this.helpers.httpRequest({
				method: 'PUT',
				url: this.getNodeParameter('sinkUrl', 0) as string,
				headers: { 'content-length': String(size), 'content-type': 'application/octet-stream' },
				body: await this.helpers.getBinaryStream(binary.id!, 256 * 1024),
				json: false,
				disableFollowRedirect: true,
			});
			return [[{ json: { size } }]];
		}
		// A SharePoint library by its drive id, as the node's "Document Library" From List gives it.
		const library = this.getNodeParameter('library', 0, '') as string;
		const storage = await createStorage(
			this,
			this.getNodeParameter('cloud', 0) as StorageKind,
			library
				? { library: { site: { mode: 'id', value: '' }, library: { mode: 'id', value: library } } }
				: {},
		);
		const reading = process.hrtime.bigint();
		const file = await readInputFile(this, binary, storage.hashKind);
		const readMs = Number(process.hrtime.bigint() - reading) / 1e6;
		const uploaded = await storage.upload(
			{
				parentId: this.getNodeParameter('parentId', 0) as string,
				name: this.getNodeParameter('fileName', 0) as string,
			},
			await file.open(),
		);
		return [[{ json: { id: uploaded.id, size: uploaded.size, readMs } }]];
	}
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

/** What the program holds: the JS heap plus buffers outside it (chunk buffers, socket writes). */
const held = () => {
	const usage = process.memoryUsage();
	return usage.heapUsed + usage.external;
};

/**
 * Samples memory every 10 ms while `work` runs, from a baseline taken right after a forced garbage collection:
 * the growth of what the program holds (heap + buffers), the figure judged, and of RSS, shown beside it (RSS
 * rarely falls after a peak, as the allocator keeps freed pages, so it reads low after a bigger run).
 */
/** Bytes in use on the tmpfs that holds the input files and the fakes' copies (0 without one). */
function shmUsed(): number {
	if (!existsSync('/dev/shm')) return 0;
	const fs = statfsSync('/dev/shm');
	return (fs.blocks - fs.bfree) * fs.bsize;
}

interface Measured {
	ms: number;
	/** CPU time of this process (the engine, the node, n8n's request path; the fakes run in their own). */
	cpuMs: number;
	growth: number;
	rssGrowth: number;
	/** Absolute peaks, for the memory budget of the machine: this process's RSS and the tmpfs in use. */
	rssPeak: number;
	shmPeak: number;
}

async function measured(work: () => Promise<void>): Promise<Measured> {
	forceGc();
	const before = held();
	const rssBefore = process.memoryUsage().rss;
	let peak = before;
	let rssPeak = rssBefore;
	let shmPeak = shmUsed();
	// BENCH_BIG_LIVE=1 (a diagnostic run, its times are not figures): collect garbage before every sample, so the
	// peak is what the upload keeps alive, apart from garbage of the source's pieces not yet collected.
	const live = Boolean(process.env.BENCH_BIG_LIVE);
	const sample = () => {
		if (live) forceGc();
		peak = Math.max(peak, held());
		rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
		shmPeak = Math.max(shmPeak, shmUsed());
	};
	const timer = setInterval(sample, live ? 25 : 10);
	const started = process.hrtime.bigint();
	const cpuStart = process.cpuUsage();
	try {
		await work();
	} finally {
		clearInterval(timer);
		sample();
	}
	return {
		ms: Number(process.hrtime.bigint() - started) / 1e6,
		cpuMs: (() => {
			const used = process.cpuUsage(cpuStart);
			return (used.user + used.system) / 1000;
		})(),
		growth: peak - before,
		rssGrowth: rssPeak - rssBefore,
		rssPeak,
		shmPeak,
	};
}

const TOKEN_REQUEST: Record<CloudKind, { flavour: string; scopes: string[] }> = {
	googleDrive: { flavour: 'google', scopes: ['https://www.googleapis.com/auth/drive'] },
	oneDrive: { flavour: 'microsoft', scopes: ['Files.ReadWrite'] },
	sharePoint: { flavour: 'microsoft', scopes: ['Files.ReadWrite', 'Sites.ReadWrite.All'] },
	dropbox: {
		flavour: 'dropbox',
		scopes: [
			'files.metadata.read',
			'files.content.read',
			'files.content.write',
			'account_info.read',
		],
	},
};

async function issueToken(
	host: FakeHost,
	kind: CloudKind,
): Promise<{ accessToken: string; refreshToken: string }> {
	const response = await fetch(`${urlOf(host, kind)}/_control/issue-token`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(TOKEN_REQUEST[kind]),
	});
	const tokens = (await response.json()) as { access_token: string; refresh_token: string };
	return { accessToken: tokens.access_token, refreshToken: tokens.refresh_token };
}

/** One workflow per cloud: Input -> Big Upload, with a connected credential whose API base URL is the fake. */
async function benchWorkflow(host: FakeHost, kind: CloudKind): Promise<WorkflowHarness> {
	const harness = new WorkflowHarness().registerNode('bigUpload', new BigUploadNode());
	const credentials = (
		await fakeCredential(kind, {
			fake: { baseUrl: urlOf(host, kind) },
			wire: await issueToken(host, kind),
		})
	)(harness);
	harness.addNode({ name: 'Big Upload', type: 'bigUpload', credentials });
	return harness;
}

async function runNode(
	harness: WorkflowHarness,
	parameters: Record<string, string | number>,
): Promise<INodeExecutionData[]> {
	harness.setParameters('Big Upload', parameters);
	const result = await harness.run();
	if (result.error) throw result.error;
	return result.output('Big Upload');
}

/**
 * Scenario 4: one large file to each cloud, generated as a stream, never a buffer, by a node running in n8n's
 * engine, and the plain PUT of the same bytes through the same n8n request helpers, alternating, `REPETITIONS`
 * times. The plain PUT goes to `/_control/sink`, where the fake stores the body exactly as it stores upload
 * content (the same hashes, the same spill) and drops it: what any upload to this fake costs at least. The fakes
 * run in a child process so their memory and CPU are not counted here.
 */
export async function bigFile(kinds: CloudKind[], bytes: number): Promise<BigFileResult[]> {
	// In memory where the machine has a tmpfs: disk write-back of gigabytes made single timings swing by 50%.
	// BENCH_BIG_LATENCY_MS=<n>: both the export and the plain PUT cross a relay adding n ms per round trip (a real
	// link's latency; bandwidth is loopback's), the model the chunk sizes are chosen from.
	const host = await startFakeHost({
		tempDir: existsSync('/dev/shm') ? '/dev/shm' : undefined,
		latencyMs: LATENCY_MS,
	});
	const results: BigFileResult[] = [];
	binaryReady ??= Container.get(BinaryDataService).init();
	await binaryReady;
	const preparer = new WorkflowHarness().registerNode('bigUpload', new BigUploadNode());
	preparer.addNode({ name: 'Big Upload', type: 'bigUpload' });
	const inputs = new Map<number, Promise<string>>();
	/** The input file of `size` bytes, written once as n8n binary data: its IBinaryData as JSON. */
	const input = (size: number): Promise<string> => {
		if (!inputs.has(size))
			inputs.set(
				size,
				runNode(preparer, { mode: 'prepare', bytes: size }).then(([item]) =>
					String(item.json.binary),
				),
			);
		return inputs.get(size)!;
	};
	try {
		for (const kind of kinds) {
			const cleanup = await remoteStorage(host, kind);
			const root = await cleanup.root();
			const harness = await benchWorkflow(host, kind);
			const sinkUrl = `${urlOf(host, kind)}/_control/sink`;
			const library = kind === 'sharePoint' ? (await remoteLibrary(host)).driveId : '';
			let lastReadMs = 0;
			const exportOnce = async (name: string, size: number) => {
				const [item] = await runNode(harness, {
					mode: 'export',
					cloud: kind,
					binary: await input(size),
					fileName: name,
					parentId: root.id,
					library,
				});
				if (item?.json.size !== size)
					throw new Error(`${kind}: uploaded ${String(item?.json.size)} of ${size} bytes`);
				lastReadMs = Number(item.json.readMs);
				return String(item.json.id);
			};
			const putOnce = async (size: number) =>
				runNode(harness, { mode: 'plainPut', bytes: size, binary: await input(size), sinkUrl });
			// Warm-up: code paths, connections and the engine, before any baseline.
			await cleanup.delete(await exportOnce('warm-up.bin', 64 * 1024 * 1024));
			await purgeDeleted(host, kind);
			await putOnce(64 * 1024 * 1024);
			const result: BigFileResult = {
				kind,
				bytes,
				exportMs: [],
				plainPutMs: [],
				exportCpuMs: [],
				plainPutCpuMs: [],
				ratios: [],
				peakGrowthMiB: [],
				rssGrowthMiB: [],
				plainPeakGrowthMiB: [],
				rssPeakMiB: [],
				shmPeakMiB: [],
				insideFakeMs: [],
				inputReadMs: [],
				betweenMs: [],
				// The same provider as the node's, over the bench's own wire: its chunk size is the node's.
				chunkMiB: (cleanup.features.chunkSize ?? 0) / 2 ** 20,
			};
			for (let round = 1; round <= REPETITIONS; round++) {
				// Alternate which goes first, so a load change on the shared machine meets both.
				const order = round % 2 === 1 ? ['export', 'put'] : ['put', 'export'];
				const none: Measured = { ms: 0, cpuMs: 0, growth: 0, rssGrowth: 0, rssPeak: 0, shmPeak: 0 };
				let exportRun = none;
				let putRun = none;
				for (const what of order) {
					if (what === 'export') {
						const before = await requestLog(host, kind, 0);
						const mark = before.length ? before[before.length - 1].seq : 0;
						let id = '';
						Object.assign(ownReading, { ms: 0, calls: 0 });
						exportRun = await measured(() =>
							profiled(`big-${kind}-${round}`, async () => {
								id = await exportOnce(`big-${round}.bin`, bytes);
							}),
						);
						const log = await requestLog(host, kind, mark);
						printTimeline(kind, log);
						const parts = split(log);
						result.insideFakeMs.push(parts.inside);
						result.inputReadMs.push(lastReadMs);
						result.betweenMs.push(parts.between);
						await cleanup.delete(id);
						await purgeDeleted(host, kind); // the fake frees its copy before the next run
					} else putRun = await measured(async () => void (await putOnce(bytes)));
				}
				result.exportMs.push(exportRun.ms);
				result.plainPutMs.push(putRun.ms);
				result.exportCpuMs.push(exportRun.cpuMs);
				result.plainPutCpuMs.push(putRun.cpuMs);
				result.ratios.push(putRun.ms / exportRun.ms);
				result.peakGrowthMiB.push(exportRun.growth / 2 ** 20);
				result.rssGrowthMiB.push(exportRun.rssGrowth / 2 ** 20);
				result.plainPeakGrowthMiB.push(putRun.growth / 2 ** 20);
				result.rssPeakMiB.push(Math.max(exportRun.rssPeak, putRun.rssPeak) / 2 ** 20);
				result.shmPeakMiB.push(Math.max(exportRun.shmPeak, putRun.shmPeak) / 2 ** 20);
				process.stdout.write(
					`     ${kind} round ${round}: export ${Math.round(exportRun.ms)} ms, CPU ${Math.round(exportRun.cpuMs)} ms (reading and hashing the input ${Math.round(lastReadMs)} ms; in the fake's requests ${Math.round(result.insideFakeMs[result.insideFakeMs.length - 1])} ms, between them ${Math.round(result.betweenMs[result.betweenMs.length - 1])} ms; +${(exportRun.growth / 2 ** 20).toFixed(1)} MiB held, RSS +${(exportRun.rssGrowth / 2 ** 20).toFixed(1)}), plain PUT ${Math.round(putRun.ms)} ms, CPU ${Math.round(putRun.cpuMs)} ms (+${(putRun.growth / 2 ** 20).toFixed(1)} MiB held, RSS +${(putRun.rssGrowth / 2 ** 20).toFixed(1)}); peak RSS ${mib(Math.max(exportRun.rssPeak, putRun.rssPeak))} MiB, /dev/shm peak ${mib(Math.max(exportRun.shmPeak, putRun.shmPeak))} MiB\n`,
				);
			}
			results.push(result);
		}
	} finally {
		await host.stop();
		rmSync(BINARY_DIR, { recursive: true, force: true });
	}
	return results;
}

/** Scenario 4 alone: `npx ts-node --transpile-only test/bench/bigFile.ts [MiB] [clouds]` (prints the raw samples). */
if (require.main === module) {
	const mib = Number(process.argv[2] ?? 2048);
	const kinds = (process.argv[3] ?? 'googleDrive,oneDrive,dropbox').split(',') as CloudKind[];
	bigFile(kinds, mib * 2 ** 20)
		.then((results) => {
			process.stdout.write(`${JSON.stringify(results)}\n`);
			process.exit(0);
		})
		.catch((error: unknown) => {
			process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
			process.exit(1);
		});
}
