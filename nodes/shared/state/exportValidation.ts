import { FINGERPRINT_LENGTH } from './fingerprint';
import {
	BASE64URL,
	BUCKET,
	EXPORT_STATE_VERSION,
	LONG_PLACE,
	packedLength,
	parseIdForm,
	PLACES,
	type IdForm,
	SHORT_FINGERPRINT_LENGTH,
	type StoredExportState,
} from './exportState';
import type { CheckedState } from './staticData';

/**
 * Export to Folder's stored state checked field by field before use (issue 18 point 5). The state is a cache of
 * what the destination holds, so whatever is unreadable is dropped alone and rebuilt: a dropped record or folder
 * also drops the change cursor, so this very run lists the destination and adopts what is there (Drive tags,
 * deterministic paths + content comparison), exactly as after a lost state; nothing is uploaded twice. Pure.
 */

const STATUS_CODES = new Set(['L', 'D', 'F']);

type Loose = Record<string, unknown>;

function plural(count: number, one: string, many = `${one}s`): string {
	return `${count} ${count === 1 ? one : many}`;
}

/** A `${id}\t${path}` folder entry with both parts present. */
function validFolder(entry: unknown): entry is string {
	if (typeof entry !== 'string') return false;
	const tab = entry.indexOf('\t');
	return tab > 0 && tab < entry.length - 1;
}

/** base64url: what fingerprint() writes. */
function isFingerprintChar(code: number): boolean {
	return (
		(code >= 48 && code <= 57) ||
		(code >= 65 && code <= 90) ||
		(code >= 97 && code <= 122) ||
		code === 45 ||
		code === 95
	);
}

/**
 * One version 1 record entry is well formed and points at a readable folder (or the root): what the migration to
 * version 2 keeps. Character loops rather than regular expressions and slices: a state holds up to 100,000 entries.
 */
export function validRecordEntryV1(entry: string, usableFolders: ReadonlySet<number>): boolean {
	// Computed here, not at load: exportState.ts imports this module (its schema validates with it).
	const FIXED = FINGERPRINT_LENGTH + SHORT_FINGERPRINT_LENGTH * 2;
	if (entry.length < FIXED + 2) return false;
	for (let i = 0; i < FINGERPRINT_LENGTH; i++)
		if (!isFingerprintChar(entry.charCodeAt(i))) return false;
	if (!STATUS_CODES.has(entry[FIXED])) return false;
	return validFolderAndId(entry, FIXED + 1, usableFolders);
}

/**
 * From `start`: a folder index in base 36 ('' for the root) naming a readable folder, a dot, and a non-empty id
 * whose escapes unescape (decoding would throw a URIError on a broken escape). Version 1 records and strays end so.
 */
function validFolderAndId(
	entry: string,
	start: number,
	usableFolders: ReadonlySet<number>,
): boolean {
	const dot = entry.indexOf('.', start);
	if (dot < 0 || dot === entry.length - 1) return false;
	for (let i = start; i < dot; i++) {
		const code = entry.charCodeAt(i);
		if (!((code >= 48 && code <= 57) || (code >= 97 && code <= 122))) return false;
	}
	if (dot > start && !usableFolders.has(parseInt(entry.slice(start, dot), 36))) return false;
	if (entry.indexOf('%', dot + 1) < 0) return true;
	try {
		decodeURIComponent(entry.slice(dot + 1));
		return true;
	} catch {
		return false;
	}
}

/** A bucket header: '~' and the key fingerprint characters its entries leave out. */
function validHeader(entry: string): boolean {
	if (entry.length > FINGERPRINT_LENGTH - 1) return false;
	for (let i = 1; i < entry.length; i++) if (!isFingerprintChar(entry.charCodeAt(i))) return false;
	return true;
}

/**
 * One version 3 record entry (see encodeRecords) after a header of `headerLength` characters is well formed,
 * points at a readable folder (or the root) and has an id that decodes.
 */
