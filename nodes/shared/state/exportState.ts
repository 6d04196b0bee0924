import type { IDataObject } from 'n8n-workflow';
import { fingerprint, FINGERPRINT_LENGTH } from './fingerprint';
import { validateStoredExportState, validRecordEntryV1 } from './exportValidation';
import type { StateSchema } from './staticData';

/**
 * State of one Export to Folder node: a cache of what it exported, the destination stays the truth (DESIGN.md
 * section 4). Compact: one string of entries for the records, folder ids cached by path, stopped folders by path.
 */

/** Why a tracked record's file is no longer in the destination. */
export type RecordStatus = 'live' | 'fileDeleted' | 'folderDeleted';

export interface TrackedRecord {
	/** fingerprint(recordKey) */
	keyFp: string;
	/** shortFingerprint(native content hash) of what we last uploaded or adopted */
	contentFp: string;
	/** shortFingerprint(normalised file name), to match Dropbox deletions (paths, no ids) */
	nameFp: string;
	/** Index into ExportState.folders; -1 for the root itself. */
	folder: number;
	status: RecordStatus;
	/** The remote file id. */
	id: string;
}

/**
 * A file of ours a run saw in the destination that no record keeps (issue 12): written by a run whose state was
 * not saved (a manual run, a run before the state was lost) for a record that run's input did not include. Kept
 * until a record with exactly this content adopts it, so the record is not uploaded a second time beside it.
 */
export interface StrayFile {
	/** shortFingerprint(native content hash) */
	contentFp: string;
	/** shortFingerprint(normalised file name) */
	nameFp: string;
	/** Index into ExportState.folders; -1 for the root itself. */
	folder: number;
	id: string;
}

export interface CachedFolder {
	/** Display path relative to the root, '/' separated, '' never stored (the root is `rootId`). */
	path: string;
	id: string;
}

export interface ExportState {
	/** The node's name when it last ran, so a Resume in another node can find this state. */
	node?: string;
	/** fingerprint of (destination, root folder parameter): a different root starts a fresh state. */
	rootRef?: string;
	rootId?: string;
	/** Change-feed cursor on the root's subtree. */
	cursor?: string;
	/** Folders we found or created; a record points at its folder by index. Holes are not reused within a run. */
	folders: Array<CachedFolder | undefined>;
	/** Folder paths the user deleted (stop policy); records mapping into them or below are skipped until Resume. */
	stopped: string[];
	records: Map<string, TrackedRecord>;
	/** Files of ours no record keeps (see StrayFile), newest first; absent or empty in the usual case. */
	strays?: StrayFile[];
}

/** What static data holds (JSON). */
export interface StoredExportState {
	v: number;
	/** Marks the entry as an Export node's state: stored key, read through stateOwner (staticData.ts). */
	kind: 'export';
	node?: string;
	rootRef?: string;
	root?: string;
	cursor?: string;
	/** `${id}\t${path}` per folder, index = position. */
	folders: string[];
	stopped: string[];
	/**
	 * Version 3 (as 2): see encodeRecords. (Version 1: keyFp contentFp nameFp status folder(base36) '.' id, joined
	 * by '|'.)
	 */
	records: string;
	/** What every record's remote id starts with, written once (OneDrive personal: the drive's id and '!s'). */
	idPrefix?: string;
	/** Version 3: how the ids after the prefix are written (ID_FORMS); absent: as they are, escaped. */
	idForm?: string;
	/**
	 * Version 2 only (migrated to idForm 'decimal'): the ids after the prefix were decimal numbers in base64url
	 * digits.
	 */
	idNumbers?: boolean;
	/** Files of ours no record keeps (see encodeStrays); absent when there are none. */
	strays?: string;
}

/**
 * 2: compact records (issue 17): key fingerprints grouped by their first characters, ids after a shared prefix.
 * 3: ids of the providers' real shapes packed (idForm): OneDrive's GUIDs in hex or base32 as base64url digits.
 */
export const EXPORT_STATE_VERSION = 3;

