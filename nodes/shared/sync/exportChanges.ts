import { shortFingerprint, type ExportState } from '../state/exportState';
import type { ChangeBatch, RemoteItem } from '../types/remote';
import { nameKey } from './exportNames';
import { pathKey, splitPath } from './exportPaths';
import { twinKeeper } from './exportTwins';

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

/**
 * Of twin files of one record (overlapping runs created both, Drive), the one every run keeps stands at their place:
 * the newer is being removed by its creator (soak seed 9601: a third run took the newer twin for another file at the
 * record's name and renamed the kept one away). Run once the whole batch is read, over the files still there.
 */
function placeTwinKeepers(index: RemoteIndex, caseInsensitive: boolean): void {
	for (const files of index.byRecordTag.values()) {
		const current = files.filter((file) => index.byId.get(file.id) === file);
		for (const keeper of withoutNewerTwins(current)) {
			if (!current.some((file) => isTwinOf(file, keeper))) continue;
			if (keeper.path) index.byPath.set(pathKey(keeper.path, caseInsensitive), keeper);
			if (keeper.parentId)
				index.byParentAndName.set(
					parentNameKey(keeper.parentId, keeper.name, caseInsensitive),
					keeper,
				);
		}
	}
}

/**
 * Twins hold one content: a file of the record's restored beside its re-upload holds an older version and is no
 * twin (soak seed 9903, Drive: taken for one, the restored copy became the record's file and got its new version
 * beside the re-upload holding it too).
 */
function isTwinOf(a: RemoteItem, b: RemoteItem): boolean {
	const tag = a.appProperties?.recordKey;
	return (
		a.id !== b.id &&
		tag !== undefined &&
		tag === b.appProperties?.recordKey &&
		a.parentId === b.parentId &&
		a.name === b.name &&
		a.hash !== undefined &&
		a.hash === b.hash
	);
}

