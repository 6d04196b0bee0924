import { randomBytes } from 'crypto';
import { DateTime } from 'luxon';
import type { ErrorShape } from '../common/server';
import { CalendarErrors } from './errors';
import {
	expandSeries,
	hasOffset,
	instanceSuffix,
	isValidZone,
	parseRule,
	toDateTime,
	type EventTimeJson,
} from './recurrence';

/** Stored state of the fake Calendar: calendars, events (masters, singles, exceptions), a global change sequence. */

export type EventStatus = 'confirmed' | 'tentative' | 'cancelled';
export type Json = Record<string, any>;

export interface StoredEvent {
	id: string;
	status: EventStatus;
	etag: string;
	/** Global change sequence of the last write: sync tokens compare against it. */
	seq: number;
	created: string;
	updated: string;
	iCalUID: string;
	sequence: number;
	/** Writable fields (summary, description, start, end, recurrence, visibility, extendedProperties, ...). */
	body: Json;
	recurringEventId?: string;
	originalStartTime?: EventTimeJson;
	/** Set when someone else organised the event and this calendar holds an attendee's copy (an invitation). */
	organizer?: { email: string; displayName?: string };
	/** Exceptions only: the fields this instance's own writes made differ from its series (see followSeries). */
	overridden?: string[];
}

export interface StoredCalendar {
	id: string;
	summary: string;
	timeZone: string;
	primary: boolean;
	accessRole: 'owner' | 'writer' | 'reader' | 'freeBusyReader';
	description?: string;
	/** Bumped to invalidate every sync token issued so far. */
	epoch: number;
	events: Map<string, StoredEvent>;
	etag: string;
}

export class StoreError extends Error {
	constructor(readonly shape: ErrorShape) {
		super(`calendar error ${shape.status}`);
	}
}

const READ_ONLY_FIELDS = new Set([
	'kind',
	'etag',
	'id',
	'htmlLink',
	'created',
	'updated',
	'iCalUID',
	'creator',
	'organizer',
	'recurringEventId',
	'originalStartTime',
	'sequence',
	'eventType',
]);
/** Patch replaces these wholesale instead of merging (a date and a dateTime must never mix). */
const REPLACED_ON_PATCH = new Set(['start', 'end', 'recurrence', 'attendees', 'reminders']);
const VISIBILITIES = new Set(['default', 'public', 'private', 'confidential']);
const STATUSES = new Set(['confirmed', 'tentative', 'cancelled']);
export const EVENT_ID = /^[a-v0-9]{5,1024}$/;
const INSTANCE_ID = /^(.+)_(\d{8}(?:T\d{6}Z)?)$/;

/** Expansion limits for unbounded series. */
export const MAX_OCCURRENCES = 730;
const HORIZON_YEARS = 2;

export interface ListQuery {
	singleEvents: boolean;
	showDeleted: boolean;
	/** Incremental: only changes after this sequence number, deletions always included. */
	sinceSeq?: number;
	timeMin?: number;
	timeMax?: number;
	updatedMin?: number;
	privateProps: Array<[string, string]>;
	sharedProps: Array<[string, string]>;
	q?: string;
	iCalUID?: string;
	orderBy?: 'startTime' | 'updated';
}

export class CalendarStore {
	readonly calendars = new Map<string, StoredCalendar>();
	private seq = 0;
	private readonly etagBase = 3_409_856_784_124_000;
	/**
	 * The last listing, reused by the next page of the same query while nothing it depends on changed (every write
	 * bumps seq; materializing an instance grows the map): paging through N events stays linear.
	 */
	private lastList?: { key: string; result: Array<{ event: StoredEvent; minimal: boolean }> };

	constructor() {
		this.addCalendar({
			id: 'user@example.com',
			summary: 'user@example.com',
			timeZone: 'UTC',
			primary: true,
			accessRole: 'owner',
		});
	}

	get currentSeq(): number {
		return this.seq;
	}

	addCalendar(input: Partial<StoredCalendar> & { id: string }): StoredCalendar {
		const calendar: StoredCalendar = {
			id: input.id,
			summary: input.summary ?? input.id,
			timeZone: input.timeZone ?? 'UTC',
			primary: input.primary ?? false,
			accessRole: input.accessRole ?? 'owner',
			description: input.description,
			epoch: 1,
			events: new Map(),
			etag: this.nextEtag(),
		};
		if (calendar.primary) for (const other of this.calendars.values()) other.primary = false;
		this.calendars.set(calendar.id, calendar);
		return calendar;
	}