const STATUS_CODES: Record<RecordStatus, string> = {
	live: 'L',
	fileDeleted: 'D',
	folderDeleted: 'F',
};
const STATUS_BY_CODE: Record<string, RecordStatus> = {
	L: 'live',
	D: 'fileDeleted',
	F: 'folderDeleted',
};
/**
 * Content and name fingerprints: 48 bits. A record's content is compared with its previous value (a false
 * "unchanged" has odds of 1 in 2.8e14 per edit), but both are also compared across records: names for the places
 * records hold in a folder and for Dropbox deletions (paths only), contents for stray files. With 100,000 records
 * in one folder (5e9 pairs) 48 bits give odds of 1.8e-5 of one name collision; 32 would collide almost surely,
 * so they are not shortened further (issue 17: README, Benchmarks, "What misses, and why").
 */
export const SHORT_FINGERPRINT_LENGTH = 8;
const FIXED = FINGERPRINT_LENGTH + SHORT_FINGERPRINT_LENGTH * 2;

export function shortFingerprint(value: string): string {
	return fingerprint(value).slice(0, SHORT_FINGERPRINT_LENGTH);
}

export function emptyExportState(): ExportState {
	return { folders: [], stopped: [], records: new Map() };
}

/** Ids never contain '|' or '%' at any provider we know; escape them anyway so no id can break the encoding. */
function escapeId(id: string): string {
	return id.replace(/[%|]/g, (c) => encodeURIComponent(c));
}

function unescapeId(text: string): string {
	return text.includes('%') ? decodeURIComponent(text) : text;
}

/** Version 1's records (kept to migrate them): entries that do not parse are skipped. */
export function decodeRecordsV1(encoded: string): Map<string, TrackedRecord> {
	const records = new Map<string, TrackedRecord>();
	if (!encoded) return records;
	for (const entry of encoded.split('|')) {
		if (entry.length < FIXED + 2) continue;
		const dot = entry.indexOf('.', FIXED + 1);
		if (dot < 0) continue;
		const keyFp = entry.slice(0, FINGERPRINT_LENGTH);
		const folderText = entry.slice(FIXED + 1, dot);
		records.set(keyFp, {
			keyFp,
			contentFp: entry.slice(FINGERPRINT_LENGTH, FINGERPRINT_LENGTH + SHORT_FINGERPRINT_LENGTH),
			nameFp: entry.slice(FINGERPRINT_LENGTH + SHORT_FINGERPRINT_LENGTH, FIXED),
			status: STATUS_BY_CODE[entry[FIXED]] ?? 'live',
			folder: folderText === '' ? -1 : parseInt(folderText, 36),
			id: unescapeId(entry.slice(dot + 1)),
		});
	}
	return records;
}

/** base64url digits, in their usual order (what fingerprints and bucket headers are written in). */
export const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** A live record's place in one character: '0' the root, then folders 0..60 (PLACES[folder + 1]). */
export const PLACES = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** Starts the long form of a place: status code, folder in base 36 ('' for the root), '.'. */
export const LONG_PLACE = '-';
/** Starts a bucket header entry: the key fingerprint characters the entries after it leave out. */
export const BUCKET = '~';
const DECIMAL = /^(0|[1-9][0-9]{0,14})$/;

/**
 * The forms an id's rest (after idPrefix) can be written in, when every rest has it: 'decimal' (OneDrive personal's
 * older "drive!number" ids) as a number in base64url digits; `hex:L` / `HEX:L` (OneDrive personal's GUID ids, 32
 * lower-case hex digits) and `base32:L` (OneDrive for Business: "01" + base32, the drive's 4 bytes in the shared
 * prefix) as their bits in base64url digits, L characters each; `base64:L:S` (Dropbox: "id:" + base64url of the
 * namespace's 8 bytes and a counter, so the rests are the counter's low digits, the last with S padding bits) as
 * that number without its padding bits, less the smallest of them (B, in base64url digits), so a few digits.
 * Lossless: the rest comes back character for character. 32 hex digits take 22 characters, 26 base32 ones 22, a
 * Dropbox counter below 2^18 three.
 */