export function validRecordEntry(
	entry: string,
	headerLength: number,
	usableFolders: ReadonlySet<number>,
	ids: { prefix: string; form?: IdForm },
): boolean {
	const keyLength = FINGERPRINT_LENGTH - headerLength;
	const fixed = keyLength + SHORT_FINGERPRINT_LENGTH * 2;
	if (entry.length <= fixed) return false;
	for (let i = 0; i < keyLength; i++) if (!isFingerprintChar(entry.charCodeAt(i))) return false;
	let idStart: number;
	if (entry[fixed] === LONG_PLACE) {
		if (!STATUS_CODES.has(entry[fixed + 1])) return false;
		const dot = entry.indexOf('.', fixed + 2);
		if (dot < 0) return false;
		for (let i = fixed + 2; i < dot; i++) {
			const code = entry.charCodeAt(i);
			if (!((code >= 48 && code <= 57) || (code >= 97 && code <= 122))) return false;
		}
		if (dot > fixed + 2 && !usableFolders.has(parseInt(entry.slice(fixed + 2, dot), 36)))
			return false;
		idStart = dot + 1;
	} else {
		const place = PLACES.indexOf(entry[fixed]);
		if (place < 0 || (place > 0 && !usableFolders.has(place - 1))) return false;
		idStart = fixed + 1;
	}
	if (ids.form) {
		// A number takes 1 to 9 digits, a base64 rest 1 to its length, a packed rest exactly its length.
		const digits = entry.length - idStart;
		const most = ids.form.kind === 'decimal' ? 9 : ids.form.kind === 'base64' ? ids.form.length : 0;
		if (most > 0 ? digits < 1 || digits > most : digits !== packedLength(ids.form)) return false;
		for (let i = idStart; i < entry.length; i++) if (BASE64URL.indexOf(entry[i]) < 0) return false;
		return true;
	}
	// An id: not empty (unless the prefix is all of it), and an escaped one must unescape.
	if (idStart === entry.length) return ids.prefix !== '';
	if (entry.indexOf('%', idStart) < 0) return true;
	try {
		decodeURIComponent(entry.slice(idStart));
		return true;
	} catch {
		return false;
	}
}

/** One stray file entry (see encodeStrays): two short fingerprints, a readable folder or the root, an id. */
export function validStrayEntry(entry: string, usableFolders: ReadonlySet<number>): boolean {
	const fixed = SHORT_FINGERPRINT_LENGTH * 2;
	if (entry.length <= fixed + 1) return false;
	for (let i = 0; i < fixed; i++) if (!isFingerprintChar(entry.charCodeAt(i))) return false;
	return validFolderAndId(entry, fixed, usableFolders);
}

