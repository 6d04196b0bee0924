import type { Activity } from '../types/activity';
import { eventIdForActivity } from '../calendar/eventIds';
import type { CalendarEvent } from '../types/calendarEvents';
import {
	contentHash,
	isMasked,
	matchKey,
	TAG_ACTIVITY,
	TAG_IMPORT,
	TAG_ORIGIN,
	TAG_WRITTEN,
	whenOfEvent,
} from './calendarContent';
import { targetOf, whenEnd, type PlanBuilder } from './calendarPlan';
import type { Conflict, Link } from './calendarReconcile';

/**
 * Every situation Calendar Sync can meet, and the one action taken in it (after vdirsyncer's `sync`). All the
 * policies (direction, conflict, private events, types, deletions) are applied here and nowhere else.
 *
 * A linked pair is seen from three sides:
 * - the activity: `unchanged`, `changed` (its rendered content hash moved), `deleted` (flagged, or missing from a
 *   full input), `notInRun` (a changed-only input without it);
 * - the event: `unchanged`, `changed` (content hash moved), `deleted` (cancelled, or missing from a full listing
 *   that should have listed it), `notListed` (not in the change feed, or before the listing's window);
 * - the scope: `synced`; `quiet` when "Don't sync" meets a private activity linked to the user's own event, or an
 *   event made private in Google (two-way): nothing crosses, nothing is deleted; `leftScope` when an activity this
 *   sync put in the calendar became private under "Don't sync" or left the type filter: its own event goes.
 *
 * Whose event it is matters: an event the user created in Google (`createdBy: 'calendar'`) is only ever changed
 * or deleted because the user changed or deleted its activity, never renamed "Busy", never deleted for leaving
 * the scope.
 */

export type ActivitySide = 'unchanged' | 'changed' | 'deleted' | 'notInRun';
export type CalendarSide = 'unchanged' | 'changed' | 'deleted' | 'notListed';
export type Scope = 'synced' | 'quiet' | 'leftScope';

export interface Pair {
	link: Link;
	activity?: Activity;
	event?: CalendarEvent;
	activitySide: ActivitySide;
	calendarSide: CalendarSide;
	scope: Scope;
}

type Action = (b: PlanBuilder, pair: Pair) => void;

// ---- the actions ----

const keep: Action = (b, { link, activity, event }) => b.keep(link, activity, event);

const push: Action = (b, { link, activity, event }) =>
	b.push(link, activity!, 'activityChanged', event);

/**
 * One-way: the calendar mirrors the activities, so an edit of our
 * event is undone; the user's own event is left as they made it.
 */
const revertCalendarEdit: Action = (b, pair) => {
	const { link, activity, event } = pair;
	if (link.createdBy === 'calendar' || !activity) return b.keep(link, activity, event);
	if (b.activityHash(activity, link.createdBy) === contentHash(event!))
		return b.keep(link, activity, event);
	b.push(link, activity, 'revertCalendarEdit', event);
};

const pull: Action = (b, { link, activity, event }) => b.pull(link, activity, event!);

/** The activity was deleted: its event goes when deletions are synced (the user deleted the counterpart). */
const deleteEvent: Action = (b, { link, activity }) => {
	if (b.settings.propagateDeletions) b.deleteEvent(link, activity?.itemIndex, 'activityDeleted');
	else b.unlink(link);
};

/** The event was deleted: two-way, its activity goes when deletions are synced; one-way, our event comes back. */
const eventDeleted: Action = (b, pair) => {
	const { link, activity } = pair;
	if (!b.twoWay) return restoreOrUnlink(b, pair);
	if (b.settings.propagateDeletions) b.deleteActivity(link, activity?.itemIndex);
	else b.unlink(link);
};

const restoreOrUnlink: Action = (b, { link, activity }) => {
	if (activity && link.createdBy === 'activity' && b.inScope(activity, link.createdBy))
		b.insert(activity, link.eventId, link.createdBy, true);
	else b.unlink(link);
};

const unlink: Action = (b, { link }) => b.unlink(link);

/** Both changed: equal content is no conflict; otherwise the policy picks, and the loser is reported. */
const bothChanged: Action = (b, { link, activity, event }) => {
	if (b.activityHash(activity!, link.createdBy) === contentHash(event!))
		return b.keep(link, activity, event);
	if (!b.twoWay) return revertCalendarEdit(b, { link, activity, event } as Pair);
	const fields = b.fromEvent(event!);
	if (b.winner(activity!.updatedAt, event) === 'calendar') {
		return b.pull(link, activity, event!, {
			winner: 'calendar',
			discarded: { side: 'activity', change: 'edit', activity },
		});
	}
	b.push(link, activity!, 'conflictActivityWon', event);
	b.report(activity!, event!.id, {
		winner: 'activity',
		discarded: { side: 'calendar', change: 'edit', fields },
	});
};

