import { tmpdir } from 'os';
import { join } from 'path';
import type { INodeCredentials, INodeParameters } from 'n8n-workflow';
import type { StorageKind } from '../../../nodes/shared/storage/types';
import type { ProviderFixture, UserActions } from '../../storage/fixture';
import { createLocalFolderFixture } from '../../storage/fixtures/localFolder';
import type { WorkflowHarness } from '../../harness/workflow';
import { countLocalCalls, fakeCredential, type CloudKind } from './nodeFixtures';

/** A source the Collect node watches in a node test: the fixture acts as the user, the node speaks through n8n. */
export interface CollectSource {
	kind: StorageKind;
	user: UserActions;
	/** The Collect node's "Folder" parameter for the fixture's root. */
	folderParameter: { __rl: true; mode: string; value: string };
	/** The "Folder" parameter for a folder below the root (relative path, and the id the fixture returned). */
	subfolderParameter(path: string, id: string): { __rl: true; mode: string; value: string };
	/** Registers the credential type and a connected credential; undefined for the local folder. */
	attach(harness: WorkflowHarness): INodeCredentials | undefined;
	/** Node parameters the source needs besides the folder (SharePoint: the site and library). */
	parameters?: INodeParameters;
	/** Requests the source has served so far (the fake's log; provider calls for the local folder). */
	requestCount(): number;
	canResetCursors: boolean;
	close(): Promise<void>;
}

export async function localSource(): Promise<CollectSource & { fixture: ProviderFixture }> {
	// What an n8n operator sets to let nodes read a folder (n8n 2.x allows only ~/.n8n-files by default);
	// read by n8n-core when the first file-access check runs.
	process.env.N8N_RESTRICT_FILE_ACCESS_TO = tmpdir();
	const fixture = await createLocalFolderFixture();
	const counter = countLocalCalls();
	return {
		kind: 'localFolder',
		fixture,
		user: fixture.user,
		folderParameter: { __rl: true, mode: 'path', value: join(fixture.baseDir, 'fixture-root') },
		subfolderParameter: (path) => ({
			__rl: true,
			mode: 'path',
			value: join(fixture.baseDir, 'fixture-root', ...path.split('/')),
		}),
		attach: () => undefined,
		requestCount: () => counter.total(),
		canResetCursors: false,
		async close() {
			counter.restore();
			await fixture.close();
		},
	};
}

interface CloudFixture extends ProviderFixture {
	fake: { baseUrl: string };
	wire: { accessToken: string; refreshToken: string };
}

/** The fixture factories load lazily, so one cloud's test file does not load the other SDKs. */
async function createCloudFixture(kind: CloudKind, scopes?: string[]): Promise<CloudFixture> {
	if (kind === 'dropbox') {
		const { createDropboxFixture } = await import('../../storage/fixtures/dropbox');
		return await createDropboxFixture({ scopes });
	}
	if (kind === 'googleDrive') {
		const { createGoogleDriveFixture } = await import('../../storage/fixtures/googleDrive');
		return await createGoogleDriveFixture({ scopes });
	}
	const { createOneDriveFixture } = await import('../../storage/fixtures/oneDrive');
	return await createOneDriveFixture({ scopes, sharePoint: kind === 'sharePoint' });
}

/** A SharePoint source names its site and library (from the list: the library's drive id). */
function libraryParameters(fixture: CloudFixture): INodeParameters | undefined {
	const { site, drive } = fixture as unknown as { site?: { id: string }; drive?: { id: string } };
	if (!site || !drive) return undefined;
	return {
		sharePointSite: { __rl: true, mode: 'id', value: site.id },
		sharePointLibrary: { __rl: true, mode: 'list', value: drive.id },
	};
}

/**
 * A cloud source: the fake plays the cloud, the fixture plays the user, and the node reaches the fake through
 * n8n's httpRequestWithAuthentication with a connected credential whose API base URL is the fake.
 */
export async function cloudSource(
	kind: CloudKind,
	options: { scopes?: string[] } = {},
): Promise<CollectSource & { fixture: CloudFixture }> {
	const fixture = await createCloudFixture(kind, options.scopes);
	const attach = await fakeCredential(kind, fixture);
	return {
		kind,
		fixture,
		user: fixture.user,
		folderParameter: { __rl: true, mode: 'id', value: fixture.rootId },
		subfolderParameter: (_path, id) => ({ __rl: true, mode: 'id', value: id }),
		attach,
		parameters: libraryParameters(fixture),
		requestCount: () => fixture.requestCount(),
		canResetCursors: true,
		close: () => fixture.close(),
	};
}
