import { request as httpRequest, type IncomingMessage } from 'http';
import { request as httpsRequest } from 'https';
import type { AuthFlavour, FakeAuth } from '../fakes/common/auth';
import {
	lowerCaseHeaders,
	type Wire,
	type WireRequest,
	type WireResponse,
} from '../../nodes/shared/transport/wire';

/**
 * A Wire for storage-level tests (outside n8n): plain Node HTTP, with tokens issued by the fake token authority.
 * Node-level tests use the real n8n path instead (test/harness/workflow.ts).
 */
export class TestWire implements Wire {
	accessToken: string;
	refreshToken: string;
	refreshes = 0;
	/** Every request that left, for assertions about bearer headers. */
	readonly sent: Array<{ method: string; url: string; authorization?: string; bytes: number }> = [];

	constructor(
		private readonly auth: FakeAuth,
		flavour: AuthFlavour,
		scopes: string[],
	) {
		const tokens = auth.issue(flavour, scopes);
		this.accessToken = tokens.access_token;
		this.refreshToken = tokens.refresh_token;
	}

	async refreshAccessToken(): Promise<void> {
		const result = this.auth.refreshWith(this.refreshToken);
		if ('error' in result) {
			const error = new Error(`invalid_grant: ${result.error_description}`) as Error & {
				code: string;
			};
			error.code = 'invalid_grant';
			throw error;
		}
		this.refreshes++;
		this.accessToken = result.access_token;
		this.refreshToken = result.refresh_token;
	}

	send(req: WireRequest): Promise<WireResponse> {
		return this.sendOnce(req, 0);
	}

	private sendOnce(req: WireRequest, redirects: number): Promise<WireResponse> {
		const url = new URL(req.url);
		const headers: Record<string, string> = { ...(req.headers ?? {}) };
		if (req.authenticated !== false) headers.authorization = `Bearer ${this.accessToken}`;
		const body =
			req.body === undefined
				? undefined
				: Buffer.isBuffer(req.body)
					? req.body
					: Buffer.from(req.body);
		if (body) headers['content-length'] = String(body.length);
		this.sent.push({
			method: req.method,
			url: req.url,
			authorization: headers.authorization,
			bytes: body?.length ?? 0,
		});
		const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
		return new Promise<WireResponse>((resolve, reject) => {
			const outgoing = send(url, { method: req.method, headers }, (incoming: IncomingMessage) => {
				const status = incoming.statusCode ?? 0;
				const location = incoming.headers.location;
				if (
					req.followRedirects !== false &&
					location &&
					[301, 302, 303, 307].includes(status) &&
					redirects < 5
				) {
					incoming.resume();
					const next = new URL(location, url).href;
					// Like browsers and axios: a redirect to another host loses the bearer.
					const sameHost = new URL(next).host === url.host;
					resolve(
						this.sendOnce(
							{
								...req,
								url: next,
								method: status === 303 ? 'GET' : req.method,
								authenticated: sameHost && req.authenticated !== false,
							},
							redirects + 1,
						),
					);
					return;
				}
				const responseHeaders = lowerCaseHeaders(incoming.headers as Record<string, unknown>);
				if (req.responseType === 'stream') {
					resolve({ status, headers: responseHeaders, body: incoming });
					return;
				}
				const chunks: Buffer[] = [];
				incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
				incoming.on('end', () =>
					resolve({ status, headers: responseHeaders, body: Buffer.concat(chunks) }),
				);
				incoming.on('error', reject);
			});
			outgoing.on('error', reject);
			outgoing.end(body);
		});
	}
}