	/** `primary` is an alias of the primary calendar's id. */
	calendar(id: string): StoredCalendar {
		const calendar =
			id === 'primary'
				? [...this.calendars.values()].find((c) => c.primary)
				: this.calendars.get(id);
		if (!calendar) throw new StoreError(CalendarErrors.notFound());
		return calendar;
	}

	invalidateSyncTokens(calendarId?: string): void {
		for (const calendar of this.calendars.values())
			if (!calendarId || calendar.id === calendarId) calendar.epoch++;
	}

	private nextEtag(): string {
		this.seq++;
		return `"${this.etagBase + this.seq * 1000 + Math.floor(Math.random() * 1000)}"`;
	}

	private touch(event: StoredEvent): void {
		event.etag = this.nextEtag();
		event.seq = this.seq;
		event.updated = new Date().toISOString();
	}

	// ---- writes ----

	insert(calendar: StoredCalendar, input: Json): StoredEvent {
		const id = input.id === undefined ? randomBase32hex(26) : String(input.id);
		if (!EVENT_ID.test(id))
			throw new StoreError(CalendarErrors.invalid('Invalid resource id value.', 'id'));
		// Ids stay taken after deletion: Google answers 409 for a cancelled event's id too.
		if (calendar.events.has(id)) throw new StoreError(CalendarErrors.duplicate());
		const body = writableFields(input);
		const status = (input.status ?? 'confirmed') as EventStatus;
		if (!STATUSES.has(status))
			throw new StoreError(CalendarErrors.invalid('Invalid value for status.', 'status'));
		validateBody(body, calendar);
		const now = new Date().toISOString();
		const event: StoredEvent = {
			id,
			status,
			etag: '',
			seq: 0,
			created: now,
			updated: now,
			iCalUID: typeof input.iCalUID === 'string' ? input.iCalUID : `${id}@google.com`,
			sequence: 0,
			body,
		};
		this.touch(event);
		calendar.events.set(id, event);
		return event;
	}

	patch(calendar: StoredCalendar, id: string, patch: Json, ifMatch?: string): StoredEvent {
		const event = this.materialize(calendar, id);
		checkIfMatch(event, ifMatch);
		const body = structuredClone(event.body);
		for (const [key, value] of Object.entries(patch)) {
			if (READ_ONLY_FIELDS.has(key) || key === 'status') continue;
			if (value === null) delete body[key];
			else if (REPLACED_ON_PATCH.has(key) || !isPlainObject(value) || !isPlainObject(body[key]))
				body[key] = structuredClone(value);
			else body[key] = mergeDeep(body[key], value);
		}
		checkAttendeeEdit(event, body);
		return this.commit(calendar, event, body, patch.status);
	}

	update(calendar: StoredCalendar, id: string, input: Json, ifMatch?: string): StoredEvent {
		const event = this.materialize(calendar, id);
		checkIfMatch(event, ifMatch);
		const body = writableFields(input);
		checkAttendeeEdit(event, body);
		return this.commit(calendar, event, body, input.status);
	}

	delete(calendar: StoredCalendar, id: string, ifMatch?: string): void {
		const event = this.materialize(calendar, id);
		checkIfMatch(event, ifMatch);
		if (event.status === 'cancelled') throw new StoreError(CalendarErrors.deleted());
		event.status = 'cancelled';
		this.touch(event);
	}

	private commit(
		calendar: StoredCalendar,
		event: StoredEvent,
		body: Json,
		status: unknown,
	): StoredEvent {
		if (status !== undefined && !STATUSES.has(String(status))) {
			throw new StoreError(CalendarErrors.invalid('Invalid value for status.', 'status'));
		}
		validateBody(body, calendar, event.recurringEventId !== undefined);
		const series =
			event.recurringEventId === undefined && event.body.recurrence
				? this.occurrences(calendar, event, undefined)
				: [];
		event.body = body;
		if (status !== undefined) event.status = status as EventStatus;
		event.sequence++;
		this.touch(event);
		if (event.recurringEventId !== undefined) this.noteOverrides(calendar, event);
		else if (event.body.recurrence) this.followSeries(calendar, event, series);
		return event;
	}

