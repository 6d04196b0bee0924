import {
	DateTime,
	IANAZone,
	Info,
	Zone,
	type ZoneOffsetFormat,
	type ZoneOffsetOptions,
} from 'luxon';
import { parseDocumentDate } from '../shared/sync/folderLayout';

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
function isoInstantMs(text: string): number | undefined {
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
 * The document date an item holds, in `zone`: exactly parseDocumentDate(value, zone), faster. A strict ISO instant
 * is built from its milliseconds; everything else is parsed by luxon, in the offset-caching zone.
 */
export function readDocumentDate(value: unknown, zone: string): DateTime | undefined {
	if (typeof value === 'string') {
		const ms = isoInstantMs(value);
		if (ms !== undefined) return DateTime.fromMillis(ms, { zone: documentZone(zone) });
	}
	return parseDocumentDate(value, documentZone(zone));
}
