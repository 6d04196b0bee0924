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

/**
 * Samples held memory while `work` runs and returns the peak growth over a baseline taken after a full collection.
 * A sample above half the limit is taken again after a full collection: garbage the collector has not reached yet
 * (it lags on a loaded machine) is not memory the code holds, while a file buffered whole survives any collection.
 */
export async function peakHeldGrowth(
	work: () => Promise<void>,
	limit: number,
	everyMs = 20,
): Promise<number> {
	forceGc();
	const baseline = heldMemory();
	let peak = baseline;
	const sample = () => {
		let now = heldMemory();
		if (now - baseline > limit / 2) {
			forceGc();
			now = heldMemory();
		}
		peak = Math.max(peak, now);
	};
	const timer = setInterval(sample, everyMs);
	try {
		await work();
	} finally {
		clearInterval(timer);
		sample();
	}
	return peak - baseline;
}
