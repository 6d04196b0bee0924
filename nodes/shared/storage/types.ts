import type { Readable } from 'stream';
import type {
	StorageKind,
	HashKind,
	RemoteItem,
	ChangeBatch,
	UploadSource,
	UploadTarget,
	FolderRef,
	ProviderFeatures,
} from '../types/remote';

/** The shared vocabulary (types/remote.ts), re-exported for the providers. */
export type * from '../types/remote';

/**
 * One interface for every backend, as rclone's backends share one. Providers act; they never decide policy.
 * Errors are thrown as CloudError (see ../types/cloudError.ts).
 */
export interface StorageProvider {
	readonly kind: StorageKind;
	readonly hashKind: HashKind;
	readonly features: ProviderFeatures;

	/** The drive's root folder (My Drive / drive root / Dropbox root "" / the local base directory). */
	root(): Promise<RemoteItem>;
	getItem(id: string): Promise<RemoteItem | undefined>;
	/** Resolve a resource-locator value to a folder; CloudError notFound names the folder if it is missing. */
	resolveFolder(ref: FolderRef): Promise<RemoteItem>;
	/** Folders whose name contains `query` (for the node's searchable list); at most `limit`. */
	searchFolders(query: string, limit?: number): Promise<RemoteItem[]>;
	/** The child of `parentId` with this exact name (case rules of the provider), or undefined. */
	findChild(
		parentId: string,
		name: string,
		itemKind?: 'file' | 'folder',
	): Promise<RemoteItem | undefined>;
	/**
	 * Every child of exactly this name, oldest first. Only where features.duplicateNames (Drive): the twins two
	 * overlapping runs may have created (see sync/exportTwins.ts).
	 */
	sameNamed?(parentId: string, name: string, itemKind?: 'file' | 'folder'): Promise<RemoteItem[]>;
	createFolder(parentId: string, name: string): Promise<RemoteItem>;
	/** Every item below the folder (paged; `path` relative to the folder). */
	list(folderId: string, options?: { recursive?: boolean }): AsyncIterable<RemoteItem>;
	/** A cursor for "now" without enumerating (Drive startPageToken, Graph token=latest, Dropbox latest cursor). */
	latestCursor(folderId: string, options?: { recursive?: boolean }): Promise<string>;
	/**
	 * Changes in the folder's subtree since `cursor`. Throws CloudError reason 'cursorReset' when it is no longer valid.
	 */
	changes(
		folderId: string,
		cursor: string,
		options?: { recursive?: boolean },
	): Promise<ChangeBatch>;
	upload(target: UploadTarget, source: UploadSource): Promise<RemoteItem>;
	/** The file's bytes as a stream (resumes with Range on a cut where the provider allows it). */
	download(id: string): Promise<Readable>;
	/** A native document (`content: 'export'`) converted to one of features.exportFormats' MIME types. */
	exportDocument?(id: string, mimeType: string): Promise<Readable>;
	/** Trash where the provider has a trash, delete otherwise. */
	trash(id: string): Promise<void>;
	delete(id: string): Promise<void>;
	move(id: string, to: { parentId?: string; name?: string }): Promise<RemoteItem>;
	/**
	 * Folders below `rootId` at these paths (relative to it), as a change batch read in this run just showed them
	 * (see sync/exportDecisions.ts placesShownByBatch). Only where writes go by path (Dropbox): a folder's place then
	 * needs no look-up before a write, provided the same batch showed the root where the provider expects it.
	 */
	knowPlaces?(rootId: string, folders: ReadonlyArray<{ id: string; path: string }>): void;
	/**
	 * Only where features.duplicateNames (Drive), where a new file needs the folder's names looked at first: the
	 * other clouds refuse a second file at a name themselves. The folders this cursor vouches for (see
	 * sync/exportVouch.ts): every file in them that no later change shows is a record of the state saved with it.
	 */
	vouchedFolders?(cursor: string, rootId: string): string[];
	/**
	 * The cursor with exactly these folders vouched for. A folder this run created, which the cursor does not
	 * track yet (its token is older), is tracked from now on under its parent and name.
	 */
	withVouchedFolders?(
		cursor: string,
		rootId: string,
		folders: ReadonlyArray<{ id: string; parentId: string; name: string }>,
	): string;
	/** For this run: a new file in these folders takes the name the plan chose without listing the folder first. */
	trustFolders?(folderIds: Iterable<string>): void;
	/**
	 * The whole content of a folder as this provider saw it in this run (listed or created by it, with its own
	 * writes since); undefined for a folder it did not see whole.
	 */
	seenContent?(
		folderId: string,
	): Array<{ id: string; name: string; isFolder: boolean }> | undefined;
}
