import { isNetworkError } from '../../transport/pacer';
import type { Transport } from '../../transport/transport';
import { ChunkedSource } from '../chunkedSource';
import { contentHasher } from '../knownHash';
import { chunkSizeFor } from '../chunkSize';
import { CloudError } from '../../types/cloudError';
import {
	cloudErrorFromFailure,
	cloudErrorFromThrown,
	failureFromBody,
	type GraphService,
} from './errors';
import type { DriveItemJson } from './items';
import type { UploadSource } from '../types';

/** Graph wants every fragment but the last to be a multiple of 320 KiB. */
export const FRAGMENT_UNIT = 320 * 1024;
/** From the link model (chunkSize.ts): 42 units, 13.1 MiB. */
export const DEFAULT_FRAGMENT_SIZE = chunkSizeFor(FRAGMENT_UNIT);
/** Fragments in a row that may fail without the server moving forward before the upload gives up. */
const MAX_STALLED_ATTEMPTS = 6;

/** A valid fragment size: a positive multiple of 320 KiB, below Graph's 60 MiB request cap. */
export function validFragmentSize(requested: number | undefined): number {
	if (!requested) return DEFAULT_FRAGMENT_SIZE;
	const units = Math.max(1, Math.min(Math.floor(requested / FRAGMENT_UNIT), 187));
	return units * FRAGMENT_UNIT;
}

/** The first byte the server still wants, from ["12345-", "20000-30000"]. */
export function nextOffset(ranges: unknown): number | undefined {
	if (!Array.isArray(ranges) || ranges.length === 0) return undefined;
	const match = /^(\d+)-/.exec(String(ranges[0]));
	return match ? Number(match[1]) : undefined;
}

export interface SessionUpload {
	transport: Transport;
	/** POST …/createUploadSession through the SDK; returns the pre-authenticated uploadUrl. */
	createSession: () => Promise<{ uploadUrl: string }>;
	fragmentSize: number;
	/** For messages: the file's name or path, and the service's name (OneDrive or SharePoint). */
	target: string;
	service: GraphService;
}

/**
 * Upload through a Graph upload session: fragments PUT to the pre-authenticated URL (no bearer), each one retried
 * and resumed from the server's nextExpectedRanges after a cut, never from zero. The quickXorHash of the bytes is
 * computed while they stream and compared with the server's at the end.
 */
export async function uploadInSession(
	job: SessionUpload,
	source: UploadSource,
): Promise<DriveItemJson> {
	const total = source.size;
	// The quickXorHash compared at the end: the caller's, or computed here as the fragments are read.
	const hasher = contentHasher(source, 'quickXorHash');
	const fragments = new ChunkedSource(source, job.fragmentSize, (bytes) =>
		hasher.update(bytes),
	).prefetch();
	const { uploadUrl } = await job.createSession();
	let fragmentStart = 0;
	let fragment = Buffer.alloc(0);
	let offset = 0;
	let stalled = 0;

	const status = async (): Promise<number> => {
		const response = await job.transport
			.request({ method: 'GET', url: uploadUrl, authenticated: false })
			.catch((error: unknown) => {
				throw cloudErrorFromThrown(error, job.target, job.service);
			});
		const body = response.body as Buffer;
		if (response.status === 404) {
			throw new CloudError(
				'transient',
				`The ${job.service} upload session for ${job.target} expired; the next run uploads it again`,
				{
					status: 404,
					target: job.target,
				},
			);
		}
		if (response.status !== 200)
			throw cloudErrorFromFailure(
				failureFromBody(response.status, body, response.headers),
				'write',
				job.target,
				job.service,
			);
		const ranges = JSON.parse(body.toString('utf8')).nextExpectedRanges;
		return nextOffset(ranges) ?? total;
	};

	for (;;) {
		if (offset >= fragmentStart + fragment.length) {
			fragmentStart += fragment.length;
			const want = Math.min(job.fragmentSize, total - fragmentStart);
			fragment = await fragments.next();
			if (fragment.length !== want) {
				throw new CloudError(
					'integrity',
					`The content of ${job.target} is shorter than its declared size ${total}`,
					{ target: job.target },
				);
			}
		}
		if (offset < fragmentStart) {
			// A stream cannot rewind past the fragment in hand; Graph never asks for that unless the session restarted.
			throw new CloudError(
				'transient',
				`${job.service} lost already confirmed bytes of ${job.target}; the next run uploads it again`,
				{
					target: job.target,
				},
			);
		}
		const slice = fragment.subarray(offset - fragmentStart);
		const end = offset + slice.length - 1;
		let response;
		try {
			response = await job.transport.request(
				{
					method: 'PUT',
					url: uploadUrl,
					authenticated: false,
					headers: {
						'content-range': `bytes ${offset}-${end}/${total}`,
						'content-type': 'application/octet-stream',
					},
					body: slice,
				},
				{ retryNetworkErrors: false },
			);
		} catch (error) {
			if (!isNetworkError(error) || ++stalled > MAX_STALLED_ATTEMPTS)
				throw cloudErrorFromThrown(error, job.target, job.service);
			offset = await status();
			continue;
		}
		const body = response.body as Buffer;
		if (response.status === 202) {
			const next =
				nextOffset(JSON.parse(body.toString('utf8') || '{}').nextExpectedRanges) ?? end + 1;
			stalled = next > offset ? 0 : stalled + 1;
			if (stalled > MAX_STALLED_ATTEMPTS)
				throw new CloudError('transient', `${job.service} stopped accepting ${job.target}`, {
					target: job.target,
				});
			offset = next;
			continue;
		}
		if (response.status === 200 || response.status === 201) {
			const item = JSON.parse(body.toString('utf8')) as DriveItemJson;
			verify(item, total, hasher.digest(), job.target);
			return item;
		}
		if (response.status === 416 && ++stalled <= MAX_STALLED_ATTEMPTS) {
			offset = await status();
			continue;
		}
		if (response.status === 404) await status(); // throws the "expired" error
		throw cloudErrorFromFailure(
			failureFromBody(response.status, body, response.headers),
			'write',
			job.target,
			job.service,
		);
	}
}

export function verify(
	item: DriveItemJson,
	size: number,
	quickXorHash: string,
	target: string,
): void {
	if (typeof item.size === 'number' && item.size !== size) {
		throw new CloudError(
			'integrity',
			`OneDrive stored ${item.size} bytes of ${target}, expected ${size}`,
			{ target },
		);
	}
	const remote = item.file?.hashes?.quickXorHash;
	if (remote && remote !== quickXorHash) {
		throw new CloudError(
			'integrity',
			`The quickXorHash OneDrive computed for ${target} does not match the uploaded bytes`,
			{ target },
		);
	}
}
