import type { ICredentialDataDecryptedObject, INodeProperties } from 'n8n-workflow';
import { DROPBOX_API_HOSTS } from '../../nodes/shared/storage/dropbox/wire';
import { GOOGLE_API_HOSTS } from '../../nodes/shared/storage/googleDrive/wire';
import { GRAPH_API_HOSTS } from '../../nodes/shared/storage/oneDrive/wire';
import { baseUrlFromChoice, type ApiHostsDeclaration } from '../../nodes/shared/transport/hosts';

/**
 * The API hosts each credential's token is for (declared once, in each cloud's folder: nodes/shared/storage/
 * <cloud>/wire.ts): the transport signs only requests to these (narrowed by the credential's national cloud or
 * API base URL), and n8n's "Allowed HTTP Request Domains" of the credential defaults to them, so the HTTP
 * Request node cannot carry the token elsewhere either.
 */

/** By credential type name (public names, see DESIGN.md section 2). */
export const API_HOSTS_BY_CREDENTIAL: Readonly<Record<string, ApiHostsDeclaration>> = {
	cloudSyncGoogleDriveOAuth2Api: GOOGLE_API_HOSTS,
	cloudSyncGoogleCalendarOAuth2Api: GOOGLE_API_HOSTS,
	cloudSyncMicrosoftOneDriveOAuth2Api: GRAPH_API_HOSTS,
	cloudSyncDropboxOAuth2Api: DROPBOX_API_HOSTS,
};

/** The base URL a credential asks for: its advanced "API Base URL" field wins, then a national cloud. */
export function baseUrlFromCredential(
	credentialType: string,
	credential: ICredentialDataDecryptedObject,
): string | undefined {
	const declaration = API_HOSTS_BY_CREDENTIAL[credentialType];
	if (!declaration)
		throw new Error(`No API hosts are declared for the credential type ${credentialType}`);
	return baseUrlFromChoice(declaration, credential);
}

/** Every host name of a declaration, national clouds included ("graph.microsoft.com, graph.microsoft.us, ..."). */
export function hostNames(declaration: ApiHostsDeclaration): string[] {
	return [...declaration.origins, ...Object.values(declaration.nationalClouds ?? {})].map(
		(origin) => new URL(origin).hostname,
	);
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
				{
					name: 'All',
					value: 'all',
					description: 'Allow all requests when used in the HTTP Request node',
				},
				{
					name: 'Specific Domains',
					value: 'domains',
					description: 'Restrict requests to specific domains',
				},
				{
					name: 'None',
					value: 'none',
					description: 'Block all requests when used in the HTTP Request node',
				},
			],
			default: 'domains',
			description:
				"Where n8n's HTTP Request node may use this credential. The nodes of this package send the token only to the API hosts in any case.",
		},
		{
			displayName: 'Allowed Domains',
			name: 'allowedDomains',
			type: 'string',
			default: hostNames(declaration).join(', '),
			placeholder: 'example.com, *.subdomain.com',
			description:
				'Comma-separated list of allowed domains (wildcards like *.example.com match subdomains)',
			displayOptions: { show: { allowedHttpRequestDomains: ['domains'] } },
		},
	];
}
