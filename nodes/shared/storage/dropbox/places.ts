import { isFolderMeta, relativePath, type DropboxMeta, type FolderPlace } from './items';

/** How long a remembered folder path is trusted before it is looked up again (bounds a stale path after a rename). */
const DEFAULT_MAX_AGE_MS = 5 * 60 * 1000;

interface Remembered {
	place: FolderPlace;
	at: number;
	/** Read by its own id (get_metadata "id:…") while at this path: a miss below it needs no second look. */
	confirmed: boolean;
}

/**
 * Folder id -> current path, filled by every folder metadata the provider sees (listings, change feeds, created
 * and resolved folders). Dropbox writes by path, so without it every upload, findChild and createFolder would
 * first ask where the folder is now. Lives in one provider instance (one run); a rename seen in a change feed or
 * a deleted entry drops everything at and below the old path.
 */
export class DropboxPlaceCache {
	private readonly byId = new Map<string, Remembered>();
	private readonly idByPath = new Map<string, string>();

	constructor(
		private readonly maxAgeMs = DEFAULT_MAX_AGE_MS,
		private readonly now: () => number = Date.now,
	) {}

	/** Where the folder was last seen, unless that is too long ago. */
	place(id: string): FolderPlace | undefined {
		const entry = this.byId.get(id);
		if (!entry) return undefined;
		if (this.now() - entry.at > this.maxAgeMs) {
			this.forgetId(id);
			return undefined;
		}
		return entry.place;
	}

	/** The id of the folder last seen at this lower-case path. */
	idAt(pathLower: string): string | undefined {
		const id = this.idByPath.get(pathLower);
		return id !== undefined && this.place(id) ? id : undefined;
	}

	/** Learn from any metadata: folders are remembered, deleted entries forget their subtree. */
	remember(meta: DropboxMeta | undefined): void {
		if (!meta?.path_lower) return;
		if (meta['.tag'] === 'deleted') {
			this.forgetSubtree(meta.path_lower);
			return;
		}
		if (!meta.id || !meta.path_display || !isFolderMeta(meta)) return;
		const previous = this.byId.get(meta.id)?.place.pathLower;
		// A folder now elsewhere: everything remembered below its old path is stale too.
		if (previous !== undefined && previous !== meta.path_lower) this.forgetSubtree(previous);
		const holder = this.idByPath.get(meta.path_lower);
		if (holder !== undefined && holder !== meta.id) this.forgetId(holder);
		const confirmed = previous === meta.path_lower && this.byId.get(meta.id)!.confirmed;
		this.byId.set(meta.id, {
			place: { id: meta.id, pathLower: meta.path_lower, pathDisplay: meta.path_display },
			at: this.now(),
			confirmed,
		});
		this.idByPath.set(meta.path_lower, meta.id);
	}

	/** The folder was just read by its id: its place is as good as a fresh look until it ages out. */
	confirm(id: string): void {
		const entry = this.byId.get(id);
		if (entry) entry.confirmed = true;
	}

	isConfirmed(id: string): boolean {
		return this.place(id) !== undefined && this.byId.get(id)!.confirmed;
	}

	forgetId(id: string): void {
		const entry = this.byId.get(id);
		if (!entry) return;
		this.byId.delete(id);
		if (this.idByPath.get(entry.place.pathLower) === id)
			this.idByPath.delete(entry.place.pathLower);
	}

	forgetSubtree(pathLower: string): void {
		for (const [path, id] of [...this.idByPath]) {
			if (path === pathLower || path.startsWith(`${pathLower}/`)) this.forgetId(id);
		}
	}
}

const CURSOR_WITH_PLACE = 'dbx1';
/** The same, for a feed of the whole subtree that stands for a watch of the folder's own files (see feedScope). */
const CHILDREN_CURSOR_WITH_PLACE = 'dbx1c';
/** The same two, when the place is proven to be the path the cursor is bound to (see `proven` below). */
const PROVEN_CURSOR_WITH_PLACE = 'dbx2';
const PROVEN_CHILDREN_CURSOR_WITH_PLACE = 'dbx2c';
const TAGS: Record<string, { childrenOnly: boolean; proven: boolean }> = {
	[CURSOR_WITH_PLACE]: { childrenOnly: false, proven: false },
	[CHILDREN_CURSOR_WITH_PLACE]: { childrenOnly: true, proven: false },
	[PROVEN_CURSOR_WITH_PLACE]: { childrenOnly: false, proven: true },
	[PROVEN_CHILDREN_CURSOR_WITH_PLACE]: { childrenOnly: true, proven: true },
};
const SEPARATOR = '|';

/**
 * A change-feed cursor that carries where the watched folder was when it was issued, so a later run reads a batch
 * without asking (one request saved per run with changes), and whether only the folder's own files count. Older
 * cursors, without a place, are read as they are.
 *
 * `proven`: the place is the path the cursor is bound to, not only where the folder was seen around the time the
 * cursor was made (a new cursor takes the place before asking for the cursor: a move in between binds the cursor
 * to another path). A feed batch that shows entries and still follows the folder proves it (entries are only ever
 * below the bound path, and feedBinding checked they are below the place); the cursor that follows an empty batch
 * is bound to the same path as the one read, so it keeps what that one had. Only a proven place lets an empty batch
 * vouch for where the folder is (see provenPlace).
 */
