import { idFingerprint } from '../state/collectRecords';
import type { CollectState } from '../state/collectState';
import { contentOf, type CollectPlan, type LedgerOptions, type Outcome } from './collectLedger';

/**
 * What a manual run (a preview) can go by. n8n 2.x hands a manual run the static data saved by production runs;
 * n8n 1.x hands it none (the editor's copy of the workflow has none). The signal is behavioural, not a version
 * string: a manual run that finds no state while n8n's deduplication store says this node has saved one.
 *
 * - ownState: the node's own state (or a node that never ran in production): plan as the next production run would.
 * - storeMirror: no state handed over, but production runs mirrored every file they placed (collected, skipped,
 *   taken as already there) in the store: everything the store cannot place is what the next production run collects.
 * - cannotTell: no state handed over, and a first production run took more files as already there than it mirrors:
 *   the preview cannot tell new files from those, and says so instead of listing.
 */
export type PreviewBasis = 'ownState' | 'storeMirror' | 'cannotTell';

/** What the store says about this node's saved state (read by a manual run). */
export type MirrorState = 'none' | 'placed' | 'baselineUnplaced';

/** A first run mirrors its baseline only up to this many files (one short hash each in n8n's store). */
export const BASELINE_MIRROR_LIMIT = 1000;

/** A state as a node that never ran has it: nothing recorded, no cursor. */
export function isEmptyState(state: CollectState): boolean {
	return (
		!state.cursor &&
		!state.collected &&
		!state.known &&
		state.pending.length === 0 &&
		state.history.length === 0 &&
		state.total === 0
	);
}

export function previewBasis(input: { stateEmpty: boolean; mirror: MirrorState }): PreviewBasis {
	if (!input.stateEmpty || input.mirror === 'none') return 'ownState';
	return input.mirror === 'placed' ? 'storeMirror' : 'cannotTell';
}

export interface PlacedByRun {
	/** Files this production run placed for good: a later preview without the state must leave them out. */
	placed: Array<{ idFp: string; contentFp: string }>;
	/** The baseline was too large to mirror: later previews without the state cannot tell new files apart. */
	baselineUnplaced: boolean;
}

/**
 * What a production run mirrors for later previews. Emitted files after Confirm are not placed yet (the next run
 * offers them again until Confirm, which mirrors them); a failed file comes back, so it is not placed either.
 */
export function placedByRun(
	plan: CollectPlan,
	outcomes: Map<string, Outcome>,
	options: Pick<LedgerOptions, 'commit'>,
	baselineLimit = BASELINE_MIRROR_LIMIT,
): PlacedByRun {
	const baselineUnplaced = plan.baseline.length > baselineLimit;
	const placed = baselineUnplaced ? [] : [...plan.baseline];
	for (const item of plan.duplicates)
		placed.push({ idFp: idFingerprint(item.id), contentFp: contentOf(item) });
	for (const candidate of plan.collect) {
		const outcome = outcomes.get(candidate.idFp);
		const done =
			outcome === 'skipped' ||
			outcome === 'claimedElsewhere' ||
			outcome === 'confirmedElsewhere' ||
			(outcome === 'emitted' && options.commit === 'onEmit');
		if (done) placed.push({ idFp: candidate.idFp, contentFp: candidate.contentFp });
	}
	return { placed, baselineUnplaced };
}
