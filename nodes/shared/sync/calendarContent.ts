import type { Activity, ActivityFromEvent, When } from '../types/activity';
import type { CalendarEvent, EventTime, EventWrite } from '../types/calendarEvents';
import { isoDatePlusDays, isoInZone, localIsoMs, offsetIsoMs } from './zoneTime';
import { fingerprint } from '../state/fingerprint';

/**
 * How an activity looks as an event, how an event reads back as activity fields, and the content hash both
 * sides are compared by. "Changed" always means this content changed, never just an etag, so the node's own
 * writes (and Google's re-serialisations) never echo back.
 */

export type PrivatePolicy = 'private' | 'busy' | 'skip';

export interface RenderOptions {
	privatePolicy: PrivatePolicy;
	/** Linked contacts, organisation and deal in the description. */
	includeLinks: boolean;
	/** Invite the activity's attendees (off by default: nobody gets invitations by surprise). */
	addAttendees: boolean;
	busyTitle: string;
}

/** Our tags in extendedProperties.private. */
export const TAG_ACTIVITY = 'cloudSyncActivityId';
export const TAG_ORIGIN = 'cloudSyncOrigin';
/**
 * On an imported event until its activity is linked: the match
 * key it was imported under (a lost status still finds it).
 */
export const TAG_IMPORT = 'cloudSyncImportKey';
/**
 * On every event this sync writes from an activity: the activity's content
 * hash it wrote (a run whose status was not saved is recognised).
 */
export const TAG_WRITTEN = 'cloudSyncWritten';
/** Separates the activity's note from the block of linked records in an event description. */
export const LINKS_SEPARATOR = '\n\n--\n';

/**
 * The event for an activity, or undefined when the private policy says not to sync it. `createdBy` says whose the
 * event is: an event the user created in Google keeps its own title under "Busy" (the sync never renames it) and
 * keeps its "created in the calendar" tag.
 */
export function renderEvent(
	activity: Activity,
	options: RenderOptions,
	createdBy: 'activity' | 'calendar' = 'activity',
): EventWrite | undefined {
	const masked = activity.private && options.privatePolicy === 'busy' && createdBy === 'activity';
	if (activity.private && options.privatePolicy === 'skip') return undefined;
	const { start, end } = eventTimes(activity.when, activity.timeZone);
	const event: EventWrite = {
		summary: masked ? options.busyTitle : activity.subject,
		description: masked ? '' : describe(activity, options),
		start,
		end,
		visibility: activity.private ? 'private' : 'default',
		transparency: 'opaque',
		privateProperties: { [TAG_ACTIVITY]: activity.id, [TAG_ORIGIN]: createdBy },
	};
	if (options.addAttendees && !masked && activity.attendees.length) {
		event.attendees = activity.attendees.map((email) => ({ email }));
	}
	return event;
}

function describe(activity: Activity, options: RenderOptions): string {
	const lines: string[] = [];
	if (options.includeLinks) {
		if (activity.contacts.length) lines.push(`Contacts: ${activity.contacts.join(', ')}`);
		if (activity.organization) lines.push(`Organization: ${activity.organization}`);
		if (activity.deal) lines.push(`Deal: ${activity.deal}`);
	}
	if (!lines.length) return activity.note;
	return `${activity.note}${LINKS_SEPARATOR}${lines.join('\n')}`;
}

export function eventTimes(when: When, timeZone: string): { start: EventTime; end: EventTime } {
	if (when.allDay) return { start: { date: when.startDate }, end: { date: when.endDate } };
	const iso = (ms: number) => isoInZone(ms, timeZone)!;
	return {
		start: { dateTime: iso(when.startMs), timeZone },
		end: { dateTime: iso(when.endMs), timeZone },
	};
}

/** The event's times as a When, or undefined when they cannot be read. */
export function whenOfEvent(
	start: EventTime | undefined,
	end: EventTime | undefined,
): When | undefined {
	if (!start) return undefined;
	if (start.date) {
		const endDate = end?.date ?? isoDatePlusDays(start.date, 1)!;
		return { allDay: true, startDate: start.date, endDate };
	}
	const startMs = instant(start);
	if (startMs === undefined) return undefined;
	const endMs = (end && instant(end)) ?? startMs;
	return { allDay: false, startMs, endMs };
}

function instant(time: EventTime): number | undefined {
	if (!time.dateTime) return undefined;
	const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/i.test(time.dateTime);
	// Luxon's arithmetic without its DateTime objects (zoneTime.ts): every rendered event is read back here.
	const ms = hasOffset
		? offsetIsoMs(time.dateTime)
		: localIsoMs(time.dateTime, time.timeZone ?? 'UTC');
	return Number.isFinite(ms) ? ms : undefined;
}

export function whenKey(when: When | undefined): string {
	if (!when) return '';
	return when.allDay ? `d${when.startDate}/${when.endDate}` : `t${when.startMs}/${when.endMs}`;
}

type ContentSource = Pick<EventWrite, 'summary' | 'start' | 'end' | 'visibility'> & {
	description?: string | null;
};

/** 12-character hash of what a person sees in the event: title, description, times, privacy. */
export function contentHash(event: ContentSource): string {
	const visibility =
		event.visibility === 'private' || event.visibility === 'confidential' ? 'private' : 'default';
	return fingerprint(
		JSON.stringify([
			event.summary ?? '',
			(event.description ?? '').trimEnd(),
			whenKey(whenOfEvent(event.start, event.end)),
			visibility,
		]),
	);
}

/** Whether an event is the masked ("busy") form of a private activity. */
export function isMasked(
	event: Pick<CalendarEvent, 'summary' | 'visibility'>,
	options: RenderOptions,
): boolean {
	return (
		options.privatePolicy === 'busy' &&
		event.visibility === 'private' &&
		event.summary === options.busyTitle
	);
}

/** What an event changes in its activity. A masked event only carries its times (its title is not the subject). */
export function activityFromEvent(
	event: CalendarEvent,
	defaultTimeZone: string,
	masked: boolean,
): ActivityFromEvent | undefined {
	const when = whenOfEvent(event.start, event.end);
	if (!when) return undefined;
	const fields: ActivityFromEvent = {
		when,
		timeZone: event.start?.timeZone ?? defaultTimeZone,
		private: event.visibility === 'private' || event.visibility === 'confidential',
	};
	if (!masked) {
		fields.subject = event.summary ?? '';
		fields.note = (event.description ?? '').split(LINKS_SEPARATOR)[0];
	}
	return fields;
}

/**
 * Key that recognises an activity created from an event: same type, title and start. Titles are compared as a
 * person reads them (case, surrounding and repeated spaces ignored), the same way on both sides.
 */
export function matchKey(type: string, subject: string, when: When): string {
	const start = when.allDay ? `d${when.startDate}` : `t${when.startMs}`;
	return fingerprint(`${type}\u0000${plainTitle(subject)}\u0000${start}`);
}

export function plainTitle(title: string): string {
	return title.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}