const PACKED: Record<string, { alphabet: string; bits: number; pattern: RegExp }> = {
	hex: { alphabet: '0123456789abcdef', bits: 4, pattern: /^[0-9a-f]+$/ },
	HEX: { alphabet: '0123456789ABCDEF', bits: 4, pattern: /^[0-9A-F]+$/ },
	base32: { alphabet: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', bits: 5, pattern: /^[A-Z2-7]+$/ },
};
/** The longest rest packed (a Graph GUID is 32 hex digits); longer rests are written as they are. */
const MAX_PACKED_LENGTH = 64;
/** The longest base64 rest written as a number: 8 digits are 48 bits, within a double's exact integers. */
const MAX_BASE64_LENGTH = 8;
const BASE64_REST = /^[A-Za-z0-9_-]+$/;

export interface IdForm {
	kind: 'decimal' | 'hex' | 'HEX' | 'base32' | 'base64';
	/** Characters per rest (packed forms). */
	length: number;
	/** base64: the padding bits every rest ends with, left out. */
	shift: number;
	/** base64: the smallest rest's number (without the padding bits), taken off every rest's. */
	base: number;
}

/** Reads a stored idForm ('decimal', 'hex:32', 'base64:5:4', ...); undefined when it is not one. */
export function parseIdForm(text: string): IdForm | undefined {
	if (text === 'decimal') return { kind: 'decimal', length: 0, shift: 0, base: 0 };
	if (text.startsWith('base64:')) {
		const parts = text.split(':');
		const length = Number(parts[1]);
		const shift = Number(parts[2]);
		if (!Number.isInteger(length) || length < 1 || length > MAX_BASE64_LENGTH) return undefined;
		if (!Number.isInteger(shift) || shift < 0 || shift > 6 || parts.length !== 4) return undefined;
		if (!BASE64_REST.test(parts[3]) || parts[3].length > length) return undefined;
		return { kind: 'base64', length, shift, base: fromBase64Digits(parts[3]) };
	}
	const colon = text.indexOf(':');
	const kind = text.slice(0, colon);
	const length = Number(text.slice(colon + 1));
	if (
		colon < 0 ||
		!PACKED[kind] ||
		!Number.isInteger(length) ||
		length < 1 ||
		length > MAX_PACKED_LENGTH
	)
		return undefined;
	return { kind: kind as IdForm['kind'], length, shift: 0, base: 0 };
}

/** How many base64url digits a packed rest takes (hex, HEX, base32: the others take 1 or more). */
export function packedLength(form: IdForm): number {
	return PACKED[form.kind] ? Math.ceil((form.length * PACKED[form.kind].bits) / 6) : 0;
}

/** The zero bits every rest ends with (0-6): base64 padding, a counter's low zero bits. */
function commonZeroBits(rests: string[]): number {
	let shift = 6;
	for (const rest of rests) {
		const last = BASE64URL.indexOf(rest[rest.length - 1]);
		let zeros = 0;
		while (zeros < 6 && (last & (1 << zeros)) === 0) zeros++;
		shift = Math.min(shift, zeros);
		if (shift === 0) break;
	}
	return shift;
}

function chooseIdForm(rests: string[]): string | undefined {
	if (rests.length === 0) return undefined;
	if (rests.every((rest) => DECIMAL.test(rest) && Number(rest) <= Number.MAX_SAFE_INTEGER))
		return 'decimal';
	const length = rests[0].length;
	if (length < 2 || length > MAX_PACKED_LENGTH || rests.some((rest) => rest.length !== length))
		return undefined;
	for (const kind of ['hex', 'HEX'])
		if (rests.every((rest) => PACKED[kind].pattern.test(rest))) return `${kind}:${length}`;
	if (length <= MAX_BASE64_LENGTH && rests.every((rest) => BASE64_REST.test(rest))) {
		const shift = commonZeroBits(rests);
		let base = Number.MAX_SAFE_INTEGER;
		for (const rest of rests) base = Math.min(base, fromBase64Digits(rest) / 2 ** shift);
		return `base64:${length}:${shift}:${toBase64Digits(base)}`;
	}
	if (rests.every((rest) => PACKED.base32.pattern.test(rest))) return `base32:${length}`;
	return undefined;
}

const BASE64_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE64URL.length; i++) BASE64_VALUE[BASE64URL.charCodeAt(i)] = i;

/** A rest of one of the PACKED alphabets as base64url digits: its bits, six at a time, the last padded with 0. */
function packRest(rest: string, kind: string): string {
	const { alphabet, bits } = PACKED[kind];
	let text = '';
	let value = 0;
	let held = 0;
	for (let i = 0; i < rest.length; i++) {
		value = (value << bits) | alphabet.indexOf(rest[i]);
		held += bits;
		if (held >= 6) {
			held -= 6;
			text += BASE64URL[(value >>> held) & 63];
			value &= (1 << held) - 1;
		}
	}
	return held > 0 ? text + BASE64URL[(value << (6 - held)) & 63] : text;
}

