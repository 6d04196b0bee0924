import type { IDataObject } from 'n8n-workflow';
import { fingerprint, FINGERPRINT_LENGTH } from './fingerprint';
import { validateStoredExportState } from './exportValidation';
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
}

/** What static data holds (JSON). */
export interface StoredExportState {
	v: number;
	kind: 'export';
	node?: string;
	rootRef?: string;
	root?: string;
	cursor?: string;
	/** `${id}\t${path}` per folder, index = position. */
	folders: string[];
	stopped: string[];
	/** Entries joined by '|': keyFp (12 chars) contentFp nameFp (8 each) status(1) folder(base36) '.' id */
	records: string;
}

export const EXPORT_STATE_VERSION = 1;

const STATUS_CODES: Record<RecordStatus, string> = { live: 'L', fileDeleted: 'D', folderDeleted: 'F' };
const STATUS_BY_CODE: Record<string, RecordStatus> = { L: 'live', D: 'fileDeleted', F: 'folderDeleted' };
/**
 * Content and name fingerprints are only ever compared with the same record's previous value, never across
 * records, so 48 bits are plenty (a false "unchanged" has odds of 1 in 2.8e14 per edit) and save 8 bytes.
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

export function encodeRecords(records: Map<string, TrackedRecord>): string {
	const keys = [...records.keys()].sort();
	const parts: string[] = [];
	for (const key of keys) {
		const r = records.get(key)!;
		const folder = r.folder < 0 ? '' : r.folder.toString(36);
		parts.push(`${r.keyFp}${r.contentFp}${r.nameFp}${STATUS_CODES[r.status]}${folder}.${escapeId(r.id)}`);
	}
	return parts.join('|');
}

export function decodeRecords(encoded: string): Map<string, TrackedRecord> {
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
		records.set(key, { keyFp: r.keyFp, contentFp: r.contentFp, nameFp: r.nameFp, status: r.status, folder, id: r.id });
	}
	const stored: StoredExportState = {
		v: EXPORT_STATE_VERSION,
		kind: 'export',
		folders,
		stopped: [...state.stopped].sort(),
		records: encodeRecords(records),
	};
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
		records: decodeRecords(stored.records ?? ''),
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
		// Only version 1 exists. Unknown shapes keep what can be read rather than being discarded.
		const base = emptyStored();
		if (typeof stored.records === 'string') base.records = stored.records;
		if (Array.isArray(stored.folders)) base.folders = stored.folders.filter((f): f is string => typeof f === 'string');
		if (Array.isArray(stored.stopped)) base.stopped = stored.stopped.filter((f): f is string => typeof f === 'string');
		if (typeof stored.cursor === 'string') base.cursor = stored.cursor;
		if (typeof stored.root === 'string') base.root = stored.root;
		if (typeof stored.rootRef === 'string') base.rootRef = stored.rootRef;
		if (typeof stored.node === 'string') base.node = stored.node;
		return base;
	},
	validate: (stored) => validateStoredExportState(stored),
};
