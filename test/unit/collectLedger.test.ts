import { collectStateSchema, type CollectState } from '../../nodes/shared/state/collectState';
import { ledgerOptions } from './support/ledgerOptions';
import { idFingerprint } from '../../nodes/shared/state/collectRecords';
import {
	compileNamePattern,
	InvalidPatternError,
	matchesFilters,
	parseExtensions,
} from '../../nodes/shared/sync/collectFilters';
import {
	applyRun,
	claimedVerdict,
	claimsToGiveBack,
	coalesce,
	confirmPending,
	failedAttempt,
	forget,
	historyNewestFirst,
	planCollect,
	type LedgerOptions,
	type Outcome,
	type RunContext,
} from '../../nodes/shared/sync/collectLedger';
import type { Change, ChangeBatch, RemoteItem } from '../../nodes/shared/storage/types';

function file(id: string, path: string, extra: Partial<RemoteItem> = {}): RemoteItem {
	return {
		id,
		name: path.split('/').pop()!,
		path,
		isFolder: false,
		size: 100,
		hash: `h-${id}`,
		modifiedAt: '2026-01-10T10:00:00Z',
		...extra,
	};
}

const upsert = (item: RemoteItem): Change => ({ type: 'upsert', item });
const snapshot = (cursor: string, ...items: RemoteItem[]): ChangeBatch => ({
	changes: items.map(upsert),
	cursor,
	snapshot: true,
});
const delta = (cursor: string, ...changes: Change[]): ChangeBatch => ({ changes, cursor });

const baseOptions: LedgerOptions = ledgerOptions();

let executionCounter = 0;
function ctx(state: CollectState, now = '2026-02-01T09:00:00Z'): RunContext {
	return { execution: `exec-${++executionCounter}`, now, firstRun: !state.cursor };
}

/** A run where every collected file is emitted (or gets the outcome given for its id). */
function runOnce(
	state: CollectState,
	batch: ChangeBatch,
	options: Partial<LedgerOptions> = {},
	outcomeFor: (id: string) => Outcome = () => 'emitted',
	run: RunContext = ctx(state),
) {
	const opts = { ...baseOptions, ...options };
	const plan = planCollect(state, batch, run, opts);
	const outcomes = new Map(plan.collect.map((c) => [c.idFp, outcomeFor(c.item.id)]));
	const next = applyRun(state, { plan, outcomes }, run, opts);
	return { plan, next, run, ids: plan.collect.map((c) => c.item.id) };
}

