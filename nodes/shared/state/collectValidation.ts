import { FINGERPRINT_LENGTH } from './fingerprint';
import {
	COLLECT_STATE_OWNER,
	type CollectHistoryEntry,
	type CollectState,
	type PendingEntry,
	type RetryEntry,
} from './collectState';
import type { CheckedState } from './staticData';

/**
 * Collect New Files' stored state checked field by field before use (issue 18 point 5). The ledger is the only
 * record of what was delivered (the source does not say), so it is never rebuilt by guessing: readable entries are
 * kept, unreadable ones dropped, and when the ledger as a whole cannot be trusted to tell delivered files from new
 * ones the node starts over "from now" (`startOver`): the folder's files as they are now become known without being
 * delivered, at the latest cursor. Nothing is delivered twice; what was added before this run is not collected. Pure.
 */

export interface CheckedCollectState extends CheckedState<CollectState> {
	/** Start over from now: list the folder, mark everything in it known, deliver nothing (the node says so). */
	startOver: boolean;
}

type Loose = Record<string, unknown>;

const RECORD_LENGTH = FINGERPRINT_LENGTH * 2;
/** `<id fingerprint><content fingerprint or NO_CONTENT dots>`, see FileRecords. */
const RECORD = new RegExp(
	`^[A-Za-z0-9_-]{${FINGERPRINT_LENGTH}}(?:[A-Za-z0-9_-]{${FINGERPRINT_LENGTH}}|\\.{${FINGERPRINT_LENGTH}})$`,
);

