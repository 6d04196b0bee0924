/**
 * Frozen reference: nodes/CalendarSync/activityMapping.ts and calendarContent.ts's time functions as they were
 * before issue 17's cut (d7c318b), every date through luxon's DateTime. test/unit/calendarZoneTime.test.ts
 * compares the node's faster reading with this one. Do not change it to follow the node: it is the oracle.
 */
import { DateTime } from 'luxon';
import type { Activity, ActivityFromEvent, When } from '../../../nodes/shared/types/activity';

/**
 * Reading activities from n8n items and writing activity changes back, by configurable field names. The
 * defaults fit Pipedrive's activity (due_date + due_time + duration in UTC, note, person_name, org_name, ...).
 * Pure: no n8n types, so it is tested with plain objects.
 */
export interface FieldMapping {
	id: string;
	type: string;
	subject: string;
	/** A date (YYYY-MM-DD), a date-time, or epoch milliseconds. */
	start: string;
	/** Optional time of day (HH:MM) joined to a date in `start`; no time means all day. */
	startTime: string;
	/** Optional end (same forms as start); takes precedence over duration. */
	end: string;
	/** HH:MM(:SS) or minutes. */
	duration: string;
	allDay: string;
	done: string;
	private: string;
	contacts: string;
	organization: string;
	deal: string;
	updatedAt: string;
	description: string;
	deleted: string;
	eventId: string;
	attendees: string;
}

export const PIPEDRIVE_MAPPING: FieldMapping = {
	id: 'id',
	type: 'type',
	subject: 'subject',
	start: 'due_date',
	startTime: 'due_time',
	end: '',
	duration: 'duration',
	allDay: '',
	done: 'done',
	private: 'private',
	contacts: 'person_name',
	organization: 'org_name',
	deal: 'deal_title',
	updatedAt: 'update_time',
	description: 'note',
	deleted: 'is_deleted',
	eventId: '',
	attendees: 'attendees',
};

/** A bad value in an input item: names the field so the message can say what to fix. */
export class ActivityFieldError extends Error {
	constructor(
		readonly field: string,
		readonly role: string,
		message: string,
	) {
		super(message);
		this.name = 'ActivityFieldError';
	}
}

export interface ReadOptions {
	timeZone: string;
	defaultDurationMinutes: number;
}

export function isValidTimeZone(zone: string): boolean {
	return Boolean(zone) && DateTime.now().setZone(zone).isValid;
}

export function readActivity(
	json: Record<string, unknown>,
	mapping: FieldMapping,
	options: ReadOptions,
	itemIndex: number,
): Activity {
	const zone = options.timeZone;
	if (!isValidTimeZone(zone)) {
		throw new ActivityFieldError(
			'timeZone',
			'time zone',
			`Unknown time zone "${zone}": use an IANA name such as Europe/Berlin or UTC`,
		);
	}
	const id = text(get(json, mapping.id));
	if (!id)
		throw new ActivityFieldError(
			mapping.id,
			'id',
			`The activity has no id (field "${mapping.id}")`,
		);
	const deleted = truthy(get(json, mapping.deleted));
	const when = readWhen(json, mapping, options, deleted);
	return {
		id,
		type: text(get(json, mapping.type)),
		subject: text(get(json, mapping.subject)),
		when,
		timeZone: zone,
		done: truthy(get(json, mapping.done)),
		private: truthy(get(json, mapping.private)),
		note: text(get(json, mapping.description)),
		contacts: names(get(json, mapping.contacts)),
		organization: names(get(json, mapping.organization)).join(', '),
		deal: names(get(json, mapping.deal)).join(', '),
		attendees: emails(get(json, mapping.attendees)),
		updatedAt: readInstant(get(json, mapping.updatedAt), zone),
		deleted,
		eventId: text(get(json, mapping.eventId)) || undefined,
		itemIndex,
	};
}

