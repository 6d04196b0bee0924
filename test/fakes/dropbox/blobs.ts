import { createReadStream, mkdtempSync, rmSync } from 'fs';
import { open, unlink, type FileHandle } from 'fs/promises';
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

/** Accumulates bytes (an upload body or an upload session) and spills to disk once it grows past 1 MiB. */
export class BlobWriter {
	size = 0;
	private memory: Buffer[] = [];
	private handle?: FileHandle;
	private file?: string;
	private hasher = new ContentHasher();
	/** False after a truncate: the digest is then recomputed from the stored bytes. */
	private hashValid = true;

	constructor(private readonly store: BlobStore) {}

	async write(chunk: Buffer): Promise<void> {
		if (chunk.length === 0) return;
		this.hasher.update(chunk);
		this.size += chunk.length;
		if (!this.handle && this.size <= SPILL_THRESHOLD) {
			this.memory.push(Buffer.from(chunk));
			return;
		}
		if (!this.handle) {
			this.file = this.store.newFileName();
			this.handle = await open(this.file, 'w');
			const held = Buffer.concat([...this.memory, chunk]);
			this.memory = [];
			await this.handle.write(held, 0, held.length, 0);
			return;
		}
		// Explicit positions: after a truncate the file position would still point past the end.
		await this.handle.write(chunk, 0, chunk.length, this.size - chunk.length);
	}

	/** Drop everything after `size` bytes (a failed append leaves the session as it was). */
	async truncate(size: number): Promise<void> {
		if (size >= this.size) return;
		this.size = size;
		this.hashValid = false;
		if (this.handle) await this.handle.truncate(size);
		else this.memory = [Buffer.concat(this.memory).subarray(0, size)];
	}

	async finish(): Promise<Blob> {
		if (this.handle) {
			await this.handle.close();
			this.handle = undefined;
			const blob: Blob = { size: this.size, contentHash: '', file: this.file };
			blob.contentHash = this.hashValid ? this.hasher.digest() : await this.store.hashOf(blob);
			return blob;
		}
		const memory = Buffer.concat(this.memory);
		const contentHash = this.hashValid ? this.hasher.digest() : new ContentHasher().digestOf(memory);
		return { size: this.size, contentHash, memory };
	}

	async abort(): Promise<void> {
		await this.handle?.close().catch(() => undefined);
		this.handle = undefined;
		if (this.file) await unlink(this.file).catch(() => undefined);
		this.memory = [];
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
		if (blob.memory) return Readable.from(end < start ? [] : [blob.memory.subarray(start, end + 1)]);
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
