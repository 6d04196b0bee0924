import { randomBytes } from 'crypto';
import type { ErrorShape, FakeRequest } from '../common/server';
import type { Blob, BlobWriter, ContentStore } from './content';
import { DriveErrors } from './errors';
import type { DriveFile } from './store';

/** Every chunk but the last must be a multiple of this; Drive persists whole multiples only. */
export const CHUNK_ALIGNMENT = 256 * 1024;
/** Sessions live about a week at Google. */
const SESSION_LIFETIME_MS = 7 * 24 * 3600 * 1000;

export interface UploadSession {
	id: string;
	metadata: Record<string, unknown>;
	/** The initiating request's URL: its query (fields, supportsAllDrives...) applies to the final answer. */
	url: URL;
	access: { full: boolean; readAll: boolean; appFiles: boolean };
	/** Set for a new revision of an existing file. */
	fileId?: string;
	mediaType?: string;
	/** Declared total (X-Upload-Content-Length or the first Content-Range total). */
	total?: number;
	/** Bytes persisted so far (always a multiple of 256 KiB until the upload completes). */
	received: number;
	writer: BlobWriter;
	expiresAt: number;
	busy: boolean;
	/** The completed blob, once all bytes are in. */
	blob?: Blob;
	/** The file the completed upload produced (later status probes answer with it). */
	result?: DriveFile;
}

export type SessionStep =
	| { kind: 'incomplete' }
	| { kind: 'complete'; blob: Blob }
	| { kind: 'aborted' }
	| { kind: 'error'; error: ErrorShape };

interface ContentRange {
	/** Undefined for a status probe (`bytes * /total`). */
	start?: number;
	end?: number;
	total?: number;
}

function parseContentRange(header: string | undefined, length: number): ContentRange | undefined {
	if (header === undefined) return length === 0 ? {} : { start: 0, end: length - 1, total: length };
	const match = /^bytes (?:(\d+)-(\d+)|\*)\/(\d+|\*)$/.exec(header.trim());
	if (!match) return undefined;
	const total = match[3] === '*' ? undefined : Number(match[3]);
	if (match[1] === undefined) return { total };
	return { start: Number(match[1]), end: Number(match[2]), total };
}

/**
 * The resumable-upload state machine of api-brief.md 1.3: chunks append at the persisted offset, 308 with
 * `Range` while incomplete, status probes with `bytes * /total`, 404 for unknown or expired sessions, and a
 * connection cut keeps only whole 256 KiB units of what arrived.
 */
export class ResumableSessions {
	private readonly sessions = new Map<string, UploadSession>();
	private pendingCut?: number;

	constructor(private readonly content: ContentStore) {}

	open(
		init: Pick<UploadSession, 'metadata' | 'url' | 'access' | 'fileId' | 'mediaType' | 'total'>,
	): UploadSession {
		const session: UploadSession = {
			...init,
			id: `AUs${randomBytes(24).toString('base64url')}`,
			received: 0,
			writer: this.content.writer(),
			expiresAt: Date.now() + SESSION_LIFETIME_MS,
			busy: false,
		};
		this.sessions.set(session.id, session);
		return session;
	}

	get(id: string): UploadSession | undefined {
		const session = this.sessions.get(id);
		if (!session) return undefined;
		if (session.expiresAt <= Date.now()) {
			this.close(session);
			return undefined;
		}
		return session;
	}

	close(session: UploadSession): void {
		this.sessions.delete(session.id);
		if (!session.blob) void session.writer.abort();
	}

	expireAll(): void {
		for (const session of this.sessions.values()) session.expiresAt = 0;
	}

	cutNext(afterBytes: number): void {
		this.pendingCut = afterBytes;
	}

	offsets(): number[] {
		return [...this.sessions.values()].map((session) => session.received);
	}

