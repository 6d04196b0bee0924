import { createHash, type Hash } from 'crypto';

const BLOCK = 4 * 1024 * 1024;

/**
 * Dropbox content_hash, computed incrementally: SHA-256 of each 4 MiB block, then SHA-256 of the concatenated
 * block digests, hex. The fake keeps its own copy so that a bug in the product's hasher cannot hide itself.
 */
export class ContentHasher {
	private readonly blockDigests: Buffer[] = [];
	private block: Hash = createHash('sha256');
	private blockFill = 0;

	update(data: Buffer): void {
		let offset = 0;
		while (offset < data.length) {
			const take = Math.min(BLOCK - this.blockFill, data.length - offset);
			this.block.update(data.subarray(offset, offset + take));
			this.blockFill += take;
			offset += take;
			if (this.blockFill === BLOCK) {
				this.blockDigests.push(this.block.digest());
				this.block = createHash('sha256');
				this.blockFill = 0;
			}
		}
	}

	digestOf(data: Buffer): string {
		this.update(data);
		return this.digest();
	}

	digest(): string {
		if (this.blockFill > 0) this.blockDigests.push(this.block.digest());
		return createHash('sha256').update(Buffer.concat(this.blockDigests)).digest('hex');
	}
}

export function contentHashOf(data: Buffer): string {
	const hasher = new ContentHasher();
	hasher.update(data);
	return hasher.digest();
}
