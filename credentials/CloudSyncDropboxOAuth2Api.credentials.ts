import type { Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';
import { DROPBOX_API_HOSTS } from '../nodes/shared/storage/dropbox/wire';
import { allowedDomainsProperties } from './shared/apiHosts';
import { CUSTOM_ENDPOINTS_SWITCH, WHEN_CUSTOM_ENDPOINTS } from './shared/customEndpoints';

/**
 * The scopes to tick in the Dropbox App Console ("Permissions") and
 * to request: nothing beyond files and the account check.
 */
export const DROPBOX_SCOPES = [
	'account_info.read',
	'files.metadata.read',
	'files.content.read',
	'files.content.write',
];

export class CloudSyncDropboxOAuth2Api implements ICredentialType {
	name = 'cloudSyncDropboxOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Cloud Sync: Dropbox OAuth2 API';

	documentationUrl = 'https://github.com/n8n-nodes-cloud-sync/n8n-nodes-cloud-sync#dropbox';

	icon: Icon = { light: 'file:icons/dropbox.svg', dark: 'file:icons/dropbox.dark.svg' };

	properties: INodeProperties[] = [
		{
			displayName: 'App Access Type',
			name: 'accessType',
			type: 'options',
			options: [
				{
					name: 'App Folder',
					value: 'folder',
					description: 'Paths are inside Apps/<app name>; the package cannot see anything else',
				},
				{
					name: 'Full Dropbox',
					value: 'full',
					description: 'Paths start at the root of the Dropbox',
				},
			],
			default: 'folder',
			description:
				'Chosen once, when the app is created in the Dropbox App Console; ' +
				'set the same value here. App Folder is enough to export and to collect from that ' +
				'folder.',
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
			default: '={{ ($self.oauthBaseUrl || "https://www.dropbox.com") + "/oauth2/authorize" }}',
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: '={{ ($self.oauthBaseUrl || "https://api.dropboxapi.com") + "/oauth2/token" }}',
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default: DROPBOX_SCOPES.join(' '),
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: 'token_access_type=offline',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'header',
		},
		CUSTOM_ENDPOINTS_SWITCH,
		{
			displayName: 'API Base URL',
			name: 'apiBaseUrl',
			displayOptions: WHEN_CUSTOM_ENDPOINTS,
			type: 'string',
			default: '',
			placeholder: 'https://api.dropboxapi.com',
			description:
				'Advanced: send both API and content calls to this origin ' +
				'instead of api.dropboxapi.com and content.dropboxapi.com (a ' +
				'proxy, or a local test server). Leave empty for Dropbox.',
		},
		{
			displayName: 'OAuth Base URL',
			name: 'oauthBaseUrl',
			displayOptions: WHEN_CUSTOM_ENDPOINTS,
			type: 'string',
			default: '',
			placeholder: 'https://api.dropboxapi.com',
			description:
				'Advanced: origin of the /oauth2/authorize and /oauth2/token endpoints, ' +
				'for a proxy or a local test server. Leave empty for Dropbox.',
		},
		...allowedDomainsProperties(DROPBOX_API_HOSTS),
	];

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ $credentials.apiBaseUrl || "https://api.dropboxapi.com" }}',
			url: '/2/users/get_current_account',
			method: 'POST',
		},
	};
}
