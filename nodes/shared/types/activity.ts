/** An activity as Calendar Sync understands it, whatever system it came from (Pipedrive, HubSpot, a sheet). */

/** When an activity happens: whole days (end exclusive, as calendars store them) or two instants. */
export type When =
	| { allDay: true; startDate: string; endDate: string }
	| { allDay: false; startMs: number; endMs: number };

export interface Activity {
	id: string;
	type: string;
	subject: string;
	when: When;
	/** IANA zone the activity's wall times are in; timed events are written in it. */
	timeZone: string;
	done: boolean;
	private: boolean;
	note: string;
	contacts: string[];
	organization: string;
	deal: string;
	/** E-mail addresses, used only when attendees are enabled. */
	attendees: string[];
	/** Last change at the source (epoch ms), for "newest change wins". */
	updatedAt?: number;
	/** The source says it was deleted (e.g. Pipedrive is_deleted). */
	deleted: boolean;
	/** A calendar event id the source stored on the activity (two-way write-back). */
	eventId?: string;
	/** Index of the input item, for pairedItem and error messages. */
	itemIndex: number;
}

/** What an event says about an activity (two-way): the fields a calendar user can change. */
export interface ActivityFromEvent {
	subject?: string;
	when: When;
	timeZone: string;
	private: boolean;
	note?: string;
	/** Set on creates: the activity type calendar events become. */
	type?: string;
}
