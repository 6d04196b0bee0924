import { fingerprint } from '../../nodes/shared/state/fingerprint';
import {
	emptyExportState,
	shortFingerprint,
	type ExportState,
} from '../../nodes/shared/state/exportState';
import { nameFingerprint } from '../../nodes/shared/sync/exportChanges';
import {
	keepBothName,
	planExport,
	recordTag,
	type ExportPolicy,
	type ExportRecordInput,
} from '../../nodes/shared/sync/exportPlan';
import type { ChangeBatch, RemoteItem } from '../../nodes/shared/storage/types';

const policy: ExportPolicy = {
	onContentChanged: 'replace',
	onFileDeleted: 'reupload',
	onFolderDeleted: 'stop',
	caseInsensitive: true,
	duplicateNames: false,
	massDeleteMinimum: 3,
	acceptMassDeletion: false,
};

const noChanges: ChangeBatch = { changes: [], cursor: 'c1' };

function input(
	index: number,
	key: string,
	folder: string,
	content = `content-${key}`,
	extra: Partial<ExportRecordInput> = {},
): ExportRecordInput {
	return {
		index,
		recordKey: key,
		name: `${key}.pdf`,
		folder,
		contentHash: `hash(${content})`,
		size: content.length,
		...extra,
	};
}

/** A state as if `inputs` had been exported: folders cached, one live record each with id `file-<key>`. */
function exported(inputs: ExportRecordInput[], ci = true): ExportState {
	const state = emptyExportState();
	state.rootId = 'root';
	state.cursor = 'c0';
	const folderIndex = (path: string): number => {
		if (path === '') return -1;
		const segments = path.split('/');
		let index = -1;
		for (let i = 1; i <= segments.length; i++) {
			const prefix = segments.slice(0, i).join('/');
			index = state.folders.findIndex((f) => f?.path === prefix);
			if (index < 0) {
				state.folders.push({ path: prefix, id: `folder-${prefix}` });
				index = state.folders.length - 1;
			}
		}
		return index;
	};
	for (const item of inputs) {
		const keyFp = fingerprint(item.recordKey);
		state.records.set(keyFp, {
			keyFp,
			contentFp: shortFingerprint(item.contentHash),
			nameFp: nameFingerprint(item.name, ci),
			folder: folderIndex(item.folder),
			status: 'live',
			id: `file-${item.recordKey}`,
		});
	}
	return state;
}

function actions(plan: ReturnType<typeof planExport>): string[] {
	return plan.items.map((i) => i.action);
}

const receipts = [
	input(0, 'r1', 'Main/2026-09'),
	input(1, 'r2', 'Main/2026-09'),
	input(2, 'r3', 'Main/2026-10'),
	input(3, 'r4', 'Savings/2026-09'),
	input(4, 'r5', 'Savings/2026-10'),
	input(5, 'r6', 'Savings/2026-11'),
];

describe('planExport: first run and idempotence', () => {
	it('creates every record on an empty state and asks for each folder once, parents first', () => {
		const plan = planExport(
			receipts,
			emptyExportState(),
			{ changes: [], cursor: 'c', snapshot: true },
			policy,
		);
		expect(actions(plan)).toEqual(Array(6).fill('created'));
		expect(plan.ensureFolders).toEqual([
			'Main',
			'Savings',
			'Main/2026-09',
			'Main/2026-10',
			'Savings/2026-09',
			'Savings/2026-10',
			'Savings/2026-11',
		]);
		expect(plan.items.every((i) => i.op.verb === 'upload' && i.op.onConflict === 'fail')).toBe(
			true,
		);
	});

	it('leaves unchanged content alone: no upload, no folder', () => {
		const plan = planExport(receipts, exported(receipts), noChanges, policy);
		expect(actions(plan)).toEqual(Array(6).fill('unchanged'));
		expect(plan.items.map((i) => i.op.verb)).toEqual(Array(6).fill('none'));
		expect(plan.items[0].fileId).toBe('file-r1');
		expect(plan.ensureFolders).toEqual([]);
	});

	it('replaces changed content in place by default (same file id)', () => {
		const edited = [...receipts];
		edited[2] = input(2, 'r3', 'Main/2026-10', 'edited');
		const plan = planExport(edited, exported(receipts), noChanges, policy);
		expect(plan.items[2]).toMatchObject({
			action: 'updated',
			fileId: 'file-r3',
			op: { verb: 'upload', replaceId: 'file-r3' },
		});
		expect(actions(plan).filter((a) => a === 'unchanged')).toHaveLength(5);
	});

	it('keeps both: a new file with a stable, content-derived name next to the old one', () => {
		const edited = [input(0, 'r1', 'Main/2026-09', 'v2')];
		const plan = planExport(edited, exported([receipts[0]]), noChanges, {
			...policy,
			onContentChanged: 'keepBoth',
		});
		const item = plan.items[0];
		expect(item.action).toBe('created');
		expect(item.op).toEqual({ verb: 'upload', onConflict: 'fail' });
		expect(item.name).toBe(keepBothName('r1.pdf', shortFingerprint('hash(v2)')));
		expect(item.name).toMatch(/^r1 \(.{8}\)\.pdf$/);
		expect(item.previousId).toBe('file-r1');
	});

	it('skips changed content when asked', () => {
		const edited = [input(0, 'r1', 'Main/2026-09', 'v2')];
		const plan = planExport(edited, exported([receipts[0]]), noChanges, {
			...policy,
			onContentChanged: 'skip',
		});
		expect(plan.items[0]).toMatchObject({
			action: 'skipped_content_changed',
			op: { verb: 'none' },
			fileId: 'file-r1',
		});
	});

	it('moves a file whose folder or name changed while its content did not', () => {
		const moved = [input(0, 'r1', 'Main/2026-10', 'content-r1')];
		const plan = planExport(moved, exported([receipts[0]]), noChanges, policy);
		expect(plan.items[0]).toMatchObject({ action: 'updated', op: { verb: 'move', id: 'file-r1' } });
		expect(plan.ensureFolders).toEqual(['Main/2026-10']);
	});

	it('skips documents dated before the backfill date', () => {
		const dated = [
			input(0, 'a', '', 'x', { date: '2026-08-31' }),
			input(1, 'b', '', 'y', { date: '2026-09-01' }),
			input(2, 'c', '', 'z'),
		];
		const plan = planExport(dated, emptyExportState(), noChanges, {
			...policy,
			since: '2026-09-01',
		});
		expect(actions(plan)).toEqual(['skipped_before_date', 'created', 'created']);
	});

	it('fails an empty record key; the same key again in the batch: the last item wins, earlier ones are superseded', () => {
		const plan = planExport(
			[input(0, '', ''), input(1, 'k', ''), input(2, 'k', ''), input(3, 'k', '', 'other')],
			emptyExportState(),
			noChanges,
			policy,
		);
		expect(actions(plan)).toEqual(['failed', 'superseded', 'superseded', 'created']);
		expect(plan.items[0].error).toMatch(/record key is empty/i);
		expect(plan.items[1].supersededBy).toBe(3);
		expect(plan.items[3].contentHash).toBe('hash(other)');
	});
});

