import type { Activity, ActivityFromEvent } from '../calendar/activity';
import { eventIdForActivity } from '../calendar/eventIds';
import type { CalendarEvent, EventWrite } from '../calendar/types';
import {
	activityFromEvent,
	contentHash,
	isMasked,
	matchKey,
	renderEvent,
	TAG_ACTIVITY,
	TAG_ORIGIN,
	whenOfEvent,
	type RenderOptions,
} from './calendarContent';

/**
 * The Calendar Sync planner: a pure function from (activities, events, the last status) to (calendar writes,
 * changes for the activity source, the next status). After vdirsyncer: each link keeps both sides' content
 * hashes and the event's etag; a side changed when its content hash moved; a side that suddenly looks empty
 * stops the run instead of deleting everything on the other one.
 */

export interface Link {
	activityId: string;
	eventId: string;
	/** Content hash of the activity as rendered into an event, at the last sync. */
	ah: string;
	/** Content hash of the event at the last sync. */
	eh: string;
	/** Event etag at the last sync. */
	et: string;
	/** Who created the event: 'a' this node from an activity, 'c' the calendar user (imported). */
	origin: 'a' | 'c';
}

/** An imported event whose activity the source has not created yet (two-way). */
export interface Pending {
	eventId: string;
	/** matchKey(type, subject, start) as emitted. */
	key: string;
	eh: string;
	et: string;
}

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

export type CalendarOp =
	| { kind: 'insert'; activityId: string; eventId: string; event: EventWrite; itemIndex: number }
	| {
			kind: 'patch';
			activityId: string;
			eventId: string;
			patch: EventWrite;
			/** If-Match: only when the event is still as we saw it. */
			etag?: string;
			itemIndex?: number;
			/** Bring a cancelled event back (its id is taken forever). */
			restore?: boolean;
			reason: 'activityChanged' | 'conflictActivityWon' | 'revertCalendarEdit' | 'relink' | 'tag' | 'restore';
	  }
	| { kind: 'delete'; activityId?: string; eventId: string; itemIndex?: number; reason: 'activityDeleted' | 'notSynced' | 'orphan' };

