import type { Readable } from 'stream';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One HTTP exchange as the engine describes it. Bodies are buffers so that any request can be replayed. */
export interface WireRequest {
	method: HttpMethod;
	url: string;
	headers?: Record<string, string>;
	body?: Buffer | string;
	/** 'stream' hands back the body unread (downloads); errors are always buffered. Default 'buffer'. */
	responseType?: 'buffer' | 'stream';
	/** false for pre-authenticated URLs (upload sessions, download redirects): no bearer is attached. */
	authenticated?: boolean;
	/** Default true. */
	followRedirects?: boolean;
}

export interface WireResponse {
	status: number;
	/** Header names in lower case. */
	headers: Record<string, string>;
	body: Buffer | Readable;
}

/**
 * The only thing that touches the network. In n8n it is `httpRequestWithAuthentication`
 * (see n8nWire.ts); in storage tests it is a plain client that holds tokens from the fake OAuth server.
 */
export interface Wire {
	send(request: WireRequest): Promise<WireResponse>;
	/** Refresh the access token now and persist it (n8n: helpers.refreshOAuth2Token). */
	refreshAccessToken(): Promise<void>;
}

export function lowerCaseHeaders(
	headers: Record<string, unknown> | undefined,
): Record<string, string> {
	const result: Record<string, string> = {};
	for (const [key, value] of Object.entries(headers ?? {})) {
		if (value === undefined || value === null) continue;
		result[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
	}
	return result;
}

export async function readAll(body: Buffer | Readable): Promise<Buffer> {
	if (Buffer.isBuffer(body)) return body;
	const chunks: Buffer[] = [];
	for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
	return Buffer.concat(chunks);
}
