import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import {
	NodeConnectionTypes,
	type ICredentialType,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { FakeAuth } from '../fakes/common/auth';
import { WorkflowHarness } from './workflow';

/** A node that counts its runs in static data, echoes binary sizes and calls an OAuth2-protected URL. */
class ProbeNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Probe',
		name: 'probe',
		group: ['transform'],
		version: 1,
		description: 'test probe',
		defaults: { name: 'Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'probeOAuth2Api', required: false }],
		properties: [{ displayName: 'URL', name: 'url', type: 'string', default: '' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const data = this.getWorkflowStaticData('global');
		data.count = ((data.count as number) ?? 0) + 1;
		const url = this.getNodeParameter('url', 0) as string;
		let body: unknown;
		if (url) {
			body = await this.helpers.httpRequestWithAuthentication.call(this, 'probeOAuth2Api', {
				url,
				json: true,
			});
		}
		const items = this.getInputData();
		const sizes = await Promise.all(
			items.map(async (item, index) =>
				item.binary?.file ? (await this.helpers.getBinaryDataBuffer(index, 'file')).length : 0,
			),
		);
		return [[{ json: { count: data.count, body: body as never, sizes } }]];
	}
}

const probeCredential: ICredentialType = {
	name: 'probeOAuth2Api',
	displayName: 'Probe OAuth2',
	extends: ['oAuth2Api'],
	properties: [
		{ displayName: 'Grant Type', name: 'grantType', type: 'hidden', default: 'authorizationCode' },
		{ displayName: 'Auth', name: 'authentication', type: 'hidden', default: 'body' },
	],
};

describe('WorkflowHarness (n8n-core WorkflowExecute)', () => {
	const auth = new FakeAuth();
	let server: Server;
	let base: string;

	beforeAll(async () => {
		// A protected resource plus a token endpoint, both on the shared token authority.
		server = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				if (req.url === '/token') {
					const form = new URLSearchParams(Buffer.concat(chunks).toString());
					const result = auth.refreshWith(form.get('refresh_token') ?? '');
					res.writeHead('error' in result ? 400 : 200, { 'content-type': 'application/json' });
					res.end(JSON.stringify(result));
					return;
				}
				const check = auth.check(req.headers.authorization);
				res.writeHead(check.ok ? 200 : 401, { 'content-type': 'application/json' });
				res.end(JSON.stringify(check.ok ? { hello: 'world' } : { error: check.reason }));
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});

	afterAll(async () => {
		await new Promise((resolve) => server.close(resolve));
	});

	function harnessWithProbe(url = '') {
		const harness = new WorkflowHarness()
			.registerNode('probe', new ProbeNode())
			.registerCredentialType(probeCredential);
		const tokens = auth.issue('microsoft', ['Files.ReadWrite']);
		const credentialRef = harness.credentials.add({
			id: 'cred1',
			name: 'Probe account',
			type: 'probeOAuth2Api',
			data: {
				clientId: 'fake-client-id',
				clientSecret: 'fake-client-secret',
				accessTokenUrl: `${base}/token`,
				authUrl: `${base}/authorize`,
				grantType: 'authorizationCode',
				authentication: 'body',
				scope: 'Files.ReadWrite offline_access',
				oauthTokenData: {
					access_token: tokens.access_token,
					refresh_token: tokens.refresh_token,
					token_type: 'Bearer',
				},
			},
		});
		harness.addNode({
			name: 'Probe',
			type: 'probe',
			parameters: { url },
			credentials: { probeOAuth2Api: credentialRef },
		});
		return { harness, tokens };
	}

	it('saves static data after production runs and never after manual runs', async () => {
		const { harness } = harnessWithProbe();
		const first = await harness.run();
		expect(first.status).toBe('success');
		expect(first.output('Probe')[0].json.count).toBe(1);
		expect(harness.staticData).toEqual({ global: { count: 1 } });

		const manual = await harness.run({ mode: 'manual' });
		expect(manual.output('Probe')[0].json.count).toBe(2);
		expect(manual.staticDataSaved).toBe(false);
		expect(harness.staticData).toEqual({ global: { count: 1 } });

		await harness.run({ mode: 'webhook' });
		expect(harness.staticData).toEqual({ global: { count: 2 } });
	});

	it('passes binary input through n8n binary helpers', async () => {
		const { harness } = harnessWithProbe();
		const result = await harness.run({
			input: [
				{
					json: { id: 1 },
					binary: {
						file: { data: Buffer.alloc(1234, 7), fileName: 'a.pdf', mimeType: 'application/pdf' },
					},
				},
			],
		});
		expect(result.output('Probe')[0].json.sizes).toEqual([1234]);
	});

	it('refreshes an expired OAuth2 token through n8n and stores the rotated refresh token', async () => {
		const { harness, tokens } = harnessWithProbe(`${base}/resource`);
		auth.expireAccessTokens(tokens.access_token);
		const result = await harness.run();
		expect(result.status).toBe('success');
		expect(result.output('Probe')[0].json.body).toEqual({ hello: 'world' });
		const stored = harness.credentials.get('cred1').data.oauthTokenData as Record<string, string>;
		expect(stored.access_token).not.toBe(tokens.access_token);
		expect(stored.refresh_token).not.toBe(tokens.refresh_token);
		expect(auth.check(`Bearer ${stored.access_token}`).ok).toBe(true);
	});

	it('runs two executions from the same stored static data: last writer wins, as in n8n', async () => {
		const { harness } = harnessWithProbe();
		const results = await harness.runConcurrently(2);
		expect(results.map((r) => r.output('Probe')[0].json.count)).toEqual([1, 1]);
		expect(harness.staticData).toEqual({ global: { count: 1 } });
	});
});
