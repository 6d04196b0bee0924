import { pathFromRoot, relativeTo, toRemoteItem, type DriveItemJson } from './oneDriveItems';
import type { Change } from './types';

/** Looks up a folder by id (a non-delta GET, which carries parentReference.path); undefined when it is gone. */
export type FolderLookup = (id: string) => Promise<DriveItemJson | undefined>;

export interface Scope {
	folderId: string;
	/** The watched folder's path from the drive root, "" for the root. */
	folderPath: string;
	recursive: boolean;
}

/**
 * Scopes a drive-wide delta to one folder's subtree. Delta items carry no paths, so each distinct parent is looked
 * up once (cached) to learn where it sits. Rules: an item under the folder is an upsert with a path relative to
 * it; a deleted item whose old parent was inside (or is gone too) is a delete; an item now outside the scope is
 * reported as a delete (it may have moved out; callers ignore ids they do not track), except the folder's own
 * ancestors, which change whenever anything below them does.
 */
export async function scopeChanges(entries: DriveItemJson[], scope: Scope, lookup: FolderLookup): Promise<Change[]> {
	const fullPaths = new Map<string, Promise<string | null>>();
	/** A folder's path from the drive root; null when it is gone (or its place cannot be told). */
	const fullPathOf = (folderId: string): Promise<string | null> => {
		if (folderId === scope.folderId) return Promise.resolve(scope.folderPath);
		let known = fullPaths.get(folderId);
		if (!known) {
			known = lookup(folderId).then((json) => (json ? (pathFromRoot(json) ?? null) : null));
			fullPaths.set(folderId, known);
		}
		return known;
	};

	const changes: Change[] = [];
	for (const entry of entries) {
		if (entry.id === scope.folderId || entry.root) continue;
		const isFolder = Boolean(entry.folder);
		const parentId = entry.parentReference?.id;
		const parentPath = parentId ? await fullPathOf(parentId) : null;
		const parentPlace = parentPath === null ? undefined : relativeTo(scope.folderPath, parentPath);
		const inside = scope.recursive ? parentPlace !== undefined : parentId === scope.folderId;
		if (entry.deleted) {
			// A tombstone whose parent is gone too may have been inside: report it; unknown ids are ignored.
			if (inside || parentPath === null) changes.push({ type: 'delete', id: entry.id, isFolder });
			continue;
		}
		if (inside) {
			const path = parentPlace ? `${parentPlace}/${entry.name}` : entry.name;
			changes.push({ type: 'upsert', item: toRemoteItem(entry, path) });
			continue;
		}
		if (isFolder && parentPath !== null && isAncestorPath(`${parentPath ? `${parentPath}/` : ''}${entry.name}`, scope.folderPath)) {
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
