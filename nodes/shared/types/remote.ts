import type { Readable } from 'stream';

/**
 * The vocabulary planners, runners, hashes and providers share: remote items, change batches, hash kinds. Neutral:
 * it imports no storage file and no planner, so a planner never depends on a provider.
 */

export type StorageKind = 'googleDrive' | 'oneDrive' | 'sharePoint' | 'dropbox' | 'localFolder';

/** The provider's native content hash (hex for md5/dropbox/sha256, base64 for quickXorHash). */
export type HashKind = 'md5' | 'quickXorHash' | 'dropboxContentHash' | 'sha256';

/** A file or folder as every provider reports it. */
export interface RemoteItem {
	/** Stable across renames and moves: Drive file id, Graph item id, Dropbox "id:…", local "ino:<n>". */
	id: string;
	/**
	 * The id an earlier release of this package gave the same item, where ids gained a part since (local files:
	 * and folders: "ino:<dev>:<inode>" before the birth time was added): state saved then still names the item by it.
	 */
	formerId?: string;
	name: string;
	isFolder: boolean;
	parentId?: string;
	/**
	 * Path relative to the folder that was listed or watched ("sub/file.pdf"), when the provider can tell.
	 * Display casing; '/' separated; no leading slash.
	 */
	path?: string;
	size?: number;
	/** Native hash, see StorageProvider.hashKind. Absent for folders. */
	hash?: string;
	modifiedAt?: string;
	createdAt?: string;
	mimeType?: string;
	webUrl?: string;
	/** Drive `version`, Graph `eTag`, Dropbox `rev`, local mtime+size: changes whenever content or name changes. */
	version?: string;
	/** Drive only: our tags (record key, content version). */
	appProperties?: Record<string, string>;
	/**
	 * How the content can be read, when not by download: `export` (a Google Docs Editors file: no bytes of its own,
	 * converted by the provider's exportDocument), `shortcut` (stands for the file in `shortcutTo`), `none` (no
	 * content the API can hand out: forms, sites, maps). Absent: an ordinary file.
	 */
	content?: 'export' | 'shortcut' | 'none';
	/** Shortcuts: the item they point at. */
	shortcutTo?: { id: string; mimeType?: string; isFolder?: boolean };
	/** Exported documents: the provider's own type (application/vnd.google-apps.document...). */
	nativeMimeType?: string;
	/** A shortcut's target as collected: the shortcut it was found through. */
	via?: { id: string; name: string };
	/**
	 * Files without a content hash (exported documents): an opaque version of their content, unique to the file,
	 * that changes when the content does. The collect ledger counts a document once per content version.
	 */
	contentVersion?: string;
}

/** A format a provider exports its native documents to. */
export interface ExportFormat {
	mimeType: string;
	/** With the dot: ".pdf". */
	extension: string;
}

/** The format families a user can pick for exported documents. */
export type ExportChoice = 'pdf' | 'office' | 'openDocument';

/** One entry of a change feed, already scoped to the watched folder's subtree. */
export type Change =
	| { type: 'upsert'; item: RemoteItem }
	/**
	 * Gone from the subtree: deleted, trashed, or moved out. Drive and Graph give the id; Dropbox gives only the
	 * path (its deleted entries carry no id); a deleted folder may stand for all its descendants.
	 */
	| {
			type: 'delete';
			id?: string;
			path?: string;
			isFolder?: boolean;
			trashed?: boolean;
			/** Still there, outside the watched subtree (Drive says so; a shortcut inside may still lead to it). */
			movedOut?: boolean;
	  };

export interface ChangeBatch {
	changes: Change[];
	/** Opaque; store it and pass it back next run. */
	cursor: string;
	/**
	 * True when `changes` is a complete listing of the subtree rather than a delta (the local folder's scan, or a
	 * provider's reset path): anything the caller tracks that is not in it is gone.
	 */
	snapshot?: boolean;
}

/** A hash of a content, with its kind. */
export interface ContentHash {
	kind: HashKind;
	value: string;
}

/**
 * Where content for an upload comes from. A stream is read once, chunk by chunk; memory stays flat. `hash`: the
 * content's hash when the caller already computed it (Export hashes its input to plan); an upload whose provider
 * answers with that kind compares the answer with it instead of hashing the bytes again as they go out.
 */
export type UploadSource = ({ size: number; data: Buffer } | { size: number; stream: Readable }) & {
	hash?: ContentHash;
};

export interface UploadTarget {
	parentId: string;
	name: string;
	/** Replace this file's content in place (a new revision, same id). */
	replaceId?: string;
	mimeType?: string;
	/** Drive: stored as appProperties; other providers ignore it. */
	appProperties?: Record<string, string>;
	/** What to do when a file of this name already exists under the parent (and no replaceId). Default 'fail'. */
	onConflict?: 'replace' | 'rename' | 'fail';
}

/** How a user named a folder in a resource locator. */
export type FolderRef =
	| { mode: 'id'; value: string }
	| { mode: 'path'; value: string }
	| { mode: 'url'; value: string }
	| { mode: 'list'; value: string };

export interface ProviderFeatures {
	/** Drive allows two children with the same name; others do not. */
	duplicateNames: boolean;
	/** Paths are compared case-insensitively (Dropbox, OneDrive). */
	caseInsensitive: boolean;
	/** Provider keeps arbitrary string tags per file (Drive appProperties). */
	appProperties: boolean;
	/** Trash exists and trashed items stay addressable by id. */
	trash: boolean;
	/** Upload chunk size for large files. */
	chunkSize: number;
	/** Above this size uploads go through a resumable session. */
	simpleUploadLimit: number;
	/**
	 * Native document types the provider exports (Drive: Docs, Sheets, Slides, Drawings), per type the format of
	 * each family it offers. Absent: the provider has no native documents.
	 */
	exportFormats?: Record<string, Partial<Record<ExportChoice, ExportFormat>>>;
	/**
	 * False where a folder is known by its path only (a local folder): renaming or moving it is pointing the node at
	 * nothing. Clouds find a watched folder wherever it went (default true).
	 */
	followsRenamedFolders?: boolean;
	/** Largest export the service hands out, in bytes (Drive: 10 MB), for messages. */
	exportSizeLimit?: number;
	/**
	 * Writing a new version puts a new file (a new id) in the old one's place (a local folder writes a temporary file
	 * and renames it over the old one); clouds keep the id. Default false.
	 */
	newVersionIsNewFile?: boolean;
}
