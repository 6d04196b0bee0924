import { AsyncLocalStorage } from 'async_hooks';
import type { INodeCredentials } from 'n8n-workflow';
import { LocalFolderStorage } from '../../../nodes/shared/storage/localFolder';
import type { StorageKind, StorageProvider } from '../../../nodes/shared/storage/types';
import type { WorkflowHarness } from '../../harness/workflow';

export type CloudKind = Exclude<StorageKind, 'localFolder'>;

/** What a cloud fixture offers a node test: the fake's origin and the tokens it issued. */
interface FakeCloud {
	fake: { baseUrl: string };
	wire: { accessToken: string; refreshToken: string };
}

async function credentialType(kind: CloudKind) {
	if (kind === 'dropbox')
		return new (
			await import('../../../credentials/CloudSyncDropboxOAuth2Api.credentials')
		).CloudSyncDropboxOAuth2Api();
	if (kind === 'googleDrive')
		return new (
			await import('../../../credentials/CloudSyncGoogleDriveOAuth2Api.credentials')
		).CloudSyncGoogleDriveOAuth2Api();
	return new (
		await import('../../../credentials/CloudSyncMicrosoftOneDriveOAuth2Api.credentials')
	).CloudSyncMicrosoftOneDriveOAuth2Api();
}

/**
 * The attach() of a cloud source or destination: registers the credential type and a connected credential whose
 * API base URL is the fake, so the node reaches it through n8n's httpRequestWithAuthentication.
 */
export async function fakeCredential(
	kind: CloudKind,
	fixture: FakeCloud,
): Promise<(harness: WorkflowHarness) => INodeCredentials> {
	const type = await credentialType(kind);
	return (harness) => {
		harness.registerCredentialType(type);
		const ref = harness.credentials.add({
			id: `cred-${kind}`,
			name: `${kind} account`,
			type: type.name,
			data: {
				clientId: 'fake-client-id',
				clientSecret: 'fake-client-secret',
				accessTokenUrl: `${fixture.fake.baseUrl}/oauth2/token`,
				authUrl: `${fixture.fake.baseUrl}/oauth2/authorize`,
				grantType: 'authorizationCode',
				authentication: 'body',
				accessType: 'full',
				apiBaseUrl: fixture.fake.baseUrl,
				oauthTokenData: {
					access_token: fixture.wire.accessToken,
					refresh_token: fixture.wire.refreshToken,
					token_type: 'Bearer',
				},
			},
		});
		return { [type.name]: ref };
	};
}

const COUNTED: Array<keyof StorageProvider> = [
	'root',
	'getItem',
	'resolveFolder',
	'searchFolders',
	'findChild',
	'createFolder',
	'list',
	'latestCursor',
	'changes',
	'upload',
	'download',
	'trash',
	'delete',
	'move',
];

/**
 * Counts the calls the node makes to any LocalFolderStorage, by method: the local folder's stand-in for requests.
 * A call made by another provider method (changes() scans through list()) is not counted twice.
 */
export function countLocalCalls(): {
	calls: Map<string, number>;
	total(): number;
	restore(): void;
} {
	const calls = new Map<string, number>();
	// Per async context, not a shared depth: uploads side by side would hide each other from a shared counter.
	const inside = new AsyncLocalStorage<true>();
	const proto = LocalFolderStorage.prototype as unknown as Record<
		string,
		(...args: unknown[]) => unknown
	>;
	const originals = new Map<string, (...args: unknown[]) => unknown>();
	for (const name of COUNTED) {
		const original = proto[name];
		originals.set(name, original);
		proto[name] = function (this: unknown, ...args: unknown[]) {
			if (inside.getStore()) return original.apply(this, args);
			calls.set(name, (calls.get(name) ?? 0) + 1);
			return inside.run(true, () => original.apply(this, args));
		};
	}
	return {
		calls,
		total: () => [...calls.values()].reduce((a, b) => a + b, 0),
		restore() {
			for (const [name, original] of originals) proto[name] = original;
		},
	};
}
