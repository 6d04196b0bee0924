import { ClientOAuth2 } from '@n8n/client-oauth2';
import { FakeAuth } from '../common/auth';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, FakeOAuth } from './index';

const REDIRECT = 'http://127.0.0.1:5678/rest/oauth2-credential/callback';

let auth: FakeAuth;
let oauth: FakeOAuth;

beforeEach(async () => {
	auth = new FakeAuth();
	oauth = new FakeOAuth(auth);
	await oauth.start();
});
afterEach(async () => {
	await oauth.stop();
});

function form(fields: Record<string, string>): string {
	return new URLSearchParams(fields).toString();
}

async function postForm(
	url: string,
	fields: Record<string, string>,
	headers: Record<string, string> = {},
) {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
		body: form(fields),
	});
	return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/** Walk the consent page as a browser would: load it, read the form, press a button, follow nothing. */
async function consent(authorizeUrl: string, decision: 'allow' | 'deny'): Promise<URL> {
	const page = await fetch(authorizeUrl);
	expect(page.status).toBe(200);
	const html = await page.text();
	expect(html).toContain('>Allow</button>');
	const action = /<form method="POST" action="([^"]+)"/.exec(html)![1];
	const fields: Record<string, string> = {};
	for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
		fields[match[1]] = match[2]
			.replace(/&amp;/g, '&')
			.replace(/&quot;/g, '"')
			.replace(/&#39;/g, "'")
			.replace(/&lt;/g, '<')
			.replace(/&gt;/g, '>');
	}
	fields.decision = decision;
	const response = await fetch(new URL(action, authorizeUrl), {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: form(fields),
		redirect: 'manual',
	});
	expect(response.status).toBe(302);
	return new URL(response.headers.get('location')!);
}

describe('FakeOAuth: Google', () => {
	it('authorize page -> Allow -> code + state -> tokens; the code works once', async () => {
		const start = new URL(oauth.authorizeUrl('google'));
		start.search = form({
			client_id: FAKE_CLIENT_ID,
			redirect_uri: REDIRECT,
			response_type: 'code',
			scope: 'https://www.googleapis.com/auth/drive.file',
			state: 'st&ate=1',
			access_type: 'offline',
			prompt: 'consent',
		});
		const back = await consent(start.href, 'allow');
		expect(back.origin + back.pathname).toBe(REDIRECT);
		expect(back.searchParams.get('state')).toBe('st&ate=1');
		const code = back.searchParams.get('code')!;
		const exchange = {
			grant_type: 'authorization_code',
			code,
			redirect_uri: REDIRECT,
			client_id: FAKE_CLIENT_ID,
			client_secret: FAKE_CLIENT_SECRET,
		};
		const tokens = await postForm(oauth.tokenUrl('google'), exchange);
		expect(tokens.status).toBe(200);
		expect(tokens.body).toMatchObject({
			token_type: 'Bearer',
			scope: 'https://www.googleapis.com/auth/drive.file',
		});
		expect(tokens.body.refresh_token).toMatch(/^fake-google-rt-/);
		expect(auth.check(`Bearer ${tokens.body.access_token}`)).toMatchObject({
			ok: true,
			scopes: ['https://www.googleapis.com/auth/drive.file'],
		});

		const again = await postForm(oauth.tokenUrl('google'), exchange);
		expect(again).toEqual({
			status: 400,
			body: { error: 'invalid_grant', error_description: 'Bad Request' },
		});
	});

	it('Deny sends the user back with access_denied', async () => {
		const start = `${oauth.authorizeUrl('google')}?${form({ client_id: FAKE_CLIENT_ID, redirect_uri: REDIRECT, scope: 'x', state: 's' })}`;
		const back = await consent(start, 'deny');
		expect(back.searchParams.get('error')).toBe('access_denied');
		expect(back.searchParams.get('code')).toBeNull();
	});

	it('refresh keeps the refresh token (none returned); revoked -> invalid_grant; wrong secret -> 401 invalid_client', async () => {
		const issued = auth.issue('google', ['https://www.googleapis.com/auth/drive.file']);
		const refresh = {
			grant_type: 'refresh_token',
			refresh_token: issued.refresh_token,
			client_id: FAKE_CLIENT_ID,
			client_secret: FAKE_CLIENT_SECRET,
		};
		const refreshed = await postForm(oauth.tokenUrl('google'), refresh);
		expect(refreshed.status).toBe(200);
		expect(refreshed.body.refresh_token).toBeUndefined();
		expect(refreshed.body.access_token).not.toBe(issued.access_token);
		expect(auth.check(`Bearer ${refreshed.body.access_token}`).ok).toBe(true);

		const wrongSecret = await postForm(oauth.tokenUrl('google'), {
			...refresh,
			client_secret: 'nope',
		});
		expect(wrongSecret).toEqual({
			status: 401,
			body: { error: 'invalid_client', error_description: 'Unauthorized' },
		});

		auth.revokeRefreshTokens();
		const revoked = await postForm(oauth.tokenUrl('google'), refresh);
		expect(revoked).toEqual({
			status: 400,
			body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' },
		});
		expect(oauth.tokenRequests.map((r) => [r.grantType, r.clientAuth, r.status])).toEqual([
			['refresh_token', 'body', 200],
			['refresh_token', 'body', 401],
			['refresh_token', 'body', 400],
		]);
	});
});