export function cursorWithPlace(
	cursor: string,
	place: FolderPlace | undefined,
	childrenOnly = false,
	proven = false,
): string {
	if (!place || place.id === '') return cursor;
	const tag = proven
		? childrenOnly
			? PROVEN_CHILDREN_CURSOR_WITH_PLACE
			: PROVEN_CURSOR_WITH_PLACE
		: childrenOnly
			? CHILDREN_CURSOR_WITH_PLACE
			: CURSOR_WITH_PLACE;
	return (
		[tag, place.id, place.pathLower, place.pathDisplay].map(encodeURIComponent).join(SEPARATOR) +
		SEPARATOR +
		cursor
	);
}

export function cursorParts(stored: string): {
	cursor: string;
	place?: FolderPlace;
	childrenOnly?: true;
	proven?: true;
} {
	const parts = stored.split(SEPARATOR);
	const tag = Object.prototype.hasOwnProperty.call(TAGS, parts[0]) ? TAGS[parts[0]] : undefined;
	if (!tag || parts.length < 5) return { cursor: stored };
	try {
		const [id, pathLower, pathDisplay] = parts.slice(1, 4).map(decodeURIComponent);
		return {
			cursor: parts.slice(4).join(SEPARATOR),
			place: { id, pathLower, pathDisplay },
			...(tag.childrenOnly ? { childrenOnly: true as const } : {}),
			...(tag.proven ? { proven: true as const } : {}),
		};
	} catch {
		return { cursor: stored };
	}
}

/**
 * Where an empty feed batch shows the folder: the place its cursor carries, when that place is proven to be the
 * cursor's path (see cursorWithPlace). A Dropbox cursor is a view of a path: when the folder or a parent is
 * renamed, moved or deleted, the next batch reports that path deleted (or list_folder/continue answers
 * path/not_found, which changes() turns into a cursor reset), never nothing. So an empty batch read from a
 * proven cursor says the folder is still at that place at the moment of the read: as good as a get_metadata
 * made then. Writes go by path and Dropbox creates missing parent folders on upload, so a wrong place would not
 * be refused but would recreate the old path: nothing weaker than this proof may stand in for a look-up.
 */
export function provenPlace(
	stored: { place?: FolderPlace; proven?: true },
	folderId: string,
	entries: readonly unknown[],
): FolderPlace | undefined {
	return entries.length === 0 && stored.proven && stored.place?.id === folderId
		? stored.place
		: undefined;
}

/**
 * The feed a watch reads. A watch of a folder's own files (Include Subfolders off) follows the whole subtree and
 * keeps the folder's own entries: a non-recursive feed never reports the folder itself, so when the folder is
 * renamed or moved while it holds nothing, the feed stays empty for good and everything put at the new place is
 * missed (the other signs need an entry). The subtree's feed reports the folder's old path deleted. The root
 * never moves: its own files are watched with a non-recursive feed.
 */
export function feedScope(
	isRoot: boolean,
	recursive: boolean,
): { recursive: boolean; childrenOnly: boolean } {
	if (recursive || isRoot) return { recursive, childrenOnly: false };
	return { recursive: true, childrenOnly: true };
}

/**
 * A stored cursor that cannot notice the folder moving: a non-recursive one of a folder's own files, from a version
 * before feedScope. It is replaced by a listing once (files are known by id: nothing collected twice).
 */
export function outdatedCursor(
	stored: { childrenOnly?: true },
	isRoot: boolean,
	recursive: boolean | undefined,
): boolean {
	return recursive === false && !isRoot && !stored.childrenOnly;
}

/**
 * The entries a watch of the folder's own files counts: its direct children (an entry outside is kept for feedBinding).
 */
export function watchedEntries(
	folder: FolderPlace,
	entries: DropboxMeta[],
	childrenOnly: boolean,
): DropboxMeta[] {
	if (!childrenOnly) return entries;
	return entries.filter((entry) => !relativePath(folder, entry)?.includes('/'));
}

/**
 * Whether a change feed still follows the watched folder, or must give way to a new listing at the folder's
 * place now. A Dropbox cursor is bound to the path it was made for, not to the folder (list_folder/continue keeps
 * reporting that path; see test/fakes/dropbox listFolderContinue): after the folder or a parent is renamed or
 * moved, the feed reports the old path deleted and then nothing that happens at the new place. Either sign is
 * enough: the place the cursor carries is not where the folder is now, or the feed holds an entry outside the
 * folder's place now (a feed reports only inside its own path). The second is the only sign for a cursor that
 * carries no place (written by an older version, or after a cursor reset before cursors always carried one).
 * Pure: `folder` must be a fresh look whenever the entries contradict a remembered place.
 */
export type FeedBinding = { follows: true } | { follows: false; boundTo?: FolderPlace };

export function feedBinding(
	cursorPlace: FolderPlace | undefined,
	folder: FolderPlace,
	entries: DropboxMeta[],
): FeedBinding {
	if (cursorPlace && cursorPlace.pathLower !== folder.pathLower)
		return { follows: false, boundTo: cursorPlace };
	if (entries.some((entry) => relativePath(folder, entry) === undefined))
		return { follows: false, boundTo: cursorPlace };
	return { follows: true };
}
