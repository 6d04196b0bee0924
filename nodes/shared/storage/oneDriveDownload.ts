import { Readable } from 'stream';
import { isNetworkError } from '../transport/pacer';
import type { Transport } from '../transport/transport';
import { readAll, type WireResponse } from '../transport/wire';
import { CloudError } from './errors';
import { cloudErrorFromFailure, cloudErrorFromThrown, failureFromBody } from './oneDriveErrors';

/** Cuts in a row (without a byte of progress) before the download gives up. */
const MAX_STALLED_ATTEMPTS = 5;
/** Statuses meaning the pre-authenticated URL is no longer good: ask Graph for a fresh one. */
const STALE_URL = new Set([401, 403, 404, 410]);

export interface Download {
	transport: Transport;
	/** Absolute Graph URL of …/items/{id}/content (answers 302 to a pre-authenticated URL). */
	contentUrl: string;
	target: string;
}

/**
 * The file's bytes as a stream: GET …/content without following the 302, then GET the pre-authenticated Location
 * without a bearer, streamed. A cut mid-body resumes with Range from the last byte received.
 */
export async function downloadStream(job: Download): Promise<Readable> {
	// Located before the stream exists, so a missing item rejects download() itself.
	const url = await locate(job);
	return Readable.from(chunks(job, url), { objectMode: false });
}

async function* chunks(job: Download, firstUrl: string): AsyncGenerator<Buffer> {
	let url = firstUrl;
	let received = 0;
	let total: number | undefined;
	let stalled = 0;
	let freshUrls = 0;
	for (;;) {
		let response: WireResponse;
		try {
			response = await job.transport.request({
				method: 'GET',
				url,
				authenticated: false,
				responseType: 'stream',
				headers: received > 0 ? { range: `bytes=${received}-` } : {},
			});
		} catch (error) {
			throw cloudErrorFromThrown(error, job.target);
		}
		if (STALE_URL.has(response.status) && freshUrls++ < 2) {
			url = await locate(job);
			continue;
		}
		if (received > 0 && response.status === 416 && total !== undefined && received >= total) return;
		if (response.status !== 200 && response.status !== 206) {
			const body = Buffer.isBuffer(response.body) ? response.body : await readAll(response.body);
			throw cloudErrorFromFailure(failureFromBody(response.status, body, response.headers), 'read', job.target);
		}
		total ??= totalSize(response);
		// A server that ignores Range starts again from byte 0: skip what we already passed on.
		let skip = response.status === 200 ? received : 0;
		const before = received;
		try {
			for await (const raw of response.body as Readable) {
				let chunk = raw as Buffer;
				if (skip > 0) {
					const dropped = Math.min(skip, chunk.length);
					skip -= dropped;
					chunk = chunk.subarray(dropped);
					if (chunk.length === 0) continue;
				}
				received += chunk.length;
				yield chunk;
			}
		} catch (error) {
			if (!isNetworkError(error)) throw cloudErrorFromThrown(error, job.target);
		}
		if (total === undefined || received >= total) return;
		stalled = received > before ? 0 : stalled + 1;
		if (stalled > MAX_STALLED_ATTEMPTS) {
			throw new CloudError('transient', `The download of ${job.target} kept failing at byte ${received} of ${total}`, { target: job.target });
		}
	}
}

/** GET …/content without following: the Location is the pre-authenticated download URL. */
async function locate(job: Download): Promise<string> {
	let response: WireResponse;
	try {
		response = await job.transport.request({ method: 'GET', url: job.contentUrl, followRedirects: false });
	} catch (error) {
		throw cloudErrorFromThrown(error, job.target);
	}
	const location = response.headers.location;
	if (response.status >= 300 && response.status < 400 && location) return new URL(location, job.contentUrl).href;
	const body = Buffer.isBuffer(response.body) ? response.body : await readAll(response.body);
	throw cloudErrorFromFailure(failureFromBody(response.status, body, response.headers), 'read', job.target);
}

function totalSize(response: WireResponse): number | undefined {
	const range = /\/(\d+)$/.exec(response.headers['content-range'] ?? '');
	if (range) return Number(range[1]);
	const length = Number(response.headers['content-length']);
	return response.status === 200 && Number.isFinite(length) ? length : undefined;
}
