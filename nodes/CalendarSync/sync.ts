import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';
import type { Activity } from '../shared/types/activity';
import {
	ActivityFieldError,
	readActivity,
	writeActivityFields,
	type FieldMapping,
} from './activityMapping';
import { CALENDAR_CLOUDS, createCalendar } from '../shared/calendar/registry';
import type { CalendarEvent, CalendarProvider, EventListing } from '../shared/calendar/types';
import { toNodeError } from '../shared/errors';
import { carryOutCalendarPlan, listCalendarEvents } from '../shared/run/calendarRunner';
import { itemParameters } from '../parameters/plainFieldRead';
import type { CloudError } from '../shared/types/cloudError';
import {
	calendarStateSchema,
	fromStored,
	toStored,
	type CalendarSyncState,
} from '../shared/state/calendarState';
import { calendarStateWarning } from '../shared/state/calendarValidation';
import { loadCheckedState, saveState } from '../shared/state/staticData';
import type { PrivatePolicy } from '../shared/sync/calendarContent';
import {
	reconcile,
	type ActivityChange,
	type CalendarOp,
	type ConflictPolicy,
	type Link,
	type ReconcilePlan,
	type ReconcileSettings,
} from '../shared/sync/calendarReconcile';

import { PRESET_MAPPINGS, type FieldPreset } from './fieldPresets';

export const CREDENTIAL = CALENDAR_CLOUDS.googleCalendar.credential;
/** How error messages name the service (toNodeError). */
export const CALENDAR_SERVICE = 'Google Calendar';
const DAY_MS = 24 * 3600 * 1000;

export function calendarIdParam(ctx: IExecuteFunctions): string {
	const id = String(ctx.getNodeParameter('calendar', 0, '', { extractValue: true }) ?? '').trim();
	if (!id)
		throw new NodeOperationError(ctx.getNode(), 'Choose a calendar', {
			description: 'Pick one from the list or enter its ID',
		});
	return id;
}

/** The Sync operation: read activities, list the calendar's changes, plan, write, report, save the status. */
export async function sync(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const node = this.getNode();
	const calendarId = calendarIdParam(this);
	const settings = readSettings(this);
	const preset = this.getNodeParameter('fieldPreset', 0, 'pipedrive') as FieldPreset;
	const mapping: FieldMapping = {
		...(PRESET_MAPPINGS[preset] ?? PRESET_MAPPINGS.pipedrive),
		...(this.getNodeParameter('fieldMapping', 0, {}) as Partial<FieldMapping>),
	};
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const output: INodeExecutionData[] = [];

	// 1. Activities from the items. A bad item is an item error; its link is held, never taken for a deletion.
	const { activities, held } = readActivities(this, mapping, options, output);

	// 2. The calendar side: the change feed, or a full listing on the first run and after a 410.
	const provider = await createCalendar(this);
	const checked = loadCheckedState(this, node.id, calendarStateSchema);
	const stateWarning =
		checked.problems.length > 0 ? calendarStateWarning(node.name, checked.problems) : undefined;
	if (stateWarning) this.logger?.warn(stateWarning);
	let state: CalendarSyncState = fromStored(checked.state);
	if (state.calendarId !== calendarId) state = { calendarId, links: [], pending: [] };
	const windowStartMs = Date.now() - settings.windowDays * DAY_MS;
	let listing: EventListing & { outcome: 'events' };
	try {
		listing = await listCalendarEvents(provider, calendarId, state.syncToken, windowStartMs);
	} catch (error) {
		throw toNodeError(this.getNode(), error, { service: CALENDAR_SERVICE });
	}

	// 3. Decide (pure).
	const plan = reconcile({
		settings: { ...settings.reconcile, windowStartMs },
		activities,
		inputIsFullSet: this.getNodeParameter('inputMode', 0, 'full') === 'full',
		events: listing.events,
		listingIsFull: listing.full,
		links: state.links,
		pending: state.pending,
		heldActivityIds: held,
	});
	if (plan.stop) {
		// The status stays as it was: the next run sees the same situation and decides again.
		throw new NodeOperationError(node, 'Safety stop: nothing was changed', {
			description: plan.stop,
		});
	}

	// 4. Act, then 5. the changes for the activity source (two-way).
	const reportCalendar =
		settings.reconcile.direction === 'oneWay' || options.outputCalendarChanges !== false;
	await carryOut(this, { provider, calendarId, plan, state, reportCalendar, output });
	for (const change of plan.activities)
		output.push(activityItem(change, mapping, activities, settings.timeZone));
	if (stateWarning) {
		// Said on every item, and on an item of its own when the run had nothing else to say.
		if (output.length === 0)
			output.push({ json: { message: stateWarning }, pairedItem: { item: 0 } });
		for (const item of output) item.json.stateWarning = stateWarning;
	}

	const next: CalendarSyncState = {
		calendarId,
		syncToken: listing.nextSyncToken,
		windowStartMs: listing.full ? windowStartMs : state.windowStartMs,
		links: [...plan.links.values()],
		pending: [...plan.pending.values()],
	};
	saveState(this, node.id, calendarStateSchema, toStored(next));
	return shapeOutputs(this, output, settings.reconcile.direction);
}

