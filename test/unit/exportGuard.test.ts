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
import { caseSensitivePolicy } from './support/exportPolicies';

/**
 * The mass-delete guard after a manual run wrote new versions (soak seed 9304, local folder, found once the folder
 * ids were fixed): on a local folder a new version is a new file, so every id the saved state knows is gone, and a
 * production run over other documents was refused ("3 of the 3 exported files look deleted") though the user had
 * deleted nothing. Plain data, as a full listing of a local folder shows it.
 */
const policy: ExportPolicy = caseSensitivePolicy;
const local: ExportPolicy = { ...policy, newVersionIsNewFile: true };

const input = (
	key: string,
	folder: string,
	content: string,
	name = 'invoice.pdf',
): ExportRecordInput => ({
	index: 0,
	recordKey: key,
	name,
	folder,
	contentHash: `hash(${content})`,
	size: content.length,
});

/** k0, k1, k2 in folder A (their own names), k3 in folder B: exported, version 1 each. */
function saved(): ExportState {
	const state = emptyExportState();
	state.rootId = 'root';
	state.cursor = 'c0';
	state.folders.push({ path: 'A', id: 'folder-A' }, { path: 'B', id: 'folder-B' });
	for (const [key, folder] of [
		['k0', 0],
		['k1', 0],
		['k2', 0],
		['k3', 1],
	] as const) {
		const keyFp = fingerprint(key);
		state.records.set(keyFp, {
			keyFp,
			contentFp: shortFingerprint(`hash(${key} v1)`),
			nameFp: shortFingerprint(`${key}.pdf`),
			folder,
			status: 'live',
			id: `old-${key}`,
		});
	}
	return state;
}

const folder = (path: string): RemoteItem => ({
	id: `folder-${path}`,
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

/** The manual run's new versions: new files (new ids) at k0..k2's places; k3 moved to A under the name "k3 (B).pdf". */
function afterManualRun(): ChangeBatch {
	return {
		snapshot: true,
		cursor: 'c1',
		changes: [
			{ type: 'upsert', item: folder('A') },
			{ type: 'upsert', item: folder('B') },
			{ type: 'upsert', item: file('new-k0', 'A/k0.pdf', 'k0 v2') },
			{ type: 'upsert', item: file('new-k1', 'A/k1.pdf', 'k1 v2') },
			{ type: 'upsert', item: file('new-k2', 'A/k2.pdf', 'k2 v2') },
			{ type: 'upsert', item: file('new-k3', 'A/k3 (B).pdf', 'k3 v2') },
		],
	};
}

describe('the mass-delete guard after a manual run wrote new versions', () => {
	test('local folder: a production run over a new receipt alone is not refused; the others are not taken for deleted', () => {
		const plan = planExport([input('k4', 'A', 'k4 v1')], saved(), afterManualRun(), local);
		expect(plan.massDelete).toBeUndefined();
		expect(plan.items.map((item) => item.action)).toEqual(['created']);
	});

	test('a record whose content this run brings stands at another place (a manual run moved it) is not counted', () => {
		// Three of four gone by id; k3's new version stands under another name in another folder, and this run brings
		// it: 2 look deleted (k1, k2: other content at their places, a cloud), below the guard's minimum of 3.
		const batch = afterManualRun();
		const plan = planExport(
			[input('k0', 'A', 'k0 v2', 'k0.pdf'), input('k3', 'A', 'k3 v2', 'k3.pdf')],
			saved(),
			batch,
			policy,
		);
		expect(plan.massDelete).toBeUndefined();
	});

	test("a cloud: other content at three places still trips the guard (another account's export looks so)", () => {
		const plan = planExport([input('k4', 'A', 'k4 v1')], saved(), afterManualRun(), policy);
		expect(plan.massDelete).toMatchObject({ deleted: 4, tracked: 4 });
	});

	test('local folder: an emptied folder still trips the guard', () => {
		const emptied: ChangeBatch = {
			snapshot: true,
			cursor: 'c1',
			changes: [
				{ type: 'upsert', item: folder('A') },
				{ type: 'upsert', item: folder('B') },
			],
		};
		expect(
			planExport([input('k4', 'A', 'k4 v1')], saved(), emptied, local).massDelete,
		).toMatchObject({
			deleted: 4,
			tracked: 4,
		});
	});
});
