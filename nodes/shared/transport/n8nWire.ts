import type { IExecuteFunctions, IHttpRequestOptions, ILoadOptionsFunctions } from 'n8n-workflow';
import type { Readable } from 'stream';
import { rememberCredentialSecrets } from './secrets';
import { lowerCaseHeaders, type Wire, type WireRequest, type WireResponse } from './wire';

export type N8nContext = IExecuteFunctions | ILoadOptionsFunctions;

/**
 * The wire inside n8n: every request goes through httpRequestWithAuthentication with our credential, so n8n
 * signs it and owns the tokens. Status errors are returned, never thrown (thrown errors lose Retry-After on
 * n8n 1.x, and n8n's own refresh-and-resend would replay an empty stream); the Transport refreshes on 401
 * through helpers.refreshOAuth2Token, which persists the new tokens (a rotated refresh token too).
 */
export function n8nWire(ctx: N8nContext, credentialType: string): Wire {
	return {
		async send(request: WireRequest): Promise<WireResponse> {
			const options: IHttpRequestOptions = {
				method: request.method,
				url: request.url,
				// A copy: n8n signs by writing Authorization into the options' headers object, which must not
				// come back into the caller's request (a redirect or a resend to another host would carry it).
				headers: { ...request.headers },
				body: request.body,
				json: false,
				ignoreHttpStatusErrors: true,
				returnFullResponse: true,
				encoding: request.responseType === 'stream' ? 'stream' : 'arraybuffer',
				disableFollowRedirect: request.followRedirects === false,
				// The Transport follows redirects itself (see Transport.sendFollowing); should anything still follow
				// one, n8n (2.x) must not re-add the token for another origin, which it does by default.
				sendCredentialsOnCrossOriginRedirect: false,
			};
			const response =
				request.authenticated === false
					? await ctx.helpers.httpRequest(options)
					: await ctx.helpers.httpRequestWithAuthentication.call(ctx, credentialType, options);
			return {
				status: response.statusCode,
				headers: lowerCaseHeaders(response.headers),
				body: toBody(response.body),
			};
		},
		async refreshAccessToken(): Promise<void> {
			await ctx.helpers.refreshOAuth2Token.call(ctx, credentialType);
			// The new tokens join the values every message is scrubbed of.
			rememberCredentialSecrets(await ctx.getCredentials(credentialType).catch(() => undefined));
		},
	};
}

function toBody(body: unknown): Buffer | Readable {
	if (body === undefined || body === null || body === '') return Buffer.alloc(0);
	if (Buffer.isBuffer(body)) return body;
	if (body instanceof ArrayBuffer) return Buffer.from(body);
	if (typeof body === 'string') return Buffer.from(body, 'utf8');
	if (typeof (body as Readable).pipe === 'function') return body as Readable;
	return Buffer.from(JSON.stringify(body), 'utf8');
}
