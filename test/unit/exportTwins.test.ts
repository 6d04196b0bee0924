import type { RemoteItem } from '../../nodes/shared/storage/types';
import {
	checksFileTwins,
	decideFileTwins,
	decideFolderTwin,
	looksBeforeCreatingFolder,
	twinKeeper,
	type CreatedFile,
} from '../../nodes/shared/sync/exportTwins';

const folder = (id: string, createdAt: string, name = 'A'): RemoteItem => ({
	id,
	name,
	isFolder: true,
	parentId: 'root',
	createdAt,
});
const file = (
	id: string,
	createdAt: string,
	recordKey: string,
	extra: Partial<RemoteItem> = {},
): RemoteItem => ({
	id,
	name: 'invoice.pdf',
	isFolder: false,
	parentId: 'A',
	createdAt,
	appProperties: { recordKey, contentVersion: `cv-${id}` },
	...extra,
});
const created = (id: string, createdAt: string, recordKey = 'k1'): CreatedFile => ({
	id,
	parentId: 'A',
	name: 'invoice.pdf',
	recordKey,
	createdAt,
});
const tagOf = (item: RemoteItem) => item.appProperties?.recordKey;

describe('twins on a cloud that allows two items of one name (Google Drive): one kept, whatever the order', () => {
	test('the oldest is kept; the same millisecond is decided by id, the same way in every execution', () => {
		expect(
			twinKeeper([
				folder('b', '2026-01-01T00:00:00.002Z'),
				folder('a', '2026-01-01T00:00:00.003Z'),
			])!.id,
		).toBe('b');
		expect(
			twinKeeper([
				folder('z', '2026-01-01T00:00:00.002Z'),
				folder('y', '2026-01-01T00:00:00.002Z'),
			])!.id,
		).toBe('y');
		expect(
			twinKeeper([
				folder('y', '2026-01-01T00:00:00.002Z'),
				folder('z', '2026-01-01T00:00:00.002Z'),
			])!.id,
		).toBe('y');
		// An item without a createdTime never wins over one with it.
		expect(twinKeeper([{ id: 'a' }, folder('b', '2026-01-01T00:00:00.002Z')])!.id).toBe('b');
	});

	test('a folder this run created alone is kept', () => {
		const own = folder('f2', '2026-01-01T00:00:01Z');
		expect(decideFolderTwin(own, [own])).toEqual({ keep: 'own' });
		// Drive's listing may not show it yet (eventual consistency): still ours, still kept.
		expect(decideFolderTwin(own, [])).toEqual({ keep: 'own' });
	});

	test('a folder another run created earlier is used, ours (empty, just created) is removed', () => {
		const own = folder('f2', '2026-01-01T00:00:01Z');
		const other = folder('f1', '2026-01-01T00:00:00Z');
		expect(decideFolderTwin(own, [other, own])).toEqual({
			keep: 'other',
			use: other,
			removeOwn: 'f2',
		});
	});

	test('the other run, seeing both, keeps its older folder and removes nothing', () => {
		const own = folder('f1', '2026-01-01T00:00:00Z');
		expect(decideFolderTwin(own, [own, folder('f2', '2026-01-01T00:00:01Z')])).toEqual({
			keep: 'own',
		});
	});

	test('a file of another name in the list (Drive compares `name =` loosely) is no twin', () => {
		const own = folder('f2', '2026-01-01T00:00:01Z');
		expect(decideFolderTwin(own, [folder('f1', '2026-01-01T00:00:00Z', 'a'), own])).toEqual({
			keep: 'own',
		});
	});

	test('files: both executions compute the same keeper, and only the newer one removes its own', () => {
		const a = file('fa', '2026-01-01T00:00:00Z', 'k1');
		const b = file('fb', '2026-01-01T00:00:01Z', 'k1');
		// A sees both: keeps its own.
		expect(decideFileTwins([created('fa', a.createdAt!)], [a, b], tagOf)).toEqual([]);
		// A saw only its own (B created after A looked): keeps it too.
		expect(decideFileTwins([created('fa', a.createdAt!)], [a], tagOf)).toEqual([]);
		// B sees both: removes its own and takes A's.
		expect(decideFileTwins([created('fb', b.createdAt!)], [b, a], tagOf)).toEqual([
			{ removeOwn: 'fb', use: a },
		]);
	});

	test("files: a user's file or another record's file at the name is never a twin", () => {
		const mine = file('fb', '2026-01-01T00:00:01Z', 'k1');
		const users = file('u', '2026-01-01T00:00:00Z', 'x', { appProperties: undefined });
		const another = file('k2file', '2026-01-01T00:00:00Z', 'k2');
		expect(
			decideFileTwins([created('fb', mine.createdAt!)], [users, another, mine], tagOf),
		).toEqual([]);
	});

	test('files: the same record in another folder or under another name is no twin', () => {
		const mine = file('fb', '2026-01-01T00:00:01Z', 'k1');
		const elsewhere = file('fa', '2026-01-01T00:00:00Z', 'k1', { parentId: 'B' });
		const renamed = file('fc', '2026-01-01T00:00:00Z', 'k1', { name: 'invoice (k1).pdf' });
		expect(
			decideFileTwins([created('fb', mine.createdAt!)], [elsewhere, renamed, mine], tagOf),
		).toEqual([]);
	});

	test('files: a twin the feed lists twice (created, then updated) counts once, with its latest entry', () => {
		const a1 = file('fa', '2026-01-01T00:00:00Z', 'k1');
		const a2 = { ...a1, appProperties: { recordKey: 'k1', contentVersion: 'cv2' } };
		const b = file('fb', '2026-01-01T00:00:01Z', 'k1');
		expect(decideFileTwins([created('fb', b.createdAt!)], [a1, b, a2], tagOf)).toEqual([
			{ removeOwn: 'fb', use: a2 },
		]);
	});

	test('files: three executions, every order of what each one sees: exactly one file stays', () => {
		const all = [
			file('f1', '2026-01-01T00:00:00Z', 'k1'),
			file('f2', '2026-01-01T00:00:01Z', 'k1'),
			file('f3', '2026-01-01T00:00:01Z', 'k1'),
		];
		// Each execution sees at least every file created before its own (it looks after creating).
		const removed = new Set<string>();
		for (const [i, own] of all.entries()) {
			const seen = all.slice(0, i + 1);
			for (const d of decideFileTwins([created(own.id, own.createdAt!)], seen, tagOf))
				removed.add(d.removeOwn);
		}
		expect(all.filter((f) => !removed.has(f.id)).map((f) => f.id)).toEqual(['f1']);
	});

	test('the extra feed read happens only where twins can exist and only after a run that created files', () => {
		expect(checksFileTwins({ duplicateNames: true }, 0)).toBe(false);
		expect(checksFileTwins({ duplicateNames: true }, 3)).toBe(true);
		expect(checksFileTwins({ duplicateNames: false }, 3)).toBe(false);
	});
});

describe('a new folder on a cloud with twins costs what it did: created, then looked at (no lookup before)', () => {
	test('looked up first only where the cloud refuses a second folder of one name itself', () => {
		expect(looksBeforeCreatingFolder({ duplicateNames: true })).toBe(false);
		expect(looksBeforeCreatingFolder({ duplicateNames: false })).toBe(true);
	});

	test("a folder that was already there (the user's, or one the state forgot) is kept, ours removed", () => {
		const own = folder('new', '2026-01-02T00:00:00Z');
		const theirs = folder('old', '2025-06-01T00:00:00Z');
		expect(decideFolderTwin(own, [theirs, own])).toEqual({
			keep: 'other',
			use: theirs,
			removeOwn: 'new',
		});
	});
});