/** Two-way: the activity changed, the event was deleted. The winning edit brings the event back. */
const editAgainstDeletion: Action = (b, { link, activity, event }) => {
	if (b.winner(activity!.updatedAt, event) === 'activity') {
		b.insert(activity!, link.eventId, link.createdBy, true);
		b.report(activity!, link.eventId, {
			winner: 'activity',
			discarded: { side: 'calendar', change: 'deletion' },
		});
	} else if (b.settings.propagateDeletions) {
		b.deleteActivity(link, activity!.itemIndex, {
			winner: 'calendar',
			discarded: { side: 'activity', change: 'edit', activity },
		});
	} else b.unlink(link);
};

/**
 * Two-way: the activity was deleted, the event changed. Without the deletion's time, the edit wins (nothing is lost).
 */
const deletionAgainstEdit: Action = (b, pair) => {
	const { link, activity, event } = pair;
	const deletedAt = activity?.updatedAt;
	// A "Busy" stand-in carries nothing worth an activity of its own: its activity's deletion wins.
	const standIn = isMasked(event!, b.settings.render);
	const activityWins =
		standIn ||
		b.settings.conflict === 'activities' ||
		(b.settings.conflict === 'newest' &&
			deletedAt !== undefined &&
			b.winner(deletedAt, event) === 'activity');
	const fields = b.fromEvent(event!);
	if (standIn && !b.settings.propagateDeletions) return b.unlink(link);
	if (activityWins && b.settings.propagateDeletions) {
		b.deleteEvent(link, activity?.itemIndex, 'conflictActivityWon');
		b.pushChange({
			action: 'conflict',
			activityId: link.activityId,
			eventId: link.eventId,
			conflict: { winner: 'activity', discarded: { side: 'calendar', change: 'edit', fields } },
		});
		return;
	}
	const conflict: Conflict = {
		winner: 'calendar',
		discarded: { side: 'activity', change: 'deletion' },
	};
	b.reimport(link, event!, conflict);
};

/** Quiet ("Don't sync" and something private): nothing crosses either way, nothing is deleted. */
const quiet: Action = (b, { link, event }) => b.quiet(link, event);

/** Our own event for an activity that left the scope goes; the user's own event never does (see scopeOf). */
const leftScope: Action = (b, { link, activity, calendarSide }) => {
	if (calendarSide === 'deleted') b.unlink(link);
	else b.deleteEvent(link, activity?.itemIndex, 'notSynced');
};

/**
 * The table for synced pairs. Rows: the activity side; columns: the calendar side.
 *
 *                 | unchanged        | changed              | deleted              | notListed
 * two-way         |                  |                      |                      |
 *   unchanged     | keep             | pull                 | eventDeleted         | keep
 *   changed       | push             | bothChanged (policy) | editAgainstDeletion  | push
 *   deleted       | deleteEvent      | deletionAgainstEdit  | unlink               | deleteEvent
 *   notInRun      | keep             | pull                 | eventDeleted         | keep
 * one-way         |                  |                      |                      |
 *   unchanged     | keep             | revertCalendarEdit   | restoreOrUnlink      | keep
 *   changed       | push             | revertCalendarEdit   | restoreOrUnlink      | push
 *   deleted       | deleteEvent      | deleteEvent          | unlink               | deleteEvent
 *   notInRun      | keep             | keep                 | unlink               | keep
 */
const TWO_WAY: Record<ActivitySide, Record<CalendarSide, Action>> = {
	unchanged: { unchanged: keep, changed: pull, deleted: eventDeleted, notListed: keep },
	changed: { unchanged: push, changed: bothChanged, deleted: editAgainstDeletion, notListed: push },
	deleted: {
		unchanged: deleteEvent,
		changed: deletionAgainstEdit,
		deleted: unlink,
		notListed: deleteEvent,
	},
	notInRun: { unchanged: keep, changed: pull, deleted: eventDeleted, notListed: keep },
};
const ONE_WAY: Record<ActivitySide, Record<CalendarSide, Action>> = {
	unchanged: {
		unchanged: keep,
		changed: revertCalendarEdit,
		deleted: restoreOrUnlink,
		notListed: keep,
	},
	changed: {
		unchanged: push,
		changed: revertCalendarEdit,
		deleted: restoreOrUnlink,
		notListed: push,
	},
	deleted: {
		unchanged: deleteEvent,
		changed: deleteEvent,
		deleted: unlink,
		notListed: deleteEvent,
	},
	notInRun: { unchanged: keep, changed: keep, deleted: unlink, notListed: keep },
};

