import { DateTime } from 'luxon';

/**
 * The RRULE subset the fake expands: FREQ=DAILY|WEEKLY|MONTHLY|YEARLY with COUNT, UNTIL, INTERVAL and BYDAY
 * (MONTHLY BYDAY may carry an ordinal: 2TU, -1FR), plus EXDATE lines. Unbounded rules stop at a horizon and a
 * cap, as Google's own expansion does (its exact horizon is unverified, see api-brief.md section 8).
 */

export interface EventTimeJson {
	date?: string;
	dateTime?: string;
	timeZone?: string;
}

const WEEKDAYS: Record<string, number> = { MO: 1, TU: 2, WE: 3, TH: 4, FR: 5, SA: 6, SU: 7 };

export interface ParsedRule {
	freq: 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';
	interval: number;
	count?: number;
	until?: DateTime;
	byDay: Array<{ ordinal?: number; weekday: number }>;
}

export function isValidZone(zone: string): boolean {
	return DateTime.now().setZone(zone).isValid;
}

/** The instant or date of an event time; all-day dates start at midnight in `zone`. */
export function toDateTime(time: EventTimeJson, zone: string): DateTime {
	if (time.date) return DateTime.fromISO(time.date, { zone });
	const tz = time.timeZone && isValidZone(time.timeZone) ? time.timeZone : zone;
	const parsed = DateTime.fromISO(time.dateTime ?? '', { setZone: true });
	if (hasOffset(time.dateTime ?? '')) return parsed.setZone(tz);
	return DateTime.fromISO(time.dateTime ?? '', { zone: tz });
}

export function hasOffset(dateTime: string): boolean {
	return /(Z|[+-]\d{2}:?\d{2})$/i.test(dateTime.trim());
}

export function parseRule(line: string): ParsedRule | string {
	const body = line.replace(/^RRULE:/i, '');
	const parts = new Map<string, string>();
	for (const part of body.split(';')) {
		const [key, value] = part.split('=');
		if (!key || value === undefined) return `bad RRULE part ${part}`;
		parts.set(key.toUpperCase(), value.toUpperCase());
	}
	const freq = parts.get('FREQ');
	if (freq !== 'DAILY' && freq !== 'WEEKLY' && freq !== 'MONTHLY' && freq !== 'YEARLY')
		return `unsupported FREQ ${freq}`;
	const interval = parts.has('INTERVAL') ? Number(parts.get('INTERVAL')) : 1;
	if (!Number.isInteger(interval) || interval < 1) return 'bad INTERVAL';
	const count = parts.has('COUNT') ? Number(parts.get('COUNT')) : undefined;
	if (count !== undefined && (!Number.isInteger(count) || count < 1)) return 'bad COUNT';
	let until: DateTime | undefined;
	if (parts.has('UNTIL')) {
		until = parseIcalTime(parts.get('UNTIL')!, 'UTC');
		if (!until?.isValid) return 'bad UNTIL';
	}
	const byDay: ParsedRule['byDay'] = [];
	for (const token of (parts.get('BYDAY') ?? '').split(',').filter(Boolean)) {
		const match = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(token);
		if (!match) return `bad BYDAY ${token}`;
		byDay.push({ ordinal: match[1] ? Number(match[1]) : undefined, weekday: WEEKDAYS[match[2]] });
	}
	return { freq, interval, count, until, byDay };
}

/** 20240110T090000Z, 20240110T090000 (in `zone`) or 20240110 (a date). */
function parseIcalTime(value: string, zone: string): DateTime | undefined {
	const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(value.trim());
	if (!match) return undefined;
	const [, y, mo, d, h, mi, s, z] = match;
	return DateTime.fromObject(
		{ year: +y, month: +mo, day: +d, hour: h ? +h : 0, minute: mi ? +mi : 0, second: s ? +s : 0 },
		{ zone: z ? 'UTC' : zone },
	);
}

/** Keys of excluded occurrences: epoch millis for timed series, ISO dates for all-day ones. */
function exdates(lines: string[], zone: string, allDay: boolean): Set<string> {
	const keys = new Set<string>();
	for (const line of lines) {
		const match = /^EXDATE((?:;[^:]*)?):(.*)$/i.exec(line.trim());
		if (!match) continue;
		const tzid = /TZID=([^;:]+)/i.exec(match[1])?.[1];
		for (const value of match[2].split(',')) {
			const time = parseIcalTime(value, tzid ?? zone);
			if (!time?.isValid) continue;
			keys.add(allDay ? time.toISODate()! : String(time.toMillis()));
		}
	}
	return keys;
}

