import { collectStateSchema, type CollectState } from '../../nodes/shared/state/collectState';
import { ledgerOptions } from './support/ledgerOptions';
import { idFingerprint } from '../../nodes/shared/state/collectRecords';
import {
	applyRun,
	planCollect,
	type LedgerOptions,
	type Outcome,
	type RunContext,
} from '../../nodes/shared/sync/collectLedger';
import { isEmptyState, placedByRun, previewBasis } from '../../nodes/shared/sync/collectPreview';
import type { ChangeBatch, RemoteItem } from '../../nodes/shared/storage/types';

/**
 * Issue 13 point 4 on n8n 1.x: a manual run is handed no static data, so the preview goes by what production runs
 * mirrored in n8n's deduplication store. Plain data: what a production run mirrors, and what a preview then shows.
 */

const receipt = (id: string, day: number): RemoteItem => ({
	id,
	name: `${id}.pdf`,
	path: `${id}.pdf`,
	isFolder: false,
	size: 100,
	hash: `h-${id}`,
	modifiedAt: `2026-09-0${day}T10:00:00Z`,
});
const listing = (...items: RemoteItem[]): ChangeBatch => ({
	changes: items.map((item) => ({ type: 'upsert' as const, item })),
	cursor: 'c-now',
	snapshot: true,
});
const options = ledgerOptions;
const empty = (): CollectState => collectStateSchema.empty();
const A = receipt('A', 1);
const B = receipt('B', 2);
const C = receipt('C', 3);

function production(
	state: CollectState,
	batch: ChangeBatch,
	opts: LedgerOptions,
	outcome: (id: string) => Outcome = () => 'emitted',
) {
	const run: RunContext = {
		execution: 'prod',
		now: '2026-09-02T12:00:00Z',
		firstRun: !state.cursor,
	};
	const plan = planCollect(state, batch, run, opts);
	const outcomes = new Map(plan.collect.map((c) => [c.idFp, outcome(c.item.id)]));
	return {
		plan,
		state: applyRun(state, { plan, outcomes }, run, opts),
		mirrored: placedByRun(plan, outcomes, opts),
	};
}

/** A preview with no state handed over: the mirror stands in for it (the node's planning, minus the I/O). */
function previewFromMirror(
	batch: ChangeBatch,
	opts: LedgerOptions,
	placed: Array<{ idFp: string }>,
): string[] {
	const run: RunContext = { execution: 'manual', now: '2026-09-03T12:00:00Z', firstRun: false };
	return planCollect(empty(), batch, run, opts, new Set(placed.map((p) => p.idFp))).collect.map(
		(c) => c.item.id,
	);
}

describe('editor preview without the saved state (n8n 1.x)', () => {
	test('first run "from now": the baseline A and B is mirrored, so the preview after C arrives shows C, as the next production run collects', () => {
		const opts = options({ firstRun: { mode: 'now' } });
		const first = production(empty(), listing(A, B), opts);
		expect(first.plan.collect).toEqual([]);
		expect(first.mirrored).toEqual({
			placed: [A, B].map((f) => ({ idFp: idFingerprint(f.id), contentFp: expect.any(String) })),
			baselineUnplaced: false,
		});
		expect(previewFromMirror(listing(A, B, C), opts, first.mirrored.placed)).toEqual(['C']);
		expect(
			production(first.state, listing(A, B, C), opts).plan.collect.map((c) => c.item.id),
		).toEqual(['C']);
	});

	test('max files per run 2: A and B collected, C arrives; the mirror leaves A and B out before the cap, so the preview shows C', () => {
		const opts = options({ maxFiles: 2 });
		const first = production(empty(), listing(A, B), opts);
		expect(first.plan.collect.map((c) => c.item.id)).toEqual(['A', 'B']);
		expect(previewFromMirror(listing(A, B, C), opts, first.mirrored.placed)).toEqual(['C']);
		// Filtering after the cap (the old order) would have left nothing.
		const capped = planCollect(
			empty(),
			listing(A, B, C),
			{ execution: 'm', now: 'x', firstRun: false },
			opts,
		).collect.map((c) => c.item.id);
		expect(capped).toEqual(['A', 'B']);
		expect(
			production(first.state, listing(A, B, C), opts).plan.collect.map((c) => c.item.id),
		).toEqual(['C']);
	});

	test('a baseline larger than the mirror keeps is not mirrored: the preview says it cannot tell instead of listing', () => {
		const many = Array.from({ length: 5 }, (_, i) => receipt(`F${i}`, 1));
		const run: RunContext = { execution: 'prod', now: 'now', firstRun: true };
		const plan = planCollect(
			empty(),
			listing(...many),
			run,
			options({ firstRun: { mode: 'now' } }),
		);
		expect(placedByRun(plan, new Map(), options(), 4)).toEqual({
			placed: [],
			baselineUnplaced: true,
		});
		expect(placedByRun(plan, new Map(), options(), 5).placed).toHaveLength(5);
	});

	test('what a run mirrors: emitted on emit, skipped, taken by another run, duplicates; not failed, held, or emitted before Confirm', () => {
		const D = { ...receipt('D', 4), hash: 'h-A' };
		const run: RunContext = { execution: 'prod', now: 'now', firstRun: false };
		const state = { ...empty(), cursor: 'c0' };
		const files = [A, B, C, receipt('E', 5), receipt('G', 6)];
		const outcome: Record<string, Outcome> = {
			A: 'emitted',
			B: 'skipped',
			C: 'claimedElsewhere',
			E: 'failed',
			G: 'held',
		};
		for (const commit of ['onEmit', 'afterConfirm'] as const) {
			const plan = planCollect(state, listing(...files, D), run, options({ commit }));
			const outcomes = new Map(plan.collect.map((c) => [c.idFp, outcome[c.item.id]]));
			const placed = placedByRun(plan, outcomes, { commit })
				.placed.map((p) => p.idFp)
				.sort();
			const expected = commit === 'onEmit' ? ['A', 'B', 'C', 'D'] : ['B', 'C', 'D'];
			expect(placed).toEqual(expected.map(idFingerprint).sort());
		}
	});

	test('which basis a preview goes by', () => {
		expect(previewBasis({ stateEmpty: false, mirror: 'placed' })).toBe('ownState');
		expect(previewBasis({ stateEmpty: false, mirror: 'baselineUnplaced' })).toBe('ownState');
		expect(previewBasis({ stateEmpty: true, mirror: 'none' })).toBe('ownState');
		expect(previewBasis({ stateEmpty: true, mirror: 'placed' })).toBe('storeMirror');
		expect(previewBasis({ stateEmpty: true, mirror: 'baselineUnplaced' })).toBe('cannotTell');
		expect(isEmptyState(empty())).toBe(true);
		expect(isEmptyState({ ...empty(), cursor: 'c' })).toBe(false);
	});
});