function unpackRest(text: string, form: IdForm): string {
	const { alphabet, bits } = PACKED[form.kind];
	let rest = '';
	let value = 0;
	let held = 0;
	for (let i = 0; i < text.length && rest.length < form.length; i++) {
		value = (value << 6) | BASE64_VALUE[text.charCodeAt(i)];
		held += 6;
		while (held >= bits && rest.length < form.length) {
			held -= bits;
			rest += alphabet[(value >>> held) & ((1 << bits) - 1)];
		}
		value &= (1 << held) - 1;
	}
	return rest;
}

function writeRest(rest: string, form: IdForm | undefined): string {
	if (!form) return escapeId(rest);
	if (form.kind === 'decimal') return toBase64Digits(Number(rest));
	if (form.kind === 'base64')
		return toBase64Digits(fromBase64Digits(rest) / 2 ** form.shift - form.base);
	return packRest(rest, form.kind);
}

function readRest(text: string, form: IdForm | undefined): string {
	if (!form) return unescapeId(text);
	if (form.kind === 'decimal') return String(fromBase64Digits(text));
	if (form.kind === 'base64')
		return toBase64Digits((fromBase64Digits(text) + form.base) * 2 ** form.shift).padStart(
			form.length,
			'A',
		);
	return unpackRest(text, form);
}

function toBase64Digits(value: number): string {
	let text = '';
	do {
		text = BASE64URL[value % 64] + text;
		value = Math.floor(value / 64);
	} while (value > 0);
	return text;
}

export function fromBase64Digits(text: string): number {
	let value = 0;
	for (let i = 0; i < text.length; i++) value = value * 64 + BASE64URL.indexOf(text[i]);
	return value;
}

/** How many leading key fingerprint characters a bucket header carries: buckets of 8 or more entries on average. */
function bucketLength(count: number): number {
	return Math.max(0, Math.min(2, Math.floor(Math.log(count / 8) / Math.log(64))));
}

function commonPrefix(ids: string[]): string {
	if (ids.length < 2) return '';
	let prefix = ids[0];
	for (const id of ids) {
		let i = 0;
		while (i < prefix.length && i < id.length && prefix.charCodeAt(i) === id.charCodeAt(i)) i++;
		if (i < prefix.length) prefix = prefix.slice(0, i);
		if (prefix === '') break;
	}
	return prefix;
}

export interface EncodedRecords {
	records: string;
	idPrefix?: string;
	idForm?: string;
}

/**
 * Version 2 and 3 (issue 17: 65 B a Drive record became ~61, 53-60 B a OneDrive one ~50). Entries joined by '|',
 * sorted by key fingerprint; a bucket header `~AB` says the entries after it all start with "AB" and leave it out
 * (buckets of about 8 to 500 entries). An entry: the rest of the key fingerprint, contentFp, nameFp, the place, the
 * id. The place is one character for a live record in the root or in folders 0..60 (PLACES), else '-' + status
 * code + folder in base 36 + '.'. The id follows the shared prefix (idPrefix), packed when every rest has one of
 * the forms of idForm (version 2: decimal numbers only, flagged idNumbers), else escaped.
 */
export function encodeRecords(records: Map<string, TrackedRecord>): EncodedRecords {
	const keys = [...records.keys()].sort();
	const ids = keys.map((key) => records.get(key)!.id);
	const idPrefix = commonPrefix(ids);
	const rests = ids.map((id) => id.slice(idPrefix.length));
	const idForm = chooseIdForm(rests);
	const form = idForm === undefined ? undefined : parseIdForm(idForm);
	const bucket = bucketLength(keys.length);
	const parts: string[] = [];
	let header = '';
	keys.forEach((key, i) => {
		const r = records.get(key)!;
		if (bucket > 0 && key.slice(0, bucket) !== header) {
			header = key.slice(0, bucket);
			parts.push(`${BUCKET}${header}`);
		}
		const place =
			r.status === 'live' && r.folder < PLACES.length - 1
				? PLACES[r.folder + 1]
				: `${LONG_PLACE}${STATUS_CODES[r.status]}${r.folder < 0 ? '' : r.folder.toString(36)}.`;
		const id = writeRest(rests[i], form);
		parts.push(`${key.slice(bucket)}${r.contentFp}${r.nameFp}${place}${id}`);
	});
	const encoded: EncodedRecords = { records: parts.join('|') };
	if (idPrefix) encoded.idPrefix = idPrefix;
	if (idForm) encoded.idForm = idForm;
	return encoded;
}

