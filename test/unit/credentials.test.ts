import {
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type INode,
	type INodeTypes,
} from 'n8n-workflow';
import { CloudSyncDropboxOAuth2Api } from '../../credentials/CloudSyncDropboxOAuth2Api.credentials';
import { CloudSyncGoogleCalendarOAuth2Api } from '../../credentials/CloudSyncGoogleCalendarOAuth2Api.credentials';
import { CloudSyncGoogleDriveOAuth2Api } from '../../credentials/CloudSyncGoogleDriveOAuth2Api.credentials';
import { CloudSyncMicrosoftOneDriveOAuth2Api } from '../../credentials/CloudSyncMicrosoftOneDriveOAuth2Api.credentials';
import { GRAPH_API_HOSTS } from '../../nodes/shared/storage/oneDrive/wire';
import { apiHostsFor } from '../../nodes/shared/transport/hosts';
import { existsSync } from 'fs';
import { join } from 'path';

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

/**
 * The credential as n8n resolves it before an OAuth flow or a refresh: stored values over the type's defaults,
 * then every expression evaluated with `$self` = that data (CredentialsHelper.applyDefaultsAndOverwrites).
 * Hidden fields always take the default: n8n drops stored hidden OAuth fields and scope.
 */
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

/** The credential test's base URL as n8n resolves it with `$credentials`. */
function testBaseUrl(type: ICredentialType, stored: ICredentialDataDecryptedObject = {}): string {
	const credentials = resolve(type, stored);
	const workflow = new Workflow({ nodes: [mockNode], connections: {}, active: false, nodeTypes });
	return workflow.expression.getComplexParameterValue(
		mockNode,
		type.test!.request.baseURL as string,
		'internal',
		{ $credentials: credentials } as any,
	) as string;
}

const all = [
	new CloudSyncGoogleDriveOAuth2Api(),
	new CloudSyncGoogleCalendarOAuth2Api(),
	new CloudSyncMicrosoftOneDriveOAuth2Api(),
	new CloudSyncDropboxOAuth2Api(),
];

