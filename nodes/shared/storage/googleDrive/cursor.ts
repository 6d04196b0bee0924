import { CloudError, HINTS } from '../../types/cloudError';
import type { Change, RemoteItem } from '../types';

export const DRIVE_FOLDER_MIME = 'application/vnd.google-apps.folder';

/** A folder of the watched subtree: its parent and name, so paths can be rebuilt without a request. */
export interface TrackedFolder {
	parentId: string;
	name: string;
}

/**
 * Drive's change feed is drive-wide; the cursor carries the page token plus the watched subtree's folders,
 * so that changes can be scoped to the subtree and moves out of it recognised.
 */
export interface DriveCursor {
	token: string;
	rootId: string;
	recursive: boolean;
	folders: Map<string, TrackedFolder>;
	/**
	 * Folders (the root or tracked ones) whose names the export's state vouches for at this token: every file in
	 * them that no change after the token shows is one of the export's records, at the place its record names
	 * (see sync/exportVouch.ts). A new file there needs no listing of the folder's names first. Absent in cursors
	 * saved before; dropped with a folder that leaves the subtree.
	 */
	vouched?: Set<string>;
}

const PREFIX = 'gdc1.';

export function encodeCursor(cursor: DriveCursor): string {
	const vouched = cursor.vouched;
	// The vouched mark rides on the folder's own entry (two characters), the root's in `v`.
	const folders = [...cursor.folders].map(([id, folder]) =>
		vouched?.has(id) ? [id, folder.parentId, folder.name, 1] : [id, folder.parentId, folder.name],
	);
	const json = JSON.stringify({
		t: cursor.token,
		r: cursor.rootId,
		c: cursor.recursive ? 1 : 0,
		f: folders,
		...(vouched?.has(cursor.rootId) ? { v: 1 } : {}),
	});
	return PREFIX + Buffer.from(json, 'utf8').toString('base64url');
}

export function decodeCursor(text: string, rootId: string): DriveCursor {
	const invalid = () =>
		new CloudError('cursorReset', 'The saved Google Drive cursor is not valid for this folder', {
			hint: HINTS.cursorReset,
			target: rootId,
		});
	if (!text.startsWith(PREFIX)) throw invalid();
	let parsed: any;
	try {
		parsed = JSON.parse(Buffer.from(text.slice(PREFIX.length), 'base64url').toString('utf8'));
	} catch {
		throw invalid();
	}
	if (typeof parsed?.t !== 'string' || parsed.r !== rootId || !Array.isArray(parsed.f))
		throw invalid();
	const folders = new Map<string, TrackedFolder>();
	const vouched = new Set<string>();
	if (parsed.v === 1) vouched.add(rootId);
	for (const [id, parentId, name, mark] of parsed.f) {
		folders.set(String(id), { parentId: String(parentId), name: String(name) });
		if (mark === 1) vouched.add(String(id));
	}
	return { token: parsed.t, rootId, recursive: parsed.c === 1, folders, vouched };
}

/** The slice of a Drive change the mapping needs. */
export interface DriveChange {
	fileId: string;
	removed: boolean;
	file?: { id: string; name: string; mimeType: string; parents?: string[]; trashed?: boolean };
}

/** Path of a tracked folder relative to the root ('' for the root itself). */
export function folderPath(
	folders: Map<string, TrackedFolder>,
	rootId: string,
	id: string,
): string | undefined {
	const parts: string[] = [];
	for (let current = id, guard = 0; current !== rootId; guard++) {
		const folder = folders.get(current);
		if (!folder || guard > 10_000) return undefined;
		parts.unshift(folder.name);
		current = folder.parentId;
	}
	return parts.join('/');
}

function inSubtree(cursor: DriveCursor, parentId: string | undefined): boolean {
	if (!parentId) return false;
	return parentId === cursor.rootId || (cursor.recursive && cursor.folders.has(parentId));
}

/** Drop a folder and every tracked folder below it (and their vouched marks: a folder back in is listed anew). */
function untrack(folders: Map<string, TrackedFolder>, id: string, vouched?: Set<string>): void {
	folders.delete(id);
	vouched?.delete(id);
	for (const [childId, folder] of [...folders])
		if (folder.parentId === id && folders.has(childId)) untrack(folders, childId, vouched);
}

/**
 * Turn one batch of drive-wide changes into subtree changes and update the tracked folders (pure).
 * Folders are settled first (a file's change may come before its new parent's), then every change maps to
 * an upsert inside the subtree or a delete. Removed entries carry only an id, and a file moved out looks like
 * any file elsewhere, so both become deletes by id: callers ignore ids they do not track.
 */
export function mapChanges(
	cursor: DriveCursor,
	changes: DriveChange[],
	toItem: (file: NonNullable<DriveChange['file']>) => RemoteItem,
): Change[] {
	const before = new Map(cursor.folders);
	const folderChanges = changes.filter(
		(change) => change.removed || change.file?.mimeType === DRIVE_FOLDER_MIME,
	);
	if (cursor.recursive) {
		for (let changed = true, rounds = 0; changed && rounds < 10_000; rounds++) {
			changed = false;
			for (const change of folderChanges) {
				const file = change.file;
				const tracked = cursor.folders.get(change.fileId);
				const alive = !change.removed && file && !file.trashed;
				const parentId = file?.parents?.[0];
				if (alive && inSubtree(cursor, parentId) && change.fileId !== cursor.rootId) {
					if (!tracked || tracked.parentId !== parentId || tracked.name !== file!.name) {
						cursor.folders.set(change.fileId, { parentId: parentId!, name: file!.name });
						changed = true;
					}
				} else if (tracked) {
					untrack(cursor.folders, change.fileId, cursor.vouched);
					changed = true;
				}
			}
		}
	}
	const result: Change[] = [];
	for (const change of changes) {
		const file = change.file;
		const wasFolder = before.has(change.fileId);
		if (change.removed || !file) {
			result.push({ type: 'delete', id: change.fileId, ...(wasFolder ? { isFolder: true } : {}) });
			continue;
		}
		if (file.id === cursor.rootId) continue;
		const isFolder = file.mimeType === DRIVE_FOLDER_MIME;
		const parentId = file.parents?.[0];
		// Folders of a recursive watch are tracked exactly: an untracked folder outside never was inside.
		const foreignFolder =
			isFolder && cursor.recursive && !wasFolder && !inSubtree(cursor, parentId);
		if (foreignFolder) continue;
		if (file.trashed) {
			result.push({
				type: 'delete',
				id: file.id,
				trashed: true,
				...(isFolder ? { isFolder: true } : {}),
			});
			continue;
		}
		if (inSubtree(cursor, parentId)) {
			const item = toItem(file);
			const base = folderPath(cursor.folders, cursor.rootId, parentId!);
			if (base !== undefined) item.path = base ? `${base}/${file.name}` : file.name;
			result.push({ type: 'upsert', item });
			continue;
		}
		// Outside the subtree: moved out (or never inside; the caller ignores unknown ids).
		result.push({
			type: 'delete',
			id: file.id,
			movedOut: true,
			...(isFolder ? { isFolder: true } : {}),
		});
	}
	return result;
}
