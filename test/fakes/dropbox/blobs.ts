import { createReadStream, mkdtempSync, rmSync } from 'fs';
import { open, truncate, unlink } from 'fs/promises';
import { tmpdir } from 'os';
import { join } from 'path';
import { Readable } from 'stream';
import { ContentHasher } from './contentHash';

/** Content above this size lives in a temp file, never in the JS heap (tests move hundreds of MiB). */
export const SPILL_THRESHOLD = 1024 * 1024;

export interface Blob {
	size: number;
	contentHash: string;
	memory?: Buffer;
	file?: string;
}

/**
 * Accumulates bytes (an upload body or an upload session) and spills to disk once it grows past 1 MiB. The file is
 * opened for each write and closed at once: a session a client abandons holds no descriptor for the garbage
 * collector to close (Node warns about that, and will throw in future versions).
 */
export class BlobWriter {
	size = 0;
	private memory: Buffer[] = [];
	private file?: string;
	private hasher = new ContentHasher();
	/** False after a truncate: the digest is then recomputed from the stored bytes. */
	private hashValid = true;

	constructor(private readonly store: BlobStore) {}

	async write(chunk: Buffer): Promise<void> {
		if (chunk.length === 0) return;
		this.hasher.update(chunk);
		this.size += chunk.length;
		if (!this.file && this.size <= SPILL_THRESHOLD) {
			this.memory.push(Buffer.from(chunk));
			return;
		}
		if (!this.file) {
			this.file = this.store.newFileName();
			const held = Buffer.concat([...this.memory, chunk]);
			this.memory = [];
			await writeAt(this.file, 'w', held, 0);
			return;
		}
		// Explicit positions: after a truncate the end of the file is the session's size, not the last write's end.
		await writeAt(this.file, 'r+', chunk, this.size - chunk.length);
	}

	/** Drop everything after `size` bytes (a failed append leaves the session as it was). */
	async truncate(size: number): Promise<void> {
		if (size >= this.size) return;
		this.size = size;
		this.hashValid = false;
		if (this.file) await truncate(this.file, size);
		else this.memory = [Buffer.concat(this.memory).subarray(0, size)];
	}

	async finish(): Promise<Blob> {
		if (this.file) {
			const blob: Blob = { size: this.size, contentHash: '', file: this.file };
			blob.contentHash = this.hashValid ? this.hasher.digest() : await this.store.hashOf(blob);
			return blob;
		}
		const memory = Buffer.concat(this.memory);
		const contentHash = this.hashValid
			? this.hasher.digest()
			: new ContentHasher().digestOf(memory);
		return { size: this.size, contentHash, memory };
	}

	async abort(): Promise<void> {
		if (this.file) await unlink(this.file).catch(() => undefined);
		this.memory = [];
	}
}

async function writeAt(
	file: string,
	flags: 'w' | 'r+',
	data: Buffer,
	position: number,
): Promise<void> {
	const handle = await open(file, flags);
	try {
		await handle.write(data, 0, data.length, position);
	} finally {
		await handle.close();
	}
}

/** Owns the temp directory of one fake instance. */
export class BlobStore {
	private readonly dir = mkdtempSync(join(tmpdir(), 'fake-dropbox-'));
	private counter = 0;

	newFileName(): string {
		return join(this.dir, `blob-${++this.counter}`);
	}

	writer(): BlobWriter {
		return new BlobWriter(this);
	}

	async fromBuffer(data: Buffer): Promise<Blob> {
		const writer = this.writer();
		await writer.write(data);
		return writer.finish();
	}

	/** A deterministic pattern of `size` bytes, written in slices (seeding big files without big buffers). */
	async fromPattern(size: number, seed = 0): Promise<Blob> {
		const writer = this.writer();
		const slice = Buffer.alloc(Math.min(size, 1024 * 1024));
		for (let i = 0; i < slice.length; i++) slice[i] = (i * 31 + seed * 7 + (i >> 8)) & 0xff;
		let left = size;
		while (left > 0) {
			const take = Math.min(left, slice.length);
			await writer.write(slice.subarray(0, take));
			left -= take;
		}
		return writer.finish();
	}

	/** Bytes [start, end] inclusive as a stream. */
	read(blob: Blob, start = 0, end = blob.size - 1): Readable {
		if (blob.memory)
			return Readable.from(end < start ? [] : [blob.memory.subarray(start, end + 1)]);
		if (end < start) return Readable.from([]);
		return createReadStream(blob.file!, { start, end, highWaterMark: 256 * 1024 });
	}

	async hashOf(blob: Blob): Promise<string> {
		const hasher = new ContentHasher();
		for await (const chunk of this.read(blob)) hasher.update(chunk as Buffer);
		return hasher.digest();
	}

	async readAll(blob: Blob): Promise<Buffer> {
		if (blob.memory) return blob.memory;
		const chunks: Buffer[] = [];
		for await (const chunk of this.read(blob)) chunks.push(chunk as Buffer);
		return Buffer.concat(chunks);
	}

	release(blob: Blob | undefined): void {
		if (blob?.file) void unlink(blob.file).catch(() => undefined);
	}

	destroy(): void {
		rmSync(this.dir, { recursive: true, force: true });
	}
}
