import type { Hasher } from './types';

/** The register is 160 bits wide; byte n of the file lands at bit (11·n) mod 160. */
const WIDTH_BYTES = 160 / 8;
const SHIFT = 11;
/** Byte n and byte n+160 land on the same bits, so XOR-folding the input by 160 loses nothing. */
const FOLD = 160;
const FOLD_WORDS = FOLD / 4;
/** Scratch used to realign unaligned input for 32-bit folding: a whole number of fold blocks. */
const SCRATCH_BLOCKS = 409;

/**
 * OneDrive `quickXorHash` (base64 of 20 bytes).
 *
 * Same result as Microsoft's cell-based snippet (and rclone's port): because the bit position of byte n depends only
 * on n mod 160, the input is first XOR-folded into 160 lanes (32 bits at a time, the hot loop), and the lanes are
 * shifted into the 160-bit register once, at digest time. Chunk boundaries do not matter.
 */
export function createQuickXorHasher(): Hasher {
	const lanes = new Uint32Array(FOLD_WORDS);
	const laneBytes = new Uint8Array(lanes.buffer);
	const scratch = new Uint8Array(FOLD * SCRATCH_BLOCKS);
	const scratchWords = new Uint32Array(scratch.buffer);
	let lane = 0; // (bytes so far) mod 160
	let length = 0;

	function foldWords(words: Uint32Array, wordCount: number): void {
		for (let base = 0; base < wordCount; base += FOLD_WORDS) {
			for (let k = 0; k < FOLD_WORDS; k++) lanes[k] ^= words[base + k];
		}
	}

	function foldBlocks(chunk: Buffer, start: number, blocks: number): void {
		const address = chunk.byteOffset + start;
		if (address % 4 === 0) {
			foldWords(new Uint32Array(chunk.buffer, address, blocks * FOLD_WORDS), blocks * FOLD_WORDS);
			return;
		}
		// Typed-array views need 4-byte alignment: copy through the aligned scratch (a memcpy, cheap next to folding).
		for (let done = 0; done < blocks; ) {
			const now = Math.min(SCRATCH_BLOCKS, blocks - done);
			const from = start + done * FOLD;
			scratch.set(chunk.subarray(from, from + now * FOLD));
			foldWords(scratchWords, now * FOLD_WORDS);
			done += now;
		}
	}

	return {
		update(chunk: Buffer) {
			const size = chunk.length;
			let i = 0;
			while (i < size && lane !== 0) {
				laneBytes[lane] ^= chunk[i++];
				lane = lane + 1 === FOLD ? 0 : lane + 1;
			}
			const blocks = Math.floor((size - i) / FOLD);
			if (blocks > 0) {
				foldBlocks(chunk, i, blocks);
				i += blocks * FOLD;
			}
			while (i < size) laneBytes[lane++] ^= chunk[i++];
			if (lane === FOLD) lane = 0;
			length += size;
		},
		digest() {
			const register = new Uint32Array(WIDTH_BYTES / 4);
			for (let position = 0; position < FOLD; position++) {
				const value = laneBytes[position];
				if (value === 0) continue;
				const bit = (SHIFT * position) % 160;
				const word = bit >>> 5;
				const offset = bit & 31;
				register[word] ^= value << offset;
				// The byte straddles two 32-bit words; bits past 159 wrap around to bit 0.
				if (offset > 24) register[(word + 1) % register.length] ^= value >>> (32 - offset);
			}
			const out = Buffer.alloc(WIDTH_BYTES);
			for (let k = 0; k < register.length; k++) out.writeUInt32LE(register[k], k * 4);
			// The 64-bit little-endian file length is XORed into the last 8 bytes.
			const low = length % 0x1_0000_0000;
			const high = Math.floor(length / 0x1_0000_0000);
			out.writeUInt32LE((out.readUInt32LE(12) ^ low) >>> 0, 12);
			out.writeUInt32LE((out.readUInt32LE(16) ^ high) >>> 0, 16);
			return out.toString('base64');
		},
	};
}