describe('planExport: what the user deleted', () => {
	it('re-uploads exactly the file the user deleted (by id)', () => {
		const batch: ChangeBatch = { changes: [{ type: 'delete', id: 'file-r2' }], cursor: 'c1' };
		const plan = planExport(receipts, exported(receipts), batch, policy);
		expect(actions(plan)).toEqual([
			'unchanged',
			'reuploaded',
			'unchanged',
			'unchanged',
			'unchanged',
			'unchanged',
		]);
		// Never over a file: if the user put one at that name meanwhile, the runner reports back and ours moves aside.
		expect(plan.items[1].op).toEqual({ verb: 'upload', onConflict: 'fail' });
		expect(plan.state.records.get(fingerprint('r2'))!.status).toBe('fileDeleted');
	});

	it('leaves the previous state as it was: a run that fails after planning saves nothing it did not do', () => {
		const batch: ChangeBatch = { changes: [{ type: 'delete', id: 'file-r2' }], cursor: 'c1' };
		const previous = exported(receipts);
		const before = JSON.stringify([...previous.records]);
		const plan = planExport(receipts, previous, batch, policy);
		expect(plan.state.records.get(fingerprint('r2'))!.status).toBe('fileDeleted');
		expect(previous.records.get(fingerprint('r2'))!.status).toBe('live');
		expect(JSON.stringify([...previous.records])).toBe(before);
	});

	it('finds a deletion reported by path only (Dropbox), case-insensitively', () => {
		const batch: ChangeBatch = {
			changes: [{ type: 'delete', path: 'main/2026-09/R2.PDF' }],
			cursor: 'c1',
		};
		const plan = planExport(receipts, exported(receipts), batch, policy);
		expect(plan.items[1].action).toBe('reuploaded');
		expect(actions(plan).filter((a) => a === 'unchanged')).toHaveLength(5);
	});

	it('remembers a deletion for a record that is not in this run, and re-uploads it when it comes', () => {
		const batch: ChangeBatch = { changes: [{ type: 'delete', id: 'file-r2' }], cursor: 'c1' };
		const first = planExport([receipts[0]], exported(receipts), batch, policy);
		expect(actions(first)).toEqual(['unchanged']);
		const second = planExport(receipts, first.state, noChanges, policy);
		expect(second.items[1].action).toBe('reuploaded');
	});

	it('leaves a deleted file deleted when asked, across runs', () => {
		const batch: ChangeBatch = { changes: [{ type: 'delete', id: 'file-r2' }], cursor: 'c1' };
		const leave = { ...policy, onFileDeleted: 'leave' as const };
		const first = planExport(receipts, exported(receipts), batch, leave);
		expect(first.items[1].action).toBe('skipped_file_deleted');
		expect(planExport(receipts, first.state, noChanges, leave).items[1].action).toBe(
			'skipped_file_deleted',
		);
	});

	it('stops a deleted folder: its records and new records for it are skipped until resumed', () => {
		const batch: ChangeBatch = {
			changes: [{ type: 'delete', id: 'folder-Main/2026-09', isFolder: true }],
			cursor: 'c1',
		};
		const withNew = [...receipts, input(6, 'r7', 'Main/2026-09')];
		const plan = planExport(withNew, exported(receipts), batch, policy);
		expect(actions(plan)).toEqual([
			'skipped_folder_deleted',
			'skipped_folder_deleted',
			'unchanged',
			'unchanged',
			'unchanged',
			'unchanged',
			'skipped_folder_deleted',
		]);
		expect(plan.newlyStopped).toEqual(['Main/2026-09']);
		expect(plan.state.stopped).toEqual(['Main/2026-09']);
		// Next run: still stopped without any change reported.
		const next = planExport(withNew, plan.state, noChanges, policy);
		expect(next.items[0].action).toBe('skipped_folder_deleted');
		// Resume clears the stop: the old receipts come back, the new one is created, the folder is recreated.
		const resumed = { ...next.state, stopped: [] };
		const after = planExport(withNew, resumed, noChanges, policy);
		expect(actions(after)).toEqual([
			'reuploaded',
			'reuploaded',
			'unchanged',
			'unchanged',
			'unchanged',
			'unchanged',
			'created',
		]);
		expect(after.ensureFolders).toEqual(['Main/2026-09']);
	});

	it('stops everything below a deleted parent folder (Dropbox reports only the topmost path)', () => {
		const batch: ChangeBatch = { changes: [{ type: 'delete', path: 'savings' }], cursor: 'c1' };
		const plan = planExport(receipts, exported(receipts), batch, policy);
		expect(actions(plan)).toEqual([
			'unchanged',
			'unchanged',
			'unchanged',
			'skipped_folder_deleted',
			'skipped_folder_deleted',
			'skipped_folder_deleted',
		]);
		expect(plan.state.stopped).toEqual(['Savings']);
	});

	it('recreates a deleted folder when asked', () => {
		const batch: ChangeBatch = {
			changes: [{ type: 'delete', id: 'folder-Main/2026-09', trashed: true }],
			cursor: 'c1',
		};
		const plan = planExport(receipts, exported(receipts), batch, {
			...policy,
			onFolderDeleted: 'recreate',
		});
		expect(actions(plan).slice(0, 2)).toEqual(['reuploaded', 'reuploaded']);
		expect(plan.ensureFolders).toEqual(['Main/2026-09']);
		expect(plan.state.stopped).toEqual([]);
	});

	it('a snapshot (full listing) marks every tracked item it does not list as gone', () => {
		const listing: ChangeBatch = {
			snapshot: true,
			cursor: 'c1',
			changes: [
				{ type: 'upsert', item: { id: 'folder-Main', name: 'Main', isFolder: true, path: 'Main' } },
				{
					type: 'upsert',
					item: {
						id: 'folder-Main/2026-09',
						name: '2026-09',
						isFolder: true,
						path: 'Main/2026-09',
					},
				},
				{
					type: 'upsert',
					item: {
						id: 'folder-Main/2026-10',
						name: '2026-10',
						isFolder: true,
						path: 'Main/2026-10',
					},
				},
				{
					type: 'upsert',
					item: { id: 'file-r1', name: 'r1.pdf', isFolder: false, path: 'Main/2026-09/r1.pdf' },
				},
				{
					type: 'upsert',
					item: { id: 'file-r3', name: 'r3.pdf', isFolder: false, path: 'Main/2026-10/r3.pdf' },
				},
				{
					type: 'upsert',
					item: { id: 'folder-Savings', name: 'Savings', isFolder: true, path: 'Savings' },
				},
				{
					type: 'upsert',
					item: {
						id: 'folder-Savings/2026-09',
						name: '2026-09',
						isFolder: true,
						path: 'Savings/2026-09',
					},
				},
				{
					type: 'upsert',
					item: {
						id: 'folder-Savings/2026-10',
						name: '2026-10',
						isFolder: true,
						path: 'Savings/2026-10',
					},
				},
				{
					type: 'upsert',
					item: {
						id: 'folder-Savings/2026-11',
						name: '2026-11',
						isFolder: true,
						path: 'Savings/2026-11',
					},
				},
				{
					type: 'upsert',
					item: { id: 'file-r4', name: 'r4.pdf', isFolder: false, path: 'Savings/2026-09/r4.pdf' },
				},
				{
					type: 'upsert',
					item: { id: 'file-r5', name: 'r5.pdf', isFolder: false, path: 'Savings/2026-10/r5.pdf' },
				},
				{
					type: 'upsert',
					item: { id: 'file-r6', name: 'r6.pdf', isFolder: false, path: 'Savings/2026-11/r6.pdf' },
				},
			],
		};
		const plan = planExport(receipts, exported(receipts), listing, policy);
		expect(actions(plan)).toEqual([
			'unchanged',
			'reuploaded',
			'unchanged',
			'unchanged',
			'unchanged',
			'unchanged',
		]);
	});

	it('a cached folder whose path the feed shows under another id was deleted and recreated (Dropbox path upload): stopped, then resumed into the new folder', () => {
		const recreated: RemoteItem = {
			id: 'folder-new',
			name: '2026-09',
			isFolder: true,
			path: 'Main/2026-09',
		};
		const batch: ChangeBatch = {
			changes: [
				{ type: 'delete', path: 'Main/2026-09/r1.pdf' },
				{ type: 'upsert', item: recreated },
			],
			cursor: 'c1',
		};
		const plan = planExport(receipts, exported(receipts), batch, policy);
		expect(actions(plan).slice(0, 3)).toEqual([
			'skipped_folder_deleted',
			'skipped_folder_deleted',
			'unchanged',
		]);
		expect(plan.state.stopped).toEqual(['Main/2026-09']);
		const after = planExport(receipts, { ...plan.state, stopped: [] }, noChanges, policy);
		expect(actions(after).slice(0, 2)).toEqual(['reuploaded', 'reuploaded']);
		// The new folder is used: never the deleted id, never a second folder.
		expect(after.ensureFolders).toEqual([]);
		expect(after.state.folders.filter((f) => f?.path === 'Main/2026-09').map((f) => f!.id)).toEqual(
			['folder-new'],
		);
	});

	it('two folders of one name (Drive) do not make the cached one look gone', () => {
		const twin: RemoteItem = {
			id: 'folder-twin',
			name: '2026-09',
			isFolder: true,
			path: 'Main/2026-09',
		};
		const ours: RemoteItem = {
			id: 'folder-Main/2026-09',
			name: '2026-09',
			isFolder: true,
			path: 'Main/2026-09',
		};
		const batch: ChangeBatch = {
			changes: [
				{ type: 'upsert', item: ours },
				{ type: 'upsert', item: twin },
			],
			cursor: 'c1',
		};
		expect(
			actions(planExport(receipts, exported(receipts), batch, { ...policy, duplicateNames: true })),
		).toEqual(Array(6).fill('unchanged'));
	});

	it('a file trashed then restored between two runs is not gone', () => {
		const item: RemoteItem = {
			id: 'file-r2',
			name: 'r2.pdf',
			isFolder: false,
			hash: 'hash(content-r2)',
		};
		const batch: ChangeBatch = {
			changes: [
				{ type: 'delete', id: 'file-r2', trashed: true },
				{ type: 'upsert', item },
			],
			cursor: 'c1',
		};
		expect(actions(planExport(receipts, exported(receipts), batch, policy))).toEqual(
			Array(6).fill('unchanged'),
		);
	});
});