	/*
	 * Series-wide edits and the instances someone changed. Google keeps a changed instance as an exception of its
	 * series (https://developers.google.com/calendar/api/guides/recurringevents, "Modify instances": instances are
	 * changed through their own ids, the series through the recurring event's id), and an edit of the whole series
	 * still reaches an exception for the fields that exception did not change itself (Google Calendar: rename a
	 * series after moving one occurrence, and the moved one is renamed too). The reference does not spell out the
	 * field-by-field rule [unverified in the docs, observed]: the fake keeps every field an exception overrode and
	 * lets every other field follow the series. Times are always the exception's own (the fake does not model a
	 * series whose time of day changes moving its untouched exceptions). Occurrences the series no longer generates
	 * (its RRULE trimmed with UNTIL for "this and following events", see FakeCalendar.userSplitSeries) take their
	 * exceptions with them: those come back cancelled, so a sync client learns they are gone.
	 */
	private noteOverrides(calendar: StoredCalendar, exception: StoredEvent): void {
		const master = calendar.events.get(exception.recurringEventId!);
		if (!master || !exception.originalStartTime) return;
		const fresh = this.instanceOf(
			calendar,
			master,
			this.occurrenceAt(calendar, master, exception.originalStartTime),
		).body;
		const keys = new Set([...Object.keys(fresh), ...Object.keys(exception.body)]);
		exception.overridden = [...keys].filter(
			(key) => JSON.stringify(fresh[key]) !== JSON.stringify(exception.body[key]),
		);
	}

	private followSeries(
		calendar: StoredCalendar,
		master: StoredEvent,
		before: Array<{ start: DateTime; suffix: string; allDay: boolean }>,
	): void {
		const live = new Set(this.occurrences(calendar, master, undefined).map((o) => o.suffix));
		// Occurrences the edit removed [unverified: assumed Google reports them cancelled to a sync token, as it does
		// for a cancelled instance]: an untouched one becomes a cancelled exception so an incremental listing says so.
		for (const gone of before) {
			const id = `${master.id}_${gone.suffix}`;
			if (live.has(gone.suffix) || calendar.events.has(id)) continue;
			const instance = this.instanceOf(calendar, master, gone);
			instance.status = 'cancelled';
			this.touch(instance);
			calendar.events.set(id, instance);
		}
		for (const exception of calendar.events.values()) {
			if (
				exception.recurringEventId !== master.id ||
				exception.status === 'cancelled' ||
				!exception.originalStartTime
			)
				continue;
			const occurrence = this.occurrenceAt(calendar, master, exception.originalStartTime);
			if (!live.has(occurrence.suffix)) {
				exception.status = 'cancelled';
				this.touch(exception);
				continue;
			}
			const fresh = this.instanceOf(calendar, master, occurrence).body;
			const own = new Set([...(exception.overridden ?? []), 'start', 'end']);
			const body = { ...exception.body };
			for (const key of new Set([...Object.keys(fresh), ...Object.keys(body)])) {
				if (own.has(key)) continue;
				if (fresh[key] === undefined) delete body[key];
				else body[key] = structuredClone(fresh[key]);
			}
			if (JSON.stringify(body) === JSON.stringify(exception.body)) continue;
			exception.body = body;
			exception.sequence = master.sequence;
			this.touch(exception);
		}
	}

	private occurrenceAt(calendar: StoredCalendar, master: StoredEvent, original: EventTimeJson) {
		const allDay = Boolean(original.date);
		const zone = master.body.start.timeZone ?? calendar.timeZone;
		const start = toDateTime(original, zone);
		return { start, suffix: instanceSuffix(start, allDay), allDay };
	}

	/** A stored event, or an instance of a series turned into a stored exception so it can be changed. */
	private materialize(calendar: StoredCalendar, id: string): StoredEvent {
		const stored = calendar.events.get(id);
		if (stored) return stored;
		const instance = this.virtualInstance(calendar, id);
		if (!instance) throw new StoreError(CalendarErrors.notFound());
		calendar.events.set(instance.id, instance);
		return instance;
	}

	/** The instance `<master>_<suffix>` of a live series, if the series really has that occurrence. */
	private virtualInstance(calendar: StoredCalendar, id: string): StoredEvent | undefined {
		const match = INSTANCE_ID.exec(id);
		if (!match) return undefined;
		const master = calendar.events.get(match[1]);
		if (!master?.body.recurrence || master.status === 'cancelled') return undefined;
		const occurrence = this.occurrences(calendar, master, undefined).find(
			(o) => o.suffix === match[2],
		);
		return occurrence ? this.instanceOf(calendar, master, occurrence) : undefined;
	}

