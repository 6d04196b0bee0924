/**
 * The planner's rules for files of ours that a run sees but that no record of its input keeps (issue 12, the last
 * duplicate family): a renamed folder's files, a file the user moved beside a restored copy, and files seen only by
 * a run whose input did not include their record. Plain data, no I/O.
 */
import { fingerprint } from '../../nodes/shared/state/fingerprint';
import {
	decodeExportState,
	emptyExportState,
	encodeExportState,
	shortFingerprint,
	type ExportState,
} from '../../nodes/shared/state/exportState';
import { validateStoredExportState } from '../../nodes/shared/state/exportValidation';
import { MAX_STRAYS, withoutKeptStrays } from '../../nodes/shared/sync/exportStrays';
import { nameFingerprint } from '../../nodes/shared/sync/exportChanges';
import {
	planExport,
	type ExportPolicy,
	type ExportRecordInput,
} from '../../nodes/shared/sync/exportPlan';
import { caseInsensitivePolicy } from './support/exportPolicies';
import type { ChangeBatch, RemoteItem } from '../../nodes/shared/storage/types';

const policy: ExportPolicy = caseInsensitivePolicy;

function input(
	index: number,
	key: string,
	folder: string,
	content = `content-${key}`,
): ExportRecordInput {
	return {
		index,
		recordKey: key,
		name: 'invoice.pdf',
		folder,
		contentHash: `hash(${content})`,
		size: content.length,
	};
}

/** A state where each input was exported to its folder as `invoice.pdf`, file id `file-<key>`. */
function exported(inputs: ExportRecordInput[]): ExportState {
	const state = emptyExportState();
	state.rootId = 'root';
	state.cursor = 'c0';
	for (const item of inputs) {
		let folder = -1;
		if (item.folder !== '') {
			folder = state.folders.findIndex((f) => f?.path === item.folder);
			if (folder < 0)
				folder = state.folders.push({ path: item.folder, id: `folder-${item.folder}` }) - 1;
		}
		const keyFp = fingerprint(item.recordKey);
		state.records.set(keyFp, {
			keyFp,
			contentFp: shortFingerprint(item.contentHash),
			nameFp: nameFingerprint(item.name, true),
			folder,
			status: 'live',
			id: `file-${item.recordKey}`,
		});
	}
	return state;
}

function file(id: string, path: string, content: string, parentId?: string): RemoteItem {
	return {
		id,
		name: path.split('/').pop()!,
		path,
		isFolder: false,
		hash: `hash(${content})`,
		parentId,
	};
}

function folder(id: string, path: string): RemoteItem {
	return { id, name: path.split('/').pop()!, path, isFolder: true };
}

const noChanges: ChangeBatch = { changes: [], cursor: 'c1' };

function upserts(...items: RemoteItem[]): ChangeBatch {
	return { changes: items.map((item) => ({ type: 'upsert' as const, item })), cursor: 'c1' };
}

describe('export planner: a renamed folder takes its files along', () => {
	// Soak seed 681554515 (SharePoint and OneDrive): Graph's delta shows a renamed folder without its children; the
	// user's new folder at the old path with their own invoice.pdf in it made the record look deleted.
	it("a new folder at a renamed folder's old path, with the user's file at our name: our file moves back, nothing is re-uploaded", () => {
		const k0 = input(0, 'k0', 'A');
		const plan = planExport(
			[k0],
			exported([k0]),
			upserts(
				folder('folder-A', 'moved 2'),
				folder('folder-A2', 'A'),
				file('user-1', 'A/invoice.pdf', 'user file', 'folder-A2'),
			),
			policy,
		);
		expect(plan.analysis.goneRecords.size).toBe(0);
		expect(plan.items[0]).toMatchObject({
			action: 'updated',
			op: { verb: 'move', id: 'file-k0' },
			folder: 'A',
			name: 'invoice (k0).pdf',
		});
	});

	it('a deletion reported by path at the old place of a renamed folder still counts (Dropbox reports deletions by path)', () => {
		const k0 = input(0, 'k0', 'A');
		const batch: ChangeBatch = {
			changes: [
				{ type: 'delete', path: 'A/invoice.pdf' },
				{ type: 'upsert', item: folder('folder-A', 'moved 2') },
			],
			cursor: 'c1',
		};
		const plan = planExport([k0], exported([k0]), batch, policy);
		expect(plan.analysis.goneRecords.get(fingerprint('k0'))).toBe('fileDeleted');
	});
});