	async receive(session: UploadSession, req: FakeRequest): Promise<SessionStep> {
		const length = Number(req.headers['content-length'] ?? NaN);
		const chunked = req.headers['transfer-encoding'] !== undefined;
		if (!chunked && Number.isNaN(length))
			return this.reject(req, DriveErrors.badRequest('Content-Length is required.'));
		const range = parseContentRange(
			req.headers['content-range'] as string | undefined,
			Number.isNaN(length) ? 0 : length,
		);
		if (!range)
			return this.reject(req, DriveErrors.badRequest('Failed to parse Content-Range header.'));
		if (range.total !== undefined) {
			if (session.total !== undefined && session.total !== range.total) {
				return this.reject(
					req,
					DriveErrors.badRequest('The total size of the upload changed between requests.'),
				);
			}
			session.total = range.total;
		}
		if (session.blob) {
			// Already complete: any request just reports the result.
			await drain(req);
			return { kind: 'complete', blob: session.blob };
		}
		if (range.start === undefined) {
			await drain(req);
			if (session.total !== undefined && session.received === session.total)
				return this.complete(session);
			return { kind: 'incomplete' };
		}
		const end = range.end!;
		if (end < range.start || (!chunked && end - range.start + 1 !== length)) {
			return this.reject(
				req,
				DriveErrors.badRequest('Content-Range does not match the request body length.'),
			);
		}
		if (session.total !== undefined && end >= session.total) {
			return this.reject(
				req,
				DriveErrors.badRequest('Content-Range end is beyond the declared total size.'),
			);
		}
		if (range.start > session.received) {
			return this.reject(
				req,
				DriveErrors.badRequest(
					`Invalid request. According to the Content-Range header, the upload offset is ${range.start} byte(s), which exceeds already uploaded size of ${session.received} byte(s).`,
				),
			);
		}
		if (session.busy)
			return this.reject(
				req,
				DriveErrors.badRequest('Another request is writing to this upload session.'),
			);
		session.busy = true;
		try {
			return await this.append(session, req, range.start, end);
		} finally {
			session.busy = false;
		}
	}

	private async append(
		session: UploadSession,
		req: FakeRequest,
		start: number,
		end: number,
	): Promise<SessionStep> {
		let skip = session.received - start; // bytes the client re-sent that we already hold
		const socket = req.raw.socket;
		const cutAfter = this.pendingCut;
		this.pendingCut = undefined;
		let seen = 0;
		let pending: Buffer[] = [];
		let pendingBytes = 0;
		let cut = false;
		const flush = async (all: boolean) => {
			const data = Buffer.concat(pending);
			const keep = all ? data.length : data.length - (data.length % CHUNK_ALIGNMENT);
			if (keep > 0) {
				const wait = session.writer.write(data.subarray(0, keep));
				if (wait) await wait;
				session.received += keep;
			}
			pending = keep < data.length ? [data.subarray(keep)] : [];
			pendingBytes = data.length - keep;
		};
		try {
			for await (const raw of req.raw) {
				let chunk = raw as Buffer;
				if (cutAfter !== undefined && seen + chunk.length >= cutAfter) {
					chunk = chunk.subarray(0, cutAfter - seen);
					cut = true;
				}
				seen += chunk.length;
				if (skip > 0) {
					const dropped = Math.min(skip, chunk.length);
					chunk = chunk.subarray(dropped);
					skip -= dropped;
				}
				if (chunk.length) {
					pending.push(chunk);
					pendingBytes += chunk.length;
					if (pendingBytes >= CHUNK_ALIGNMENT) await flush(false);
				}
				if (cut) break;
			}
		} catch {
			cut = true; // the client went away mid-body
		}
		if (cut) {
			await flush(false);
			socket?.destroy();
			return { kind: 'aborted' };
		}
		const last = session.total !== undefined && end + 1 === session.total;
		await flush(last);
		if (last) return this.complete(session);
		return { kind: 'incomplete' };
	}

	private async complete(session: UploadSession): Promise<SessionStep> {
		session.blob = await session.writer.finish();
		return { kind: 'complete', blob: session.blob };
	}

	private async reject(req: FakeRequest, error: ErrorShape): Promise<SessionStep> {
		await drain(req);
		return { kind: 'error', error };
	}
}

async function drain(req: FakeRequest): Promise<void> {
	try {
		for await (const _ of req.raw) {
			// discard
		}
	} catch {
		// client gone
	}
}