/**
 * Version 1: one output, as saved workflows expect. Version 2: in two-way mode the changes to write back to the
 * CRM (target "activity") on the first output, everything done in the calendar (and errors) on the second; and a
 * manual run that changed nothing says so in one item (production runs stay silent, so nothing runs after them).
 */
function shapeOutputs(
	ctx: IExecuteFunctions,
	output: INodeExecutionData[],
	direction: 'oneWay' | 'twoWay',
): INodeExecutionData[][] {
	if (ctx.getNode().typeVersion < 2) return [output];
	if (output.length === 0 && ctx.getMode() === 'manual') {
		output.push({ json: { inStep: true, message: QUIET_RUN_NOTE }, pairedItem: { item: 0 } });
	}
	if (direction !== 'twoWay') return [output];
	const toCrm = output.filter((item) => item.json.target === 'activity');
	return [toCrm, output.filter((item) => item.json.target !== 'activity')];
}

/** What a quiet manual run (version 2) outputs: the one note that tells the builder the run worked. */
export const QUIET_RUN_NOTE = 'Nothing to change: the calendar and the activities are in step.';

/**
 * The Time Zone parameter; empty (version 2's default): UTC for Pipedrive, whose API gives UTC, else the workflow's.
 */
function timeZoneParameter(ctx: IExecuteFunctions, itemIndex: number): string {
	// Read like n8n would, without evaluating a constant or a plain {{ $json.tz }} per activity (issue 17).
	const value = String(itemParameters(ctx).get('timeZone', itemIndex, 'UTC') ?? '').trim();
	if (value) return value;
	return ctx.getNodeParameter('fieldPreset', 0, 'pipedrive') === 'pipedrive'
		? 'UTC'
		: ctx.getTimezone();
}

function readActivities(
	ctx: IExecuteFunctions,
	mapping: FieldMapping,
	options: IDataObject,
	output: INodeExecutionData[],
): { activities: Activity[]; held: string[] } {
	const items = ctx.getInputData();
	const activities: Activity[] = [];
	const held: string[] = [];
	for (let i = 0; i < items.length; i++) {
		const timeZone = timeZoneParameter(ctx, i);
		try {
			activities.push(
				readActivity(
					items[i].json,
					mapping,
					{ timeZone, defaultDurationMinutes: Number(options.defaultDuration ?? 30) },
					i,
				),
			);
		} catch (error) {
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- unexpected: execute() converts it
			if (!(error instanceof ActivityFieldError)) throw error;
			const id = items[i].json[mapping.id];
			if (id !== undefined && id !== null && id !== '') held.push(String(id));
			const failure = new NodeOperationError(ctx.getNode(), `Item ${i}: ${error.message}`, {
				itemIndex: i,
				description: `Fix the field "${error.field}" (${error.role}) of this activity, or change "Field Mapping".`,
			});
			if (!ctx.continueOnFail()) throw failure;
			output.push({
				json: {
					error: failure.message,
					field: error.field,
					activityId: id === undefined ? null : (id as never),
				},
				pairedItem: { item: i },
			});
		}
	}
	return { activities, held };
}

interface Carry {
	provider: CalendarProvider;
	calendarId: string;
	plan: ReconcilePlan;
	state: CalendarSyncState;
	reportCalendar: boolean;
	output: INodeExecutionData[];
}

/**
 * Has the runner carry out the plan's calendar writes and says what became of each. The status as far as the
 * writes succeeded is saved even if the run stops halfway.
 */
