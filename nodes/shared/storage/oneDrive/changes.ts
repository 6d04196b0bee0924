import { pathFromRoot, relativeTo, toRemoteItem, type DriveItemJson } from './items';
import type { Change } from '../types';

/** Looks up a folder by id (a non-delta GET, which carries parentReference.path); undefined when it is gone. */
export type FolderLookup = (id: string) => Promise<DriveItemJson | undefined>;

export interface Scope {
	folderId: string;
	recursive: boolean;
}

export interface ScopeLookups {
	/** Any folder by id, for parents the batch does not place. */
	folder: FolderLookup;
	/** The watched folder's path from the drive root ("" for the root); throws when the folder is gone. */
	watchedPath: () => Promise<string>;
}

/** Folder chains deeper than this are not followed through the batch (a guard against a malformed cycle). */
const MAX_DEPTH = 64;

/**
 * Scopes a drive-wide delta to one folder's subtree. Delta items carry no paths, so where a parent sits is worked
 * out from the batch itself when it can be (the parent's own entry, up to the root: Graph reports the ancestors of
 * changed items), and looked up once otherwise; direct children of the watched folder need no path at all.
 * Rules: an item under the folder is an upsert with a path relative to it; a deleted item whose old parent was
 * inside (or is gone too) is a delete; an item now outside the scope is reported as a delete (it may have moved
 * out; callers ignore ids they do not track), except the folder's own ancestors, which change whenever anything
 * below them does.
 */
export async function scopeChanges(
	entries: DriveItemJson[],
	scope: Scope,
	lookups: ScopeLookups,
): Promise<Change[]> {
	const inBatch = new Map<string, DriveItemJson>();
	for (const entry of entries) if (!entry.deleted) inBatch.set(entry.id, entry);
	const fullPaths = new Map<string, Promise<string | null>>();

	/** A folder's path from the drive root; null when it is gone (or its place cannot be told). */
	const fullPathOf = (folderId: string, depth = 0): Promise<string | null> => {
		let known = fullPaths.get(folderId);
		if (!known) {
			known = placeOf(folderId, depth);
			fullPaths.set(folderId, known);
		}
		return known;
	};
	const placeOf = async (folderId: string, depth: number): Promise<string | null> => {
		const entry = inBatch.get(folderId);
		if (entry?.root) return '';
		const parentId = entry?.parentReference?.id;
		if (entry?.folder && entry.name !== undefined && parentId && depth < MAX_DEPTH) {
			const parentPath = await fullPathOf(parentId, depth + 1);
			if (parentPath !== null) return parentPath ? `${parentPath}/${entry.name}` : entry.name;
		}
		if (folderId === scope.folderId) return lookups.watchedPath();
		const json = await lookups.folder(folderId);
		return json ? (pathFromRoot(json) ?? null) : null;
	};

	// The watched folder itself deleted: its lookup says so (throws), as it would for a folder gone silently.
	if (entries.some((entry) => entry.id === scope.folderId && entry.deleted))
		await lookups.watchedPath();

	const changes: Change[] = [];
	for (const entry of entries) {
		if (entry.id === scope.folderId || entry.root) continue;
		const isFolder = Boolean(entry.folder);
		const parentId = entry.parentReference?.id;
		if (parentId === scope.folderId) {
			// Directly in the watched folder: inside either way, and its path is its name.
			if (entry.deleted) changes.push({ type: 'delete', id: entry.id, isFolder });
			else changes.push({ type: 'upsert', item: toRemoteItem(entry, entry.name ?? '') });
			continue;
		}
		// Outside a non-recursive scope a live file is a delete whatever its place: no lookup for it.
		const needsPlace = scope.recursive || isFolder || Boolean(entry.deleted);
		const parentPath = needsPlace && parentId ? await fullPathOf(parentId) : null;
		const needsFolder = parentPath !== null && (scope.recursive || (isFolder && !entry.deleted));
		const folderPath = needsFolder ? await fullPathOf(scope.folderId) : null;
		const parentPlace =
			parentPath === null || folderPath === null ? undefined : relativeTo(folderPath, parentPath);
		const inside = scope.recursive && parentPlace !== undefined;
		if (entry.deleted) {
			// A tombstone whose parent is gone too may have been inside: report it; unknown ids are ignored.
			if (inside || parentPath === null) changes.push({ type: 'delete', id: entry.id, isFolder });
			continue;
		}
		if (inside) {
			const path = parentPlace ? `${parentPlace}/${entry.name}` : (entry.name ?? '');
			changes.push({ type: 'upsert', item: toRemoteItem(entry, path) });
			continue;
		}
		if (
			isFolder &&
			parentPath !== null &&
			folderPath !== null &&
			isAncestorPath(`${parentPath ? `${parentPath}/` : ''}${entry.name}`, folderPath)
		) {
			continue;
		}
		changes.push({ type: 'delete', id: entry.id, isFolder });
	}
	return changes;
}

/** "A" is an ancestor of "A/B" (case-insensitive, as OneDrive paths are). */
function isAncestorPath(candidate: string, folderPath: string): boolean {
	const a = candidate.toLowerCase();
	const f = folderPath.toLowerCase();
	return f === a || f.startsWith(`${a}/`);
}
