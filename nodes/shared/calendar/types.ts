/**
 * What Calendar Sync needs from a calendar service, in plain data. The Google provider maps its SDK onto this;
 * the reconcile planner reads only these shapes.
 */

/** `date` for all-day (end exclusive), `dateTime` (RFC 3339) plus an optional IANA `timeZone` otherwise. */
export interface EventTime {
	date?: string;
	dateTime?: string;
	timeZone?: string;
}

export type EventStatus = 'confirmed' | 'tentative' | 'cancelled';

export interface CalendarEvent {
	id: string;
	etag: string;
	status: EventStatus;
	summary?: string;
	description?: string;
	location?: string;
	start?: EventTime;
	end?: EventTime;
	visibility?: string;
	/** RFC 3339 time of the last change. */
	updated?: string;
	recurringEventId?: string;
	originalStartTime?: EventTime;
	/** extendedProperties.private: per-calendar tags (ours say which activity an event belongs to). */
	privateProperties: Record<string, string>;
	attendees?: Array<{ email: string }>;
	htmlLink?: string;
}

/** The fields Calendar Sync writes. In `privateProperties` a null removes a key (patch semantics). */
export interface EventWrite {
	summary?: string;
	description?: string | null;
	location?: string | null;
	start?: EventTime;
	end?: EventTime;
	visibility?: string;
	transparency?: string;
	status?: EventStatus;
	privateProperties?: Record<string, string | null>;
	attendees?: Array<{ email: string }> | null;
}

export interface CalendarInfo {
	id: string;
	summary: string;
	primary: boolean;
	accessRole: string;
	timeZone?: string;
}

export type ListEventsRequest =
	/** Everything changed since the token (deletions included). */
	| { syncToken: string }
	/** A full listing: recurring series expanded, cancelled events included, bounded below by `timeMin`. */
	| { timeMin?: string; privateProperty?: [string, string]; wantSyncToken?: boolean };

export type EventListing =
	| {
			kind: 'events';
			events: CalendarEvent[];
			nextSyncToken?: string;
			full: boolean;
			pages: number;
	  }
	/** The sync token is no longer valid (410): clear the cursor and list in full. */
	| { kind: 'reset' };

export interface CalendarProvider {
	listCalendars(): Promise<CalendarInfo[]>;
	listEvents(calendarId: string, request: ListEventsRequest): Promise<EventListing>;
	getEvent(calendarId: string, eventId: string): Promise<CalendarEvent | undefined>;
	/** Insert with a client-chosen id; a taken id raises CloudError kind 'conflict' (providerCode 'duplicate'). */
	insertEvent(calendarId: string, eventId: string, event: EventWrite): Promise<CalendarEvent>;
	/** Patch; with `etag`, only if the event is unchanged (else CloudError 'conflict', providerCode 'conditionNotMet'). */
	patchEvent(
		calendarId: string,
		eventId: string,
		patch: EventWrite,
		etag?: string,
	): Promise<CalendarEvent>;
	/** 'gone' when the event was already deleted or never existed. */
	deleteEvent(calendarId: string, eventId: string, etag?: string): Promise<'deleted' | 'gone'>;
}
