import { createHash } from 'crypto';
import { Readable } from 'stream';

const BLOCK = 64 * 1024;

/** One deterministic 64 KiB block of pseudo-random bytes for (seed, index). */
function block(seed: string, index: number): Buffer {
	const out = Buffer.allocUnsafe(BLOCK);
	let state = createHash('sha256').update(`${seed}:${index}`).digest();
	for (let at = 0; at < BLOCK; at += state.length) {
		state.copy(out, at);
		state = createHash('sha256').update(state).digest();
	}
	return out;
}

/**
 * Deterministic content of any size, produced as a stream so that tests can move hundreds of MiB without
 * holding them: the same (size, seed) always yields the same bytes.
 */
export function generatedContent(size: number, seed = 'seed'): Readable {
	let index = 0;
	let sent = 0;
	return new Readable({
		read() {
			if (sent >= size) {
				this.push(null);
				return;
			}
			const data = block(seed, index++);
			const part = size - sent < BLOCK ? data.subarray(0, size - sent) : data;
			sent += part.length;
			this.push(part);
		},
	});
}

/** Small generated content as a buffer (for tests that compare bytes). */
export async function generatedBuffer(size: number, seed = 'seed'): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of generatedContent(size, seed)) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}
