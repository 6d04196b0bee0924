import { Readable } from 'stream';
import { isNetworkError } from '../../transport/pacer';
import type { Transport } from '../../transport/transport';
import { readAll, type WireResponse } from '../../transport/wire';
import { CloudError } from '../../types/cloudError';
import {
	cloudErrorFromFailure,
	cloudErrorFromThrown,
	failureFromBody,
	type GraphService,
} from './errors';

/** Cuts in a row (without a byte of progress) before the download gives up. */
const MAX_STALLED_ATTEMPTS = 5;
/** Statuses meaning the pre-authenticated URL is no longer good: ask Graph for a fresh one. */
const STALE_URL = new Set([401, 403, 404, 410]);
const MAX_FRESH_URLS = 2;

export interface Download {
	transport: Transport;
	/** Absolute Graph URL of …/items/{id}/content (answers 302 to a pre-authenticated URL). */
	contentUrl: string;
	target: string;
	/** For messages: OneDrive or SharePoint. */
	service: GraphService;
	/** A pre-authenticated URL a listing already gave (@microsoft.graph.downloadUrl): saves the 302 round trip. */
	knownUrl?: string;
}

/** Where a download reads from now, and how many fresh URLs it has asked …/content for. */
interface Source {
	url: string;
	freshUrls: number;
}

/**
 * The file's bytes as a stream: GET the pre-authenticated URL without a bearer (the one a listing gave, else the
 * Location of …/content's 302), streamed. A stale URL is replaced once from …/content; a cut mid-body resumes with
 * Range from the last byte received.
 */
export async function downloadStream(job: Download): Promise<Readable> {
	const source: Source = { url: job.knownUrl ?? (await locate(job)), freshUrls: 0 };
	// The first response is awaited here, so a missing item rejects download() itself.
	const first = await open(job, source, 0);
	if (first.status !== 200 && first.status !== 206) throw await failureOf(job, first);
	return Readable.from(chunks(job, source, first), { objectMode: false });
}

/** GET the content from `received` on; a URL that is no longer good is exchanged for a fresh one (at most twice). */
async function open(job: Download, source: Source, received: number): Promise<WireResponse> {
	for (;;) {
		let response: WireResponse;
		try {
			response = await job.transport.request({
				method: 'GET',
				url: source.url,
				authenticated: false,
				responseType: 'stream',
				headers: received > 0 ? { range: `bytes=${received}-` } : {},
			});
		} catch (error) {
			throw cloudErrorFromThrown(error, job.target, job.service);
		}
		if (!STALE_URL.has(response.status) || source.freshUrls >= MAX_FRESH_URLS) return response;
		source.freshUrls++;
		source.url = await locate(job);
	}
}

async function* chunks(job: Download, source: Source, first: WireResponse): AsyncGenerator<Buffer> {
	let received = 0;
	let total: number | undefined;
	let stalled = 0;
	let next: WireResponse | undefined = first;
	for (;;) {
		const response: WireResponse = next ?? (await open(job, source, received));
		next = undefined;
		if (received > 0 && response.status === 416 && total !== undefined && received >= total) return;
		if (response.status !== 200 && response.status !== 206) throw await failureOf(job, response);
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
			if (!isNetworkError(error)) throw cloudErrorFromThrown(error, job.target, job.service);
		}
		if (total === undefined || received >= total) return;
		stalled = received > before ? 0 : stalled + 1;
		if (stalled > MAX_STALLED_ATTEMPTS) {
			throw new CloudError(
				'transient',
				`The download of ${job.target} kept failing at byte ${received} of ${total}`,
				{ target: job.target },
			);
		}
	}
}

/** GET …/content without following: the Location is the pre-authenticated download URL. */
async function locate(job: Download): Promise<string> {
	let response: WireResponse;
	try {
		response = await job.transport.request({
			method: 'GET',
			url: job.contentUrl,
			followRedirects: false,
		});
	} catch (error) {
		throw cloudErrorFromThrown(error, job.target, job.service);
	}
	const location = response.headers.location;
	if (response.status >= 300 && response.status < 400 && location)
		return new URL(location, job.contentUrl).href;
	const body = Buffer.isBuffer(response.body) ? response.body : await readAll(response.body);
	throw cloudErrorFromFailure(
		failureFromBody(response.status, body, response.headers),
		'read',
		job.target,
		job.service,
	);
}

async function failureOf(job: Download, response: WireResponse): Promise<Error> {
	const body = Buffer.isBuffer(response.body) ? response.body : await readAll(response.body);
	return cloudErrorFromFailure(
		failureFromBody(response.status, body, response.headers),
		'read',
		job.target,
		job.service,
	);
}

function totalSize(response: WireResponse): number | undefined {
	const range = /\/(\d+)$/.exec(response.headers['content-range'] ?? '');
	if (range) return Number(range[1]);
	const length = Number(response.headers['content-length']);
	return response.status === 200 && Number.isFinite(length) ? length : undefined;
}

/** Graph's pre-authenticated URLs last about an hour; older ones are not tried (…/content gives a fresh one). */
const URL_TRUSTED_MS = 50 * 60 * 1000;
/** URLs remembered at most (real ones carry a ~1-2 KB token): past this, files download through …/content. */
const MAX_KNOWN_URLS = 10_000;

/**
 * Item id -> the @microsoft.graph.downloadUrl its listing or delta entry carried, so that downloading what was just
 * listed costs one request instead of two. Bounded in count and age; each URL is handed out once.
 */
export class DownloadUrls {
	private readonly known = new Map<string, { url: string; at: number }>();

	constructor(private readonly now: () => number = () => Date.now()) {}

	remember(id: string, url: string | undefined): void {
		if (!url) return;
		if (this.known.size >= MAX_KNOWN_URLS && !this.known.has(id)) return;
		this.known.set(id, { url, at: this.now() });
	}

	take(id: string): string | undefined {
		const entry = this.known.get(id);
		this.known.delete(id);
		return entry && this.now() - entry.at < URL_TRUSTED_MS ? entry.url : undefined;
	}
}
