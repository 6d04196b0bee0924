import { randomBytes, randomUUID } from 'crypto';
import type { ServerResponse } from 'http';
import type { AuthFlavour, FakeAuth, IssuedTokens } from '../common/auth';
import { FakeServer, type ErrorShape, type FakeRequest } from '../common/server';

/**
 * The sign-in side of Google, Microsoft and Dropbox, on one loopback server, issuing tokens from the shared
 * FakeAuth that the fake clouds check. Paths are the real ones below each provider's origin, so a credential's
 * "OAuth base URL" is all that changes (research/api-brief.md section 5):
 *   Google     GET /o/oauth2/v2/auth            POST /token
 *   Microsoft  GET /{tenant}/oauth2/v2.0/authorize  POST /{tenant}/oauth2/v2.0/token   (refresh token rotates)
 *   Dropbox    GET /oauth2/authorize            POST /oauth2/token   (form body or query string)
 */

export const FAKE_CLIENT_ID = 'fake-client-id';
export const FAKE_CLIENT_SECRET = 'fake-client-secret';

type ClientAuth = 'basic' | 'body' | 'query' | 'none';

interface PendingCode {
	flavour: AuthFlavour;
	clientId: string;
	redirectUri: string;
	scopes: string[];
	expiresAt: number;
	used: boolean;
}

export interface TokenRequestRecord {
	flavour: AuthFlavour;
	grantType: string;
	clientAuth: ClientAuth;
	status: number;
	/** Microsoft only: the tenant segment of the path. */
	tenant?: string;
}

interface Route {
	flavour: AuthFlavour;
	endpoint: 'authorize' | 'token';
	tenant?: string;
}

const CODE_LIFETIME_MS = 10 * 60 * 1000;

/** Which provider and endpoint a path belongs to. */
export function routeOf(path: string): Route | undefined {
	if (path === '/o/oauth2/v2/auth') return { flavour: 'google', endpoint: 'authorize' };
	if (path === '/token') return { flavour: 'google', endpoint: 'token' };
	if (path === '/oauth2/authorize') return { flavour: 'dropbox', endpoint: 'authorize' };
	if (path === '/oauth2/token') return { flavour: 'dropbox', endpoint: 'token' };
	const microsoft = /^\/([^/]+)\/oauth2\/v2\.0\/(authorize|token)$/.exec(path);
	if (microsoft)
		return {
			flavour: 'microsoft',
			endpoint: microsoft[2] as Route['endpoint'],
			tenant: microsoft[1],
		};
	return undefined;
}

const PROVIDER_NAMES: Record<AuthFlavour, string> = {
	google: 'Google',
	microsoft: 'Microsoft',
	dropbox: 'Dropbox',
};

export class FakeOAuth extends FakeServer {
	readonly name = 'oauth';
	/** Registered OAuth apps: client id -> secret. */
	readonly clients = new Map<string, string>([[FAKE_CLIENT_ID, FAKE_CLIENT_SECRET]]);
	readonly tokenRequests: TokenRequestRecord[] = [];
	private readonly codes = new Map<string, PendingCode>();

	constructor(auth?: FakeAuth) {
		super(auth);
	}

	registerClient(clientId: string, clientSecret: string): void {
		this.clients.set(clientId, clientSecret);
	}

	/** What the "Allow" button does: a one-time code for these scopes (tests without a browser call this). */
	approve(flavour: AuthFlavour, clientId: string, redirectUri: string, scopes: string[]): string {
		const code = `fake-${flavour}-code-${randomBytes(12).toString('base64url')}`;
		this.codes.set(code, {
			flavour,
			clientId,
			redirectUri,
			scopes,
			expiresAt: Date.now() + CODE_LIFETIME_MS,
			used: false,
		});
		return code;
	}

	/** Start URL of the provider's sign-in page on this server. */
	authorizeUrl(flavour: AuthFlavour, tenant = 'common'): string {
		if (flavour === 'google') return `${this.baseUrl}/o/oauth2/v2/auth`;
		if (flavour === 'dropbox') return `${this.baseUrl}/oauth2/authorize`;
		return `${this.baseUrl}/${tenant}/oauth2/v2.0/authorize`;
	}

