import {
	collectStateSchema,
	COLLECT_STATE_VERSION,
	type CollectState,
} from '../../nodes/shared/state/collectState';
import { ledgerOptions } from './support/ledgerOptions';
import { FileRecords, NO_CONTENT } from '../../nodes/shared/state/collectRecords';
import { applyRun, planCollect, type LedgerOptions } from '../../nodes/shared/sync/collectLedger';
import type { ChangeBatch, RemoteItem } from '../../nodes/shared/storage/types';

const options: LedgerOptions = ledgerOptions();

describe('collect state', () => {
	test('100,000 collected files cost at most 32 bytes each of static data (history of 1,000 included)', () => {
		const count = 100_000;
		const items: RemoteItem[] = Array.from({ length: count }, (_, i) => ({
			id: `id:${i.toString(36).padStart(12, '-')}`,
			name: `receipt-${i}.pdf`,
			path: `clients/c${i % 97}/receipt-${i}.pdf`,
			isFolder: false,
			size: 1000 + i,
			hash: `${i.toString(16).padStart(64, '0')}`,
			modifiedAt: '2026-01-01T00:00:00Z',
		}));
		const batch: ChangeBatch = {
			changes: items.map((item) => ({ type: 'upsert', item })),
			cursor: 'AAFf3rGz-cursor'.repeat(8),
			snapshot: true,
		};
		const empty = collectStateSchema.empty();
		const run = { execution: 'e1', now: '2026-02-01T00:00:00Z', firstRun: true };
		const started = process.hrtime.bigint();
		const plan = planCollect(empty, batch, run, options);
		const state = applyRun(
			empty,
			{ plan, outcomes: new Map(plan.collect.map((c) => [c.idFp, 'emitted' as const])) },
			run,
			options,
		);
		const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
		expect(state.total).toBe(count);
		expect(state.history).toHaveLength(1000);

		const stored = {
			...state,
			v: COLLECT_STATE_VERSION,
			node: 'Collect New Files',
			folder: { key: 'k'.repeat(12), id: 'id:folder', name: 'Inbox' },
		};
		const bytes = Buffer.byteLength(
			JSON.stringify({ [`cloudSync:${'n'.repeat(36)}`]: stored }),
			'utf8',
		);
		const perFile = bytes / count;
		// Printed for the report.
		console.log(
			`collect state: ${count} files -> ${bytes} bytes (${perFile.toFixed(2)} B/file), plan+apply ${elapsedMs.toFixed(0)} ms`,
		);
		expect(perFile).toBeLessThanOrEqual(32);

		// Reload and a second run with nothing new decides nothing and keeps the same encoding.
		const reloaded = JSON.parse(JSON.stringify(stored)) as CollectState;
		const again = planCollect(
			reloaded,
			{ changes: [], cursor: 'next' },
			{ ...run, firstRun: false },
			options,
		);
		expect(again.collect).toEqual([]);
		const records = new FileRecords(reloaded.collected);
		expect(records.size).toBe(count);
		expect(new FileRecords(records.encode()).encode()).toBe(reloaded.collected);
	});

	test('migration keeps what an older or partial state holds', () => {
		const migrated = collectStateSchema.migrate({
			v: 0,
			cursor: 'c',
			collected: 'a'.repeat(24),
			history: [{ id: 'x' }],
		});
		expect(migrated.cursor).toBe('c');
		expect(migrated.collected).toBe('a'.repeat(24));
		expect(migrated.history).toHaveLength(1);
		expect(migrated.pending).toEqual([]);
		expect(migrated.kind).toBe('collectNewFiles');
		const odd = collectStateSchema.migrate({ collected: 5, pending: 'x' } as never);
		expect(odd.collected).toBe('');
		expect(odd.pending).toEqual([]);
	});

	test('file records: content lookup, no-content never matches, deletion', () => {
		const records = new FileRecords();
		records.set('i'.repeat(12), 'c'.repeat(12));
		records.set('j'.repeat(12), NO_CONTENT);
		expect(records.hasContent('c'.repeat(12))).toBe(true);
		expect(records.hasContent(NO_CONTENT)).toBe(false);
		expect(records.delete('i'.repeat(12))).toBe(true);
		expect(records.hasContent('c'.repeat(12))).toBe(false);
		expect(records.encode()).toBe('j'.repeat(12) + NO_CONTENT);
	});
});
