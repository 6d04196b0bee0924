import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';
import { basename, dirname, join } from 'path';
import { createTransport } from '../transport/createTransport';
import type { CloudWire } from '../transport/transport';
import { DROPBOX_WIRE } from './dropbox/wire';
import { GOOGLE_DRIVE_WIRE } from './googleDrive/wire';
import { LocalFolderStorage, type LocalPathGuard } from './localFolder';
import { N8N_2_DEFAULT_ALLOWED, n8nFileAccessRules } from './localFolder/access';
import { ONEDRIVE_WIRE } from './oneDrive/wire';
import type { StorageKind, StorageProvider } from './types';

export type StorageContext = IExecuteFunctions | ILoadOptionsFunctions;

/** The credential type each cloud destination or source uses (public names: never rename). */
export const STORAGE_CREDENTIAL: Record<Exclude<StorageKind, 'localFolder'>, string> = {
	googleDrive: 'cloudSyncGoogleDriveOAuth2Api',
	oneDrive: 'cloudSyncMicrosoftOneDriveOAuth2Api',
	dropbox: 'cloudSyncDropboxOAuth2Api',
};

/** What the transport needs of each cloud: its hosts (national clouds) and retry rules, from the cloud's folder. */
export const STORAGE_WIRE: Record<Exclude<StorageKind, 'localFolder'>, CloudWire> = {
	googleDrive: GOOGLE_DRIVE_WIRE,
	oneDrive: ONEDRIVE_WIRE,
	dropbox: DROPBOX_WIRE,
};

export interface StorageOptions {
	/** Local folder only: the directory on the n8n host that acts as the root. */
	localBaseDir?: string;
	/** Drive only: a shared drive to work in. */
	driveId?: string;
}

type CloudConstructor = new (transport: Awaited<ReturnType<typeof createTransport>>, options?: Record<string, unknown>) => StorageProvider;

/** Providers are loaded on first use so a workflow that uses one cloud does not load the other SDKs. */
async function cloudProvider(kind: Exclude<StorageKind, 'localFolder'>): Promise<CloudConstructor> {
	switch (kind) {
		case 'googleDrive':
			return (await import('./googleDrive')).GoogleDriveStorage as unknown as CloudConstructor;
		case 'oneDrive':
			return (await import('./oneDrive')).OneDriveStorage as unknown as CloudConstructor;
		case 'dropbox':
			return (await import('./dropbox')).DropboxStorage as unknown as CloudConstructor;
	}
}

/** The storage provider for `kind`, speaking through n8n with the node's credential. */
export async function createStorage(ctx: StorageContext, kind: StorageKind, options: StorageOptions = {}): Promise<StorageProvider> {
	if (kind === 'localFolder') {
		if (!options.localBaseDir) throw new Error('A local folder path is required');
		return new LocalFolderStorage(options.localBaseDir, { guard: n8nFileAccessGuard(ctx) });
	}
	const transport = await createTransport(ctx, STORAGE_CREDENTIAL[kind], STORAGE_WIRE[kind]);
	const Provider = await cloudProvider(kind);
	return new Provider(transport, kind === 'googleDrive' && options.driveId ? { driveId: options.driveId } : {});
}

/**
 * n8n's own file-access rules (N8N_RESTRICT_FILE_ACCESS_TO, its blocked folders and patterns) through the
 * helpers n8n gives nodes: resolvePath + isFilePathBlocked on 2.x, isFilePathBlocked(path) on 1.x.
 */
export function n8nFileAccessGuard(ctx: StorageContext): LocalPathGuard | undefined {
	const helpers = ctx.helpers as unknown as {
		resolvePath?: (path: string) => Promise<string>;
		isFilePathBlocked?: (path: string) => boolean | Promise<boolean>;
	};
	if (typeof helpers.isFilePathBlocked !== 'function') return undefined;
	const resolve = async (path: string): Promise<string> => {
		if (typeof helpers.resolvePath !== 'function') return path;
		try {
			return await helpers.resolvePath(path);
		} catch (error) {
			// A file about to be created does not exist yet. n8n 2.x resolves its folder itself, but only when the
			// error passes its `instanceof Error` test, which fs errors fail across realms (jest, vm sandboxes).
			if ((error as NodeJS.ErrnoException)?.code !== 'ENOENT' || dirname(path) === path) throw error;
			return join(await resolve(dirname(path)), basename(path));
		}
	};
	const guard: LocalPathGuard = async (path) => !(await helpers.isFilePathBlocked!(await resolve(path)));
	// n8n's helper judges the base folder; paths below it go through the same rules in linear time (its default
	// pattern is exponential in the path depth). 2.x (the one with resolvePath) restricts to ~/.n8n-files by default.
	guard.rulesBelowBase = n8nFileAccessRules(process.env, typeof helpers.resolvePath === 'function' ? N8N_2_DEFAULT_ALLOWED : '');
	return guard;
}
