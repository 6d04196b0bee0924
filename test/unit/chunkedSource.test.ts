import { createHash } from 'crypto';
import { Readable } from 'stream';
import { ChunkedSource } from '../../nodes/shared/storage/chunkedSource';

const bytes = (length: number, seed = 7) =>
	Buffer.from(Array.from({ length }, (_, i) => (i * 31 + seed) % 251));

/** A stream of `data` in pieces of `piece` bytes that records how far it has been read. */
function pieces(data: Buffer, piece: number): { stream: Readable; pulled: () => number } {
	let pulled = 0;
	const stream = Readable.from(
		(function* () {
			for (let at = 0; at < data.length; at += piece) {
				const part = data.subarray(at, at + piece);
				pulled += part.length;
				yield Buffer.from(part);
			}
		})(),
	);
	return { stream, pulled: () => pulled };
}

async function drain(source: ChunkedSource): Promise<Buffer[]> {
	const out: Buffer[] = [];
	for (let chunk = await source.next(); chunk.length > 0; chunk = await source.next())
		out.push(Buffer.from(chunk));
	return out;
}

describe('ChunkedSource', () => {
	test('cuts a stream into exact chunks whatever the piece size, and hashes every byte once, in order', async () => {
		const data = bytes(10_000);
		for (const piece of [1, 7, 1000, 4096, 20_000]) {
			const hash = createHash('sha256');
			const { stream } = pieces(data, piece);
			const chunks = await drain(
				new ChunkedSource({ size: data.length, stream }, 3000, (b) => hash.update(b)),
			);
			expect(chunks.map((c) => c.length)).toEqual([3000, 3000, 3000, 1000]);
			expect(Buffer.concat(chunks).equals(data)).toBe(true);
			expect(hash.digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
		}
	});

	test('reads the next chunk while the caller still holds the current one', async () => {
		const data = bytes(9000);
		const { stream, pulled } = pieces(data, 500);
		const source = new ChunkedSource({ size: data.length, stream }, 3000);
		const first = await source.next();
		expect(first.length).toBe(3000);
		// The caller "sends" the first chunk; meanwhile the second is read.
		await new Promise((resolve) => setImmediate(resolve));
		await new Promise((resolve) => setImmediate(resolve));
		expect(pulled()).toBeGreaterThanOrEqual(6000);
		// And the chunk in hand is intact while the next one fills the other buffer.
		expect(first.equals(data.subarray(0, 3000))).toBe(true);
	});

	test('reuses two buffers for a stream: memory stays at two chunks for any length', async () => {
		const data = bytes(30_000);
		const { stream } = pieces(data, 700);
		const source = new ChunkedSource({ size: data.length, stream }, 3000);
		const seen = new Set<ArrayBufferLike>();
		let total = 0;
		for (let chunk = await source.next(); chunk.length > 0; chunk = await source.next()) {
			expect(chunk.equals(data.subarray(total, total + chunk.length))).toBe(true);
			seen.add(chunk.buffer);
			total += chunk.length;
		}
		expect(total).toBe(30_000);
		expect(seen.size).toBe(2);
	});

	test('never reads past the declared size, and a short source shows as a short chunk', async () => {
		const data = bytes(10_000);
		const longer = new ChunkedSource({ size: 6500, stream: pieces(data, 1024).stream }, 3000);
		expect((await drain(longer)).map((c) => c.length)).toEqual([3000, 3000, 500]);

		const shorter = new ChunkedSource({ size: 12_000, stream: pieces(data, 1024).stream }, 3000);
		expect((await drain(shorter)).map((c) => c.length)).toEqual([3000, 3000, 3000, 1000]);
	});

	test('slices an in-memory source without copying it', async () => {
		const data = bytes(7000);
		const source = new ChunkedSource({ size: data.length, data }, 3000);
		const first = await source.next();
		expect(first.buffer).toBe(data.buffer);
		expect((await drain(source)).map((c) => c.length)).toEqual([3000, 1000]);
	});

	test('lets the event loop turn while it reads and hashes, so the chunk in flight keeps its socket fed', async () => {
		const order: string[] = [];
		const data = bytes(4 * 1024 * 1024);
		const source = new ChunkedSource({ size: data.length, data }, data.length, () =>
			order.push('hashed'),
		);
		setImmediate(() => order.push('loop turned'));
		await source.next();
		// Without the turns, all four MiB are hashed in one go before any I/O callback runs.
		expect(order.indexOf('loop turned')).toBeGreaterThan(-1);
		expect(order.indexOf('loop turned')).toBeLessThan(order.lastIndexOf('hashed'));
	});

	test('a source that fails while being read ahead fails the next call, not the process', async () => {
		const stream = new Readable({ read() {} });
		stream.push(bytes(3000));
		const source = new ChunkedSource({ size: 9000, stream }, 3000);
		await expect(source.next()).resolves.toHaveLength(3000);
		stream.destroy(new Error('disk gone'));
		await expect(source.next()).rejects.toThrow('disk gone');
	});

	test('prefetch reads the first chunk before anyone asks (while the session opens), and the chunks are the same', async () => {
		const data = bytes(10_000);
		const { stream, pulled } = pieces(data, 1000);
		const hash = createHash('md5');
		const source = new ChunkedSource({ size: data.length, stream }, 4000, (b) =>
			hash.update(b),
		).prefetch();
		await new Promise((resolve) => setImmediate(resolve));
		expect(pulled()).toBeGreaterThanOrEqual(4000);
		expect(pulled()).toBeLessThan(data.length);
		const chunks = await drain(source);
		expect(chunks.map((c) => c.length)).toEqual([4000, 4000, 2000]);
		expect(Buffer.concat(chunks)).toEqual(data);
		expect(hash.digest('hex')).toBe(createHash('md5').update(data).digest('hex'));
	});

	test('a source that fails during prefetch fails the first call, not the process', async () => {
		const stream = new Readable({ read() {} });
		const source = new ChunkedSource({ size: 9000, stream }, 3000).prefetch();
		stream.destroy(new Error('disk gone'));
		await new Promise((resolve) => setImmediate(resolve));
		await expect(source.next()).rejects.toThrow('disk gone');
	});
});
