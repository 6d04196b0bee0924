import {
	emptyExportState,
	shortFingerprint,
	type ExportState,
} from '../../nodes/shared/state/exportState';
import { fingerprint } from '../../nodes/shared/state/fingerprint';
import type { ChangeBatch, RemoteItem } from '../../nodes/shared/storage/types';
import {
	planExport,
	type ExportPolicy,
	type ExportRecordInput,
} from '../../nodes/shared/sync/exportPlan';
import { localFolderPolicy } from './support/exportPolicies';

/**
 * A folder the user restored resumes the export when a stopped record's own file is back in it (soak seed 9304,
 * local folder): the user moved folder A back into the root, a manual run exported k3's new version into it (a new
 * file on a local folder: new id, new content), and the production run after it found neither the id nor the
 * recorded content there and kept A stopped, though the manual run had exported into it. Plain data.
 */
const policy: ExportPolicy = localFolderPolicy;

const input = (index: number, key: string, folder: string, content: string): ExportRecordInput => ({
	index,
	recordKey: key,
	name: 'invoice.pdf',
	folder,
	contentHash: `hash(${content})`,
	size: content.length,
});

/** As the production run that saw A gone saved it: k3 stopped with A (version 1), k0 live in B. */
function saved(): ExportState {
	const state = emptyExportState();
	state.rootId = 'root';
	state.cursor = 'c0';
	state.folders.push(undefined, { path: 'B', id: 'folder-B' });
	state.stopped = ['A'];
	for (const [key, folder, status] of [
		['k3', 0, 'folderDeleted'],
		['k0', 1, 'live'],
	] as const) {
		const keyFp = fingerprint(key);
		state.records.set(keyFp, {
			keyFp,
			contentFp: shortFingerprint(`hash(${key} v1)`),
			nameFp: shortFingerprint('invoice.pdf'),
			folder,
			status,
			id: `old-${key}`,
		});
	}
	return state;
}

const folder = (path: string, id = `folder-${path}`): RemoteItem => ({
	id,
	name: path,
	isFolder: true,
	path,
});
const file = (id: string, path: string, content: string): RemoteItem => ({
	id,
	name: path.split('/').pop()!,
	isFolder: false,
	path,
	hash: `hash(${content})`,
});

const listing = (inA: RemoteItem): ChangeBatch => ({
	snapshot: true,
	cursor: 'c1',
	changes: [
		{ type: 'upsert', item: folder('A') },
		{ type: 'upsert', item: folder('B') },
		{ type: 'upsert', item: inA },
		{ type: 'upsert', item: file('old-k0', 'B/invoice.pdf', 'k0 v1') },
	],
});

describe('a restored folder into which a manual run exported a new version', () => {
	test('the run bringing that version resumes the folder and keeps the file: no second copy', () => {
		const plan = planExport(
			[input(0, 'k3', 'A', 'k3 v2'), input(1, 'k0', 'B', 'k0 v1')],
			saved(),
			listing(file('manual-k3', 'A/invoice.pdf', 'k3 v2')),
			policy,
		);
		expect(plan.state.stopped).toEqual([]);
		expect(plan.items.map((item) => [item.action, item.fileId])).toEqual([
			['unchanged', 'manual-k3'],
			['unchanged', 'old-k0'],
		]);
	});

	test('the same when the record was renamed too: its new version under the new name resumes the folder', () => {
		const renamed = { ...input(0, 'k3', 'A', 'k3 v2'), name: 'receipt.pdf' };
		const plan = planExport(
			[renamed, input(1, 'k0', 'B', 'k0 v1')],
			saved(),
			listing(file('manual-k3', 'A/receipt.pdf', 'k3 v2')),
			policy,
		);
		expect(plan.state.stopped).toEqual([]);
		expect(plan.items.map((item) => [item.action, item.fileId])).toEqual([
			['unchanged', 'manual-k3'],
			['unchanged', 'old-k0'],
		]);
	});

	test('a copy of the recorded content under another name (restored by the user, Dropbox: a new id) resumes nothing', () => {
		// Soak seed 9312, Dropbox: the user made a new folder A and restored the document's file into it beside a file
		// of theirs; the rule for a manual run's new version must not take it.
		const plan = planExport(
			[input(0, 'k3', 'A', 'k3 v1'), input(1, 'k0', 'B', 'k0 v1')],
			saved(),
			listing(file('restored-k3', 'A/restored invoice.pdf', 'k3 v1')),
			policy,
		);
		expect(plan.state.stopped).toEqual(['A']);
	});

	test("a file of the user's at the name in a new folder A resumes nothing", () => {
		const plan = planExport(
			[input(0, 'k3', 'A', 'k3 v2'), input(1, 'k0', 'B', 'k0 v1')],
			saved(),
			listing(file('users', 'A/invoice.pdf', 'the user')),
			policy,
		);
		expect(plan.state.stopped).toEqual(['A']);
		expect(plan.items.map((item) => item.action)).toEqual(['skipped_folder_deleted', 'unchanged']);
	});
});

