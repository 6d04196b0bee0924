import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { n8nWire, type N8nContext } from './n8nWire';
import { Transport, type ProviderId } from './transport';

/** National clouds of Microsoft Graph (the credential's "Cloud" option). */
export const GRAPH_CLOUD_BASE_URLS: Record<string, string> = {
	global: 'https://graph.microsoft.com',
	usGov: 'https://graph.microsoft.us',
	usGovDod: 'https://dod-graph.microsoft.us',
	china: 'https://microsoftgraph.chinacloudapi.cn',
};

/** The base URL a credential asks for: its advanced "API base URL" field wins, then a national cloud. */
export function baseUrlFromCredential(provider: ProviderId, credential: ICredentialDataDecryptedObject): string | undefined {
	const explicit = typeof credential.apiBaseUrl === 'string' ? credential.apiBaseUrl.trim() : '';
	if (explicit) return explicit;
	if (provider === 'oneDrive' && typeof credential.nationalCloud === 'string') {
		const base = GRAPH_CLOUD_BASE_URLS[credential.nationalCloud];
		if (base && base !== GRAPH_CLOUD_BASE_URLS.global) return base;
	}
	return undefined;
}

/** A Transport that sends through n8n with the node's credential of `credentialType`. */
export async function createTransport(ctx: N8nContext, credentialType: string, provider: ProviderId): Promise<Transport> {
	const credential = await ctx.getCredentials(credentialType);
	return new Transport(n8nWire(ctx, credentialType), { provider, baseUrl: baseUrlFromCredential(provider, credential) });
}
