import type { INodeProperties } from 'n8n-workflow';
import type { ApiHostsDeclaration } from '../../nodes/shared/transport/hosts';

/**
 * The API hosts each credential's token is for: the transport signs only requests to these (narrowed by the
 * credential's national cloud or API base URL), and n8n's "Allowed HTTP Request Domains" of the credential
 * defaults to them, so the HTTP Request node cannot carry the token elsewhere either.
 */

export const GOOGLE_API_HOSTS: ApiHostsDeclaration = { origins: ['https://www.googleapis.com'] };

export const GRAPH_API_HOSTS: ApiHostsDeclaration = {
	origins: ['https://graph.microsoft.com'],
	// Values of the OneDrive credential's "National Cloud" option.
	nationalClouds: {
		usGov: 'https://graph.microsoft.us',
		usGovDod: 'https://dod-graph.microsoft.us',
		china: 'https://microsoftgraph.chinacloudapi.cn',
	},
};

export const DROPBOX_API_HOSTS: ApiHostsDeclaration = { origins: ['https://api.dropboxapi.com', 'https://content.dropboxapi.com'] };

/** By credential type name (public names, see DESIGN.md section 2). */
export const API_HOSTS_BY_CREDENTIAL: Readonly<Record<string, ApiHostsDeclaration>> = {
	cloudSyncGoogleDriveOAuth2Api: GOOGLE_API_HOSTS,
	cloudSyncGoogleCalendarOAuth2Api: GOOGLE_API_HOSTS,
	cloudSyncMicrosoftOneDriveOAuth2Api: GRAPH_API_HOSTS,
	cloudSyncDropboxOAuth2Api: DROPBOX_API_HOSTS,
};

/** Every host name of a declaration, national clouds included ("graph.microsoft.com, graph.microsoft.us, ..."). */
export function hostNames(declaration: ApiHostsDeclaration): string[] {
	return [...declaration.origins, ...Object.values(declaration.nationalClouds ?? {})].map((origin) => new URL(origin).hostname);
}

/**
 * n8n's own "Allowed HTTP Request Domains" fields (n8n adds them to OAuth2 credentials with "All" as default
 * unless the type declares them): declared here with the cloud's API hosts as default.
 */
export function allowedDomainsProperties(declaration: ApiHostsDeclaration): INodeProperties[] {
	return [
		{
			displayName: 'Allowed HTTP Request Domains',
			name: 'allowedHttpRequestDomains',
			type: 'options',
			options: [
				{ name: 'All', value: 'all', description: 'Allow all requests when used in the HTTP Request node' },
				{ name: 'Specific Domains', value: 'domains', description: 'Restrict requests to specific domains' },
				{ name: 'None', value: 'none', description: 'Block all requests when used in the HTTP Request node' },
			],
			default: 'domains',
			description: "Where n8n's HTTP Request node may use this credential. The nodes of this package send the token only to the API hosts in any case.",
		},
		{
			displayName: 'Allowed Domains',
			name: 'allowedDomains',
			type: 'string',
			default: hostNames(declaration).join(', '),
			placeholder: 'example.com, *.subdomain.com',
			description: 'Comma-separated list of allowed domains (wildcards like *.example.com match subdomains)',
			displayOptions: { show: { allowedHttpRequestDomains: ['domains'] } },
		},
	];
}
