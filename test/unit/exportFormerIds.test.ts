import {
	emptyExportState,
	shortFingerprint,
	type ExportState,
} from '../../nodes/shared/state/exportState';
import { fingerprint } from '../../nodes/shared/state/fingerprint';
import type { ChangeBatch, RemoteItem } from '../../nodes/shared/storage/types';
import { withCurrentIds } from '../../nodes/shared/sync/exportFormerIds';
import {
	planExport,
	type ExportPolicy,
	type ExportRecordInput,
} from '../../nodes/shared/sync/exportPlan';
import { caseSensitivePolicy } from './support/exportPolicies';

/**
 * Local folder ids carry the birth time, files and folders alike ("ino:<dev>:<inode>:<birth>"): the file system
 * hands a freed inode to the next folder made anywhere, so the inode alone cannot tell a folder the user renamed
 * from a new folder that took a deleted one's number. Plain data, as the local folder lists it.
 */
const policy: ExportPolicy = caseSensitivePolicy;

const input = (index: number, recordKey: string, folder: string): ExportRecordInput => ({
	index,
	recordKey,
	name: 'invoice.pdf',
	folder,
	contentHash: `hash-${recordKey}`,
	size: 1,
});

/** k4 in folder "A", k0 in folder "a" (two folders on a case-sensitive disk), as a run saved them. */
function savedState(ids: { A: string; a: string; k4: string; k0: string }): ExportState {
	const state = emptyExportState();
	state.rootRef = 'root-ref';
	state.rootId = 'ino:1:2:r';
	state.cursor = 'local1|ino:1:2:r|0';
	state.folders.push({ path: 'A', id: ids.A }, { path: 'a', id: ids.a });
	for (const [key, folder] of [
		['k4', 0],
		['k0', 1],
	] as const) {
		const keyFp = fingerprint(key);
		state.records.set(keyFp, {
			keyFp,
			contentFp: shortFingerprint(`hash-${key}`),
			nameFp: shortFingerprint('invoice.pdf'),
			folder,
			status: 'live',
			id: ids[key],
		});
	}
	return state;
}

const folder = (path: string, id: string, formerId: string): RemoteItem => ({
	id,
	formerId,
	name: path,
	isFolder: true,
	path,
	parentId: 'ino:1:2:r',
});
const file = (path: string, id: string, formerId: string, key: string): RemoteItem => ({
	id,
	formerId,
	name: 'invoice.pdf',
	isFolder: false,
	path,
	parentId: 'x',
	hash: `hash-${key}`,
	size: 1,
});

describe('local folder ids with the birth time (soak seed 9304)', () => {
	test('the user deletes folder "a" and makes "B", which gets "a"\'s freed inode: "a" stopped, its document not uploaded again', () => {
		const state = savedState({
			A: 'ino:1:5:b1',
			a: 'ino:1:7:b2',
			k4: 'ino:1:10:b3',
			k0: 'ino:1:11:b4',
		});
		// The user moved k4's file into the new folder "B" (inode 7, a later birth time).
		const batch: ChangeBatch = {
			snapshot: true,
			cursor: 'local1|ino:1:2:r|1',
			changes: [
				{ type: 'upsert', item: folder('A', 'ino:1:5:b1', 'ino:1:5') },
				{ type: 'upsert', item: folder('B', 'ino:1:7:b9', 'ino:1:7') },
				{ type: 'upsert', item: file('B/invoice.pdf', 'ino:1:10:b3', 'ino:1:10', 'k4') },
			],
		};
		const current = withCurrentIds(state, batch);
		expect(current).toBe(state);
		const plan = planExport([input(0, 'k4', 'A'), input(1, 'k0', 'a')], current, batch, policy);
		expect(plan.items.map((item) => item.action)).toEqual(['updated', 'skipped_folder_deleted']);
		expect(plan.state.stopped).toEqual(['a']);
	});

	test("state saved before folder ids carried the birth time: its folders are found under today's ids, nothing stops or moves", () => {
		const state = savedState({ A: 'ino:1:5', a: 'ino:1:7', k4: 'ino:1:10', k0: 'ino:1:11' });
		const batch: ChangeBatch = {
			snapshot: true,
			cursor: 'local1|ino:1:2:r|1',
			changes: [
				{ type: 'upsert', item: folder('A', 'ino:1:5:b1', 'ino:1:5') },
				{ type: 'upsert', item: folder('a', 'ino:1:7:b2', 'ino:1:7') },
				{ type: 'upsert', item: file('A/invoice.pdf', 'ino:1:10:b3', 'ino:1:10', 'k4') },
				{ type: 'upsert', item: file('a/invoice.pdf', 'ino:1:11:b4', 'ino:1:11', 'k0') },
			],
		};
		const current = withCurrentIds(state, batch);
		expect(current.folders).toEqual([
			{ path: 'A', id: 'ino:1:5:b1' },
			{ path: 'a', id: 'ino:1:7:b2' },
		]);
		expect([...current.records.values()].map((record) => record.id)).toEqual([
			'ino:1:10:b3',
			'ino:1:11:b4',
		]);
		// The state it was given is left as it was (the runner saves the planner's state, not this one).
		expect(state.folders[0]!.id).toBe('ino:1:5');
		const plan = planExport([input(0, 'k4', 'A'), input(1, 'k0', 'a')], current, batch, policy);
		expect(plan.items.map((item) => item.action)).toEqual(['unchanged', 'unchanged']);
		expect(plan.state.stopped).toEqual([]);
	});
});