describe('export planner: a file moved out of a folder before the folder was deleted', () => {
	// Soak seed 1616 (SharePoint, folders; every cloud): it counted as deleted with its folder, and with two more
	// files in that folder the mass-delete guard stopped the run.
	it('lives on where it is now; only the files still in the folder went with it', () => {
		const k0 = input(0, 'k0', 'A');
		const k1 = input(1, 'k1', 'A');
		const k2 = input(2, 'k2', 'B');
		const state = exported([k0, k1, k2]);
		const plan = planExport(
			[k0, k1, k2],
			state,
			{
				changes: [
					{ type: 'upsert', item: file('file-k1', 'B/invoice (k1).pdf', 'content-k1', 'folder-B') },
					{ type: 'delete', id: 'folder-A', isFolder: true },
				],
				cursor: 'c1',
			},
			policy,
		);
		expect(plan.massDelete).toBeUndefined();
		expect([...plan.analysis.goneRecords]).toEqual([[fingerprint('k0'), 'folderDeleted']]);
		expect(plan.items.map((i) => i.action)).toEqual([
			'skipped_folder_deleted',
			'skipped_folder_deleted',
			'unchanged',
		]);
		expect(plan.state.records.get(fingerprint('k1'))).toMatchObject({
			status: 'live',
			folder: 1,
			nameFp: nameFingerprint('invoice (k1).pdf', true),
		});
	});
});

describe('export planner: the tracked file wins over a copy holding the same content', () => {
	// Soak seed 1201889272 (Dropbox, folders; every cloud): the user renamed the re-uploaded file and restored the
	// deleted original at the record's name; the run took the restored file (the user's, README) for the record's.
	it("the record follows its own file the user renamed; a restored file at its name holding the same content stays the user's", () => {
		const k2 = input(0, 'k2', 'A');
		const plan = planExport(
			[k2],
			exported([k2]),
			upserts(
				file('file-k2', 'A/Reçu.pdf', 'content-k2', 'folder-A'),
				file('restored-original', 'A/invoice.pdf', 'content-k2', 'folder-A'),
			),
			policy,
		);
		expect(plan.items[0]).toMatchObject({
			action: 'updated',
			op: { verb: 'move', id: 'file-k2' },
			name: 'invoice (k2).pdf',
			fileId: 'file-k2',
		});
	});
});

const listing = (...items: RemoteItem[]): ChangeBatch => ({
	...upserts(...items),
	snapshot: true,
});

