import type { CalendarEvent, CalendarProvider, EventListing } from '../calendar/types';
import { contentHash, TAG_ACTIVITY } from '../sync/calendarContent';
import type { CalendarOp, Link, ReconcilePlan } from '../sync/calendarReconcile';
import { CloudError, isCloudError } from '../types/cloudError';

/**
 * Calendar Sync's runner: lists the calendar and carries out the reconcile plan's writes through a calendar
 * provider, deciding nothing (the planner is sync/calendarReconcile.ts; the node shapes items and errors).
 */

/** What the runner tells the node of each write, in the plan's order. */
export interface CalendarWriteReport {
	/** Written; `action` is what the output says of it (none for a tag or a re-link). */
	written(
		op: CalendarOp,
		action: CalendarAction | undefined,
		event: CalendarEvent | undefined,
	): void;
	/** An event someone else organised: Google refuses the change for good; its link counts as settled. */
	readOnly(op: CalendarOp, error: CloudError): void;
	/**
	 * Failed for another reason: `applied` is the status as far as the writes succeeded. Throwing stops the run
	 * there; returning goes on with the next write.
	 */
	failed(op: CalendarOp, error: unknown, applied: Link[]): void;
}

export type CalendarAction = 'created' | 'updated' | 'deleted' | 'restored';

/**
 * Carries out the plan's calendar writes in order. A write that failed leaves its link as it was (in
 * `plan.links` too), so the next run decides again.
 */
export async function carryOutCalendarPlan(
	provider: CalendarProvider,
	calendarId: string,
	plan: Pick<ReconcilePlan, 'calendar' | 'links'>,
	previousLinks: readonly Link[],
	report: CalendarWriteReport,
): Promise<void> {
	const previous = new Map(previousLinks.map((link) => [link.activityId, link]));
	const applied = new Map(previous);
	const links = plan.links;
	for (const op of plan.calendar) {
		try {
			const result = await applyCalendarOp(provider, calendarId, op);
			settle(links, applied, op, result.event);
			report.written(op, result.action, result.event);
		} catch (error) {
			if (isReadOnlyEvent(error)) {
				// Said once; not retried until the activity changes again.
				settle(links, applied, op);
				report.readOnly(op, error);
				continue;
			}
			revert(links, previous, op.activityId);
			// Changed in Google after we listed it: the next run sees that change and decides with it.
			if (isCloudError(error, 'conflict') && error.details.providerCode === 'conditionNotMet')
				continue;
			report.failed(op, error, [...applied.values()]);
		}
	}
}

function settle(
	links: Map<string, Link>,
	applied: Map<string, Link>,
	op: CalendarOp,
	event?: CalendarEvent,
): void {
	const activityId = op.activityId;
	if (!activityId) return;
	const link = links.get(activityId);
	if (event && link) {
		link.eventHash = contentHash(event);
		link.etag = event.etag;
	}
	if (link) applied.set(activityId, link);
	else applied.delete(activityId);
}

function revert(
	links: Map<string, Link>,
	previous: Map<string, Link>,
	activityId: string | undefined,
): void {
	if (!activityId) return;
	const before = previous.get(activityId);
	if (before) links.set(activityId, before);
	else links.delete(activityId);
}

/** 403 forbiddenForNonOrganizer: the user's copy of an event someone else organised (see the Calendar fake). */
function isReadOnlyEvent(error: unknown): error is CloudError {
	return (
		isCloudError(error, 'permission') && error.details.providerCode === 'forbiddenForNonOrganizer'
	);
}

export async function listCalendarEvents(
	provider: CalendarProvider,
	calendarId: string,
	syncToken: string | undefined,
	windowStartMs: number,
): Promise<EventListing & { outcome: 'events' }> {
	if (syncToken) {
		const changes = await provider.listEvents(calendarId, { syncToken });
		if (changes.outcome === 'events') return changes;
		// 410: the token is gone. A full listing re-links by event ids and tags before anything is created.
	}
	const full = await provider.listEvents(calendarId, {
		timeMin: new Date(windowStartMs).toISOString(),
	});
	if (full.outcome !== 'events')
		throw new CloudError('cursorReset', 'Google Calendar refused a full listing with 410');
	return full;
}

/** One calendar write, with the fallbacks that keep writes idempotent. */
async function applyCalendarOp(
	provider: CalendarProvider,
	calendarId: string,
	op: CalendarOp,
): Promise<{ event?: CalendarEvent; action?: CalendarAction }> {
	switch (op.verb) {
		case 'insert':
			try {
				return {
					event: await provider.insertEvent(calendarId, op.eventId, op.event),
					action: 'created',
				};
			} catch (error) {
				if (!isCloudError(error, 'conflict')) throw error;
				// The id is taken: a retry of our own insert, or an event deleted earlier (ids stay taken).
				const existing = await provider.getEvent(calendarId, op.eventId);
				const owner = existing?.privateProperties[TAG_ACTIVITY];
				if (!existing || (owner !== undefined && owner !== op.activityId)) throw error;
				const patch =
					existing.status === 'cancelled'
						? { ...op.event, status: 'confirmed' as const }
						: op.event;
				const event = await provider.patchEvent(calendarId, op.eventId, patch);
				return { event, action: existing.status === 'cancelled' ? 'restored' : 'updated' };
			}
		case 'patch':
			try {
				const event = await provider.patchEvent(calendarId, op.eventId, op.patch, op.etag);
				if (op.reason === 'tag' || op.reason === 'relink') return { event };
				return { event, action: op.restore ? 'restored' : 'updated' };
			} catch (error) {
				if (!(op.restore && isCloudError(error, 'notFound'))) throw error;
				const { status: _status, ...body } = op.patch;
				return {
					event: await provider.insertEvent(calendarId, op.eventId, body),
					action: 'created',
				};
			}
		case 'delete':
			await provider.deleteEvent(calendarId, op.eventId);
			return { action: 'deleted' };
	}
}
