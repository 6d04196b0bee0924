/**
 * Export state per record at each scale, with the bench's own measure (exportIdle.ts: the node's state as JSON
 * after a rebuilding first run and an idle run against the fakes, whose ids have the providers' real shapes).
 * `node --expose-gc -r ts-node/register/transpile-only test/bench/stateSizes.ts [scales] [clouds]`, e.g. `1000,10000 dropbox`.
 */
import './tsBeforeJson';
import { exportIdleBench } from './exportIdle';
import type { CloudKind } from './collectIdle';

async function main(): Promise<void> {
	const scales = (process.argv[2] ?? '1000,10000,100000').split(',').map(Number);
	const clouds = (process.argv[3] ?? 'googleDrive,oneDrive,dropbox').split(',') as CloudKind[];
	for (const tracked of scales)
		for (const kind of clouds) {
			const bench = await exportIdleBench(kind, tracked);
			try {
				await bench.rebuild();
				const idle = await bench.idle();
				const bytes = bench.stateBytes();
				const sample = (bench.planArgs()?.[1] as { records?: Map<string, { id: string }> })
					?.records;
				const id = sample ? [...sample.values()][0]?.id : undefined;
				process.stdout.write(
					`${kind} ${tracked}: ${(bytes / tracked).toFixed(1)} B per record (${bytes} B; idle run ${idle.requests} request(s), ${idle.uploads} uploads${id ? `; an id: ${id}` : ''})\n`,
				);
			} finally {
				await bench.close();
			}
		}
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});
