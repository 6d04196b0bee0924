/**
 * A lock built from the one atomic step n8n's deduplication store has (pure decisions; the runner is
 * nodes/CollectNewFiles/storeLock.ts).
 *
 * The store (`helpers.checkProcessedAndRecord`, n8n 1.123.81 and 2.41.1 alike: packages/cli/src/deduplication/
 * deduplication-helper.ts) keeps every value of one context in ONE database row (`processed_data`, primary key
 * (context, workflowId)) and records by reading the row, adding to it and writing the whole row back: no
 * transaction, no lock. Two calls at once both read the old row; both answer "new" for the same value, and the
 * later write drops what the earlier one added. Nothing atomic is offered to nodes on either line, except that the
 * row's FIRST write is an INSERT, which the primary key lets only one caller win (the others get a unique
 * violation). So the lock is the existence of a row: the node's own context ('node' scope, `n:<node id>`), created
 * by the holder with the marker value, deleted on release (`clearAllProcessedItems`).
 *
 * - The insert path answers every value "new", including the marker: held.
 * - The update path (the row is there) answers the marker "processed": another execution holds it. It also adds
 *   our probe to the row, which tells us next time whether it is still the same row (the same holder).
 * - A unique violation: another execution inserted between our read and our insert: held by them.
 * - The same row for STALE_AFTER_MS: its holder died between taking and giving back the lock (that is one store
 *   call long), so it is removed and taken again.
 */

/** The value every holder inserts with the row. */
export const LOCK_MARKER = 'cloudsync:lock';

/** Waiting longer than this for one and the same lock row means its holder is gone. */
export const STALE_AFTER_MS = 30_000;

/** What one attempt to take the lock saw: the store `answered` (with what it processed) or `failed`. */
export type LockAttempt =
	{ outcome: 'answered'; processed: readonly string[] } | { outcome: 'failed'; message: string };

/** The next step after an attempt: `lock` says where the lock stands for us (held, wait for it, unavailable). */
export type LockStep =
	| { lock: 'held' }
	/** Another execution holds it: wait, then try again (`sameRow`: the row seen before is still there). */
	| { lock: 'wait'; sameRow: boolean }
	/** The store failed for another reason than a taken lock: no lock to be had (run as without the store). */
	| { lock: 'unavailable' };

// PostgreSQL, SQLite and MySQL/MariaDB wordings of a primary key violation (typeorm passes the driver's message on).
const UNIQUE_VIOLATION =
	/duplicate key|unique constraint|UNIQUE constraint failed|Duplicate entry|SQLITE_CONSTRAINT|ER_DUP_ENTRY/i;

/**
 * `previousProbe`: the probe value sent with the previous attempt, if that attempt found the lock taken. Its
 * being "processed" now means the row that held it then is the row that holds it now.
 */
export function lockStep(attempt: LockAttempt, previousProbe?: string): LockStep {
	if (attempt.outcome === 'failed')
		return UNIQUE_VIOLATION.test(attempt.message)
			? { lock: 'wait', sameRow: false }
			: { lock: 'unavailable' };
	if (!attempt.processed.includes(LOCK_MARKER)) return { lock: 'held' };
	return {
		lock: 'wait',
		sameRow: previousProbe !== undefined && attempt.processed.includes(previousProbe),
	};
}

/** Whether a lock row seen since `sameRowSince` (ms) is stale at `now`. */
export function isStale(sameRowSince: number, now: number): boolean {
	return now - sameRowSince >= STALE_AFTER_MS;
}

/** How long to wait before the next attempt: short and spread, so waiting executions do not retry in step. */
export function retryDelayMs(attempt: number, random: number): number {
	const ceiling = Math.min(200, 10 * 2 ** Math.min(attempt, 5));
	return Math.round(ceiling / 2 + (random * ceiling) / 2);
}
