/**
 * OneDrive's quickXorHash, the fakes' own copy (the fakes depend on nothing they test), written from Microsoft's
 * description: https://learn.microsoft.com/onedrive/developer/code-snippets/quickxorhash
 *
 * The hash is a 160-bit register. Byte n of the content (counting from 0) is XORed into the register starting at
 * bit (11 * n) mod 160, its high bits wrapping round to bit 0; bit k of the register is bit (k mod 8) of byte
 * floor(k / 8) of the result. At the end, the content length as a 64-bit little-endian integer is XORed into the
 * last 8 of the 20 bytes, and the 20 bytes are sent base64-encoded.
 *
 * Byte n and byte n + 160 start at the same bit (11 * 160 is a multiple of 160), so the content is first folded
 * into 160 byte lanes by XOR (one operation per byte), and the lanes are placed into the register once, at the end.
 */
const LANES = 160;
const SHIFT = 11;
const REGISTER_BYTES = 20;
/** Blocks copied at a time when the input is not 4-byte aligned (about 160 KiB). */
const SCRATCH_BLOCKS = 1024;

export class QuickXorHash {
	private readonly words = new Uint32Array(LANES / 4);
	private readonly lanes = new Uint8Array(this.words.buffer);
	private lane = 0;
	private length = 0;
	private scratchBytes?: Uint8Array;

	private get scratch(): Uint8Array {
		return (this.scratchBytes ??= new Uint8Array(SCRATCH_BLOCKS * LANES));
	}

	private foldWords(input: Uint32Array): void {
		const words = this.words;
		for (let w = 0; w < input.length; w += LANES / 4) {
			for (let k = 0; k < LANES / 4; k++) words[k] ^= input[w + k];
		}
	}

	update(chunk: Uint8Array): this {
		const lanes = this.lanes;
		let i = 0;
		// Up to the next whole block of 160 lanes, byte by byte.
		while (this.lane !== 0 && i < chunk.length) {
			lanes[this.lane] ^= chunk[i++];
			this.lane = (this.lane + 1) % LANES;
		}
		// Whole blocks, 32 bits at a time (the fakes hash hundreds of MiB); unaligned bytes are copied aligned first.
		let blocks = Math.floor((chunk.length - i) / LANES);
		while (blocks > 0) {
			const take = Math.min(blocks, SCRATCH_BLOCKS);
			const aligned = (chunk.byteOffset + i) % 4 === 0;
			if (!aligned) this.scratch.set(chunk.subarray(i, i + take * LANES));
			const input = aligned
				? new Uint32Array(chunk.buffer, chunk.byteOffset + i, (take * LANES) / 4)
				: new Uint32Array(this.scratch.buffer, 0, (take * LANES) / 4);
			this.foldWords(input);
			i += take * LANES;
			blocks -= take;
		}
		// The rest.
		while (i < chunk.length) {
			lanes[this.lane] ^= chunk[i++];
			this.lane = (this.lane + 1) % LANES;
		}
		this.length += chunk.length;
		return this;
	}

	/** The 20 bytes of the hash. */
	digestBytes(): Buffer {
		const register = Buffer.alloc(REGISTER_BYTES);
		for (let lane = 0; lane < LANES; lane++) {
			const value = this.lanes[lane];
			if (value === 0) continue;
			const bit = (lane * SHIFT) % (REGISTER_BYTES * 8);
			const byte = bit >> 3;
			const offset = bit & 7;
			register[byte] ^= (value << offset) & 0xff;
			if (offset > 0) register[(byte + 1) % REGISTER_BYTES] ^= value >> (8 - offset);
		}
		// The length, 64-bit little-endian, into the last 8 bytes (lengths stay far below 2^53 here).
		let length = this.length;
		for (let i = 0; i < 8; i++) {
			register[REGISTER_BYTES - 8 + i] ^= length % 256;
			length = Math.floor(length / 256);
		}
		return register;
	}

	/** Base64, as Graph reports it in `file.hashes.quickXorHash`. */
	digest(): string {
		return this.digestBytes().toString('base64');
	}
}

export function quickXorHash(content: Uint8Array): string {
	return new QuickXorHash().update(content).digest();
}
