import { randomBytes } from 'crypto';
import type { IExecuteFunctions } from 'n8n-workflow';
import { isStale, LOCK_MARKER, lockStep, retryDelayMs } from '../shared/sync/storeLock';

/**
 * Runs `work` (calls to the deduplication store's workflow scope) while holding the node's lock in that store, so
 * the store's read-modify-write of the workflow row is never interleaved with another execution's: a claim then
 * cannot be answered "new" to two executions, and no execution's write drops another's values. Why a lock and how
 * it is taken: nodes/shared/sync/storeLock.ts. Without a store, or when the store fails otherwise, `work` runs as
 * it did before (each caller already handles a store that is missing or failing).
 */

type LockHelpers = Partial<
	Pick<IExecuteFunctions['helpers'], 'checkProcessedAndRecord' | 'clearAllProcessedItems'>
>;

export interface LockClock {
	now(): number;
	sleep(ms: number): Promise<void>;
	random(): number;
}

/** Real time; the interleaving model test replaces its fields with a scheduler's. */
export const lockClock: LockClock = {
	now: () => Date.now(),
	sleep: async (ms) => await new Promise((resolve) => setTimeout(resolve, ms)),
	random: () => Math.random(),
};

export async function withStoreLock<T>(
	ctx: IExecuteFunctions,
	work: () => Promise<T>,
	clock: LockClock = lockClock,
): Promise<T> {
	const helpers = ctx.helpers as LockHelpers;
	if (
		typeof helpers.checkProcessedAndRecord !== 'function' ||
		typeof helpers.clearAllProcessedItems !== 'function'
	)
		return await work();
	const held = await takeLock(helpers as Required<LockHelpers>, clock);
	if (!held) return await work();
	try {
		return await work();
	} finally {
		await giveBack(helpers as Required<LockHelpers>);
	}
}

async function takeLock(helpers: Required<LockHelpers>, clock: LockClock): Promise<boolean> {
	const run = randomBytes(6).toString('hex');
	let previousProbe: string | undefined;
	let sameRowSince = clock.now();
	for (let attempt = 0; ; attempt++) {
		const probe = `cloudsync:probe:${run}:${attempt}`;
		let step;
		try {
			const values = previousProbe ? [LOCK_MARKER, probe, previousProbe] : [LOCK_MARKER, probe];
			const answer = await helpers.checkProcessedAndRecord(values, 'node', { mode: 'entries' });
			step = lockStep(
				{ outcome: 'answered', processed: answer.processed.map(String) },
				previousProbe,
			);
			// The probe now in the row names this row at the next attempt; a probe that was not added (the row
			// held it already) cannot be, so the previous one stays the reference.
			if (step.lock === 'wait') previousProbe = step.sameRow ? previousProbe : probe;
		} catch (error) {
			step = lockStep({ outcome: 'failed', message: (error as Error)?.message ?? String(error) });
			previousProbe = undefined;
		}
		if (step.lock === 'held') return true;
		if (step.lock === 'unavailable') return false;
		if (!step.sameRow) sameRowSince = clock.now();
		else if (isStale(sameRowSince, clock.now())) {
			// Its holder is gone (a worker stopped inside one store call): take the row away.
			await helpers.clearAllProcessedItems('node', { mode: 'entries' }).catch(() => undefined);
			previousProbe = undefined;
			sameRowSince = clock.now();
			continue;
		}
		await clock.sleep(retryDelayMs(attempt, clock.random()));
	}
}

async function giveBack(helpers: Required<LockHelpers>): Promise<void> {
	for (let attempt = 0; attempt < 3; attempt++) {
		try {
			await helpers.clearAllProcessedItems('node', { mode: 'entries' });
			return;
		} catch {
			// A failed delete leaves the row: the next holder takes it over after STALE_AFTER_MS. Try again first.
		}
	}
}
