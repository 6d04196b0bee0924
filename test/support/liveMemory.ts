import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';

let gcFunction: (() => void) | undefined;

/**
 * A full garbage collection (two passes, so finalizers' garbage goes too). `npm run bench` starts node with
 * --expose-gc; Jest and a bench module run alone do not, so the flag is set at run time and gc taken from a fresh
 * context, which V8 supports for this purpose.
 */
export function forceGc(): void {
	if (!gcFunction) {
		if (typeof global.gc === 'function') gcFunction = global.gc as () => void;
		else {
			setFlagsFromString('--expose-gc');
			gcFunction = runInNewContext('gc') as () => void;
		}
	}
	gcFunction();
	gcFunction();
}

/** Memory the process keeps alive: the JS heap plus buffers outside it (file chunks live there). */
export function heldMemory(): number {
	const { heapUsed, external } = process.memoryUsage();
	return heapUsed + external;
}

/** The least time between two forced collections of one measurement. */
const RECHECK_MS = 250;

/**
 * Samples held memory while `work` runs and returns the peak growth over a baseline taken after a full collection.
 * A sample above half the limit that would raise the peak is taken again after a full collection: garbage the
 * collector has not reached yet (it lags on a loaded machine) is not memory the code holds, while a file buffered
 * whole survives any collection. At most one such collection every 250 ms (each is two full collections): when
 * what the upload keeps alive (two 16 MiB chunks) sits near half the limit, a collection every 20 ms sample
 * became the run time (Dropbox's 256 MiB upload: 46 s, against 7 s with 8 MiB chunks); a sample in between waits
 * for the next re-check, which memory that is really held is still there for.
 */
export async function peakHeldGrowth(
	work: () => Promise<void>,
	limit: number,
	everyMs = 20,
): Promise<number> {
	forceGc();
	const baseline = heldMemory();
	let peak = baseline;
	let lastCollection = 0;
	const sample = (final = false) => {
		let now = heldMemory();
		if (now - baseline > limit / 2 && now > peak) {
			if (!final && Date.now() - lastCollection < RECHECK_MS) return;
			forceGc();
			lastCollection = Date.now();
			now = heldMemory();
		}
		peak = Math.max(peak, now);
	};
	const timer = setInterval(sample, everyMs);
	try {
		await work();
	} finally {
		clearInterval(timer);
		sample(true);
	}
	return peak - baseline;
}
