/**
 * Export state versions 2 and 3 (issue 17 point 4): the compact form loses nothing. Generated states of every shape
 * (ids of each cloud's real forms and odd ones, every status, folders past the one-character range, buckets of any
 * size) come back record for record from version 3, and a version 1 or 2 state, as that version's encoder wrote it,
 * migrates to exactly the same records and stray files with no problem reported (version 2's records text is kept
 * character for character). Through the node: an export's state rewritten in version 1 or 2 gives the same plan
 * (every record unchanged, one request, nothing uploaded) and is saved back in version 3.
 */
import { createHash } from 'crypto';
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
	type TrackedRecord,
} from '../../nodes/shared/state/exportState';
import { fingerprint } from '../../nodes/shared/state/fingerprint';
import { checkStoredState, StateTooNewError } from '../../nodes/shared/state/staticData';
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

/**
 * Version 2's encoder as it was (nodes/shared/state/exportState.ts at version 2, records and strays): the format
 * version 3 migrates from. Its only difference from version 3: ids after the shared prefix are packed only when
 * they are all decimal numbers, flagged `idNumbers`.
 */
function encodeV2(state: ExportState): IDataObject {
	const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
	const PLACES = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
	const codes: Record<RecordStatus, string> = { live: 'L', fileDeleted: 'D', folderDeleted: 'F' };
	const escape = (id: string) => id.replace(/[%|]/g, (c) => encodeURIComponent(c));
	const digits = (value: number) => {
		let text = '';
		do {
			text = BASE64URL[value % 64] + text;
			value = Math.floor(value / 64);
		} while (value > 0);
		return text;
	};
	const keys = [...state.records.keys()].sort();
	const ids = keys.map((key) => state.records.get(key)!.id);
	let prefix = ids.length < 2 ? '' : ids[0];
	for (const id of ids) {
		let i = 0;
		while (i < prefix.length && i < id.length && prefix[i] === id[i]) i++;
		prefix = prefix.slice(0, i);
	}
	const rests = ids.map((id) => id.slice(prefix.length));
	const numbers =
		rests.length > 0 &&
		rests.every((r) => /^(0|[1-9][0-9]{0,14})$/.test(r) && Number(r) <= Number.MAX_SAFE_INTEGER);
	const bucket = Math.max(0, Math.min(2, Math.floor(Math.log(keys.length / 8) / Math.log(64))));
	const parts: string[] = [];
	let header = '';
	keys.forEach((key, i) => {
		const r: TrackedRecord = state.records.get(key)!;
		if (bucket > 0 && key.slice(0, bucket) !== header) {
			header = key.slice(0, bucket);
			parts.push(`~${header}`);
		}
		const place =
			r.status === 'live' && r.folder < PLACES.length - 1
				? PLACES[r.folder + 1]
				: `-${codes[r.status]}${r.folder < 0 ? '' : r.folder.toString(36)}.`;
		const id = numbers ? digits(Number(rests[i])) : escape(rests[i]);
		parts.push(`${key.slice(bucket)}${r.contentFp}${r.nameFp}${place}${id}`);
	});
	const stored: IDataObject = {
		v: 2,
		kind: 'export',
		folders: state.folders.map((f) => `${f!.id}\t${f!.path}`),
		stopped: [...state.stopped].sort(),
		records: parts.join('|'),
	};
	if (prefix) stored.idPrefix = prefix;
	if (numbers) stored.idNumbers = true;
	if (state.strays?.length)
		stored.strays = state.strays
			.map(
				(s) =>
					`${s.contentFp}${s.nameFp}${s.folder < 0 ? '' : s.folder.toString(36)}.${escape(s.id)}`,
			)
			.join('|');
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
	'onedrivePersonalGuid',
	'onedriveBusiness',
	'dropbox',
	'dropboxCounter',
	'odd',
	'numbers',
	'packHex',
	'packHEX',
	'packBase32',
);
const hexDigit = fc.constantFrom(...'0123456789abcdef');
const base32Digit = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567');
function idArb(family: string, drivePrefix: string): fc.Arbitrary<string> {
	switch (family) {
		case 'drive':
			return chars(base64url, 32).map((rest) => `1${rest}`);
		case 'onedrivePersonal':
			return fc.integer({ min: 1, max: 10_000_000 }).map((n) => `${drivePrefix}!${n}`);
		case 'onedrivePersonalGuid':
			// Since OneDrive's 2025 backend move: the drive id, "!s" and the item's GUID in hex.
			return chars(hexDigit, 32).map((guid) => `${drivePrefix}!s${guid}`);
		case 'onedriveBusiness':
			// "01", the drive's 4 bytes (6.4 base32 characters), the GUID.
			return chars(base32Digit, 26).map((rest) => `01BYE5RZ${rest}`);
		case 'dropbox':
			return chars(base64url, 22).map((rest) => `id:${rest}`);
		case 'dropboxCounter': {
			// The namespace's 8 bytes and a counter (test/fakes/dropbox/tree.ts).
			return fc.bigInt({ min: 0n, max: 2n ** 40n }).map((n) => {
				const bytes = Buffer.from('6b86b273ff34fce10000000000000000', 'hex');
				bytes.writeBigUInt64BE(n, 8);
				return `id:${bytes.toString('base64url')}`;
			});
		}
		// Rests of one length in one alphabet, with the edges of each form (leading zeros, all one digit).
		case 'packHex':
			return fc.oneof(chars(hexDigit, 3), fc.constantFrom('000', 'fff', '007')).map((r) => `p${r}`);
		case 'packHEX':
			return fc
				.oneof(chars(fc.constantFrom(...'0123456789ABCDEF'), 5), fc.constantFrom('00000', 'FFFFF'))
				.map((r) => `p${r}`);
		case 'packBase32':
			return fc
				.oneof(chars(base32Digit, 7), fc.constantFrom('AAAAAAA', '7777777', '2345672'))
				.map((r) => `p${r}`);
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
				fc.record({
					content: fc.string(),
					name: fc.string(),
					folder: fc.integer({ min: -1, max: folderCount - 1 }),
					id: idArb(mixed ? 'odd' : family, drivePrefix),
				}),
				{ maxLength: 3 },
			),
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
	.map(([folderCount, strays, records]) => {
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
		if (strays.length > 0)
			state.strays = strays.map((stray) => ({
				contentFp: shortFingerprint(stray.content),
				nameFp: shortFingerprint(stray.name),
				folder: stray.folder,
				id: stray.id,
			}));
		return state;
	});

const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('Export state versions 2 and 3 lose nothing (issue 17)', () => {
	test('generated states come back record for record, and pass the check without a problem', () => {
		fc.assert(
			fc.property(stateArb, (state) => {
				const stored = json(encodeExportState(state));
				const checked = checkStoredState(stored, exportStateSchema);
				expect(checked.problems).toEqual([]);
				const decoded = decodeExportState(checked.state);
				expect(decoded.records).toEqual(state.records);
				expect(decoded.folders).toEqual(state.folders);
				expect(decoded.strays ?? []).toEqual(state.strays ?? []);
			}),
			{ numRuns: 300, seed: 1717 },
		);
	});

	test('a version 2 state migrates to the same records and strays, its records text kept as it was', () => {
		fc.assert(
			fc.property(stateArb, (state) => {
				const v2 = json(encodeV2(state));
				const checked = checkStoredState(v2, exportStateSchema);
				expect(checked.problems).toEqual([]);
				expect(checked.state.v).toBe(EXPORT_STATE_VERSION);
				expect(checked.state.records).toBe(v2.records);
				expect(checked.state.cursor).toBe('cursor-1');
				const decoded = decodeExportState(checked.state);
				expect(decoded.records).toEqual(state.records);
				expect(decoded.folders).toEqual(state.folders);
				expect(decoded.strays ?? []).toEqual(state.strays ?? []);
				expect(decoded).toMatchObject({ rootId: 'root-id', node: 'Export', stopped: [] });
				// Saved again, it is version 3's own encoding of the same state.
				expect(json(encodeExportState(decoded))).toEqual(json(encodeExportState(state)));
			}),
			{ numRuns: 300, seed: 1719 },
		);
	});

	test('ids of the real shapes are packed: a OneDrive GUID in 22 characters, not 32', () => {
		const guidState = (id: (i: number) => string) => {
			const state = emptyExportState();
			for (let i = 0; i < 100; i++) {
				const keyFp = fingerprint(`R${i}`);
				state.records.set(keyFp, {
					keyFp,
					contentFp: shortFingerprint(`c${i}`),
					nameFp: shortFingerprint(`n${i}`),
					status: 'live',
					folder: -1,
					id: id(i),
				});
			}
			return state;
		};
		/** `length` characters of `alphabet`, different for every i (SHA-256 bytes). */
		const digits = (i: number, alphabet: string, length: number) =>
			[...createHash('sha256').update(`id${i}`).digest()]
				.slice(0, length)
				.map((byte) => alphabet[byte % alphabet.length])
				.join('');
		const personal = encodeExportState(
			guidState((i) => `0F097864E0CFEA42!s${digits(i, '0123456789abcdef', 32)}`),
		);
		expect(personal.idPrefix).toBe('0F097864E0CFEA42!s');
		expect(personal.idForm).toBe('hex:32');
		const business = encodeExportState(
			guidState((i) => `01BYE5RZ${digits(i, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 26)}`),
		);
		expect(business.idPrefix).toBe('01BYE5RZ');
		expect(business.idForm).toBe('base32:26');
		for (const stored of [personal, business]) {
			expect(decodeExportState(json(stored)).records.size).toBe(100);
			const entries = stored.records.split('|').filter((entry) => !entry.startsWith('~'));
			// The key fingerprint (no bucket header below 512 records), content, name, the place, 22 id digits.
			for (const entry of entries) expect(entry.length).toBe(12 + 8 + 8 + 1 + 22);
		}
	});

	test('one damaged character in a version 3 state never stops the load: the other records come back as they were', () => {
		fc.assert(
			fc.property(
				stateArb,
				fc.nat(),
				fc.constantFrom(...'A0~-|.%!sZ_\u00e9'),
				(state, at, replacement) => {
					const stored = json(encodeExportState(state));
					if (stored.records === '') return;
					const position = at % stored.records.length;
					const damaged = {
						...stored,
						records:
							stored.records.slice(0, position) + replacement + stored.records.slice(position + 1),
					};
					const decoded = decodeExportState(checkStoredState(damaged, exportStateSchema).state);
					// A record whose entry and bucket header the damage did not touch is kept as it was: at most two
					// entries (a separator damaged) or one bucket (its header damaged) differ.
					let changed = 0;
					for (const [key, record] of state.records)
						if (JSON.stringify(decoded.records.get(key)) !== JSON.stringify(record)) changed++;
					const header = stored.records.startsWith('~') ? stored.records.indexOf('|') - 1 : 0;
					const buckets = new Map<string, number>();
					for (const key of state.records.keys())
						buckets.set(key.slice(0, header), (buckets.get(key.slice(0, header)) ?? 0) + 1);
					const largest = header > 0 ? Math.max(...buckets.values()) : 0;
					expect(changed).toBeLessThanOrEqual(Math.max(2, largest));
				},
			),
			{ numRuns: 300, seed: 1720 },
		);
	});

	test("a record entry whose first character became '~' is dropped alone, not taken for a bucket header that drops every record after it (property above, seed -1604321632)", () => {
		const state = emptyExportState();
		state.cursor = 'c';
		for (const [key, id] of [
			['k0', 'a|b'],
			['k1', 'a|b'],
			['k2', ' '],
		]) {
			const keyFp = fingerprint(key);
			state.records.set(keyFp, {
				keyFp,
				contentFp: shortFingerprint('same'),
				nameFp: shortFingerprint('same'),
				status: 'live',
				folder: -1,
				id,
			});
		}
		const stored = json(encodeExportState(state));
		const checked = checkStoredState(
			{ ...stored, records: `~${stored.records.slice(1)}` },
			exportStateSchema,
		);
		expect(checked.problems).toEqual(['1 exported record of 3 could not be read']);
		expect(decodeExportState(checked.state).records.size).toBe(2);
		// Dropped records are rebuilt from a full listing of the destination.
		expect(checked.state.cursor).toBeUndefined();
	});

	test('a version 3 state read by a package that knows only version 2: refused with what to do, left as it is', () => {
		const stored = json(encodeExportState(emptyExportState()));
		const olderPackage = { ...exportStateSchema, version: 2 };
		expect(() => checkStoredState(stored, olderPackage)).toThrow(StateTooNewError);
		expect(() => checkStoredState(stored, olderPackage)).toThrow(
			/version 3; this version of n8n-nodes-cloud-sync reads versions up to 2/,
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

	test('bytes per record at 100,000 with ids of the real shapes: Dropbox and older OneDrive ids within 32 B; a GUID or a Drive id carries its length', () => {
		const random = (i: number, bytes: number) =>
			createHash('sha256').update(`id${i}`).digest().subarray(0, bytes);
		const base32 = (bytes: Buffer) => {
			let bits = '';
			for (const byte of bytes) bits += byte.toString(2).padStart(8, '0');
			return (bits.match(/.{5}/g) ?? [])
				.map((b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[parseInt(b, 2)])
				.join('');
		};
		// As test/fakes mint them (see there for the providers' own examples).
		const shapes: Record<string, (i: number) => string> = {
			googleDrive: (i) => `1${Buffer.concat([random(i, 24)]).toString('base64url')}`,
			oneDriveGuid: (i) => `0F097864E0CFEA42!s${random(i, 16).toString('hex')}`,
			oneDriveNumber: (i) => `A1B2C3D4E5F60718!${i + 101}`,
			oneDriveBusiness: (i) =>
				`01${base32(Buffer.concat([Buffer.from('0e09d8e7', 'hex'), random(i, 16)]))}`,
			dropbox: (i) => {
				const bytes = Buffer.from('6b86b273ff34fce10000000000000000', 'hex');
				bytes.writeBigUInt64BE(BigInt(2_851_801 + i * 2), 8);
				return `id:${bytes.toString('base64url')}`;
			},
		};
		const sizes: Record<string, number> = {};
		for (const [cloud, id] of Object.entries(shapes)) {
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
			const v3 = Buffer.byteLength(JSON.stringify(encodeExportState(state)));
			const v2 = Buffer.byteLength(JSON.stringify(encodeV2(state)));
			const v1 = Buffer.byteLength(JSON.stringify(encodeV1(state)));
			sizes[cloud] = v3 / 100_000;
			process.stdout.write(
				`${cloud}: ${id(0)} version 3 ${(v3 / 1e5).toFixed(1)} B, 2 ${(v2 / 1e5).toFixed(1)} B, 1 ${(v1 / 1e5).toFixed(1)} B per record\n`,
			);
			// The same or smaller, but for the name of the id form ('"idForm":"decimal"' is 2 bytes longer).
			expect(v3).toBeLessThanOrEqual(v2 + 2);
			expect(v2).toBeLessThan(v1);
		}
		expect(sizes.oneDriveNumber).toBeLessThanOrEqual(32);
		expect(sizes.dropbox).toBeLessThanOrEqual(32);
		// The id's bits after the shared start (128 of a GUID in 22 characters, a Drive id's 32), the fingerprints
		// the planner compares (26 of 28 characters: two go to the bucket header), the place and the separator.
		expect(sizes.oneDriveGuid).toBeLessThanOrEqual(22 + 26 + 2 + 0.5);
		expect(sizes.oneDriveBusiness).toBeLessThanOrEqual(22 + 26 + 2 + 0.5);
		expect(sizes.googleDrive).toBeLessThanOrEqual(32 + 26 + 2 + 0.5);
	});
});

describe('Export state migration through the node: the same plan from a version 1 or 2 state', () => {
	const docs: Doc[] = Array.from({ length: 40 }, (_, i) => ({
		id: `R${i}`,
		content: `receipt ${i}`,
		json: { account: i % 2 ? 'Main' : 'Savings', date: `2026-0${(i % 9) + 1}-15T12:00:00Z` },
	}));

	for (const [kind, version, encode] of [
		['oneDrive', 1, encodeV1],
		['dropbox', 1, encodeV1],
		['googleDrive', 1, encodeV1],
		['oneDrive', 2, encodeV2],
		['dropbox', 2, encodeV2],
		['googleDrive', 2, encodeV2],
	] as const) {
		test(`${kind}: export, state rewritten as version ${version}, an idle run: all unchanged, one request, saved back as version 3 with the same records`, async () => {
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
				(flow.harness.staticData.global as IDataObject)[key] = encode(before);
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
