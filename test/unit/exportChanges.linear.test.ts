import fc from 'fast-check';
import {
	emptyExportState,
	shortFingerprint,
	type ExportState,
} from '../../nodes/shared/state/exportState';
import { fingerprint } from '../../nodes/shared/state/fingerprint';
import type { Change, ChangeBatch } from '../../nodes/shared/storage/types';
import { analyzeChanges, type ChangeAnalysis } from '../../nodes/shared/sync/exportChanges';
import { analyzeChanges as quadraticAnalyzeChanges } from './support/exportChangesQuadratic';

/**
 * Issue 18 (b): the stopped-folder analysis was quadratic in the number of cached folders (a state listing 10k /
 * 20k / 40k folders that no longer exist took 11 / 38 / 146 s). It is linear now; these tests hold it to the
 * same answers as the old code on plain data and to well under a second at 40,000 gone folders.
 */

function comparable(analysis: ChangeAnalysis) {
	return {
		goneRecords: [...analysis.goneRecords].sort(),
		goneFolders: [...analysis.goneFolders].sort((a, b) => a - b),
		goneFolderPaths: analysis.goneFolderPaths,
		rootGone: analysis.rootGone,
		trackedLive: analysis.trackedLive,
		movedFolders: [...analysis.movedFolders].sort((a, b) => a[0] - b[0]),
		remoteFolders: [...analysis.remote.folders.keys()].sort(),
		remoteFiles: [...analysis.remote.byId.keys()].sort(),
	};
}

/**
 * CPU milliseconds of `work` (user + system), not wall time: the machine running npm test is shared, and a wall
 * clock counts other processes' turns too.
 */
function cpuMs<T>(work: () => T): { result: T; ms: number } {
	const before = process.cpuUsage();
	const result = work();
	const used = process.cpuUsage(before);
	return { result, ms: (used.user + used.system) / 1000 };
}

function manyFolders(count: number): ExportState {
	const state = emptyExportState();
	state.rootId = 'root';
	for (let i = 0; i < count; i++)
		state.folders.push({ path: `Account ${i % 50}/2026-${i}`, id: `folder-${i}` });
	for (let i = 0; i < count; i += 4) {
		const keyFp = fingerprint(`record-${i}`);
		state.records.set(keyFp, {
			keyFp,
			contentFp: shortFingerprint(`c${i}`),
			nameFp: shortFingerprint(`r${i}.pdf`),
			folder: i,
			status: 'live',
			id: `file-${i}`,
		});
	}
	return state;
}

describe('export change analysis at scale (issue 18 b)', () => {
	it('a full listing without any of 40,000 cached folders is analysed in well under a second', () => {
		const state = manyFolders(40_000);
		const { result: analysis, ms } = cpuMs(() =>
			analyzeChanges(
				state,
				{ changes: [], cursor: 'c', snapshot: true },
				{ caseInsensitive: true },
			),
		);
		expect(analysis.goneFolders.size).toBe(40_000);
		// The 50 account folders are not cached, so each month folder is a topmost gone folder of its own.
		expect(analysis.goneFolderPaths).toHaveLength(40_000);
		expect(analysis.goneRecords.size).toBe(10_000);
		if (process.env.SCALE_TIMES) process.stdout.write(`analysis: ${ms.toFixed(0)} ms CPU\n`);
		expect(ms).toBeLessThan(1000);
	});

	it('40,000 folder deletions reported by path only (Dropbox) are analysed in well under a second', () => {
		const state = manyFolders(40_000);
		const changes: Change[] = state.folders.map((f) => ({ type: 'delete', path: f!.path }));
		const { result: analysis, ms } = cpuMs(() =>
			analyzeChanges(state, { changes, cursor: 'c' }, { caseInsensitive: true }),
		);
		expect(analysis.goneFolders.size).toBe(40_000);
		expect(analysis.goneFolderPaths).toHaveLength(40_000);
		if (process.env.SCALE_TIMES) process.stdout.write(`analysis: ${ms.toFixed(0)} ms CPU\n`);
		expect(ms).toBeLessThan(1000);
	});

	it('a deleted account folder above 40,000 cached folders stops only that account, found in well under a second', () => {
		const state = manyFolders(40_000);
		const { result: analysis, ms } = cpuMs(() =>
			analyzeChanges(
				state,
				{ changes: [{ type: 'delete', path: 'Account 7' }], cursor: 'c' },
				{ caseInsensitive: false },
			),
		);
		expect(analysis.goneFolderPaths).toEqual(['Account 7']);
		expect(analysis.goneFolders.size).toBe(800);
		if (process.env.SCALE_TIMES) process.stdout.write(`analysis: ${ms.toFixed(0)} ms CPU\n`);
		expect(ms).toBeLessThan(1000);
	});
});

// Small alphabets so paths nest, collide, differ only by case and repeat.
const segment = fc.constantFrom('a', 'A', 'b', 'c', 'a b', 'É', 'é');
const path = fc.array(segment, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'));
const id = fc.constantFrom('f1', 'f2', 'f3', 'f4', 'f5', 'r1', 'r2', 'r3', 'root');

const stateArb = fc
	.record({
		folders: fc.array(fc.option(fc.record({ path, id }), { nil: undefined, freq: 6 }), {
			maxLength: 8,
		}),
		records: fc.array(
			fc.record({
				folderPick: fc.nat(),
				id,
				name: segment,
				status: fc.constantFrom('live', 'live', 'fileDeleted', 'folderDeleted'),
			}),
			{ maxLength: 6 },
		),
		rootId: fc.option(fc.constant('root'), { nil: undefined }),
	})
	.map(({ folders, records, rootId }) => {
		const state = emptyExportState();
		state.rootId = rootId;
		state.folders = folders;
		records.forEach((r, i) => {
			const keyFp = fingerprint(`k${i}`);
			const folder = folders.length === 0 ? -1 : (r.folderPick % (folders.length + 1)) - 1;
			state.records.set(keyFp, {
				keyFp,
				contentFp: shortFingerprint('x'),
				nameFp: shortFingerprint(r.name.toLowerCase()),
				folder,
				status: r.status as 'live',
				id: r.id,
			});
		});
		return state;
	});

const changeArb: fc.Arbitrary<Change> = fc.oneof(
	fc.record({
		type: fc.constant('upsert' as const),
		item: fc.record({
			id,
			name: segment,
			isFolder: fc.boolean(),
			path: fc.option(path, { nil: undefined }),
			parentId: fc.option(id, { nil: undefined }),
		}),
	}),
	fc.record({
		type: fc.constant('delete' as const),
		id: fc.option(id, { nil: undefined }),
		path: fc.option(path, { nil: undefined }),
	}),
);
const batchArb: fc.Arbitrary<ChangeBatch> = fc.record({
	changes: fc.array(changeArb, { maxLength: 8 }),
	cursor: fc.constant('c'),
	snapshot: fc.option(fc.boolean(), { nil: undefined }),
});

describe('export change analysis: same answers as the quadratic version on plain data', () => {
	it('random states and batches (nested, case-colliding and repeated paths, holes, snapshots)', () => {
		fc.assert(
			fc.property(
				stateArb,
				batchArb,
				fc.boolean(),
				fc.boolean(),
				(state, batch, caseInsensitive, duplicateNames) => {
					const options = { caseInsensitive, duplicateNames };
					expect(comparable(analyzeChanges(state, batch, options))).toEqual(
						comparable(quadraticAnalyzeChanges(state, batch, options)),
					);
				},
			),
			{ numRuns: 3000, seed: 18 },
		);
	});
});