function readWhen(
	json: Record<string, unknown>,
	mapping: FieldMapping,
	options: ReadOptions,
	deleted: boolean,
): When {
	const zone = options.timeZone;
	const rawStart = get(json, mapping.start);
	if (isEmpty(rawStart)) {
		// A deletion needs no time; give it a harmless one so the rest of the pipeline stays total.
		if (deleted) return { allDay: true, startDate: '1970-01-01', endDate: '1970-01-02' };
		throw new ActivityFieldError(
			mapping.start,
			'start',
			`The activity has no start (field "${mapping.start}" is empty)`,
		);
	}
	const timeOfDay = text(get(json, mapping.startTime));
	const start = parsePoint(rawStart, timeOfDay, zone);
	if (!start)
		throw new ActivityFieldError(
			mapping.start,
			'start',
			`The start "${String(rawStart)}" (field "${mapping.start}") is not a date or date-time`,
		);
	const allDay = mapping.allDay ? truthy(get(json, mapping.allDay)) || start.allDay : start.allDay;

	if (allDay) {
		const startDate = start.allDay
			? start.date
			: DateTime.fromMillis(start.ms, { zone }).toISODate()!;
		let endDate = DateTime.fromISO(startDate).plus({ days: 1 }).toISODate()!;
		const rawEnd = mapping.end ? get(json, mapping.end) : undefined;
		if (!isEmpty(rawEnd)) {
			const end = parsePoint(rawEnd, '', zone);
			if (!end)
				throw new ActivityFieldError(
					mapping.end,
					'end',
					`The end "${String(rawEnd)}" (field "${mapping.end}") is not a date or date-time`,
				);
			// A source's all-day end date is the last day (inclusive); calendars store the day after.
			const lastDay = end.allDay ? end.date : DateTime.fromMillis(end.ms, { zone }).toISODate()!;
			endDate = DateTime.fromISO(lastDay).plus({ days: 1 }).toISODate()!;
			if (endDate <= startDate) {
				throw new ActivityFieldError(
					mapping.end,
					'end',
					`The end ${lastDay} (field "${mapping.end}") is before the start ${startDate}`,
				);
			}
		}
		const rawDays = mapping.duration ? get(json, mapping.duration) : undefined;
		const minutes = isEmpty(rawEnd) && !isEmpty(rawDays) ? parseDuration(rawDays) : undefined;
		// Several days given as a duration ("48:00"), as sources without an end field store them.
		if (minutes !== undefined && minutes > 24 * 60) {
			endDate = DateTime.fromISO(startDate)
				.plus({ days: Math.ceil(minutes / (24 * 60)) })
				.toISODate()!;
		}
		return { allDay: true, startDate, endDate };
	}

	const startMs = start.allDay ? DateTime.fromISO(start.date, { zone }).toMillis() : start.ms;
	let endMs = startMs + options.defaultDurationMinutes * 60_000;
	const rawEnd = mapping.end ? get(json, mapping.end) : undefined;
	const rawDuration = mapping.duration ? get(json, mapping.duration) : undefined;
	if (!isEmpty(rawEnd)) {
		const end = parsePoint(rawEnd, '', zone);
		if (!end)
			throw new ActivityFieldError(
				mapping.end,
				'end',
				`The end "${String(rawEnd)}" (field "${mapping.end}") is not a date or date-time`,
			);
		endMs = end.allDay ? DateTime.fromISO(end.date, { zone }).toMillis() : end.ms;
	} else if (!isEmpty(rawDuration)) {
		const minutes = parseDuration(rawDuration);
		if (minutes === undefined) {
			throw new ActivityFieldError(
				mapping.duration,
				'duration',
				`The duration "${String(rawDuration)}" (field "${mapping.duration}") is not HH:MM or minutes`,
			);
		}
		endMs = startMs + minutes * 60_000;
	}
	if (endMs < startMs) {
		const iso = (ms: number) =>
			DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true });
		throw new ActivityFieldError(
			mapping.end || mapping.duration,
			'end',
			`The end ${iso(endMs)} is before the start ${iso(startMs)}`,
		);
	}
	return { allDay: false, startMs, endMs };
}

type Point = { allDay: true; date: string } | { allDay: false; ms: number };

function parsePoint(raw: unknown, timeOfDay: string, zone: string): Point | undefined {
	if (typeof raw === 'number' && Number.isFinite(raw)) return { allDay: false, ms: raw };
	if (raw instanceof Date)
		return Number.isNaN(raw.getTime()) ? undefined : { allDay: false, ms: raw.getTime() };
	const value = text(raw);
	if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
		if (!DateTime.fromISO(value).isValid) return undefined;
		if (!timeOfDay) return { allDay: true, date: value };
		const time = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(timeOfDay);
		if (!time) return undefined;
		const combined = DateTime.fromISO(value, { zone }).set({
			hour: +time[1],
			minute: +time[2],
			second: time[3] ? +time[3] : 0,
		});
		return combined.isValid ? { allDay: false, ms: combined.toMillis() } : undefined;
	}
	const normalized = value.replace(' ', 'T');
	const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/i.test(normalized);
	const parsed = hasOffset
		? DateTime.fromISO(normalized, { setZone: true })
		: DateTime.fromISO(normalized, { zone });
	return parsed.isValid ? { allDay: false, ms: parsed.toMillis() } : undefined;
}

function readInstant(raw: unknown, zone: string): number | undefined {
	if (isEmpty(raw)) return undefined;
	const point = parsePoint(raw, '', zone);
	if (!point) return undefined;
	return point.allDay ? DateTime.fromISO(point.date, { zone }).toMillis() : point.ms;
}

function parseDuration(raw: unknown): number | undefined {
	if (typeof raw === 'number' && Number.isFinite(raw) && raw >= 0) return raw;
	const match = /^(\d{1,3}):(\d{2})(?::(\d{2}))?$/.exec(text(raw));
	if (match) return +match[1] * 60 + +match[2] + (match[3] ? +match[3] / 60 : 0);
	if (/^\d+$/.test(text(raw))) return Number(text(raw));
	return undefined;
}

