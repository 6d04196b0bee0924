import {
	isStale,
	LOCK_MARKER,
	lockStep,
	retryDelayMs,
	STALE_AFTER_MS,
} from '../../nodes/shared/sync/storeLock';

describe('the lock in n8n’s deduplication store (issue 22)', () => {
	it('is held when the store inserted the row: every value came back new, the marker too', () => {
		expect(lockStep({ outcome: 'answered', processed: [] })).toEqual({ lock: 'held' });
	});

	it('is taken by another execution when the marker was already in the row', () => {
		expect(lockStep({ outcome: 'answered', processed: [LOCK_MARKER] })).toEqual({
			lock: 'wait',
			sameRow: false,
		});
	});

	it('tells the same holder’s row by the probe the previous attempt left in it', () => {
		expect(lockStep({ outcome: 'answered', processed: [LOCK_MARKER, 'p1'] }, 'p1')).toEqual({
			lock: 'wait',
			sameRow: true,
		});
		expect(lockStep({ outcome: 'answered', processed: [LOCK_MARKER] }, 'p1')).toEqual({
			lock: 'wait',
			sameRow: false,
		});
	});

	it('waits when its insert lost the race (a primary key violation, in each database’s wording)', () => {
		for (const message of [
			'duplicate key value violates unique constraint "PK_ca04b9d8dc72de268fe07a65773"',
			'SQLITE_CONSTRAINT: UNIQUE constraint failed: processed_data.context, processed_data.workflowId',
			"ER_DUP_ENTRY: Duplicate entry '-wf1' for key 'PRIMARY'",
		]) {
			expect(lockStep({ outcome: 'failed', message })).toEqual({ lock: 'wait', sameRow: false });
		}
	});

	it('gives up on the lock (the run goes on as without a store) when the store fails otherwise', () => {
		expect(lockStep({ outcome: 'failed', message: 'Connection terminated unexpectedly' })).toEqual({
			lock: 'unavailable',
		});
	});

	it('takes a row over only after one and the same row stood for the stale time', () => {
		expect(isStale(1000, 1000 + STALE_AFTER_MS - 1)).toBe(false);
		expect(isStale(1000, 1000 + STALE_AFTER_MS)).toBe(true);
	});

	it('waits a short, spread and bounded time between attempts', () => {
		expect(retryDelayMs(0, 0)).toBe(5);
		expect(retryDelayMs(0, 1)).toBe(10);
		expect(retryDelayMs(20, 1)).toBe(200);
		expect(retryDelayMs(20, 0)).toBe(100);
	});
});
