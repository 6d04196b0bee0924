import type { ClientTimes } from './clientProps';
import { randomBytes } from 'crypto';
import type { BlobWriter, ContentStore } from './content';
import type { ConflictBehavior, GraphDrive } from './drive';
import { faults } from './errors';

/** Every fragment but the last must be a multiple of 320 KiB. */
export const FRAGMENT_UNIT = 320 * 1024;
/** Each fragment request must stay under 60 MiB. */
export const MAX_FRAGMENT = 60 * 1024 * 1024;
export const SESSION_LIFETIME_MS = 24 * 3600 * 1000;

export type SessionTarget =
	{ kind: 'new'; parentId: string; name: string } | { kind: 'replace'; itemId: string };

export interface UploadSession {
	id: string;
	drive: GraphDrive;
	/** The address form of the request that created it, for the item JSON at commit. */
	prefix: string;
	target: SessionTarget;
	behavior: ConflictBehavior;
	deferCommit: boolean;
	/** fileSystemInfo of the session's item, applied at commit. */
	clientTimes?: ClientTimes;
	expiresAt: number;
	total?: number;
	/** Bytes kept so far: the next expected range starts here. */
	received: number;
	writer: BlobWriter;
}

export interface FragmentHeader {
	start: number;
	end: number;
	total: number;
	length: number;
}

/** "bytes 0-327679/1048576" */
export function parseContentRange(
	value: string | undefined,
	contentLength: string | undefined,
): FragmentHeader {
	const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(value?.trim() ?? '');
	if (!match) throw faults.invalidRequest('The Content-Range header is missing or malformed.');
	const [start, end, total] = [Number(match[1]), Number(match[2]), Number(match[3])];
	const length = end - start + 1;
	if (end < start || end >= total)
		throw faults.invalidRequest('The Content-Range header is invalid.');
	if (contentLength !== undefined && Number(contentLength) !== length) {
		throw faults.invalidRequest(
			'The Content-Length header does not match the Content-Range header.',
		);
	}
	return { start, end, total, length };
}

export class UploadSessions {
	private readonly sessions = new Map<string, UploadSession>();

	constructor(private readonly store: ContentStore) {}

	create(init: Omit<UploadSession, 'id' | 'expiresAt' | 'received' | 'writer'>): UploadSession {
		const session: UploadSession = {
			...init,
			id: randomBytes(24).toString('base64url'),
			expiresAt: Date.now() + SESSION_LIFETIME_MS,
			received: 0,
			writer: this.store.writer(),
		};
		this.sessions.set(session.id, session);
		return session;
	}

	/** Expired and unknown sessions both answer 404, as Graph does. */
	get(id: string): UploadSession {
		const session = this.sessions.get(id);
		if (!session || session.expiresAt <= Date.now()) {
			if (session) this.drop(session);
			throw faults.notFound('The upload session was not found or has expired.');
		}
		return session;
	}

	drop(session: UploadSession, keepContent = false): void {
		if (!keepContent) session.writer.discard();
		this.sessions.delete(session.id);
	}

	expireAll(): void {
		for (const session of this.sessions.values()) session.expiresAt = 0;
	}

	/** Validate a fragment against the session before reading its body. */
	checkFragment(session: UploadSession, header: FragmentHeader): void {
		if (session.total !== undefined && header.total !== session.total) {
			throw faults.invalidRequest(
				'The total size in Content-Range does not match earlier fragments.',
			);
		}
		if (header.length > MAX_FRAGMENT)
			throw faults.invalidRequest('A fragment must be smaller than 60 MiB.');
		const last = header.end + 1 === header.total;
		if (!last && header.length % FRAGMENT_UNIT !== 0) {
			throw faults.invalidRequest(
				'Fragments other than the last must be a multiple of 320 KiB (327680 bytes).',
			);
		}
		if (header.start < session.received) {
			throw faults.invalidRange(
				`The uploaded fragment overlaps with data that has already been received (next expected ${session.received}).`,
			);
		}
		if (header.start > session.received) {
			throw faults.invalidRange(
				`Fragments must be uploaded in order (next expected ${session.received}).`,
				'invalidRange',
			);
		}
		if (session.total === undefined && header.total > session.drive.remainingBytes())
			throw faults.quota();
		session.total = header.total;
	}

	status(session: UploadSession): Record<string, unknown> {
		const complete = session.total !== undefined && session.received === session.total;
		return {
			expirationDateTime: new Date(session.expiresAt).toISOString(),
			nextExpectedRanges: complete ? [] : [`${session.received}-`],
		};
	}
}
