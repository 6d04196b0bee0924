import fc from 'fast-check';
import type { IExecuteFunctions } from 'n8n-workflow';
import {
	claimCandidates,
	claimValue,
	readMirror,
	recordMirror,
	releaseClaims,
} from '../../nodes/CollectNewFiles/overlapGuard';
import { lockClock, type LockClock } from '../../nodes/CollectNewFiles/storeLock';
import { idFingerprint } from '../../nodes/shared/state/collectRecords';
import { collectStateSchema } from '../../nodes/shared/state/collectState';
import { claimedVerdict, type Candidate } from '../../nodes/shared/sync/collectLedger';
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

/** Downloads fail too: a run that cannot read a file gives its claim back and looks at it again next run. */
const executionArb = fc
	.subarray(
		FILES.map((_, i) => i),
		{ minLength: 1 },
	)
	.chain((sees) => fc.record({ sees: fc.constant(sees), fails: fc.subarray(sees) }));

/**
 * What a run saves (its copy of the static data): files recorded as done, files to look at again next run with the
 * attempts so far (a failed download, or a file another run had claimed: ledger.retry), and what its listing showed
 * (the cursor moves past it, so a later run sees those files again only through the retry list).
 */
interface Ledger {
	done: Set<string>;
	retry: Map<string, number>;
	listed: Set<string>;
}

const emptyLedger = (): Ledger => ({ done: new Set(), retry: new Map(), listed: new Set() });

function candidate(file: string): Candidate {
	const idFp = idFingerprint(file);
	return { idFp, contentFp: '*', item: { id: file, name: `${file}.pdf` } } as unknown as Candidate;
}

function contextFor(store: RowDeduplicator, who: string): IExecuteFunctions {
	return {
		helpers: store.helpersFor(NODE_ID, who),
		logger: undefined,
	} as unknown as IExecuteFunctions;
}

/**
 * One Collect run's store calls, in collect.operation.ts's order, and the ledger it saves, as collectLedger.ts
 * decides it (claimedVerdict: on emit, a claim seen on a second look is final, on first sight the file is held).
 */
async function collectRun(
	store: RowDeduplicator,
	who: string,
	ledger: Ledger,
	run: Execution,
): Promise<{ delivered: string[]; ledger: Ledger }> {
	const ctx = contextFor(store, who);
	const listed = run.sees.map((i) => FILES[i]).filter((file) => !ledger.listed.has(file));
	const fresh = [...new Set([...listed, ...ledger.retry.keys()])].filter(
		(file) => !ledger.done.has(file),
	);
	const taken = (await claimCandidates(ctx, NODE_ID, fresh.map(candidate))) ?? new Set<string>();
	const mine = fresh.filter((file) => !taken.has(idFingerprint(file)));
	const failed = mine.filter((file) => run.fails.includes(FILES.indexOf(file)));
	const delivered = mine.filter((file) => !failed.includes(file));
	await releaseClaims(
		ctx,
		failed.map((file) => claimValue(NODE_ID, idFingerprint(file), '*')),
	);
	const next: Ledger = {
		done: new Set(ledger.done),
		retry: new Map(ledger.retry),
		listed: new Set([...ledger.listed, ...listed]),
	};
	for (const file of delivered) {
		next.done.add(file);
		next.retry.delete(file);
	}
	const takenFiles = fresh.filter((f) => taken.has(idFingerprint(f)));
	const placed = takenFiles.length
		? (await readMirror(ctx, NODE_ID, takenFiles.map(candidate))).placed
		: new Set<string>();
	const saved = {
		...collectStateSchema.empty(),
		retry: [...ledger.retry].map(([id, attempts]) => ({ id, attempts })),
	};
	const doneElsewhere: string[] = [];
	for (const file of takenFiles) {
		if (
			claimedVerdict(saved, file, placed.has(idFingerprint(file)), {
				commit: 'onEmit',
				retryFailed: 3,
			}) === 'claimedElsewhere'
		) {
			doneElsewhere.push(file);
			next.done.add(file);
			next.retry.delete(file);
		} else next.retry.set(file, (ledger.retry.get(file) ?? 0) + 1);
	}
	for (const file of failed) next.retry.set(file, (ledger.retry.get(file) ?? 0) + 1);
	// What the run placed (handed out, or done elsewhere) goes to the mirror, as placedByRun says.
	const mirrored = [...delivered, ...doneElsewhere].map((file) => ({
		idFp: idFingerprint(file),
		contentFp: '*',
	}));
	await recordMirror(ctx, NODE_ID, mirrored, { state: false, baselineUnplaced: false });
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
	const store = new RowDeduplicator(
		async (label) => void (await s.schedule(Promise.resolve(label), label)),
	);
	const saved = { ...lockClock };
	Object.assign(lockClock, scheduledClock(s));
	try {
		const handedOut = new Map<string, string[]>();
		let staticData = emptyLedger();
		const snapshot = staticData;
		const all = Promise.all(
			runs.map(async (run, i) => {
				const who = `run${i + 1}`;
				const result = await collectRun(store, who, snapshot, run);
				for (const file of result.delivered)
					handedOut.set(file, [...(handedOut.get(file) ?? []), who]);
				// Last writer wins: whoever ends last saves its copy.
				staticData = result.ledger;
			}),
		);
		await s.waitFor(all);
		// Afterwards, runs alone (from what was saved) see every file that arrived, and nothing fails: a held file gets
		// its second look, and a file given back is handed out.
		for (const who of ['later', 'later again']) {
			const after = await s.waitFor(
				collectRun(store, who, staticData, { sees: FILES.map((_, i) => i), fails: [] }),
			);
			for (const file of after.delivered)
				handedOut.set(file, [...(handedOut.get(file) ?? []), who]);
			staticData = after.ledger;
		}

		const twice = [...handedOut].filter(([, by]) => by.length > 1);
		if (twice.length)
			throw new Error(
				`handed out more than once: ${twice.map(([file, by]) => `${file} by ${by.join(', ')}`).join('; ')}`,
			);
		const lost = FILES.filter((file) => !handedOut.has(file));
		if (lost.length) throw new Error(`never handed out: ${lost.join(', ')}`);
		const unclaimed = [...handedOut.keys()].filter(
			(file) => !store.holds(claimValue(NODE_ID, idFingerprint(file), '*')),
		);
		if (unclaimed.length)
			throw new Error(
				`handed out but no longer claimed in the store (a lost write): ${unclaimed.join(', ')}`,
			);
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
			fc.asyncProperty(
				fc.scheduler(),
				fc.array(executionArb, { minLength: 2, maxLength: 3 }),
				async (s, runs) => {
					await overlappingBurst(s, runs);
				},
			),
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
	// Found with failing downloads on (seed 169449513 of the property above): run1 claims c and cannot read it, gives
	// the claim back; run3 saw the claim first and recorded c as done in its copy, which n8n saved last: c was never
	// collected. On emit, a claim seen for the first time now holds the file for a second look.
	it('a receipt another execution claimed and then failed to read is still collected by a later run', async () => {
		await fc.assert(
			fc.asyncProperty(fc.scheduler(), async (s) => {
				await overlappingBurst(s, [
					{ sees: [2], fails: [2] },
					{ sees: [0, 2, 3, 4], fails: [0, 4] },
					{ sees: [1, 2, 3], fails: [] },
				]);
			}),
			{ numRuns: 100, seed: 169449513 },
		);
	});
});
