import { Readable } from 'stream';
import { ApiHosts, type ApiHostsDeclaration } from './hosts';
import { isNetworkError, Pacer, type RetryDecision } from './pacer';
import { requestStats, type RequestStats } from './stats';
import { readAll, type Wire, type WireRequest, type WireResponse } from './wire';

/** A cloud's own retry rule (rclone's per-backend shouldRetry): a decision, or undefined for "not mine". */
export type ShouldRetry = (
	response: WireResponse,
	retryAfterMs: number | undefined,
) => RetryDecision | undefined;

/**
 * What the transport needs to know of one cloud, handed to it by that cloud's folder (storage/<cloud>/wire.ts,
 * calendar/<cloud>/wire.ts): the transport itself knows no cloud by name.
 */
export interface CloudWire {
	/** The cloud's name in request counts (tests and benchmarks read them). */
	name: string;
	/** The origins its SDK addresses, national clouds included. */
	hosts: ApiHostsDeclaration;
	/** Answers this cloud retries beyond the common ones (429, 408, 5xx). */
	shouldRetry?: ShouldRetry;
}

/** Redirect statuses the transport follows itself (the wire never does: it would carry the token along). */
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/** Per-call knobs of Transport.request. */
export interface RequestOptions {
	/**
	 * Default true. False for upload chunks whose protocol resumes from the server's offset: after a cut the
	 * caller asks the server what it kept instead of re-sending the whole chunk blindly.
	 */
	retryNetworkErrors?: boolean;
}

export interface TransportOptions {
	cloud: CloudWire;
	/**
	 * Where the token may go (createTransport derives them from the
	 * credential). Default: the cloud's hosts with `baseUrl`.
	 */
	hosts?: ApiHosts;
	/**
	 * Replaces the provider's default origin(s): national clouds, proxies, the test fakes. Ignored when `hosts` is given.
	 */
	baseUrl?: string;
	pacer?: Pacer;
	stats?: RequestStats;
}

/**
 * The bridge between every SDK and the wire: rewrites the origin, signs only requests to the credential's API
 * hosts (and follows redirects itself, carrying the token only to those), refreshes an expired token once and
 * resends (bodies are buffers, so the resend carries the same bytes), paces retries, and counts each logical
 * request once.
 */
export class Transport {
	readonly cloud: CloudWire;
	readonly pacer: Pacer;
	readonly hosts: ApiHosts;
	private readonly stats: RequestStats;

	constructor(
		private readonly wire: Wire,
		options: TransportOptions,
	) {
		this.cloud = options.cloud;
		this.hosts = options.hosts ?? new ApiHosts(options.cloud.hosts, options.baseUrl);
		this.pacer = options.pacer ?? new Pacer();
		this.stats = options.stats ?? requestStats;
	}

	/** Map an SDK URL on a default host onto the configured base URL; other URLs pass unchanged. */
	rewrite(url: string): string {
		return this.hosts.rewrite(url);
	}

	/**
	 * Send one logical request. A signed request (authenticated not false) to any origin but the credential's
	 * API hosts is refused before anything leaves (TokenHostError); pre-authenticated URLs go anywhere unsigned.
	 */
	async request(request: WireRequest, options: RequestOptions = {}): Promise<WireResponse> {
		this.stats.count(this.cloud.name, 'logical');
		const prepared: WireRequest = { ...request, url: this.rewrite(request.url) };
		const signed = prepared.authenticated !== false;
		if (signed) this.hosts.assertReceivesToken(prepared.url);
		let refreshed = false;
		return this.pacer.run(
			async () => {
				this.stats.count(this.cloud.name, 'attempt');
				let response = await this.sendFollowing(prepared);
				if (response.status === 401 && signed && !refreshed) {
					// n8n only refreshes after a thrown 401, and we never let it throw (see n8nWire).
					refreshed = true;
					await this.wire.refreshAccessToken();
					this.stats.count(this.cloud.name, 'attempt');
					response = await this.sendFollowing(prepared);
				}
				return response;
			},
			(response) => classifyResponse(this.cloud, response),
			(error) => options.retryNetworkErrors !== false && isNetworkError(error),
		);
	}

	/**
	 * Redirects are followed here, never by the wire (n8n re-adds the Authorization header on every hop unless
	 * told otherwise): the next hop is signed only when it is on the credential's API hosts.
	 */
	private async sendFollowing(request: WireRequest): Promise<WireResponse> {
		let current: WireRequest = { ...request, followRedirects: false };
		for (let hop = 0; ; hop++) {
			const response = await this.sendBuffered(current);
			const location = response.headers.location;
			if (
				request.followRedirects === false ||
				!REDIRECT_STATUSES.has(response.status) ||
				!location ||
				hop >= MAX_REDIRECTS
			) {
				return response;
			}
			if (!Buffer.isBuffer(response.body)) response.body.resume();
			const next = this.rewrite(new URL(location, current.url).href);
			// As fetch does: 303, and 301/302 after a POST, become a GET without body.
			const toGet =
				response.status === 303 ||
				((response.status === 301 || response.status === 302) && current.method === 'POST');
			current = {
				...current,
				url: next,
				method: toGet ? 'GET' : current.method,
				body: toGet ? undefined : current.body,
				headers: nextHopHeaders(current.headers, toGet),
				authenticated: current.authenticated !== false && this.hosts.receivesToken(next),
			};
		}
	}

