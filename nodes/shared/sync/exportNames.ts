import { fingerprint } from '../state/fingerprint';

/**
 * Names for Export to Folder's files when two records (or a record and a file the user put there) want the same
 * name in one folder. Pure. The first choice is the record's own name; the others carry a tag derived from the
 * record key only, so the same record always gets the same name whatever arrived first, and a fresh workflow
 * (state lost) finds its files again: `invoice.pdf`, `invoice (INV-2).pdf`, `invoice (INV-2 2).pdf`, ...
 */

/**
 * How many names the planner looks at first, and how many times the runner decides again after a name it found
 * taken. Past these the record takes the next numbered name (`invoice (INV-2 5).pdf`), so it never runs out: each
 * lost state with an edit in between leaves the previous version under one of them (soak seed 4242: four names
 * taken, and the document failed every run).
 */
export const NAME_CHOICES = 4;

/**
 * The furthest numbered name a record takes or is recognised under: only that many files in the way fail the item.
 * Bounded because a record whose name fingerprint matches none of its first names (the source renamed it) is
 * compared with each of them.
 */
export const MAX_NAME_CHOICES = 64;

const ASCII_ONLY = /^[\x00-\x7f]*$/;

/**
 * The cloud's equality for one name: Unicode NFC everywhere (macOS and some clients write NFD), case folded where
 * the cloud compares names without case (OneDrive, Dropbox).
 */
export function nameKey(name: string, caseInsensitive: boolean): string {
	const nfc = ASCII_ONLY.test(name) ? name : name.normalize('NFC');
	return caseInsensitive ? nfc.toLowerCase() : nfc;
}

/** A record key short and plain enough to read in a file name is used as is; any other key as an 8-character hash. */
export function recordNameTag(recordKey: string): string {
	return /^[\p{L}\p{N}_.-]{1,24}$/u.test(recordKey) && !/^\.+$/.test(recordKey)
		? recordKey
		: fingerprint(recordKey).slice(0, 8);
}

function splitExtension(name: string): { base: string; ext: string } {
	const dot = name.lastIndexOf('.');
	const hasExt = dot > 0 && name.length - dot <= 10;
	return hasExt ? { base: name.slice(0, dot), ext: name.slice(dot) } : { base: name, ext: '' };
}

/**
 * The names a record may take, best first. `fit` makes a name valid for the destination (length, characters);
 * the suffix is added before the extension and kept when the base has to be shortened. `from` and `count` pick the
 * names from the `from`th up to (not including) the `count`th: the same names whichever part is asked for.
 */
export function nameChoices(
	name: string,
	recordKey: string,
	fit: (name: string) => string = (n) => n,
	count = NAME_CHOICES,
	from = 0,
): string[] {
	const { base, ext } = splitExtension(name);
	const tag = recordNameTag(recordKey);
	const names = from === 0 ? [name] : [];
	for (let attempt = Math.max(1, from); attempt < count; attempt++) {
		const suffix = attempt === 1 ? ` (${tag})` : ` (${tag} ${attempt})`;
		let candidate = fit(`${base}${suffix}${ext}`);
		// A shortened name that lost its suffix would collide again: shorten the base instead.
		for (
			let keep = base.length - 1;
			!candidate.includes(suffix) && keep > 0;
			keep -= Math.max(1, Math.ceil(keep / 8))
		) {
			candidate = fit(`${base.slice(0, keep)}${suffix}${ext}`);
		}
		names.push(candidate);
	}
	return names;
}