export interface ExpandOptions {
	/** Stop generating after this instant (the query's timeMax, or a horizon for unbounded rules). */
	horizon: DateTime;
	/** Hard cap on generated occurrences. */
	maxOccurrences: number;
}

/** Original start times of a series, in the series' zone, EXDATEs removed (COUNT counts them, per RFC 5545). */
export function expandSeries(
	start: DateTime,
	allDay: boolean,
	recurrence: string[],
	options: ExpandOptions,
): DateTime[] {
	const ruleLine = recurrence.find((line) => /^RRULE:/i.test(line));
	if (!ruleLine) return [start];
	const rule = parseRule(ruleLine);
	if (typeof rule === 'string') return [start];
	const excluded = exdates(recurrence, start.zoneName ?? 'UTC', allDay);
	const result: DateTime[] = [];
	let produced = 0;
	const time = { hour: start.hour, minute: start.minute, second: start.second, millisecond: 0 };
	for (let period = 0; period < 100_000; period++) {
		const candidates = periodCandidates(rule, start, period, time).sort(
			(a, b) => a.toMillis() - b.toMillis(),
		);
		if (candidates.length === 0 && period > 0 && rule.freq !== 'MONTHLY' && rule.freq !== 'YEARLY')
			break;
		let pastHorizon = false;
		for (const candidate of candidates) {
			if (candidate < start) continue;
			if (rule.until && candidate > rule.until) return result;
			if (candidate > options.horizon) {
				pastHorizon = true;
				break;
			}
			produced++;
			const key = allDay ? candidate.toISODate()! : String(candidate.toMillis());
			if (!excluded.has(key)) result.push(candidate);
			if (
				(rule.count !== undefined && produced >= rule.count) ||
				result.length >= options.maxOccurrences
			)
				return result;
		}
		if (pastHorizon) return result;
		// Months and years may have no candidate (31st, 5th Friday); keep going until the horizon says stop.
		if (candidates.length === 0 && startOfPeriod(rule, start, period) > options.horizon)
			return result;
	}
	return result;
}

function startOfPeriod(rule: ParsedRule, start: DateTime, period: number): DateTime {
	const step = period * rule.interval;
	if (rule.freq === 'MONTHLY') return start.startOf('month').plus({ months: step });
	if (rule.freq === 'YEARLY') return start.startOf('year').plus({ years: step });
	if (rule.freq === 'WEEKLY') return start.startOf('week').plus({ weeks: step });
	return start.plus({ days: step });
}

function periodCandidates(
	rule: ParsedRule,
	start: DateTime,
	period: number,
	time: { hour: number; minute: number; second: number; millisecond: number },
): DateTime[] {
	const step = period * rule.interval;
	switch (rule.freq) {
		case 'DAILY':
			return [start.plus({ days: step })];
		case 'YEARLY': {
			const candidate = start.plus({ years: step });
			return candidate.day === start.day ? [candidate] : [];
		}
		case 'WEEKLY': {
			const weekStart = start.startOf('week').plus({ weeks: step });
			const days = rule.byDay.length ? rule.byDay.map((d) => d.weekday) : [start.weekday];
			return days.map((weekday) => weekStart.plus({ days: weekday - 1 }).set(time));
		}
		case 'MONTHLY': {
			const monthStart = start.startOf('month').plus({ months: step });
			if (rule.byDay.length === 0) {
				return start.day <= (monthStart.daysInMonth ?? 28)
					? [monthStart.set({ day: start.day, ...time })]
					: [];
			}
			const result: DateTime[] = [];
			for (const { ordinal, weekday } of rule.byDay) {
				const matching: DateTime[] = [];
				for (let day = 1; day <= (monthStart.daysInMonth ?? 28); day++) {
					const candidate = monthStart.set({ day, ...time });
					if (candidate.weekday === weekday) matching.push(candidate);
				}
				if (ordinal === undefined) result.push(...matching);
				else {
					const picked = ordinal > 0 ? matching[ordinal - 1] : matching[matching.length + ordinal];
					if (picked) result.push(picked);
				}
			}
			return result;
		}
	}
}

/** The suffix of an instance id: 20240110T090000Z for timed series, 20240110 for all-day ones. */
export function instanceSuffix(originalStart: DateTime, allDay: boolean): string {
	return allDay
		? originalStart.toFormat('yyyyMMdd')
		: originalStart.toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'");
}
