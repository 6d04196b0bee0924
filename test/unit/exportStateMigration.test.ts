/**
 * Export state version 2 (issue 17 point 4): the compact form loses nothing. Generated states of every shape
 * (ids of each cloud's form and odd ones, every status, folders past the one-character range, buckets of any size)
 * come back record for record from version 2, and a version 1 state, as version 1's encoder wrote it, migrates to
 * exactly the same records with no problem reported. Through the node: an export's state rewritten in version 1
 * gives the same plan (every record unchanged, one request, nothing uploaded) and is saved back in version 2.
 */
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';
import {
	decodeExportState,
	emptyExportState,
	encodeExportState,
	EXPORT_STATE_VERSION,
	exportStateSchema,
	shortFingerprint,
	type ExportState,
	type RecordStatus,
	type StoredExportState,
} from '../../nodes/shared/state/exportState';
import { fingerprint } from '../../nodes/shared/state/fingerprint';
import { checkStoredState } from '../../nodes/shared/state/staticData';
import {
	cloudDestination,
	countActions,
	exportWorkflow,
	type Doc,
} from '../nodes/support/exportWorkflow';

/** Version 1's encoder as it was (nodes/shared/state/exportState.ts before version 2): the format to migrate from. */
function encodeV1(state: ExportState): IDataObject {
	const codes: Record<RecordStatus, string> = { live: 'L', fileDeleted: 'D', folderDeleted: 'F' };
	const escape = (id: string) => id.replace(/[%|]/g, (c) => encodeURIComponent(c));
	const records = [...state.records.keys()]
		.sort()
		.map((key) => {
			const r = state.records.get(key)!;
			return `${r.keyFp}${r.contentFp}${r.nameFp}${codes[r.status]}${r.folder < 0 ? '' : r.folder.toString(36)}.${escape(r.id)}`;
		})
		.join('|');
	const stored: IDataObject = {
		v: 1,
		kind: 'export',
		folders: state.folders.map((f) => `${f!.id}\t${f!.path}`),
		stopped: [...state.stopped].sort(),
		records,
	};
	if (state.node !== undefined) stored.node = state.node;
	if (state.rootRef !== undefined) stored.rootRef = state.rootRef;
	if (state.rootId !== undefined) stored.root = state.rootId;
	if (state.cursor !== undefined) stored.cursor = state.cursor;
	return stored;
}

const base64url = fc.constantFrom(
	...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
);
const chars = (arb: fc.Arbitrary<string>, length: number) =>
	fc.array(arb, { minLength: length, maxLength: length }).map((a) => a.join(''));

/** Ids as each cloud writes them, and odd ones (separators, escapes, the format's own marks). */
const idFamily = fc.constantFrom(
	'drive',
	'onedrivePersonal',
	'onedriveBusiness',
	'dropbox',
	'odd',
	'numbers',
);
function idArb(family: string, drivePrefix: string): fc.Arbitrary<string> {
	switch (family) {
		case 'drive':
			return chars(base64url, 32).map((rest) => `1${rest}`);
		case 'onedrivePersonal':
			return fc.integer({ min: 1, max: 10_000_000 }).map((n) => `${drivePrefix}!${n}`);
		case 'onedriveBusiness':
			return chars(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'), 32).map(
				(rest) => `01${rest}`,
			);
		case 'dropbox':
			return chars(base64url, 22).map((rest) => `id:${rest}`);
		case 'numbers':
			return fc.oneof(
				fc.integer({ min: 0, max: 2 ** 40 }).map(String),
				fc.constantFrom('007', '1e5', '9007199254740993', '-1'),
			);
		default:
			return fc.oneof(
				fc.string({ minLength: 1, maxLength: 12 }),
				fc.constantFrom('a|b', '50%', '%7C', '~x', '-D.', '.', 'id:', '0'),
			);
	}
}