	// ---- reads ----

	get(calendar: StoredCalendar, id: string): StoredEvent {
		const stored = calendar.events.get(id) ?? this.virtualInstance(calendar, id);
		if (!stored) throw new StoreError(CalendarErrors.notFound());
		return stored;
	}

	/** The events a list request returns, in a stable order, before paging. */
	list(
		calendar: StoredCalendar,
		query: ListQuery,
	): Array<{ event: StoredEvent; minimal: boolean }> {
		const key = JSON.stringify([
			calendar.id,
			calendar.timeZone,
			calendar.epoch,
			calendar.events.size,
			this.seq,
			query,
		]);
		if (this.lastList?.key !== key)
			this.lastList = { key, result: this.computeList(calendar, query) };
		return this.lastList.result;
	}

	private computeList(
		calendar: StoredCalendar,
		query: ListQuery,
	): Array<{ event: StoredEvent; minimal: boolean }> {
		const incremental = query.sinceSeq !== undefined;
		const changed = (event: StoredEvent) => !incremental || event.seq > query.sinceSeq!;
		const deletedVisible = query.showDeleted || incremental;
		const result: Array<{ event: StoredEvent; minimal: boolean }> = [];
		const consider = (event: StoredEvent, isChanged: boolean) => {
			if (!isChanged || !this.matchesFilters(event, query)) return;
			if (event.status === 'cancelled') {
				const updatedSince =
					query.updatedMin !== undefined && Date.parse(event.updated) >= query.updatedMin;
				const cancelledInstance = event.recurringEventId !== undefined && !query.singleEvents;
				if (!deletedVisible && !updatedSince && !cancelledInstance) return;
				// Deletions come back whatever the window: the client must learn about them.
				if (!incremental && !this.inWindow(calendar, event, query)) return;
				result.push({ event, minimal: true });
				return;
			}
			if (this.inWindow(calendar, event, query)) result.push({ event, minimal: false });
		};
		for (const event of calendar.events.values()) {
			if (event.recurringEventId !== undefined) continue; // exceptions are visited with their series
			if (!event.body.recurrence || event.status === 'cancelled') {
				consider(event, changed(event));
				continue;
			}
			if (!query.singleEvents) {
				consider(event, changed(event));
				for (const exception of calendar.events.values()) {
					if (exception.recurringEventId === event.id) consider(exception, changed(exception));
				}
				continue;
			}
			const generated = new Set<string>();
			for (const occurrence of this.occurrences(calendar, event, query.timeMax)) {
				const exception = calendar.events.get(`${event.id}_${occurrence.suffix}`);
				const instance = exception ?? this.instanceOf(calendar, event, occurrence);
				generated.add(instance.id);
				consider(instance, changed(event) || (exception !== undefined && changed(exception)));
			}
			// Exceptions of occurrences the series no longer generates (trimmed by UNTIL): reported cancelled; one a
			// client restored since (status confirmed) is listed like any stored event, so the fake never hides a live one.
			for (const exception of calendar.events.values()) {
				if (exception.recurringEventId === event.id && !generated.has(exception.id))
					consider(exception, changed(event) || changed(exception));
			}
		}
		if (query.orderBy === 'startTime') {
			result.sort(
				(a, b) => this.startMillis(calendar, a.event) - this.startMillis(calendar, b.event),
			);
		} else if (query.orderBy === 'updated') {
			result.sort((a, b) => Date.parse(a.event.updated) - Date.parse(b.event.updated));
		}
		return result;
	}

	private matchesFilters(event: StoredEvent, query: ListQuery): boolean {
		const privateProps = event.body.extendedProperties?.private ?? {};
		const sharedProps = event.body.extendedProperties?.shared ?? {};
		// Google's docs disagree on AND vs OR for repeated constraints; the fake follows the reference: all must match.
		if (!query.privateProps.every(([k, v]) => privateProps[k] === v)) return false;
		if (!query.sharedProps.every(([k, v]) => sharedProps[k] === v)) return false;
		if (query.iCalUID && event.iCalUID !== query.iCalUID) return false;
		if (query.updatedMin !== undefined && Date.parse(event.updated) < query.updatedMin)
			return false;
		if (query.q) {
			const text =
				`${event.body.summary ?? ''} ${event.body.description ?? ''} ${event.body.location ?? ''}`.toLowerCase();
			if (
				!query.q
					.toLowerCase()
					.split(/\s+/)
					.every((word) => text.includes(word))
			)
				return false;
		}
		return true;
	}