describe('a restored folder holding a document the saved state does not hold yet', () => {
	/** As the production run that saw A gone saved it: only k0, live in B (k5 was exported by a manual run alone). */
	function savedWithoutK5(): ExportState {
		const state = saved();
		state.records.delete(fingerprint('k3'));
		return state;
	}

	test('its file in its folder under one of its names with the content the run brings resumes the folder and is adopted (soak seed 9402)', () => {
		// Under another of its names, the file is moved to its first free name, as any adopted file is.
		for (const [name, action] of [
			['invoice.pdf', 'unchanged'],
			['invoice (k5).pdf', 'updated'],
		]) {
			const plan = planExport(
				[input(0, 'k5', 'A', 'k5 v1'), input(1, 'k0', 'B', 'k0 v1')],
				savedWithoutK5(),
				listing(file('manual-k5', `A/${name}`, 'k5 v1')),
				policy,
			);
			expect(plan.state.stopped).toEqual([]);
			expect(plan.items.map((item) => [item.action, item.fileId])).toEqual([
				[action, 'manual-k5'],
				['unchanged', 'old-k0'],
			]);
		}
	});

	test('other content at its name, or its content elsewhere in A, resumes nothing', () => {
		for (const inA of [
			file('users', 'A/invoice.pdf', 'the user'),
			file('elsewhere', 'A/other.pdf', 'k5 v1'),
		]) {
			const plan = planExport(
				[input(0, 'k5', 'A', 'k5 v1'), input(1, 'k0', 'B', 'k0 v1')],
				savedWithoutK5(),
				listing(inA),
				policy,
			);
			expect(plan.state.stopped).toEqual(['A']);
			expect(plan.items.map((item) => item.action)).toEqual([
				'skipped_folder_deleted',
				'unchanged',
			]);
		}
	});
});

describe('our file moved back into a folder made again at a stopped path (CE6, soak seed 9304)', () => {
	/** As the run before saved it: k3 live in A (the folder the user then deleted), k0 live in B. */
	function beforeDeletion(): ExportState {
		const state = saved();
		state.stopped = [];
		state.folders[0] = { path: 'A', id: 'folder-A-old' };
		const k3 = state.records.get(fingerprint('k3'))!;
		state.records.set(k3.keyFp, { ...k3, status: 'live' });
		return state;
	}
	const inputs = [input(0, 'k3', 'A', 'k3 v1'), input(1, 'k0', 'B', 'k0 v1')];
	const shown = (k3Name: string): RemoteItem[] => [
		folder('A', 'folder-A-new'),
		folder('B'),
		file('users', 'A/invoice.pdf', 'the user'),
		file('old-k3', `A/${k3Name}`, 'k3 v1'),
		file('old-k0', 'B/invoice.pdf', 'k0 v1'),
	];

	test('a full listing (local folder): the run that sees the folder gone resumes it on the file, and the next run writes nothing', () => {
		const first = planExport(
			inputs,
			beforeDeletion(),
			{
				snapshot: true,
				cursor: 'c1',
				changes: shown('restored invoice.pdf').map((item) => ({ type: 'upsert', item })),
			},
			policy,
		);
		expect(first.state.stopped).toEqual([]);
		expect(first.items.map((item) => [item.action, item.fileId, item.name])).toEqual([
			['updated', 'old-k3', 'invoice (k3).pdf'],
			['unchanged', 'old-k0', 'invoice.pdf'],
		]);
		const next = planExport(
			inputs,
			first.state,
			{
				snapshot: true,
				cursor: 'c2',
				changes: shown('invoice (k3).pdf').map((item) => ({ type: 'upsert', item })),
			},
			policy,
		);
		expect(next.items.map((item) => item.action)).toEqual(['unchanged', 'unchanged']);
	});

	test('a change feed (the clouds): the folder stays stopped, on this run and the next', () => {
		const first = planExport(
			inputs,
			beforeDeletion(),
			{
				cursor: 'c1',
				changes: [
					{ type: 'delete', id: 'folder-A-old', isFolder: true },
					...shown('restored invoice.pdf').map((item) => ({ type: 'upsert' as const, item })),
				],
			},
			policy,
		);
		expect(first.state.stopped).toEqual(['A']);
		const next = planExport(inputs, first.state, { cursor: 'c2', changes: [] }, policy);
		expect(next.state.stopped).toEqual(['A']);
		expect(next.items.map((item) => item.action)).toEqual(['skipped_folder_deleted', 'unchanged']);
	});
});
