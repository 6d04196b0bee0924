/**
 * The planner's rules for files of ours that a run sees but that no record of its input keeps (issue 12, the last
 * duplicate family): a renamed folder's files, a file the user moved beside a restored copy, and files seen only by
 * a run whose input did not include their record. Plain data, no I/O.
 */
import { fingerprint } from '../../nodes/shared/state/fingerprint';
import {
	emptyExportState,
	shortFingerprint,
	type ExportState,
} from '../../nodes/shared/state/exportState';
import { nameFingerprint } from '../../nodes/shared/sync/exportChanges';
import {
	planExport,
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
