import { DateTime, type Zone } from 'luxon';
import { safeRelativePath, sanitizeName } from './names';
import type { NameRules } from '../types/nameRules';

/**
 * Where a record's file goes below the export root. Pure: the node evaluates the expressions and hands the values
 * in; this decides the segments and makes them safe (nothing can leave the root on any provider).
 */

export type FolderLayout =
	'flat' | 'perRecord' | 'yearMonth' | 'companyYear' | 'accountPeriod' | 'custom';

/** The layouts whose folders come from the document date (so the date must be read for every item). */
export function layoutNeedsDate(layout: FolderLayout): boolean {
	return layout === 'yearMonth' || layout === 'companyYear' || layout === 'accountPeriod';
}

export interface LayoutValues {
	recordKey: string;
	/** perRecord: the dossier's folder name (defaults to the record key). */
	recordFolder?: string;
	/** companyYear */
	company?: string;
	/** accountPeriod */
	account?: string;
	/** yearMonth / companyYear / accountPeriod: the document date. */
	date?: DateTime;
	/**
	 * The same date's folder texts when the node read them without a DateTime (exactly `date.toFormat('yyyy')`,
	 * 'MM' and 'yyyy-MM'); used instead of `date` when present.
	 */
	period?: { year: string; month: string; yearMonth: string };
	/** custom: one value per template segment, already evaluated. */
	customSegments?: string[];
}

/** A value the layout needs is missing or unusable; `field` names the parameter to fix. */
export class LayoutError extends Error {
	constructor(
		readonly field: string,
		message: string,
	) {
		super(message);
		this.name = 'LayoutError';
	}
}

function required(value: string | undefined, field: string, label: string): string {
	const text = (value ?? '').trim();
	if (text === '')
		throw new LayoutError(field, `${label} is empty: the folder structure needs it.`);
	return text;
}

function requiredDate(date: DateTime | undefined): DateTime {
	if (!date)
		throw new LayoutError(
			'dateField',
			'The document date is empty: the folder structure needs it (parameter "Document Date").',
		);
	return date;
}

/** Raw folder segments (values, not yet made safe). */
export function layoutSegments(layout: FolderLayout, values: LayoutValues): string[] {
	switch (layout) {
		case 'flat':
			return [];
		case 'perRecord':
			return [values.recordFolder?.trim() || values.recordKey];
		case 'yearMonth':
			return values.period
				? [values.period.year, values.period.month]
				: [requiredDate(values.date).toFormat('yyyy'), requiredDate(values.date).toFormat('MM')];
		case 'companyYear':
			return [
				required(values.company, 'company', 'The company name'),
				values.period?.year ?? requiredDate(values.date).toFormat('yyyy'),
			];
		case 'accountPeriod':
			return [
				required(values.account, 'account', 'The account name'),
				values.period?.yearMonth ?? requiredDate(values.date).toFormat('yyyy-MM'),
			];
		case 'custom':
			return values.customSegments ?? [];
	}
}

/**
 * Each value is one folder whatever it contains: separators inside a value are replaced (a company called
 * "A/B" is one folder), then '.', '..' and empty segments are dropped and names sanitised for the provider.
 */
export function safeFolderPath(values: string[], rules: NameRules): string {
	const oneSegmentEach = values.map((value) => value.replace(/[/\\]/g, '_'));
	return safeRelativePath(oneSegmentEach, rules).join('/');
}

/** The parameter each layout's folder comes from, for errors that name what to fix. */
const LAYOUT_FIELDS: Record<Exclude<FolderLayout, 'flat'>, string> = {
	yearMonth: 'dateField',
	perRecord: 'recordFolderName',
	companyYear: 'companyName',
	accountPeriod: 'accountName',
	custom: 'folderTemplate',
};

export function folderPathFor(
	layout: FolderLayout,
	values: LayoutValues,
	rules: NameRules,
): string {
	const segments = layoutSegments(layout, values);
	const path = safeFolderPath(segments, rules);
	// A folder structure that leaves nothing (empty values, '.', '..') must not silently export into the root.
	if (layout !== 'flat' && path === '') {
		const shown = JSON.stringify(segments.length === 1 ? segments[0] : segments).slice(0, 80);
		throw new LayoutError(
			LAYOUT_FIELDS[layout],
			'The folder structure resolved to no folder at all (it got ' +
				`${shown}): map the parameter to a value that names a folder, ` +
				'or choose the flat structure to export into the root.',
		);
	}
	return path;
}

export function safeFileName(name: string, rules: NameRules): string {
	return sanitizeName(name, rules);
}

/**
 * Splits a custom template on '/' outside `{{ }}`: "={{ $json.company }}/{{ $json.year }}/Invoices" gives three
 * segments, each evaluated on its own so a value can never add a level. A leading '=' (n8n's expression
 * marker) is dropped; returned segments that hold an expression are prefixed with '=' again.
 */
export function splitTemplate(template: string): string[] {
	const isExpression = template.startsWith('=');
	const text = isExpression ? template.slice(1) : template;
	const segments: string[] = [];
	let current = '';
	let depth = 0;
	for (let i = 0; i < text.length; i++) {
		if (text.startsWith('{{', i)) {
			depth++;
			current += '{{';
			i++;
		} else if (text.startsWith('}}', i) && depth > 0) {
			depth--;
			current += '}}';
			i++;
		} else if ((text[i] === '/' || text[i] === '\\') && depth === 0) {
			segments.push(current);
			current = '';
		} else {
			current += text[i];
		}
	}
	segments.push(current);
	return segments
		.map((segment) => segment.trim())
		.filter((segment) => segment !== '')
		.map((segment) => (isExpression && segment.includes('{{') ? `=${segment}` : segment));
}

/**
 * A document date from what an item holds: ISO text, a JS Date, epoch milliseconds, or a luxon DateTime. `zone` is
 * a zone name, or the same zone as a luxon Zone (the node passes one that caches offsets: documentDate.ts).
 */
export function parseDocumentDate(value: unknown, zone: string | Zone): DateTime | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	let date: DateTime;
	if (DateTime.isDateTime(value)) date = value;
	else if (value instanceof Date) date = DateTime.fromJSDate(value, { zone });
	else if (typeof value === 'number') date = DateTime.fromMillis(value, { zone });
	else if (typeof value === 'string') {
		date = DateTime.fromISO(value.trim(), { zone, setZone: false });
		if (!date.isValid) date = DateTime.fromRFC2822(value.trim(), { zone });
		if (!date.isValid) date = DateTime.fromSQL(value.trim(), { zone });
	} else if (typeof (value as { toISO?: unknown }).toISO === 'function') {
		// A DateTime from another copy of luxon (n8n's own, e.g. {{ $now }}): its ISO text is exact.
		date = DateTime.fromISO(String((value as { toISO(): string }).toISO()), { zone });
	} else {
		throw new LayoutError('dateField', `The document date must be a date, got ${typeof value}.`);
	}
	if (!date.isValid)
		throw new LayoutError(
			'dateField',
			`The document date "${String(value).slice(0, 40)}" is not a date (use ISO 8601, e.g. 2026-09-30).`,
		);
	return date.zoneName === (typeof zone === 'string' ? zone : zone.name)
		? date
		: date.setZone(zone);
}