	tokenUrl(flavour: AuthFlavour, tenant = 'common'): string {
		if (flavour === 'google') return `${this.baseUrl}/token`;
		if (flavour === 'dropbox') return `${this.baseUrl}/oauth2/token`;
		return `${this.baseUrl}/${tenant}/oauth2/v2.0/token`;
	}

	protected requiresAuth(): boolean {
		return false;
	}

	protected authError(): ErrorShape {
		return { status: 401, body: { error: 'invalid_request' } };
	}

	protected async control(action: string, body: any, res: ServerResponse): Promise<boolean> {
		switch (action) {
			case 'approve': {
				const scopes = Array.isArray(body.scopes)
					? body.scopes
					: String(body.scope ?? '')
							.split(/\s+/)
							.filter(Boolean);
				const code = this.approve(
					body.flavour,
					body.clientId ?? FAKE_CLIENT_ID,
					body.redirectUri ?? '',
					scopes,
				);
				this.sendJson(res, 200, { code });
				return true;
			}
			case 'register-client':
				this.registerClient(body.clientId, body.clientSecret);
				this.sendJson(res, 200, { ok: true });
				return true;
			case 'token-requests':
				this.sendJson(res, 200, { requests: this.tokenRequests });
				return true;
		}
		return false;
	}

	protected async handle(req: FakeRequest, res: ServerResponse): Promise<void> {
		if (req.path === '/_oauth/decide' && req.method === 'POST') {
			await this.decide(req, res);
			return;
		}
		const route = routeOf(req.path);
		if (!route) {
			this.sendJson(res, 404, { error: 'not_found', path: req.path });
			return;
		}
		if (route.endpoint === 'authorize') {
			if (req.method !== 'GET') {
				this.sendJson(res, 405, {
					error: 'invalid_request',
					error_description: 'authorize takes GET',
				});
				return;
			}
			this.renderConsent(req, res, route);
			return;
		}
		if (req.method !== 'POST') {
			this.sendJson(res, 405, { error: 'invalid_request', error_description: 'token takes POST' });
			return;
		}
		await this.token(req, res, route);
	}

	/** The consent page: a tiny form whose "Allow" posts back here, then redirects to redirect_uri. */
	private renderConsent(req: FakeRequest, res: ServerResponse, route: Route): void {
		const q = req.url.searchParams;
		const clientId = q.get('client_id') ?? '';
		const redirectUri = q.get('redirect_uri') ?? '';
		if (!this.clients.has(clientId)) {
			this.sendHtml(
				res,
				401,
				`<h1>Error 401: invalid_client</h1><p>The OAuth client was not found.</p>`,
			);
			return;
		}
		if (!/^https?:\/\//.test(redirectUri)) {
			this.sendHtml(res, 400, `<h1>Error 400: redirect_uri_mismatch</h1>`);
			return;
		}
		const scope = q.get('scope') ?? '';
		const hidden = {
			flavour: route.flavour,
			client_id: clientId,
			redirect_uri: redirectUri,
			scope,
			state: q.get('state') ?? '',
		};
		const fields = Object.entries(hidden)
			.map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
			.join('');
		const scopes = scope
			.split(/\s+/)
			.filter(Boolean)
			.map((s) => `<li>${escapeHtml(s)}</li>`)
			.join('');
		const provider = PROVIDER_NAMES[route.flavour];
		this.sendHtml(
			res,
			200,
			`<!doctype html><html><head><meta charset="utf-8"><title>Fake ${provider} sign-in</title></head><body>` +
				`<h1>Fake ${provider} sign-in (local test server)</h1>` +
				`<p>App <code>${escapeHtml(clientId)}</code> asks for:</p><ul id="scopes">${scopes}</ul>` +
				`<form method="POST" action="/_oauth/decide">${fields}` +
				`<button type="submit" name="decision" value="allow" id="allow">Allow</button> ` +
				`<button type="submit" name="decision" value="deny" id="deny">Deny</button></form></body></html>`,
		);
	}

