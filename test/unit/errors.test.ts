import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vm from 'vm';
import { NodeApiError, NodeOperationError, type INode } from 'n8n-workflow';
import { oauthFailure, scrubSecrets, toNodeError } from '../../nodes/shared/errors';
import { CloudError, HINTS } from '../../nodes/shared/types/cloudError';
import { RetryBudgetExceededError } from '../../nodes/shared/transport/pacer';
import { forgetSecrets, rememberCredentialSecrets } from '../../nodes/shared/transport/secrets';
import { FakeAuth } from '../fakes/common/auth';

const node: INode = {
	id: 'n1',
	name: 'Export to Folder',
	type: 'n8n-nodes-cloud-sync.exportToFolder',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** What n8n shows and stores about an error: everything a secret could hide in. */
function visible(error: Error & { description?: string | null }): string {
	return JSON.stringify({
		message: error.message,
		description: error.description,
		...(error as any),
	});
}

describe('toNodeError', () => {
	it('maps out-of-storage to a NodeApiError naming the item and the file, with the free-space hint', () => {
		const error = toNodeError(
			node,
			new CloudError('quota', "The user's Drive storage quota has been exceeded.", {
				status: 403,
				providerCode: 'storageQuotaExceeded',
				target: 'reports/2026/a.pdf',
			}),
			{ itemIndex: 3, service: 'Google Drive' },
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toContain('Out of storage');
		expect(error.message).toContain('storageQuotaExceeded');
		expect(error.message).toContain('"reports/2026/a.pdf"');
		expect(error.message).toContain('item 3');
		expect(error.message).toContain('Google Drive');
		expect(error.description).toBe(HINTS.quota);
		expect(error.context.itemIndex).toBe(3);
		expect((error as NodeApiError).httpCode).toBe('403');
	});

	it('keeps the provider hint for scope errors (which scope to add)', () => {
		const hint = HINTS.scope('https://www.googleapis.com/auth/drive.readonly');
		const error = toNodeError(
			node,
			new CloudError('scope', 'Insufficient Permission', { status: 403, hint }),
			{
				target: 'Inbox',
			},
		);
		expect(error.message).toContain('lacks a permission');
		expect(error.description).toContain('drive.readonly');
	});

	it.each([
		['auth', HINTS.auth, NodeApiError],
		['dailyLimit', HINTS.dailyLimit, NodeApiError],
		['rateLimited', HINTS.rateLimited, NodeApiError],
		['integrity', 'checksum', NodeOperationError],
		['notFound', 'still exists', NodeApiError],
	] as const)('maps CloudError %s with a hint', (reason, hint, type) => {
		const error = toNodeError(node, new CloudError(reason, 'x'), { itemIndex: 0 });
		expect(error).toBeInstanceOf(type);
		expect(error.description).toContain(hint);
	});

	it('lets the caller name the target over the provider', () => {
		const error = toNodeError(node, new CloudError('notFound', 'gone', { target: 'id-123' }), {
			target: 'Root folder',
		});
		expect(error.message).toContain('"Root folder"');
	});

	it('maps RetryBudgetExceededError to a 429 that says the next run resumes', () => {
		const error = toNodeError(
			node,
			new RetryBudgetExceededError('The service asked to wait 600 s', 600_000, 429),
			{
				service: 'OneDrive',
			},
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).httpCode).toBe('429');
		expect(error.message).toContain('600 s');
		expect(error.description).toBe(HINTS.rateLimited);
	});

	it("maps n8n's failed refresh (client-oauth2 AuthError with invalid_grant body) to reconnect, with the Testing trap", () => {
		// The shape @n8n/client-oauth2 throws from token.refresh() when the token endpoint answers invalid_grant.
		const authError = Object.assign(
			new Error(
				'The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked',
			),
			{
				code: 'EAUTH',
				body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' },
			},
		);
		const error = toNodeError(node, authError, { itemIndex: 1 });
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toContain('invalid_grant');
		expect(error.message).toContain('item 1');
		expect(error.description).toContain('Reconnect');
		expect(error.description).toContain('Testing');
	});

	it('recognises invalid_client, not connected, and invalid_grant inside a cause', () => {
		expect(
			oauthFailure(Object.assign(new Error('x'), { body: { error: 'invalid_client' } })),
		).toEqual({ code: 'invalid_client' });
		expect(oauthFailure(new Error('OAuth credentials not connected'))).toEqual({
			code: 'not_connected',
		});
		expect(
			oauthFailure(
				Object.assign(new Error('outer'), {
					cause: Object.assign(new Error('inner'), { code: 'invalid_grant' }),
				}),
			),
		).toEqual({
			code: 'invalid_grant',
		});
		expect(oauthFailure(new Error('socket hang up'))).toBeUndefined();
		// gaxios (googleapis) wraps what its fetch threw in `error`.
		const gaxiosLike = Object.assign(new Error('request to https://www.googleapis.com failed'), {
			error: Object.assign(new Error('grant refused'), {
				code: 'EAUTH',
				body: { error: 'invalid_grant' },
			}),
		});
		expect(oauthFailure(gaxiosLike)).toEqual({ code: 'invalid_grant' });
		// The Graph client keeps only the text of what its fetch threw, in `body`.
		const graphLike = Object.assign(new Error(''), {
			code: 'Error',
			body: 'Error: The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked',
		});
		expect(oauthFailure(graphLike)).toEqual({ code: 'invalid_grant' });
		const clientError = toNodeError(
			node,
			Object.assign(new Error('x'), { body: { error: 'invalid_client' } }),
		);
		expect(clientError.description).toContain('client ID and secret');
	});

	it('never lets a token, a secret or a response body through', () => {
		const auth = new FakeAuth();
		const tokens = auth.issue('microsoft', ['Files.ReadWrite']);
		const raw = [
			`request failed: Authorization: Bearer ${tokens.access_token}`,
			`callback ?state=abc&code=4/0AX-authcode-secret`,
			`body refresh_token=${tokens.refresh_token}&client_secret=s3cr3t-value&grant_type=refresh_token`,
			`{"access_token":"${tokens.access_token}","refresh_token":"${tokens.refresh_token}"}`,
			// Shaped like a Google access token and a JWT, assembled here so no token-like literal sits in the repo.
			`${'ya29.'}${'a0AfH6SMB'}${'x'.repeat(21)} and ${['eyJhbGciOiJIUzI1NiJ9', 'eyJzdWIiOiIxMjM0NTY3ODkwIn0', 'sig'].join('.')}`,
		].join(' ');
		for (const error of [
			toNodeError(node, new Error(raw)),
			toNodeError(node, new CloudError('other', raw)),
			toNodeError(node, new NodeOperationError(node, raw, { description: raw })),
		]) {
			const shown = visible(error);
			for (const secret of auth.issuedSecrets) expect(shown).not.toContain(secret);
			expect(shown).not.toContain('s3cr3t-value');
			expect(shown).not.toContain('authcode-secret');
			expect(shown).not.toContain('ya29.a0AfH6');
			expect(shown).not.toContain('eyJzdWIi');
		}
		// The original error is not attached, so its stack and fields cannot leak either.
		expect((toNodeError(node, new Error(raw)) as any).cause).toBeUndefined();
	});

	it('clips long messages (a response body is never shown whole)', () => {
		const error = toNodeError(node, new Error('x'.repeat(5000)));
		expect(error.message.length).toBeLessThanOrEqual(300);
	});

	it('scrubSecrets leaves ordinary text alone', () => {
		expect(scrubSecrets('Folder "Invoices 2026" not found (code=itemNotFound)')).toBe(
			'Folder "Invoices 2026" not found (code=itemNotFound)',
		);
	});
});

describe('toNodeError with plain errors (bugs, Node and library errors)', () => {
	it('keeps the message and the class name of a TypeError from this realm', () => {
		const error = toNodeError(
			node,
			new TypeError("Cannot read properties of undefined (reading 'id')"),
			{ itemIndex: 2 },
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toContain(
			"TypeError: Cannot read properties of undefined (reading 'id')",
		);
		expect(error.message).toContain('item 2');
		expect(error.message).not.toContain('Unknown error');
	});

	it('keeps the message of errors from another realm (Node core modules, vm sandboxes), which fail instanceof Error', () => {
		const foreign = vm.runInNewContext('new RangeError("offset 7 is out of range")') as unknown;
		expect(foreign instanceof Error).toBe(false);
		expect(toNodeError(node, foreign).message).toContain('RangeError: offset 7 is out of range');

		let fsError: unknown;
		try {
			fs.readFileSync(path.join(os.tmpdir(), `no-such-dir-${process.pid}`, 'x.pdf'));
		} catch (error) {
			fsError = error;
		}
		const message = toNodeError(node, fsError, { target: 'x.pdf' }).message;
		// n8n words errno codes itself (ENOENT -> "The file or directory does not exist").
		expect(message).toMatch(/ENOENT|does not exist/);
		expect(message).not.toContain('Unknown error');
	});

	it('still scrubs secrets from a plain error message and never serialises a message-less object', () => {
		const token = new FakeAuth().issue('dropbox', ['files.content.read']).access_token;
		const leaked = toNodeError(node, new Error(`request with Bearer ${token} failed: boom`));
		expect(leaked.message).toContain('boom');
		expect(leaked.message).not.toContain(token);
		const body = toNodeError(node, { status: 500, body: 'secret file content' });
		expect(body.message).toContain('Unknown error');
		expect(visible(body)).not.toContain('secret file content');
		expect(toNodeError(node, 'plain string failure').message).toContain('plain string failure');
	});
});

/**
 * Issue 18, point 4: realistic token shapes, built here by concatenation (no token-like literal in the repository),
 * echoed by error bodies the way the services do.
 */
describe('redaction by value: every secret of the credential in use, whatever its shape', () => {
	const { randomBytes } = require('crypto') as typeof import('crypto');
	const b64 = (bytes: number) => randomBytes(bytes).toString('base64');
	const b64url = (bytes: number) => randomBytes(bytes).toString('base64url');
	/** Microsoft personal-account access tokens: opaque base64 starting "EwB", about 1,500 characters. */
	const microsoftOpaque = () => ['E', 'w', 'B'].join('') + b64(1100);
	/** Work-account access tokens are JWTs: "eyJ0eXAi…" header, payload, signature. */
	const microsoftJwt = () =>
		['ey', 'J0eXAiOiJKV1QiLCJub25jZSI6'].join('') +
		b64url(30) +
		'.' +
		['ey', 'JhdWQiOi'].join('') +
		b64url(600) +
		'.' +
		b64url(256);
	/** Dropbox short-lived access tokens: "sl.B…", about 150 characters (the old pattern's alphabet misses some). */
	const dropboxShortLived = () => ['s', 'l.', 'B'].join('') + b64url(100) + '~' + b64url(10);
	const refreshOf = () =>
		['M', '.', 'C5', '09_BAY', '.'].join('') + b64(300) + '!' + b64url(40) + '$';
	const clientSecret = () => ['Q', '~w8Q'].join('') + b64url(24).replace(/_/g, '.');

	const credential = (access: string) => ({
		clientSecret: clientSecret(),
		oauthTokenData: { access_token: access, refresh_token: refreshOf(), token_type: 'Bearer' },
	});

	afterEach(() => forgetSecrets());

	const cases: Array<[string, () => string, (token: string) => string]> = [
		[
			'a Graph 400 quoting a Microsoft personal token',
			microsoftOpaque,
			(t) =>
				`{"error":{"code":"InvalidAuthenticationToken","message":"Access token is invalid: ${t}"}}`,
		],
		[
			'a Graph 400 quoting a work-account JWT',
			microsoftJwt,
			(t) => `{"error":{"code":"invalidRequest","message":"Invalid audience in ${t}"}}`,
		],
		[
			'a Dropbox plain-text 400 quoting the Authorization header',
			dropboxShortLived,
			(t) =>
				`Error in call to API function "files/list_folder": Invalid authorization value in HTTP header "Authorization": "Bearer ${t}".`,
		],
		[
			'a URL carrying the token URL-encoded',
			microsoftOpaque,
			(t) => `GET https://graph.microsoft.com/v1.0/me?token=${encodeURIComponent(t)} failed`,
		],
		[
			'an echo cut after 130 characters',
			microsoftOpaque,
			(t) => `token ${t.slice(0, 130)}... rejected`,
		],
		[
			'a JSON body with escaped slashes',
			microsoftOpaque,
			(t) => `{"detail":"${t.replace(/\//g, '\\/')}"}`,
		],
	];

	it.each(cases)('%s: gone from message and description', (_what, make, body) => {
		const token = make();
		const used = credential(token);
		rememberCredentialSecrets(used);
		const error = toNodeError(
			node,
			new CloudError('invalidRequest', body(token), { status: 400, target: 'reports' }),
			{ itemIndex: 0, service: 'OneDrive' },
		);
		const shown = visible(error) + scrubSecrets(body(token));
		expect(shown).toContain('reports');
		for (const secret of [token, used.oauthTokenData.refresh_token, used.clientSecret]) {
			expect(shown).not.toContain(secret);
			if (secret.length >= 80) {
				expect(shown).not.toContain(secret.slice(0, 40));
				expect(shown).not.toContain(secret.slice(40, 80));
			}
		}
	});

	it('the refresh token and the client secret, in any message shape, are gone too', () => {
		const used = credential(microsoftOpaque());
		rememberCredentialSecrets(used);
		const text = `refresh failed for ${used.oauthTokenData.refresh_token} with secret ${used.clientSecret} (${encodeURIComponent(used.clientSecret)})`;
		const scrubbed = scrubSecrets(text);
		expect(scrubbed).not.toContain(used.oauthTokenData.refresh_token);
		expect(scrubbed).not.toContain(used.clientSecret);
		expect(scrubbed).not.toContain(encodeURIComponent(used.clientSecret));
		expect(scrubbed).toContain('refresh failed for [redacted]');
	});

	it('ordinary long identifiers that are no secret stay', () => {
		rememberCredentialSecrets(credential(microsoftOpaque()));
		const text =
			'Folder 01BYE5RZ6QN3ZWBTUFOFD3GSPGOHDJD36K not found under /reports/2026/quarterly-summary-final.pdf';
		expect(scrubSecrets(text)).toBe(text);
	});
});

describe('a refused token host (issue 18)', () => {
	it('says nothing was sent, names the host, and what to do', () => {
		const { TokenHostError } =
			require('../../nodes/shared/transport/hosts') as typeof import('../../nodes/shared/transport/hosts');
		const refused = new TokenHostError(
			"Refused to send the credential's token to https://evil.example: only https://graph.microsoft.com receive it.",
			'https://evil.example/x',
		);
		const wrapped = new CloudError(
			'other',
			`OneDrive call failed (the change feed): ${refused.message}`,
			{ target: 'the change feed', cause: refused },
		);
		const error = toNodeError(node, wrapped, { service: 'OneDrive' });
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toContain('https://evil.example');
		expect(error.message).toContain("Refused to send the credential's token");
		expect(error.description).toMatch(/Nothing was sent there.*API Base URL/);
	});
});
