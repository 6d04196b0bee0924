import {
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type INode,
	type INodeTypes,
} from 'n8n-workflow';
import { CloudSyncMicrosoftOneDriveOAuth2Api } from '../../credentials/CloudSyncMicrosoftOneDriveOAuth2Api.credentials';
import { FakeAuth } from '../fakes/common/auth';
import { FakeGraph } from '../fakes/graph';

/**
 * The Microsoft credential's SharePoint access choice: the scopes it asks for (least privilege first), and its
 * credential test run against the Graph fake with a token of exactly those scopes, as n8n's "Test" button would.
 */

const mockNode: INode = {
	id: 'c',
	name: '',
	type: 'mock',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};
const nodeTypes = {
	getByName: () => undefined,
	getByNameAndVersion: () => undefined,
	getKnownTypes: () => ({}),
} as unknown as INodeTypes;

/** Stored values over the defaults, every expression evaluated with `$self` (as n8n resolves a credential). */
function resolve(
	type: ICredentialType,
	stored: ICredentialDataDecryptedObject = {},
): ICredentialDataDecryptedObject {
	const data: ICredentialDataDecryptedObject = {};
	for (const property of type.properties) {
		data[property.name] = (
			property.type !== 'hidden' && stored[property.name] !== undefined
				? stored[property.name]
				: property.default
		) as string;
	}
	const workflow = new Workflow({ nodes: [mockNode], connections: {}, active: false, nodeTypes });
	return workflow.expression.getComplexParameterValue(
		mockNode,
		data as any,
		'internal',
		{},
		undefined,
		undefined,
		data,
	) as ICredentialDataDecryptedObject;
}

/** A field of the credential test request as n8n resolves it with `$credentials`. */
function testField(
	type: ICredentialType,
	field: string,
	credentials: ICredentialDataDecryptedObject,
) {
	const workflow = new Workflow({ nodes: [mockNode], connections: {}, active: false, nodeTypes });
	return workflow.expression.getComplexParameterValue(
		mockNode,
		(type.test!.request as any)[field],
		'internal',
		{ $credentials: credentials } as any,
	) as string;
}

describe('Microsoft credential: SharePoint access', () => {
	const ms = new CloudSyncMicrosoftOneDriveOAuth2Api();
	let fake: FakeGraph;
	let auth: FakeAuth;
	beforeAll(async () => {
		auth = new FakeAuth();
		fake = new FakeGraph(auth);
		fake.addSite('/sites/Finance');
		await fake.start();
	});
	afterAll(async () => fake.stop());

	it('offers None, then Selected Sites (Sites.Selected), then All Sites (Sites.ReadWrite.All), hidden for personal accounts', () => {
		const access = ms.properties.find((p) => p.name === 'sharePointAccess')!;
		expect(access.options!.map((o) => (o as { value: string }).value)).toEqual([
			'none',
			'selected',
			'all',
		]);
		expect(access.default).toBe('none');
		expect(access.displayOptions).toEqual({ hide: { accountType: ['personal'] } });
		expect(resolve(ms).scope).toBe('offline_access Files.ReadWrite');
		expect(resolve(ms, { sharePointAccess: 'selected' }).scope).toBe(
			'offline_access Files.ReadWrite Sites.Selected',
		);
		expect(resolve(ms, { sharePointAccess: 'all', fileAccess: 'all' }).scope).toBe(
			'offline_access Files.ReadWrite.All Sites.ReadWrite.All',
		);
		// A personal account has no SharePoint: a leftover choice adds no scope Microsoft would refuse.
		expect(resolve(ms, { sharePointAccess: 'all', accountType: 'personal' }).scope).toBe(
			'offline_access Files.ReadWrite',
		);
		expect(
			resolve(ms, {
				sharePointAccess: 'selected',
				nationalCloud: 'usGov',
				accountType: 'workSchool',
			}).scope,
		).toBe(
			'offline_access https://graph.microsoft.us/Files.ReadWrite https://graph.microsoft.us/Sites.Selected',
		);
	});

	it.each([['none'], ['selected'], ['all']])(
		'the credential test passes with exactly the scopes "%s" asks for',
		async (choice) => {
			const credentials = resolve(ms, {
				sharePointAccess: choice,
				accountType: 'workSchool',
				apiBaseUrl: fake.baseUrl,
			});
			const scopes = String(credentials.scope).split(' ');
			const token = auth.issue('microsoft', scopes).access_token;
			const url = `${testField(ms, 'baseURL', credentials)}${testField(ms, 'url', credentials)}`;
			const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
			expect(response.status).toBe(200);
		},
	);

	it('with All Sites, the test fails when the consent to Sites.ReadWrite.All is missing', async () => {
		const credentials = resolve(ms, {
			sharePointAccess: 'all',
			accountType: 'workSchool',
			apiBaseUrl: fake.baseUrl,
		});
		const token = auth.issue('microsoft', ['offline_access', 'Files.ReadWrite']).access_token;
		const url = `${testField(ms, 'baseURL', credentials)}${testField(ms, 'url', credentials)}`;
		const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
		expect(response.status).toBe(403);
	});
});