export function actionFor(b: PlanBuilder, pair: Pair): Action {
	if (pair.scope === 'quiet') return quiet;
	if (pair.scope === 'leftScope') return leftScope;
	return (b.twoWay ? TWO_WAY : ONE_WAY)[pair.activitySide][pair.calendarSide];
}

// ---- classifying a linked pair ----

export function classify(b: PlanBuilder, link: Link): Pair {
	const activity = b.activities.get(link.activityId);
	const event = b.events.get(link.eventId);
	const activitySide = activitySideOf(b, link, activity);
	const calendarSide = calendarSideOf(b, link, activity, event);
	return {
		link,
		activity,
		event,
		activitySide,
		calendarSide,
		scope: scopeOf(b, link, activity, event, activitySide, calendarSide),
	};
}

function activitySideOf(b: PlanBuilder, link: Link, activity: Activity | undefined): ActivitySide {
	if (!activity) return b.input.inputIsFullSet ? 'deleted' : 'notInRun';
	if (activity.deleted) return 'deleted';
	// An activity out of scope renders to nothing: that is a scope question, not an edit.
	if (!b.inScope(activity, link.createdBy)) return 'unchanged';
	const hash = b.activityHash(activity, link.createdBy);
	if (hash === link.activityHash) return 'unchanged';
	// Already written by a run whose status was not kept (a manual run): the event says so.
	return b.events.get(link.eventId)?.privateProperties[TAG_WRITTEN] === hash
		? 'unchanged'
		: 'changed';
}

function calendarSideOf(
	b: PlanBuilder,
	link: Link,
	activity: Activity | undefined,
	event: CalendarEvent | undefined,
): CalendarSide {
	if (event) {
		if (event.status === 'cancelled') return 'deleted';
		return event.etag === link.etag || contentHash(event) === link.eventHash
			? 'unchanged'
			: 'changed';
	}
	if (!b.input.listingIsFull) return 'notListed';
	// A full listing starts at the window: an event that ends before it is simply not listed.
	if (!activity || whenEnd(activity.when) < b.settings.windowStartMs) return 'notListed';
	return 'deleted';
}

function scopeOf(
	b: PlanBuilder,
	link: Link,
	activity: Activity | undefined,
	event: CalendarEvent | undefined,
	a: ActivitySide,
	c: CalendarSide,
): Scope {
	if (a === 'deleted' || c === 'deleted' || !activity) return 'synced';
	const theirs = link.createdBy === 'calendar';
	if (b.hidesPrivate() && activity.private) return theirs ? 'quiet' : 'leftScope';
	if (b.hidesPrivate() && b.twoWay && event && b.isPrivateEvent(event)) return 'quiet';
	if (!b.inScope(activity, link.createdBy)) return theirs ? 'quiet' : 'leftScope';
	return 'synced';
}

export function decideLinked(b: PlanBuilder, link: Link): void {
	b.handledEvents.add(link.eventId);
	b.handledActivities.add(link.activityId);
	if (b.held.has(link.activityId)) {
		b.plan.counts.skipped++;
		return;
	}
	const pair = classify(b, link);
	actionFor(b, pair)(b, pair);
}

// ---- an activity without a link ----

/**
 * An activity nobody links yet, in this order:
 * 1. it is the activity the source created from a pending import (written-back event id, or same type, title and
 *    start; look-alikes are taken one each) -> link it to that event and tag the event;
 * 2. an event already exists for it (its derived id, our tag, a written-back id) -> link (a lost status);
 *    still out of scope -> our own event goes, the user's stays; cancelled and in scope -> bring it back;
 * 3. two-way: an untagged event nobody links looks the same (import type, title, start) -> link, never a twin;
 * 4. in scope and not over before the window -> a new event; otherwise nothing.
 */
export function decideUnlinkedActivity(b: PlanBuilder, activity: Activity): void {
	b.handledActivities.add(activity.id);
	if (linkPendingImport(b, activity)) return;
	if (relinkExisting(b, activity)) return;
	if (b.twoWay && linkLookAlike(b, activity)) return;
	if (!b.inScope(activity, 'activity') || whenEnd(activity.when) < b.settings.windowStartMs) {
		b.plan.counts.skipped++;
		return;
	}
	const derivedId = eventIdForActivity(activity.id);
	b.insert(activity, derivedId, 'activity', b.events.get(derivedId)?.status === 'cancelled');
}

