import type { CloudWire } from '../../transport/transport';
import type { ApiHostsDeclaration } from '../../transport/hosts';

/**
 * Microsoft's national clouds, by the OneDrive credential's "National Cloud" value (public values: never
 * rename): each has its own Graph host and sign-in host. The credential builds its options, sign-in URLs and
 * scopes from this list, and the transport signs only for the chosen cloud's Graph host.
 */
export const MICROSOFT_NATIONAL_CLOUDS: ReadonlyArray<{
	value: string;
	label: string;
	graph: string;
	login: string;
}> = [
	{
		value: 'usGov',
		label: 'US Government L4',
		graph: 'https://graph.microsoft.us',
		login: 'https://login.microsoftonline.us',
	},
	{
		value: 'usGovDod',
		label: 'US Government L5 DOD',
		graph: 'https://dod-graph.microsoft.us',
		login: 'https://login.microsoftonline.us',
	},
	{
		value: 'china',
		label: 'China, Operated by 21Vianet',
		graph: 'https://microsoftgraph.chinacloudapi.cn',
		login: 'https://login.chinacloudapi.cn',
	},
];

/** The global cloud (the credential's "global" value). */
export const MICROSOFT_GLOBAL_CLOUD = {
	value: 'global',
	label: 'Global',
	graph: 'https://graph.microsoft.com',
	login: 'https://login.microsoftonline.com',
} as const;

export const GRAPH_API_HOSTS: ApiHostsDeclaration = {
	origins: [MICROSOFT_GLOBAL_CLOUD.graph],
	nationalClouds: Object.fromEntries(
		MICROSOFT_NATIONAL_CLOUDS.map((cloud) => [cloud.value, cloud.graph]),
	),
};

/** Graph needs no retry rule beyond the common ones (429 and 5xx with Retry-After). */
export const ONEDRIVE_WIRE: CloudWire = { name: 'oneDrive', hosts: GRAPH_API_HOSTS };