/** Version 3's records (see encodeRecords); the state was validated first (exportValidation.ts). */
export function decodeRecords(
	encoded: string,
	idPrefix = '',
	idForm?: string,
): Map<string, TrackedRecord> {
	const form = idForm === undefined ? undefined : parseIdForm(idForm);
	const records = new Map<string, TrackedRecord>();
	if (!encoded) return records;
	let header = '';
	for (const entry of encoded.split('|')) {
		if (entry.startsWith(BUCKET)) {
			header = entry.slice(1);
			continue;
		}
		const keyLength = FINGERPRINT_LENGTH - header.length;
		const fixed = keyLength + SHORT_FINGERPRINT_LENGTH * 2;
		if (entry.length <= fixed) continue;
		const keyFp = header + entry.slice(0, keyLength);
		let status: RecordStatus = 'live';
		let folder: number;
		let idStart: number;
		if (entry[fixed] === LONG_PLACE) {
			const dot = entry.indexOf('.', fixed + 2);
			if (dot < 0) continue;
			status = STATUS_BY_CODE[entry[fixed + 1]] ?? 'live';
			const folderText = entry.slice(fixed + 2, dot);
			folder = folderText === '' ? -1 : parseInt(folderText, 36);
			idStart = dot + 1;
		} else {
			folder = PLACES.indexOf(entry[fixed]) - 1;
			idStart = fixed + 1;
		}
		const rest = entry.slice(idStart);
		records.set(keyFp, {
			keyFp,
			contentFp: entry.slice(keyLength, keyLength + SHORT_FINGERPRINT_LENGTH),
			nameFp: entry.slice(keyLength + SHORT_FINGERPRINT_LENGTH, fixed),
			status,
			folder,
			id: idPrefix + readRest(rest, form),
		});
	}
	return records;
}

/**
 * Stray files (StrayFile), joined by '|': contentFp, nameFp, the folder in base 36 ('' for the root), '.', the
 * escaped id. Rare and few (the planner keeps a bounded number), so written plainly.
 */
export function encodeStrays(strays: StrayFile[]): string {
	return strays
		.map(
			(s) =>
				`${s.contentFp}${s.nameFp}${s.folder < 0 ? '' : s.folder.toString(36)}.${escapeId(s.id)}`,
		)
		.join('|');
}

/** See encodeStrays; the text was validated first (exportValidation.ts). */
export function decodeStrays(encoded: string): StrayFile[] {
	if (!encoded) return [];
	return encoded.split('|').map((entry) => {
		const fixed = SHORT_FINGERPRINT_LENGTH * 2;
		const dot = entry.indexOf('.', fixed);
		const folderText = entry.slice(fixed, dot);
		return {
			contentFp: entry.slice(0, SHORT_FINGERPRINT_LENGTH),
			nameFp: entry.slice(SHORT_FINGERPRINT_LENGTH, fixed),
			folder: folderText === '' ? -1 : parseInt(folderText, 36),
			id: unescapeId(entry.slice(dot + 1)),
		};
	});
}

/** Holes (folders the user deleted) are dropped on save and record indexes renumbered, so the table stays small. */
export function encodeExportState(state: ExportState): StoredExportState {
	const renumber = new Map<number, number>();
	const folders: string[] = [];
	state.folders.forEach((folder, index) => {
		// Keep live folders even when no record points at them yet (they exist, find-or-create must not repeat).
		if (!folder) return;
		renumber.set(index, folders.length);
		folders.push(`${folder.id}\t${folder.path}`);
	});
	const records = new Map<string, TrackedRecord>();
	for (const [key, r] of state.records) {
		// A record whose folder entry is gone keeps no folder (its status already says why).
		const folder = r.folder < 0 ? -1 : (renumber.get(r.folder) ?? -1);
		// Field by field: a spread with an override costs microseconds per record at 100,000 records.
		records.set(key, {
			keyFp: r.keyFp,
			contentFp: r.contentFp,
			nameFp: r.nameFp,
			status: r.status,
			folder,
			id: r.id,
		});
	}
	const stored: StoredExportState = {
		v: EXPORT_STATE_VERSION,
		kind: 'export',
		folders,
		stopped: [...state.stopped].sort(),
		...encodeRecords(records),
	};
	// A stray whose folder is gone went with it.
	const strays = (state.strays ?? []).flatMap((stray) => {
		const folder = stray.folder < 0 ? -1 : renumber.get(stray.folder);
		return folder === undefined ? [] : [{ ...stray, folder }];
	});
	if (strays.length > 0) stored.strays = encodeStrays(strays);
	if (state.node !== undefined) stored.node = state.node;
	if (state.rootRef !== undefined) stored.rootRef = state.rootRef;
	if (state.rootId !== undefined) stored.root = state.rootId;
	if (state.cursor !== undefined) stored.cursor = state.cursor;
	return stored;
}

