import { emptyExportState, type ExportState } from '../../nodes/shared/state/exportState';
import { nameFingerprint } from '../../nodes/shared/sync/exportChanges';
import { foldersVouchedAfterRun, type VouchInput } from '../../nodes/shared/sync/exportVouch';
import {
	decodeCursor,
	encodeCursor,
	mapChanges,
} from '../../nodes/shared/storage/googleDrive/cursor';
import type { Change } from '../../nodes/shared/types/remote';

/** A state with root R and folder F (index 0), holding each record [key, file id, name, folder index]. */
function state(records: Array<[string, string, string, number]>): ExportState {
	const s = emptyExportState();
	s.rootId = 'R';
	s.folders = [{ path: 'F', id: 'F' }];
	for (const [key, id, name, folder] of records)
		s.records.set(key, {
			keyFp: key,
			contentFp: `c-${key}`,
			nameFp: nameFingerprint(name, false),
			folder,
			status: 'live',
			id,
		});
	return s;
}
const upsert = (id: string, name: string, parentId = 'F'): Change => ({
	type: 'upsert',
	item: { id, name, isFolder: false, parentId },
});
const vouched = (input: Partial<VouchInput> & Pick<VouchInput, 'after'>) =>
	[
		...foldersVouchedAfterRun({
			before: input.before ?? input.after,
			vouchedBefore: new Set(),
			changes: [],
			seenContent: () => undefined,
			caseInsensitive: false,
			...input,
		}),
	].sort();

describe('Export to Drive: which folders the saved state vouches for (names known without a listing)', () => {
	test('a folder the run saw whole, holding only records at their places, is vouched for', () => {
		const after = state([['k1', 'f1', 'a.pdf', 0]]);
		const content = { F: [{ id: 'f1', name: 'a.pdf', isFolder: false }], R: [] };
		expect(vouched({ after, seenContent: (id) => content[id as 'F' | 'R'] })).toEqual(['F', 'R']);
	});

	test('a file of yours in a folder the run saw whole leaves that folder to be listed', () => {
		const after = state([['k1', 'f1', 'a.pdf', 0]]);
		const content = [
			{ id: 'f1', name: 'a.pdf', isFolder: false },
			{ id: 'u1', name: 'invoice.pdf', isFolder: false },
		];
		expect(vouched({ after, seenContent: (id) => (id === 'F' ? content : undefined) })).toEqual([]);
	});

	test('a record file under another name than its record says (renamed by you) is not at its place', () => {
		const after = state([['k1', 'f1', 'a.pdf', 0]]);
		const content = [{ id: 'f1', name: 'b.pdf', isFolder: false }];
		expect(vouched({ after, seenContent: (id) => (id === 'F' ? content : undefined) })).toEqual([]);
	});

	test('a subfolder in a folder does not count as a name a file could take', () => {
		const after = state([]);
		const content = [{ id: 'G', name: 'a.pdf', isFolder: true }];
		expect(vouched({ after, seenContent: (id) => (id === 'F' ? content : undefined) })).toEqual([
			'F',
		]);
	});

	test('a folder vouched for before stays so when no change shows anything else in it', () => {
		const before = state([['k1', 'f1', 'a.pdf', 0]]);
		const after = state([
			['k1', 'f1', 'a.pdf', 0],
			['k2', 'f2', 'b.pdf', 0],
		]);
		const input = { before, after, vouchedBefore: new Set(['F']) };
		expect(vouched({ ...input, changes: [upsert('f2', 'b.pdf')] })).toEqual(['F']);
		// Not vouched before and not seen whole: it stays to be listed.
		expect(vouched({ ...input, vouchedBefore: new Set() })).toEqual([]);
	});

	test('a change showing a file of yours (created, moved in, renamed) spoils a folder vouched for before', () => {
		const s = state([['k1', 'f1', 'a.pdf', 0]]);
		const input = { before: s, after: s, vouchedBefore: new Set(['F', 'R']) };
		expect(vouched({ ...input, changes: [upsert('u1', 'invoice.pdf')] })).toEqual(['R']);
		// The latest entry of a file decides: moved on to the root, it spoils the root instead.
		expect(
			vouched({
				...input,
				changes: [upsert('u1', 'invoice.pdf'), upsert('u1', 'invoice.pdf', 'R')],
			}),
		).toEqual(['F']);
		// Deleted: nothing of it is left anywhere.
		expect(
			vouched({ ...input, changes: [upsert('u1', 'x.pdf'), { type: 'delete', id: 'u1' }] }),
		).toEqual(['F', 'R']);
	});

	test('a record of the starting state no change shows that the saved state no longer holds there spoils its folder', () => {
		const before = state([['k1', 'f1', 'a.pdf', 0]]);
		const vouchedBefore = new Set(['F', 'R']);
		// The record now names another file: f1, untouched, stands in F held by no record.
		const other = state([['k1', 'f9', 'a.pdf', 0]]);
		expect(vouched({ before, after: other, vouchedBefore })).toEqual(['R']);
		// The record is gone from the saved state (an overlapping run's copy).
		expect(vouched({ before, after: state([]), vouchedBefore })).toEqual(['R']);
		// A change shows the file: the change decides, not the starting state.
		expect(
			vouched({ before, after: other, vouchedBefore, changes: [{ type: 'delete', id: 'f1' }] }),
		).toEqual(['F', 'R']);
	});

	test('a changed file without a known folder vouches for nothing', () => {
		const s = state([]);
		const change: Change = { type: 'upsert', item: { id: 'u1', name: 'x.pdf', isFolder: false } };
		expect(
			vouched({ before: s, after: s, vouchedBefore: new Set(['F', 'R']), changes: [change] }),
		).toEqual([]);
	});
});

describe('Drive cursor: vouched marks', () => {
	const base = () => ({
		token: '7',
		rootId: 'R',
		recursive: true,
		folders: new Map([
			['F', { parentId: 'R', name: 'F' }],
			['G', { parentId: 'F', name: 'G' }],
		]),
	});

	test('marks survive encoding; a cursor saved before them vouches for nothing', () => {
		const cursor = decodeCursor(encodeCursor({ ...base(), vouched: new Set(['R', 'G']) }), 'R');
		expect([...cursor.vouched!].sort()).toEqual(['G', 'R']);
		expect([...decodeCursor(encodeCursor(base()), 'R').vouched!]).toEqual([]);
	});

	test('a folder moved out of the subtree loses its mark and its subfolders theirs; moved back it has none', () => {
		const cursor = { ...base(), vouched: new Set(['F', 'G', 'R']) };
		const folder = (parent: string) => ({
			id: 'F',
			name: 'F',
			mimeType: 'application/vnd.google-apps.folder',
			parents: [parent],
		});
		mapChanges(cursor, [{ fileId: 'F', removed: false, file: folder('elsewhere') }], (f) => ({
			id: f.id,
			name: f.name,
			isFolder: true,
		}));
		expect([...cursor.vouched].sort()).toEqual(['R']);
		mapChanges(cursor, [{ fileId: 'F', removed: false, file: folder('R') }], (f) => ({
			id: f.id,
			name: f.name,
			isFolder: true,
		}));
		expect(cursor.folders.has('F')).toBe(true);
		expect([...cursor.vouched].sort()).toEqual(['R']);
	});
});
