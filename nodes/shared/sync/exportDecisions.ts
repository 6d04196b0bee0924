import { emptyExportState, type ExportState } from '../state/exportState';
import { isCloudError } from '../types/cloudError';
import type { ChangeBatch, FolderRef, ProviderFeatures } from '../types/remote';
import { analyzeChanges } from './exportChanges';
import type { ExportPlan, ExportPolicy } from './exportPlan';

/**
 * The Export to Folder decisions around the plan (pure): which errors stop a run, when to read past our own
 * writes and how far, and what the state says after the plan (root gone). The runner asks; it never decides.
 */

/** How the node names the export root: a folder reference, or a name below the drive root (created if missing). */
export type ExportRoot = { mode: 'name'; name: string } | { mode: 'folder'; ref: FolderRef };

/**
 * From this many writes on, the run reads its own writes back from the feed at the end, so the next run still
 * needs one change-feed request; below it, they fit in the next run's first page anyway.
 */
export const DRAIN_AFTER_WRITES = 100;

/**
 * How to read the root's changes: the feed from the stored cursor (one request when nothing changed), else a
 * full listing (first run, lost state, reset cursor: existing files are adopted, not duplicated), except for a
 * root created this very run (empty: a cursor is enough).
 */
export function changeSource(
	cursor: string | undefined,
	rootJustCreated: boolean,
): 'feed' | 'listing' | 'cursorOnly' {
	if (cursor) return 'feed';
	return rootJustCreated ? 'cursorOnly' : 'listing';
}

/** The feed failed: an expired cursor falls back to a listing; "not found" means the root itself is gone. */
export function afterFeedError(error: unknown): 'listing' | 'rootGone' | 'fail' {
	if (isCloudError(error, 'notFound')) return 'rootGone';
	if (isCloudError(error, 'cursorReset')) return 'listing';
	return 'fail';
}

/** Errors that stop the whole run whatever continue-on-fail says: the next items would fail the same way. */
export function stopsTheRun(error: unknown): boolean {
	return (
		isCloudError(error) &&
		['auth', 'scope', 'quota', 'dailyLimit', 'rateLimited'].includes(error.reason)
	);
}

/** A destination without a server feed (every changes() is a full scan) has nothing to drain. */
export function shouldDrain(
	writes: number,
	features: ProviderFeatures & { scansForChanges?: boolean },
): boolean {
	return features.scansForChanges !== true && writes >= DRAIN_AFTER_WRITES;
}

/**
 * Our own writes read back: the cursor moves past them, unless the user deleted, moved or renamed something of
 * ours meanwhile, in which case it stays where it was so the next run sees (and handles) that. A folder move
 * skipped here would leave the saved folder paths behind the cursor (see placesShownByBatch).
 */
export function drainedCursor(
	state: ExportState,
	own: ChangeBatch,
	cursor: string,
	features: Pick<ProviderFeatures, 'caseInsensitive' | 'duplicateNames'>,
): string {
	if (own.snapshot) return cursor;
	const analysis = analyzeChanges(state, own, features);
	return analysis.goneRecords.size === 0 &&
		analysis.goneFolders.size === 0 &&
		analysis.movedFolders.size === 0 &&
		!analysis.rootGone
		? own.cursor
		: cursor;
}

/**
 * The folders of the run's state with the paths (below the root) the run's change batch shows them at: the plan
 * applied the batch's moves, renames and deletions to the folders the previous run saved, and no run's cursor
 * moves past a folder change its state did not take in (drainedCursor holds on a moved folder too). A provider
 * that writes by path (Dropbox) then knows where each folder is without asking (StorageProvider.knowPlaces).
 */
export function placesShownByBatch(state: ExportState): Array<{ id: string; path: string }> {
	return state.folders.flatMap((folder) =>
		folder && folder.path !== '' ? [{ id: folder.id, path: folder.path }] : [],
	);
}

/**
 * The cursor the run saves. A run that stopped part way (quota, auth, an item error without continue-on-fail) did
 * not act on everything its batch showed: the files it planned to adopt or to keep were not recorded. Its cursor
 * stays where the run found it, so the next run reads the same changes (after a lost state: the same listing) and
 * finds those files again; moving past them left the next run blind to a file holding a record's content, and it
 * uploaded a copy (export model seed 173065525, OneDrive).
 */
export function cursorAfterRun(
	found: string | undefined,
	reached: string,
	stopped: boolean,
): string | undefined {
	return stopped ? found : reached;
}

/**
 * The state the run starts writing into: the plan's, with the batch's cursor. When the root is gone (the guard let
 * it through: accepted, or too few files to tell), the next run resolves it again: by name it is created anew,
 * by ID it fails naming the folder.
 */
export function stateForRun(plan: ExportPlan, batch: ChangeBatch): ExportState {
	const next = plan.state;
	next.cursor = batch.cursor || next.cursor;
	if (plan.rootGone) {
		next.rootId = undefined;
		next.cursor = undefined;
	}
	return next;
}

/**
 * The state a run starts from: the stored one, unless it belongs to another destination or root folder (then a
 * fresh state: the destination is the truth and a full listing rebuilds what is there).
 */
export function startingState(stored: ExportState, rootRef: string, nodeName: string): ExportState {
	const state = stored.rootRef === rootRef ? stored : { ...emptyExportState(), rootRef };
	state.node = nodeName;
	return state;
}

/**
 * The root folder is gone. With "stop" every record is skipped (the plan says so) and the run succeeds; with
 * "recreate" the run stops and says what the next run does.
 */
export function rootGoneStopsRun(
	plan: ExportPlan,
	policy: Pick<ExportPolicy, 'onFolderDeleted'>,
): boolean {
	return plan.rootGone && policy.onFolderDeleted !== 'stop';
}

/**
 * Which state each root uses. One root (the default) keeps its state under the node's own key, as always. With a
 * root per item, the root that key already belongs to keeps it (a fresh node: the first root), and every other
 * root gets its own key beside it, so no root's state replaces another's.
 */
export function stateSlots(
	rootRefs: string[],
	mainRef: string | undefined,
	rootPerItem: boolean,
): Map<string, 'main' | 'own'> {
	const slots = new Map<string, 'main' | 'own'>();
	let mainTaken = rootRefs.includes(mainRef ?? '\u0000');
	for (const ref of rootRefs) {
		const main = !rootPerItem || ref === mainRef || (!mainTaken && mainRef === undefined);
		if (main) mainTaken = true;
		slots.set(ref, main ? 'main' : 'own');
	}
	return slots;
}
