import type { ExportState } from '../state/exportState';
import type { Change } from '../types/remote';
import { nameFingerprint } from './exportChanges';

/**
 * Folders whose names the saved state vouches for (Google Drive, issue 12's budget). Drive takes a second file of
 * a name beside the first, so before a new file the names in its folder must be known: a file saved there before
 * the cursor is in no change batch. A folder needs no listing for that when every file in it that no later change
 * shows is one of the state's live records, at the place (folder and name) its record names: the plan then knows
 * every name in it, from its records and the run's change batch. Such a folder is "vouched for" in the cursor
 * saved with the state (both are saved together, so a stale state of an overlapping run comes with its own marks).
 *
 * A folder is vouched for after a run when
 * - no change the run read shows a file in it that is not a live record at its place (a file of yours, of another
 *   workflow, a stray of ours, a record's file the user renamed), and
 * - either the run saw its whole content (listed, or created by the run; with the run's own writes) and every file
 *   in it is a live record at its place, or the starting cursor vouched for it and every record of the starting
 *   state in it that no change shows is still a live record there under the same name.
 * Anything else (a lost state, a folder moved in, a file the state does not hold) leaves it unvouched, and the
 * next run that writes into it lists its names once, as before. Pure.
 */

export interface SeenChild {
	id: string;
	name: string;
	isFolder: boolean;
}

export interface VouchInput {
	/** The state the run planned from. */
	before: ExportState;
	/** The state the run saves. */
	after: ExportState;
	/** Folder ids the run's starting cursor vouched for. */
	vouchedBefore: ReadonlySet<string>;
	/** Every change the run read, in order (the batch it planned from, then its read-back, if any). */
	changes: readonly Change[];
	/** A folder's whole content as the run saw it (listed or created, with its own writes since), or undefined. */
	seenContent(folderId: string): readonly SeenChild[] | undefined;
	caseInsensitive: boolean;
}

export function foldersVouchedAfterRun(input: VouchInput): Set<string> {
	const { before, after, caseInsensitive } = input;
	// Built only when a change or a folder's content is to be checked: an idle run has neither (100,000 records).
	let places: Map<string, { folder?: string; nameFp: string }> | undefined;
	const placeOf = (id: string) => {
		if (!places) {
			places = new Map();
			for (const record of after.records.values())
				if (record?.status === 'live')
					places.set(record.id, {
						folder: folderIdOf(after, record.folder),
						nameFp: record.nameFp,
					});
		}
		return places.get(id);
	};
	const atItsPlace = (id: string, name: string, folderId: string) => {
		const place = placeOf(id);
		return (
			place !== undefined &&
			place.folder === folderId &&
			place.nameFp === nameFingerprint(name, caseInsensitive)
		);
	};

	// The latest change per file: a file the feed lists twice stands where its last entry shows it.
	const latest = new Map<string, Change>();
	for (const change of input.changes) {
		const id = change.type === 'upsert' ? change.item.id : change.id;
		if (id !== undefined) latest.set(id, change);
	}
	const spoiled = new Set<string>();
	for (const change of latest.values()) {
		if (change.type !== 'upsert' || change.item.isFolder) continue;
		const { id, name, parentId } = change.item;
		// A file without a known folder could be in any of them.
		if (parentId === undefined) return new Set();
		if (!atItsPlace(id, name, parentId)) spoiled.add(parentId);
	}
	// Records of the starting state no change shows: their files stand where that state put them, so the saved
	// state must hold each of them there still (the same record, file, folder and name). One state on both sides
	// (which folders a run trusts at its start) has nothing to compare.
	const movedOn = new Set<string>();
	const sameFolderAt = (index: number) => folderIdOf(before, index) === folderIdOf(after, index);
	for (const record of before === after ? [] : before.records.values()) {
		if (record?.status !== 'live' || latest.has(record.id)) continue;
		const now = after.records.get(record.keyFp);
		// The plan replaces a record it changes; the same entry in the same folder is the same place (most records).
		if (now === record && sameFolderAt(record.folder)) continue;
		const folder = folderIdOf(before, record.folder);
		const held =
			now?.status === 'live' &&
			now.id === record.id &&
			now.nameFp === record.nameFp &&
			folderIdOf(after, now.folder) === folder;
		if (folder !== undefined && !held) movedOn.add(folder);
	}

	const vouched = new Set<string>();
	const folderIds = [after.rootId, ...after.folders.map((folder) => folder?.id)];
	for (const folderId of folderIds) {
		if (folderId === undefined || spoiled.has(folderId)) continue;
		const content = input.seenContent(folderId);
		if (content) {
			if (content.every((child) => child.isFolder || atItsPlace(child.id, child.name, folderId)))
				vouched.add(folderId);
		} else if (input.vouchedBefore.has(folderId) && !movedOn.has(folderId)) vouched.add(folderId);
	}
	return vouched;
}

function folderIdOf(state: ExportState, index: number): string | undefined {
	return index === -1 ? state.rootId : state.folders[index]?.id;
}