async function carryOut(
	ctx: IExecuteFunctions,
	{ provider, calendarId, plan, state, reportCalendar, output }: Carry,
): Promise<void> {
	await carryOutCalendarPlan(provider, calendarId, plan, state.links, {
		written(op, action, event) {
			if (reportCalendar && action) output.push(calendarItem(op, action, event));
		},
		readOnly(op, error) {
			output.push(readOnlyItem(op, error));
		},
		failed(op, error, applied) {
			const failure = toNodeError(ctx.getNode(), error, {
				itemIndex: op.itemIndex,
				service: CALENDAR_SERVICE,
			});
			if (!ctx.continueOnFail()) {
				saveState(
					ctx,
					ctx.getNode().id,
					calendarStateSchema,
					toStored({ ...state, links: applied }),
				);
				throw failure;
			}
			output.push({
				json: { error: failure.message, activityId: op.activityId ?? null, eventId: op.eventId },
				pairedItem: { item: op.itemIndex ?? 0 },
			});
		},
	});
}

function calendarItem(op: CalendarOp, action: string, event?: CalendarEvent): INodeExecutionData {
	return {
		json: {
			target: 'calendar',
			action,
			activityId: op.activityId ?? null,
			eventId: op.eventId,
			...(event?.htmlLink ? { link: event.htmlLink } : {}),
		},
		pairedItem: { item: op.itemIndex ?? 0 },
	};
}

function readOnlyItem(op: CalendarOp, error: CloudError): INodeExecutionData {
	return {
		json: {
			target: 'calendar',
			action: 'readOnly',
			activityId: op.activityId ?? null,
			eventId: op.eventId,
			reason: 'organizedBySomeoneElse',
			message:
				`${error.hint ?? error.message} The activity's change was not written to ` +
				'this event; it is tried again only when the activity changes again.',
		},
		pairedItem: { item: op.itemIndex ?? 0 },
	};
}

function activityItem(
	change: ActivityChange,
	mapping: FieldMapping,
	activities: Activity[],
	zone: string,
): INodeExecutionData {
	const json: IDataObject = { target: 'activity', action: change.action };
	if (change.activityId !== undefined) json.activityId = change.activityId;
	json.eventId = change.eventId;
	const activity = change.activityId
		? activities.find((a) => a.id === change.activityId)
		: undefined;
	const activityZone = activity?.timeZone ?? zone;
	if (change.fields && change.action !== 'conflict')
		Object.assign(json, writeActivityFields(change.fields, mapping, activityZone));
	if (change.conflict) {
		const discarded = change.conflict.discarded;
		json.conflict = {
			winner: change.conflict.winner,
			discardedSide: discarded.side,
			discardedChange: discarded.change,
			discarded: discarded.fields
				? (writeActivityFields(discarded.fields, mapping, activityZone) as IDataObject)
				: discarded.activity
					? {
							[mapping.subject]: discarded.activity.subject,
							updatedAt: discarded.activity.updatedAt
								? new Date(discarded.activity.updatedAt).toISOString()
								: null,
						}
					: {},
		};
	}
	return { json, pairedItem: { item: change.itemIndex ?? 0 } };
}

interface SyncSettings {
	reconcile: Omit<ReconcileSettings, 'windowStartMs'>;
	windowDays: number;
	timeZone: string;
}

function readSettings(ctx: IExecuteFunctions): SyncSettings {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const direction = ctx.getNodeParameter('direction', 0, 'oneWay') as 'oneWay' | 'twoWay';
	const typeFilter = String(ctx.getNodeParameter('activityTypes', 0, ''))
		.split(',')
		.map((type) => type.trim())
		.filter(Boolean);
	const timeZone = timeZoneParameter(ctx, 0);
	return {
		windowDays: Number(ctx.getNodeParameter('windowDays', 0, 30)),
		timeZone,
		reconcile: {
			direction,
			conflict: (direction === 'twoWay'
				? ctx.getNodeParameter('conflictPolicy', 0, 'newest')
				: 'activities') as ConflictPolicy,
			propagateDeletions: ctx.getNodeParameter('propagateDeletions', 0, true) as boolean,
			typeFilter,
			importType:
				direction === 'twoWay' ? String(ctx.getNodeParameter('importType', 0, 'meeting')) : '',
			render: {
				privatePolicy: ctx.getNodeParameter('privatePolicy', 0, 'private') as PrivatePolicy,
				includeLinks: options.includeLinks !== false,
				addAttendees: options.addAttendees === true,
				busyTitle: String(options.busyTitle ?? 'Busy') || 'Busy',
			},
			defaultTimeZone: timeZone,
			allowMassDeletion: options.allowMassDeletion === true,
		},
	};
}

export type { Link };
