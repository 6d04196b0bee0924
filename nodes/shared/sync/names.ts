import { createHash } from 'crypto';
import { NAME_REPLACEMENT as REPLACEMENT, type NameRules } from '../types/nameRules';

/**
 * File and folder names that every provider accepts, derived deterministically from what a template produced:
 * the same input gives the same name on every run, so exports land at the same path and are found again.
 * Each storage declares its rules in its own folder (storage/<cloud>/names.ts, through the registry's `names`);
 * this module applies them and knows no storage by name.
 */

/** Used when nothing usable is left of a name. */
const PLACEHOLDER = 'unnamed';
/** Extensions longer than this are treated as part of the name when shortening. */
const MAX_EXTENSION_LENGTH = 16;
/** Hex digits of the original name's SHA-256 appended to shortened names. */
const SHORT_HASH_LENGTH = 8;

/** C0 and C1 controls, and the line and paragraph separators: invisible, or they break a name over lines. */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
/**
 * Bidirectional formatting characters (embeddings, overrides, isolates, marks): "invoice\u202Efdp.exe" shows as
 * "invoiceexe.pdf". Never part of a name a person typed on purpose; in a name we write they become visible.
 */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** Windows device names, also with an extension ("con.txt") and in any case; Windows also treats ¹²³ as digits. */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[1-9¹²³]|lpt[1-9¹²³]) *(\..*)?$/i;

/** The longest name (in the provider's unit) that sanitizeName returns. */
export function maxNameLength(rules: NameRules): number {
	return rules.maxLength;
}

function measure(text: string, unit: NameRules['lengthUnit']): number {
	return unit === 'utf8' ? Buffer.byteLength(text, 'utf8') : text.length;
}

function shortHash(text: string): string {
	return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, SHORT_HASH_LENGTH);
}

/** Characters whose compatibility form is a path separator (fullwidth solidus and the like) are as bad as one. */
function replaceSeparatorLookalikes(name: string): string {
	let out = '';
	for (const char of name) {
		const compatible = char.charCodeAt(0) < 0x80 ? char : char.normalize('NFKC');
		out += compatible !== char && /[/\\]/.test(compatible) ? REPLACEMENT : char;
	}
	return out;
}

/** Cuts `text` to at most `budget` units without splitting a code point. */
function truncate(text: string, budget: number, unit: NameRules['lengthUnit']): string {
	let out = '';
	let used = 0;
	for (const char of text) {
		const size = measure(char, unit);
		if (used + size > budget) break;
		out += char;
		used += size;
	}
	return out;
}

function splitExtension(name: string): { base: string; extension: string } {
	const dot = name.lastIndexOf('.');
	if (dot <= 0 || name.length - dot > MAX_EXTENSION_LENGTH + 1)
		return { base: name, extension: '' };
	return { base: name.slice(0, dot), extension: name.slice(dot) };
}

/**
 * Shortens `name` to `limit` keeping its extension and adding a hash of `original`, so two long names that share
 * a prefix stay distinct. Deterministic.
 */
function shorten(name: string, original: string, limit: number, rules: NameRules): string {
	const { base, extension } = splitExtension(name);
	const suffix = `~${shortHash(original)}`;
	const keptExtension =
		measure(extension, rules.lengthUnit) + suffix.length < limit / 2 ? extension : '';
	const budget = limit - measure(suffix + keptExtension, rules.lengthUnit);
	const source = keptExtension ? base : name;
	// Dots and spaces before the hash would be harmless, but a name that ends in them is not: trim both ways.
	const head = truncate(source, budget, rules.lengthUnit).replace(/[. ]+$/, '');
	return `${head}${suffix}${keptExtension}`;
}

function isOnlyDots(name: string): boolean {
	return /^\.+$/.test(name);
}

/**
 * A name the provider accepts for a file or folder, never a path separator, '.' or '..'. Deterministic per
 * provider; NFC and NFD spellings of the same name give the same result; idempotent.
 */