	/** timeMin bounds the end (exclusive), timeMax the start (exclusive), as Google documents. */
	private inWindow(calendar: StoredCalendar, event: StoredEvent, query: ListQuery): boolean {
		if (query.timeMin === undefined && query.timeMax === undefined) return true;
		if (event.body.recurrence && !query.singleEvents && event.recurringEventId === undefined) {
			const occurrences = this.occurrences(calendar, event, query.timeMax);
			const duration = this.durationMillis(calendar, event);
			return occurrences.some(
				(o) =>
					(query.timeMin === undefined || o.start.toMillis() + duration > query.timeMin) &&
					(query.timeMax === undefined || o.start.toMillis() < query.timeMax),
			);
		}
		const timeSource = event.body.start
			? event.body
			: { start: event.originalStartTime, end: event.originalStartTime };
		if (!timeSource.start) return true;
		const start = toDateTime(timeSource.start, calendar.timeZone).toMillis();
		const end = timeSource.end ? toDateTime(timeSource.end, calendar.timeZone).toMillis() : start;
		return (
			(query.timeMin === undefined || end > query.timeMin) &&
			(query.timeMax === undefined || start < query.timeMax)
		);
	}

	private startMillis(calendar: StoredCalendar, event: StoredEvent): number {
		const start = event.body.start ?? event.originalStartTime;
		return start ? toDateTime(start, calendar.timeZone).toMillis() : 0;
	}

	private durationMillis(calendar: StoredCalendar, event: StoredEvent): number {
		return (
			toDateTime(event.body.end, calendar.timeZone).toMillis() -
			toDateTime(event.body.start, calendar.timeZone).toMillis()
		);
	}

	occurrences(
		calendar: StoredCalendar,
		master: StoredEvent,
		timeMax: number | undefined,
	): Array<{ start: DateTime; suffix: string; allDay: boolean }> {
		const allDay = Boolean(master.body.start.date);
		const zone = master.body.start.timeZone ?? calendar.timeZone;
		const start = toDateTime(master.body.start, zone);
		// Unbounded series stop a fixed span after today (or after the series starts, if later).
		const horizon =
			timeMax !== undefined
				? DateTime.fromMillis(timeMax, { zone })
				: DateTime.max(DateTime.now().setZone(zone), start).plus({ years: HORIZON_YEARS });
		return expandSeries(start, allDay, master.body.recurrence, {
			horizon,
			maxOccurrences: MAX_OCCURRENCES,
		}).map((s) => ({
			start: s,
			suffix: instanceSuffix(s, allDay),
			allDay,
		}));
	}

	private instanceOf(
		calendar: StoredCalendar,
		master: StoredEvent,
		occurrence: { start: DateTime; suffix: string; allDay: boolean },
	): StoredEvent {
		const { recurrence: _recurrence, ...body } = structuredClone(master.body);
		const zone = master.body.start.timeZone ?? calendar.timeZone;
		let originalStartTime: EventTimeJson;
		if (occurrence.allDay) {
			const days = toDateTime(master.body.end, zone).diff(
				toDateTime(master.body.start, zone),
				'days',
			).days;
			originalStartTime = { date: occurrence.start.toISODate()! };
			body.start = { date: occurrence.start.toISODate()! };
			body.end = { date: occurrence.start.plus({ days }).toISODate()! };
		} else {
			const duration = this.durationMillis(calendar, master);
			const tz = master.body.start.timeZone;
			originalStartTime = {
				dateTime: occurrence.start.toISO({ suppressMilliseconds: true })!,
				...(tz ? { timeZone: tz } : {}),
			};
			body.start = { ...originalStartTime };
			body.end = {
				dateTime: occurrence.start
					.plus({ milliseconds: duration })
					.toISO({ suppressMilliseconds: true })!,
				...(master.body.end.timeZone ? { timeZone: master.body.end.timeZone } : {}),
			};
		}
		return {
			id: `${master.id}_${occurrence.suffix}`,
			status: master.status,
			etag: master.etag,
			seq: master.seq,
			created: master.created,
			updated: master.updated,
			iCalUID: master.iCalUID,
			sequence: master.sequence,
			body,
			recurringEventId: master.id,
			originalStartTime,
			organizer: master.organizer,
		};
	}