describe('planExport: a deleted local folder whose inode a new file took', () => {
	// Local folder, folders layout, soak seed 627093996: the user deleted folder "Main" and then put a file in another
	// folder, which got Main's freed inode; the folder was taken as still there (moved to the file's path) and the
	// run stopped with '"Other/receipt.pdf" is a file, not a folder'.
	it('a cached folder whose id the listing shows as a file is gone: its records stop (default policy)', () => {
		const r1 = input(0, 'r1', 'Main');
		const reused: RemoteItem = {
			id: 'folder-Main',
			name: 'receipt.pdf',
			isFolder: false,
			path: 'Other/receipt.pdf',
			hash: 'user',
		};
		const batch: ChangeBatch = {
			changes: [{ type: 'upsert', item: reused }],
			cursor: 'c1',
			snapshot: true,
		};
		const plan = planExport([r1], exported([r1]), batch, policy);
		expect(plan.newlyStopped).toEqual(['Main']);
		expect(actions(plan)).toEqual(['skipped_folder_deleted']);
		expect(plan.analysis.movedFolders.size).toBe(0);
	});
});

describe('planExport: a manual run wrote a new version, the user renamed it', () => {
	// Local folder, soak seed 607765169: a manual run replaced r1's file (a new inode, state not saved), the user
	// renamed it; the next run saw the recorded id gone and uploaded the record again beside the renamed file.
	const r1 = input(0, 'r1', 'Main');
	const edited = input(0, 'r1', 'Main', 'edited');
	const renamed: RemoteItem = {
		id: 'inode-2',
		name: 'mine.pdf',
		isFolder: false,
		path: 'Main/mine.pdf',
		hash: 'hash(edited)',
	};
	const main: RemoteItem = { id: 'folder-Main', name: 'Main', isFolder: true, path: 'Main' };
	const snapshot = (item: RemoteItem): ChangeBatch => ({
		changes: [
			{ type: 'upsert', item: main },
			{ type: 'upsert', item },
		],
		cursor: 'c1',
		snapshot: true,
	});

	it("the file holding the new content is the record's: it goes back to its place, no second copy", () => {
		const plan = planExport([edited], exported([r1], false), snapshot(renamed), {
			...policy,
			caseInsensitive: false,
		});
		expect(plan.items[0]).toMatchObject({
			action: 'updated',
			name: 'r1.pdf',
			op: { verb: 'move', id: 'inode-2' },
			fileId: 'inode-2',
		});
	});

	it("a file holding the content the state recorded is not taken (it may be the user's copy): the record is uploaded again", () => {
		const copy = { ...renamed, hash: 'hash(content-r1)' };
		const plan = planExport([r1], exported([r1], false), snapshot(copy), {
			...policy,
			caseInsensitive: false,
		});
		expect(plan.items[0]).toMatchObject({ action: 'reuploaded', op: { verb: 'upload' } });
	});
});

