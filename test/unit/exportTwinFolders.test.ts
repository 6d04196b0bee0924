import { emptyExportState } from '../../nodes/shared/state/exportState';
import type { RemoteItem } from '../../nodes/shared/storage/types';
import {
	analyzeChanges,
	parentNameKey,
	withoutNewerTwins,
} from '../../nodes/shared/sync/exportChanges';

/**
 * Issue 22: on Drive two runs may create the same folder at once; the newer twin is removed by its creator. A third
 * run that reads the feed in between sees both and must put its files in the one every run keeps (the oldest),
 * or they go with the removed folder.
 */
const folder = (id: string, createdAt: string): RemoteItem => ({
	id,
	name: '2026',
	isFolder: true,
	path: 'Accounting/2026',
	parentId: 'root',
	createdAt,
});

describe('twin folders in the change feed (issue 22)', () => {
	it('the oldest of two folders at one path is the one used, whatever order the feed lists them in', () => {
		const older = folder('f-old', '2026-03-01T10:00:00.001Z');
		const newer = folder('f-new', '2026-03-01T10:00:00.002Z');
		for (const order of [
			[older, newer],
			[newer, older],
		]) {
			const analysis = analyzeChanges(
				emptyExportState(),
				{ changes: order.map((item) => ({ type: 'upsert' as const, item })), cursor: 'c' },
				{ caseInsensitive: false, duplicateNames: true },
			);
			expect([...analysis.remote.folders.values()].map((f) => f.id)).toEqual(['f-old']);
		}
	});

	it('once the newer twin is removed, the older one stays in use; once the older is removed (by the user), the newer', () => {
		const older = folder('f-old', '2026-03-01T10:00:00.001Z');
		const newer = folder('f-new', '2026-03-01T10:00:00.002Z');
		const after = (gone: string) =>
			analyzeChanges(
				emptyExportState(),
				{
					changes: [
						{ type: 'upsert', item: older },
						{ type: 'upsert', item: newer },
						{ type: 'delete', id: gone, isFolder: true },
					],
					cursor: 'c',
				},
				{ caseInsensitive: false, duplicateNames: true },
			);
		expect([...after('f-new').remote.folders.values()].map((f) => f.id)).toEqual(['f-old']);
		expect([...after('f-old').remote.folders.values()].map((f) => f.id)).toEqual(['f-new']);
	});
});

/**
 * Soak seed 9601: two runs created one record's file side by side; a third run that read both must see the kept
 * one (the oldest) at the record's name, not take the newer for another file in the way.
 */
const file = (id: string, createdAt: string, recordKey?: string, hash = 'md5-v1'): RemoteItem => ({
	id,
	name: 'r1.pdf',
	isFolder: false,
	path: '2026/r1.pdf',
	parentId: 'f2026',
	createdAt,
	hash,
	...(recordKey ? { appProperties: { recordKey } } : {}),
});

describe('twin files in the change feed (soak seed 9601)', () => {
	const older = file('r-old', '2026-03-01T10:00:00.001Z', 'r1');
	const newer = file('r-new', '2026-03-01T10:00:00.002Z', 'r1');
	const analyze = (changes: RemoteItem[], gone: string[] = []) =>
		analyzeChanges(
			emptyExportState(),
			{
				changes: [
					...changes.map((item) => ({ type: 'upsert' as const, item })),
					...gone.map((id) => ({ type: 'delete' as const, id })),
				],
				cursor: 'c',
			},
			{ caseInsensitive: false, duplicateNames: true },
		).remote;

	it("the oldest of one record's twins stands at their place, whatever order the feed lists them in", () => {
		for (const order of [
			[older, newer],
			[newer, older],
		]) {
			const remote = analyze(order);
			expect(remote.byPath.get('2026/r1.pdf')?.id).toBe('r-old');
			expect(remote.byParentAndName.get(parentNameKey('f2026', 'r1.pdf', false))?.id).toBe('r-old');
			expect(withoutNewerTwins(remote.byRecordTag.get('r1')!).map((f) => f.id)).toEqual(['r-old']);
		}
	});

	it("an older version of the record's file restored beside its re-upload is no twin (soak seed 9903)", () => {
		const restored = file('r-restored', '2026-03-01T09:00:00.000Z', 'r1', 'md5-v0');
		const remote = analyze([restored, newer]);
		expect(remote.byPath.get('2026/r1.pdf')?.id).toBe('r-new');
		expect(withoutNewerTwins([restored, newer]).map((f) => f.id)).toEqual(['r-restored', 'r-new']);
	});

	it('once the older twin is gone, the newer stands there', () => {
		expect(analyze([older, newer], ['r-old']).byPath.get('2026/r1.pdf')?.id).toBe('r-new');
	});

	it("a user's file, or another record's, at the same name is no twin: the feed's last entry stands", () => {
		for (const other of [
			file('u-1', '2026-03-01T10:00:00.002Z'),
			file('r2', '2026-03-01T10:00:00.002Z', 'r2'),
		]) {
			const remote = analyze([older, other]);
			expect(remote.byPath.get('2026/r1.pdf')?.id).toBe(other.id);
			expect(withoutNewerTwins([older, other]).map((f) => f.id)).toEqual(['r-old', other.id]);
		}
	});

	it('only where two items of one name may share a folder (Drive)', () => {
		const remote = analyzeChanges(
			emptyExportState(),
			{ changes: [older, newer].map((item) => ({ type: 'upsert' as const, item })), cursor: 'c' },
			{ caseInsensitive: false, duplicateNames: false },
		).remote;
		expect(remote.byPath.get('2026/r1.pdf')?.id).toBe('r-new');
	});
});
