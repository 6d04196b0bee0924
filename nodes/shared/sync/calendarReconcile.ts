import type { Activity, ActivityFromEvent } from '../types/activity';
import type { CalendarEvent, EventWrite } from '../types/calendarEvents';
import type { RenderOptions } from './calendarContent';
import { PlanBuilder } from './calendarPlan';
import { safetyStop } from './calendarSafety';
import { decideLinked, decideUnlinkedActivity, decideUnlinkedEvent } from './calendarSituations';
import type { Link, Pending } from '../types/calendarLinks';

export type { Link, Pending } from '../types/calendarLinks';

/**
 * The Calendar Sync planner: a pure function from (activities, events, the last status) to (calendar writes,
 * changes for the activity source, the next status). After vdirsyncer's `sync`: each link keeps both sides'
 * content hashes and the event's etag; a side changed when its content hash moved; every situation and the one
 * action taken in it is a row of the table in calendarSituations.ts, where every policy is applied.
 */

export type ConflictPolicy = 'newest' | 'activities' | 'calendar';

export interface ReconcileSettings {
	direction: 'oneWay' | 'twoWay';
	conflict: ConflictPolicy;
	propagateDeletions: boolean;
	/** Activity types that go to the calendar; empty = all. */
	typeFilter: string[];
	/** The activity type imported events become. */
	importType: string;
	/** Events ending before this are not imported, activities ending before it are not pushed (epoch ms). */
	windowStartMs: number;
	render: RenderOptions;
	defaultTimeZone: string;
	/** Overrides the safety stop. */
	allowMassDeletion: boolean;
}

export interface ReconcileInput {
	settings: ReconcileSettings;
	activities: Activity[];
	/** The input is every activity (a missing linked one was deleted), not only the changed ones. */
	inputIsFullSet: boolean;
	events: CalendarEvent[];
	/** The listing is complete (first run or after a 410), not a change feed. */
	listingIsFull: boolean;
	links: Link[];
	pending: Pending[];
	/** Activities whose item could not be read this run: their links are left exactly as they are. */
	heldActivityIds?: string[];
}

export type PatchReason =
	'activityChanged' | 'conflictActivityWon' | 'revertCalendarEdit' | 'relink' | 'tag' | 'restore';

/** One write to the calendar, named by its `verb` (`kind` names only a storage). */
export type CalendarOp =
	| { verb: 'insert'; activityId: string; eventId: string; event: EventWrite; itemIndex: number }
	| {
			verb: 'patch';
			activityId: string;
			eventId: string;
			patch: EventWrite;
			/** If-Match: only when the event is still as we saw it. */
			etag?: string;
			itemIndex?: number;
			/** Bring a cancelled event back (its id is taken forever). */
			restore?: boolean;
			reason: PatchReason;
	  }
	| {
			verb: 'delete';
			activityId?: string;
			eventId: string;
			itemIndex?: number;
			reason: 'activityDeleted' | 'notSynced' | 'orphan' | 'conflictActivityWon';
	  };

/** A conflict: both sides changed the same pair; what won and what was discarded, so a person can review it. */
export interface Conflict {
	winner: 'activity' | 'calendar';
	discarded: {
		side: 'activity' | 'calendar';
		/** The losing change was an edit or a deletion. */
		change: 'edit' | 'deletion';
		fields?: ActivityFromEvent;
		activity?: Activity;
	};
}

export interface ActivityChange {
	action: 'create' | 'update' | 'delete' | 'conflict';
	activityId?: string;
	eventId: string;
	fields?: ActivityFromEvent;
	itemIndex?: number;
	conflict?: Conflict;
}

export interface ReconcilePlan {
	calendar: CalendarOp[];
	activities: ActivityChange[];
	/** Status after the plan; links of written events get their new etag and hash from the write's response. */
	links: Map<string, Link>;
	pending: Map<string, Pending>;
	/** Set when the safety stop fired: nothing may be written and the status must not advance. */
	stop?: string;
	counts: { unchanged: number; skipped: number };
}

export function reconcile(input: ReconcileInput): ReconcilePlan {
	const builder = new PlanBuilder(input);
	// 1. Every known link: both sides against the status.
	for (const link of input.links) decideLinked(builder, link);
	// 2. Activities without a link: re-link what exists, then create.
	for (const activity of input.activities) {
		if (!builder.handledActivities.has(activity.id) && !activity.deleted)
			decideUnlinkedActivity(builder, activity);
	}
	// 3. Events nobody links: imports (two-way), pending updates, orphans of a lost status.
	for (const event of input.events) {
		if (!builder.handledEvents.has(event.id) && !builder.linkedEvents.has(event.id))
			decideUnlinkedEvent(builder, event);
	}
	const plan = builder.finish();
	plan.stop = safetyStop(input, plan);
	return plan;
}