export interface ActivityChange {
	action: 'create' | 'update' | 'delete' | 'conflict';
	activityId?: string;
	eventId: string;
	fields?: ActivityFromEvent;
	itemIndex?: number;
	conflict?: {
		winner: 'activity' | 'calendar';
		/** The losing side's version, so a person can review it. */
		discarded: { side: 'activity' | 'calendar'; fields?: ActivityFromEvent; activity?: Activity };
	};
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

/** Deletions beyond this share of the links stop the run (with at least MASS_MIN links). */
const MASS_SHARE = 0.5;
const MASS_MIN = 10;
/** A side that looks empty stops the run once this many links exist. */
const EMPTY_MIN = 2;

export function reconcile(input: ReconcileInput): ReconcilePlan {
	const { settings } = input;
	const twoWay = settings.direction === 'twoWay';
	const plan: ReconcilePlan = {
		calendar: [],
		activities: [],
		links: new Map(input.links.map((link) => [link.activityId, { ...link }])),
		pending: new Map(input.pending.map((p) => [p.eventId, { ...p }])),
		counts: { unchanged: 0, skipped: 0 },
	};
	const events = new Map<string, CalendarEvent>();
	for (const event of input.events) events.set(event.id, event);
	const activities = new Map<string, Activity>();
	for (const activity of input.activities) activities.set(activity.id, activity);
	const linkedEvents = new Map(input.links.map((link) => [link.eventId, link.activityId]));
	const handledEvents = new Set<string>();
	const handledActivities = new Set<string>();
	const held = new Set(input.heldActivityIds ?? []);

	const render = (activity: Activity) => renderEvent(activity, settings.render);
	const activityHash = (activity: Activity) => {
		const event = render(activity);
		return event ? contentHash(event) : '';
	};
	const eligible = (activity: Activity, link?: Link) =>
		!activity.deleted &&
		render(activity) !== undefined &&
		// Imported events keep their link whatever the push filter says.
		(link?.origin === 'c' || settings.typeFilter.length === 0 || settings.typeFilter.includes(activity.type));
	const fromEvent = (event: CalendarEvent, activity?: Activity) =>
		activityFromEvent(
			event,
			settings.defaultTimeZone,
			activity ? activity.private && settings.render.privatePolicy === 'busy' : isMasked(event, settings.render),
		);
	const patchFor = (activity: Activity): EventWrite => {
		const event = render(activity)!;
		// Explicit empties so a patch clears what the activity no longer has.
		return { ...event, description: event.description ?? '', attendees: event.attendees ?? (settings.render.addAttendees ? [] : undefined) };
	};
	const linkOf = (activity: Activity, eventId: string, origin: Link['origin'], event?: CalendarEvent): Link => ({
		activityId: activity.id,
		eventId,
		ah: activityHash(activity),
		eh: event ? contentHash(event) : '',
		et: event?.etag ?? '',
		origin,
	});
	/** Which side wins when both changed. Without an activity timestamp the activity wins (its change is seen now). */
	const winner = (activity: Activity, event: CalendarEvent): 'activity' | 'calendar' => {
		if (!twoWay || settings.conflict === 'activities') return 'activity';
		if (settings.conflict === 'calendar') return 'calendar';
		const eventUpdated = event.updated ? Date.parse(event.updated) : NaN;
		if (activity.updatedAt === undefined || Number.isNaN(eventUpdated)) return 'activity';
		return eventUpdated > activity.updatedAt ? 'calendar' : 'activity';
	};
	const updateFromEvent = (link: Link, activity: Activity | undefined, event: CalendarEvent, conflict?: ActivityChange['conflict']) => {
		const fields = fromEvent(event, activity);
		if (!fields) return;
		plan.activities.push({ action: 'update', activityId: link.activityId, eventId: event.id, fields, itemIndex: activity?.itemIndex, conflict });
		// The source will take the event's content: expect exactly that next run (no echo).
		plan.links.set(link.activityId, { ...link, ah: contentHash(event), eh: contentHash(event), et: event.etag });
	};
	/** Both sides differ from each other and from the status (or there is no status): resolve by policy. */
	const resolve = (link: Link, activity: Activity, event: CalendarEvent) => {
		if (activityHash(activity) === contentHash(event)) {
			plan.links.set(link.activityId, { ...link, ah: activityHash(activity), eh: contentHash(event), et: event.etag });
			plan.counts.unchanged++;
			return;
		}
		if (winner(activity, event) === 'calendar') {
			updateFromEvent(link, activity, event, { winner: 'calendar', discarded: { side: 'activity', activity } });
			return;
		}
		plan.calendar.push({
			kind: 'patch',
			activityId: activity.id,
			eventId: event.id,
			patch: patchFor(activity),
			etag: event.etag,
			itemIndex: activity.itemIndex,
			reason: twoWay ? 'conflictActivityWon' : 'revertCalendarEdit',
		});
		if (twoWay) {
			plan.activities.push({
				action: 'conflict',
				activityId: activity.id,
				eventId: event.id,
				itemIndex: activity.itemIndex,
				conflict: { winner: 'activity', discarded: { side: 'calendar', fields: fromEvent(event, activity) } },
			});
		}
		plan.links.set(link.activityId, { ...link, ah: activityHash(activity), eh: contentHash(event), et: event.etag });
	};
	const insertOrRestore = (activity: Activity, eventId: string, origin: Link['origin'], cancelled?: CalendarEvent) => {
		if (cancelled) {
			// A deleted event keeps its id forever: bring it back instead of inserting.
			plan.calendar.push({
				kind: 'patch',
				activityId: activity.id,
				eventId,
				patch: { ...patchFor(activity), status: 'confirmed' },
				itemIndex: activity.itemIndex,
				restore: true,
				reason: 'restore',
			});
		} else {
			plan.calendar.push({ kind: 'insert', activityId: activity.id, eventId, event: render(activity)!, itemIndex: activity.itemIndex });
		}
		plan.links.set(activity.id, { ...linkOf(activity, eventId, origin), eh: '', et: '' });
	};
	const deleteEvent = (link: Link, itemIndex: number | undefined, reason: 'activityDeleted' | 'notSynced') => {
		plan.calendar.push({ kind: 'delete', activityId: link.activityId, eventId: link.eventId, itemIndex, reason });
		plan.links.delete(link.activityId);
	};

	// 1. Every known link: compare both sides with the status.
	for (const link of input.links) {
		const activity = activities.get(link.activityId);
		const event = events.get(link.eventId);
		handledEvents.add(link.eventId);
		handledActivities.add(link.activityId);
		if (held.has(link.activityId)) {
			plan.counts.skipped++;
			continue;
		}
		const activityGone = activity ? activity.deleted : input.inputIsFullSet;
		const activityChanged = activity !== undefined && !activity.deleted && activityHash(activity) !== link.ah;
		let eventState: 'same' | 'changed' | 'deleted' | 'unknown';
		if (event) {
			if (event.status === 'cancelled') eventState = 'deleted';
			else eventState = event.etag === link.et || contentHash(event) === link.eh ? 'same' : 'changed';
		} else if (input.listingIsFull) {
			// A full listing starts at the window: an event that ends before it is simply not listed.
			const before = activity && endMs(activity) < settings.windowStartMs;
			eventState = before || !activity ? 'unknown' : 'deleted';
		} else {
			eventState = 'same';
		}

		if (activityGone) {
			if (eventState === 'deleted' || (eventState === 'unknown' && !event)) {
				plan.links.delete(link.activityId);
			} else if (eventState === 'changed' && twoWay && event) {
				// An edit beats a deletion (vdirsyncer): the event comes back as a new activity.
				const fields = fromEvent(event);
				plan.links.delete(link.activityId);
				if (fields) {
					plan.activities.push({ action: 'create', eventId: event.id, fields: { ...fields, type: settings.importType } });
					plan.pending.set(event.id, pendingOf(event, settings.importType, fields));
				}
			} else if (settings.propagateDeletions) {
				deleteEvent(link, activity?.itemIndex, 'activityDeleted');
			} else {
				plan.links.delete(link.activityId);
			}
			continue;
		}
		if (!activity) {
			// Changed-only input: the activity is not here this run. Only the event side can speak.
			if (eventState === 'changed' && twoWay && event) updateFromEvent(link, undefined, event);
			else if (eventState === 'deleted') {
				if (twoWay && settings.propagateDeletions) {
					plan.activities.push({ action: 'delete', activityId: link.activityId, eventId: link.eventId });
				}
				plan.links.delete(link.activityId);
			} else plan.counts.unchanged++;
			continue;
		}
		if (!eligible(activity, link)) {
			if (eventState === 'deleted') plan.links.delete(link.activityId);
			else deleteEvent(link, activity.itemIndex, 'notSynced');
			continue;
		}
		switch (eventState) {
			case 'deleted':
				if (twoWay && !activityChanged) {
					if (settings.propagateDeletions) {
						plan.activities.push({ action: 'delete', activityId: activity.id, eventId: link.eventId, itemIndex: activity.itemIndex });
					}
					plan.links.delete(link.activityId);
				} else {
					// One-way mirrors the activities; two-way: a changed activity beats the deletion.
					insertOrRestore(activity, link.eventId, link.origin, event ?? ({ id: link.eventId } as CalendarEvent));
				}
				break;
			case 'changed':
				if (!twoWay || activityChanged) resolve(link, activity, event!);
				else updateFromEvent(link, activity, event!);
				break;
			case 'same':
			case 'unknown':
				if (activityChanged) {
					plan.calendar.push({
						kind: 'patch',
						activityId: activity.id,
						eventId: link.eventId,
						patch: patchFor(activity),
						etag: link.et || undefined,
						itemIndex: activity.itemIndex,
						reason: 'activityChanged',
					});
					plan.links.set(link.activityId, { ...link, ah: activityHash(activity) });
				} else {
					plan.counts.unchanged++;
				}
				break;
		}
	}

	// 2. Activities without a link: re-link what exists (derived id, tag, pending import), then create.
	const unlinked = input.activities.filter((a) => !handledActivities.has(a.id) && !a.deleted);
	const tagged = new Map<string, CalendarEvent>();
	for (const event of input.events) {
		const tag = event.privateProperties[TAG_ACTIVITY];
		if (tag && event.status !== 'cancelled' && !linkedEvents.has(event.id)) tagged.set(tag, event);
	}
	const pendingByKey = new Map<string, Pending>();
	for (const pending of plan.pending.values()) pendingByKey.set(pending.key, pending);
	for (const activity of unlinked) {
		handledActivities.add(activity.id);
		const pending =
			(activity.eventId ? plan.pending.get(activity.eventId) : undefined) ??
			pendingByKey.get(matchKey(activity.type, activity.subject, activity.when));
		if (pending && !linkedEvents.has(pending.eventId)) {
			// The activity the source created from an imported event: link it, tag the event so a lost state re-links.
			plan.pending.delete(pending.eventId);
			pendingByKey.delete(pending.key);
			handledEvents.add(pending.eventId);
			linkedEvents.set(pending.eventId, activity.id);
			plan.links.set(activity.id, { activityId: activity.id, eventId: pending.eventId, ah: activityHash(activity), eh: pending.eh, et: pending.et, origin: 'c' });
			plan.calendar.push(tagOp(activity, pending.eventId));
			continue;
		}
		const derivedId = eventIdForActivity(activity.id);
		const existing = events.get(derivedId) ?? tagged.get(activity.id) ?? (activity.eventId ? events.get(activity.eventId) : undefined);
		if (existing && !linkedEvents.has(existing.id)) {
			handledEvents.add(existing.id);
			linkedEvents.set(existing.id, activity.id);
			const origin: Link['origin'] = existing.privateProperties[TAG_ORIGIN] === 'calendar' || existing.id !== derivedId ? 'c' : 'a';
			if (!eligible(activity, { origin } as Link)) {
				if (existing.status !== 'cancelled' && origin === 'a') {
					plan.calendar.push({ kind: 'delete', activityId: activity.id, eventId: existing.id, itemIndex: activity.itemIndex, reason: 'notSynced' });
				} else plan.counts.skipped++;
				continue;
			}
			if (existing.status === 'cancelled') {
				insertOrRestore(activity, existing.id, origin, existing);
				continue;
			}
			const link = linkOf(activity, existing.id, origin, existing);
			plan.links.set(activity.id, link);
			if (origin === 'c' && existing.privateProperties[TAG_ACTIVITY] !== activity.id) plan.calendar.push(tagOp(activity, existing.id));
			resolve(link, activity, existing);
			continue;
		}
		if (!eligible(activity) || endMs(activity) < settings.windowStartMs) {
			plan.counts.skipped++;
			continue;
		}
		insertOrRestore(activity, derivedId, 'a', events.get(derivedId));
	}

	// 3. Events nobody links yet: imports (two-way), pending updates, orphans of a lost status.
	for (const event of input.events) {
		if (handledEvents.has(event.id) || linkedEvents.has(event.id)) continue;
		handledEvents.add(event.id);
		const tag = event.privateProperties[TAG_ACTIVITY];
		if (tag) {
			// Ours, but its activity is not in this run. With the full set, that activity was deleted.
			const ownEvent = event.privateProperties[TAG_ORIGIN] === 'activity';
			if (input.inputIsFullSet && settings.propagateDeletions && ownEvent && event.status !== 'cancelled' && !activities.has(tag)) {
				plan.calendar.push({ kind: 'delete', activityId: tag, eventId: event.id, reason: 'orphan' });
			}
			continue;
		}
		if (!twoWay) continue;
		const pending = plan.pending.get(event.id);
		if (event.status === 'cancelled') {
			if (pending) plan.pending.delete(event.id);
			continue;
		}
		const fields = fromEvent(event);
		if (!fields) continue;
		if (pending) {
			if (contentHash(event) !== pending.eh) {
				// Changed before its activity arrived: the source can apply this by event id.
				plan.activities.push({ action: 'update', eventId: event.id, fields });
				plan.pending.set(event.id, { ...pending, eh: contentHash(event), et: event.etag });
			}
			continue;
		}
		if (fields.private && settings.render.privatePolicy === 'skip') continue;
		const when = whenOfEvent(event.start, event.end);
		if (!when || whenEnd(when) < settings.windowStartMs) continue;
		plan.activities.push({ action: 'create', eventId: event.id, fields: { ...fields, type: settings.importType } });
		plan.pending.set(event.id, pendingOf(event, settings.importType, fields));
	}

	plan.stop = safetyStop(input, plan);
	return plan;
}

function tagOp(activity: Activity, eventId: string): CalendarOp {
	return {
		kind: 'patch',
		activityId: activity.id,
		eventId,
		patch: { privateProperties: { [TAG_ACTIVITY]: activity.id, [TAG_ORIGIN]: 'calendar' } },
		itemIndex: activity.itemIndex,
		reason: 'tag',
	};
}

function pendingOf(event: CalendarEvent, type: string, fields: ActivityFromEvent): Pending {
	return { eventId: event.id, key: matchKey(type, fields.subject ?? '', fields.when), eh: contentHash(event), et: event.etag };
}

function endMs(activity: Activity): number {
	return whenEnd(activity.when);
}

function whenEnd(when: Activity['when']): number {
	return when.allDay ? Date.parse(`${when.endDate}T23:59:59Z`) : when.endMs;
}

/** vdirsyncer's StorageEmpty plus a share limit: a listing or permission fault must not look like mass deletion. */
function safetyStop(input: ReconcileInput, plan: ReconcilePlan): string | undefined {
	if (input.settings.allowMassDeletion) return undefined;
	const linkCount = input.links.length;
	if (linkCount < EMPTY_MIN) return undefined;
	if (input.inputIsFullSet) {
		const came = new Set(input.heldActivityIds ?? []);
		for (const activity of input.activities) if (!activity.deleted) came.add(activity.id);
		if (!input.links.some((link) => came.has(link.activityId))) {
			return `The activity input looks empty: none of the ${linkCount} linked activities came in, so every event would be deleted. Check the node that feeds Calendar Sync, or enable "Allow Mass Deletion" if this is intended.`;
		}
	}
	if (input.listingIsFull) {
		const listed = new Set(input.events.filter((e) => e.status !== 'cancelled').map((e) => e.id));
		if (!input.links.some((link) => listed.has(link.eventId))) {
			return `The calendar looks empty: none of the ${linkCount} linked events were listed, so every activity would be deleted or re-created. Check the chosen calendar and the credential, or enable "Allow Mass Deletion" if this is intended.`;
		}
	}
	const deletions =
		plan.calendar.filter((op) => op.kind === 'delete').length + plan.activities.filter((change) => change.action === 'delete').length;
	if (linkCount >= MASS_MIN && deletions > linkCount * MASS_SHARE) {
		return `This run would delete ${deletions} of ${linkCount} synced items, more than half. Nothing was changed. Enable "Allow Mass Deletion" if this is intended.`;
	}
	return undefined;
}
