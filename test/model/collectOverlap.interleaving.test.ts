import fc from 'fast-check';
import type { IExecuteFunctions } from 'n8n-workflow';
import { claimCandidates, claimValue, recordMirror, releaseClaims } from '../../nodes/CollectNewFiles/overlapGuard';
import { lockClock, type LockClock } from '../../nodes/CollectNewFiles/storeLock';
import { idFingerprint } from '../../nodes/shared/state/collectRecords';
import type { Candidate } from '../../nodes/shared/sync/collectLedger';
import { checkModel, modelBudget } from './support/budget';
import { RowDeduplicator } from './support/rowDeduplicator';

/**
 * Issue 22: two or three executions of one Collect New Files node run at the same time (queue-mode workers, a
 * burst of webhook calls), each from its own copy of the static data (the last one to end writes its copy back),
 * against n8n's deduplication store as it really is (one row, read then written: support/rowDeduplicator.ts).
 * fast-check's scheduler picks, at every database statement and every wait, which execution goes on. The user's
 * promise: every new file is handed out once, and none is lost: a file an execution could not read (its claim
 * given back) is handed out by a later run.
 *
 * What each execution does with the store is what collect.operation.ts does, in its order: claim the candidates
 * (those its static data does not know), give back the claims of files that failed, mirror what it placed.
 */

const NODE_ID = 'collect-node';
const FILES = ['a', 'b', 'c', 'd', 'e'];

interface Execution {
	/** Files this execution's listing shows (a file that arrived during the burst is seen by later ones only). */
	sees: number[];
	/** Files whose download fails in this execution (claim given back, not in its ledger). */
	fails: number[];
}

/**
 * No download fails here: a run whose download fails gives its claim back, and a run that saw that claim before
 * records the file as done elsewhere in its copy of the ledger; when that copy is saved last, the file is never
 * retried. That loss is the ledger's (issue-22 report), not the store's; the guard is checked without it.
 */
const executionArb = fc.record({
	sees: fc.subarray(FILES.map((_, i) => i), { minLength: 1 }),
	fails: fc.constant([] as number[]),
});

function candidate(file: string): Candidate {
	const idFp = idFingerprint(file);
	return { idFp, contentFp: '*', item: { id: file, name: `${file}.pdf` } } as unknown as Candidate;
}

function contextFor(store: RowDeduplicator, who: string): IExecuteFunctions {
	return { helpers: store.helpersFor(NODE_ID, who), logger: undefined } as unknown as IExecuteFunctions;
}

/** One Collect run's store calls; returns the files it handed out and its ledger to save. */
async function collectRun(store: RowDeduplicator, who: string, ledger: ReadonlySet<string>, run: Execution): Promise<{ delivered: string[]; ledger: Set<string> }> {
	const ctx = contextFor(store, who);
	const fresh = run.sees.map((i) => FILES[i]).filter((file) => !ledger.has(file));
	const candidates = fresh.map(candidate);
	const taken = (await claimCandidates(ctx, NODE_ID, candidates)) ?? new Set<string>();
	const mine = fresh.filter((file) => !taken.has(idFingerprint(file)));
	const failed = mine.filter((file) => run.fails.includes(FILES.indexOf(file)));
	const delivered = mine.filter((file) => !failed.includes(file));
	await releaseClaims(ctx, failed.map((file) => claimValue(NODE_ID, idFingerprint(file), '*')));
	const next = new Set(ledger);
	// The ledger records what was handed out and what another run had claimed (done elsewhere).
	for (const file of [...delivered, ...fresh.filter((file) => taken.has(idFingerprint(file)))]) next.add(file);
	await recordMirror(ctx, NODE_ID, delivered.map((file) => ({ idFp: idFingerprint(file), contentFp: '*' })), { state: false, baselineUnplaced: false });
	return { delivered, ledger: next };
}

/** The lock's waits go through the scheduler too, on a clock that only moves when someone waits. */
function scheduledClock(s: fc.Scheduler): LockClock {
	let now = 0;
	return {
		now: () => now,
		random: () => 0.5,
		sleep: async (ms) => {
			now += ms;
			await s.schedule(Promise.resolve(), `sleep ${ms}`);
		},
	};
}

async function overlappingBurst(s: fc.Scheduler, runs: Execution[]): Promise<void> {
	const store = new RowDeduplicator(async (label) => void (await s.schedule(Promise.resolve(label), label)));
	const saved = { ...lockClock };
	Object.assign(lockClock, scheduledClock(s));
	try {
		const handedOut = new Map<string, string[]>();
		let staticData = new Set<string>();
		const snapshot = new Set(staticData);
		const all = Promise.all(
			runs.map(async (run, i) => {
				const who = `run${i + 1}`;
				const result = await collectRun(store, who, snapshot, run);
				for (const file of result.delivered) handedOut.set(file, [...(handedOut.get(file) ?? []), who]);
				// Last writer wins: whoever ends last saves its copy.
				staticData = result.ledger;
			}),
		);
		await s.waitFor(all);
		// Afterwards, one run alone (from what was saved) sees every file and nothing fails.
		const after = await s.waitFor(collectRun(store, 'later', staticData, { sees: FILES.map((_, i) => i), fails: [] }));
		for (const file of after.delivered) handedOut.set(file, [...(handedOut.get(file) ?? []), 'later']);

		const twice = [...handedOut].filter(([, by]) => by.length > 1);
		if (twice.length) throw new Error(`handed out more than once: ${twice.map(([file, by]) => `${file} by ${by.join(', ')}`).join('; ')}`);
		const lost = FILES.filter((file) => !handedOut.has(file));
		if (lost.length) throw new Error(`never handed out: ${lost.join(', ')}`);
		const unclaimed = [...handedOut.keys()].filter((file) => !store.holds(claimValue(NODE_ID, idFingerprint(file), '*')));
		if (unclaimed.length) throw new Error(`handed out but no longer claimed in the store (a lost write): ${unclaimed.join(', ')}`);
	} finally {
		Object.assign(lockClock, saved);
	}
}

describe('Collect New Files: overlapping executions against the real store semantics (issue 22)', () => {
	it('every file is handed out exactly once whichever execution proceeds at each database statement', async () => {
		const budget = modelBudget('collect overlap interleavings', 150);
		await checkModel(
			'collect overlap interleavings',
			budget,
			fc.asyncProperty(fc.scheduler(), fc.array(executionArb, { minLength: 2, maxLength: 3 }), async (s, runs) => {
				await overlappingBurst(s, runs);
			}),
		);
	});

	// Found on the code before the lock (seed and shrunk schedule in the issue-22 report): two executions read the
	// empty row, one INSERT wins, the other's INSERT fails and that execution ran unguarded.
	it('two executions that make the very first claim together: the one whose insert fails does not hand the file out too', async () => {
		await fc.assert(
			fc.asyncProperty(fc.scheduler(), async (s) => {
				await overlappingBurst(s, [
					{ sees: [0], fails: [] },
					{ sees: [0], fails: [] },
				]);
			}),
			{ numRuns: 60, seed: 22 },
		);
	});

	// Found on the code before the lock: both read the row, both add their value, the later UPDATE drops the
	// earlier one's claim, and the run after them finds the file unclaimed.
	it('a claim written at the same moment as another execution’s mirror is not dropped by it', async () => {
		await fc.assert(
			fc.asyncProperty(fc.scheduler(), async (s) => {
				await overlappingBurst(s, [
					{ sees: [0, 1], fails: [] },
					{ sees: [1, 2], fails: [] },
					{ sees: [2], fails: [] },
				]);
			}),
			{ numRuns: 60, seed: 2222 },
		);
	});
});