const record = (id: fc.Arbitrary<string>, folders: number) =>
	fc.record({
		key: fc.string({ minLength: 1, maxLength: 10 }),
		content: fc.string(),
		name: fc.string(),
		status: fc.constantFrom<RecordStatus>('live', 'live', 'live', 'fileDeleted', 'folderDeleted'),
		folder: fc.integer({ min: -1, max: folders - 1 }),
		id,
	});

const stateArb = fc
	.tuple(
		idFamily,
		fc.constantFrom('A1B2C3D4E5F60718', 'FFFFFFFFFFFFFFFF'),
		fc.integer({ min: 0, max: 80 }),
		fc.boolean(),
	)
	.chain(([family, drivePrefix, folderCount, mixed]) =>
		fc.tuple(
			fc.constant(folderCount),
			fc.array(
				record(
					mixed
						? fc.oneof(idArb(family, drivePrefix), idArb('odd', drivePrefix))
						: idArb(family, drivePrefix),
					Math.max(folderCount, 0) || 1,
				),
				{ maxLength: 700 },
			),
		),
	)
	.map(([folderCount, records]) => {
		const state = emptyExportState();
		state.rootId = 'root-id';
		state.cursor = 'cursor-1';
		state.node = 'Export';
		for (let f = 0; f < folderCount; f++) state.folders.push({ id: `folder-${f}`, path: `F${f}` });
		for (const r of records) {
			const keyFp = fingerprint(r.key);
			const folder = folderCount === 0 ? -1 : r.folder;
			state.records.set(keyFp, {
				keyFp,
				contentFp: shortFingerprint(r.content),
				nameFp: shortFingerprint(r.name),
				status: r.status,
				folder,
				id: r.id,
			});
		}
		return state;
	});

const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('Export state version 2 loses nothing (issue 17)', () => {
	test('generated states come back record for record, and pass the check without a problem', () => {
		fc.assert(
			fc.property(stateArb, (state) => {
				const stored = json(encodeExportState(state));
				const checked = checkStoredState(stored, exportStateSchema);
				expect(checked.problems).toEqual([]);
				const decoded = decodeExportState(checked.state);
				expect(decoded.records).toEqual(state.records);
				expect(decoded.folders).toEqual(state.folders);
			}),
			{ numRuns: 300, seed: 1717 },
		);
	});

	test('a version 1 state migrates to the same records, with no problem and its cursor kept', () => {
		fc.assert(
			fc.property(stateArb, (state) => {
				const checked = checkStoredState(json(encodeV1(state)), exportStateSchema);
				expect(checked.problems).toEqual([]);
				expect(checked.state.v).toBe(EXPORT_STATE_VERSION);
				expect(checked.state.cursor).toBe('cursor-1');
				const decoded = decodeExportState(checked.state);
				expect(decoded.records).toEqual(state.records);
				expect(decoded.folders).toEqual(state.folders);
				expect(decoded).toMatchObject({ rootId: 'root-id', node: 'Export', stopped: [] });
			}),
			{ numRuns: 300, seed: 1718 },
		);
	});

	test('a damaged version 1 entry is dropped in the migration the way version 1 dropped it: said, and the cursor dropped', () => {
		const state = emptyExportState();
		state.cursor = 'c';
		state.folders.push({ id: 'f0', path: 'A' });
		for (let i = 0; i < 5; i++)
			state.records.set(fingerprint(`k${i}`), {
				keyFp: fingerprint(`k${i}`),
				contentFp: shortFingerprint(`c${i}`),
				nameFp: shortFingerprint(`n${i}`),
				status: 'live',
				folder: 0,
				id: `id-${i}`,
			});
		const v1 = encodeV1(state);
		const entries = String(v1.records).split('|');
		entries[1] = '#garbage';
		const checked = checkStoredState({ ...v1, records: entries.join('|') }, exportStateSchema);
		expect(checked.problems).toEqual(['1 exported record of 5 could not be read']);
		expect(checked.state.cursor).toBeUndefined();
		expect(decodeExportState(checked.state).records.size).toBe(4);
	});

	test('bytes per record at 100,000: OneDrive personal ids within 32 B; Drive and Dropbox ids carry their length', () => {
		const sizes: Record<string, number> = {};
		for (const [cloud, id] of [
			[
				'googleDrive',
				(i: number) =>
					`1${fingerprint(`a${i}`)}${fingerprint(`b${i}`)}${fingerprint(`c${i}`)}`.slice(0, 33),
			],
			['oneDrive', (i: number) => `A1B2C3D4E5F60718!${i + 101}`],
			['dropbox', (i: number) => `id:${fingerprint(`a${i}`)}${fingerprint(`b${i}`)}`.slice(0, 25)],
		] as const) {
			const state = emptyExportState();
			for (let f = 0; f < 24; f++) state.folders.push({ id: `folder-${f}`, path: `F${f}` });
			for (let i = 0; i < 100_000; i++) {
				const keyFp = fingerprint(`R${i}`);
				state.records.set(keyFp, {
					keyFp,
					contentFp: shortFingerprint(`c${i}`),
					nameFp: shortFingerprint(`R${i}.pdf`),
					status: 'live',
					folder: i % 24,
					id: id(i),
				});
			}
			const v2 = Buffer.byteLength(JSON.stringify(encodeExportState(state)));
			const v1 = Buffer.byteLength(JSON.stringify(encodeV1(state)));
			sizes[cloud] = v2 / 100_000;
			expect(v2).toBeLessThan(v1);
		}
		expect(sizes.oneDrive).toBeLessThanOrEqual(32);
		// The remote id (33 and 22 characters after the shared start), the fingerprints the planner compares (26 of
		// 28 characters: two go to the bucket header), the place and the separator.
		expect(sizes.googleDrive).toBeLessThanOrEqual(33 + 26 + 2 + 0.5);
		expect(sizes.dropbox).toBeLessThanOrEqual(22 + 26 + 2 + 0.5);
	});
});

