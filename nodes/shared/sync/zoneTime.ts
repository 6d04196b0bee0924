import {
	DateTime,
	IANAZone,
	Info,
	Settings,
	Zone,
	type ZoneOffsetFormat,
	type ZoneOffsetOptions,
} from 'luxon';

/**
 * A time zone whose UTC offsets are remembered per quarter hour (issue 17). Luxon asks an IANA zone for its
 * offset through Intl.DateTimeFormat.formatToParts on every date it builds, converts or formats: with 100,000
 * document dates that was a quarter of an idle export. A zone's offset changes only at its transitions, months
 * apart, so the offset at both ends of a quarter hour, when equal, is the offset everywhere inside it; a quarter
 * hour holding a transition is never cached and goes to luxon each time. Everything else is luxon's own zone.
 */
const QUARTER_HOUR_MS = 15 * 60 * 1000;

export class CachedOffsetZone extends Zone {
	private readonly offsets = new Map<number, number>();

	constructor(private readonly zone: IANAZone) {
		super();
	}

	get type(): string {
		return this.zone.type;
	}

	get name(): string {
		return this.zone.name;
	}

	get isUniversal(): boolean {
		return this.zone.isUniversal;
	}

	get isValid(): boolean {
		return this.zone.isValid;
	}

	offsetName(ts: number, options: ZoneOffsetOptions): string | null {
		return this.zone.offsetName(ts, options);
	}

	formatOffset(ts: number, format: ZoneOffsetFormat): string {
		return this.zone.formatOffset(ts, format);
	}

	offset(ts: number): number {
		const quarter = Math.floor(ts / QUARTER_HOUR_MS);
		let known = this.offsets.get(quarter);
		if (known === undefined) {
			const start = this.zone.offset(quarter * QUARTER_HOUR_MS);
			const end = this.zone.offset((quarter + 1) * QUARTER_HOUR_MS - 1);
			// NaN marks a quarter hour with a transition in it (or an invalid instant): always asked afresh.
			known = start === end ? start : Number.NaN;
			if (this.offsets.size > 100_000) this.offsets.clear();
			this.offsets.set(quarter, known);
		}
		return Number.isNaN(known) ? this.zone.offset(ts) : known;
	}

	equals(other: Zone): boolean {
		return this.zone.equals(other);
	}
}

const zones = new Map<string, Zone | string>();

/**
 * The zone to build document dates in: an IANA zone gets the offset cache (one per zone name, kept across runs:
 * offsets never change for a given instant), anything else (UTC, a fixed offset) is passed on by name.
 */
export function documentZone(name: string): Zone | string {
	let zone = zones.get(name);
	if (zone === undefined) {
		// The zone luxon itself makes of the name ("UTC" is its fixed UTC zone, not the IANA one).
		const luxonZone = Info.normalizeZone(name);
		zone =
			luxonZone instanceof IANAZone && luxonZone.isValid ? new CachedOffsetZone(luxonZone) : name;
		if (zones.size > 1000) zones.clear();
		zones.set(name, zone);
	}
	return zone;
}

/** An ISO 8601 instant as n8n items carry them ("2026-03-15T12:00:00Z", "2026-03-15T14:00:00.250+02:00"). */
const ISO_INSTANT =
	/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

function daysIn(year: number, month: number): number {
	return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The epoch milliseconds of a strict ISO instant with its offset, or undefined for anything else (which luxon then
 * parses). Luxon's general ISO parser cost ~14 µs a date; this is the same instant for the common form.
 */
export function isoInstantMs(text: string): number | undefined {
	const m = ISO_INSTANT.exec(text);
	if (!m) return undefined;
	const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number);
	const second = m[6] === undefined ? 0 : Number(m[6]);
	const milli = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'));
	if (
		year < 1 ||
		month < 1 ||
		month > 12 ||
		day < 1 ||
		day > daysIn(year, month) ||
		hour > 23 ||
		minute > 59 ||
		second > 59
	)
		return undefined;
	let offset = 0;
	if (m[8] === undefined) {
		const offsetHours = Number(m[10]);
		const offsetMinutes = Number(m[11]);
		if (offsetHours > 23 || offsetMinutes > 59) return undefined;
		offset = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
	}
	const utc = new Date(0);
	utc.setUTCFullYear(year, month - 1, day);
	utc.setUTCHours(hour, minute, second, milli);
	return utc.getTime() - offset * 60_000;
}

