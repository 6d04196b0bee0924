import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { eventIdForActivity } from '../shared/calendar/eventIds';
import { calendarStateSchema, fromStored } from '../shared/state/calendarState';
import { clearState, loadState } from '../shared/state/staticData';
import { TAG_ORIGIN } from '../shared/sync/calendarContent';
import { createCalendar } from '../shared/calendar/registry';
import { toNodeError } from '../shared/errors';
import { CALENDAR_SERVICE, calendarIdParam } from './sync';

/** Disconnect: forget the status; optionally delete the events this sync created from activities. */
export async function disconnect(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const nodeId = this.getNode().id;
	const calendarId = calendarIdParam(this);
	const state = fromStored(loadState(this, nodeId, calendarStateSchema));
	let deletedEvents = 0;
	if (this.getNodeParameter('deleteCreatedEvents', 0, false) as boolean) {
		const provider = await createCalendar(this);
		try {
			// By tag, not by status: events created before a lost status go too.
			const listing = await provider.listEvents(calendarId, {
				privateProperty: [TAG_ORIGIN, 'activity'],
			});
			if (listing.outcome === 'events') {
				for (const event of listing.events) {
					if (event.status === 'cancelled') continue;
					if ((await provider.deleteEvent(calendarId, event.id)) === 'deleted') deletedEvents++;
				}
			}
		} catch (error) {
			throw toNodeError(this.getNode(), error, { service: CALENDAR_SERVICE });
		}
	}
	clearState(this, nodeId);
	return [
		[
			{
				json: { disconnected: true, calendarId, forgottenLinks: state.links.length, deletedEvents },
				pairedItem: { item: 0 },
			},
		],
	];
}

/** Get Links: the activity <-> event map, plus imported events whose activity has not arrived yet. */
export async function getLinks(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const state = fromStored(loadState(this, this.getNode().id, calendarStateSchema));
	const items: INodeExecutionData[] = state.links.map((link) => ({
		json: {
			activityId: link.activityId,
			eventId: link.eventId,
			createdBy: link.createdBy,
			derivedEventId: link.eventId === eventIdForActivity(link.activityId),
			calendarId: state.calendarId,
		},
		pairedItem: { item: 0 },
	}));
	for (const pending of state.pending) {
		items.push({
			json: {
				activityId: null,
				eventId: pending.eventId,
				createdBy: 'calendar',
				pending: true,
				calendarId: state.calendarId,
			},
			pairedItem: { item: 0 },
		});
	}
	return [items];
}