	private async decide(req: FakeRequest, res: ServerResponse): Promise<void> {
		const form = new URLSearchParams((await this.readBody(req, 64 * 1024)).toString('utf8'));
		const redirectUri = form.get('redirect_uri') ?? '';
		const flavour = form.get('flavour') as AuthFlavour;
		if (!/^https?:\/\//.test(redirectUri) || !PROVIDER_NAMES[flavour]) {
			this.sendHtml(res, 400, '<h1>Error 400: invalid_request</h1>');
			return;
		}
		const target = new URL(redirectUri);
		if (form.get('decision') === 'allow') {
			const scopes = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
			target.searchParams.set(
				'code',
				this.approve(flavour, form.get('client_id') ?? '', redirectUri, scopes),
			);
		} else {
			target.searchParams.set('error', 'access_denied');
		}
		const state = form.get('state');
		if (state) target.searchParams.set('state', state);
		res.writeHead(302, { location: target.href, 'content-length': '0' });
		res.end();
	}

	private async token(req: FakeRequest, res: ServerResponse, route: Route): Promise<void> {
		const body = (await this.readBody(req, 64 * 1024)).toString('utf8');
		const contentType = String(req.headers['content-type'] ?? '');
		const params =
			contentType.includes('application/json') && body.trim().startsWith('{')
				? new URLSearchParams(JSON.parse(body) as Record<string, string>)
				: new URLSearchParams(body);
		// The Dropbox SDK sends everything in the query string with an empty body.
		let fromQuery = false;
		if (route.flavour === 'dropbox') {
			for (const [key, value] of req.url.searchParams) {
				if (!params.has(key)) {
					params.set(key, value);
					fromQuery = true;
				}
			}
		}
		const grantType = params.get('grant_type') ?? '';
		const record: TokenRequestRecord = {
			flavour: route.flavour,
			grantType,
			clientAuth: 'none',
			status: 0,
			tenant: route.tenant,
		};
		this.tokenRequests.push(record);
		const reply = (status: number, payload: unknown) => {
			record.status = status;
			this.sendJson(res, status, payload, { 'cache-control': 'no-store', pragma: 'no-cache' });
		};

		const client = clientCredentials(req.headers.authorization, params, fromQuery);
		record.clientAuth = client.via;
		if (
			!client.id ||
			!this.clients.has(client.id) ||
			(client.secret !== undefined && this.clients.get(client.id) !== client.secret)
		) {
			const error = invalidClient(route.flavour);
			reply(error.status, error.body);
			return;
		}
		if (client.secret === undefined) {
			// Confidential web apps must authenticate; public clients are not part of this package.
			const error = invalidClient(route.flavour);
			reply(error.status, error.body);
			return;
		}

		if (grantType === 'authorization_code') {
			const code = this.codes.get(params.get('code') ?? '');
			const redirectUri = params.get('redirect_uri');
			if (
				!code ||
				code.used ||
				code.expiresAt < Date.now() ||
				code.flavour !== route.flavour ||
				code.clientId !== client.id ||
				(redirectUri !== null && redirectUri !== code.redirectUri)
			) {
				const error = invalidGrant(route.flavour, 'code');
				reply(error.status, error.body);
				return;
			}
			code.used = true;
			reply(
				200,
				successBody(route.flavour, this.auth.issue(route.flavour, code.scopes, client.id), true),
			);
			return;
		}

		if (grantType === 'refresh_token') {
			const refreshToken = params.get('refresh_token') ?? '';
			const result = this.auth.refreshWith(refreshToken);
			if ('error' in result) {
				const error = invalidGrant(
					route.flavour,
					refreshToken.startsWith(`fake-${route.flavour}-rt-`) ? 'refresh' : 'malformed',
				);
				reply(error.status, error.body);
				return;
			}
			reply(200, successBody(route.flavour, result, false));
			return;
		}

		reply(400, {
			error: 'unsupported_grant_type',
			error_description:
				route.flavour === 'microsoft'
					? `AADSTS70003: The app requested an unsupported grant type '${grantType}'.`
					: 'Invalid grant_type.',
		});
	}

	private sendHtml(res: ServerResponse, status: number, html: string): void {
		res.writeHead(status, {
			'content-type': 'text/html; charset=utf-8',
			'content-length': String(Buffer.byteLength(html)),
		});
		res.end(html);
	}
}