describe('FakeOAuth: Microsoft', () => {
	it('per-tenant token endpoint; every refresh rotates the refresh token; AADSTS errors', async () => {
		const code = oauth.approve('microsoft', FAKE_CLIENT_ID, REDIRECT, [
			'offline_access',
			'Files.ReadWrite',
		]);
		const first = await postForm(oauth.tokenUrl('microsoft', 'consumers'), {
			grant_type: 'authorization_code',
			code,
			redirect_uri: REDIRECT,
			client_id: FAKE_CLIENT_ID,
			client_secret: FAKE_CLIENT_SECRET,
			scope: 'offline_access Files.ReadWrite',
		});
		expect(first.status).toBe(200);
		expect(first.body).toMatchObject({
			token_type: 'Bearer',
			scope: 'offline_access Files.ReadWrite',
		});
		expect(first.body.ext_expires_in).toBeGreaterThan(0);
		const second = await postForm(oauth.tokenUrl('microsoft', 'consumers'), {
			grant_type: 'refresh_token',
			refresh_token: first.body.refresh_token,
			client_id: FAKE_CLIENT_ID,
			client_secret: FAKE_CLIENT_SECRET,
			scope: 'offline_access Files.ReadWrite',
		});
		expect(second.status).toBe(200);
		expect(second.body.refresh_token).toMatch(/^fake-microsoft-rt-/);
		expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
		expect(oauth.tokenRequests[1].tenant).toBe('consumers');

		auth.revokeRefreshTokens();
		const revoked = await postForm(oauth.tokenUrl('microsoft', 'common'), {
			grant_type: 'refresh_token',
			refresh_token: second.body.refresh_token,
			client_id: FAKE_CLIENT_ID,
			client_secret: FAKE_CLIENT_SECRET,
		});
		expect(revoked.status).toBe(400);
		expect(revoked.body).toMatchObject({ error: 'invalid_grant', error_codes: [700082] });
		expect(revoked.body.error_description).toMatch(/^AADSTS700082: /);
		expect(Object.keys(revoked.body).sort()).toEqual([
			'correlation_id',
			'error',
			'error_codes',
			'error_description',
			'error_uri',
			'timestamp',
			'trace_id',
		]);
		const badClient = await postForm(oauth.tokenUrl('microsoft', 'common'), {
			grant_type: 'refresh_token',
			refresh_token: 'x',
			client_id: FAKE_CLIENT_ID,
			client_secret: 'wrong',
		});
		expect(badClient.status).toBe(401);
		expect(badClient.body).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
	});
});