describe('planExport: a manual run re-uploaded a deleted file into a folder it made, the user renamed that folder', () => {
	// OneDrive, folders, soak seed 1136299687: the user renamed Main and deleted r1's file; a manual run (state not
	// saved) made Main again and re-uploaded r1 there; the user renamed that folder too. The next run uploaded r1 a
	// third time beside the manual run's copy.
	const r1 = input(0, 'r1', 'Main');
	const madeByManualRun: RemoteItem = {
		id: 'folder-new',
		name: 'moved 3',
		isFolder: true,
		path: 'moved 3',
	};
	const copy = (parent: RemoteItem, name = 'r1.pdf'): RemoteItem => ({
		id: 'file-copy',
		name,
		isFolder: false,
		parentId: parent.id,
		path: `${parent.path}/${name}`,
		hash: 'hash(content-r1)',
	});
	const batch = (parent: RemoteItem, name?: string): ChangeBatch => ({
		changes: [
			{ type: 'delete', id: 'file-r1' },
			{ type: 'upsert', item: parent },
			{ type: 'upsert', item: copy(parent, name) },
		],
		cursor: 'c1',
	});
	const ci = { ...policy, caseInsensitive: false };

	it("its copy (the recorded content, the record's name, a folder the state did not know) is moved back, no third copy", () => {
		const plan = planExport([r1], exported([r1], false), batch(madeByManualRun), ci);
		expect(plan.items[0]).toMatchObject({
			action: 'updated',
			folder: 'Main',
			name: 'r1.pdf',
			op: { verb: 'move', id: 'file-copy' },
			fileId: 'file-copy',
		});
	});

	it("not under the record's name, or in a folder the state knew (a copy the user restored may be theirs): uploaded again", () => {
		const renamedCopy = planExport(
			[r1],
			exported([r1], false),
			batch(madeByManualRun, 'mine.pdf'),
			ci,
		);
		expect(renamedCopy.items[0]).toMatchObject({ action: 'reuploaded', op: { verb: 'upload' } });
		// Other is a folder the saved state knows (r2 is exported there).
		const other: RemoteItem = { id: 'folder-Other', name: 'Other', isFolder: true, path: 'Other' };
		const r2 = input(1, 'r2', 'Other');
		const inKnownFolder = planExport([r1, r2], exported([r1, r2], false), batch(other), ci);
		expect(inKnownFolder.items[0]).toMatchObject({ action: 'reuploaded', op: { verb: 'upload' } });
	});
});

describe("planExport: the record's own file met at its new place after its old folder was deleted", () => {
	// Google Drive and OneDrive, folders, soak seed 9204: a manual run (state not saved) moved r1's file into Other;
	// the user then deleted Main, where the state still recorded it. The run took r1 for deleted with Main and, meeting
	// its own file at its place in Other, uploaded a second copy under the next name.
	it("the file the state names as the record's is its file: kept when it holds the content, else replaced in place", () => {
		const r1 = input(0, 'r1', 'Other');
		const r2 = input(1, 'r2', 'Other');
		const state = exported([input(0, 'r1', 'Main'), r2], false);
		const batch: ChangeBatch = {
			changes: [{ type: 'delete', id: 'folder-Main', isFolder: true }],
			cursor: 'c1',
		};
		const plan = planExport([r1, r2], state, batch, { ...policy, caseInsensitive: false });
		expect(plan.items[0]).toMatchObject({ action: 'reuploaded', op: { verb: 'upload' } });
		const own = (hash: string): RemoteItem => ({
			id: 'file-r1',
			name: 'r1.pdf',
			isFolder: false,
			path: 'Other/r1.pdf',
			hash,
		});
		expect(plan.afterConflict(plan.take(0), own('hash(content-r1)'))).toMatchObject({
			op: { verb: 'adopt' },
			fileId: 'file-r1',
			name: 'r1.pdf',
		});
		const again = planExport([r1, r2], exported([input(0, 'r1', 'Main'), r2], false), batch, {
			...policy,
			caseInsensitive: false,
		});
		expect(again.afterConflict(again.take(0), own('hash(older)'))).toMatchObject({
			op: { verb: 'upload', replaceId: 'file-r1', onConflict: 'replace' },
			fileId: 'file-r1',
			name: 'r1.pdf',
		});
	});
});

