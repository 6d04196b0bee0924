import { createHash, randomBytes } from 'crypto';
import { Readable } from 'stream';
import {
	createHasher,
	DROPBOX_BLOCK_SIZE,
	hashBuffer,
	hashStream,
} from '../../nodes/shared/hashes';
import type { HashKind } from '../../nodes/shared/storage/types';
import { DROPBOX_A_VECTORS, QUICK_XOR_VECTORS } from './hashes.vectors';

/** Feeds `data` in pieces of the given sizes (cycled), to prove chunk boundaries never matter. */
function hashInPieces(kind: HashKind, data: Buffer, pieceSizes: number[]): string {
	const hasher = createHasher(kind);
	let offset = 0;
	for (let i = 0; offset < data.length; i++) {
		const size = pieceSizes[i % pieceSizes.length];
		hasher.update(data.subarray(offset, offset + size));
		offset += size;
	}
	return hasher.digest();
}

/** The spec read literally, one bit at a time: slow, obviously right, independent of the fast implementation. */
function referenceQuickXor(data: Buffer): string {
	const register = new Uint8Array(20);
	for (let n = 0; n < data.length; n++) {
		const start = (11 * n) % 160;
		for (let b = 0; b < 8; b++) {
			if ((data[n] >> b) & 1) {
				const bit = (start + b) % 160;
				register[bit >> 3] ^= 1 << (bit & 7);
			}
		}
	}
	const length = Buffer.alloc(8);
	length.writeBigUInt64LE(BigInt(data.length));
	for (let k = 0; k < 8; k++) register[12 + k] ^= length[k];
	return Buffer.from(register).toString('base64');
}

const AWKWARD_SPLITS = [
	[1],
	[2, 3],
	[7],
	[159, 1, 161],
	[160],
	[4093, 3],
	[65535, 17],
	[1_048_577],
];
/** For multi-MiB inputs: straddle the 4 MiB Dropbox block boundary from both sides. */
const LARGE_SPLITS = [
	[4093, 3],
	[65535, 17],
	[1_048_577],
	[DROPBOX_BLOCK_SIZE - 1, 2],
	[DROPBOX_BLOCK_SIZE + 1],
];

describe('quickXorHash', () => {
	test.each(QUICK_XOR_VECTORS)('rclone vector, size %i', (size, input, expected) => {
		const data = Buffer.from(input, 'base64');
		expect(data.length).toBe(size);
		expect(hashBuffer('quickXorHash', data)).toBe(expected);
	});

	test.each([1, 2, 4, 7, 8, 16, 32, 64, 128, 256, 512])(
		'rclone vectors fed in blocks of %i bytes',
		(block) => {
			for (const [, input, expected] of QUICK_XOR_VECTORS) {
				expect(hashInPieces('quickXorHash', Buffer.from(input, 'base64'), [block])).toBe(expected);
			}
		},
	);

	test('"hello world" (api-brief §6)', () => {
		expect(hashBuffer('quickXorHash', Buffer.from('hello world'))).toBe(
			'aCgDG9jwBhDc4Q1yawMZAAAAAAA=',
		);
	});

	test('matches the bit-by-bit reference on random data split at awkward offsets', () => {
		for (const size of [159, 160, 161, 319, 320, 4099, 70_001]) {
			const data = randomBytes(size);
			const expected = referenceQuickXor(data);
			expect(hashBuffer('quickXorHash', data)).toBe(expected);
			for (const split of AWKWARD_SPLITS)
				expect(hashInPieces('quickXorHash', data, split)).toBe(expected);
		}
	});

	test('unaligned views into a larger buffer hash like their copies', () => {
		const backing = randomBytes(10_000);
		for (const start of [0, 1, 2, 3, 5]) {
			const view = backing.subarray(start, start + 4000);
			expect(hashBuffer('quickXorHash', view)).toBe(referenceQuickXor(Buffer.from(view)));
		}
	});

	test('lengths above 4 GiB are XORed in as 64 bits (high word)', () => {
		// The length only touches bytes 12..19; check the split into two 32-bit halves with a reference register.
		const hasher = createHasher('quickXorHash');
		const zeros = Buffer.alloc(64 * 1024 * 1024);
		const total = 4 * 1024 * 1024 * 1024 + 160; // 4 GiB + 160 bytes of zeros
		for (let done = 0; done < total;) {
			const now = Math.min(zeros.length, total - done);
			hasher.update(zeros.subarray(0, now));
			done += now;
		}
		const expected = Buffer.alloc(20);
		expected.writeBigUInt64LE(BigInt(total), 12);
		expect(hasher.digest()).toBe(expected.toString('base64'));
	});
});

