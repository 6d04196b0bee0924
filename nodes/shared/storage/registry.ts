import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';
import type { CloudWire } from '../transport/transport';
import { DROPBOX } from './dropbox/cloud';
import { GOOGLE_DRIVE } from './googleDrive/cloud';
import { LOCAL_FOLDER } from './localFolder/cloud';
import { ONE_DRIVE, SHARE_POINT } from './oneDrive/cloud';
import type { LibraryChoice } from './oneDrive/sharePoint';
import type { NameRules } from '../types/nameRules';
import type { StorageKind, StorageProvider } from './types';

export type StorageContext = IExecuteFunctions | ILoadOptionsFunctions;

export interface StorageOptions {
	/** Where the root is a path on the n8n host (features.rootIsHostPath): that directory. */
	localBaseDir?: string;
	/** Drive only: a shared drive to work in (ignored elsewhere). */
	driveId?: string;
	/** Where features.libraryInSite: the site and its document library the node chose. */
	library?: LibraryChoice;
}

/**
 * What node code may know of a kind of storage before one is opened. Differences between clouds are declared
 * here, never asked as `kind === '...'` outside this registry.
 */
export interface StorageKindFeatures {
	/** The root is a directory on the n8n host that the user types: no credential, no account to search folders in. */
	rootIsHostPath: boolean;
	/** The storage is one of a site's document libraries: the node asks for the site and the library (SharePoint). */
	libraryInSite: boolean;
}

/** One cloud as its folder declares it (storage/<cloud>/cloud.ts). */
export interface StorageCloud {
	/** The name a builder reads for it (the storage choice, subtitles, messages). */
	label: string;
	/** The n8n credential type it signs in with (public names: never rename); none for the local folder. */
	credential?: string;
	/** What the transport needs of it: hosts (national clouds) and retry rules. */
	wire?: CloudWire;
	features: StorageKindFeatures;
	/** Its rules for file and folder names (its names.ts), applied by sync/names.ts. */
	names: NameRules;
	/** Its provider, speaking through n8n with the node's credential. */
	open(ctx: StorageContext, options: StorageOptions): Promise<StorageProvider>;
}

/** Every storage the file nodes can use: adding a cloud is adding its folder and one line here. */
export const STORAGE_CLOUDS: Readonly<Record<StorageKind, StorageCloud>> = {
	googleDrive: GOOGLE_DRIVE,
	oneDrive: ONE_DRIVE,
	sharePoint: SHARE_POINT,
	dropbox: DROPBOX,
	localFolder: LOCAL_FOLDER,
};

/** The credential type of each cloud that has one. */
export const STORAGE_CREDENTIAL: Readonly<Partial<Record<StorageKind, string>>> =
	Object.fromEntries(
		Object.entries(STORAGE_CLOUDS).flatMap(([kind, cloud]) =>
			cloud.credential ? [[kind, cloud.credential]] : [],
		),
	);

/** The kinds that sign in to an account (every one but a path on the n8n host), in registry order. */
export const ACCOUNT_STORAGE_KINDS: readonly StorageKind[] = (
	Object.keys(STORAGE_CLOUDS) as StorageKind[]
).filter((kind) => !STORAGE_CLOUDS[kind].features.rootIsHostPath);

/** The name a builder reads for each storage, in registry order. */
export const STORAGE_LABEL: Readonly<Record<StorageKind, string>> = Object.fromEntries(
	Object.entries(STORAGE_CLOUDS).map(([kind, cloud]) => [kind, cloud.label]),
) as Record<StorageKind, string>;

export function storageFeatures(kind: StorageKind): StorageKindFeatures {
	return STORAGE_CLOUDS[kind].features;
}

/** The storage provider for `kind`, speaking through n8n with the node's credential. */
export async function createStorage(
	ctx: StorageContext,
	kind: StorageKind,
	options: StorageOptions = {},
): Promise<StorageProvider> {
	return await STORAGE_CLOUDS[kind].open(ctx, options);
}

/** The name rules of a kind of storage, for the planners that make names (sync/names.ts). */
export function nameRulesOf(kind: StorageKind): NameRules {
	return STORAGE_CLOUDS[kind].names;
}
