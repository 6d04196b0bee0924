import { memoryGrowth } from './results';
import { startProfiling } from './cpuProbe';

/** One whole node run through n8n's engine: wall and CPU time, and peak RSS growth over a post-GC baseline. */
export interface RunFigures {
	ms: number;
	cpuMs: number;
	peakRssGrowthMiB: number;
	requests: number;
}

/**
 * Measures `run` (a whole workflow run in the harness: n8n's WorkflowExecute, the node, the fake on loopback in
 * this process, so CPU includes the fake's share). `requests` counts what the fake served during it.
 */
export async function measureRun(
	name: string,
	requestCount: () => number,
	run: () => Promise<void>,
): Promise<RunFigures> {
	const before = requestCount();
	let stopProfiling: (() => Promise<void>) | undefined;
	let measured: Awaited<ReturnType<typeof memoryGrowth<void>>>;
	try {
		// The profile starts after the baseline's forced collection and is written after the clock stops.
		measured = await memoryGrowth(async () => {
			stopProfiling = await startProfiling(name);
			await run();
		});
	} finally {
		await stopProfiling?.();
	}
	return {
		ms: measured.ms,
		cpuMs: measured.cpuMs,
		peakRssGrowthMiB: measured.peakRssGrowth / 2 ** 20,
		requests: requestCount() - before,
	};
}
