import type { Transport } from '../../transport/transport';
import type { WireResponse } from '../../transport/wire';
import { ChunkedSource } from '../chunkedSource';
import { contentHasher } from '../knownHash';
import { CloudError } from '../../types/cloudError';
import { driveCloudError, factsOfResponse, toDriveCloudError } from './errors';
import type { UploadSource } from '../types';
import { GOOGLE_API_ORIGIN } from './wire';

/** Drive wants every chunk but the last in multiples of 256 KiB. */
export const DRIVE_CHUNK_ALIGNMENT = 256 * 1024;
const UPLOAD_BASE = `${GOOGLE_API_ORIGIN}/upload/drive/v3/files`;
/** Consecutive failures of one chunk before the upload gives up. */
const MAX_CHUNK_FAILURES = 6;

export interface ResumableUploadRequest {
	/** Set for a new revision of an existing file (PATCH), absent for a new file (POST). */
	fileId?: string;
	metadata: Record<string, unknown>;
	mimeType: string;
	fields: string;
	supportsAllDrives: boolean;
	chunkSize: number;
	target: string;
}

export interface ResumableUploadResult {
	file: Record<string, any>;
	md5: string;
	/** Bytes sent more than once (after cuts), for tests and benchmarks. */
	resentBytes: number;
}

/** The server's persisted offset from a 308 `Range: bytes=0-N` (0 when absent). */
export function confirmedOffset(response: WireResponse): number {
	const match = /bytes=0-(\d+)/.exec(response.headers.range ?? '');
	return match ? Number(match[1]) + 1 : 0;
}

/**
 * Drive's resumable upload driven by hand (the Node client has none): initiate, send aligned chunks read from
 * the source, and after a cut ask the server what it kept (`bytes * /total`) and continue from there, so a
 * cut never re-sends more than the unconfirmed part of one chunk and never restarts from zero.
 */
export async function resumableUpload(
	transport: Transport,
	request: ResumableUploadRequest,
	source: UploadSource,
): Promise<ResumableUploadResult> {
	const total = source.size;
	const query = new URLSearchParams({ uploadType: 'resumable', fields: request.fields });
	if (request.supportsAllDrives) query.set('supportsAllDrives', 'true');
	const initiateUrl = `${UPLOAD_BASE}${request.fileId ? `/${encodeURIComponent(request.fileId)}` : ''}?${query}`;
	// The first chunk is read while the session opens. The md5 compared at the end: the caller's, or computed here.
	const hasher = contentHasher(source, 'md5');
	const chunks = new ChunkedSource(source, request.chunkSize, (bytes) =>
		hasher.update(bytes),
	).prefetch();
	const initiated = await send(transport, request.target, {
		method: request.fileId ? 'PATCH' : 'POST',
		url: initiateUrl,
		headers: {
			'content-type': 'application/json; charset=UTF-8',
			'x-upload-content-type': request.mimeType,
			'x-upload-content-length': String(total),
		},
		body: Buffer.from(JSON.stringify(request.metadata), 'utf8'),
	});
	if (initiated.status !== 200 || !initiated.headers.location)
		throw failure(initiated, request.target);
	const sessionUrl = initiated.headers.location;

	let chunk = await chunks.next();
	let chunkStart = 0;
	let offset = 0; // bytes the server confirmed
	let failures = 0;
	let resentBytes = 0;
	let highestSent = 0;
	for (;;) {
		const from = offset - chunkStart;
		const body = chunk.subarray(from);
		const last = chunkStart + chunk.length === total;
		const headers: Record<string, string> = {
			'content-range':
				body.length === 0
					? `bytes */${total}`
					: `bytes ${offset}-${offset + body.length - 1}/${total}`,
		};
		if (offset < highestSent) resentBytes += Math.min(highestSent, offset + body.length) - offset;
		highestSent = Math.max(highestSent, offset + body.length);
		let response: WireResponse;
		try {
			response = await transport.request(
				{ method: 'PUT', url: sessionUrl, headers, body, responseType: 'buffer' },
				{ retryNetworkErrors: false },
			);
		} catch (error) {
			if (++failures > MAX_CHUNK_FAILURES) throw toDriveCloudError(error, request.target);
			offset = await probe(transport, sessionUrl, total, request.target, chunkStart, chunk.length);
			continue;
		}
		if (response.status === 200 || response.status === 201) {
			const file = JSON.parse((response.body as Buffer).toString('utf8'));
			return { file, md5: hasher.digest(), resentBytes };
		}
		if (response.status === 308) {
			failures = 0;
			offset = confirmedOffset(response);
			if (offset < chunkStart) throw lostData(request.target, offset, chunkStart);
			if (offset >= chunkStart + chunk.length && !last) {
				chunkStart += chunk.length;
				chunk = await chunks.next();
			}
			continue;
		}
		if (response.status === 404) {
			throw new CloudError(
				'transient',
				`The upload session for ${request.target} expired; the next run uploads it again`,
				{
					status: 404,
					target: request.target,
				},
			);
		}
		if (response.status >= 500 && ++failures <= MAX_CHUNK_FAILURES) {
			offset = await probe(transport, sessionUrl, total, request.target, chunkStart, chunk.length);
			continue;
		}
		throw failure(response, request.target);
	}
}

/** Ask the session what it holds; the answer must lie inside the chunk we still have in memory. */
async function probe(
	transport: Transport,
	sessionUrl: string,
	total: number,
	target: string,
	chunkStart: number,
	chunkLength: number,
): Promise<number> {
	const response = await send(transport, target, {
		method: 'PUT',
		url: sessionUrl,
		headers: { 'content-range': `bytes */${total}` },
		body: Buffer.alloc(0),
	});
	if (response.status === 200 || response.status === 201) return total;
	if (response.status !== 308) throw failure(response, target);
	const offset = confirmedOffset(response);
	if (offset < chunkStart || offset > chunkStart + chunkLength)
		throw lostData(target, offset, chunkStart);
	return offset;
}

function lostData(target: string, offset: number, chunkStart: number): CloudError {
	return new CloudError(
		'transient',
		`Google Drive lost part of the upload of ${target} (server at ${offset}, expected at least ${chunkStart})`,
		{ target },
	);
}

async function send(
	transport: Transport,
	target: string,
	request: Parameters<Transport['request']>[0],
): Promise<WireResponse> {
	try {
		return await transport.request(request);
	} catch (error) {
		throw toDriveCloudError(error, target);
	}
}

function failure(response: WireResponse, target: string): CloudError {
	return driveCloudError(
		factsOfResponse(
			response.status,
			response.headers,
			Buffer.isBuffer(response.body) ? response.body : undefined,
		),
		target,
	);
}