/** Files of one record without the newer twins of any (they are being removed by the runs that created them). */
export function withoutNewerTwins(files: readonly RemoteItem[]): RemoteItem[] {
	return files.filter((file) =>
		files.every((other) => !isTwinOf(other, file) || twinKeeper([other, file]) === file),
	);
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
	/** Ids the batch shows as files: a cached folder's id there is a reused number (a local inode), not our folder. */
	const fileIds = new Set<string>();

	/** Drive: every folder the batch shows at a path, so the one every run keeps is used (exportTwins.ts). */
	const folderTwins = new Map<string, RemoteItem[]>();

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
			else if (change.item.path) {
				const key = pathKey(change.item.path, ci);
				remote.folders.set(key, change.item);
				if (options.duplicateNames)
					folderTwins.set(key, [
						...(folderTwins.get(key) ?? []).filter((f) => f.id !== change.item.id),
						change.item,
					]);
			}
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
				folderTwins.delete(pathKey(change.path, ci));
			}
		}
	}

	if (options.duplicateNames) placeTwinKeepers(remote, ci);
	// Of twin folders (two runs created one at once), the oldest: the newer is being removed by its creator, and
	// a file put there now would go with it.
	for (const [key, twins] of folderTwins) {
		const keeper = twinKeeper(twins.filter((f) => !goneIds.has(f.id)));
		if (keeper && remote.folders.has(key)) remote.folders.set(key, keeper);
	}
	for (const [key, folder] of remote.folders)
		if (goneIds.has(folder.id)) remote.folders.delete(key);

	const live = [...state.records.values()].filter((r) => r.status === 'live');
	const rootGone = state.rootId !== undefined && goneIds.has(state.rootId);

	// Folders: gone by id, by path, or (snapshot) by absence; then everything below a gone folder. Linear in the
	// number of cached folders: a state may list tens of thousands (each check below is a Map or Set lookup per
	// ancestor, never a scan of all folders per folder).
	const goneFolderKeys = new Set<string>();
	/** First cached folder per path key (its display path and index), as `find`/`findIndex` would return. */
	const cachedByKey = new Map<string, { path: string; index: number }>();
	/** Every path that is a cached, not-present folder or lies above one: a deleted path there covers it. */
	const aboveAbsent = new Set<string>();
	let anyAbsent = false;
	const folderPresent = (id: string) => presentIds.has(id) && !fileIds.has(id);
	state.folders.forEach((folder, index) => {
		if (!folder) return;
		const key = pathKey(folder.path, ci);
		if (!cachedByKey.has(key)) cachedByKey.set(key, { path: folder.path, index });
		if (!folderPresent(folder.id)) {
			anyAbsent = true;
			aboveAbsent.add(key);
			for (const ancestor of strictAncestors(key)) aboveAbsent.add(ancestor);
		}
		// Another folder now at its path: ours was deleted (or moved away) and the path reused, e.g. by a
		// path-based Dropbox upload that recreated it after the user deleted it. Ids survive renames and moves;
		// Drive may show two folders of one name, so ours counts as gone only when the batch does not show it.
		const replaced = remote.folders.get(key);
		// A folder the batch shows alive (by id) was moved or renamed, not deleted, even if its old path was.
		const gone =
			!folderPresent(folder.id) &&
			(goneIds.has(folder.id) ||
				gonePaths.has(key) ||
				(replaced !== undefined && replaced.id !== folder.id) ||
				batch.snapshot === true);
		if (gone) goneFolderKeys.add(key);
	});
	// A deleted path above cached folders (Dropbox reports only the topmost deleted folder).
	for (const path of gonePaths) {
		const coversCached = path === '' ? anyAbsent : aboveAbsent.has(path);
		if (coversCached) goneFolderKeys.add(path);
	}
	if (rootGone) goneFolderKeys.add('');
	// Topmost: no other gone key is an ancestor of it (the root '' is everyone's ancestor).
	const topmost: string[] = [];
	for (const key of goneFolderKeys) {
		if (key !== '' && goneFolderKeys.has('')) continue;
		if (!strictAncestors(key).some((ancestor) => goneFolderKeys.has(ancestor))) topmost.push(key);
	}
	const topmostSet = new Set(topmost);
	const goneFolders = new Set<number>();
	state.folders.forEach((folder, index) => {
		if (!folder) return;
		const key = pathKey(folder.path, ci);
		if (
			topmostSet.has('') ||
			topmostSet.has(key) ||
			strictAncestors(key).some((ancestor) => topmostSet.has(ancestor))
		)
			goneFolders.add(index);
	});
	const goneFolderPaths = topmost.map((key) =>
		key === '' ? '' : (cachedByKey.get(key)?.path ?? key),
	);

	/** The batch shows the file alive at a path outside every gone folder. */
	const movedOutOfGone = (item: RemoteItem | undefined): boolean => {
		if (item?.path === undefined || item.isFolder || topmostSet.has('')) return false;
		const dir = pathKey(splitPath(item.path).dir, ci);
		return (
			dir === '' ||
			(!topmostSet.has(dir) && !strictAncestors(dir).some((ancestor) => topmostSet.has(ancestor)))
		);
	};
	// Records: a gone folder wins over a gone file (the policy for folders applies).
	const goneRecords = new Map<string, 'fileDeleted' | 'folderDeleted'>();
	let byFolderAndName: Map<string, string> | undefined;
	for (const record of live) {
		const inGoneFolder =
			record.folder < 0
				? rootGone
				: goneFolders.has(record.folder) || !state.folders[record.folder];
		if (inGoneFolder) {
			// The user moved the file out of the folder before deleting the folder: it lives on where it is now
			// (soak seed 1616, every cloud: it counted as deleted, and the mass-delete guard stopped the run).
			if (!movedOutOfGone(remote.byId.get(record.id)))
				goneRecords.set(record.keyFp, 'folderDeleted');
		} else if (goneIds.has(record.id) || (batch.snapshot === true && !presentIds.has(record.id))) {
			goneRecords.set(record.keyFp, 'fileDeleted');
		}
	}
	const moved = movedFolders(state, remote, goneFolders, ci);
	// Where each cached folder is after this batch: a folder the user renamed or moved is found at its new path.
	const currentByKey = new Map<string, number>();
	state.folders.forEach((folder, index) => {
		if (!folder || goneFolders.has(index)) return;
		const key = pathKey(moved.get(index) ?? folder.path, ci);
		if (!currentByKey.has(key)) currentByKey.set(key, index);
	});
	// Another file at a tracked record's name, and the record's id nowhere in the batch: ours was deleted or
	// moved away before (Dropbox's feed shows one entry per path, so a rename onto a deleted file's name hides the
	// deletion). Matched against where the folders are now: a new folder at a renamed folder's old path (with a
	// file of the user's at our name) says nothing of our file, which went with the renamed folder (soak seed
	// 681554515: Graph does not list a renamed folder's children, and the file was taken for deleted and uploaded
	// again beside itself).
	// (A full listing needs none of this: every tracked id it does not show is gone anyway.)
	const occupiedPaths = new Set<string>();
	if (!options.duplicateNames && batch.snapshot !== true) {
		for (const item of remote.byId.values())
			if (item.path && !item.isFolder) occupiedPaths.add(pathKey(item.path, ci));
	}
	// Deletions that carry only a path (Dropbox): folder path + name fingerprint identify the record. A deletion
	// names the path the file had, before or after its folder moved.
	const recordAt = (folderIndex: number, name: string): string | undefined => {
		if (!byFolderAndName) {
			byFolderAndName = new Map();
			for (const record of live)
				byFolderAndName.set(`${record.folder}/${record.nameFp}`, record.keyFp);
		}
		return byFolderAndName.get(`${folderIndex}/${nameFingerprint(name, ci)}`);
	};
	const markGone = (keyFp: string | undefined) => {
		// Its id shows up elsewhere in the batch: moved or renamed (Dropbox reports a move as delete + add).
		if (keyFp && !goneRecords.has(keyFp) && !presentIds.has(state.records.get(keyFp)!.id))
			goneRecords.set(keyFp, 'fileDeleted');
	};
	for (const path of gonePaths) {
		const { dir, name } = splitPath(path);
		for (const folderIndex of new Set([
			dir === '' ? -1 : (cachedByKey.get(dir)?.index ?? -2),
			dir === '' ? -1 : (currentByKey.get(dir) ?? -2),
		]))
			if (folderIndex !== -2) markGone(recordAt(folderIndex, name));
	}
	for (const path of occupiedPaths) {
		if (gonePaths.has(path)) continue;
		const { dir, name } = splitPath(path);
		const folderIndex = dir === '' ? -1 : currentByKey.get(dir);
		if (folderIndex !== undefined) markGone(recordAt(folderIndex, name));
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
 * 'a/b/c' -> ['a', 'a/b'] (non-empty strict ancestors, the keys
 * `isSameOrBelow(key, ancestor)` accepts besides itself and '').
 */
function strictAncestors(key: string): string[] {
	const ancestors: string[] = [];
	for (let slash = key.indexOf('/'); slash >= 0; slash = key.indexOf('/', slash + 1))
		ancestors.push(key.slice(0, slash));
	return ancestors;
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
