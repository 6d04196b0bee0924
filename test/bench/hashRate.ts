import { createHasher } from '../../nodes/shared/hashes';
import type { HashKind } from '../../nodes/shared/storage/types';
import { median } from './results';

/**
 * Single-core throughput of each content hash the uploads compute, as they feed it (1 MiB pieces), per second of
 * CPU: the figures the README quotes. Median of five passes over 256 MiB each. `npx ts-node --transpile-only test/bench/hashRate.ts`
 */
export function hashRates(
	kinds: HashKind[] = ['md5', 'quickXorHash', 'dropboxContentHash', 'sha256'],
	mib = 256,
): Record<string, { medianMiBs: number; min: number; max: number }> {
	const piece = Buffer.alloc(2 ** 20);
	for (let i = 0; i < piece.length; i++) piece[i] = (i * 2654435761) >>> 24;
	const result: Record<string, { medianMiBs: number; min: number; max: number }> = {};
	for (const kind of kinds) {
		const rates: number[] = [];
		for (let pass = 0; pass < 6; pass++) {
			const hasher = createHasher(kind);
			// CPU time, not wall time: on a shared machine the wall clock measures the neighbours too.
			const started = process.cpuUsage();
			for (let i = 0; i < mib; i++) hasher.update(piece);
			hasher.digest();
			const used = process.cpuUsage(started);
			const seconds = (used.user + used.system) / 1e6;
			if (pass > 0) rates.push(mib / seconds); // the first pass warms the JIT
		}
		result[kind] = {
			medianMiBs: Math.round(median(rates)),
			min: Math.round(Math.min(...rates)),
			max: Math.round(Math.max(...rates)),
		};
	}
	return result;
}

if (require.main === module) process.stdout.write(`${JSON.stringify(hashRates(), null, 2)}\n`);
