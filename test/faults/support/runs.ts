import type { IDataObject } from 'n8n-workflow';
import type { AuthFlavour } from '../../fakes/common/auth';
import { FakeOAuth } from '../../fakes/oauth';
import type { WorkflowHarness } from '../../harness/workflow';
import type { CloudKind, FakeCloud } from './faultKit';
import type { StorageKind } from '../../../nodes/shared/storage/types';

/** Helpers shared by the fault files: reconnecting a credential, acting at a precise request, service names. */

export const SERVICE: Record<StorageKind | 'googleCalendar', string> = {
	googleDrive: 'Google Drive',
	oneDrive: 'OneDrive',
	sharePoint: 'SharePoint',
	dropbox: 'Dropbox',
	localFolder: 'local folder',
	googleCalendar: 'Google Calendar',
};

export const FLAVOUR: Record<CloudKind, AuthFlavour> = {
	googleDrive: 'google',
	oneDrive: 'microsoft',
	dropbox: 'dropbox',
};

export const FULL_SCOPES: Record<CloudKind, string[]> = {
	googleDrive: ['https://www.googleapis.com/auth/drive'],
	oneDrive: ['Files.ReadWrite', 'offline_access'],
	dropbox: [
		'account_info.read',
		'files.metadata.read',
		'files.content.read',
		'files.content.write',
	],
};

/** What the user does after "reconnect the credential": n8n stores a fresh token pair in the same credential. */
export function reconnect(
	harness: WorkflowHarness,
	credentialId: string,
	kind: CloudKind,
	fake: FakeCloud,
): void {
	const stored = harness.credentials.get(credentialId);
	const tokens = fake.auth.issue(FLAVOUR[kind], FULL_SCOPES[kind]);
	const data = stored.data as IDataObject;
	harness.credentials.add({
		...stored,
		data: {
			...data,
			oauthTokenData: {
				access_token: tokens.access_token,
				refresh_token: tokens.refresh_token,
				token_type: 'Bearer',
			},
		},
	});
}

/**
 * Runs `action` when the fake receives the `skip+1`th request whose path and query match, just before the fake
 * serves it: "the user deleted the file between the listing and the download".
 */
export function beforeRequest(
	fake: FakeCloud,
	match: RegExp,
	action: () => Promise<void> | void,
	skip = 0,
): { fired(): boolean } {
	const target = fake as unknown as {
		handle(req: { path: string; url: URL }, res: unknown): Promise<void>;
	};
	const original = target.handle.bind(fake);
	let seen = 0;
	let done = false;
	target.handle = async (req, res) => {
		if (!done && match.test(`${req.path}${req.url.search}`)) {
			if (seen++ === skip) {
				done = true;
				await action();
			}
		}
		return await original(req, res);
	};
	return { fired: () => done };
}

/** Copies per key: lost = keys with none, duplicated = keys with more than one. */
export function tally(
	expected: string[],
	copies: (key: string) => number,
): { lost: number; duplicated: number; lostKeys: string[]; duplicatedKeys: string[] } {
	const lostKeys = expected.filter((key) => copies(key) === 0);
	const duplicatedKeys = expected.filter((key) => copies(key) > 1);
	return { lost: lostKeys.length, duplicated: duplicatedKeys.length, lostKeys, duplicatedKeys };
}

/**
 * Points the credential's token URL at a fake OAuth server sharing the cloud's token authority, so n8n's refresh
 * after a 401 really works (the node-test helpers aim it at the cloud fake, which only Dropbox serves).
 */
export async function withTokenServer(
	harness: WorkflowHarness,
	credentialId: string,
	kind: CloudKind,
	fake: FakeCloud,
): Promise<{ stop(): Promise<void> }> {
	const oauth = new FakeOAuth(fake.auth);
	await oauth.start();
	const stored = harness.credentials.get(credentialId);
	harness.credentials.add({
		...stored,
		data: {
			...(stored.data as IDataObject),
			accessTokenUrl: oauth.tokenUrl(FLAVOUR[kind], 'common'),
		},
	});
	return { stop: () => oauth.stop() };
}

/** The token pair n8n currently stores in a credential (after any refresh). */
export function storedTokens(
	harness: WorkflowHarness,
	credentialId: string,
): { access_token: string; refresh_token: string } {
	return (harness.credentials.get(credentialId).data as IDataObject).oauthTokenData as {
		access_token: string;
		refresh_token: string;
	};
}
