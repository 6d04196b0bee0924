/**
 * The change analysis as it stood before issue 18 point (b) made it linear (quadratic in the number of cached
 * folders): kept only as the oracle the linear version must agree with on plain data (exportChanges.linear.test.ts).
 */
import { shortFingerprint, type ExportState } from '../../../nodes/shared/state/exportState';
import type { ChangeBatch, RemoteItem } from '../../../nodes/shared/storage/types';
import { nameKey } from '../../../nodes/shared/sync/exportNames';
import { twinKeeper } from '../../../nodes/shared/sync/exportTwins';
import { isSameOrBelow, pathKey, splitPath } from '../../../nodes/shared/sync/exportPaths';

/**
 * Reads one change batch of the export root (a delta, or a full listing when `snapshot`) against the state:
 * which tracked files and cached folders are gone, and which files the destination holds (so a record missing
 * from the state is adopted instead of uploaded twice). Pure.
 */

/** Files the destination showed in this batch, indexed every way the planner may look them up. */
export interface RemoteIndex {
	byId: Map<string, RemoteItem>;
	/** pathKey of the path relative to the root */
	byPath: Map<string, RemoteItem>;
	/** `${parentId}\n${nameKey}`, for feeds that report parents but not paths (Graph delta) */
	byParentAndName: Map<string, RemoteItem>;
	/** Drive appProperties.recordKey */
	byRecordTag: Map<string, RemoteItem[]>;
	/** Folders shown with a path (by pathKey): cached so find-or-create needs no request for them. */
	folders: Map<string, RemoteItem>;
}

export interface ChangeAnalysis {
	/** Tracked live records whose file is gone, by key fingerprint, and why. */
	goneRecords: Map<string, 'fileDeleted' | 'folderDeleted'>;
	/** Indexes of cached folders that are gone (deleted, trashed or moved out), including those below a gone one. */
	goneFolders: Set<number>;
	/** Display paths of the topmost gone folders (what the user deleted). */
	goneFolderPaths: string[];
	rootGone: boolean;
	remote: RemoteIndex;
	/** Live tracked records before this batch (the mass-delete guard's denominator). */
	trackedLive: number;
	/** Cached folders the user moved or renamed inside the root: index -> the path they have now. */
	movedFolders: Map<number, string>;
}

export interface ChangeAnalysisOptions {
	caseInsensitive: boolean;
	/** Two files may share a name in a folder (Drive): a file at our name does not say ours is gone. */
	duplicateNames?: boolean;
}

export function emptyRemoteIndex(): RemoteIndex {
	return {
		byId: new Map(),
		byPath: new Map(),
		byParentAndName: new Map(),
		byRecordTag: new Map(),
		folders: new Map(),
	};
}

export function parentNameKey(parentId: string, name: string, caseInsensitive: boolean): string {
	return `${parentId}\n${nameKey(name, caseInsensitive)}`;
}

export function nameFingerprint(name: string, caseInsensitive: boolean): string {
	return shortFingerprint(pathKey(name, caseInsensitive));
}

function addRemote(index: RemoteIndex, item: RemoteItem, caseInsensitive: boolean): void {
	index.byId.set(item.id, item);
	if (item.path) index.byPath.set(pathKey(item.path, caseInsensitive), item);
	if (item.parentId)
		index.byParentAndName.set(parentNameKey(item.parentId, item.name, caseInsensitive), item);
	const tag = item.appProperties?.recordKey;
	if (tag) {
		const list = index.byRecordTag.get(tag) ?? [];
		list.push(item);
		index.byRecordTag.set(tag, list);
	}
}

