import type { Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';
import {
	GRAPH_API_HOSTS,
	MICROSOFT_GLOBAL_CLOUD,
	MICROSOFT_NATIONAL_CLOUDS,
} from '../nodes/shared/storage/oneDrive/wire';
import { allowedDomainsProperties } from './shared/apiHosts';
import { CUSTOM_ENDPOINTS_SWITCH, WHEN_CUSTOM_ENDPOINTS } from './shared/customEndpoints';

/**
 * OneDrive (personal and business) through Microsoft Graph. Sign-in host, tenant and Graph host follow the
 * "Account Type" and "National Cloud" choices by expressions, so nobody has to type login URLs by hand.
 * Microsoft rotates the refresh token on every refresh; n8n stores the new one (see nodes/shared/transport).
 */
const TENANT =
	'($self.tenantId || ($self.accountType === "personal" ? "consumers" : ' +
	'$self.accountType === "workSchool" ? "organizations" : "common"))';
type NationalCloud = (typeof MICROSOFT_NATIONAL_CLOUDS)[number];
/** `<variable>.nationalCloud === "usGov" ? <usGov's value> : ... : fallback`, from the declared national clouds. */
function perNationalCloud(
	variable: string,
	value: (cloud: NationalCloud) => string,
	fallback: string,
): string {
	const branches = MICROSOFT_NATIONAL_CLOUDS.map(
		(cloud) => `${variable}.nationalCloud === "${cloud.value}" ? "${value(cloud)}" : `,
	);
	return `(${branches.join('')}"${fallback}")`;
}
const LOGIN_HOST = `($self.oauthBaseUrl || ${perNationalCloud(
	'$self',
	(cloud) => cloud.login,
	MICROSOFT_GLOBAL_CLOUD.login,
)})`;
/** Outside the global cloud, Graph scopes are qualified with that cloud's Graph host. */
const GRAPH_SCOPE_PREFIX = perNationalCloud('$self', (cloud) => `${cloud.graph}/`, '');
/** The Graph host the credential test calls: the same hosts the transport signs for (storage/oneDrive/wire.ts). */
const GRAPH_HOST = `($credentials.apiBaseUrl || ${perNationalCloud(
	'$credentials',
	(cloud) => cloud.graph,
	MICROSOFT_GLOBAL_CLOUD.graph,
)})`;
/** The SharePoint scope of the "SharePoint Access" choice (none for personal accounts, which have no sites). */
const SHAREPOINT_SCOPE =
	'($self.accountType !== "personal" && $self.sharePointAccess === "selected" ? ' +
	`" " + ${GRAPH_SCOPE_PREFIX} + "Sites.Selected" : ` +
	'$self.accountType !== "personal" && $self.sharePointAccess === "all" ? ' +
	`" " + ${GRAPH_SCOPE_PREFIX} + "Sites.ReadWrite.All" : "")`;
/** "Global (graph.microsoft.com)", "US Government L4 (graph.microsoft.us)", ... */
const NATIONAL_CLOUD_OPTIONS = [MICROSOFT_GLOBAL_CLOUD, ...MICROSOFT_NATIONAL_CLOUDS].map(
	(cloud) => ({
		name: `${cloud.label} (${new URL(cloud.graph).hostname})`,
		value: cloud.value,
	}),
);

export class CloudSyncMicrosoftOneDriveOAuth2Api implements ICredentialType {
	name = 'cloudSyncMicrosoftOneDriveOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Cloud Sync: Microsoft OneDrive OAuth2 API';

	documentationUrl =
		'https://github.com/n8n-nodes-cloud-sync/n8n-nodes-cloud-sync#microsoft-onedrive';

	icon: Icon = { light: 'file:icons/oneDrive.svg', dark: 'file:icons/oneDrive.dark.svg' };

	properties: INodeProperties[] = [
		{
			displayName: 'Account Type',
			name: 'accountType',
			type: 'options',
			options: [
				{
					name: 'Personal Microsoft Accounts',
					value: 'personal',
					description: 'OneDrive personal (outlook.com, hotmail.com, live.com)',
				},
				{
					name: 'Work or School Accounts',
					value: 'workSchool',
					description: 'OneDrive for Business and SharePoint in any organization',
				},
				{
					name: 'Both',
					value: 'both',
					description: 'The Azure app must accept both kinds of account',
				},
			],
			default: 'both',
			description: 'Must match "Supported account types" of the app registration in Azure',
		},
		{
			displayName: 'Directory (Tenant) ID',
			name: 'tenantId',
			type: 'string',
			default: '',
			description:
				'Only for an app registered for a single organization ("Accounts in this ' +
				'organizational directory only"): its tenant ID. Overrides Account Type.',
		},
		{
			displayName: 'File Access',
			name: 'fileAccess',
			type: 'options',
			options: [
				{
					name: 'My Files (Files.ReadWrite)',
					value: 'own',
					description: "Read and write the signed-in user's own OneDrive",
				},
				{
					name: 'My Files and Files Shared With Me (Files.ReadWrite.All)',
					value: 'all',
					description:
						'Also folders other people shared with the user; work accounts may need admin consent',
				},
			],
			default: 'own',
		},
		{
			displayName: 'SharePoint Access',
			name: 'sharePointAccess',
			type: 'options',
			// Least privilege first. Delegated: the signed-in user's own rights on a site still apply on top.
			options: [
				{
					name: 'None',
					value: 'none',
					description: 'OneDrive only',
				},
				{
					name: 'Selected Sites (Sites.Selected)',
					value: 'selected',
					description:
						'Only the sites an administrator granted this app; give the site by URL or ID (site search needs All Sites)',
				},
				{
					name: 'All Sites (Sites.ReadWrite.All)',
					value: 'all',
					description:
						'Every site and document library the user can open; needs admin consent in most organizations',
				},
			],
			default: 'none',
			description:
				'For SharePoint document libraries (work or school accounts). See the README for admin consent.',
			displayOptions: { hide: { accountType: ['personal'] } },
		},
		{
			displayName: 'National Cloud',
			name: 'nationalCloud',
			type: 'options',
			options: NATIONAL_CLOUD_OPTIONS,
			default: MICROSOFT_GLOBAL_CLOUD.value,
			description:
				'National clouds have their own sign-in and Graph hosts, and work or school accounts only',
		},
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'authorizationCode',
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: `={{ ${LOGIN_HOST} + "/" + ${TENANT} + "/oauth2/v2.0/authorize" }}`,
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: `={{ ${LOGIN_HOST} + "/" + ${TENANT} + "/oauth2/v2.0/token" }}`,
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default:
				`={{ "offline_access " + ${GRAPH_SCOPE_PREFIX} + ` +
				'($self.fileAccess === "all" ? "Files.ReadWrite.All" : "Files.ReadWrite") + ' +
				`${SHAREPOINT_SCOPE} }}`,
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: 'response_mode=query&prompt=select_account',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'body',
		},
		CUSTOM_ENDPOINTS_SWITCH,
		{
			displayName: 'API Base URL',
			name: 'apiBaseUrl',
			displayOptions: WHEN_CUSTOM_ENDPOINTS,
			type: 'string',
			default: '',
			placeholder: 'https://graph.microsoft.com',
			description:
				"Advanced: send Graph calls to this origin instead of the national cloud's " +
				'Graph host (a proxy, or a local test server). Leave empty normally.',
		},
		{
			displayName: 'OAuth Base URL',
			name: 'oauthBaseUrl',
			displayOptions: WHEN_CUSTOM_ENDPOINTS,
			type: 'string',
			default: '',
			placeholder: 'https://login.microsoftonline.com',
			description:
				'Advanced: origin of the sign-in and token endpoints (/{tenant}/oauth2/v2.0/...), ' +
				'for a proxy or a local test server. Leave empty normally.',
		},
		...allowedDomainsProperties(GRAPH_API_HOSTS),
	];

	/**
	 * The user's drive (Files.ReadWrite, part of every choice); with All Sites, a site search proves the consent to
	 * Sites.ReadWrite.All too. Sites.Selected grants are per site: no request can prove them before a site is chosen.
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{ ${GRAPH_HOST} }}`,
			url:
				'={{ $credentials.accountType !== "personal" && $credentials.sharePointAccess === "all" ' +
				'? "/v1.0/sites?search=*&$select=id&$top=1" : "/v1.0/me/drive?$select=id,driveType" }}',
		},
	};
}
