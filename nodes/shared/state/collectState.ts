import type { IDataObject } from 'n8n-workflow';
import { validateCollectState } from './collectValidation';
import type { StateOwner, StateSchema } from './staticData';

/** One line of the history: what was collected, when, from where. */
export interface CollectHistoryEntry {
	id: string;
	name: string;
	path: string;
	size?: number;
	modifiedAt?: string;
	collectedAt: string;
	/** Collected again because its content changed. */
	changed?: boolean;
}

/** A document emitted under the after-confirm policy and not confirmed yet. */
export interface PendingEntry {
	id: string;
	name: string;
	path: string;
	size?: number;
	hash?: string;
	mimeType?: string;
	/** An exported document: its native type, so a redelivery exports it again rather than downloading. */
	native?: string;
	modifiedAt?: string;
	/** The content fingerprint to record once confirmed. */
	content: string;
	collectedAt: string;
	/** Execution that emitted it last; Confirm in that execution commits it. */
	execution: string;
	changed?: boolean;
}

/** A file looked at again on the next runs (see CollectState.retry). */
export interface RetryEntry {
	id: string;
	attempts: number;
	held?: true;
}

export interface CollectState {
	/**
	 * Marks this static-data entry as a Collect node's state (other nodes of the package share the namespace).
	 * Stored key, read through stateOwner (staticData.ts).
	 */
	kind: typeof COLLECT_STATE_OWNER;
	/** Display name of the collecting node, so Confirm / History / Forget can find this state by name. */
	node?: string;
	/** The watched folder as resolved once (no re-resolution while the parameters stay the same). */
	folder?: { key: string; id: string; name: string; path?: string };
	/** Change-feed cursor; absent before the first run (and after "forget all"). */
	cursor?: string;
	/** A full listing was capped by "max files per run": list again next run instead of reading the feed. */
	drain?: 'listing';
	/** Collected documents: FileRecords encoding (24 chars per document). */
	collected: string;
	/** Known but not collected (there before the first run, identical duplicates, claimed by an overlapping run). */
	known: string;
	pending: PendingEntry[];
	/** Oldest first; capped. */
	history: CollectHistoryEntry[];
	/** Total number of documents collected (the history is capped, this is not). */
	total: number;
	/**
	 * Files whose reading failed (a transient error after the pacer's retries), with the runs tried so far: fetched
	 * by id on the next runs until collected or given up (options.retryFailed). `held`: instead, runs spent waiting
	 * for another execution that claimed the file (after Confirm: its Confirm), which are no reading attempts.
	 * Absent when empty.
	 */
	retry?: RetryEntry[];
	/** The "move to subfolder" target, resolved once. */
	moveTarget?: { name: string; id: string };
}

export const COLLECT_STATE_VERSION = 1;

/** Every Collect node's state carries this marker so other operations can find it. */
export const COLLECT_STATE_OWNER = 'collectNewFiles' satisfies StateOwner;

export const collectStateSchema: StateSchema<CollectState> = {
	version: COLLECT_STATE_VERSION,
	empty: () => ({
		kind: COLLECT_STATE_OWNER,
		collected: '',
		known: '',
		pending: [],
		history: [],
		total: 0,
	}),
	migrate(stored: IDataObject & { v?: number }): CollectState {
		// Version 1 is the first; an unknown shape keeps whatever fields still make sense rather than discarding them.
		const empty = collectStateSchema.empty();
		return {
			...empty,
			...(stored as unknown as Partial<CollectState>),
			kind: COLLECT_STATE_OWNER,
			collected: typeof stored.collected === 'string' ? stored.collected : '',
			known: typeof stored.known === 'string' ? stored.known : '',
			pending: Array.isArray(stored.pending) ? (stored.pending as unknown as PendingEntry[]) : [],
			history: Array.isArray(stored.history)
				? (stored.history as unknown as CollectHistoryEntry[])
				: [],
			total: typeof stored.total === 'number' ? stored.total : 0,
			...(Array.isArray(stored.retry)
				? { retry: stored.retry as unknown as CollectState['retry'] }
				: {}),
		};
	},
	// Field by field; the node reads `startOver` and the problems through loadCheckedState.
	validate: (stored) => validateCollectState(stored),
};
