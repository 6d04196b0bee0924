import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { API_HOSTS_BY_CREDENTIAL } from '../../../credentials/shared/apiHosts';
import { apiHostsFor, baseUrlFromChoice } from './hosts';
import { n8nWire, type N8nContext } from './n8nWire';
import { rememberCredentialSecrets } from './secrets';
import { Transport, type ProviderId } from './transport';

function declarationOf(credentialType: string) {
	const declaration = API_HOSTS_BY_CREDENTIAL[credentialType];
	if (!declaration) throw new Error(`No API hosts are declared for the credential type ${credentialType}`);
	return declaration;
}

/** The base URL a credential asks for: its advanced "API Base URL" field wins, then a national cloud. */
export function baseUrlFromCredential(credentialType: string, credential: ICredentialDataDecryptedObject): string | undefined {
	return baseUrlFromChoice(declarationOf(credentialType), credential);
}

/** A Transport that sends through n8n with the node's credential of `credentialType`, signing only for its API hosts. */
export async function createTransport(ctx: N8nContext, credentialType: string, provider: ProviderId): Promise<Transport> {
	const credential = await ctx.getCredentials(credentialType);
	// Its tokens and client secret are scrubbed by value from every message from now on (errors.ts).
	rememberCredentialSecrets(credential);
	return new Transport(n8nWire(ctx, credentialType), { provider, hosts: apiHostsFor(declarationOf(credentialType), credential) });
}
