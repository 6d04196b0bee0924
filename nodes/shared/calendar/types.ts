/**
 * What Calendar Sync needs from a calendar service, in plain data. The Google provider maps its SDK onto this;
 * the reconcile planner reads only the event shapes, which live in types/calendarEvents.ts.
 */

import type { CalendarEvent, EventWrite } from '../types/calendarEvents';

/** The event shapes (types/calendarEvents.ts), re-exported for the providers. */
export type * from '../types/calendarEvents';

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

/** What a listing came back with, named by its `outcome`: the events, or a reset of the sync token. */
export type EventListing =
	| {
			outcome: 'events';
			events: CalendarEvent[];
			nextSyncToken?: string;
			full: boolean;
			pages: number;
	  }
	/** The sync token is no longer valid (410): clear the cursor and list in full. */
	| { outcome: 'reset' };

export interface CalendarProvider {
	listCalendars(): Promise<CalendarInfo[]>;
	listEvents(calendarId: string, request: ListEventsRequest): Promise<EventListing>;
	getEvent(calendarId: string, eventId: string): Promise<CalendarEvent | undefined>;
	/** Insert with a client-chosen id; a taken id raises CloudError reason 'conflict' (providerCode 'duplicate'). */
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