/**
 * Calendar times without luxon's per-date objects (issue 17). An idle Calendar Sync at 100,000 activities spent
 * 42% of its CPU in luxon's DateTime.fromISO (a due date joined to its time, the update time, and every rendered
 * event's start and end read back for its content hash), each building a DateTime through fromObject and asking the
 * zone's offset. These functions do the same arithmetic luxon does (its fixOffset and objToLocalTS, copied below
 * from luxon 3.7) on plain numbers, with the zone that remembers its offsets per quarter hour; anything outside
 * the common forms (odd years, fractional LMT offsets, non-strict text) is handed to luxon itself, so results are
 * luxon's in every case (property tests: test/unit/calendarZoneTime.test.ts).
 */

const luxonZones = new Map<string, Zone>();

/** The luxon zone a name means ("UTC" is luxon's fixed UTC zone), an IANA zone with the offset cache. */
export function zoneNamed(name: string): Zone {
	// "default" follows luxon's Settings.defaultZone, which may change: never remembered.
	if (name.toLowerCase() === 'default') return Info.normalizeZone(name);
	let zone = luxonZones.get(name);
	if (zone === undefined) {
		const cached = documentZone(name);
		zone = typeof cached === 'string' ? Info.normalizeZone(cached) : cached;
		if (luxonZones.size > 1000) luxonZones.clear();
		luxonZones.set(name, zone);
	}
	return zone;
}

/** Whether luxon accepts the name as a zone (DateTime.now().setZone(name).isValid), remembered per name. */
export function isValidZoneName(name: string): boolean {
	return Boolean(name) && zoneNamed(name).isValid;
}

