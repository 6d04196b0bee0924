import { apiHostsFor } from './hosts';
import { n8nWire, type N8nContext } from './n8nWire';
import { rememberCredentialSecrets } from './secrets';
import { Transport, type CloudWire } from './transport';

/**
 * A Transport that sends through n8n with the node's credential of `credentialType`, signing only for the
 * cloud's API hosts as the credential narrows them (national cloud, API base URL).
 */
export async function createTransport(
	ctx: N8nContext,
	credentialType: string,
	cloud: CloudWire,
): Promise<Transport> {
	const credential = await ctx.getCredentials(credentialType);
	// Its tokens and client secret are scrubbed by value from every message from now on (errors.ts).
	rememberCredentialSecrets(credential);
	return new Transport(n8nWire(ctx, credentialType), {
		cloud,
		hosts: apiHostsFor(cloud.hosts, credential),
	});
}