describe('FakeOAuth: Dropbox', () => {
	it('refresh by query string with an empty JSON body (the Dropbox SDK) and by HTTP Basic (n8n "header")', async () => {
		const issued = auth.issue('dropbox', ['files.content.read']);
		const query = form({
			grant_type: 'refresh_token',
			refresh_token: issued.refresh_token,
			client_id: FAKE_CLIENT_ID,
			client_secret: FAKE_CLIENT_SECRET,
		});
		const sdkStyle = await fetch(`${oauth.tokenUrl('dropbox')}?${query}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
		});
		expect(sdkStyle.status).toBe(200);
		const sdkBody = (await sdkStyle.json()) as Record<string, unknown>;
		expect(Object.keys(sdkBody).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
		expect(sdkBody.token_type).toBe('bearer');

		const basic = `Basic ${Buffer.from(`${FAKE_CLIENT_ID}:${FAKE_CLIENT_SECRET}`).toString('base64')}`;
		const headerStyle = await postForm(
			oauth.tokenUrl('dropbox'),
			{ grant_type: 'refresh_token', refresh_token: issued.refresh_token },
			{ authorization: basic },
		);
		expect(headerStyle.status).toBe(200);
		expect(oauth.tokenRequests.map((r) => r.clientAuth)).toEqual(['query', 'basic']);

		const malformed = await postForm(
			oauth.tokenUrl('dropbox'),
			{ grant_type: 'refresh_token', refresh_token: 'garbage' },
			{ authorization: basic },
		);
		expect(malformed).toEqual({
			status: 400,
			body: { error: 'invalid_grant', error_description: 'refresh token is malformed' },
		});
		auth.revokeRefreshTokens();
		const revoked = await postForm(
			oauth.tokenUrl('dropbox'),
			{ grant_type: 'refresh_token', refresh_token: issued.refresh_token },
			{ authorization: basic },
		);
		expect(revoked).toEqual({
			status: 400,
			body: { error: 'invalid_grant', error_description: 'refresh token is invalid or revoked' },
		});
	});
});

describe("FakeOAuth with n8n's own OAuth client (@n8n/client-oauth2, what refreshOAuth2Token uses)", () => {
	it.each([
		['google', 'body'],
		['microsoft', 'body'],
		['dropbox', 'header'],
	] as const)(
		'%s refresh with authentication=%s; a revoked token surfaces as invalid_grant',
		async (flavour, authentication) => {
			const issued = auth.issue(flavour, ['scope-a']);
			const client = new ClientOAuth2({
				clientId: FAKE_CLIENT_ID,
				clientSecret: FAKE_CLIENT_SECRET,
				accessTokenUri: oauth.tokenUrl(flavour),
				scopes: ['scope-a'],
				authentication,
			});
			const token = client.createToken({
				access_token: issued.access_token,
				refresh_token: issued.refresh_token,
				token_type: 'Bearer',
			});
			const next = await token.refresh();
			expect(auth.check(`Bearer ${next.accessToken}`).ok).toBe(true);
			// Merged like n8n: Google and Dropbox keep the old refresh token, Microsoft's rotates.
			if (flavour === 'microsoft') expect(next.refreshToken).not.toBe(issued.refresh_token);
			else expect(next.refreshToken).toBe(issued.refresh_token);

			auth.revokeRefreshTokens();
			const failure = await next.refresh().then(
				() => undefined,
				(error: unknown) => error,
			);
			// The token endpoint's answer as @n8n/client-oauth2 keeps it (its AuthError's body), which is what n8n
			// surfaces and the nodes read (test/unit/errors.test.ts covers that reading).
			expect((failure as { body?: { error?: string } }).body?.error).toBe('invalid_grant');
		},
	);
});
