import { existsSync } from 'fs';
import { request } from 'http';
import { pipeline } from 'stream/promises';
import type { StorageProvider } from '../../nodes/shared/storage/types';
import { remoteStorage, startFakeHost } from '../storage/fakeHostClient';
import { patternStream } from '../storage/support';
import type { CloudKind } from './collectIdle';

const ROUNDS = 2;

export interface BigFileResult {
	kind: CloudKind;
	bytes: number;
	exportMs: number;
	/** One plain PUT of the same bytes that the fake stores as it stores uploads (hashes, disk), then drops. */
	plainPutMs: number;
	/** One plain PUT that the fake only reads (loopback and HTTP parsing: the wire alone). */
	wirePutMs: number;
	/** Export throughput / plain PUT throughput. */
	ratio: number;
	/** Peak RSS during the export minus RSS just before it. */
	peakGrowthMiB: number;
}

/**
 * The physical limit: one plain HTTP PUT streaming the same bytes to the same fake process. To `/_control/sink` the
 * fake stores the body exactly as it stores upload content (the same hashes, the same spill to disk) and drops it:
 * what any upload to this fake must cost at least. To any other path, sent without a token, the fake reads the
 * body and refuses: the bare wire.
 */
async function plainPut(url: string, bytes: number): Promise<number> {
	const started = Date.now();
	await new Promise<void>((resolve, reject) => {
		const outgoing = request(url, { method: 'PUT', headers: { 'content-length': String(bytes) } }, (incoming) => {
			incoming.resume();
			incoming.on('end', resolve);
			incoming.on('error', reject);
		});
		outgoing.on('error', reject);
		pipeline(patternStream(bytes, 'plain', 256 * 1024), outgoing).catch(reject);
	});
	return Date.now() - started;
}

/** Samples RSS every 20 ms while `work` runs; returns its wall time and the peak growth. */
async function measured(work: () => Promise<void>): Promise<{ ms: number; growth: number }> {
	global.gc?.();
	const before = process.memoryUsage().rss;
	let peak = before;
	const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
	const started = Date.now();
	try {
		await work();
	} finally {
		clearInterval(timer);
		peak = Math.max(peak, process.memoryUsage().rss);
	}
	return { ms: Date.now() - started, growth: peak - before };
}

/**
 * One large file exported to each cloud by its provider (Drive resumable, Graph upload session, Dropbox upload
 * session: the path the Export node takes for a file n8n keeps on disk), generated as a stream, never a buffer.
 * The fakes run in a child process so their memory and CPU are not counted here.
 */
export async function bigFile(kinds: CloudKind[], bytes: number): Promise<BigFileResult[]> {
	// In memory where the machine has a tmpfs: disk write-back of gigabytes made single timings swing by 50%.
	const host = await startFakeHost({ tempDir: existsSync('/dev/shm') ? '/dev/shm' : undefined });
	const results: BigFileResult[] = [];
	try {
		for (const kind of kinds) {
			const storage = await remoteStorage(host, kind);
			const root = await storage.root();
			// Warm-up: SDK code paths and connections, before the baseline is taken.
			await storage.upload({ parentId: root.id, name: 'warm-up.bin' }, { size: 1, data: Buffer.from('w') });
			await plainPut(`${host.urls[kind]}/_control/sink`, 1024);
			const wirePutMs = await plainPut(`${host.urls[kind]}/bench-plain-put`, bytes);
			// Best of two, alternating, for both: one timing of a multi-second transfer on a shared VM is noise-prone.
			let plainPutMs = Infinity;
			let best = { ms: Infinity, growth: 0 };
			for (let round = 1; round <= ROUNDS; round++) {
				plainPutMs = Math.min(plainPutMs, await plainPut(`${host.urls[kind]}/_control/sink`, bytes));
				let uploaded: Awaited<ReturnType<StorageProvider['upload']>> | undefined;
				const run = await measured(async () => {
					const source = { size: bytes, stream: patternStream(bytes, `big-${kind}`, 256 * 1024) };
					uploaded = await storage.upload({ parentId: root.id, name: `big-${round}.bin` }, source);
				});
				if (uploaded?.size !== bytes) throw new Error(`${kind}: uploaded ${uploaded?.size} of ${bytes} bytes`);
				await storage.delete(uploaded.id); // the fake frees its copy before the next round
				best = { ms: Math.min(best.ms, run.ms), growth: Math.max(best.growth, run.growth) };
			}
			results.push({ kind, bytes, exportMs: best.ms, plainPutMs, wirePutMs, ratio: plainPutMs / best.ms, peakGrowthMiB: best.growth / 2 ** 20 });
		}
	} finally {
		await host.stop();
	}
	return results;
}