describe('export planner: files of ours no record of the run keeps (strays)', () => {
	// Soak seeds 207645163, 640738234, 2062130536, 1616: a run whose input did not include the record saw its file
	// (written by a manual run, or before the state was lost); the record's next run uploaded it again beside it.
	const k0 = input(0, 'k0', '');
	const k1 = input(1, 'k1', '');

	it('a run that sees a file no record of its input keeps remembers its content, name and place', () => {
		const plan = planExport(
			[k1],
			{ ...emptyExportState(), rootId: 'root' },
			listing(
				file('k1-file', 'invoice.pdf', 'content-k1', 'root'),
				file('lost-k0', 'invoice (k0).pdf', 'content-k0', 'root'),
			),
			policy,
		);
		expect(plan.items[0]).toMatchObject({ action: 'unchanged', op: { verb: 'adopt' } });
		expect(plan.state.strays).toEqual([
			{
				contentFp: shortFingerprint('hash(content-k0)'),
				nameFp: nameFingerprint('invoice (k0).pdf', true),
				folder: -1,
				id: 'lost-k0',
			},
		]);
	});

	function withStray(id: string, path: string, content: string): ExportState {
		const state = exported([k1]);
		const first = planExport(
			[k1],
			state,
			path.includes('/')
				? upserts(folder('folder-B', path.split('/')[0]), file(id, path, content, 'folder-B'))
				: upserts(file(id, path, content, 'root')),
			policy,
		);
		return first.state;
	}

	it('the record arriving later adopts the stray at one of its names: no upload, reported unchanged where it is', () => {
		const state = withStray('lost-k0', 'invoice (k0).pdf', 'content-k0');
		const plan = planExport([k0, k1], state, noChanges, policy);
		expect(plan.items[0]).toMatchObject({
			action: 'unchanged',
			op: { verb: 'move', id: 'lost-k0' },
			name: 'invoice (k0).pdf',
			fileId: 'lost-k0',
		});
		expect(plan.items[1].action).toBe('unchanged');
		// Remembered until the runner has recorded it (a run that stops before the move must not forget it).
		expect(plan.state.strays?.map((s) => s.id)).toEqual(['lost-k0']);
		plan.state.records.set(fingerprint('k0'), {
			keyFp: fingerprint('k0'),
			contentFp: shortFingerprint('hash(content-k0)'),
			nameFp: nameFingerprint('invoice (k0).pdf', true),
			folder: -1,
			status: 'live',
			id: 'lost-k0',
		});
		expect(withoutKeptStrays(plan.state)).toEqual([]);
	});

	it("a stray elsewhere below the root is moved to the record's place", () => {
		const state = withStray('lost-k0', 'moved 3/old name.pdf', 'content-k0');
		const plan = planExport([k0, k1], state, noChanges, policy);
		expect(plan.items[0]).toMatchObject({
			action: 'updated',
			op: { verb: 'move', id: 'lost-k0' },
			folder: '',
			name: 'invoice (k0).pdf',
		});
	});

	it('a stray with other content is not adopted, and is kept for its own record', () => {
		const state = withStray('lost-k0', 'invoice (k0).pdf', 'content-k0 v1');
		const plan = planExport([k0, k1], state, noChanges, policy);
		expect(plan.items[0]).toMatchObject({ action: 'created', op: { verb: 'upload' } });
		expect(plan.state.strays?.map((s) => s.id)).toEqual(['lost-k0']);
	});

	it('a stray the feed shows deleted (by id, or by path as Dropbox reports it) is forgotten', () => {
		const state = withStray('lost-k0', 'invoice (k0).pdf', 'content-k0');
		for (const change of [
			{ type: 'delete' as const, id: 'lost-k0' },
			{ type: 'delete' as const, path: 'Invoice (K0).pdf' },
		]) {
			const plan = planExport([k0], state, { changes: [change], cursor: 'c2' }, policy);
			expect(plan.items[0]).toMatchObject({ action: 'created', op: { verb: 'upload' } });
			expect(plan.state.strays).toEqual([]);
		}
	});

	it('a stray the feed shows again is looked at again: changed content is remembered as it is now', () => {
		const state = withStray('lost-k0', 'invoice (k0).pdf', 'content-k0');
		const plan = planExport(
			[k1],
			state,
			upserts(file('lost-k0', 'renamed.pdf', 'edited', 'root')),
			policy,
		);
		expect(plan.state.strays).toEqual([
			{
				contentFp: shortFingerprint('hash(edited)'),
				nameFp: nameFingerprint('renamed.pdf', true),
				folder: -1,
				id: 'lost-k0',
			},
		]);
	});

	it('a full listing finds the strays again: one it does not show is gone', () => {
		const state = withStray('lost-k0', 'invoice (k0).pdf', 'content-k0');
		const plan = planExport(
			[k1],
			state,
			listing(file('file-k1', 'invoice.pdf', 'content-k1', 'root')),
			policy,
		);
		expect(plan.state.strays).toEqual([]);
	});

	it("a record whose file was deleted does not take a stray holding the content it recorded (a restored file is the user's)", () => {
		const state = withStray('restored', 'restored invoice.pdf', 'content-k1');
		state.records.set(fingerprint('k1'), {
			...state.records.get(fingerprint('k1'))!,
			status: 'fileDeleted',
		});
		const plan = planExport([k1], state, noChanges, policy);
		expect(plan.items[0]).toMatchObject({ action: 'reuploaded', op: { verb: 'upload' } });
	});

	it("where the cloud tags our files (Drive), an untagged file is the user's and is not remembered", () => {
		const tagged: RemoteItem = {
			...file('ours', 'a.pdf', 'x', 'root'),
			appProperties: { recordKey: 'k9' },
		};
		const plan = planExport(
			[k1],
			exported([k1]),
			upserts(tagged, file('users', 'b.pdf', 'y', 'root')),
			{ ...policy, tagsOwnFiles: true },
		);
		expect(plan.state.strays?.map((s) => s.id)).toEqual(['ours']);
	});

	it(`at most ${MAX_STRAYS} are kept, the newest first`, () => {
		const state = withStray('old', 'old.pdf', 'old');
		const many = Array.from({ length: MAX_STRAYS }, (_, i) =>
			file(`new-${i}`, `new ${i}.pdf`, `new ${i}`, 'root'),
		);
		const plan = planExport([k1], state, upserts(...many), policy);
		expect(plan.state.strays).toHaveLength(MAX_STRAYS);
		expect(plan.state.strays?.some((s) => s.id === 'old')).toBe(false);
	});

	it('the idle run keeps the strays as they are and reads nothing more', () => {
		const state = withStray('lost-k0', 'invoice (k0).pdf', 'content-k0');
		const plan = planExport([k1], state, noChanges, policy);
		expect(plan.state.strays).toBe(state.strays);
		expect(plan.items[0].op.verb).toBe('none');
	});

	it('after the run, a stray a record now keeps is no stray', () => {
		const state = withStray('lost-k0', 'invoice (k0).pdf', 'content-k0');
		state.records.set(fingerprint('k0'), {
			keyFp: fingerprint('k0'),
			contentFp: shortFingerprint('hash(content-k0)'),
			nameFp: nameFingerprint('invoice (k0).pdf', true),
			folder: -1,
			status: 'live',
			id: 'lost-k0',
		});
		expect(withoutKeptStrays(state)).toEqual([]);
	});
});

