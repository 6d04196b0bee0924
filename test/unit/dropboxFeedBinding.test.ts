import type { DropboxMeta, FolderPlace } from '../../nodes/shared/storage/dropbox/items';
import {
	cursorParts,
	cursorWithPlace,
	feedBinding,
	feedScope,
	outdatedCursor,
	provenPlace,
	watchedEntries,
} from '../../nodes/shared/storage/dropbox/places';

const at = (pathDisplay: string): FolderPlace => ({
	id: 'id:w',
	pathLower: pathDisplay.toLowerCase(),
	pathDisplay,
});
const file = (path: string): DropboxMeta => ({
	'.tag': 'file',
	name: path.split('/').pop()!,
	id: `id:${path}`,
	path_lower: path.toLowerCase(),
	path_display: path,
});
const deleted = (path: string): DropboxMeta => ({
	'.tag': 'deleted',
	name: path.split('/').pop()!,
	path_lower: path.toLowerCase(),
	path_display: path,
});

describe('Dropbox feed binding (pure): does the change cursor still follow the watched folder?', () => {
	test('the folder is where the cursor was made: the feed is followed', () => {
		expect(feedBinding(at('/P/W'), at('/P/W'), [file('/P/W/a.pdf'), deleted('/p/w/x')])).toEqual({
			follows: true,
		});
	});

	test('a cursor without a place and nothing outside the folder: followed (an idle or ordinary batch costs nothing more)', () => {
		expect(feedBinding(undefined, at('/P/W'), [])).toEqual({ follows: true });
		expect(feedBinding(undefined, at('/P/W'), [file('/p/w/sub/a.pdf')])).toEqual({ follows: true });
	});

	test('the folder moved since the cursor was made: listed again at its new place', () => {
		expect(feedBinding(at('/P/W'), at('/P1/W'), [])).toEqual({
			follows: false,
			boundTo: at('/P/W'),
		});
	});

	test('a cursor without a place whose feed reports the old path deleted (the parent was renamed): listed again (seed 1741647626)', () => {
		expect(
			feedBinding(undefined, at('/P1/W'), [deleted('/p'), deleted('/p/w'), deleted('/p/w/a.pdf')]),
		).toEqual({ follows: false });
	});

	test('a change to the case only of the folder is no move (path_lower is the same)', () => {
		expect(feedBinding(at('/P/w'), at('/p/W'), [file('/p/W/a.pdf')])).toEqual({ follows: true });
	});

	test('the place travels inside the stored cursor, and a bare cursor reads as one without a place', () => {
		expect(cursorParts(cursorWithPlace('AAcursor|x', at('/P/W é')))).toEqual({
			cursor: 'AAcursor|x',
			place: at('/P/W é'),
		});
		expect(cursorParts(cursorWithPlace('AAc', at('/P/W'), true))).toEqual({
			cursor: 'AAc',
			place: at('/P/W'),
			childrenOnly: true,
		});
		expect(cursorParts('AAbare')).toEqual({ cursor: 'AAbare' });
		expect(cursorParts(cursorWithPlace('AAc', at('/P/W'), true, true))).toEqual({
			cursor: 'AAc',
			place: at('/P/W'),
			childrenOnly: true,
			proven: true,
		});
		expect(cursorParts(cursorWithPlace('AAc', at('/P/W'), false, true))).toEqual({
			cursor: 'AAc',
			place: at('/P/W'),
			proven: true,
		});
	});

	test('an empty batch vouches for where the folder is only from a cursor whose place is proven to be its path', () => {
		const proven = cursorParts(cursorWithPlace('AAc', at('/P/W'), false, true));
		const unproven = cursorParts(cursorWithPlace('AAc', at('/P/W')));
		expect(provenPlace(proven, 'id:w', [])).toEqual(at('/P/W'));
		// A new cursor's place is taken before the cursor: a move in between binds the cursor to another path.
		expect(provenPlace(unproven, 'id:w', [])).toBeUndefined();
		// Entries: the batch itself says where things are (changes() checks them against the place).
		expect(provenPlace(proven, 'id:w', [deleted('/p/w')])).toBeUndefined();
		// Another folder's cursor.
		expect(provenPlace(proven, 'id:other', [])).toBeUndefined();
	});
});

describe("Dropbox feed scope (pure): a watch of the folder's own files (Include Subfolders off)", () => {
	test("follows the whole subtree, so the folder's own move shows even when it holds nothing; the root keeps a flat feed", () => {
		expect(feedScope(false, false)).toEqual({ recursive: true, childrenOnly: true });
		expect(feedScope(false, true)).toEqual({ recursive: true, childrenOnly: false });
		expect(feedScope(true, false)).toEqual({ recursive: false, childrenOnly: false });
	});

	test("counts only the folder's direct children, and keeps entries outside for the move check", () => {
		const entries = [
			file('/p/w/a.pdf'),
			file('/p/w/x/b.pdf'),
			deleted('/p/w/x'),
			deleted('/p/w/x/c.pdf'),
			deleted('/p/w'),
			file('/q/d.pdf'),
		];
		expect(watchedEntries(at('/P/W'), entries, true).map((e) => e.path_lower)).toEqual([
			'/p/w/a.pdf',
			'/p/w/x',
			'/p/w',
			'/q/d.pdf',
		]);
		expect(watchedEntries(at('/P/W'), entries, false)).toBe(entries);
	});

	test("a flat cursor of a folder's own files from an older version is replaced once by a listing; others are kept", () => {
		expect(outdatedCursor({}, false, false)).toBe(true);
		expect(outdatedCursor({ childrenOnly: true }, false, false)).toBe(false);
		expect(outdatedCursor({}, true, false)).toBe(false);
		expect(outdatedCursor({}, false, true)).toBe(false);
		expect(outdatedCursor({}, false, undefined)).toBe(false);
	});
});
