import { readAll } from '../transport/wire';
import type { UploadSource } from './types';

/** The whole source in memory, for the one-request uploads of small files. */
export async function wholeSource(source: UploadSource): Promise<Buffer> {
	return 'data' in source ? source.data : readAll(source.stream);
}

/**
 * An upload source cut into chunks for a session upload (Drive resumable, Graph upload session, Dropbox upload
 * session). While one chunk is on the wire the next one is already being read and hashed, so reading the source,
 * hashing and sending overlap instead of taking turns. A stream is copied into two buffers allocated once and
 * reused for the whole upload: memory stays at two chunks whatever the file size, and a multi-GiB upload leaves
 * nothing for the garbage collector (fresh 8 MiB buffers per chunk cost more CPU in GC than the hashing did).
 *
 * A chunk returned by `next()` stays valid until the next call: callers send a chunk, retry it as often as they
 * need, and ask for the next one only once the server confirmed the whole chunk. Nothing past the declared size is
 * read, so a source shorter than declared shows as a short chunk and a longer one is cut at its declared size.
 */
/** Bytes read and hashed between two turns of the event loop. */
const YIELD_EVERY = 1024 * 1024;

export class ChunkedSource {
	private readonly buffers: Buffer[] = [];
	private readonly iterator?: AsyncIterator<unknown>;
	/** The part of the last stream piece that did not fit into the previous chunk. */
	private carry?: Buffer;
	private position = 0;
	private filled = 0;
	private ahead?: Promise<Buffer>;
	private sinceYield = 0;

	/**
	 * @param chunkSize bytes per chunk; the last chunk is shorter.
	 * @param onBytes sees every byte exactly once, in order (the hasher), as it is read.
	 */
	constructor(
		private readonly source: UploadSource,
		private readonly chunkSize: number,
		private readonly onBytes: (bytes: Buffer) => void = () => undefined,
	) {
		if ('stream' in source) this.iterator = source.stream[Symbol.asyncIterator]();
	}

	/**
	 * Starts reading the first chunk now, so reading and hashing it overlap the request that opens the upload
	 * session (measured: 60-120 ms of a 128 MiB upload went to reading the first chunk after the session opened).
	 * Returns this source; the first next() then takes the chunk read here.
	 */
	prefetch(): this {
		if (!this.ahead && this.filled === 0 && this.position === 0) {
			this.ahead = this.read();
			this.ahead.catch(() => undefined);
		}
		return this;
	}

	/**
	 * The next chunk: `chunkSize` bytes, fewer for the last one (or when the source ends before its declared size),
	 * empty after the end.
	 */
	async next(): Promise<Buffer> {
		const chunk = await (this.ahead ?? this.read());
		// Start the following chunk now; the caller sends this one meanwhile. A read error surfaces on the next call.
		const more = chunk.length === this.chunkSize && this.position < this.source.size;
		this.ahead = more ? this.read() : undefined;
		this.ahead?.catch(() => undefined);
		return chunk;
	}

	private async read(): Promise<Buffer> {
		const want = Math.max(0, Math.min(this.chunkSize, this.source.size - this.position));
		if ('data' in this.source) {
			const chunk = this.source.data.subarray(this.position, this.position + want);
			this.position += chunk.length;
			for (let at = 0; at < chunk.length; at += YIELD_EVERY) {
				this.onBytes(chunk.subarray(at, at + YIELD_EVERY));
				await this.yieldToSocket(YIELD_EVERY);
			}
			return chunk;
		}
		if (want === 0) return Buffer.alloc(0);
		const buffer = this.nextBuffer();
		let have = 0;
		while (have < want) {
			let piece = this.carry;
			this.carry = undefined;
			if (!piece) {
				const step = await this.iterator!.next();
				if (step.done) break;
				piece = toBuffer(step.value);
			}
			const take = Math.min(piece.length, want - have);
			piece.copy(buffer, have, 0, take);
			this.onBytes(piece.subarray(0, take));
			if (take < piece.length) this.carry = piece.subarray(take);
			have += take;
			await this.yieldToSocket(take);
		}
		this.position += have;
		return buffer.subarray(0, have);
	}

	/**
	 * Read-ahead runs while the chunk in flight is being written to its socket, and that writing happens only when
	 * the event loop polls. A stream that yields its pieces at once (n8n's in-memory binary, a generator) resolves
	 * as a chain of microtasks that never lets it poll, so hash-heavy read-ahead starved the socket (measured: the
	 * fake idled while we hashed). Every MiB, let the loop turn.
	 */
	private async yieldToSocket(bytes: number): Promise<void> {
		this.sinceYield += bytes;
		if (this.sinceYield < YIELD_EVERY) return;
		this.sinceYield = 0;
		await new Promise<void>((resolve) => setImmediate(resolve));
	}

	/** Alternates between two buffers, allocated on first use (a one-chunk upload needs only one). */
	private nextBuffer(): Buffer {
		const index = this.filled++ % 2;
		this.buffers[index] ??= Buffer.allocUnsafeSlow(this.chunkSize);
		return this.buffers[index];
	}
}

function toBuffer(value: unknown): Buffer {
	if (Buffer.isBuffer(value)) return value;
	if (typeof value === 'string') return Buffer.from(value, 'utf8');
	return Buffer.from(value as Uint8Array);
}