describe('planExport: the user restores a folder the export stopped in', () => {
	// The user deleted Main (the run stopped exporting into it), then restored it from the trash / recycle bin.
	const r1 = input(0, 'r1', 'Main');
	const r2 = input(1, 'r2', 'Other');
	const stopped = (): ExportState => {
		const state = exported([r1, r2], false);
		state.folders[0] = undefined;
		state.stopped = ['Main'];
		state.records.set(fingerprint('r1'), {
			...state.records.get(fingerprint('r1'))!,
			status: 'folderDeleted',
		});
		return state;
	};
	const folder = (id: string): RemoteItem => ({ id, name: 'Main', isFolder: true, path: 'Main' });
	const file = (id: string, hash = 'hash(content-r1)'): RemoteItem => ({
		id,
		name: 'r1.pdf',
		isFolder: false,
		path: 'Main/r1.pdf',
		hash,
	});
	const ci = { ...policy, caseInsensitive: false };

	it('same ids back (Drive untrash, OneDrive recycle bin, a local folder moved back): exported into again, the restored file kept', () => {
		const batch: ChangeBatch = {
			changes: [
				{ type: 'upsert', item: folder('folder-Main') },
				{ type: 'upsert', item: file('file-r1') },
			],
			cursor: 'c1',
		};
		const plan = planExport([r1, r2], stopped(), batch, ci);
		expect(plan.state.stopped).toEqual([]);
		expect(plan.items[0]).toMatchObject({ action: 'unchanged', fileId: 'file-r1', folder: 'Main' });
		const edited = planExport([input(0, 'r1', 'Main', 'edited'), r2], stopped(), batch, ci);
		expect(edited.items[0]).toMatchObject({
			action: 'updated',
			op: { verb: 'upload', replaceId: 'file-r1' },
		});
	});

	it("new ids (Dropbox): the file at the record's name holding the recorded content is its file again", () => {
		const batch: ChangeBatch = {
			changes: [
				{ type: 'upsert', item: folder('id:new-main') },
				{ type: 'upsert', item: file('id:new-r1') },
			],
			cursor: 'c1',
		};
		const plan = planExport([input(0, 'r1', 'Main', 'edited'), r2], stopped(), batch, ci);
		expect(plan.newlyStopped).toEqual([]);
		expect(plan.items[0]).toMatchObject({
			action: 'updated',
			op: { verb: 'upload', replaceId: 'id:new-r1' },
		});
		expect(plan.ensureFolders).toEqual([]);
	});

	it('a folder our own path-based upload made again after the user deleted it mid-run (Dropbox) keeps the stop', () => {
		// Fault suite, Dropbox "folder deleted mid-run": the files in the new folder are the ones that run wrote there.
		const r3 = input(2, 'r3', 'Main');
		const state = exported([r1, r2, r3], false);
		const batch: ChangeBatch = {
			changes: [
				{ type: 'upsert', item: folder('id:made-again') },
				{
					type: 'upsert',
					item: { ...file('file-r3', 'hash(content-r3)'), name: 'r3.pdf', path: 'Main/r3.pdf' },
				},
			],
			cursor: 'c1',
		};
		const plan = planExport([r1, r2, r3], state, batch, ci);
		expect(plan.newlyStopped).toEqual(['Main']);
		expect(plan.items.map((i) => i.action)).toEqual([
			'skipped_folder_deleted',
			'unchanged',
			'skipped_folder_deleted',
		]);
	});

	it('a new folder of that name holding none of our files keeps the stop', () => {
		const batch: ChangeBatch = {
			changes: [
				{ type: 'upsert', item: folder('folder-new') },
				{ type: 'upsert', item: file('mine', 'hash(user)') },
			],
			cursor: 'c1',
		};
		const plan = planExport([r1, r2], stopped(), batch, ci);
		expect(plan.state.stopped).toEqual(['Main']);
		expect(plan.items[0].action).toBe('skipped_folder_deleted');
	});
});