	/** A fetch() for the SDKs (their fetch implementations and middlewares). Buffered; streams go through request(). */
	readonly fetch = async (
		input: string | URL | { url: string },
		init: FetchInit = {},
	): Promise<Response> => {
		const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
		const headers = headersToRecord(init.headers);
		// The wire signs the request with the credential; a bearer placed by an SDK would be stale or fake.
		delete headers.authorization;
		const body = await bodyToBuffer(init.body);
		const response = await this.request({
			method: (init.method ?? 'GET').toUpperCase() as WireRequest['method'],
			url,
			headers,
			body,
			followRedirects: init.redirect !== 'manual',
		});
		return toFetchResponse(response, url);
	};

	/** Errors are always buffered so the pacer and the SDKs can read them. */
	private async sendBuffered(request: WireRequest): Promise<WireResponse> {
		const response = await this.wire.send(request);
		if (request.responseType === 'stream' && response.status < 400) return response;
		if (Buffer.isBuffer(response.body)) return response;
		return { ...response, body: await readAll(response.body) };
	}
}

/**
 * The headers of the next redirect hop: never an Authorization
 * (the wire signs), no content headers after a switch to GET.
 */
function nextHopHeaders(
	headers: Record<string, string> | undefined,
	toGet: boolean,
): Record<string, string> {
	const kept: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers ?? {})) {
		if (/^authorization$/i.test(name) || (toGet && /^content-/i.test(name))) continue;
		kept[name] = value;
	}
	return kept;
}

type FetchInit = {
	method?: string;
	headers?: unknown;
	body?: unknown;
	redirect?: string;
};

/** Which answers deserve another attempt. Anything not retried goes back to the SDK, which raises its own error. */
export function classifyResponse(cloud: CloudWire, response: WireResponse): RetryDecision {
	const { status } = response;
	const retryAfterMs = parseRetryAfterHeader(response.headers['retry-after']);
	if (status === 429) return { retry: true, reason: 'rate limited (429)', retryAfterMs, status };
	if (status === 408 || status === 500 || status === 502 || status === 503 || status === 504) {
		return { retry: true, reason: `server error (${status})`, retryAfterMs, status };
	}
	return cloud.shouldRetry?.(response, retryAfterMs) ?? { retry: false };
}

function parseRetryAfterHeader(value: string | undefined): number | undefined {
	if (!value) return undefined;
	if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(parseFloat(value) * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** A buffered body as text ('' for a stream), for the clouds' retry rules. */
export function bodyText(body: WireResponse['body']): string {
	return Buffer.isBuffer(body) ? body.toString('utf8') : '';
}

function headersToRecord(headers: unknown): Record<string, string> {
	const result: Record<string, string> = {};
	if (!headers) return result;
	if (typeof (headers as Headers).forEach === 'function' && !Array.isArray(headers)) {
		(headers as Headers).forEach((value, key) => (result[key.toLowerCase()] = value));
		return result;
	}
	const entries = Array.isArray(headers)
		? headers
		: Object.entries(headers as Record<string, unknown>);
	for (const [key, value] of entries as Array<[string, unknown]>) {
		if (value !== undefined && value !== null) result[String(key).toLowerCase()] = String(value);
	}
	return result;
}

async function bodyToBuffer(body: unknown): Promise<Buffer | undefined> {
	if (body === undefined || body === null) return undefined;
	if (typeof body === 'string') return Buffer.from(body, 'utf8');
	if (Buffer.isBuffer(body)) return body;
	if (body instanceof ArrayBuffer) return Buffer.from(body);
	if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
	if (body instanceof URLSearchParams) return Buffer.from(body.toString(), 'utf8');
	if (
		body instanceof Readable ||
		typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
	) {
		// SDK multipart bodies arrive as streams; collected so the request can be replayed after a refresh.
		const chunks: Buffer[] = [];
		for await (const chunk of body as AsyncIterable<unknown>) {
			chunks.push(
				typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array),
			);
		}
		return Buffer.concat(chunks);
	}
	if (typeof (body as ReadableStream).getReader === 'function') {
		return Buffer.from(await new Response(body as ReadableStream).arrayBuffer());
	}
	throw new TypeError(`Unsupported request body type: ${Object.prototype.toString.call(body)}`);
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/** A WHATWG Response, plus node-fetch's buffer() which an SDK may call on downloads. */
function toFetchResponse(response: WireResponse, url: string): Response {
	const body = response.body as Buffer;
	const init = { status: response.status, headers: response.headers };
	const result = new Response(NULL_BODY_STATUSES.has(response.status) ? null : body, init);
	Object.defineProperty(result, 'url', { value: url });
	(result as Response & { buffer: () => Promise<Buffer> }).buffer = async () => body;
	return result;
}
