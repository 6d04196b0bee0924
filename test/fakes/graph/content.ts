import { createHash, randomBytes } from 'crypto';
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Readable } from 'stream';
import { QuickXorHash } from '../common/quickXorHash';

/** Content bigger than this goes to a temp file, never the JS heap (tests move hundreds of MiB). */
export const SPILL_THRESHOLD = 1024 * 1024;

/** Immutable file content with the hashes Graph reports for it. */
export interface Blob {
	readonly id: string;
	readonly size: number;
	readonly quickXorHash: string;
	readonly sha1Hash: string;
	/** Bytes [start, end] (inclusive) as a stream. */
	read(start?: number, end?: number): Readable;
}

class MemoryBlob implements Blob {
	constructor(
		readonly id: string,
		private readonly data: Buffer,
		readonly quickXorHash: string,
		readonly sha1Hash: string,
	) {}

	get size(): number {
		return this.data.length;
	}

	read(start = 0, end = this.size - 1): Readable {
		return Readable.from([this.data.subarray(start, end + 1)]);
	}
}

class FileBlob implements Blob {
	constructor(
		readonly id: string,
		private readonly file: string,
		readonly size: number,
		readonly quickXorHash: string,
		readonly sha1Hash: string,
	) {}

	read(start = 0, end = this.size - 1): Readable {
		if (this.size === 0 || end < start) return Readable.from([]);
		return createReadStream(this.file, { start, end, highWaterMark: 256 * 1024 });
	}

	remove(): void {
		rmSync(this.file, { force: true });
	}
}

/**
 * Builds a blob from bytes appended in order. Stays in memory up to SPILL_THRESHOLD, then moves to a temp file.
 * Bytes are hashed as they are appended, so callers append only bytes they keep (upload sessions hold back a
 * fragment's unaligned tail until the fragment is complete).
 */
export class BlobWriter {
	private readonly quickXor = new QuickXorHash();
	private readonly sha1 = createHash('sha1');
	private memory: Buffer[] = [];
	private fd?: number;
	private file?: string;
	size = 0;

	constructor(
		private readonly store: ContentStore,
		readonly id: string,
	) {}

	append(chunk: Buffer): void {
		if (chunk.length === 0) return;
		this.quickXor.update(chunk);
		this.sha1.update(chunk);
		this.size += chunk.length;
		if (this.fd === undefined && this.size <= SPILL_THRESHOLD) {
			this.memory.push(Buffer.from(chunk));
			return;
		}
		if (this.fd === undefined) {
			this.file = this.store.tempFile(this.id);
			this.fd = openSync(this.file, 'w');
			for (const part of this.memory) writeSync(this.fd, part);
			this.memory = [];
		}
		writeSync(this.fd, chunk);
	}

	finish(): Blob {
		const quickXorHash = this.quickXor.digest();
		const sha1Hash = this.sha1.digest('hex').toUpperCase();
		let blob: Blob;
		if (this.fd !== undefined) {
			closeSync(this.fd);
			this.fd = undefined;
			blob = new FileBlob(this.id, this.file!, this.size, quickXorHash, sha1Hash);
		} else {
			blob = new MemoryBlob(this.id, Buffer.concat(this.memory), quickXorHash, sha1Hash);
		}
		this.store.register(blob);
		return blob;
	}

	/** Abandon (a cancelled upload session). */
	discard(): void {
		if (this.fd !== undefined) closeSync(this.fd);
		this.fd = undefined;
		if (this.file) rmSync(this.file, { force: true });
		this.memory = [];
	}
}

/**
 * Every blob the fake ever held, by id: download URLs name a blob, so a download keeps working after the item
 * gets new content, as Graph's pre-authenticated URLs do for their lifetime. Files live until dispose().
 */
export class ContentStore {
	private dir?: string;
	private readonly blobs = new Map<string, Blob>();
	private serial = 0;

	writer(): BlobWriter {
		return new BlobWriter(this, `b${++this.serial}${randomBytes(4).toString('hex')}`);
	}

	fromBuffer(data: Buffer): Blob {
		const writer = this.writer();
		for (let offset = 0; offset < data.length; offset += SPILL_THRESHOLD) {
			writer.append(data.subarray(offset, offset + SPILL_THRESHOLD));
		}
		return writer.finish();
	}

	async fromStream(stream: AsyncIterable<Buffer | string>): Promise<Blob> {
		const writer = this.writer();
		for await (const chunk of stream)
			writer.append(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
		return writer.finish();
	}

	/** True when the blob's bytes live in a temp file rather than the JS heap. */
	isOnDisk(blob: Blob): boolean {
		return blob instanceof FileBlob;
	}

	get(id: string): Blob | undefined {
		return this.blobs.get(id);
	}

	register(blob: Blob): void {
		this.blobs.set(blob.id, blob);
	}

	/** Forgets a blob and removes its temp file (the benchmark's purge of recycled content). */
	drop(blob: Blob): void {
		this.blobs.delete(blob.id);
		if (blob instanceof FileBlob) blob.remove();
	}

	tempFile(id: string): string {
		this.dir ??= mkdtempSync(join(tmpdir(), 'fake-graph-'));
		return join(this.dir, id);
	}

	dispose(): void {
		if (this.dir) rmSync(this.dir, { recursive: true, force: true });
		this.dir = undefined;
		this.blobs.clear();
	}
}

export async function readBlob(blob: Blob): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of blob.read()) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}