	// ---- representation ----

	toJson(calendar: StoredCalendar, event: StoredEvent, minimal = false): Json {
		const json: Json = {
			kind: 'calendar#event',
			etag: event.etag,
			id: event.id,
			status: event.status,
		};
		if (minimal) {
			if (event.recurringEventId) {
				json.recurringEventId = event.recurringEventId;
				json.originalStartTime = event.originalStartTime;
			}
			return json;
		}
		Object.assign(json, {
			htmlLink: `https://www.google.com/calendar/event?eid=${Buffer.from(`${event.id} ${calendar.id}`).toString('base64url')}`,
			created: event.created,
			updated: event.updated,
			creator: event.organizer ?? { email: calendar.id, self: true },
			organizer: event.organizer ?? {
				email: calendar.id,
				displayName: calendar.summary,
				self: true,
			},
			...structuredClone(event.body),
			iCalUID: event.iCalUID,
			sequence: event.sequence,
			eventType: 'default',
		});
		if (!json.reminders) json.reminders = { useDefault: true };
		if (event.recurringEventId) {
			json.recurringEventId = event.recurringEventId;
			json.originalStartTime = event.originalStartTime;
		}
		return json;
	}

	calendarListEntry(calendar: StoredCalendar): Json {
		return {
			kind: 'calendar#calendarListEntry',
			etag: calendar.etag,
			id: calendar.id,
			summary: calendar.summary,
			...(calendar.description ? { description: calendar.description } : {}),
			timeZone: calendar.timeZone,
			colorId: '14',
			backgroundColor: '#9fe1e7',
			foregroundColor: '#000000',
			selected: true,
			accessRole: calendar.accessRole,
			defaultReminders: [],
			...(calendar.primary ? { primary: true } : {}),
			conferenceProperties: { allowedConferenceSolutionTypes: ['hangoutsMeet'] },
		};
	}
}

function checkIfMatch(event: StoredEvent, ifMatch: string | undefined): void {
	if (ifMatch === undefined || ifMatch.trim() === '*') return;
	if (normalizeEtag(ifMatch) !== normalizeEtag(event.etag))
		throw new StoreError(CalendarErrors.conditionNotMet());
}

/**
 * An attendee's copy of an event someone else organised: unless the organiser let guests modify it
 * (`guestsCanModify`, "Whether attendees other than the organizer can modify the event. Optional. The default is
 * False.", https://developers.google.com/calendar/api/v3/reference/events), only the fields of this calendar's own
 * copy may change: reminders, colour, transparency and `extendedProperties.private` ("Properties that are private to
 * the copy of the event that appears on this calendar."). Anything else is refused with 403
 * `forbiddenForNonOrganizer` (https://developers.google.com/calendar/api/guides/errors). Empty and absent values
 * (description "", visibility "default") count as the same.
 */
const OWN_COPY_FIELDS = new Set(['reminders', 'colorId', 'transparency', 'extendedProperties']);

function checkAttendeeEdit(event: StoredEvent, next: Json): void {
	if (!event.organizer || event.body.guestsCanModify === true) return;
	const plain = (key: string, value: unknown) => {
		if (key === 'description' && value === '') return undefined;
		if (key === 'visibility' && value === 'default') return undefined;
		return value === undefined ? undefined : JSON.stringify(value);
	};
	const keys = new Set([...Object.keys(event.body), ...Object.keys(next)]);
	for (const key of keys) {
		if (OWN_COPY_FIELDS.has(key)) continue;
		if (plain(key, event.body[key]) !== plain(key, next[key]))
			throw new StoreError(CalendarErrors.forbiddenForNonOrganizer());
	}
	const shared = (body: Json) => JSON.stringify(body.extendedProperties?.shared ?? {});
	if (shared(event.body) !== shared(next))
		throw new StoreError(CalendarErrors.forbiddenForNonOrganizer());
}

export function normalizeEtag(etag: string): string {
	return etag.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
}

function writableFields(input: Json): Json {
	const body: Json = {};
	for (const [key, value] of Object.entries(input)) {
		if (READ_ONLY_FIELDS.has(key) || key === 'status' || value === null || value === undefined)
			continue;
		body[key] = structuredClone(value);
	}
	return body;
}

