import { shortFingerprint, type ExportState, type StrayFile } from '../state/exportState';
import type { ChangeBatch, RemoteItem } from '../types/remote';
import { nameFingerprint, type ChangeAnalysis } from './exportChanges';
import { pathKey, splitPath } from './exportPaths';

/**
 * Stray files (issue 12, the last duplicate family): a file holding a record's content that a run saw while its
 * input did not include that record (the first production run after a manual one, a run after the state was lost)
 * was never seen again, so the record's next export uploaded it a second time beside it. The state now keeps those
 * files (content and place, bounded) until a record with exactly that content adopts one, or a batch shows it
 * changed or gone. Pure.
 */

/**
 * At most this many are kept, the newest first. A stray costs about 45 bytes; the usual export has none. Beyond
 * it (a root holding more than 100 files no record keeps, most of them the user's), the oldest are forgotten and
 * a record whose lost file was among them is uploaded beside it, as before strays: nothing is lost.
 */
export const MAX_STRAYS = 100;

/** A place in the destination: the folder's key and the name's fingerprint (what the state stores). */
function placeKey(folderKey: string, nameFp: string): string {
	return `${folderKey}\n${nameFp}`;
}

/**
 * The previous run's strays this batch leaves standing: a full listing shows every file there is (the strays are
 * found again in it), a feed drops those it shows (looked at again as files of the batch) or deletes (by id, by
 * path, or with their folder).
 */
export function survivingStrays(
	previous: StrayFile[] | undefined,
	batch: ChangeBatch,
	analysis: ChangeAnalysis,
	state: ExportState,
	caseInsensitive: boolean,
): StrayFile[] {
	if (!previous || previous.length === 0 || batch.snapshot === true) return [];
	const shown = new Set<string>();
	const deletedPlaces = new Set<string>();
	for (const change of batch.changes) {
		if (change.type === 'upsert') shown.add(change.item.id);
		else {
			if (change.id) shown.add(change.id);
			if (change.path) {
				const { dir, name } = splitPath(change.path);
				deletedPlaces.add(
					placeKey(pathKey(dir, caseInsensitive), nameFingerprint(name, caseInsensitive)),
				);
			}
		}
	}
	return previous.filter((stray) => {
		if (shown.has(stray.id)) return false;
		if (stray.folder < 0) return !deletedPlaces.has(placeKey('', stray.nameFp));
		const folder = state.folders[stray.folder];
		if (!folder || analysis.goneFolders.has(stray.folder)) return false;
		return !deletedPlaces.has(placeKey(pathKey(folder.path, caseInsensitive), stray.nameFp));
	});
}

/**
 * This batch's files that no record keeps, as strays (newest first), then the surviving older ones, at most
 * MAX_STRAYS. Where the cloud tags our files (Drive) only tagged files count: the others are the user's own.
 * A file in a folder the state does not know is left out (its place could not be written down).
 */
export function nextStrays(
	shownFiles: Iterable<RemoteItem>,
	surviving: StrayFile[],
	isKept: (id: string) => boolean,
	state: ExportState,
	options: { caseInsensitive: boolean; tagsOwnFiles: boolean },
): StrayFile[] {
	const ci = options.caseInsensitive;
	let folderByKey: Map<string, number> | undefined;
	let folderById: Map<string, number> | undefined;
	const folderOf = (item: RemoteItem): number | undefined => {
		if (!folderByKey || !folderById) {
			folderByKey = new Map();
			folderById = new Map();
			state.folders.forEach((folder, index) => {
				if (!folder) return;
				folderByKey!.set(pathKey(folder.path, ci), index);
				folderById!.set(folder.id, index);
			});
		}
		if (item.path !== undefined) {
			const { dir } = splitPath(item.path);
			return dir === '' ? -1 : folderByKey.get(pathKey(dir, ci));
		}
		if (item.parentId === undefined) return undefined;
		return item.parentId === state.rootId ? -1 : folderById.get(item.parentId);
	};
	const strays: StrayFile[] = [];
	const seen = new Set<string>();
	for (const item of shownFiles) {
		if (strays.length >= MAX_STRAYS) break;
		if (item.isFolder || !item.hash || seen.has(item.id)) continue;
		if (options.tagsOwnFiles && !item.appProperties?.recordKey) continue;
		seen.add(item.id);
		if (isKept(item.id)) continue;
		const folder = folderOf(item);
		if (folder === undefined) continue;
		strays.push({
			contentFp: shortFingerprint(item.hash),
			nameFp: nameFingerprint(item.name, ci),
			folder,
			id: item.id,
		});
	}
	for (const stray of surviving) {
		if (strays.length >= MAX_STRAYS) break;
		if (seen.has(stray.id) || isKept(stray.id)) continue;
		seen.add(stray.id);
		strays.push(stray);
	}
	return strays;
}

/**
 * After the run: a stray a record now keeps (adopted, or met at a conflict and taken) is no stray. Returns the
 * state's own list when nothing changed (the usual case: no strays, nothing read).
 */
export function withoutKeptStrays(state: ExportState): StrayFile[] | undefined {
	if (!state.strays || state.strays.length === 0) return state.strays;
	const kept = new Set<string>();
	for (const record of state.records.values()) if (record.status === 'live') kept.add(record.id);
	const strays = state.strays.filter((stray) => !kept.has(stray.id));
	return strays.length === state.strays.length ? state.strays : strays;
}