describe('dropboxContentHash', () => {
	const chunkSizes = [
		2047,
		2048,
		65_536,
		1_048_576,
		DROPBOX_BLOCK_SIZE - 1,
		DROPBOX_BLOCK_SIZE,
		8 * 1024 * 1024,
	];

	test.each(DROPBOX_A_VECTORS)('rclone vector, %i × "A"', (size, expected) => {
		const data = Buffer.alloc(size, 'A');
		expect(hashBuffer('dropboxContentHash', data)).toBe(expected);
	});

	test.each(chunkSizes)('rclone vectors fed in chunks of %i bytes', (chunk) => {
		for (const [size, expected] of DROPBOX_A_VECTORS) {
			expect(hashInPieces('dropboxContentHash', Buffer.alloc(size, 'A'), [chunk])).toBe(expected);
		}
	});

	test('"hello world" (api-brief §6)', () => {
		expect(hashBuffer('dropboxContentHash', Buffer.from('hello world'))).toBe(
			'bc62d4b80d9e36da29c16c5d4d9f11731f36052c72401a76c23c0fb5a9b74423',
		);
	});

	test('is SHA-256 over the per-block SHA-256 digests, blocks cut at absolute 4 MiB offsets', () => {
		const data = randomBytes(DROPBOX_BLOCK_SIZE * 2 + 12_345);
		const blockDigests = [0, 1, 2].map((i) =>
			createHash('sha256')
				.update(data.subarray(i * DROPBOX_BLOCK_SIZE, (i + 1) * DROPBOX_BLOCK_SIZE))
				.digest(),
		);
		const expected = createHash('sha256').update(Buffer.concat(blockDigests)).digest('hex');
		expect(hashBuffer('dropboxContentHash', data)).toBe(expected);
		for (const split of LARGE_SPLITS)
			expect(hashInPieces('dropboxContentHash', data, split)).toBe(expected);
	});
});

describe('md5 and sha256', () => {
	test.each([
		['md5', '', 'd41d8cd98f00b204e9800998ecf8427e'],
		['md5', 'hello world', '5eb63bbbe01eeed093cb22bb8f5acdc3'],
		['sha256', '', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
		['sha256', 'hello world', 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9'],
	] as Array<[HashKind, string, string]>)('%s of "%s"', (kind, text, expected) => {
		expect(hashBuffer(kind, Buffer.from(text))).toBe(expected);
		expect(hashInPieces(kind, Buffer.from(text), [1, 4])).toBe(expected);
	});
});

describe('hashStream', () => {
	test.each(['md5', 'sha256', 'dropboxContentHash', 'quickXorHash'] as HashKind[])(
		'%s of a stream equals the one-shot digest',
		async (kind) => {
			const data = randomBytes(300_001);
			const pieces = [data.subarray(0, 7), data.subarray(7, 200_000), data.subarray(200_000)];
			expect(await hashStream(kind, Readable.from(pieces))).toBe(hashBuffer(kind, data));
		},
	);
});

describe('hashBuffer: the one-shot digest is the incremental hasher byte for byte (issue 17)', () => {
	const kinds: HashKind[] = ['md5', 'sha256', 'dropboxContentHash', 'quickXorHash'];

	test.each(kinds)('%s of empty, tiny and odd-sized contents', (kind) => {
		for (const size of [0, 1, 2, 31, 64, 65, 1000, 65_537]) {
			const data = randomBytes(size);
			expect(hashBuffer(kind, data)).toBe(hashInPieces(kind, data, [size || 1]));
		}
	});

	test('Dropbox at one block, one byte under and one over (one-shot only up to one block)', () => {
		for (const size of [DROPBOX_BLOCK_SIZE - 1, DROPBOX_BLOCK_SIZE, DROPBOX_BLOCK_SIZE + 1]) {
			const data = Buffer.alloc(size, size % 251);
			expect(hashBuffer('dropboxContentHash', data)).toBe(
				hashInPieces('dropboxContentHash', data, [65_536]),
			);
		}
	});

	test('quickXorHash reuses one hasher: a long, an unaligned and an empty content in turn leave nothing behind', () => {
		const long = randomBytes(1_000_003);
		const unaligned = randomBytes(5_001).subarray(3);
		for (const data of [
			long,
			unaligned,
			Buffer.alloc(0),
			unaligned,
			long,
			Buffer.from('hello world'),
		])
			expect(hashBuffer('quickXorHash', data)).toBe(referenceQuickXor(Buffer.from(data)));
	});

	test('a view into a larger buffer hashes only its own bytes', () => {
		const whole = randomBytes(10_000);
		const view = whole.subarray(1_234, 5_678);
		for (const kind of kinds)
			expect(hashBuffer(kind, view)).toBe(hashInPieces(kind, Buffer.from(view), [4_444]));
	});
});