describe('Export state migration through the node: the same plan from a version 1 state', () => {
	const docs: Doc[] = Array.from({ length: 40 }, (_, i) => ({
		id: `R${i}`,
		content: `receipt ${i}`,
		json: { account: i % 2 ? 'Main' : 'Savings', date: `2026-0${(i % 9) + 1}-15T12:00:00Z` },
	}));

	for (const kind of ['oneDrive', 'dropbox', 'googleDrive'] as const) {
		test(`${kind}: export, state rewritten as version 1, an idle run: all unchanged, one request, saved back as version 2 with the same records`, async () => {
			const destination = await cloudDestination(kind);
			try {
				const flow = exportWorkflow(destination, {
					folderStructure: 'accountPeriod',
					accountName: '={{ $json.account }}',
				});
				expect(countActions((await flow.run(docs)).json)).toEqual({ created: 40 });
				// A second run takes in the feed's report of the first run's own uploads; from then on a run is idle.
				expect(countActions((await flow.run(docs)).json)).toEqual({ unchanged: 40 });
				const key = Object.keys(flow.harness.staticData.global as IDataObject).find((k) =>
					k.startsWith('cloudSync:'),
				)!;
				const v2 = (flow.harness.staticData.global as IDataObject)[
					key
				] as unknown as StoredExportState;
				const before = decodeExportState(v2);
				(flow.harness.staticData.global as IDataObject)[key] = encodeV1(before);
				const requests = destination.counts().total;
				const uploads = destination.counts().uploads;
				expect(countActions((await flow.run(docs)).json)).toEqual({ unchanged: 40 });
				expect(destination.counts().total - requests).toBe(1);
				expect(destination.counts().uploads - uploads).toBe(0);
				const after = (flow.harness.staticData.global as IDataObject)[
					key
				] as unknown as StoredExportState;
				expect(after.v).toBe(EXPORT_STATE_VERSION);
				expect(decodeExportState(after).records).toEqual(before.records);
			} finally {
				await destination.close();
			}
		}, 120_000);
	}
});
