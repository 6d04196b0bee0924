import { createHash } from 'crypto';
import { CloudSyncDropboxOAuth2Api } from '../../credentials/CloudSyncDropboxOAuth2Api.credentials';
import { CloudSyncGoogleDriveOAuth2Api } from '../../credentials/CloudSyncGoogleDriveOAuth2Api.credentials';
import { CloudSyncMicrosoftOneDriveOAuth2Api } from '../../credentials/CloudSyncMicrosoftOneDriveOAuth2Api.credentials';
import { oauthFailure } from '../../nodes/shared/errors';
import { FakeAuth, type AuthFlavour } from '../fakes/common/auth';
import type { FakeServer } from '../fakes/common/server';
import { ALL_SCOPES, FakeDropbox } from '../fakes/dropbox';
import { DRIVE_SCOPES, FakeDrive } from '../fakes/drive';
import { FakeGraph } from '../fakes/graph';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, FakeOAuth } from '../fakes/oauth';
import { WorkflowHarness } from '../harness/workflow';
import { PROBE_CREDENTIALS, SdkProbe } from './support/sdkProbe.node';

/**
 * An access token that expires in the middle of a run is refreshed through n8n's own path
 * (helpers.refreshOAuth2Token -> @n8n/client-oauth2 -> the fake token endpoint -> credentialsHelper
 * .updateCredentialsOauthTokenData), the run completes, and the stored credential holds the new tokens.
 */

interface Case {
	provider: keyof typeof PROBE_CREDENTIALS;
	flavour: AuthFlavour;
	scopes: string[];
	make: (auth: FakeAuth) => FakeServer;
	/** The API path the probe lists with. */
	path: string | RegExp;
	authentication: 'body' | 'header';
}

const cases: Case[] = [
	{
		provider: 'googleDrive',
		flavour: 'google',
		scopes: [DRIVE_SCOPES.drive],
		make: (a) => new FakeDrive(a),
		path: '/drive/v3/files',
		authentication: 'body',
	},
	{
		provider: 'oneDrive',
		flavour: 'microsoft',
		scopes: ['Files.ReadWrite'],
		make: (a) => new FakeGraph(a),
		path: '/children',
		authentication: 'body',
	},
	{
		provider: 'dropbox',
		flavour: 'dropbox',
		scopes: ALL_SCOPES,
		make: (a) => new FakeDropbox(a),
		path: '/2/files/list_folder',
		authentication: 'header',
	},
];

let auth: FakeAuth;
let oauth: FakeOAuth;
let cloud: FakeServer | undefined;

beforeEach(async () => {
	auth = new FakeAuth();
	oauth = new FakeOAuth(auth);
	await oauth.start();
});
afterEach(async () => {
	await cloud?.stop();
	cloud = undefined;
	await oauth.stop();
});

async function setUp(c: Case) {
	cloud = c.make(auth);
	const apiBaseUrl = await cloud.start();
	const tokens = auth.issue(c.flavour, c.scopes);
	const harness = new WorkflowHarness()
		.registerNode('sdkProbe', new SdkProbe())
		.registerCredentialType(new CloudSyncGoogleDriveOAuth2Api())
		.registerCredentialType(new CloudSyncMicrosoftOneDriveOAuth2Api())
		.registerCredentialType(new CloudSyncDropboxOAuth2Api());
	const type = PROBE_CREDENTIALS[c.provider];
	const details = harness.credentials.add({
		id: `cred-${c.provider}`,
		name: `${c.provider} test`,
		type,
		data: {
			clientId: FAKE_CLIENT_ID,
			clientSecret: FAKE_CLIENT_SECRET,
			accessTokenUrl: oauth.tokenUrl(c.flavour, 'consumers'),
			authUrl: oauth.authorizeUrl(c.flavour, 'consumers'),
			authentication: c.authentication,
			scope: c.scopes.join(' '),
			apiBaseUrl,
			oauthTokenData: {
				access_token: tokens.access_token,
				refresh_token: tokens.refresh_token,
				token_type: 'Bearer',
				expires_in: 3600,
			},
		},
	});
	return { harness, tokens, credentialId: details.id!, type, credentials: { [type]: details } };
}