/** Client credentials by HTTP Basic, in the form body, or (Dropbox SDK) in the query string. */
function clientCredentials(
	authorization: string | undefined,
	params: URLSearchParams,
	fromQuery: boolean,
): { id?: string; secret?: string; via: ClientAuth } {
	const basic = /^Basic\s+(.+)$/i.exec(authorization ?? '');
	if (basic) {
		const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
		const colon = decoded.indexOf(':');
		const id = decodeURIComponent(colon < 0 ? decoded : decoded.slice(0, colon));
		const secret = colon < 0 ? undefined : decodeURIComponent(decoded.slice(colon + 1));
		return { id, secret, via: 'basic' };
	}
	const id = params.get('client_id') ?? undefined;
	const secret = params.get('client_secret') ?? undefined;
	return { id, secret, via: id === undefined ? 'none' : fromQuery ? 'query' : 'body' };
}

function successBody(
	flavour: AuthFlavour,
	tokens: IssuedTokens,
	initial: boolean,
): Record<string, unknown> {
	if (flavour === 'google') {
		// Google returns a refresh token only from the code exchange (with access_type=offline), never on refresh.
		const body: Record<string, unknown> = {
			access_token: tokens.access_token,
			expires_in: tokens.expires_in,
			scope: tokens.scope,
			token_type: 'Bearer',
		};
		if (initial) body.refresh_token = tokens.refresh_token;
		return body;
	}
	if (flavour === 'microsoft') {
		// Every Microsoft answer carries a new refresh token (rotation).
		return {
			token_type: 'Bearer',
			scope: tokens.scope,
			expires_in: tokens.expires_in,
			ext_expires_in: tokens.expires_in,
			access_token: tokens.access_token,
			refresh_token: tokens.refresh_token,
		};
	}
	const body: Record<string, unknown> = {
		access_token: tokens.access_token,
		token_type: 'bearer',
		expires_in: tokens.expires_in,
	};
	if (initial) {
		Object.assign(body, {
			refresh_token: tokens.refresh_token,
			scope: tokens.scope,
			uid: '12345',
			account_id: 'dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc',
		});
	}
	return body;
}

function microsoftError(error: string, code: number, text: string, status: number): ErrorShape {
	const traceId = randomUUID();
	return {
		status,
		body: {
			error,
			error_description: `AADSTS${code}: ${text} Trace ID: ${traceId} Correlation ID: ${randomUUID()} Timestamp: ${new Date().toISOString().replace('T', ' ').slice(0, 19)}Z`,
			error_codes: [code],
			timestamp: new Date().toISOString().replace('T', ' ').slice(0, 19) + 'Z',
			trace_id: traceId,
			correlation_id: randomUUID(),
			error_uri: `https://login.microsoftonline.com/error?code=${code}`,
		},
	};
}

/** invalid_grant exactly as each provider words it (research/api-brief.md section 5). */
export function invalidGrant(
	flavour: AuthFlavour,
	what: 'code' | 'refresh' | 'malformed',
): ErrorShape {
	if (flavour === 'google') {
		return {
			status: 400,
			body: {
				error: 'invalid_grant',
				error_description: what === 'code' ? 'Bad Request' : 'Token has been expired or revoked.',
			},
		};
	}
	if (flavour === 'microsoft') {
		if (what === 'code') {
			return microsoftError(
				'invalid_grant',
				70008,
				'The provided authorization code or refresh token has expired due to inactivity.',
				400,
			);
		}
		if (what === 'malformed')
			return microsoftError(
				'invalid_grant',
				9002313,
				'Invalid request. Request is malformed or invalid.',
				400,
			);
		return microsoftError(
			'invalid_grant',
			700082,
			'The refresh token has expired due to inactivity. The token was issued on a date and was inactive for 90.00:00:00.',
			400,
		);
	}
	return {
		status: 400,
		body: {
			error: 'invalid_grant',
			error_description:
				what === 'code'
					? "code doesn't exist or has expired"
					: what === 'malformed'
						? 'refresh token is malformed'
						: 'refresh token is invalid or revoked',
		},
	};
}

export function invalidClient(flavour: AuthFlavour): ErrorShape {
	if (flavour === 'google') {
		return { status: 401, body: { error: 'invalid_client', error_description: 'Unauthorized' } };
	}
	if (flavour === 'microsoft') {
		return microsoftError(
			'invalid_client',
			7000215,
			"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app 'fake-client-id'.",
			401,
		);
	}
	return {
		status: 400,
		body: { error: 'invalid_client', error_description: 'Invalid client_id or client_secret' },
	};
}

function escapeHtml(text: string): string {
	return text.replace(
		/[&<>"']/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
	);
}