describe('planExport: a file of ours the user restored after it was re-uploaded', () => {
	// The user trashed r1's file, a run re-uploaded it (file-r1-new), then the user restored the old one (file-r1,
	// the record's tag and content, beside it or under another name). The record stays in the file it is tracked
	// in; the restored file is the user's deliberate act: never adopted, written, moved or removed.
	const r1 = input(0, 'r1', 'Main');
	const reuploaded = (): ExportState => {
		const state = exported([r1], false);
		state.records.set(fingerprint('r1'), {
			...state.records.get(fingerprint('r1'))!,
			id: 'file-r1-new',
		});
		return state;
	};
	const restored: RemoteItem = {
		id: 'file-r1',
		name: 'r1.pdf',
		isFolder: false,
		parentId: 'folder-Main',
		path: 'Main/r1.pdf',
		hash: 'hash(content-r1)',
		appProperties: {
			recordKey: recordTag('r1'),
			contentVersion: shortFingerprint('hash(content-r1)'),
		},
	};
	const drive = { ...policy, duplicateNames: true, caseInsensitive: false };
	const batch: ChangeBatch = { changes: [{ type: 'upsert', item: restored }], cursor: 'c1' };

	it('same content: nothing to do, the record keeps the re-uploaded file', () => {
		const plan = planExport([r1], reuploaded(), batch, drive);
		expect(plan.items[0]).toMatchObject({
			action: 'unchanged',
			op: { verb: 'none' },
			fileId: 'file-r1-new',
		});
		expect(plan.state.records.get(fingerprint('r1'))!.id).toBe('file-r1-new');
	});

	it('new content: the re-uploaded file gets it, the restored one is left as it is', () => {
		const plan = planExport([input(0, 'r1', 'Main', 'edited')], reuploaded(), batch, drive);
		expect(plan.items[0]).toMatchObject({
			action: 'updated',
			op: { verb: 'upload', replaceId: 'file-r1-new' },
		});
	});

	it("a file a past run saw deleted comes back (restored before any re-upload): it is the record's file again, no second copy", () => {
		const state = exported([r1], false);
		state.records.set(fingerprint('r1'), {
			...state.records.get(fingerprint('r1'))!,
			status: 'fileDeleted',
		});
		const back: ChangeBatch = {
			changes: [{ type: 'upsert', item: { ...restored, appProperties: undefined } }],
			cursor: 'c1',
		};
		const plan = planExport([r1], state, back, policy);
		expect(plan.items[0]).toMatchObject({
			action: 'unchanged',
			op: { verb: 'none' },
			fileId: 'file-r1',
		});
		expect(plan.state.records.get(fingerprint('r1'))!.status).toBe('live');
		// New content goes into it, in place.
		const edited = planExport([input(0, 'r1', 'Main', 'edited')], state, back, policy);
		expect(edited.items[0]).toMatchObject({
			action: 'updated',
			op: { verb: 'upload', replaceId: 'file-r1' },
		});
	});

	it("restored with a new id at its place (Dropbox files/restore) before any re-upload: the record's file again, new content goes into it", () => {
		const state = exported([r1], false);
		state.records.set(fingerprint('r1'), {
			...state.records.get(fingerprint('r1'))!,
			status: 'fileDeleted',
		});
		const newId: ChangeBatch = {
			changes: [
				{ type: 'upsert', item: { ...restored, id: 'file-r1-restored', appProperties: undefined } },
			],
			cursor: 'c1',
		};
		const edited = planExport([input(0, 'r1', 'Main', 'edited')], state, newId, policy);
		expect(edited.items[0]).toMatchObject({
			action: 'updated',
			name: 'r1.pdf',
			op: { verb: 'upload', replaceId: 'file-r1-restored' },
		});
		// A file at its place with other content is not taken for it.
		const other: ChangeBatch = {
			changes: [
				{
					type: 'upsert',
					item: { ...restored, id: 'mine', hash: 'hash(user)', appProperties: undefined },
				},
			],
			cursor: 'c1',
		};
		expect(planExport([r1], state, other, policy).items[0]).toMatchObject({
			action: 'reuploaded',
			name: 'r1 (r1).pdf',
		});
	});

	it('under another name (OneDrive, a local folder): the same', () => {
		const renamed = {
			...restored,
			name: 'restored r1.pdf',
			path: 'Main/restored r1.pdf',
			appProperties: undefined,
		};
		const other: ChangeBatch = { changes: [{ type: 'upsert', item: renamed }], cursor: 'c1' };
		const plan = planExport([input(0, 'r1', 'Main', 'edited')], reuploaded(), other, policy);
		expect(plan.items[0]).toMatchObject({
			action: 'updated',
			op: { verb: 'upload', replaceId: 'file-r1-new' },
		});
	});
});

describe('planExport: mass-delete guard', () => {
	it('stops when more than half of the tracked files look deleted, and changes nothing', () => {
		const state = exported(receipts);
		const batch: ChangeBatch = { changes: [], cursor: 'c1', snapshot: true };
		const plan = planExport(receipts, state, batch, policy);
		expect(plan.massDelete).toEqual({ deleted: 6, tracked: 6, examples: expect.any(Array) });
		expect(plan.items).toEqual([]);
		expect(plan.state).toBe(state);
		expect([...state.records.values()].every((r) => r.status === 'live')).toBe(true);
	});

	it('counts records of a deleted folder; exactly half does not trip it', () => {
		const batch: ChangeBatch = { changes: [{ type: 'delete', path: 'Savings' }], cursor: 'c1' };
		expect(planExport(receipts, exported(receipts), batch, policy).massDelete).toBeUndefined();
		const more: ChangeBatch = {
			changes: [
				{ type: 'delete', path: 'Savings' },
				{ type: 'delete', id: 'file-r1' },
			],
			cursor: 'c1',
		};
		expect(planExport(receipts, exported(receipts), more, policy).massDelete).toMatchObject({
			deleted: 4,
			tracked: 6,
		});
	});

	it("a file standing at a gone record's place with its recorded or its new content is not counted deleted", () => {
		// Local folder, soak seed 577662262: a manual run wrote new versions (new inodes) and the user restored a
		// trashed file; 3 of 3 looked deleted and the run was refused, while only one document was really gone.
		const three = [input(0, 'r1', 'Main'), input(1, 'r2', 'Main'), input(2, 'r3', 'Main')];
		const state = exported(three, false);
		const [a, b, c] = three;
		const at = (id: string, of: ExportRecordInput, content: string): RemoteItem => ({
			id,
			name: of.name,
			isFolder: false,
			path: `Main/${of.name}`,
			hash: `hash(${content})`,
		});
		const batch: ChangeBatch = {
			changes: [
				{ type: 'delete', id: `file-${a.recordKey}` },
				{ type: 'delete', id: `file-${b.recordKey}` },
				{ type: 'delete', id: `file-${c.recordKey}` },
				// b's place: a manual run's new version; c's place: the recorded content restored under a new id.
				{ type: 'upsert', item: at('new-b', b, 'edited-b') },
				{ type: 'upsert', item: at('new-c', c, `content-${c.recordKey}`) },
			],
			cursor: 'c1',
		};
		const edited = [a, input(b.index, b.recordKey, 'Main', 'edited-b'), c];
		const plan = planExport(edited, state, batch, { ...policy, caseInsensitive: false });
		expect(plan.massDelete).toBeUndefined();
		expect(plan.items.map((i) => [i.action, i.fileId])).toEqual([
			['reuploaded', undefined],
			['unchanged', 'new-b'],
			['unchanged', 'new-c'],
		]);
		// Someone else's content at those places does not stand in for the documents: the guard stops the run.
		const others: ChangeBatch = {
			...batch,
			changes: [...batch.changes.slice(0, 3), { type: 'upsert', item: at('user-b', b, 'mine') }],
		};
		expect(
			planExport(edited, exported(three, false), others, { ...policy, caseInsensitive: false })
				.massDelete,
		).toMatchObject({ deleted: 3, tracked: 3 });
	});

	it('does not trip below the minimum, nor when the user accepted the deletions', () => {
		const two = receipts.slice(0, 2);
		const batch: ChangeBatch = {
			changes: [
				{ type: 'delete', id: 'file-r1' },
				{ type: 'delete', id: 'file-r2' },
			],
			cursor: 'c1',
		};
		expect(actions(planExport(two, exported(two), batch, policy))).toEqual([
			'reuploaded',
			'reuploaded',
		]);
		const all: ChangeBatch = { changes: [], cursor: 'c1', snapshot: true };
		const accepted = planExport(receipts, exported(receipts), all, {
			...policy,
			acceptMassDeletion: true,
		});
		expect(accepted.massDelete).toBeUndefined();
		expect(actions(accepted)).toEqual(Array(6).fill('skipped_folder_deleted'));
	});
});

