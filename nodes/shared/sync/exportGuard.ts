import { shortFingerprint, type ExportState } from '../state/exportState';
import { nameFingerprint, type ChangeAnalysis } from './exportChanges';
import { pathKey, splitPath } from './exportPaths';

/**
 * The mass-delete guard's count: records whose file the batch shows gone and that nothing at their place stands
 * in for. A file at the record's folder (where that folder is now) and name holding the content the state recorded
 * (restored, or a manual run's re-upload) or the content this run brings (a manual run's new version, a new file on
 * a local folder) is not a deleted document: the planner takes it as the record's file, so it says nothing of a
 * user emptying the destination (soak seed 577662262, local folder: 3 of 3 looked deleted while two of them stood
 * at their places, and the run was refused). Nor is a record whose content this run brings stands anywhere in the
 * batch (a manual run wrote it at a new place: the run takes that file; soak seed 9304, local folder: a manual run
 * moved a record into another folder under a new name and the next run over it was refused). Where a new version
 * is a new file (a local folder), any file at the record's place stands in: a manual run's new version of a document
 * this run does not bring has a new id and content the state never saw, and counting it refused every later run
 * over other documents. (On a cloud such a version keeps its id, and other content at our places can be another
 * account's export, which the guard is for; a local folder has no accounts, and an emptied one shows no files.)
 */
export function documentsGone(
	analysis: ChangeAnalysis,
	state: ExportState,
	/** What this run brings, by record key fingerprint (asked only when a record needs it). */
	brought: () => ReadonlyMap<string, { contentFp: string }>,
	caseInsensitive: boolean,
	newVersionIsNewFile = false,
): number {
	const atPlace = contentsByPlace(analysis, state, caseInsensitive);
	const shown = new Set<string>();
	for (const item of analysis.remote.byId.values())
		if (!item.isFolder && item.hash !== undefined) shown.add(shortFingerprint(item.hash));
	if (shown.size === 0) return analysis.goneRecords.size;
	let gone = 0;
	for (const [keyFp, why] of analysis.goneRecords) {
		if (why !== 'fileDeleted') {
			gone++;
			continue;
		}
		const record = state.records.get(keyFp)!;
		const broughtFp = brought().get(keyFp)?.contentFp;
		const contents = atPlace.get(`${record.folder < 0 ? '-1' : record.folder}\n${record.nameFp}`);
		const stands =
			(broughtFp !== undefined && shown.has(broughtFp)) ||
			(newVersionIsNewFile && contents !== undefined) ||
			(contents ?? []).some((c) => c === record.contentFp || c === broughtFp);
		if (!stands) gone++;
	}
	return gone;
}

/** The content fingerprints of the batch's files, by cached folder index (-1: the root) and name fingerprint. */
function contentsByPlace(
	analysis: ChangeAnalysis,
	state: ExportState,
	caseInsensitive: boolean,
): Map<string, string[]> {
	const folderById = new Map<string, string>();
	const folderByPath = new Map<string, string>();
	if (state.rootId) folderById.set(state.rootId, '-1');
	state.folders.forEach((folder, index) => {
		if (!folder) return;
		folderById.set(folder.id, String(index));
		// Where the folder is now: one the user renamed or moved is found at its new path.
		if (!analysis.goneFolders.has(index))
			folderByPath.set(
				pathKey(analysis.movedFolders.get(index) ?? folder.path, caseInsensitive),
				String(index),
			);
	});
	const folderOf = (path: string | undefined, parentId: string | undefined) => {
		if (path === undefined) return parentId === undefined ? undefined : folderById.get(parentId);
		const dir = pathKey(splitPath(path).dir, caseInsensitive);
		return dir === '' ? '-1' : folderByPath.get(dir);
	};
	const atPlace = new Map<string, string[]>();
	for (const item of analysis.remote.byId.values()) {
		if (item.isFolder || item.hash === undefined) continue;
		const folder = folderOf(item.path, item.parentId);
		if (folder === undefined) continue;
		const place = `${folder}\n${nameFingerprint(item.name, caseInsensitive)}`;
		atPlace.set(place, [...(atPlace.get(place) ?? []), shortFingerprint(item.hash)]);
	}
	return atPlace;
}