/** Dot paths ("person.name") into the item. An empty field name reads nothing. */
function get(json: Record<string, unknown>, path: string): unknown {
	if (!path) return undefined;
	if (path in json) return json[path];
	let current: unknown = json;
	for (const part of path.split('.')) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[part];
	}
	return current;
}

function isEmpty(value: unknown): boolean {
	return (
		value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
	);
}

function text(value: unknown): string {
	if (value === undefined || value === null) return '';
	if (typeof value === 'object') return '';
	return String(value).trim();
}

function truthy(value: unknown): boolean {
	if (typeof value === 'string')
		return ['1', 'true', 'yes', 'y', 'on'].includes(value.trim().toLowerCase());
	return value === true || value === 1;
}

function names(value: unknown): string[] {
	if (isEmpty(value)) return [];
	if (Array.isArray(value)) return value.flatMap((entry) => names(entry));
	if (typeof value === 'object') {
		const record = value as Record<string, unknown>;
		return names(record.name ?? record.title ?? record.value);
	}
	return [text(value)].filter(Boolean);
}

function emails(value: unknown): string[] {
	if (isEmpty(value)) return [];
	if (Array.isArray(value)) return value.flatMap((entry) => emails(entry));
	if (typeof value === 'object') {
		const record = value as Record<string, unknown>;
		return emails(record.email ?? record.email_address);
	}
	return text(value)
		.split(/[,;\s]+/)
		.filter((address) => /^[^@\s]+@[^@\s]+$/.test(address));
}

/** Activity fields from an event, under the source's own field names (the output of two-way changes). */
export function writeActivityFields(
	fields: ActivityFromEvent,
	mapping: FieldMapping,
	zone: string,
): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	const put = (name: string, value: unknown) => {
		if (name) out[name] = value;
	};
	if (fields.type !== undefined) put(mapping.type, fields.type);
	if (fields.subject !== undefined) put(mapping.subject, fields.subject);
	if (fields.note !== undefined) put(mapping.description, fields.note);
	put(mapping.private, fields.private);
	const when = fields.when;
	if (when.allDay) {
		put(mapping.start, when.startDate);
		put(mapping.startTime, '');
		const lastDay = DateTime.fromISO(when.endDate).minus({ days: 1 }).toISODate()!;
		put(mapping.end, lastDay);
		const days = DateTime.fromISO(when.endDate).diff(DateTime.fromISO(when.startDate), 'days').days;
		put(mapping.duration, days > 1 && !mapping.end ? `${days * 24}:00` : '');
		put(mapping.allDay, true);
	} else {
		const start = DateTime.fromMillis(when.startMs, { zone });
		const end = DateTime.fromMillis(when.endMs, { zone });
		if (mapping.startTime) {
			put(mapping.start, start.toISODate());
			put(mapping.startTime, start.toFormat('HH:mm'));
		} else {
			put(mapping.start, start.toISO({ suppressMilliseconds: true }));
		}
		if (mapping.end) put(mapping.end, end.toISO({ suppressMilliseconds: true }));
		const minutes = Math.round((when.endMs - when.startMs) / 60_000);
		put(
			mapping.duration,
			`${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`,
		);
		put(mapping.allDay, false);
	}
	return out;
}

/** calendarContent.ts's eventTimes and whenOfEvent before the cut. */
export function eventTimesLuxon(when: When, timeZone: string) {
	if (when.allDay) return { start: { date: when.startDate }, end: { date: when.endDate } };
	const iso = (ms: number) =>
		DateTime.fromMillis(ms, { zone: timeZone }).toISO({ suppressMilliseconds: true })!;
	return {
		start: { dateTime: iso(when.startMs), timeZone },
		end: { dateTime: iso(when.endMs), timeZone },
	};
}

type EventTimeLuxon = { date?: string; dateTime?: string; timeZone?: string };

export function whenOfEventLuxon(
	start: EventTimeLuxon | undefined,
	end: EventTimeLuxon | undefined,
): When | undefined {
	if (!start) return undefined;
	if (start.date) {
		const endDate = end?.date ?? DateTime.fromISO(start.date).plus({ days: 1 }).toISODate()!;
		return { allDay: true, startDate: start.date, endDate };
	}
	const startMs = instant(start);
	if (startMs === undefined) return undefined;
	const endMs = (end && instant(end)) ?? startMs;
	return { allDay: false, startMs, endMs };
}

function instant(time: EventTimeLuxon): number | undefined {
	if (!time.dateTime) return undefined;
	const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/i.test(time.dateTime);
	const parsed = hasOffset
		? DateTime.fromISO(time.dateTime, { setZone: true })
		: DateTime.fromISO(time.dateTime, { zone: time.timeZone ?? 'UTC' });
	return parsed.isValid ? parsed.toMillis() : undefined;
}
