import { shortFingerprint, type ExportState } from '../state/exportState';
import type { RemoteItem } from '../types/remote';
import { nameFingerprint, type ChangeAnalysis } from './exportChanges';
import { isSameOrBelow, pathKey, splitPath } from './exportPaths';

/**
 * A folder the export stopped exporting into because the user deleted it is back: the user restored it (from the
 * Drive trash, the OneDrive recycle bin, Dropbox's deleted files, or moved it back into a local root). Restoring is
 * undoing the deletion, so the stop is undone too: its documents are exported again, into the restored files.
 *
 * The evidence is our own files coming back, never a name alone: the batch shows a folder at the stopped path again
 * and, below it, a file of a record that stopped with it: by its id when a past run saw that file gone (Drive,
 * OneDrive and a local folder keep ids), or under another id by the name and content the state recorded for it
 * (Dropbox gives restored files new ids), or by the content this run brings for it, under any name (a manual run
 * exported its new version into the restored folder: on a local folder that is a new file, and the production run
 * after it kept the stop; soak seed 9304, also with the record renamed: only our runs write that content, and a
 * file holding exactly a document's new content is taken as its file anywhere below the root). A new folder the
 * user makes at that path holds none of our files and keeps the stop (the Resume operation clears it); nor does a
 * folder our own path-based upload made again (Dropbox) after the user deleted it mid-run: the files in it never
 * left. Pure: changes `state`.
 *
 * Returns the stopped paths resumed; the records found are live again, each at its restored file.
 */
export function resumeRestoredFolders(
	state: ExportState,
	previous: ExportState,
	analysis: ChangeAnalysis,
	caseInsensitive: boolean,
	/** What this run brings (asked only when a stopped folder may be back). */
	thisRun: () => BroughtRecords = () => ({ contents: new Map(), fresh: [] }),
	/** A full listing (a local folder's every run): it cannot tell a file that came back from one that stayed. */
	snapshot = false,
): string[] {
	if (state.stopped.length === 0 || analysis.remote.byId.size === 0) return [];
	const ci = caseInsensitive;
	const resumed: string[] = [];
	const liveIds = new Set<string>();
	const stoppedRecords = [];
	for (const record of state.records.values()) {
		if (record.status === 'live') liveIds.add(record.id);
		else if (record.status === 'folderDeleted') stoppedRecords.push(record);
	}
	const { contents: brought, fresh } = thisRun();
	if (stoppedRecords.length === 0 && fresh.length === 0) return [];
	const taken = new Set<string>();
	for (const stopped of state.stopped) {
		const key = pathKey(stopped, ci);
		if (!analysis.remote.folders.has(key)) continue;
		const below: RemoteItem[] = [];
		for (const item of analysis.remote.byId.values()) {
			if (item.isFolder || item.path === undefined || liveIds.has(item.id)) continue;
			if (isSameOrBelow(pathKey(splitPath(item.path).dir, ci), key)) below.push(item);
		}
		const byId = new Map(below.map((item) => [item.id, item]));
		let any = false;
		for (const record of stoppedRecords) {
			if (record.status !== 'folderDeleted') continue;
			const newContent = brought.get(record.keyFp)?.contentFp;
			// A full listing shows the file wherever it is on every run: the run that first sees the folder gone decides
			// as the next would (CE6, soak seed 9304, local: the first run kept the stop, the quiet run after it resumed
			// on the same file and moved it).
			const seenGone = snapshot || previous.records.get(record.keyFp)?.status === 'folderDeleted';
			const file =
				(seenGone ? byId.get(record.id) : undefined) ??
				below.find(
					(item) =>
						item.id !== record.id &&
						!taken.has(item.id) &&
						item.hash !== undefined &&
						((shortFingerprint(item.hash) === record.contentFp &&
							nameFingerprint(item.name, ci) === record.nameFp) ||
							// A new version under whatever name the manual run gave it (the record was renamed too). Not
							// the recorded content: a copy of that under another name is one the user restored (soak
							// seed 9312, Dropbox: a file restored beside the user's own into a new folder resumed it).
							(newContent !== record.contentFp && shortFingerprint(item.hash) === newContent)),
				);
			if (!file || taken.has(file.id)) continue;
			const folder = cachedFolder(state, splitPath(file.path!).dir, analysis, ci);
			if (folder === undefined) continue;
			taken.add(file.id);
			any = true;
			state.records.set(record.keyFp, {
				...record,
				status: 'live',
				id: file.id,
				folder,
				nameFp: nameFingerprint(file.name, ci),
			});
		}
		// A document the saved state does not hold yet (a manual run exported it, then the user deleted the folder and
		// a run saw it gone): its file in its folder under one of its names, holding exactly the content this run
		// brings, is ours too, as a new document adopts such a file (soak seed 9402, OneDrive: the folder stayed stopped).
		any ||= fresh.some((record) => {
			const folder = pathKey(record.folder, ci);
			if (!isSameOrBelow(folder, key)) return false;
			const names = new Set(record.names.map((name) => nameFingerprint(name, ci)));
			return below.some(
				(item) =>
					!taken.has(item.id) &&
					item.hash !== undefined &&
					shortFingerprint(item.hash) === record.contentFp &&
					names.has(nameFingerprint(item.name, ci)) &&
					pathKey(splitPath(item.path!).dir, ci) === folder,
			);
		});
		if (any) resumed.push(stopped);
	}
	if (resumed.length > 0) state.stopped = state.stopped.filter((path) => !resumed.includes(path));
	return resumed;
}

/** What a run brings: the content per record key fingerprint, and the records the state does not hold yet. */
export interface BroughtRecords {
	contents: ReadonlyMap<string, { contentFp: string }>;
	/** Each with the names it may take in its folder (see exportNames.ts). */
	fresh: ReadonlyArray<{ folder: string; names: string[]; contentFp: string }>;
}

/** The index of the cached folder at `path` (cached from the batch when it shows the folder there). */
function cachedFolder(
	state: ExportState,
	path: string,
	analysis: ChangeAnalysis,
	ci: boolean,
): number | undefined {
	if (path === '') return -1;
	const key = pathKey(path, ci);
	const index = state.folders.findIndex(
		(folder) => folder !== undefined && pathKey(folder.path, ci) === key,
	);
	if (index >= 0) return index;
	const shown = analysis.remote.folders.get(key);
	if (!shown) return undefined;
	state.folders.push({ path: path.replace(/^\/+|\/+$/g, ''), id: shown.id });
	return state.folders.length - 1;
}
