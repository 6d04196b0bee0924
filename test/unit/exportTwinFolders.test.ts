import { emptyExportState } from '../../nodes/shared/state/exportState';
import type { RemoteItem } from '../../nodes/shared/storage/types';
import { analyzeChanges } from '../../nodes/shared/sync/exportChanges';

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