describe('planExport: a destination that already holds the export', () => {
	it('adopts files found at their deterministic path with the same hash (state lost)', () => {
		const listing: ChangeBatch = {
			snapshot: true,
			cursor: 'c1',
			changes: receipts.map((r) => ({
				type: 'upsert' as const,
				item: {
					id: `remote-${r.recordKey}`,
					name: r.name,
					isFolder: false,
					path: `${r.folder}/${r.name}`,
					hash: r.contentHash,
				},
			})),
		};
		const plan = planExport(receipts, emptyExportState(), listing, policy);
		expect(actions(plan)).toEqual(Array(6).fill('unchanged'));
		expect(plan.items.map((i) => i.op.verb)).toEqual(Array(6).fill('adopt'));
		expect(plan.items[0].fileId).toBe('remote-r1');
	});

	it('a file at the path with other content that nothing says is ours stays as it is: the record takes its next name (state lost: the rule that loses nothing)', () => {
		const listing: ChangeBatch = {
			snapshot: true,
			cursor: 'c1',
			changes: [
				{
					type: 'upsert',
					item: {
						id: 'remote-r1',
						name: 'r1.pdf',
						isFolder: false,
						path: 'Main/2026-09/r1.pdf',
						hash: 'old',
					},
				},
			],
		};
		const plan = planExport([receipts[0]], emptyExportState(), listing, policy);
		expect(plan.items[0]).toMatchObject({
			action: 'created',
			name: 'r1 (r1).pdf',
			op: { verb: 'upload', onConflict: 'fail' },
		});
	});

	it("every one of the first names taken (versions left beside after lost states, a file of the user's): the next numbered name, and it keeps it (soak seed 4242)", () => {
		const record = { ...receipts[0], name: 'invoice.pdf' };
		const taken = ['invoice.pdf', 'invoice (r1).pdf', 'invoice (r1 2).pdf', 'invoice (r1 3).pdf'];
		const listing: ChangeBatch = {
			snapshot: true,
			cursor: 'c1',
			changes: taken.map((name, i) => ({
				type: 'upsert' as const,
				item: {
					id: `old-${i}`,
					name,
					isFolder: false,
					path: `Main/2026-09/${name}`,
					hash: `v${i}`,
				},
			})),
		};
		const plan = planExport([record], emptyExportState(), listing, policy);
		expect(plan.items[0]).toMatchObject({
			action: 'created',
			name: 'invoice (r1 4).pdf',
			op: { verb: 'upload', onConflict: 'fail' },
		});
		// Saved there, the next quiet run (nothing in the feed) leaves it where it is.
		const state = exported([{ ...record, name: 'invoice (r1 4).pdf' }]);
		const quiet = planExport([record], state, noChanges, policy);
		expect(quiet.items[0]).toMatchObject({ action: 'unchanged', name: 'invoice (r1 4).pdf' });
		expect(quiet.items[0].op.verb).toBe('none');
	});

	it('on Drive, matches by appProperties record tag even after a rename (and puts it back at its name), never by name alone', () => {
		const drive = { ...policy, duplicateNames: true, caseInsensitive: false };
		const tagged: RemoteItem = {
			id: 'drive-1',
			name: 'renamed by user.pdf',
			isFolder: false,
			appProperties: {
				recordKey: recordTag('r1'),
				contentVersion: shortFingerprint('hash(content-r1)'),
			},
		};
		const sameName: RemoteItem = {
			id: 'drive-2',
			name: 'r4.pdf',
			isFolder: false,
			path: 'Savings/2026-09/r4.pdf',
			hash: 'other',
		};
		const batch: ChangeBatch = {
			changes: [
				{ type: 'upsert', item: tagged },
				{ type: 'upsert', item: sameName },
			],
			cursor: 'c1',
		};
		const plan = planExport([receipts[0], receipts[3]], emptyExportState(), batch, drive);
		expect(plan.items[0]).toMatchObject({
			action: 'updated',
			name: 'r1.pdf',
			op: { verb: 'move', id: 'drive-1' },
			fileId: 'drive-1',
		});
		// The untagged file at r4.pdf is not ours: it stays, the record takes its next name.
		expect(plan.items[1]).toMatchObject({ action: 'created', name: 'r4 (r4).pdf' });
	});

	it('a manual run that already uploaded the new version leaves nothing to do (feed shows it)', () => {
		const state = exported([receipts[0]]);
		const item: RemoteItem = { id: 'file-r1', name: 'r1.pdf', isFolder: false, hash: 'hash(v2)' };
		const plan = planExport(
			[input(0, 'r1', 'Main/2026-09', 'v2')],
			state,
			{ changes: [{ type: 'upsert', item }], cursor: 'c1' },
			policy,
		);
		expect(plan.items[0]).toMatchObject({ action: 'unchanged', op: { verb: 'adopt' } });
	});

	it('long record keys are tagged by fingerprint within the appProperties limit', () => {
		const key = 'k'.repeat(300);
		expect(recordTag(key)).toBe(`fp:${fingerprint(key)}`);
		expect(recordTag('short')).toBe('short');
	});
});

