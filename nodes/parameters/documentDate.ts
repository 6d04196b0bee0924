import { DateTime, Settings } from 'luxon';
import { parseDocumentDate } from '../shared/sync/folderLayout';
import {
	documentZone,
	strictIsoInstantMs,
	wallYearMonth,
	zoneNamed,
} from '../shared/sync/zoneTime';

/** The offset-caching zone lives with the engine's other time arithmetic (Calendar Sync's planner uses it too). */
export { CachedOffsetZone, documentZone } from '../shared/sync/zoneTime';

/**
 * The document date an item holds, in `zone`: exactly parseDocumentDate(value, zone), faster. A strict ISO instant
 * is built from its milliseconds; everything else is parsed by luxon, in the offset-caching zone.
 */
export function readDocumentDate(value: unknown, zone: string): DateTime | undefined {
	if (typeof value === 'string') {
		const ms = strictIsoInstantMs(value);
		if (ms !== undefined) return DateTime.fromMillis(ms, { zone: documentZone(zone) });
	}
	return parseDocumentDate(value, documentZone(zone));
}

/** A document date's year and month in the zone as the date layouts name folders: '2026', '03' and '2026-03'. */
export interface DocumentPeriod {
	readonly year: string;
	readonly month: string;
	readonly yearMonth: string;
}

/**
 * The folder texts of readDocumentDate(value, zone) (toFormat 'yyyy', 'MM', 'yyyy-MM') without a DateTime, for a
 * strict ISO instant in a zone luxon accepts, while luxon writes numbers in plain digits; undefined for anything
 * else, which then goes through readDocumentDate. Building a DateTime and formatting it for every item was the
 * largest share of an idle export's date folders at 100,000 records (issue 17). Same arithmetic as luxon (the
 * zone's offset, then the wall time's fields: zoneTime.ts wallYearMonth); test/unit/documentDate.test.ts compares.
 */
export function readDocumentPeriod(value: unknown, zone: string): DocumentPeriod | undefined {
	if (typeof value !== 'string' || !luxonWritesPlainDigits()) return undefined;
	const ms = strictIsoInstantMs(value);
	if (ms === undefined) return undefined;
	const luxonZone = zoneNamed(zone);
	if (!luxonZone.isValid) return undefined;
	const yearMonth = wallYearMonth(ms, luxonZone);
	if (!(yearMonth >= 0)) return undefined;
	return periodOf(Math.floor(yearMonth / 100), yearMonth % 100);
}

/** One shared, frozen text triple per month seen (records share a few months; no strings made per item). */
const periods = new Map<number, DocumentPeriod>();

function periodOf(year: number, month: number): DocumentPeriod {
	const key = year * 100 + month;
	let period = periods.get(key);
	if (!period) {
		// luxon's padStart for a non-negative number: the decimal digits, zero-padded.
		const yearText = String(year).padStart(4, '0');
		const monthText = String(month).padStart(2, '0');
		period = Object.freeze({
			year: yearText,
			month: monthText,
			yearMonth: `${yearText}-${monthText}`,
		});
		if (periods.size > 10_000) periods.clear();
		periods.set(key, period);
	}
	return period;
}

/** The settings the last check saw, compared one by one (no text built per item), and its answer. */
let digitsChecked:
	| { locale: unknown; numberingSystem: unknown; outputCalendar: unknown; plain: boolean }
	| undefined;

/**
 * Whether luxon formats 'yyyy-MM' as plain zero-padded ASCII digits under the current default locale, numbering
 * system and calendar (it does for English and most locales; an Arabic or Devanagari locale writes other digits).
 * Checked on dates that use every digit, again whenever those settings change.
 */
function luxonWritesPlainDigits(): boolean {
	const locale: unknown = Settings.defaultLocale;
	const numberingSystem: unknown = Settings.defaultNumberingSystem;
	const outputCalendar: unknown = Settings.defaultOutputCalendar;
	if (
		!digitsChecked ||
		digitsChecked.locale !== locale ||
		digitsChecked.numberingSystem !== numberingSystem ||
		digitsChecked.outputCalendar !== outputCalendar
	) {
		const shown = (year: number, month: number) =>
			DateTime.fromObject({ year, month }, { zone: 'UTC' }).toFormat('yyyy-MM');
		digitsChecked = {
			locale,
			numberingSystem,
			outputCalendar,
			plain:
				shown(1234, 5) === '1234-05' &&
				shown(6789, 10) === '6789-10' &&
				shown(980, 1) === '0980-01',
		};
	}
	return digitsChecked.plain;
}