function linkPendingImport(b: PlanBuilder, activity: Activity): boolean {
	const byId = activity.eventId ? b.plan.pending.get(activity.eventId) : undefined;
	const pending =
		byId ?? b.pendingByKey.get(matchKey(activity.type, activity.subject, activity.when))?.[0];
	if (!pending || b.linkedEvents.has(pending.eventId)) return false;
	b.takePending(pending);
	const listed = b.events.get(pending.eventId);
	const link = b.adopt(
		activity,
		{
			eventId: pending.eventId,
			eventHash: pending.eventHash,
			etag: pending.etag,
			tags: listed?.privateProperties ?? {},
		},
		'calendar',
	);
	// Since the import, the activity may have been edited (a written-back id finds it even with another title or
	// start: its match key tells) and the event may have changed or gone (this listing is the only time the feed says so).
	const edited = matchKey(activity.type, activity.subject, activity.when) !== pending.matchKey;
	const event = listed;
	const pair: Pair = {
		link,
		activity,
		event,
		activitySide: edited ? 'changed' : 'unchanged',
		calendarSide: event ? calendarSideOf(b, link, activity, event) : 'notListed',
		scope: 'synced',
	};
	pair.scope = scopeOf(b, link, activity, event, pair.activitySide, pair.calendarSide);
	if (edited || pair.calendarSide !== 'unchanged') actionFor(b, pair)(b, pair);
	// Listed but unchanged (our own tag write, say): take its current etag, so a later write's If-Match holds.
	else if (event) b.keep(link, activity, event);
	return true;
}

function relinkExisting(b: PlanBuilder, activity: Activity): boolean {
	const derivedId = eventIdForActivity(activity.id);
	const existing =
		b.events.get(derivedId) ??
		taggedFor(b, activity.id) ??
		(activity.eventId ? b.events.get(activity.eventId) : undefined);
	if (!existing || b.linkedEvents.has(existing.id)) return false;
	const createdBy: Link['createdBy'] =
		existing.privateProperties[TAG_ORIGIN] === 'calendar' || existing.id !== derivedId
			? 'calendar'
			: 'activity';
	b.handledEvents.add(existing.id);
	if (!b.inScope(activity, createdBy)) {
		if (existing.status !== 'cancelled' && createdBy === 'activity') {
			b.deleteOp({
				verb: 'delete',
				activityId: activity.id,
				eventId: existing.id,
				itemIndex: activity.itemIndex,
				reason: 'notSynced',
			});
		} else b.plan.counts.skipped++;
		return true;
	}
	if (existing.status === 'cancelled') {
		b.insert(activity, existing.id, createdBy, true);
		return true;
	}
	const link = b.adopt(activity, targetOf(existing), createdBy);
	if (b.activityHash(activity, createdBy) === contentHash(existing)) return true;
	// Linked without a status, and the two differ: our own event is a conflict decided by the policy; the user's own
	// event is taken as it is (no known change of the activity can justify rewriting it).
	const activitySide: ActivitySide = createdBy === 'calendar' ? 'unchanged' : 'changed';
	const pair: Pair = {
		link,
		activity,
		event: existing,
		activitySide,
		calendarSide: 'changed',
		scope: 'synced',
	};
	pair.scope = scopeOf(b, link, activity, existing, activitySide, 'changed');
	actionFor(b, pair)(b, pair);
	return true;
}

/** Live events carrying our tag for an activity, indexed once per plan. */
function taggedFor(b: PlanBuilder, activityId: string): CalendarEvent | undefined {
	if (!b.taggedEvents) {
		b.taggedEvents = new Map();
		for (const event of b.input.events) {
			const tag = event.privateProperties[TAG_ACTIVITY];
			if (tag && event.status !== 'cancelled' && !b.linkedEvents.has(event.id))
				b.taggedEvents.set(tag, event);
		}
	}
	return b.taggedEvents.get(activityId);
}

function linkLookAlike(b: PlanBuilder, activity: Activity): boolean {
	if (activity.type !== b.settings.importType) return false;
	const key = matchKey(activity.type, activity.subject, activity.when);
	const candidates = (lookAlikes(b).get(key) ?? []).filter(
		(event) => !b.linkedEvents.has(event.id),
	);
	const twin = candidates.find((event) => event.status !== 'cancelled') ?? candidates[0];
	if (!twin) return false;
	if (twin.status === 'cancelled') return importedThenDeleted(b, activity, twin);
	const link = b.adopt(activity, targetOf(twin), 'calendar');
	// Found by the key it was imported under: the user changed the event since, and that change goes to the activity.
	const when = whenOfEvent(twin.start, twin.end);
	if (when && matchKey(b.settings.importType, twin.summary ?? '', when) !== key) {
		const pair: Pair = {
			link,
			activity,
			event: twin,
			activitySide: 'unchanged',
			calendarSide: 'changed',
			scope: 'synced',
		};
		pair.scope = scopeOf(b, link, activity, twin, 'unchanged', 'changed');
		actionFor(b, pair)(b, pair);
	}
	return true;
}

