import type { INodeProperties } from 'n8n-workflow';
import type { ApiHostsDeclaration } from '../../nodes/shared/transport/hosts';

/**
 * n8n's "Allowed HTTP Request Domains" of a credential default to the API hosts its cloud declares (once, in the
 * cloud's folder: nodes/shared/storage/<cloud>/wire.ts), so the HTTP Request node cannot carry the token elsewhere
 * either. The transport signs only requests to the same hosts (transport/hosts.ts apiHostsFor, narrowed by the
 * credential's national cloud or API base URL).
 */

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
				"Where n8n's HTTP Request node may use this credential. " +
				'The nodes of this package send the token only to the API hosts in any case.',
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
