import type { Activity, ActivityFromEvent, When } from '../types/activity';
import type { CalendarEvent, EventWrite } from '../types/calendarEvents';
import {
	activityFromEvent,
	contentHash,
	isMasked,
	matchKey,
	renderEvent,
	TAG_ACTIVITY,
	TAG_IMPORT,
	TAG_ORIGIN,
	TAG_WRITTEN,
} from './calendarContent';
import type {
	ActivityChange,
	CalendarOp,
	Conflict,
	Link,
	Pending,
	PatchReason,
	ReconcileInput,
	ReconcilePlan,
} from './calendarReconcile';

type CreatedBy = Link['createdBy'];

interface Rendered {
	event: EventWrite | undefined;
	hash: string;
}

/** An existing event (or a pending import) an activity can be linked to. */
export interface LinkTarget {
	eventId: string;
	eventHash: string;
	etag: string;
	tags: Record<string, string>;
}

export function targetOf(event: CalendarEvent): LinkTarget {
	return {
		eventId: event.id,
		eventHash: contentHash(event),
		etag: event.etag,
		tags: event.privateProperties,
	};
}

/**
 * The plan being built, and the small actions the situation table picks from. The actions only write what they
 * are told: which one runs in which situation is decided in calendarSituations.ts, nowhere else.
 */
export class PlanBuilder {
	readonly plan: ReconcilePlan;
	readonly settings: ReconcileInput['settings'];
	readonly twoWay: boolean;
	readonly events = new Map<string, CalendarEvent>();
	readonly activities = new Map<string, Activity>();
	/** event id -> activity id of every link at the start, and of every link made this run. */
	readonly linkedEvents: Map<string, string>;
	readonly handledEvents = new Set<string>();
	readonly handledActivities = new Set<string>();
	readonly held: Set<string>;
	/** Imported events waiting for their activity, by match key (look-alikes share a key: a list each). */
	readonly pendingByKey = new Map<string, Pending[]>();
	/** Built on first use by the situation table: live events by our tag, untagged events by match key. */
	taggedEvents?: Map<string, CalendarEvent>;
	/** Tag-only patches by event id; a later full patch of the same event carries the tags and replaces them. */
	private readonly tagOps = new Map<string, CalendarOp>();
	private readonly superseded = new Set<CalendarOp>();
	lookAlikeEvents?: Map<string, CalendarEvent[]>;

	constructor(readonly input: ReconcileInput) {
		this.settings = input.settings;
		this.twoWay = input.settings.direction === 'twoWay';
		this.plan = {
			calendar: [],
			activities: [],
			links: new Map(input.links.map((link) => [link.activityId, { ...link }])),
			pending: new Map(input.pending.map((p) => [p.eventId, { ...p }])),
			counts: { unchanged: 0, skipped: 0 },
		};
		for (const event of input.events) this.events.set(event.id, event);
		for (const activity of input.activities) this.activities.set(activity.id, activity);
		this.linkedEvents = new Map(input.links.map((link) => [link.eventId, link.activityId]));
		this.held = new Set(input.heldActivityIds ?? []);
		for (const pending of this.plan.pending.values())
			this.pendingByKey.set(pending.matchKey, [
				...(this.pendingByKey.get(pending.matchKey) ?? []),
				pending,
			]);
	}

	// ---- reading both sides ----

	/** Rendered once per activity and owner: a run over 100,000 links asks several times for each. */
	private readonly rendered = new WeakMap<Activity, { activity?: Rendered; calendar?: Rendered }>();

	render(activity: Activity, createdBy: CreatedBy): EventWrite | undefined {
		return this.renderOnce(activity, createdBy).event;
	}

	activityHash(activity: Activity, createdBy: CreatedBy): string {
		return this.renderOnce(activity, createdBy).hash;
	}

	private renderOnce(activity: Activity, createdBy: CreatedBy): Rendered {
		let entry = this.rendered.get(activity);
		if (!entry) this.rendered.set(activity, (entry = {}));
		let done = entry[createdBy];
		if (!done) {
			const event = renderEvent(activity, this.settings.render, createdBy);
			done = entry[createdBy] = { event, hash: event ? contentHash(event) : '' };
		}
		return done;
	}