describe('export state: strays are stored compactly, only when there are any', () => {
	it('round-trips through static data; no field at all without strays', () => {
		const state = exported([input(0, 'k1', 'B')]);
		expect('strays' in encodeExportState(state)).toBe(false);
		state.strays = [
			{ contentFp: 'AAAAAAAA', nameFp: 'BBBBBBBB', folder: 0, id: 'id:x|y.%z' },
			{ contentFp: 'CCCCCCCC', nameFp: 'DDDDDDDD', folder: -1, id: '1abc' },
		];
		const stored = encodeExportState(state);
		expect(stored.strays).toBe('AAAAAAAABBBBBBBB0.id:x%7Cy.%25z|CCCCCCCCDDDDDDDD.1abc');
		expect(validateStoredExportState(stored).state.strays).toBe(stored.strays);
		expect(decodeExportState(stored).strays).toEqual(state.strays);
	});

	it('a stray whose folder is gone is dropped on save; an unreadable entry is dropped alone', () => {
		const state = exported([input(0, 'k1', 'B')]);
		state.folders.push({ path: 'C', id: 'folder-C' });
		state.strays = [
			{ contentFp: 'AAAAAAAA', nameFp: 'BBBBBBBB', folder: 1, id: 'a' },
			{ contentFp: 'AAAAAAAA', nameFp: 'BBBBBBBB', folder: 0, id: 'b' },
		];
		state.folders[1] = undefined;
		expect(decodeExportState(encodeExportState(state)).strays?.map((s) => s.id)).toEqual(['b']);
		const stored = {
			...encodeExportState(state),
			strays: 'AAAAAAAABBBBBBBB0.b|broken|AAAAAAAABBBBBBBB9.c',
		};
		const checked = validateStoredExportState(stored);
		expect(checked.state.strays).toBe('AAAAAAAABBBBBBBB0.b');
		expect(checked.problems).toEqual([]);
	});
});