describe('planExport: folders and kept versions', () => {
	it('caches folders a listing shows at our paths, so find-or-create asks nothing for them', () => {
		const listing: ChangeBatch = {
			snapshot: true,
			cursor: 'c1',
			changes: [
				{ type: 'upsert', item: { id: 'f-main', name: 'Main', isFolder: true, path: 'Main' } },
				{
					type: 'upsert',
					item: { id: 'f-main-09', name: '2026-09', isFolder: true, path: 'Main/2026-09' },
				},
			],
		};
		const plan = planExport([receipts[0], receipts[2]], emptyExportState(), listing, policy);
		expect(plan.state.folders).toEqual([
			{ path: 'Main', id: 'f-main' },
			{ path: 'Main/2026-09', id: 'f-main-09' },
		]);
		expect(plan.ensureFolders).toEqual(['Main/2026-10']);
	});

	it('never caches a folder the same batch reports deleted', () => {
		const batch: ChangeBatch = {
			cursor: 'c1',
			changes: [
				{ type: 'upsert', item: { id: 'f-x', name: 'X', isFolder: true, path: 'X' } },
				{ type: 'delete', id: 'f-x', isFolder: true },
			],
		};
		expect(planExport([], emptyExportState(), batch, policy).state.folders).toEqual([]);
	});

	it('a kept-both version stays where it is when nothing changed again', () => {
		const keep = { ...policy, onContentChanged: 'keepBoth' as const };
		const state = exported([receipts[0]]);
		const first = planExport([input(0, 'r1', 'Main/2026-09', 'v2')], state, noChanges, keep);
		const item = first.items[0];
		// Record the kept-both upload as the executor would.
		first.state.records.set(item.keyFp, {
			...first.state.records.get(item.keyFp)!,
			contentFp: item.contentFp,
			nameFp: nameFingerprint(item.name, true),
			id: 'file-r1-v2',
		});
		const next = planExport([input(0, 'r1', 'Main/2026-09', 'v2')], first.state, noChanges, keep);
		expect(next.items[0]).toMatchObject({
			action: 'unchanged',
			op: { verb: 'none' },
			fileId: 'file-r1-v2',
		});
	});

	it('content and place both changed: the file moves, then gets its new revision', () => {
		const plan = planExport(
			[input(0, 'r1', 'Main/2026-10', 'v2')],
			exported([receipts[0]]),
			noChanges,
			policy,
		);
		expect(plan.items[0]).toMatchObject({
			action: 'updated',
			op: { verb: 'upload', replaceId: 'file-r1', moveFirst: true },
		});
	});
});

describe('a conflict met during an overlapping run on a local folder (inode numbers are reused)', () => {
	// Local folder, flat, soak seed 481111957: run A replaced k0's invoice.pdf (its old inode freed) and created
	// "invoice (k1).pdf", which got that inode back; run B, still holding k0's old inode in its state, met A's file at
	// "invoice (k1).pdf", took it for k0's, and uploaded k1 a second time as "invoice (k1 2).pdf".
	test("the occupant bears another record's old id but that record's name and content are not what it shows: it is this record's file", () => {
		const k0 = input(0, 'k0', '', 'k0 v1', { name: 'invoice.pdf' });
		const state = exported([k0], false);
		const inputs = [
			input(0, 'k0', '', 'k0 v3', { name: 'invoice.pdf' }),
			input(1, 'k1', '', 'k1 v2', { name: 'invoice.pdf' }),
		];
		const plan = planExport(inputs, state, noChanges, { ...policy, caseInsensitive: false });
		const k1 = plan.take(1);
		expect(k1).toMatchObject({ action: 'created', name: 'invoice (k1).pdf' });
		const occupant: RemoteItem = {
			id: 'file-k0',
			name: 'invoice (k1).pdf',
			isFolder: false,
			hash: 'hash(k1 v2)',
		};
		const after = plan.afterConflict(k1, occupant);
		expect(after).toMatchObject({
			action: 'unchanged',
			name: 'invoice (k1).pdf',
			op: { verb: 'adopt', item: occupant },
		});
	});

	test("an occupant that still is the other record's file (its name or its content) is never taken", () => {
		const k0 = input(0, 'k0', '', 'k0 v1', { name: 'invoice.pdf' });
		const state = exported([k0], false);
		const inputs = [
			input(0, 'k0', '', 'k0 v1', { name: 'invoice.pdf' }),
			input(1, 'k1', '', 'k0 v1', { name: 'invoice.pdf' }),
		];
		const plan = planExport(inputs, state, noChanges, { ...policy, caseInsensitive: false });
		const k1 = plan.take(1);
		const occupant: RemoteItem = {
			id: 'file-k0',
			name: 'invoice (k1).pdf',
			isFolder: false,
			hash: 'hash(k0 v1)',
		};
		expect(plan.afterConflict(k1, occupant)).toMatchObject({
			name: 'invoice (k1 2).pdf',
			op: { verb: 'upload' },
		});
	});
});

describe('an overlapping run uploaded the copy a conflict handed over to the file already there', () => {
	// OneDrive, folders, soak seed 173065525: two overlapping runs without a state and with an empty batch both
	// planned k0 at "Reçu.pdf" and k1 at "Reçu (k1).pdf", uploaded side by side. Both met k1's content in "Reçu.pdf"
	// at k0's conflict and handed it to k1. Run A's k1 went up as a copy (removed by A's hand-over); run B's k1 met A's
	// copy at its name and adopted it: B's state kept the id of a file A then removed.
	test('the handed-over record whose own upload meets a copy of its content takes the handed-over file, not the copy', () => {
		const state = exported([]);
		state.folders.push({ path: 'A', id: 'folder-A' });
		const contents: Record<string, string> = { k0: 'k0 v2', k1: 'k1 v1' };
		const inputs = ['k0', 'k1'].map((key, index) =>
			input(index, key, 'A', contents[key], { name: 'Reçu.pdf' }),
		);
		const plan = planExport(inputs, state, noChanges, policy);
		const [first, second] = plan.order.map((index) => plan.take(index));
		expect(first).toMatchObject({ action: 'created', name: 'Reçu.pdf', op: { verb: 'upload' } });
		expect(second).toMatchObject({ action: 'created', op: { verb: 'upload' } });
		const kept: RemoteItem = {
			id: 'file-kept',
			name: 'Reçu.pdf',
			isFolder: false,
			hash: second.contentHash,
		};
		expect(plan.afterConflict(first, kept)).toMatchObject({
			action: 'created',
			op: { verb: 'upload' },
		});
		expect(plan.handedOver(second.index)).toEqual(kept);
		const othersCopy: RemoteItem = {
			id: 'file-copy',
			name: second.name,
			isFolder: false,
			hash: second.contentHash,
		};
		expect(plan.afterConflict(second, othersCopy)).toMatchObject({
			action: 'unchanged',
			name: 'Reçu.pdf',
			op: { verb: 'adopt', item: kept },
			fileId: 'file-kept',
		});
		expect(plan.handedOver(second.index)).toBeUndefined();
	});
});