export function analyzeChanges(
	state: ExportState,
	batch: ChangeBatch,
	options: ChangeAnalysisOptions,
): ChangeAnalysis {
	const ci = options.caseInsensitive;
	const remote = emptyRemoteIndex();
	const goneIds = new Set<string>();
	const gonePaths = new Set<string>();
	const presentIds = new Set<string>();
	// A cached folder's id the batch shows as a file is a reused number (a local inode), not our folder.
	const fileIds = new Set<string>();

	// Later entries win: a file trashed then restored between two runs is present.
	for (const change of batch.changes) {
		if (change.type === 'upsert') {
			goneIds.delete(change.item.id);
			// A deleted path stays deleted even when another item appears there (Dropbox reports a rename onto a
			// deleted file's name as delete + add): what was there is matched by id below, and an id the batch
			// shows alive is never gone.
			presentIds.add(change.item.id);
			if (change.item.isFolder) fileIds.delete(change.item.id);
			else fileIds.add(change.item.id);
			if (!change.item.isFolder) addRemote(remote, change.item, ci);
			else if (change.item.path) remote.folders.set(pathKey(change.item.path, ci), change.item);
		} else {
			if (change.id) {
				goneIds.add(change.id);
				presentIds.delete(change.id);
				fileIds.delete(change.id);
				remote.byId.delete(change.id);
			}
			if (change.path) {
				gonePaths.add(pathKey(change.path, ci));
				remote.folders.delete(pathKey(change.path, ci));
			}
		}
	}

	// Twin folders (Drive): the oldest live one shown at a path since the last deletion of that path, by scanning the batch.
	if (options.duplicateNames) {
		for (const key of [...remote.folders.keys()]) {
			let lastDelete = -1;
			batch.changes.forEach((change, i) => {
				if (change.type === 'delete' && change.path && pathKey(change.path, ci) === key)
					lastDelete = i;
			});
			const latest = new Map<string, RemoteItem>();
			batch.changes.forEach((change, i) => {
				if (
					i > lastDelete &&
					change.type === 'upsert' &&
					change.item.isFolder &&
					change.item.path &&
					pathKey(change.item.path, ci) === key
				) {
					latest.delete(change.item.id);
					latest.set(change.item.id, change.item);
				}
			});
			const keeper = twinKeeper([...latest.values()].filter((f) => !goneIds.has(f.id)));
			if (keeper) remote.folders.set(key, keeper);
		}
	}
	for (const [key, folder] of remote.folders)
		if (goneIds.has(folder.id)) remote.folders.delete(key);

	const live = [...state.records.values()].filter((r) => r.status === 'live');
	const rootGone = state.rootId !== undefined && goneIds.has(state.rootId);

	// Folders: gone by id, by path, or (snapshot) by absence; then everything below a gone folder.
	const goneFolderKeys: string[] = [];
	state.folders.forEach((folder) => {
		if (!folder) return;
		const key = pathKey(folder.path, ci);
		// Another folder now at its path: ours was deleted (or moved away) and the path reused, e.g. by a
		// path-based Dropbox upload that recreated it after the user deleted it. Ids survive renames and moves;
		// Drive may show two folders of one name, so ours counts as gone only when the batch does not show it.
		const replaced = remote.folders.get(key);
		// A folder the batch shows alive (by id) was moved or renamed, not deleted, even if its old path was.
		const gone =
			!(presentIds.has(folder.id) && !fileIds.has(folder.id)) &&
			(goneIds.has(folder.id) ||
				gonePaths.has(key) ||
				(replaced !== undefined && replaced.id !== folder.id) ||
				batch.snapshot === true);
		if (gone) goneFolderKeys.push(key);
	});
	// A deleted path above cached folders (Dropbox reports only the topmost deleted folder).
	for (const path of gonePaths) {
		const coversCached = state.folders.some(
			(f) =>
				f &&
				!(presentIds.has(f.id) && !fileIds.has(f.id)) &&
				isSameOrBelow(pathKey(f.path, ci), path),
		);
		if (coversCached) goneFolderKeys.push(path);
	}
	if (rootGone) goneFolderKeys.push('');
	const topmost = goneFolderKeys
		.filter((key, i, all) => all.indexOf(key) === i)
		.filter((key, _, all) => !all.some((other) => other !== key && isSameOrBelow(key, other)));
	const goneFolders = new Set<number>();
	state.folders.forEach((folder, index) => {
		if (folder && topmost.some((top) => isSameOrBelow(pathKey(folder.path, ci), top)))
			goneFolders.add(index);
	});
	const goneFolderPaths = topmost.map((key) => {
		if (key === '') return '';
		const cached = state.folders.find((f) => f && pathKey(f.path, ci) === key);
		return cached ? cached.path : key;
	});

	// Records: a gone folder wins over a gone file (the policy for folders applies), unless the batch shows the
	// file alive outside every gone folder (moved out before the folder was deleted).
	const goneRecords = new Map<string, 'fileDeleted' | 'folderDeleted'>();
	for (const record of live) {
		const inGoneFolder =
			record.folder < 0
				? rootGone
				: goneFolders.has(record.folder) || !state.folders[record.folder];
		const item = remote.byId.get(record.id);
		const movedOut =
			item?.path !== undefined &&
			!item.isFolder &&
			!topmost.includes('') &&
			!topmost.some((top) => isSameOrBelow(pathKey(splitPath(item.path!).dir, ci), top));
		if (inGoneFolder) {
			if (!movedOut) goneRecords.set(record.keyFp, 'folderDeleted');
		} else if (goneIds.has(record.id) || (batch.snapshot === true && !presentIds.has(record.id))) {
			goneRecords.set(record.keyFp, 'fileDeleted');
		}
	}
	const moved = movedFolders(state, remote, goneFolders, ci);
	// The last record at a place, as the linear version's map keeps it.
	const recordAt = (folderIndex: number, name: string) =>
		[...live]
			.reverse()
			.find(
				(record) => record.folder === folderIndex && record.nameFp === nameFingerprint(name, ci),
			)?.keyFp;
	const markGone = (keyFp: string | undefined) => {
		// Its id shows up elsewhere in the batch: moved or renamed (Dropbox reports a move as delete + add).
		if (keyFp && !goneRecords.has(keyFp) && !presentIds.has(state.records.get(keyFp)!.id))
			goneRecords.set(keyFp, 'fileDeleted');
	};
	/** The first cached folder now at `dir` (after this batch's moves), not gone. */
	const currentIndex = (dir: string) =>
		state.folders.findIndex(
			(f, index) =>
				f !== undefined &&
				!goneFolders.has(index) &&
				pathKey(moved.get(index) ?? f.path, ci) === dir,
		);
	// Deletions that carry only a path (Dropbox): the path the file had, before or after its folder moved.
	for (const path of gonePaths) {
		const { dir, name } = splitPath(path);
		if (dir === '') {
			markGone(recordAt(-1, name));
			continue;
		}
		const before = state.folders.findIndex((f) => f !== undefined && pathKey(f.path, ci) === dir);
		if (before >= 0) markGone(recordAt(before, name));
		const now = currentIndex(dir);
		if (now >= 0) markGone(recordAt(now, name));
	}
	// Another file at a tracked record's name (where its folder is now), and the record's id nowhere in the batch:
	// ours was deleted or moved away before. (A full listing needs none of this.)
	if (!options.duplicateNames && batch.snapshot !== true) {
		for (const item of remote.byId.values()) {
			if (!item.path || item.isFolder) continue;
			const path = pathKey(item.path, ci);
			if (gonePaths.has(path)) continue;
			const { dir, name } = splitPath(path);
			const now = dir === '' ? -1 : currentIndex(dir);
			if (dir === '' || now >= 0) markGone(recordAt(now, name));
		}
	}

	return {
		goneRecords,
		goneFolders,
		goneFolderPaths,
		rootGone,
		remote,
		trackedLive: live.length,
		movedFolders: moved,
	};
}