	/** The activity belongs in the calendar: not deleted, not private under "Don't sync", its type pushed. */
	inScope(activity: Activity, createdBy: CreatedBy): boolean {
		if (activity.deleted || this.render(activity, createdBy) === undefined) return false;
		// Imported events keep their link whatever the push filter says.
		return (
			createdBy === 'calendar' ||
			this.settings.typeFilter.length === 0 ||
			this.settings.typeFilter.includes(activity.type)
		);
	}

	isPrivateEvent(event: CalendarEvent): boolean {
		return event.visibility === 'private' || event.visibility === 'confidential';
	}

	/** "Don't sync" private events: neither side's private details cross. */
	hidesPrivate(): boolean {
		return this.settings.render.privatePolicy === 'skip';
	}

	/** What the event says about its activity. A "Busy" stand-in only carries its times (its title is not the subject). */
	fromEvent(event: CalendarEvent): ActivityFromEvent | undefined {
		return activityFromEvent(
			event,
			this.settings.defaultTimeZone,
			isMasked(event, this.settings.render),
		);
	}

	/** Which side wins a conflict. Without both timestamps the activity wins (its change is seen now). */
	winner(
		activityUpdatedAt: number | undefined,
		event: CalendarEvent | undefined,
	): 'activity' | 'calendar' {
		if (!this.twoWay || this.settings.conflict === 'activities') return 'activity';
		if (this.settings.conflict === 'calendar') return 'calendar';
		const eventUpdated = event?.updated ? Date.parse(event.updated) : NaN;
		if (activityUpdatedAt === undefined || Number.isNaN(eventUpdated)) return 'activity';
		return eventUpdated > activityUpdatedAt ? 'calendar' : 'activity';
	}

	// ---- actions ----

	/** Nothing to write; the status takes both sides as they are now. */
	keep(link: Link, activity?: Activity, event?: CalendarEvent): void {
		const next = { ...link };
		if (activity) next.activityHash = this.activityHash(activity, link.createdBy);
		if (event) Object.assign(next, { eventHash: contentHash(event), etag: event.etag });
		this.plan.links.set(link.activityId, next);
		this.plan.counts.unchanged++;
	}

	/** Quiet: nothing crosses; the event's current state is taken as seen, the activity's change waits. */
	quiet(link: Link, event?: CalendarEvent): void {
		if (event)
			this.plan.links.set(link.activityId, {
				...link,
				eventHash: contentHash(event),
				etag: event.etag,
			});
		this.plan.counts.skipped++;
	}

	/** The activity's content goes to its event (If-Match the etag we know). */
	push(link: Link, activity: Activity, reason: PatchReason, event?: CalendarEvent): void {
		const etag = event?.etag ?? link.etag;
		// Our own tag write would change the etag under this patch's If-Match: this patch carries the tags instead.
		const tagOp = this.tagOps.get(link.eventId);
		if (tagOp) this.superseded.add(tagOp);
		this.plan.calendar.push({
			verb: 'patch',
			activityId: activity.id,
			eventId: link.eventId,
			patch: this.patchFor(activity, link.createdBy),
			etag: etag || undefined,
			itemIndex: activity.itemIndex,
			reason,
		});
		const next = { ...link, activityHash: this.activityHash(activity, link.createdBy) };
		if (event) Object.assign(next, { eventHash: contentHash(event), etag: event.etag });
		this.plan.links.set(link.activityId, next);
	}