export function decodeExportState(stored: StoredExportState): ExportState {
	const folders: Array<CachedFolder | undefined> = (stored.folders ?? []).map((text) => {
		const tab = text.indexOf('\t');
		return tab < 0 ? undefined : { id: text.slice(0, tab), path: text.slice(tab + 1) };
	});
	return {
		node: stored.node,
		rootRef: stored.rootRef,
		rootId: stored.root,
		cursor: stored.cursor,
		folders,
		stopped: [...(stored.stopped ?? [])],
		records: decodeRecords(stored.records ?? '', stored.idPrefix ?? '', stored.idForm),
		...(stored.strays ? { strays: decodeStrays(stored.strays) } : {}),
	};
}

function emptyStored(): StoredExportState {
	return { v: EXPORT_STATE_VERSION, kind: 'export', folders: [], stopped: [], records: '' };
}

/** The static-data schema (stored form); decode/encode around it with decodeExportState / encodeExportState. */
export const exportStateSchema: StateSchema<StoredExportState> = {
	version: EXPORT_STATE_VERSION,
	empty: emptyStored,
	migrate(stored: IDataObject & { v?: number }): StoredExportState {
		// Unknown shapes keep what can be read rather than being discarded.
		const base = emptyStored();
		if (typeof stored.records === 'string') base.records = stored.records;
		if (Array.isArray(stored.folders))
			base.folders = stored.folders.filter((f): f is string => typeof f === 'string');
		if (Array.isArray(stored.stopped))
			base.stopped = stored.stopped.filter((f): f is string => typeof f === 'string');
		if (typeof stored.cursor === 'string') base.cursor = stored.cursor;
		if (typeof stored.root === 'string') base.root = stored.root;
		if (typeof stored.rootRef === 'string') base.rootRef = stored.rootRef;
		if (typeof stored.node === 'string') base.node = stored.node;
		if (stored.v === 1 && typeof stored.records === 'string')
			Object.assign(base, migrateRecordsV1(stored.records, stored.folders));
		if (stored.v === 2) migrateV2(stored, base);
		return base;
	},
	validate: (stored) => validateStoredExportState(stored),
};

/**
 * Version 2 differs from 3 only in how it says the ids are written: its records text is kept as it is, character
 * for character (test/unit/exportStateMigration.test.ts), with its shared start of ids and its stray files. A field
 * of the wrong type is passed on as it was, so the check says what was wrong with it.
 */
function migrateV2(stored: IDataObject, base: StoredExportState): void {
	const raw = stored as Record<string, unknown>;
	if (raw.idPrefix !== undefined) base.idPrefix = raw.idPrefix as string;
	if (raw.idNumbers === true) base.idForm = 'decimal';
	else if (raw.idNumbers !== undefined && raw.idNumbers !== false)
		base.idForm = raw.idNumbers as unknown as string;
	if (raw.strays !== undefined) base.strays = raw.strays as string;
}

/**
 * Version 1's records in version 3's form, record for record (test/unit/exportStateMigration.test.ts: the same
 * records and the same plan). An entry version 1's check would drop stays unreadable (`#`), so version 2's check
 * drops it the same way, says so and drops the cursor (the destination is listed again).
 */
function migrateRecordsV1(text: string, folders: unknown): EncodedRecords {
	if (text === '') return { records: '' };
	const usable = new Set<number>();
	if (Array.isArray(folders))
		folders.forEach(
			(folder, index) =>
				typeof folder === 'string' && folder.indexOf('\t') > 0 && usable.add(index),
		);
	const entries = text.split('|');
	const readable = entries.filter((entry) => validRecordEntryV1(entry, usable));
	const encoded = encodeRecords(decodeRecordsV1(readable.join('|')));
	const unreadable = entries.length - readable.length;
	if (unreadable > 0)
		encoded.records = [encoded.records, ...Array.from({ length: unreadable }, () => '#')]
			.filter((part) => part !== '')
			.join('|');
	return encoded;
}