function isLeapYear(year: number): boolean {
	return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysInMonth(year: number, month: number): number {
	return month === 2
		? isLeapYear(year)
			? 29
			: 28
		: [31, 0, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/** luxon's objToLocalTS: a wall time read as if it were UTC (years 0-99 are not 19xx). */
function localTs(
	year: number,
	month: number,
	day: number,
	hour: number,
	minute: number,
	second: number,
	milli: number,
): number {
	let d = Date.UTC(year, month - 1, day, hour, minute, second, milli);
	if (year < 100 && year >= 0) {
		const date = new Date(d);
		date.setUTCFullYear(year, month - 1, day);
		d = +date;
	}
	return d;
}

/** luxon's fixOffset: the instant of a wall time in `zone`, `guess` deciding ambiguous (fall-back) times. */
function fixOffset(local: number, guess: number, zone: Zone): [number, number] {
	let utcGuess = local - guess * 60_000;
	const o2 = zone.offset(utcGuess);
	if (guess === o2) return [utcGuess, guess];
	utcGuess -= (o2 - guess) * 60_000;
	const o3 = zone.offset(utcGuess);
	if (o2 === o3) return [utcGuess, o2];
	return [local - Math.min(o2, o3) * 60_000, Math.max(o2, o3)];
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function validDate(year: number, month: number, day: number): boolean {
	return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/**
 * DateTime.fromISO(date, { zone }).set({ hour, minute, second }).toMillis(): a due date joined to its time of day
 * (hours and minutes past their range roll over, as luxon's set does). Undefined when the date is not a date.
 */
export function dateAtTimeMs(
	date: string,
	hour: number,
	minute: number,
	second: number,
	zoneName: string,
): number | undefined {
	const m = DATE.exec(date);
	const zone = zoneNamed(zoneName);
	if (!m || !zone.isValid) return undefined;
	const [year, month, day] = [+m[1], +m[2], +m[3]];
	if (!validDate(year, month, day)) return undefined;
	// fromISO builds midnight with the offset of now as its guess ...
	const [midnight, midnightOffset] = fixOffset(
		localTs(year, month, day, 0, 0, 0, 0),
		zone.offset(Settings.now()),
		zone,
	);
	// ... and set() keeps the calendar day midnight landed on (a day a zone skipped lands on the next one), with
	// midnight's offset as its guess.
	const c = new Date(midnight + midnightOffset * 60_000);
	const local = localTs(
		c.getUTCFullYear(),
		c.getUTCMonth() + 1,
		c.getUTCDate(),
		hour,
		minute,
		second,
		c.getUTCMilliseconds(),
	);
	return fixOffset(local, midnightOffset, zone)[0];
}

/** Whether DateTime.fromISO(date) is valid, for a YYYY-MM-DD text. */
export function isValidIsoDate(date: string): boolean {
	const m = DATE.exec(date);
	return Boolean(m) && validDate(+m![1], +m![2], +m![3]);
}

const LOCAL_ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;

/** DateTime.fromISO(text, { setZone: true }).toMillis() for a date-time with an offset; NaN when invalid. */
export function offsetIsoMs(text: string): number {
	const instant = isoInstantMs(text);
	if (instant !== undefined) return instant;
	const parsed = DateTime.fromISO(text, { setZone: true });
	return parsed.isValid ? parsed.toMillis() : Number.NaN;
}

/**
 * DateTime.fromISO(text, { zone }).toMillis() for a date-time without an offset (a wall time in the zone); NaN
 * when invalid. The strict form (YYYY-MM-DDTHH:mm[:ss[.SSS]]) is computed, anything else parsed by luxon.
 */
export function localIsoMs(text: string, zoneName: string): number {
	const m = LOCAL_ISO.exec(text);
	const zone = zoneNamed(zoneName);
	if (m && zone.isValid) {
		const [year, month, day, hour, minute] = [+m[1], +m[2], +m[3], +m[4], +m[5]];
		const second = m[6] === undefined ? 0 : +m[6];
		const milli = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'));
		if (validDate(year, month, day) && hour <= 23 && minute <= 59 && second <= 59)
			return fixOffset(
				localTs(year, month, day, hour, minute, second, milli),
				zone.offset(Settings.now()),
				zone,
			)[0];
	}
	const parsed = DateTime.fromISO(text, { zone: zone.isValid ? zone : zoneName });
	return parsed.isValid ? parsed.toMillis() : Number.NaN;
}

/** DateTime.fromISO(date, { zone }).toMillis() for a YYYY-MM-DD text: the day's first instant; NaN when invalid. */
export function dateStartMs(date: string, zoneName: string): number {
	const m = DATE.exec(date);
	const zone = zoneNamed(zoneName);
	if (m && zone.isValid && validDate(+m[1], +m[2], +m[3]))
		return fixOffset(
			localTs(+m[1], +m[2], +m[3], 0, 0, 0, 0),
			zone.offset(Settings.now()),
			zone,
		)[0];
	const parsed = DateTime.fromISO(date, { zone: zone.isValid ? zone : zoneName });
	return parsed.isValid ? parsed.toMillis() : Number.NaN;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true }): an instant as the zone's wall time
 * with its offset ("Z" in luxon's UTC zone). Luxon formats what is not a plain 4-digit year or whole-minute offset.
 */
export function isoInZone(ms: number, zoneName: string): string | null {
	const zone = zoneNamed(zoneName);
	if (zone.isValid && Number.isFinite(ms)) {
		const offset = zone.offset(ms);
		const local = new Date(ms + offset * 60_000);
		const year = local.getUTCFullYear();
		if (Number.isInteger(offset) && year >= 1000 && year <= 9999) {
			const milli = local.getUTCMilliseconds();
			let text =
				`${year}-${pad2(local.getUTCMonth() + 1)}-${pad2(local.getUTCDate())}` +
				`T${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())}:${pad2(local.getUTCSeconds())}`;
			if (milli !== 0) text += `.${String(milli).padStart(3, '0')}`;
			if (zone.isUniversal && offset === 0) return `${text}Z`;
			const abs = Math.abs(offset);
			return `${text}${offset < 0 ? '-' : '+'}${pad2(Math.trunc(abs / 60))}:${pad2(abs % 60)}`;
		}
	}
	return DateTime.fromMillis(ms, { zone: zone.isValid ? zone : zoneName }).toISO({
		suppressMilliseconds: true,
	});
}

/** DateTime.fromISO(date).plus({ days }).toISODate() for a YYYY-MM-DD text (luxon beyond years 1000-9998). */
export function isoDatePlusDays(date: string, days: number): string | null {
	const m = DATE.exec(date);
	// Luxon adds days to local midnight in its default zone; computed here only where that zone has no gaps.
	if (m && Number.isInteger(days) && Settings.defaultZone.isUniversal) {
		const [year, month, day] = [+m[1], +m[2], +m[3]];
		if (validDate(year, month, day) && year >= 1000) {
			const next = new Date(Date.UTC(year, month - 1, day + days));
			const nextYear = next.getUTCFullYear();
			if (nextYear >= 1000 && nextYear <= 9999)
				return `${nextYear}-${pad2(next.getUTCMonth() + 1)}-${pad2(next.getUTCDate())}`;
		}
	}
	return DateTime.fromISO(date).plus({ days }).toISODate();
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil; any year). */
function daysFromCivil(year: number, month: number, day: number): number {
	const y = month <= 2 ? year - 1 : year;
	const era = Math.floor(y / 400);
	const yearOfEra = y - era * 400;
	const dayOfYear = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
	const dayOfEra =
		yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
	return era * 146097 + dayOfEra - 719468;
}

const DAY_MS = 86_400_000;

/**
 * The year and month (year * 100 + month) of DateTime.fromMillis(ms, { zone }), as luxon's tsToObj computes them
 * (the instant moved by the zone's offset, then read as a UTC date), without a Date: for reading a year and month per
 * item (Export's date folders, documentDate.ts). NaN where that Date would be invalid. The zone must be valid.
 */
export function wallYearMonth(ms: number, zone: Zone): number {
	// new Date(x) keeps the integer part of x (toward zero) and is invalid beyond 8.64e15 ms.
	const local = Math.trunc(ms + zone.offset(ms) * 60 * 1000);
	if (!(Math.abs(local) <= 8.64e15)) return Number.NaN;
	// Hinnant's civil_from_days.
	const z = Math.floor(local / DAY_MS) + 719468;
	const era = Math.floor(z / 146097);
	const dayOfEra = z - era * 146097;
	const yearOfEra = Math.floor(
		(dayOfEra -
			Math.floor(dayOfEra / 1460) +
			Math.floor(dayOfEra / 36524) -
			Math.floor(dayOfEra / 146096)) /
			365,
	);
	const dayOfYear =
		dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
	const shifted = Math.floor((5 * dayOfYear + 2) / 153);
	const month = shifted < 10 ? shifted + 3 : shifted - 9;
	const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
	return year * 100 + month;
}

const CODE_0 = 48;

/** The number of `count` ASCII digits at `at`, or -1 when any of them is not a digit. */
function digitsAt(text: string, at: number, count: number): number {
	let value = 0;
	for (let i = at; i < at + count; i++) {
		const digit = text.charCodeAt(i) - CODE_0;
		if (digit < 0 || digit > 9) return -1;
		value = value * 10 + digit;
	}
	return value;
}

/**
 * isoInstantMs(text) for every text, read character by character: no match array, substrings or Date objects
 * (Export reads one per item: the regular expression's garbage was 4% of what an idle export at 100,000 records
 * allocated). The strict form only: YYYY-MM-DDTHH:mm[:ss[.S{1,3}]] then Z or +HH:mm / -HH:mm; undefined otherwise.
 */
export function strictIsoInstantMs(text: string): number | undefined {
	const length = text.length;
	if (length < 17 || length > 29) return undefined;
	if (text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':') return undefined;
	const year = digitsAt(text, 0, 4);
	const month = digitsAt(text, 5, 2);
	const day = digitsAt(text, 8, 2);
	const hour = digitsAt(text, 11, 2);
	const minute = digitsAt(text, 14, 2);
	if (year < 1 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) return undefined;
	if (minute < 0 || minute > 59 || day > daysInMonth(year, month)) return undefined;
	let at = 16;
	let second = 0;
	let milli = 0;
	if (text[at] === ':') {
		second = digitsAt(text, at + 1, 2);
		if (second < 0 || second > 59) return undefined;
		at += 3;
		if (text[at] === '.') {
			let digits = 0;
			at++;
			// One to three digits, read as milliseconds ('5' is 500).
			for (let scale = 100; digits < 3; digits++, at++, scale /= 10) {
				const digit = text.charCodeAt(at) - CODE_0;
				if (!(digit >= 0 && digit <= 9)) break;
				milli += digit * scale;
			}
			if (digits === 0) return undefined;
		}
	}
	let offset = 0;
	if (text[at] === 'Z') {
		at++;
	} else if (text[at] === '+' || text[at] === '-') {
		if (text[at + 3] !== ':') return undefined;
		const offsetHours = digitsAt(text, at + 1, 2);
		const offsetMinutes = digitsAt(text, at + 4, 2);
		if (offsetHours < 0 || offsetHours > 23 || offsetMinutes < 0 || offsetMinutes > 59)
			return undefined;
		offset = (text[at] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
		at += 6;
	} else return undefined;
	if (at !== length) return undefined;
	return (
		daysFromCivil(year, month, day) * DAY_MS +
		((hour * 60 + minute) * 60 + second) * 1000 +
		milli -
		offset * 60_000
	);
}