	/** The event's content goes to its activity. */
	pull(
		link: Link,
		activity: Activity | undefined,
		event: CalendarEvent,
		conflict?: Conflict,
	): void {
		const fields = this.fromEvent(event);
		if (!fields) return;
		this.plan.activities.push({
			action: 'update',
			activityId: link.activityId,
			eventId: event.id,
			fields,
			itemIndex: activity?.itemIndex,
			conflict,
		});
		// The source will take the event's content: expect exactly that activity next run (no echo back to the event).
		const after = activity ? afterPull(activity, fields) : undefined;
		const expected = after ? this.activityHash(after, link.createdBy) : contentHash(event);
		this.plan.links.set(link.activityId, {
			...link,
			activityHash: expected,
			eventHash: contentHash(event),
			etag: event.etag,
		});
		// Our own event shows the activity as the policy renders it (a
		// private one as "Busy"); the user's own is left as they made it.
		if (after && link.createdBy === 'activity' && expected !== contentHash(event))
			return this.push(link, after, 'activityChanged', event);
		// The event says which activity content it is in step with, so a run whose status is not kept (a manual one)
		// does not leave the next run taking this very update for a change made in the CRM.
		if (after && event.privateProperties[TAG_WRITTEN] !== expected) {
			const op: CalendarOp = {
				verb: 'patch',
				activityId: link.activityId,
				eventId: event.id,
				patch: { privateProperties: { [TAG_WRITTEN]: expected } },
				itemIndex: activity?.itemIndex,
				reason: 'tag',
			};
			this.plan.calendar.push(op);
			this.tagOps.set(event.id, op);
		}
	}

	/** Tell the activity source about a conflict the activity won. */
	report(activity: Activity, eventId: string, conflict: Conflict): void {
		this.plan.activities.push({
			action: 'conflict',
			activityId: activity.id,
			eventId,
			itemIndex: activity.itemIndex,
			conflict,
		});
	}

	deleteEvent(
		link: Link,
		itemIndex: number | undefined,
		reason: 'activityDeleted' | 'notSynced' | 'conflictActivityWon',
	): void {
		this.plan.calendar.push({
			verb: 'delete',
			activityId: link.activityId,
			eventId: link.eventId,
			itemIndex,
			reason,
		});
		this.plan.links.delete(link.activityId);
	}

	deleteActivity(link: Link, itemIndex: number | undefined, conflict?: Conflict): void {
		this.plan.activities.push({
			action: 'delete',
			activityId: link.activityId,
			eventId: link.eventId,
			itemIndex,
			conflict,
		});
		this.plan.links.delete(link.activityId);
	}

	unlink(link: Link): void {
		this.plan.links.delete(link.activityId);
	}

	/** The event comes back as a new activity (an edit that beat a deletion). */
	reimport(link: Link, event: CalendarEvent, conflict?: Conflict): void {
		this.plan.links.delete(link.activityId);
		// Free for the activity the source makes from it (it may be in this very run, after a manual run).
		this.linkedEvents.delete(link.eventId);
		this.importEvent(event, conflict);
	}

	importEvent(event: CalendarEvent, conflict?: Conflict): void {
		const fields = this.fromEvent(event);
		// "Don't sync": a private event's details never reach the activity source, whatever led here.
		if (!fields || (this.hidesPrivate() && this.isPrivateEvent(event))) return;
		const type = this.settings.importType;
		const key = matchKey(type, fields.subject ?? '', fields.when);
		this.addPending({
			eventId: event.id,
			matchKey: key,
			eventHash: contentHash(event),
			etag: event.etag,
		});
		// Already imported under this key by a run whose status was not kept (a manual run): the source has it.
		if (event.privateProperties[TAG_IMPORT] === key) return;
		this.plan.activities.push({
			action: 'create',
			eventId: event.id,
			fields: { ...fields, type },
			conflict,
		});
		// The key on the event itself: a manual run or a lost status forgets the pending entry, the event keeps it.
		this.plan.calendar.push({
			verb: 'patch',
			activityId: '',
			eventId: event.id,
			patch: { privateProperties: { [TAG_IMPORT]: key } },
			reason: 'tag',
		});
	}

	/** A new event for the activity, or its deleted one brought back (a deleted event keeps its id forever). */
	insert(activity: Activity, eventId: string, createdBy: CreatedBy, cancelled: boolean): void {
		if (cancelled) {
			const patch = { ...this.patchFor(activity, createdBy), status: 'confirmed' as const };
			this.plan.calendar.push({
				verb: 'patch',
				activityId: activity.id,
				eventId,
				patch,
				itemIndex: activity.itemIndex,
				restore: true,
				reason: 'restore',
			});
		} else {
			this.plan.calendar.push({
				verb: 'insert',
				activityId: activity.id,
				eventId,
				event: this.written(activity, createdBy),
				itemIndex: activity.itemIndex,
			});
		}
		this.setLink({
			activityId: activity.id,
			eventId,
			activityHash: this.activityHash(activity, createdBy),
			eventHash: '',
			etag: '',
			createdBy,
		});
	}