/**
 * Cached folders the batch shows at another path (the user moved or renamed them inside the root), by index, with
 * their new path; folders below a moved one move with it.
 */
function movedFolders(
	state: ExportState,
	remote: RemoteIndex,
	gone: Set<number>,
	ci: boolean,
): Map<number, string> {
	const moved = new Map<number, string>();
	if (remote.folders.size === 0) return moved;
	const byId = new Map<string, string>();
	for (const folder of remote.folders.values())
		if (folder.path) byId.set(folder.id, folder.path.replace(/^\/+|\/+$/g, ''));
	const renames: Array<{ from: string; to: string }> = [];
	state.folders.forEach((folder, index) => {
		const now = folder && !gone.has(index) ? byId.get(folder.id) : undefined;
		if (folder && now !== undefined && pathKey(now, ci) !== pathKey(folder.path, ci))
			renames.push({ from: folder.path, to: now });
	});
	for (const { from, to } of renames) {
		const fromKey = pathKey(from, ci);
		state.folders.forEach((folder, index) => {
			if (!folder || gone.has(index)) return;
			const key = pathKey(folder.path, ci);
			if (key === fromKey) moved.set(index, to);
			else if (key.startsWith(`${fromKey}/`) && !moved.has(index))
				moved.set(index, `${to}${folder.path.slice(from.length)}`);
		});
	}
	return moved;
}