/** Keeps every valid part of a stored Export to Folder state; lists what it dropped. */
export function validateStoredExportState(
	stored: StoredExportState,
): CheckedState<StoredExportState> {
	const state: StoredExportState = {
		v: EXPORT_STATE_VERSION,
		kind: 'export',
		folders: [],
		stopped: [],
		records: '',
	};
	if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) {
		return {
			state,
			problems: [
				'the saved state is not an object ' +
					`(${Array.isArray(stored) ? 'a list' : typeof stored}), so none of it could be read`,
			],
		};
	}
	const raw = stored as unknown as Loose;
	const problems: string[] = [];
	let rebuild = false;

	for (const [field, label] of [
		['node', 'node name'],
		['rootRef', 'root reference'],
		['root', 'root folder id'],
		['cursor', 'change cursor'],
	] as const) {
		const value = raw[field];
		if (value === undefined) continue;
		if (typeof value === 'string') state[field] = value;
		else {
			problems.push(`its ${label} was not text`);
			if (field === 'root') rebuild = true;
		}
	}

	// Folders keep their positions (records point at them by index): an unreadable one becomes a hole.
	const usableFolders = new Set<number>();
	if (Array.isArray(raw.folders)) {
		let bad = 0;
		raw.folders.forEach((entry, index) => {
			if (validFolder(entry)) {
				usableFolders.add(index);
				state.folders.push(entry);
			} else {
				bad++;
				state.folders.push('');
			}
		});
		if (bad > 0)
			problems.push(`${plural(bad, 'cached folder')} of ${raw.folders.length} could not be read`);
		rebuild ||= bad > 0;
	} else {
		problems.push('its folder list could not be read');
		rebuild = true;
	}

	if (Array.isArray(raw.stopped)) {
		state.stopped = raw.stopped.filter((path): path is string => typeof path === 'string');
		const bad = raw.stopped.length - state.stopped.length;
		if (bad > 0)
			problems.push(
				`${plural(bad, 'stopped folder')} could not be read (exported into again unless deleted again)`,
			);
	} else {
		problems.push(
			'its list of stopped folders could not be read (those folders are exported into again)',
		);
	}

	const ids: { prefix: string; form?: IdForm } = { prefix: '' };
	if (raw.idPrefix !== undefined) {
		if (typeof raw.idPrefix === 'string') ids.prefix = raw.idPrefix;
		else problems.push('its shared start of file ids was not text');
	}
	const form = typeof raw.idForm === 'string' ? parseIdForm(raw.idForm) : undefined;
	if (raw.idForm !== undefined) {
		if (form) ids.form = form;
		else problems.push('its id form was not readable');
	}
	const idsReadable =
		(raw.idPrefix === undefined || typeof raw.idPrefix === 'string') &&
		(raw.idForm === undefined || form !== undefined);
	if (typeof raw.records === 'string' && idsReadable) {
		const entries = raw.records === '' ? [] : raw.records.split('|');
		const kept: string[] = [];
		let records = 0;
		let bad = 0;
		// A damaged header leaves the entries after it unreadable (their keys are incomplete) until the next one.
		let header: number | undefined = 0;
		for (const entry of entries) {
			// A header is short ('~' and 1-2 characters); a longer entry starting with '~' is a record entry whose
			// first character was damaged: dropped alone, not taken for a header that would drop every entry after it.
			if (entry.startsWith(BUCKET) && entry.length < FINGERPRINT_LENGTH) {
				header = validHeader(entry) ? entry.length - 1 : undefined;
				if (header !== undefined) kept.push(entry);
				continue;
			}
			records++;
			if (header !== undefined && validRecordEntry(entry, header, usableFolders, ids))
				kept.push(entry);
			else bad++;
		}
		// All readable (the usual case): the text as it was, no second copy of 100,000 entries.
		state.records = kept.length === entries.length ? raw.records : kept.join('|');
		if (ids.prefix) state.idPrefix = ids.prefix;
		if (typeof raw.idForm === 'string' && form) state.idForm = raw.idForm;
		if (bad > 0) problems.push(`${plural(bad, 'exported record')} of ${records} could not be read`);
		rebuild ||= kept.length < entries.length;
	} else {
		problems.push('its list of exported records could not be read');
		rebuild = true;
	}

	// Stray files (exportState.ts encodeStrays): a cache of a cache, so an unreadable entry is dropped alone and
	// nothing is rebuilt for it (at worst a record is uploaded beside a file a lost run wrote, as before strays).
	if (typeof raw.strays === 'string' && raw.strays !== '') {
		const kept = raw.strays.split('|').filter((entry) => validStrayEntry(entry, usableFolders));
		if (kept.length > 0) state.strays = kept.join('|');
	}

	// What was dropped is rebuilt from a full listing of the destination this run, not from the feed (which only
	// shows changes and would let a dropped record's file be uploaded again).
	if (rebuild && state.cursor !== undefined) delete state.cursor;
	return { state, problems };
}

/**
 * The warning a repaired Export to Folder state puts on the run's output: what was wrong, what the node did, and
 * that nothing needs doing.
 */
export function exportStateWarning(nodeName: string, problems: string[]): string {
	return (
		`Export to Folder "${nodeName}": its saved state was damaged (${problems.join('; ')}). ` +
		'The unreadable parts were dropped and rebuilt from the destination by a ' +
		'full listing: files already there are adopted, not uploaded again. ' +
		"Nothing needs doing; if this repeats, check what edits the workflow's static data."
	);
}
