/**
 * What Calendar Sync remembers per activity and per imported event, shared by the reconcile planner and the state
 * schema (neutral: neither imports the other for it).
 */

/** One activity and its event, as the last run left them. */
export interface Link {
	activityId: string;
	eventId: string;
	/** Content hash of the activity as rendered into an event, at the last sync. */
	activityHash: string;
	/** Content hash of the event at the last sync. */
	eventHash: string;
	/** Event etag at the last sync. */
	etag: string;
	/** Who created the event: this sync from an activity, or the user in the calendar (imported). */
	createdBy: 'activity' | 'calendar';
}

/** An imported event whose activity the source has not created yet (two-way). */
export interface Pending {
	eventId: string;
	/** matchKey(type, title, start) as emitted. */
	matchKey: string;
	eventHash: string;
	etag: string;
}