	/** Link an unlinked activity to an existing event (tagging the user's event so a lost status re-links). */
	adopt(activity: Activity, target: LinkTarget, createdBy: CreatedBy): Link {
		const link: Link = {
			activityId: activity.id,
			eventId: target.eventId,
			activityHash: this.activityHash(activity, createdBy),
			eventHash: target.eventHash,
			etag: target.etag,
			createdBy,
		};
		if (createdBy === 'calendar' && target.tags[TAG_ACTIVITY] !== activity.id) {
			// The import key is no longer needed once linked (removed only
			// where present: a patch cannot delete what is not there).
			const privateProperties: Record<string, string | null> = {
				[TAG_ACTIVITY]: activity.id,
				[TAG_ORIGIN]: 'calendar',
			};
			if (target.tags[TAG_IMPORT] !== undefined) privateProperties[TAG_IMPORT] = null;
			const op: CalendarOp = {
				verb: 'patch',
				activityId: activity.id,
				eventId: link.eventId,
				patch: { privateProperties },
				itemIndex: activity.itemIndex,
				reason: 'tag',
			};
			this.plan.calendar.push(op);
			this.tagOps.set(link.eventId, op);
		}
		this.setLink(link);
		return link;
	}

	setLink(link: Link): void {
		this.plan.links.set(link.activityId, link);
		this.linkedEvents.set(link.eventId, link.activityId);
		this.handledEvents.add(link.eventId);
		this.handledActivities.add(link.activityId);
	}

	addPending(pending: Pending): void {
		this.plan.pending.set(pending.eventId, pending);
		this.pendingByKey.set(pending.matchKey, [
			...(this.pendingByKey.get(pending.matchKey) ?? []),
			pending,
		]);
	}

	takePending(pending: Pending): void {
		this.plan.pending.delete(pending.eventId);
		const rest = (this.pendingByKey.get(pending.matchKey) ?? []).filter(
			(p) => p.eventId !== pending.eventId,
		);
		this.pendingByKey.set(pending.matchKey, rest);
	}

	/** The finished plan: tag patches that a full patch of the same event replaced are dropped. */
	finish(): ReconcilePlan {
		if (this.superseded.size)
			this.plan.calendar = this.plan.calendar.filter((op) => !this.superseded.has(op));
		return this.plan;
	}

	deleteOp(op: CalendarOp): void {
		this.plan.calendar.push(op);
	}

	pushChange(change: ActivityChange): void {
		this.plan.activities.push(change);
	}

	/** The activity's event, carrying the hash of what was written (see TAG_WRITTEN). */
	private written(activity: Activity, createdBy: CreatedBy): EventWrite {
		const event = this.render(activity, createdBy)!;
		return {
			...event,
			privateProperties: { ...event.privateProperties, [TAG_WRITTEN]: contentHash(event) },
		};
	}

	private patchFor(activity: Activity, createdBy: CreatedBy): EventWrite {
		const event = this.written(activity, createdBy);
		// Explicit empties so a patch clears what the activity no longer has.
		return {
			...event,
			description: event.description ?? '',
			attendees: event.attendees ?? (this.settings.render.addAttendees ? [] : undefined),
		};
	}
}

/** The activity as the source will hand it back once it applied an event's fields (inputs are read trimmed). */
function afterPull(activity: Activity, fields: ActivityFromEvent): Activity {
	return {
		...activity,
		when: fields.when,
		private: fields.private,
		subject: fields.subject === undefined ? activity.subject : fields.subject.trim(),
		note: fields.note === undefined ? activity.note : fields.note.trim(),
	};
}

export function whenEnd(when: When): number {
	return when.allDay ? Date.parse(`${when.endDate}T23:59:59Z`) : when.endMs;
}
