import { fingerprint } from '../../nodes/shared/state/fingerprint';
import {
	decodeExportState,
	emptyExportState,
	encodeExportState,
	exportStateSchema,
	EXPORT_STATE_VERSION,
	shortFingerprint,
	type ExportState,
} from '../../nodes/shared/state/exportState';
import { loadState, saveState } from '../../nodes/shared/state/staticData';
import type { IDataObject } from 'n8n-workflow';

/** A Drive-like file id: 33 characters of [A-Za-z0-9_-]. */
function driveId(n: number): string {
	return `1${fingerprint(`id-${n}`)}${fingerprint(`id2-${n}`)}${fingerprint(`id3-${n}`)}`.slice(
		0,
		33,
	);
}

function bigState(count: number): ExportState {
	const state = emptyExportState();
	state.rootId = driveId(-1);
	state.cursor = '123456';
	for (let f = 0; f < 48; f++)
		state.folders.push({
			path: `Account ${f % 2}/2026-${String((f % 12) + 1).padStart(2, '0')}`,
			id: driveId(-100 - f),
		});
	for (let i = 0; i < count; i++) {
		const keyFp = fingerprint(`receipt-${i}`);
		state.records.set(keyFp, {
			keyFp,
			contentFp: shortFingerprint(`hash-${i}`),
			nameFp: shortFingerprint(`receipt-${i}.pdf`),
			folder: i % 48,
			status: i % 97 === 0 ? 'fileDeleted' : 'live',
			id: driveId(i),
		});
	}
	return state;
}

describe('export state', () => {
	it('round-trips records, folders, stopped folders and cursors', () => {
		const state = bigState(50);
		state.stopped = ['Account 1/2026-03'];
		state.node = 'Export receipts';
		state.rootRef = 'ref';
		state.records.get(fingerprint('receipt-3'))!.status = 'folderDeleted';
		state.records.get(fingerprint('receipt-4'))!.folder = -1;
		state.records.get(fingerprint('receipt-5'))!.id = 'odd|id%with.dots';
		const decoded = decodeExportState(JSON.parse(JSON.stringify(encodeExportState(state))));
		expect(decoded.records).toEqual(state.records);
		expect(decoded.folders).toEqual(state.folders);
		expect(decoded).toMatchObject({
			stopped: state.stopped,
			node: state.node,
			rootRef: 'ref',
			rootId: state.rootId,
			cursor: '123456',
		});
	});

	it('drops holes left by deleted folders and renumbers the records pointing after them', () => {
		const state = bigState(48);
		state.folders[0] = undefined;
		const target = [...state.records.values()].find((r) => r.folder === 5)!;
		const decoded = decodeExportState(encodeExportState(state));
		expect(decoded.folders).toHaveLength(47);
		expect(decoded.folders[decoded.records.get(target.keyFp)!.folder]).toEqual(state.folders[5]);
		const orphan = [...state.records.values()].find((r) => r.folder === 0)!;
		expect(decoded.records.get(orphan.keyFp)!.folder).toBe(-1);
	});

	it('encodes the same state to the same text (no spurious static-data saves)', () => {
		const a = encodeExportState(bigState(200));
		const reversed = bigState(200);
		reversed.records = new Map([...reversed.records].reverse());
		expect(encodeExportState(reversed)).toEqual(a);
	});

	it('goes through static data under a version, and migrates an unknown shape without losing records', () => {
		const staticData: IDataObject = {};
		const ctx = { getWorkflowStaticData: () => staticData };
		saveState(ctx, 'node-1', exportStateSchema, encodeExportState(bigState(10)));
		expect((staticData['cloudSync:node-1'] as IDataObject).v).toBe(EXPORT_STATE_VERSION);
		expect(decodeExportState(loadState(ctx, 'node-1', exportStateSchema)).records.size).toBe(10);
		staticData['cloudSync:node-1'] = {
			...(staticData['cloudSync:node-1'] as IDataObject),
			v: undefined,
		};
		expect(decodeExportState(loadState(ctx, 'node-1', exportStateSchema)).records.size).toBe(10);
	});

	it('stays at a few dozen bytes per record at 100,000 records', () => {
		const count = 100_000;
		const started = Date.now();
		const json = JSON.stringify(encodeExportState(bigState(count)));
		const perRecord = json.length / count;
		const decoded = decodeExportState(JSON.parse(json));
		const elapsed = Date.now() - started;
		expect(decoded.records.size).toBe(count);
		// 12+8+8 fingerprints + status + folder index + '.' + a 33-character Drive id + '|'.
		expect(perRecord).toBeLessThan(68);
		console.log(
			`export state: ${count} records, ${(json.length / 1e6).toFixed(2)} MB JSON, ${perRecord.toFixed(1)} B/record, encode+decode ${elapsed} ms`,
		);
	});
});
