import { emptyExportState } from '../../nodes/shared/state/exportState';
import { CloudError } from '../../nodes/shared/types/cloudError';
import {
	afterFeedError,
	changeSource,
	DRAIN_AFTER_WRITES,
	cursorAfterRun,
	drainedCursor,
	placesShownByBatch,
	rootGoneStopsRun,
	shouldDrain,
	startingState,
	stateSlots,
	stopsTheRun,
} from '../../nodes/shared/sync/exportDecisions';
import type { ExportPlan } from '../../nodes/shared/sync/exportPlan';

const features = {
	duplicateNames: false,
	caseInsensitive: true,
	appProperties: false,
	trash: true,
	chunkSize: 1,
	simpleUploadLimit: 1,
};

describe('Export to Folder decisions around the plan (pure)', () => {
	it('reads the feed from a cursor, else lists the root, except a root created this run', () => {
		expect(changeSource('c1', false)).toBe('feed');
		expect(changeSource(undefined, false)).toBe('listing');
		expect(changeSource(undefined, true)).toBe('cursorOnly');
	});

	it('an expired cursor falls back to a listing; a feed that cannot find the root means the root is gone', () => {
		expect(afterFeedError(new CloudError('cursorReset', 'reset'))).toBe('listing');
		expect(afterFeedError(new CloudError('notFound', 'gone'))).toBe('rootGone');
		expect(afterFeedError(new CloudError('auth', 'expired'))).toBe('fail');
		expect(afterFeedError(new Error('bug'))).toBe('fail');
	});

	it('stops the run on errors the next items would meet too, not on one bad file', () => {
		for (const reason of ['auth', 'scope', 'quota', 'dailyLimit', 'rateLimited'] as const)
			expect(stopsTheRun(new CloudError(reason, reason))).toBe(true);
		expect(stopsTheRun(new CloudError('conflict', 'there'))).toBe(false);
		expect(stopsTheRun(new Error('other'))).toBe(false);
	});

	it('drains its own writes from the feed only after many, and never where every read is a full scan', () => {
		expect(shouldDrain(DRAIN_AFTER_WRITES, features)).toBe(true);
		expect(shouldDrain(DRAIN_AFTER_WRITES - 1, features)).toBe(false);
		expect(shouldDrain(DRAIN_AFTER_WRITES, { ...features, scansForChanges: true })).toBe(false);
	});

	it('keeps the cursor when the drained changes show a deletion the next run must see', () => {
		const state = emptyExportState();
		state.rootId = 'root';
		state.records.set('k'.repeat(12), {
			keyFp: 'k'.repeat(12),
			contentFp: 'c'.repeat(8),
			nameFp: 'n'.repeat(8),
			folder: -1,
			status: 'live',
			id: 'f1',
		});
		expect(
			drainedCursor(
				state,
				{
					changes: [{ type: 'upsert', item: { id: 'f1', name: 'a.pdf', isFolder: false } }],
					cursor: 'c2',
				},
				'c1',
				features,
			),
		).toBe('c2');
		expect(
			drainedCursor(
				state,
				{ changes: [{ type: 'delete', id: 'f1' }], cursor: 'c2' },
				'c1',
				features,
			),
		).toBe('c1');
		expect(
			drainedCursor(state, { changes: [], cursor: 'c2', snapshot: true }, 'c1', features),
		).toBe('c1');
	});

	it('keeps the cursor when the drained changes show the user moved or renamed a folder of ours (its saved path would fall behind the cursor)', () => {
		const state = emptyExportState();
		state.rootId = 'root';
		state.folders.push({ path: 'A', id: 'fa' });
		const renamed = {
			changes: [
				{
					type: 'upsert' as const,
					item: { id: 'fa', name: 'B', isFolder: true, path: 'B', parentId: 'root' },
				},
			],
			cursor: 'c2',
		};
		expect(drainedCursor(state, renamed, 'c1', features)).toBe('c1');
		const created = {
			changes: [
				{
					type: 'upsert' as const,
					item: { id: 'fa', name: 'A', isFolder: true, path: 'A', parentId: 'root' },
				},
			],
			cursor: 'c2',
		};
		expect(drainedCursor(state, created, 'c1', features)).toBe('c2');
	});

	it("hands the folders' paths below the root to a provider that writes by path, the root itself and forgotten slots left out", () => {
		const state = emptyExportState();
		state.folders.push({ path: '2025', id: 'f1' }, undefined, { path: '2025/Q1', id: 'f2' });
		expect(placesShownByBatch(state)).toEqual([
			{ id: 'f1', path: '2025' },
			{ id: 'f2', path: '2025/Q1' },
		]);
	});

	it('starts from the stored state of this root, or a fresh one for another root', () => {
		const stored = { ...emptyExportState(), rootRef: 'r1', cursor: 'c' };
		expect(startingState(stored, 'r1', 'Export')).toMatchObject({
			rootRef: 'r1',
			cursor: 'c',
			node: 'Export',
		});
		const fresh = startingState({ ...stored }, 'r2', 'Export');
		expect(fresh).toMatchObject({ rootRef: 'r2', node: 'Export' });
		expect(fresh.cursor).toBeUndefined();
	});

	it('a gone root stops the run only when the policy recreates folders', () => {
		const plan = { rootGone: true } as ExportPlan;
		expect(rootGoneStopsRun(plan, { onFolderDeleted: 'stop' })).toBe(false);
		expect(rootGoneStopsRun(plan, { onFolderDeleted: 'recreate' })).toBe(true);
		expect(
			rootGoneStopsRun({ rootGone: false } as ExportPlan, { onFolderDeleted: 'recreate' }),
		).toBe(false);
	});
});

describe('which state each root uses', () => {
	it('one root keeps the node key; with a root per item, the root it belongs to keeps it and the others get their own', () => {
		expect([...stateSlots(['r1'], 'r0', false)]).toEqual([['r1', 'main']]);
		expect([...stateSlots(['r1', 'r2'], undefined, true)]).toEqual([
			['r1', 'main'],
			['r2', 'own'],
		]);
		expect([...stateSlots(['r1', 'r2'], 'r2', true)]).toEqual([
			['r1', 'own'],
			['r2', 'main'],
		]);
		expect([...stateSlots(['r1', 'r2'], 'r0', true)]).toEqual([
			['r1', 'own'],
			['r2', 'own'],
		]);
	});
});

describe('cursorAfterRun', () => {
	// Soak seed 173065525 (OneDrive): a run after a lost state listed the folder, stopped (quota) before adopting the
	// file holding k1's content, and saved the listing's cursor: the next runs read an empty feed and uploaded k1 again.
	test('a run that stopped part way keeps the cursor it found, so the next run reads the same changes again', () => {
		expect(cursorAfterRun(undefined, 'c-listing', true)).toBeUndefined();
		expect(cursorAfterRun('c1', 'c2', true)).toBe('c1');
	});
	test('a run that carried out its plan saves the cursor it reached', () => {
		expect(cursorAfterRun(undefined, 'c-listing', false)).toBe('c-listing');
		expect(cursorAfterRun('c1', 'c2', false)).toBe('c2');
	});
});