describe('collect ledger', () => {
	test('seed story: 3 collected, then nothing while they stay, then the 4th once despite rename and move', () => {
		const a = file('id:a', 'r1.pdf');
		const b = file('id:b', 'r2.pdf');
		const c = file('id:c', 'r3.pdf');
		const run1 = runOnce(collectStateSchema.empty(), snapshot('c1', a, b, c));
		expect(run1.ids.sort()).toEqual(['id:a', 'id:b', 'id:c']);
		expect(run1.next.cursor).toBe('c1');

		const run2 = runOnce(run1.next, delta('c2'));
		expect(run2.ids).toEqual([]);
		// Still there and still listed in a full listing: nothing new either.
		const run2b = runOnce(run2.next, snapshot('c2b', a, b, c));
		expect(run2b.ids).toEqual([]);

		const d = file('id:d', 'r4.pdf', { hash: 'h-d' });
		const renamed = { ...d, name: 'receipt-4.pdf', path: 'receipt-4.pdf' };
		const moved = { ...renamed, path: 'sub/receipt-4.pdf' };
		const run3 = runOnce(
			run2b.next,
			delta(
				'c3',
				upsert(d),
				upsert(renamed),
				{ type: 'delete', path: 'receipt-4.pdf' },
				upsert(moved),
			),
		);
		expect(run3.ids).toEqual(['id:d']);
		expect(run3.plan.collect[0].item.path).toBe('sub/receipt-4.pdf');
		expect(run3.next.total).toBe(4);
		expect(historyNewestFirst(run3.next).map((h) => h.id)).toEqual(
			['id:d', 'id:c', 'id:b', 'id:a']
				.slice(0, 1)
				.concat(historyNewestFirst(run1.next).map((h) => h.id)),
		);

		// Renamed once more after being collected: still not new.
		const run4 = runOnce(
			run3.next,
			delta('c4', upsert({ ...moved, name: 'x.pdf', path: 'sub/x.pdf' })),
		);
		expect(run4.ids).toEqual([]);
	});

	test('a file moved in with an old modified time is collected (no clock filter)', () => {
		const start = runOnce(collectStateSchema.empty(), snapshot('c1'), {
			firstRun: { mode: 'now' },
		});
		const old = file('id:old', 'old.pdf', { modifiedAt: '2001-01-01T00:00:00Z' });
		expect(runOnce(start.next, delta('c2', upsert(old))).ids).toEqual(['id:old']);
	});

	test('first run "from now" collects nothing present, but remembers it so a later rename is not new', () => {
		const a = file('id:a', 'a.pdf');
		const first = runOnce(collectStateSchema.empty(), snapshot('c1', a), {
			firstRun: { mode: 'now' },
		});
		expect(first.ids).toEqual([]);
		const renamed = runOnce(
			first.next,
			delta('c2', upsert({ ...a, name: 'b.pdf', path: 'b.pdf' })),
			{ firstRun: { mode: 'now' } },
		);
		expect(renamed.ids).toEqual([]);
		const added = runOnce(renamed.next, delta('c3', upsert(file('id:n', 'n.pdf'))));
		expect(added.ids).toEqual(['id:n']);
	});

	test('first run "since a date" takes the later of created and modified', () => {
		const before = file('id:1', 'old.pdf', {
			modifiedAt: '2025-01-01T00:00:00Z',
			createdAt: '2025-01-01T00:00:00Z',
		});
		const copiedIn = file('id:2', 'copied.pdf', {
			modifiedAt: '2020-01-01T00:00:00Z',
			createdAt: '2026-01-05T00:00:00Z',
		});
		const after = file('id:3', 'new.pdf', { modifiedAt: '2026-01-06T00:00:00Z' });
		const run = runOnce(collectStateSchema.empty(), snapshot('c1', before, copiedIn, after), {
			firstRun: { mode: 'since', since: '2026-01-01T00:00:00Z' },
		});
		expect(run.ids.sort()).toEqual(['id:2', 'id:3']);
		// The old one is known: renaming it later does not collect it.
		expect(
			runOnce(run.next, delta('c2', upsert({ ...before, name: 'z.pdf', path: 'z.pdf' }))).ids,
		).toEqual([]);
	});

	test('identical content under a new id is a duplicate by default, collected when skipping is off', () => {
		const first = runOnce(
			collectStateSchema.empty(),
			snapshot('c1', file('id:a', 'a.pdf', { hash: 'same' })),
		);
		const copy = file('id:copy', 'copy.pdf', { hash: 'same' });
		const skipped = runOnce(first.next, delta('c2', upsert(copy)));
		expect(skipped.ids).toEqual([]);
		expect(skipped.plan.duplicates.map((d) => d.id)).toEqual(['id:copy']);
		expect(runOnce(first.next, delta('c2', upsert(copy)), { skipIdentical: false }).ids).toEqual([
			'id:copy',
		]);
		// Two identical new files in one batch: one collected.
		const twins = runOnce(
			collectStateSchema.empty(),
			snapshot('c1', file('id:x', 'x.pdf', { hash: 't' }), file('id:y', 'y.pdf', { hash: 't' })),
		);
		expect(twins.ids).toHaveLength(1);
	});

	test('content change: ignored by default, collected again when asked', () => {
		const a = file('id:a', 'a.pdf', { hash: 'v1' });
		const first = runOnce(collectStateSchema.empty(), snapshot('c1', a));
		const edited = { ...a, hash: 'v2' };
		expect(runOnce(first.next, delta('c2', upsert(edited))).ids).toEqual([]);
		const again = runOnce(first.next, delta('c2', upsert(edited)), { collectOnChange: true });
		expect(again.ids).toEqual(['id:a']);
		expect(again.plan.collect[0].reason).toBe('changed');
		expect(again.next.history.at(-1)?.changed).toBe(true);
		// A rename with the same content is not a change.
		expect(
			runOnce(again.next, delta('c3', upsert({ ...edited, name: 'b.pdf', path: 'b.pdf' })), {
				collectOnChange: true,
			}).ids,
		).toEqual([]);
	});

	test('max files per run leaves the rest for the next run, through a held feed cursor and a drained listing', () => {
		const files = ['1', '2', '3', '4', '5'].map((n, i) =>
			file(`id:${n}`, `${n}.pdf`, { modifiedAt: `2026-01-0${i + 1}T00:00:00Z` }),
		);
		// Full listing (first run): capped at 2, the next runs list again until drained.
		let state = collectStateSchema.empty();
		const run1 = runOnce(state, snapshot('L0', ...files), { maxFiles: 2 });
		expect(run1.ids).toEqual(['id:1', 'id:2']);
		expect(run1.next.drain).toBe('listing');
		expect(run1.next.cursor).toBe('L0');
		state = run1.next;
		const run2 = runOnce(state, snapshot('L0', ...files), { maxFiles: 2 });
		expect(run2.ids).toEqual(['id:3', 'id:4']);
		const run3 = runOnce(run2.next, snapshot('L0', ...files), { maxFiles: 2 });
		expect(run3.ids).toEqual(['id:5']);
		expect(run3.next.drain).toBeUndefined();
		expect(run3.next.cursor).toBe('L0');

		// Change feed: the cursor is held while files are left, so they are not lost when the feed moves on.
		const more = ['6', '7', '8'].map((n) => file(`id:${n}`, `${n}.pdf`));
		const feed1 = runOnce(run3.next, delta('F1', ...more.map(upsert)), { maxFiles: 2 });
		expect(feed1.ids).toHaveLength(2);
		expect(feed1.next.cursor).toBe('L0');
		const feed2 = runOnce(feed1.next, delta('F1', ...more.map(upsert)), { maxFiles: 2 });
		expect(feed2.ids).toHaveLength(1);
		expect(new Set([...feed1.ids, ...feed2.ids])).toEqual(new Set(['id:6', 'id:7', 'id:8']));
		expect(feed2.next.cursor).toBe('F1');
	});

	test('a failed download does not hold the others back: the cursor moves on, the file is kept for a retry; a vanished file is not recorded', () => {
		const start = runOnce(collectStateSchema.empty(), snapshot('c1'), {
			firstRun: { mode: 'now' },
		});
		const a = file('id:a', 'a.pdf');
		const b = file('id:b', 'b.pdf');
		const failing = runOnce(start.next, delta('c2', upsert(a), upsert(b)), {}, (id) =>
			id === 'id:a' ? 'failed' : 'emitted',
		);
		expect(failing.next.cursor).toBe('c2');
		expect(failing.next.retry).toEqual([{ id: 'id:a', attempts: 1 }]);
		// The runner fetches the file by id and adds it to the next batch.
		const retry = runOnce(failing.next, delta('c3', upsert(a)));
		expect(retry.ids).toEqual(['id:a']);
		expect(retry.next.retry).toBeUndefined();
		const vanished = runOnce(
			retry.next,
			delta('c4', upsert(file('id:v', 'v.pdf'))),
			{},
			() => 'vanished',
		);
		expect(vanished.next.cursor).toBe('c4');
		expect(vanished.next.total).toBe(2);
	});

	test('a file that keeps failing is tried retryFailed more times, then given up (known, never offered again)', () => {
		const start = runOnce(collectStateSchema.empty(), snapshot('c1'), {
			firstRun: { mode: 'now' },
		});
		const a = file('id:a', 'a.pdf');
		let state = start.next;
		for (let attempt = 1; attempt <= 3; attempt++) {
			const run = runOnce(
				state,
				delta(`c${attempt + 1}`, upsert(a)),
				{ retryFailed: 2 },
				() => 'failed',
			);
			expect(run.ids).toEqual(['id:a']);
			state = run.next;
			expect(state.retry).toEqual(attempt <= 2 ? [{ id: 'id:a', attempts: attempt }] : undefined);
		}
		expect(runOnce(state, delta('c9', upsert(a)), { retryFailed: 2 }).ids).toEqual([]);
		const skipped = runOnce(
			start.next,
			delta('c2', upsert(file('id:s', 's.pdf'))),
			{},
			() => 'skipped',
		);
		expect(skipped.next.retry).toBeUndefined();
		expect(runOnce(skipped.next, delta('c3', upsert(file('id:s', 's.pdf')))).ids).toEqual([]);
	});

	test('overlap guard verdicts: on emit a claim is final once placed or seen again by a later run; after Confirm only a confirmed one, else held up to retryFailed runs, then offered', () => {
		const start = collectStateSchema.empty();
		const opts = { ...baseOptions, commit: 'afterConfirm' as const, retryFailed: 2 };
		const onEmit = { ...opts, commit: 'onEmit' as const };
		// On emit: held on first sight (the claimer may still fail and give it back), final on the next run's look.
		expect(claimedVerdict(start, 'id:a', false, onEmit)).toBe('held');
		const held = runOnce(
			start,
			delta('c0', upsert(file('id:a', 'a.pdf'))),
			onEmit,
			() => 'held',
		).next;
		expect(held.retry).toEqual([{ id: 'id:a', attempts: 1, held: true }]);
		expect(claimedVerdict(held, 'id:a', false, onEmit)).toBe('claimedElsewhere');
		expect(claimedVerdict(start, 'id:a', true, onEmit)).toBe('claimedElsewhere');
		expect(claimedVerdict(start, 'id:a', true, opts)).toBe('claimedElsewhere');
		let state = start;
		const a = file('id:a', 'a.pdf');
		for (let run = 1; run <= 2; run++) {
			expect(claimedVerdict(state, 'id:a', false, opts)).toBe('held');
			state = runOnce(state, delta(`c${run}`, upsert(a)), opts, () => 'held').next;
			expect(state.retry).toEqual([{ id: 'id:a', attempts: run, held: true }]);
		}
		expect(claimedVerdict(state, 'id:a', false, opts)).toBe('offer');
	});

	test('claims given back: every candidate that failed or vanished, a redelivery too (it may come back as new); none delivered, skipped or held', () => {
		const candidate = (id: string, reason: 'new' | 'redelivery') => ({
			item: file(id, `${id}.pdf`),
			idFp: idFingerprint(id),
			contentFp: 'c',
			reason,
		});
		const all = [
			candidate('id:f', 'new'),
			candidate('id:v', 'redelivery'),
			candidate('id:e', 'new'),
			candidate('id:s', 'new'),
			candidate('id:h', 'new'),
			candidate('id:r', 'redelivery'),
		];
		const outcomes = new Map<string, Outcome>([
			[idFingerprint('id:f'), 'failed'],
			[idFingerprint('id:v'), 'vanished'],
			[idFingerprint('id:e'), 'emitted'],
			[idFingerprint('id:s'), 'skipped'],
			[idFingerprint('id:h'), 'held'],
			[idFingerprint('id:r'), 'emitted'],
		]);
		expect(claimsToGiveBack(all, outcomes).map((c) => c.item.id)).toEqual(['id:f', 'id:v']);
	});

	test('a cursor reset answered by a full listing: no duplicate, nothing missed', () => {
		const a = file('id:a', 'a.pdf');
		const b = file('id:b', 'b.pdf');
		const run1 = runOnce(collectStateSchema.empty(), snapshot('c1', a, b));
		const c = file('id:c', 'c.pdf');
		const reset = runOnce(run1.next, snapshot('fresh', { ...a, path: 'moved/a.pdf' }, b, c));
		expect(reset.ids).toEqual(['id:c']);
		expect(reset.next.cursor).toBe('fresh');
	});

	test('include subfolders off ignores deeper files', () => {
		const run = runOnce(
			collectStateSchema.empty(),
			snapshot('c', file('id:1', 'top.pdf'), file('id:2', 'sub/deep.pdf')),
			{
				includeSubfolders: false,
			},
		);
		expect(run.ids).toEqual(['id:1']);
	});

	test('filters: extension, pattern, size, date; a filtered file that later passes is collected', () => {
		const filters = {
			extensions: parseExtensions('PDF, .jpg'),
			namePattern: compileNamePattern('inv-*'),
			minSize: 10,
			maxSize: 1000,
			modifiedAfter: '2026-01-01T00:00:00Z',
		};
		const ok = file('id:ok', 'INV-1.pdf');
		expect(matchesFilters(ok, filters)).toBe(true);
		expect(matchesFilters(file('x', 'inv-1.txt'), filters)).toBe(false);
		expect(matchesFilters(file('x', 'bill.pdf'), filters)).toBe(false);
		expect(matchesFilters(file('x', 'inv-2.pdf', { size: 5 }), filters)).toBe(false);
		expect(matchesFilters(file('x', 'inv-2.pdf', { size: 5000 }), filters)).toBe(false);
		expect(
			matchesFilters(file('x', 'inv-2.pdf', { modifiedAt: '2025-06-01T00:00:00Z' }), filters),
		).toBe(false);
		const tiny = file('id:t', 'inv-3.pdf', { size: 1, hash: 'small' });
		const run1 = runOnce(collectStateSchema.empty(), snapshot('c1', ok, tiny), { filters });
		expect(run1.ids).toEqual(['id:ok']);
		const grown = runOnce(run1.next, delta('c2', upsert({ ...tiny, size: 50, hash: 'big' })), {
			filters,
		});
		expect(grown.ids).toEqual(['id:t']);
	});

	test('name patterns: regex form, and invalid patterns say why', () => {
		expect(compileNamePattern('/^a\\d+\\.pdf$/g')!.test('a12.pdf')).toBe(true);
		expect(compileNamePattern('/^a\\d+\\.pdf$/g')!.test('a12.pdf')).toBe(true);
		expect(compileNamePattern('  ')).toBeUndefined();
		expect(() => compileNamePattern('[abc')).toThrow(InvalidPatternError);
		expect(() => compileNamePattern('/(unclosed/')).toThrow(/Invalid name pattern/);
		expect(compileNamePattern('file?.[pt]df')!.test('FILE1.pdf')).toBe(true);
	});

	test('after-confirm: unconfirmed documents are offered again once, marked as redelivery, then committed', () => {
		const opts = { commit: 'afterConfirm' as const };
		const a = file('id:a', 'a.pdf');
		const start = runOnce(collectStateSchema.empty(), snapshot('c1'), {
			...opts,
			firstRun: { mode: 'now' },
		});
		const failedRun = runOnce(start.next, delta('c2', upsert(a)), opts);
		expect(failedRun.ids).toEqual(['id:a']);
		expect(failedRun.next.pending).toHaveLength(1);
		expect(failedRun.next.total).toBe(0);
		// No Confirm happened (the run failed after Collect). Next run offers it again, once.
		const next = runOnce(
			failedRun.next,
			delta('c3', upsert({ ...a, name: 'renamed.pdf', path: 'renamed.pdf' })),
			opts,
		);
		expect(next.ids).toEqual(['id:a']);
		expect(next.plan.collect[0].reason).toBe('redelivery');
		expect(next.plan.collect[0].item.name).toBe('renamed.pdf');
		const { state: confirmed, confirmed: entries } = confirmPending(
			next.next,
			{ execution: next.run.execution, now: 'x' },
			1000,
		);
		expect(entries.map((e) => e.id)).toEqual(['id:a']);
		expect(confirmed.pending).toEqual([]);
		expect(confirmed.total).toBe(1);
		expect(runOnce(confirmed, delta('c4'), opts).ids).toEqual([]);
		// Confirm in another execution commits nothing.
		expect(
			confirmPending(failedRun.next, { execution: 'other', now: 'x' }, 1000).confirmed,
		).toEqual([]);
	});

	test('on-emit: a run that fails after collecting does not offer the documents again', () => {
		const start = runOnce(collectStateSchema.empty(), snapshot('c1'), {
			firstRun: { mode: 'now' },
		});
		const emitted = runOnce(start.next, delta('c2', upsert(file('id:a', 'a.pdf'))));
		expect(runOnce(emitted.next, delta('c3')).ids).toEqual([]);
		expect(runOnce(emitted.next, snapshot('c3', file('id:a', 'a.pdf'))).ids).toEqual([]);
	});

	test('claimed by an overlapping run: remembered, not emitted', () => {
		const run = runOnce(
			collectStateSchema.empty(),
			snapshot('c1', file('id:a', 'a.pdf')),
			{},
			() => 'claimedElsewhere',
		);
		expect(run.next.total).toBe(0);
		expect(runOnce(run.next, snapshot('c2', file('id:a', 'a.pdf'))).ids).toEqual([]);
	});

	test('forget by id and forget all make files collectable again through a full listing', () => {
		const a = file('id:a', 'a.pdf');
		const b = file('id:b', 'b.pdf');
		const run1 = runOnce(collectStateSchema.empty(), snapshot('c1', a, b));
		const one = forget(run1.next, { ids: ['id:a'] });
		expect(one.forgotten).toBe(1);
		expect(one.state.drain).toBe('listing');
		expect(runOnce(one.state, snapshot('c1', a, b)).ids).toEqual(['id:a']);
		const all = forget(run1.next, { all: true });
		expect(all.forgotten).toBe(2);
		expect(runOnce(all.state, snapshot('c1', a, b)).ids.sort()).toEqual(['id:a', 'id:b']);
		expect(all.state.history).toHaveLength(2);
	});

	test('history is capped, newest first', () => {
		const files = Array.from({ length: 30 }, (_, i) =>
			file(`id:${i}`, `${i}.pdf`, { hash: `h${i}` }),
		);
		const run = runOnce(collectStateSchema.empty(), snapshot('c', ...files), { historySize: 10 });
		expect(run.next.history).toHaveLength(10);
		expect(run.next.total).toBe(30);
		const newest = historyNewestFirst(run.next);
		expect(newest[0].id).toBe(run.ids.at(-1));
	});

	test('coalesce: Dropbox move (delete old path + same id at new path) and deleted folders', () => {
		const moved = coalesce(
			delta(
				'c',
				upsert(file('id:1', 'a.pdf')),
				{ type: 'delete', path: '/A.PDF' },
				upsert(file('id:1', 'sub/a.pdf')),
			),
		);
		expect(moved.map((i) => i.path)).toEqual(['sub/a.pdf']);
		const folderGone = coalesce(
			delta('c', upsert(file('id:2', 'dir/x.pdf')), {
				type: 'delete',
				path: 'dir',
				isFolder: true,
			}),
		);
		expect(folderGone).toEqual([]);
		expect(
			coalesce(delta('c', upsert(file('id:3', 'y.pdf')), { type: 'delete', id: 'id:3' })),
		).toEqual([]);
	});

	test('coalesce: a document reached through a shortcut in scope stays, when the file itself changes or moves out of scope (soak seed 9601)', () => {
		const viaShortcut = file('id:t', 'A.pdf', { via: { id: 'id:s', name: 'A' }, parentId: 'w' });
		const inSubfolder = file('id:t', 'x/a.pdf', { hash: 'h-new', parentId: 'x' });
		const ownFilesOnly = (item: RemoteItem) => !(item.path ?? item.name).includes('/');
		const changed = coalesce(delta('c', upsert(viaShortcut), upsert(inSubfolder)), ownFilesOnly);
		expect(changed).toEqual([
			{ ...inSubfolder, path: 'A.pdf', parentId: 'w', via: viaShortcut.via },
		]);
		const movedOut = coalesce(
			delta('c', upsert(viaShortcut), { type: 'delete', id: 'id:t', movedOut: true }),
			ownFilesOnly,
		);
		expect(movedOut).toEqual([viaShortcut]);
		// Deleted or trashed: the shortcut leads nowhere.
		for (const gone of [
			{ type: 'delete' as const, id: 'id:t' },
			{ type: 'delete' as const, id: 'id:t', trashed: true },
		])
			expect(coalesce(delta('c', upsert(viaShortcut), gone), ownFilesOnly)).toEqual([]);
		// A file reached directly is its own last word, in scope or not.
		expect(
			coalesce(delta('c', upsert(file('id:t', 'A.pdf')), upsert(inSubfolder)), ownFilesOnly),
		).toEqual([inSubfolder]);
	});

	test('after Confirm: a redelivery another execution confirmed is collected as it was pending, never offered again (soak seed 9601)', () => {
		const opts = { ...baseOptions, commit: 'afterConfirm' as const };
		const a = file('id:a', 'a.pdf');
		const first = runOnce(collectStateSchema.empty(), delta('c1', upsert(a)), opts);
		expect(first.next.pending.map((p) => p.id)).toEqual(['id:a']);
		const settled = runOnce(first.next, delta('c2'), opts, () => 'confirmedElsewhere');
		expect(settled.plan.collect.map((c) => c.reason)).toEqual(['redelivery']);
		expect(settled.next.pending).toEqual([]);
		expect(settled.next.total).toBe(1);
		expect(settled.next.history).toMatchObject([
			{ id: 'id:a', collectedAt: first.next.pending[0].collectedAt },
		]);
		expect(runOnce(settled.next, delta('c3', upsert(a)), opts).ids).toEqual([]);
	});

	test('runs held for another execution are no download tries: once offered, a document gets every try (soak seed 9601)', () => {
		const opts = { ...baseOptions, commit: 'afterConfirm' as const, retryFailed: 2 };
		const a = file('id:a', 'a.pdf');
		let state = collectStateSchema.empty();
		for (let run = 1; run <= 2; run++)
			state = runOnce(state, delta(`c${run}`, upsert(a)), opts, () => 'held').next;
		expect(state.retry).toEqual([{ id: 'id:a', attempts: 2, held: true }]);
		expect(claimedVerdict(state, 'id:a', false, opts)).toBe('offer');
		expect(failedAttempt(state, 'id:a', opts)).toEqual({ attempts: 1, givingUp: false });
		state = runOnce(state, delta('c3', upsert(a)), opts, () => 'failed').next;
		expect(state.retry).toEqual([{ id: 'id:a', attempts: 1 }]);
		state = runOnce(state, delta('c4', upsert(a)), opts, () => 'failed').next;
		expect(state.retry).toEqual([{ id: 'id:a', attempts: 2 }]);
		expect(failedAttempt(state, 'id:a', opts).givingUp).toBe(true);
	});

	test('records are fixed-size fingerprints, not ids', () => {
		const run = runOnce(collectStateSchema.empty(), snapshot('c', file('id:secret-name', 'a.pdf')));
		expect(run.next.collected).toHaveLength(24);
		expect(run.next.collected.startsWith(idFingerprint('id:secret-name'))).toBe(true);
	});
});
