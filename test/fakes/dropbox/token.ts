import type { FakeAuth } from '../common/auth';
import type { ErrorShape, FakeRequest } from '../common/server';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, invalidClient, invalidGrant } from '../oauth';

/** The token endpoint lives on the API host itself: https://api.dropboxapi.com/oauth2/token (api-brief.md 3, 5). */
export const TOKEN_PATH = '/oauth2/token';
/**
 * Where Dropbox answers the token grant: /oauth2/token, and the older /1/oauth2/token that rclone 1.60's Dropbox
 * backend still calls (the Go SDK's OAuthEndpoint; observed client, issue 15: its refreshes work at Dropbox).
 */
export const TOKEN_PATHS = [TOKEN_PATH, '/1/oauth2/token'];

/**
 * Dropbox's refresh grant on the fake API host, so a credential whose token URL is the API base URL refreshes
 * as it would against the real host. Parameters come from a form body, a JSON body or the query string (the
 * Dropbox SDK sends them all in the query with an empty body); the client authenticates by Basic or parameters.
 * Authorization codes belong to the sign-in server (FakeOAuth): a code here is unknown, as it would be.
 * Answers are always JSON, as Dropbox's are.
 */
export function tokenAnswer(
	auth: FakeAuth,
	req: FakeRequest,
	body: Buffer,
): { status: number; body: unknown } {
	const text = body.toString('utf8');
	const contentType = String(req.headers['content-type'] ?? '');
	const params =
		contentType.includes('application/json') && text.trim().startsWith('{')
			? new URLSearchParams(JSON.parse(text) as Record<string, string>)
			: new URLSearchParams(text);
	for (const [key, value] of req.url.searchParams) if (!params.has(key)) params.set(key, value);

	const client = clientOf(req.headers.authorization, params);
	if (client.id !== FAKE_CLIENT_ID || client.secret !== FAKE_CLIENT_SECRET)
		return shape(invalidClient('dropbox'));
	const grantType = params.get('grant_type') ?? '';
	if (grantType === 'authorization_code') return shape(invalidGrant('dropbox', 'code'));
	if (grantType !== 'refresh_token')
		return {
			status: 400,
			body: { error: 'unsupported_grant_type', error_description: 'Invalid grant_type.' },
		};
	const refreshToken = params.get('refresh_token') ?? '';
	const result = auth.refreshWith(refreshToken);
	if ('error' in result)
		return shape(
			invalidGrant(
				'dropbox',
				refreshToken.startsWith('fake-dropbox-rt-') ? 'refresh' : 'malformed',
			),
		);
	// A refresh answer carries no new refresh token (Dropbox does not rotate them).
	return {
		status: 200,
		body: {
			access_token: result.access_token,
			token_type: 'bearer',
			expires_in: result.expires_in,
		},
	};
}

function shape(error: ErrorShape): { status: number; body: unknown } {
	return { status: error.status, body: error.body };
}

function clientOf(
	authorization: string | undefined,
	params: URLSearchParams,
): { id?: string; secret?: string } {
	const basic = /^Basic\s+(.+)$/i.exec(authorization ?? '');
	if (basic) {
		const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
		const colon = decoded.indexOf(':');
		if (colon < 0) return { id: decodeURIComponent(decoded) };
		return {
			id: decodeURIComponent(decoded.slice(0, colon)),
			secret: decodeURIComponent(decoded.slice(colon + 1)),
		};
	}
	return {
		id: params.get('client_id') ?? undefined,
		secret: params.get('client_secret') ?? undefined,
	};
}
