/**
 * A calendar event in plain data, as the Google provider maps it and the reconcile planners read it (neutral: the
 * planners import no provider file for it).
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
