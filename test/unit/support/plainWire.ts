import { request as httpRequest } from 'http';
import {
	lowerCaseHeaders,
	type Wire,
	type WireRequest,
	type WireResponse,
} from '../../../nodes/shared/transport/wire';

/** The smallest real wire: plain HTTP, no auth, for transport tests against a scripted local server. */
export class TestWireLike implements Wire {
	refreshes = 0;

	send(req: WireRequest): Promise<WireResponse> {
		return new Promise((resolve, reject) => {
			const body = req.body === undefined ? undefined : Buffer.from(req.body);
			const headers = {
				...(req.headers ?? {}),
				...(body ? { 'content-length': String(body.length) } : {}),
			};
			const outgoing = httpRequest(
				new URL(req.url),
				{ method: req.method, headers, agent: false },
				(incoming) => {
					const chunks: Buffer[] = [];
					incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
					incoming.on('end', () =>
						resolve({
							status: incoming.statusCode ?? 0,
							headers: lowerCaseHeaders(incoming.headers as Record<string, unknown>),
							body: Buffer.concat(chunks),
						}),
					);
					incoming.on('error', reject);
				},
			);
			outgoing.on('error', reject);
			outgoing.end(body);
		});
	}

	async refreshAccessToken(): Promise<void> {
		this.refreshes++;
	}
}