function isObject(value: unknown): value is Loose {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isText = (value: unknown): value is string => typeof value === 'string';
const optional = (value: unknown, check: (v: unknown) => boolean) =>
	value === undefined || check(value);
const isCount = (value: unknown) =>
	typeof value === 'number' && Number.isInteger(value) && value >= 0;

function plural(count: number, one: string, many = `${one}s`): string {
	return `${count} ${count === 1 ? one : many}`;
}

/** A FileRecords string: its readable records, how many were not, and whether it could be read at all. */
export function checkFileRecords(value: unknown): {
	records: string;
	dropped: number;
	total: number;
	unusable: boolean;
} {
	// Records are fixed-width: text of another length has lost its alignment, and no entry can be told apart.
	if (!isText(value) || value.length % RECORD_LENGTH !== 0)
		return { records: '', dropped: 0, total: 0, unusable: true };
	const kept: string[] = [];
	let total = 0;
	for (let i = 0; i < value.length; i += RECORD_LENGTH) {
		total++;
		const record = value.slice(i, i + RECORD_LENGTH);
		if (RECORD.test(record)) kept.push(record);
	}
	return { records: kept.join(''), dropped: total - kept.length, total, unusable: false };
}

function validPending(entry: unknown): entry is PendingEntry {
	return (
		isObject(entry) &&
		[entry.id, entry.name, entry.path, entry.content, entry.collectedAt, entry.execution].every(
			isText,
		) &&
		optional(entry.size, (v) => typeof v === 'number') &&
		[entry.hash, entry.mimeType, entry.native, entry.modifiedAt].every((v) =>
			optional(v, isText),
		) &&
		optional(entry.changed, (v) => typeof v === 'boolean')
	);
}

function validHistory(entry: unknown): entry is CollectHistoryEntry {
	return (
		isObject(entry) &&
		[entry.id, entry.name, entry.path, entry.collectedAt].every(isText) &&
		optional(entry.size, (v) => typeof v === 'number') &&
		optional(entry.modifiedAt, isText) &&
		optional(entry.changed, (v) => typeof v === 'boolean')
	);
}

function validRetry(entry: unknown): entry is RetryEntry {
	return (
		isObject(entry) &&
		isText(entry.id) &&
		isCount(entry.attempts) &&
		optional(entry.held, (v) => v === true)
	);
}

/** Keeps the valid entries of a list field; notes how many were dropped, or that the field was not a list. */
function checkList<T>(
	value: unknown,
	valid: (entry: unknown) => entry is T,
	labels: { list: string; entry: string; entries: string },
	problems: string[],
): T[] {
	if (!Array.isArray(value)) {
		problems.push(`its ${labels.list} could not be read`);
		return [];
	}
	const kept = value.filter(valid);
	if (kept.length < value.length)
		problems.push(
			`${plural(value.length - kept.length, labels.entry, labels.entries)} of ${value.length} could not be read`,
		);
	return kept;
}

/** Keeps every valid part of a stored Collect New Files state; lists what it dropped; says when to start over. */
export function validateCollectState(stored: CollectState): CheckedCollectState {
	const state: CollectState = {
		kind: COLLECT_STATE_OWNER,
		collected: '',
		known: '',
		pending: [],
		history: [],
		total: 0,
	};
	if (!isObject(stored)) {
		return {
			state,
			problems: [
				'the saved state is not an object ' +
					`(${Array.isArray(stored) ? 'a list' : typeof stored}), so none of it could be read`,
			],
			startOver: true,
		};
	}
	const raw = stored as unknown as Loose;
	const problems: string[] = [];

	if (raw.node !== undefined) {
		if (isText(raw.node)) state.node = raw.node;
		else problems.push('its node name was not text');
	}
	if (raw.folder !== undefined) {
		const folder = raw.folder;
		if (
			isObject(folder) &&
			[folder.key, folder.id, folder.name].every(isText) &&
			optional(folder.path, isText)
		) {
			state.folder = {
				key: folder.key as string,
				id: folder.id as string,
				name: folder.name as string,
				...(isText(folder.path) ? { path: folder.path } : {}),
			};
		} else
			problems.push(
				'its watched folder could not be read (found again from the "Folder" parameter)',
			);
	}
	if (raw.cursor !== undefined) {
		if (isText(raw.cursor) && raw.cursor !== '') state.cursor = raw.cursor;
		else problems.push('its change cursor could not be read');
	}
	if (raw.drain !== undefined) {
		if (raw.drain === 'listing') state.drain = 'listing';
		else problems.push('its listing marker could not be read');
	}
	if (raw.moveTarget !== undefined) {
		const target = raw.moveTarget;
		if (isObject(target) && isText(target.name) && isText(target.id))
			state.moveTarget = { name: target.name, id: target.id };
		else problems.push('its "move to subfolder" target could not be read (found again by name)');
	}

	// The ledger: collected and known documents.
	let ledgerUnusable = false;
	let ledgerDropped = 0;
	for (const field of ['collected', 'known'] as const) {
		const checked = checkFileRecords(raw[field]);
		state[field] = checked.records;
		ledgerUnusable ||= checked.unusable;
		ledgerDropped += checked.dropped;
		const label = field === 'collected' ? 'collected files' : 'known files';
		if (checked.unusable) problems.push(`its list of ${label} could not be read`);
		else if (checked.dropped > 0)
			problems.push(
				`${plural(checked.dropped, 'entry', 'entries')} of ${checked.total} in its list of ${label} could not be read`,
			);
	}

	state.pending = checkList(
		raw.pending,
		validPending,
		{
			list: 'list of files awaiting confirmation',
			entry: 'file awaiting confirmation',
			entries: 'files awaiting confirmation',
		},
		problems,
	);
	state.history = checkList(
		raw.history,
		validHistory,
		{ list: 'history', entry: 'history entry', entries: 'history entries' },
		problems,
	);
	if (raw.retry !== undefined) {
		const retry = checkList(
			raw.retry,
			validRetry,
			{ list: 'list of files to retry', entry: 'file to retry', entries: 'files to retry' },
			problems,
		);
		if (retry.length > 0) state.retry = retry;
	}
	if (isCount(raw.total)) state.total = raw.total as number;
	else {
		// A count for display only: the best lower bound left is what the history still lists.
		state.total = state.history.length;
		problems.push('its count of collected files could not be read');
	}

	// Start over when the ledger cannot tell delivered from new: unreadable as a whole, or entries lost while
	// this run would list the folder (no cursor, a pending listing, or a folder to find again), where every file
	// whose entry was lost would look new.
	const listsThisRun =
		state.cursor === undefined || state.drain === 'listing' || state.folder === undefined;
	const startOver = ledgerUnusable || (ledgerDropped > 0 && listsThisRun);
	if (startOver) {
		delete state.cursor;
		delete state.drain;
	}
	return { state, problems, startOver };
}

/** The warning a repaired Collect New Files state puts on the run's output: what was wrong and what happened. */
export function collectStateWarning(
	nodeName: string,
	checked: Pick<CheckedCollectState, 'problems' | 'startOver'>,
): string {
	const what = `Collect New Files "${nodeName}": its saved state was damaged (${checked.problems.join('; ')}).`;
	if (checked.startOver) {
		return (
			`${what} It started over from now: the files in the folder now are not ` +
			'delivered (again), and files added before this run are not collected. ' +
			'To collect one of those, add it to the folder again as a new file; ' +
			"if this repeats, check what edits the workflow's static data."
		);
	}
	return (
		`${what} The readable entries were kept (a file whose entry was lost is delivered ` +
		'again only if it changes); the unreadable parts start afresh. Nothing needs doing; ' +
		"if this repeats, check what edits the workflow's static data."
	);
}