function validateBody(body: Json, calendar: StoredCalendar, isException = false): void {
	if (!body.start) throw new StoreError(CalendarErrors.required('Missing start time.', 'start'));
	if (!body.end) throw new StoreError(CalendarErrors.required('Missing end time.', 'end'));
	const start = validateTime(body.start, 'start', Boolean(body.recurrence));
	const end = validateTime(body.end, 'end', Boolean(body.recurrence));
	if (Boolean(body.start.date) !== Boolean(body.end.date)) {
		throw new StoreError(
			CalendarErrors.invalid(
				'Start and end times must either both be date or both be dateTime.',
				'end',
			),
		);
	}
	const zone = calendar.timeZone;
	const startMs = toDateTime(start, zone).toMillis();
	const endMs = toDateTime(end, zone).toMillis();
	if (body.start.date ? endMs <= startMs : endMs < startMs)
		throw new StoreError(CalendarErrors.timeRangeEmpty('end'));
	if (body.visibility !== undefined && !VISIBILITIES.has(body.visibility)) {
		throw new StoreError(CalendarErrors.invalid('Invalid value for visibility.', 'visibility'));
	}
	if (body.recurrence !== undefined) {
		if (isException)
			throw new StoreError(
				CalendarErrors.invalid('Instances cannot carry a recurrence.', 'recurrence'),
			);
		if (!Array.isArray(body.recurrence))
			throw new StoreError(CalendarErrors.invalid('Invalid recurrence rule.', 'recurrence'));
		for (const line of body.recurrence as unknown[]) {
			if (typeof line !== 'string' || !/^(RRULE|EXDATE|RDATE|EXRULE)[:;]/i.test(line)) {
				throw new StoreError(CalendarErrors.invalid('Invalid recurrence rule.', 'recurrence'));
			}
			if (/^RRULE:/i.test(line) && typeof parseRule(line) === 'string') {
				throw new StoreError(CalendarErrors.invalid('Invalid recurrence rule.', 'recurrence'));
			}
		}
	}
	for (const scope of ['private', 'shared'] as const) {
		const props = body.extendedProperties?.[scope];
		if (props === undefined) continue;
		if (!isPlainObject(props) || Object.values(props).some((v) => typeof v !== 'string')) {
			throw new StoreError(
				CalendarErrors.invalid(`Invalid extended property value.`, `extendedProperties.${scope}`),
			);
		}
	}
}

function validateTime(time: Json, name: string, recurring: boolean): EventTimeJson {
	if (!isPlainObject(time))
		throw new StoreError(CalendarErrors.invalid(`Invalid ${name} time.`, name));
	const hasDate = typeof time.date === 'string';
	const hasDateTime = typeof time.dateTime === 'string';
	if (hasDate === hasDateTime)
		throw new StoreError(CalendarErrors.invalid(`Invalid ${name} time.`, name));
	if (
		time.timeZone !== undefined &&
		(typeof time.timeZone !== 'string' || !isValidZone(time.timeZone))
	) {
		throw new StoreError(
			CalendarErrors.invalid(`Invalid time zone definition for ${name} time.`, name),
		);
	}
	if (hasDate) {
		if (!/^\d{4}-\d{2}-\d{2}$/.test(time.date) || !DateTime.fromISO(time.date).isValid) {
			throw new StoreError(CalendarErrors.invalid(`Invalid ${name} time.`, name));
		}
	} else {
		if (!DateTime.fromISO(time.dateTime, { setZone: true }).isValid) {
			throw new StoreError(CalendarErrors.invalid(`Invalid ${name} time.`, name));
		}
		if ((!hasOffset(time.dateTime) || recurring) && !time.timeZone) {
			throw new StoreError(
				CalendarErrors.badRequest(`Missing time zone definition for ${name} time.`),
			);
		}
	}
	return time as EventTimeJson;
}

function isPlainObject(value: unknown): value is Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Patch semantics: objects merge key by key, a null value removes the key (extendedProperties.private). */
function mergeDeep(target: Json, patch: Json): Json {
	const result: Json = { ...target };
	for (const [key, value] of Object.entries(patch)) {
		if (value === null) delete result[key];
		else if (isPlainObject(value) && isPlainObject(result[key]))
			result[key] = mergeDeep(result[key], value);
		else result[key] = structuredClone(value);
	}
	return result;
}

const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';

function randomBase32hex(length: number): string {
	const bytes = randomBytes(length);
	let out = '';
	for (let i = 0; i < length; i++) out += BASE32HEX[bytes[i] % 32];
	return out;
}