describe('credential types', () => {
	it('have the public names, extend oAuth2Api, hide the OAuth plumbing, and offer an API base URL', () => {
		expect(all.map((c) => c.name)).toEqual([
			'cloudSyncGoogleDriveOAuth2Api',
			'cloudSyncGoogleCalendarOAuth2Api',
			'cloudSyncMicrosoftOneDriveOAuth2Api',
			'cloudSyncDropboxOAuth2Api',
		]);
		for (const credential of all) {
			expect(credential.extends).toEqual(['oAuth2Api']);
			const byName = new Map(credential.properties.map((p) => [p.name, p]));
			for (const hidden of [
				'grantType',
				'authUrl',
				'accessTokenUrl',
				'authQueryParameters',
				'authentication',
				'scope',
			]) {
				expect(byName.get(hidden)?.type).toBe('hidden');
			}
			expect(byName.get('grantType')?.default).toBe('authorizationCode');
			expect(byName.get('apiBaseUrl')?.type).toBe('string');
			expect(credential.test?.request.url).toBeTruthy();
			const icon = credential.icon as { light: string; dark: string };
			for (const file of [icon.light, icon.dark]) {
				expect(existsSync(join(__dirname, '../../credentials', file.replace(/^file:/, '')))).toBe(
					true,
				);
			}
		}
	});

	it('Google Drive: offline access with consent, and the scope follows the access choice', () => {
		const drive = new CloudSyncGoogleDriveOAuth2Api();
		const exportOnly = resolve(drive);
		expect(exportOnly.scope).toBe('https://www.googleapis.com/auth/drive.file');
		expect(exportOnly.authQueryParameters).toBe('access_type=offline&prompt=consent');
		expect(exportOnly.authUrl).toBe('https://accounts.google.com/o/oauth2/v2/auth');
		expect(exportOnly.accessTokenUrl).toBe('https://oauth2.googleapis.com/token');
		expect(resolve(drive, { driveAccess: 'readonly' }).scope).toBe(
			'https://www.googleapis.com/auth/drive.readonly https://www.googleapis.com/auth/drive.file',
		);
		expect(resolve(drive, { driveAccess: 'full' }).scope).toBe(
			'https://www.googleapis.com/auth/drive',
		);
		// A stored hidden scope is ignored, as n8n ignores it.
		expect(
			resolve(drive, { scope: 'https://www.googleapis.com/auth/drive', driveAccess: 'file' }).scope,
		).toBe('https://www.googleapis.com/auth/drive.file');
		expect(testBaseUrl(drive)).toBe('https://www.googleapis.com');
		expect(drive.test.request.url).toBe('/drive/v3/about');
	});

	it('Google: OAuth base URL and API base URL point the flow and the test at a fake', () => {
		const calendar = new CloudSyncGoogleCalendarOAuth2Api();
		const local = resolve(calendar, {
			oauthBaseUrl: 'http://127.0.0.1:4010',
			apiBaseUrl: 'http://127.0.0.1:4013',
		});
		expect(local.authUrl).toBe('http://127.0.0.1:4010/o/oauth2/v2/auth');
		expect(local.accessTokenUrl).toBe('http://127.0.0.1:4010/token');
		expect(local.scope).toBe(
			'https://www.googleapis.com/auth/calendar.events https://www.googleapis.com/auth/calendar.calendarlist.readonly',
		);
		expect(testBaseUrl(calendar, { apiBaseUrl: 'http://127.0.0.1:4013' })).toBe(
			'http://127.0.0.1:4013',
		);
		expect(calendar.test.request.url).toBe('/calendar/v3/users/me/calendarList');
	});

	it('Microsoft: tenant from the account type, login and Graph hosts from the national cloud', () => {
		const ms = new CloudSyncMicrosoftOneDriveOAuth2Api();
		const both = resolve(ms);
		expect(both.authUrl).toBe('https://login.microsoftonline.com/common/oauth2/v2.0/authorize');
		expect(both.accessTokenUrl).toBe('https://login.microsoftonline.com/common/oauth2/v2.0/token');
		expect(both.scope).toBe('offline_access Files.ReadWrite');
		expect(resolve(ms, { accountType: 'personal' }).authUrl).toContain('/consumers/');
		expect(resolve(ms, { accountType: 'workSchool' }).accessTokenUrl).toContain('/organizations/');
		expect(
			resolve(ms, { accountType: 'workSchool', tenantId: 'contoso.onmicrosoft.com' })
				.accessTokenUrl,
		).toBe('https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token');
		expect(resolve(ms, { fileAccess: 'all' }).scope).toBe('offline_access Files.ReadWrite.All');
		const usGov = resolve(ms, { nationalCloud: 'usGov', accountType: 'workSchool' });
		expect(usGov.authUrl).toBe(
			'https://login.microsoftonline.us/organizations/oauth2/v2.0/authorize',
		);
		expect(usGov.scope).toBe('offline_access https://graph.microsoft.us/Files.ReadWrite');
		const china = resolve(ms, { nationalCloud: 'china' });
		expect(china.accessTokenUrl).toBe('https://login.chinacloudapi.cn/common/oauth2/v2.0/token');
		expect(testBaseUrl(ms)).toBe('https://graph.microsoft.com');
		expect(testBaseUrl(ms, { nationalCloud: 'usGovDod' })).toBe('https://dod-graph.microsoft.us');
		expect(testBaseUrl(ms, { nationalCloud: 'china' })).toBe(
			'https://microsoftgraph.chinacloudapi.cn',
		);
		expect(testBaseUrl(ms, { apiBaseUrl: 'http://127.0.0.1:4012' })).toBe('http://127.0.0.1:4012');
		// The transport agrees with the credential test about the Graph host.
		expect(apiHostsFor(GRAPH_API_HOSTS, resolve(ms, { nationalCloud: 'usGovDod' })).baseUrl).toBe(
			'https://dod-graph.microsoft.us',
		);
		expect(
			resolve(ms, { oauthBaseUrl: 'http://127.0.0.1:4010', accountType: 'personal' })
				.accessTokenUrl,
		).toBe('http://127.0.0.1:4010/consumers/oauth2/v2.0/token');
	});

	it('Dropbox: offline tokens, the four scopes, and the OAuth base URL', () => {
		const dropbox = new CloudSyncDropboxOAuth2Api();
		const resolved = resolve(dropbox);
		expect(resolved.authQueryParameters).toBe('token_access_type=offline');
		expect(String(resolved.scope).split(' ').sort()).toEqual([
			'account_info.read',
			'files.content.read',
			'files.content.write',
			'files.metadata.read',
		]);
		expect(resolved.authUrl).toBe('https://www.dropbox.com/oauth2/authorize');
		expect(resolved.accessTokenUrl).toBe('https://api.dropboxapi.com/oauth2/token');
		expect(resolve(dropbox, { oauthBaseUrl: 'http://127.0.0.1:4010' }).accessTokenUrl).toBe(
			'http://127.0.0.1:4010/oauth2/token',
		);
		expect(dropbox.test.request).toMatchObject({
			method: 'POST',
			url: '/2/users/get_current_account',
		});
		expect(testBaseUrl(dropbox)).toBe('https://api.dropboxapi.com');
	});
});

describe("n8n's Allowed HTTP Request Domains default to the API hosts (issue 18)", () => {
	it.each([
		[
			new CloudSyncGoogleDriveOAuth2Api(),
			['www.googleapis.com'],
			['oauth2.googleapis.com', 'evil.example'],
		],
		[
			new CloudSyncGoogleCalendarOAuth2Api(),
			['www.googleapis.com'],
			['googleapis.com.evil.example'],
		],
		[
			new CloudSyncMicrosoftOneDriveOAuth2Api(),
			[
				'graph.microsoft.com',
				'graph.microsoft.us',
				'dod-graph.microsoft.us',
				'microsoftgraph.chinacloudapi.cn',
			],
			['login.microsoftonline.com', 'tenant.sharepoint.com'],
		],
		[
			new CloudSyncDropboxOAuth2Api(),
			['api.dropboxapi.com', 'content.dropboxapi.com'],
			['www.dropbox.com', 'dropboxapi.com'],
		],
	] as const)('%s', (type, allowed, refused) => {
		const data = resolve(type);
		expect(data.allowedHttpRequestDomains).toBe('domains');
		// n8n's own check (n8n-workflow isDomainAllowed), as the HTTP Request node applies it to this credential.
		const { isDomainAllowed } = require('n8n-workflow') as {
			isDomainAllowed: (url: string, options: { allowedDomains: string }) => boolean;
		};
		for (const host of allowed)
			expect(
				isDomainAllowed(`https://${host}/x`, { allowedDomains: String(data.allowedDomains) }),
			).toBe(true);
		for (const host of refused)
			expect(
				isDomainAllowed(`https://${host}/x`, { allowedDomains: String(data.allowedDomains) }),
			).toBe(false);
	});
});