/**
 * The activity was made from an event the user deleted since (its import key says so), and the status that knew
 * it is gone: with deletions synced the activity goes too; otherwise it is an activity like any other.
 */
function importedThenDeleted(b: PlanBuilder, activity: Activity, event: CalendarEvent): boolean {
	if (!b.twoWay || !b.settings.propagateDeletions) return false;
	b.handledEvents.add(event.id);
	b.linkedEvents.set(event.id, activity.id);
	b.pushChange({
		action: 'delete',
		activityId: activity.id,
		eventId: event.id,
		itemIndex: activity.itemIndex,
	});
	return true;
}

/** Untagged events by match key (deleted ones only by the key they were imported under), indexed once per plan. */
function lookAlikes(b: PlanBuilder): Map<string, CalendarEvent[]> {
	if (!b.lookAlikeEvents) {
		b.lookAlikeEvents = new Map();
		for (const event of b.input.events) {
			if (
				event.privateProperties[TAG_ACTIVITY] ||
				b.linkedEvents.has(event.id) ||
				b.plan.pending.has(event.id)
			)
				continue;
			if (event.status === 'cancelled') {
				const importKey = event.privateProperties[TAG_IMPORT];
				if (importKey)
					b.lookAlikeEvents.set(importKey, [...(b.lookAlikeEvents.get(importKey) ?? []), event]);
				continue;
			}
			// (A private event under "Don't sync" is linked too: the pair then goes quiet instead of getting a twin.)
			const when = whenOfEvent(event.start, event.end);
			if (!when) continue;
			// Its title and start now, and the key it was imported under (the user may have edited it since).
			const keys = new Set([
				matchKey(b.settings.importType, event.summary ?? '', when),
				event.privateProperties[TAG_IMPORT],
			]);
			for (const key of keys)
				if (key) b.lookAlikeEvents.set(key, [...(b.lookAlikeEvents.get(key) ?? []), event]);
		}
	}
	return b.lookAlikeEvents;
}

// ---- an event without a link ----

/**
 * An event nobody links, in this order:
 * 1. it carries our tag but its activity is not in this run: with the full input, an event this sync created for
 *    an activity that is gone is deleted (deletions synced); otherwise nothing;
 * 2. one-way: nothing (the user's own events are never touched);
 * 3. a pending import: cancelled -> forget it; changed -> the change goes to the source by event id (never the
 *    details of a private event under "Don't sync");
 * 4. cancelled, private under "Don't sync", unreadable, or over before the window -> nothing;
 * 5. otherwise -> imported as a new activity of the import type, pending until the source created it.
 */
export function decideUnlinkedEvent(b: PlanBuilder, event: CalendarEvent): void {
	b.handledEvents.add(event.id);
	const tag = event.privateProperties[TAG_ACTIVITY];
	if (tag) return orphanOf(b, event, tag);
	if (!b.twoWay) return;
	const pending = b.plan.pending.get(event.id);
	const hidden = b.hidesPrivate() && b.isPrivateEvent(event);
	if (pending) {
		if (event.status === 'cancelled') b.takePending(pending);
		else if (!hidden && contentHash(event) !== pending.eventHash) {
			const fields = b.fromEvent(event);
			if (fields) b.pushChange({ action: 'update', eventId: event.id, fields });
			b.plan.pending.set(event.id, { ...pending, eventHash: contentHash(event), etag: event.etag });
		}
		return;
	}
	if (event.status === 'cancelled' || hidden) return;
	const when = whenOfEvent(event.start, event.end);
	if (!when || whenEnd(when) < b.settings.windowStartMs) return;
	b.importEvent(event);
}

function orphanOf(b: PlanBuilder, event: CalendarEvent, activityId: string): void {
	const ours = event.privateProperties[TAG_ORIGIN] === 'activity';
	if (
		b.input.inputIsFullSet &&
		b.settings.propagateDeletions &&
		ours &&
		event.status !== 'cancelled' &&
		!b.activities.has(activityId)
	) {
		b.deleteOp({ verb: 'delete', activityId, eventId: event.id, reason: 'orphan' });
	}
}
