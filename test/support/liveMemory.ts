import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';

// Jest runs without --expose-gc; a fresh context sees the gc function once the flag is set.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

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
	collect();
	const baseline = heldMemory();
	let peak = baseline;
	const sample = () => {
		let now = heldMemory();
		if (now - baseline > limit / 2) {
			collect();
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