export function sanitizeName(name: string, rules: NameRules): string {
	const original = name.normalize('NFC');
	let out = replaceSeparatorLookalikes(original)
		.replace(CONTROL_CHARACTERS, REPLACEMENT)
		.replace(BIDI_CONTROLS, REPLACEMENT)
		.replace(rules.illegal, REPLACEMENT);
	if (rules.trimTrailingDotsAndSpaces) out = out.replace(/[. ]+$/, '');
	if (rules.trimLeadingSpaces) out = out.replace(/^ +/, '');

	// Also names that only look like dots ("‥", "．．"): some layer may apply compatibility normalisation later.
	if (out === '' || isOnlyDots(out) || /^[.\s]+$/.test(out.normalize('NFKC'))) {
		// Nothing usable left: a fixed word, plus a hash when there was something to tell apart.
		return original === '' ? PLACEHOLDER : `${PLACEHOLDER}-${shortHash(original)}`;
	}

	if (rules.ownRules) out = rules.ownRules(out);
	if (rules.windowsReserved && WINDOWS_RESERVED.test(out)) out = `${REPLACEMENT}${out}`;

	if (measure(out, rules.lengthUnit) > rules.maxLength)
		out = shorten(out, original, rules.maxLength, rules);
	return out;
}

/** A segment that means "here" or "up" once decoded or compatibility-normalised ('..', '%2e%2e', '．．', '‥', ' . '). */
function isDotSegment(segment: string): boolean {
	let decoded = segment;
	for (let round = 0; round < 3; round++) {
		try {
			const next = decodeURIComponent(decoded);
			if (next === decoded) break;
			decoded = next;
		} catch {
			break;
		}
	}
	// Dots mixed with spaces count too: Windows strips trailing dots and spaces, so ". ." ends up as "".
	return [segment, decoded].some((text) => /^[.\s]+$/.test(text.normalize('NFKC')));
}

/** Shortens the longest segments until the joined path fits the provider's path limit. */
function fitPathLength(segments: string[], originals: string[], rules: NameRules): string[] {
	const limit = rules.maxPathLength;
	if (limit === undefined) return segments;
	const out = [...segments];
	const total = () =>
		out.reduce((sum, s) => sum + measure(s, rules.lengthUnit), 0) + out.length - 1;
	const minimum = SHORT_HASH_LENGTH + 1 + MAX_EXTENSION_LENGTH + 8;
	while (total() > limit) {
		let longest = 0;
		out.forEach((s, i) => {
			if (s.length > out[longest].length) longest = i;
		});
		const excess = total() - limit;
		const target = Math.max(minimum, measure(out[longest], rules.lengthUnit) - excess);
		if (target >= measure(out[longest], rules.lengthUnit)) break; // too many segments to fit: leave to the provider
		out[longest] = shorten(out[longest], originals[longest], target, rules);
	}
	return out;
}

/**
 * Turns template output into relative path segments that cannot leave the root on any provider: values are split
 * on '/' and '\', absolute paths become relative, '.', '..', empty and dot-lookalike segments are dropped, and
 * every remaining segment is sanitised. An empty result means the root itself.
 */
export function safeRelativePath(segments: string[], rules: NameRules): string[] {
	const pieces = segments
		.flatMap((segment) => segment.normalize('NFC').split(/[/\\]/))
		.filter((piece) => piece.trim() !== '' && !isDotSegment(piece));
	const sanitised = pieces.map((piece) => sanitizeName(piece, rules));
	return fitPathLength(sanitised, pieces, rules);
}

/** What a name we read (a file to collect, a folder listed) hides: reasons, and the name with them made visible. */
export interface NameFlags {
	/** 'bidi' for direction overrides and marks, 'control' for control characters and line separators. */
	reasons: Array<'bidi' | 'control'>;
	/** The name with each hidden character written as <U+XXXX>, for output items and messages. */
	visible: string;
}

/**
 * Pure: flags a name read from a source whose displayed form can differ from what it is (a right-to-left override
 * turning "invoice\u202Efdp.exe" into "invoiceexe.pdf" on screen, a newline or an escape sequence in a name).
 * Undefined when the name is plain. Collect New Files can put `visible` and `reasons` on its output item.
 */
export function flagName(name: string): NameFlags | undefined {
	const reasons: NameFlags['reasons'] = [];
	if (new RegExp(BIDI_CONTROLS.source).test(name)) reasons.push('bidi');
	if (new RegExp(CONTROL_CHARACTERS.source).test(name)) reasons.push('control');
	if (reasons.length === 0) return undefined;
	const hidden = new RegExp(`${BIDI_CONTROLS.source}|${CONTROL_CHARACTERS.source}`, 'g');
	const visible = name.replace(
		hidden,
		(char) => `<U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`,
	);
	return { reasons, visible };
}
