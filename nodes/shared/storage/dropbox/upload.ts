import type { Hasher } from '../../hashes';
import { isNetworkError } from '../../transport/pacer';
import { ChunkedSource } from '../chunkedSource';
import { CloudError } from '../../types/cloudError';
import {
	dropboxAnswerToCloudError,
	dropboxErrorTags,
	incorrectOffset,
	toDropboxCloudError,
	type DropboxErrorAnswer,
} from './errors';
import type { DropboxMeta } from './items';
import type { UploadSource } from '../types';

/** One raw content-endpoint call: JSON result on 2xx, the error answer otherwise; connection failures throw. */
export type ContentCall = (
	route: string,
	arg: unknown,
	body: Buffer,
	options?: { retryNetworkErrors?: boolean },
) => Promise<{ ok: true; json: unknown } | { ok: false; answer: DropboxErrorAnswer }>;

export interface SessionUploadDeps {
	call: ContentCall;
	/** Metadata at a path, undefined when nothing is there (to confirm a finish whose answer was lost). */
	lookup: (path: string) => Promise<DropboxMeta | undefined>;
	/** Waits before attempt `n + 1` of a chunk after a connection failure. */
	backoff: (attempt: number) => Promise<void>;
	chunkSize: number;
	maxChunkAttempts?: number;
}

/** Statistics of one session upload, for tests and benchmarks. */
export interface SessionUploadReport {
	chunks: number;
	bytesSent: number;
	resumes: number;
}

/**
 * An upload session: an empty start, one append per chunk, then finish. Every data byte goes through an append,
 * so a cut anywhere resumes from the offset the server reports (incorrect_offset), never from zero. The content
 * hash is computed as the chunks pass.
 */
export async function uploadInSession(
	deps: SessionUploadDeps,
	source: UploadSource,
	commit: { path: string } & Record<string, unknown>,
	hasher: Hasher,
	report: SessionUploadReport = { chunks: 0, bytesSent: 0, resumes: 0 },
): Promise<DropboxMeta> {
	const target = commit.path;
	// The first chunk is read while the session opens.
	const chunks = new ChunkedSource(source, deps.chunkSize, (bytes) =>
		hasher.update(bytes),
	).prefetch();
	const started = await deps.call('files/upload_session/start', { close: false }, Buffer.alloc(0));
	if (!started.ok) throw dropboxAnswerToCloudError(started.answer, 'start an upload of', target);
	const sessionId = (started.json as { session_id: string }).session_id;
	let offset = 0;
	for (let chunk = await chunks.next(); chunk.length > 0; chunk = await chunks.next()) {
		offset = await appendChunk(deps, sessionId, offset, chunk, target, report);
		report.chunks++;
	}
	if (offset !== source.size) {
		// Never commit a file shorter than the document it claims to be; the session expires unused.
		throw new CloudError(
			'integrity',
			`The content of "${target}" is shorter than its declared size ${source.size}`,
			{ target },
		);
	}
	const finished = await deps.call(
		'files/upload_session/finish',
		{ cursor: { session_id: sessionId, offset }, commit },
		Buffer.alloc(0),
	);
	if (finished.ok) return finished.json as DropboxMeta;
	const tags = dropboxErrorTags(finished.answer.error);
	if (tags[0] === 'lookup_failed' && tags[1] === 'not_found') {
		// The finish went through but its answer was lost, and the resend found the session consumed: the file decides.
		const existing = await deps.lookup(target);
		if (existing) return existing;
	}
	throw dropboxAnswerToCloudError(finished.answer, 'finish the upload of', target);
}

async function appendChunk(
	deps: SessionUploadDeps,
	sessionId: string,
	chunkStart: number,
	chunk: Buffer,
	target: string,
	report: SessionUploadReport,
): Promise<number> {
	const end = chunkStart + chunk.length;
	const maxAttempts = deps.maxChunkAttempts ?? 6;
	let position = 0;
	let failures = 0;
	let offsetCorrections = 0;
	const adopt = (correct: number) => {
		if (correct < chunkStart || correct > end) {
			throw new CloudError(
				'integrity',
				`Dropbox reports ${correct} bytes received for "${target}", ` +
					`outside the chunk ${chunkStart}-${end}; the upload must start again`,
				{
					target,
				},
			);
		}
		position = correct - chunkStart;
	};
	for (;;) {
		const cursor = { session_id: sessionId, offset: chunkStart + position };
		try {
			report.bytesSent += chunk.length - position;
			const result = await deps.call(
				'files/upload_session/append_v2',
				{ cursor, close: false },
				chunk.subarray(position),
				{ retryNetworkErrors: false },
			);
			if (result.ok) return end;
			const correct = incorrectOffset(result.answer);
			if (correct === undefined) throw dropboxAnswerToCloudError(result.answer, 'upload', target);
			adopt(correct);
			report.resumes++;
			if (position === chunk.length) return end;
			if (++offsetCorrections > maxAttempts)
				throw new CloudError(
					'transient',
					`Dropbox keeps moving the offset of "${target}"; try again later`,
					{ target },
				);
		} catch (error) {
			if (!isNetworkError(error)) throw toDropboxCloudError(error, 'upload', target);
			if (++failures >= maxAttempts) throw toDropboxCloudError(error, 'upload', target);
			await deps.backoff(failures);
			// Ask how much arrived: an empty append at our offset answers incorrect_offset with the server's offset.
			const probe = await deps.call(
				'files/upload_session/append_v2',
				{ cursor, close: false },
				Buffer.alloc(0),
			);
			if (!probe.ok) {
				const correct = incorrectOffset(probe.answer);
				if (correct === undefined) throw dropboxAnswerToCloudError(probe.answer, 'upload', target);
				adopt(correct);
				report.resumes++;
				if (position === chunk.length) return end;
			}
		}
	}
}