describe.each(cases)('$provider: token expiry mid-run', (c) => {
	it('refreshes through n8n, completes the run, and stores the new tokens', async () => {
		const { harness, tokens, credentialId, credentials } = await setUp(c);
		// The second listing call finds every access token expired, as if an hour had passed.
		cloud!.inject({ path: c.path, skip: 1, action: { type: 'expireToken' } });
		harness.addNode({
			name: 'Probe',
			type: 'sdkProbe',
			parameters: { provider: c.provider, calls: 3 },
			credentials,
		});
		const since = cloud!.mark();
		const result = await harness.run();

		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.output('Probe').map((item) => item.json.call)).toEqual([0, 1, 2]);
		// One refresh, through the fake token endpoint, in the provider's client-authentication style.
		expect(oauth.tokenRequests).toEqual([
			expect.objectContaining({
				flavour: c.flavour,
				grantType: 'refresh_token',
				status: 200,
				clientAuth: c.authentication === 'header' ? 'basic' : 'body',
			}),
		]);
		const calls = cloud!.requests({ since, path: c.path });
		expect(calls.map((r) => r.status)).toEqual([200, 401, 200, 200]);

		// What n8n persisted: a new, valid access token; Microsoft's rotated refresh token; the others kept.
		const stored = harness.credentials.get(credentialId).data.oauthTokenData as Record<
			string,
			string
		>;
		expect(harness.credentials.tokenUpdates).toHaveLength(1);
		expect(stored.access_token).not.toBe(tokens.access_token);
		expect(auth.check(`Bearer ${stored.access_token}`).ok).toBe(true);
		if (c.flavour === 'microsoft') {
			expect(stored.refresh_token).toMatch(/^fake-microsoft-rt-/);
			expect(stored.refresh_token).not.toBe(tokens.refresh_token);
		} else {
			expect(stored.refresh_token).toBe(tokens.refresh_token);
		}
		// No token reached the output.
		const output = JSON.stringify(result.output('Probe'));
		for (const secret of auth.issuedSecrets) expect(output).not.toContain(secret);
	});

	it('a revoked refresh token fails the run with a reconnect error, and nothing is stored', async () => {
		const { harness, credentialId, credentials } = await setUp(c);
		auth.revokeRefreshTokens();
		cloud!.inject({ path: c.path, action: { type: 'expireToken' } });
		harness.addNode({
			name: 'Probe',
			type: 'sdkProbe',
			parameters: { provider: c.provider, calls: 1 },
			credentials,
		});
		const before = harness.credentials.get(credentialId).data.oauthTokenData;
		const result = await harness.run();
		expect(result.status).toBe('error');
		expect(oauth.tokenRequests.map((r) => r.status)).toEqual([400]);
		// n8n surfaces the failed refresh in a shape toNodeError recognises (-> "reconnect the credential").
		expect(oauthFailure(result.nodeError('Probe') ?? result.error)).toEqual({
			code: 'invalid_grant',
		});
		expect(harness.credentials.get(credentialId).data.oauthTokenData).toEqual(before);
	});
});

describe('dropbox: a chunked upload session never sends a chunk with an expired token', () => {
	it('the chunk that meets an expired token is refreshed and resent whole; the file arrives intact', async () => {
		const c = cases[2];
		const { harness, credentials } = await setUp(c);
		const dropbox = cloud as FakeDropbox;
		// Expire the token just before the second append (third chunk overall).
		dropbox.inject({
			path: '/2/files/upload_session/append_v2',
			skip: 1,
			action: { type: 'expireToken' },
		});
		const chunkSize = 64 * 1024;
		const chunks = 4;
		harness.addNode({
			name: 'Probe',
			type: 'sdkProbe',
			parameters: { provider: 'dropbox', calls: 0, chunks, chunkSize },
			credentials,
		});
		const since = dropbox.mark();
		const result = await harness.run();
		expect(result.error).toBeUndefined();
		expect(result.output('Probe')).toEqual([
			expect.objectContaining({ json: { uploaded: '/probe.bin', size: chunks * chunkSize } }),
		]);

		const appends = dropbox.requests({ since, path: '/2/files/upload_session/append_v2' });
		expect(appends.map((r) => [r.status, r.authorized])).toEqual([
			[200, true],
			[401, false],
			[200, true],
			[200, true],
		]);
		// The refused chunk and its resend carried the same full chunk (no empty or partial replay).
		expect(appends.map((r) => r.bytesIn)).toEqual([chunkSize, chunkSize, chunkSize, chunkSize]);
		// Every byte that was accepted was accepted with a valid token.
		const accepted = dropbox.requests({ since }).filter((r) => r.status === 200);
		expect(accepted.every((r) => r.authorized)).toBe(true);

		const expected = Buffer.concat(
			Array.from({ length: chunks }, (_, n) => Buffer.alloc(chunkSize, 65 + n)),
		);
		const stored = dropbox.dumpTree().find((entry) => entry.path === '/probe.bin');
		expect(stored?.size).toBe(expected.length);
		const read = await (
			dropbox as unknown as { readFile(path: string): Promise<Buffer | undefined> }
		).readFile('/probe.bin');
		expect(createHash('sha256').update(read!).digest('hex')).toBe(
			createHash('sha256').update(expected).digest('hex'),
		);
		expect(oauth.tokenRequests).toHaveLength(1);
	});
});
