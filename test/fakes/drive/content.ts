import { createHash, type Hash } from 'crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, type WriteStream } from 'fs';
import { unlink } from 'fs/promises';
import { tmpdir } from 'os';
import { join } from 'path';
import { Readable } from 'stream';

/** Above this size content lives in a temp file, never in the JS heap (tests move 256 MiB files). */
export const SPILL_THRESHOLD = 1024 * 1024;

/** Immutable stored content of one file revision. */
export interface Blob {
	size: number;
	md5: string;
	sha1: string;
	sha256: string;
	/** Small content stays in memory. */
	data?: Buffer;
	/** Large content lives here. */
	file?: string;
}

/** Owns the temp directory of one fake: blobs and resumable-session buffers. */
export class ContentStore {
	private dir?: string;
	private counter = 0;

	private tempPath(prefix: string): string {
		this.dir ??= mkdtempSync(join(tmpdir(), 'fake-drive-'));
		return join(this.dir, `${prefix}-${++this.counter}`);
	}

	fromBuffer(data: Buffer): Promise<Blob> {
		const writer = this.writer();
		writer.write(data);
		return writer.finish();
	}

	/** Incremental writer: hashes while writing, spills to disk once the threshold is crossed. */
	writer(): BlobWriter {
		return new BlobWriter(() => this.tempPath('blob'));
	}

	read(blob: Blob, start = 0, end = blob.size - 1): Readable {
		if (blob.size === 0 || end < start) return Readable.from([]);
		if (blob.data) return Readable.from([blob.data.subarray(start, end + 1)]);
		return createReadStream(blob.file!, { start, end, highWaterMark: 256 * 1024 });
	}

	async release(blob: Blob | undefined): Promise<void> {
		if (blob?.file) await unlink(blob.file).catch(() => undefined);
	}

	dispose(): void {
		if (this.dir) rmSync(this.dir, { recursive: true, force: true });
		this.dir = undefined;
	}
}

export class BlobWriter {
	private readonly md5: Hash = createHash('md5');
	private readonly sha1: Hash = createHash('sha1');
	private readonly sha256: Hash = createHash('sha256');
	private memory: Buffer[] = [];
	private stream?: WriteStream;
	private path?: string;
	size = 0;

	constructor(private readonly newPath: () => string) {}

	/** Returns a promise when the disk stream needs draining. */
	write(chunk: Buffer): Promise<void> | undefined {
		this.size += chunk.length;
		this.md5.update(chunk);
		this.sha1.update(chunk);
		this.sha256.update(chunk);
		if (!this.stream && this.size <= SPILL_THRESHOLD) {
			this.memory.push(chunk);
			return undefined;
		}
		if (!this.stream) {
			this.path = this.newPath();
			this.stream = createWriteStream(this.path);
			for (const part of this.memory) this.stream.write(part);
			this.memory = [];
		}
		if (!this.stream.write(chunk))
			return new Promise((resolve) => this.stream!.once('drain', () => resolve()));
		return undefined;
	}

	async finish(): Promise<Blob> {
		const digest = {
			size: this.size,
			md5: this.md5.digest('hex'),
			sha1: this.sha1.digest('hex'),
			sha256: this.sha256.digest('hex'),
		};
		if (!this.stream) return { ...digest, data: Buffer.concat(this.memory) };
		await new Promise<void>((resolve, reject) =>
			this.stream!.end((error?: Error | null) => (error ? reject(error) : resolve())),
		);
		return { ...digest, file: this.path };
	}

	/** Drop whatever was written (an aborted upload). */
	async abort(): Promise<void> {
		if (this.stream) {
			await new Promise<void>((resolve) => this.stream!.end(() => resolve()));
			await unlink(this.path!).catch(() => undefined);
		}
		this.memory = [];
	}
}
