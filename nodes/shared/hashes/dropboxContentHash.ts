import { createHash, type Hash } from 'crypto';
import type { Hasher } from './types';

/** Dropbox hashes content in blocks of exactly 4 MiB. */
export const DROPBOX_BLOCK_SIZE = 4 * 1024 * 1024;

/**
 * Dropbox `content_hash`: SHA-256 of each 4 MiB block (binary), SHA-256 of their concatenation, hex.
 * Blocks are cut at absolute offsets, so chunk boundaries of the caller do not matter.
 */
export function createDropboxContentHasher(): Hasher {
	const overall = createHash('sha256');
	let block: Hash = createHash('sha256');
	let blockFill = 0;

	return {
		update(chunk: Buffer) {
			let offset = 0;
			while (offset < chunk.length) {
				const take = Math.min(DROPBOX_BLOCK_SIZE - blockFill, chunk.length - offset);
				block.update(chunk.subarray(offset, offset + take));
				blockFill += take;
				offset += take;
				if (blockFill === DROPBOX_BLOCK_SIZE) {
					overall.update(block.digest());
					block = createHash('sha256');
					blockFill = 0;
				}
			}
		},
		digest() {
			// A trailing partial block counts; an empty file is the SHA-256 of nothing.
			if (blockFill > 0) overall.update(block.digest());
			return overall.digest('hex');
		},
	};
}
