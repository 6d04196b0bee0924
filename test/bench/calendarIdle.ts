import { DateTime } from 'luxon';
import type { IDataObject } from 'n8n-workflow';
import {
	CloudSyncGoogleCalendarOAuth2Api,
	GOOGLE_CALENDAR_SCOPES,
} from '../../credentials/CloudSyncGoogleCalendarOAuth2Api.credentials';
import { CalendarSync } from '../../nodes/CalendarSync/CalendarSync.node';
import { PIPEDRIVE_MAPPING, readActivity } from '../../nodes/CalendarSync/activityMapping';
import { eventIdForActivity } from '../../nodes/shared/calendar/eventIds';
import { renderEvent } from '../../nodes/shared/sync/calendarContent';
import { stateKey } from '../../nodes/shared/state/staticData';
import { FakeCalendar } from '../fakes/calendar';
import { FakeAuth } from '../fakes/common/auth';
import { WorkflowHarness } from '../harness/workflow';
import { measureRun, type RunFigures } from './nodeRun';

const CALENDAR = 'user@example.com';
const NODE = 'Calendar Sync';

/** Activities spread over the next 28 days (inside the node's default 30-day window), Pipedrive-shaped. */
export function activities(count: number): IDataObject[] {
	const today = DateTime.utc().startOf('day');
	return Array.from({ length: count }, (_, i) => ({
		id: i + 1,
		type: 'meeting',
		subject: `Meeting ${i + 1}`,
		due_date: today.plus({ days: 1 + (i % 28) }).toISODate(),
		due_time: `${String(8 + (i % 10)).padStart(2, '0')}:00`,
		duration: '01:00',
		note: '',
		update_time: '2020-01-01 00:00:00',
	}));
}

/** A calendar holding N events an earlier sync wrote, and the workflow syncing to it; runs can be repeated. */
export interface CalendarIdleBench {
	tracked: number;
	/** A first run with no state (cleared): a full listing re-links the N events, no writes. */
	rebuild(): Promise<RunFigures & { writes: number }>;
	/** The same N activities with the links in place (1 request). */
	idle(): Promise<RunFigures & { writes: number }>;
	stateBytes(): number;
	close(): Promise<void>;
}

/**
 * Calendar Sync with N linked activities and nothing changed. The calendar is seeded with the events an earlier
 * sync wrote: each rendered by the node's own renderEvent, under the event id the node derives from the activity
 * id. The first run has no state and re-links them all (its full-resync path, no writes); then idle runs.
 */
export async function calendarIdleBench(tracked: number): Promise<CalendarIdleBench> {
	const auth = new FakeAuth();
	const fake = new FakeCalendar(auth);
	await fake.start();
	const input = activities(tracked);
	const render = {
		privatePolicy: 'private' as const,
		includeLinks: true,
		addAttendees: false,
		busyTitle: 'Busy',
	};
	for (const [index, json] of input.entries()) {
		const event = renderEvent(
			readActivity(json, PIPEDRIVE_MAPPING, { timeZone: 'UTC', defaultDurationMinutes: 30 }, index),
			render,
		)!;
		const { privateProperties, ...body } = event;
		fake.userCreate(CALENDAR, {
			...body,
			id: eventIdForActivity(String(json.id)),
			extendedProperties: { private: privateProperties },
		});
	}
	const harness = new WorkflowHarness()
		.registerNode('calendarSync', new CalendarSync())
		.registerCredentialType(new CloudSyncGoogleCalendarOAuth2Api());
	const tokens = auth.issue('google', GOOGLE_CALENDAR_SCOPES);
	const credential = harness.credentials.add({
		id: 'gcal',
		name: 'Google Calendar',
		type: 'cloudSyncGoogleCalendarOAuth2Api',
		data: {
			clientId: 'fake-client-id',
			clientSecret: 'fake-client-secret',
			accessTokenUrl: `${fake.baseUrl}/token`,
			authUrl: `${fake.baseUrl}/authorize`,
			apiBaseUrl: fake.baseUrl,
			oauthTokenData: {
				access_token: tokens.access_token,
				refresh_token: tokens.refresh_token,
				token_type: 'Bearer',
			},
		},
	});
	harness.addNode({
		name: NODE,
		type: 'calendarSync',
		parameters: {
			operation: 'sync',
			direction: 'oneWay',
			calendar: { __rl: true, mode: 'id', value: CALENDAR },
		},
		credentials: { cloudSyncGoogleCalendarOAuth2Api: credential },
	});
	const items = input.map((json) => ({ json }));
	const once = async (label: string) => {
		const since = fake.mark();
		let actions: unknown[] = [];
		const figures = await measureRun(
			`calendar-${label}-${tracked}`,
			() => fake.requests({ since }).length,
			async () => {
				const result = await harness.run({ input: items });
				if (result.status !== 'success')
					throw result.error ?? new Error(`calendar run ${result.status}`);
				actions = result.output(NODE).map((item) => item.json.action);
			},
		);
		if (actions.length)
			throw new Error(`calendar ${label} run acted: ${actions.slice(0, 3).join(', ')}`);
		return {
			...figures,
			writes: fake.requests({ since }).filter((r) => r.method !== 'GET').length,
		};
	};
	return {
		tracked,
		rebuild: () => {
			harness.staticData = {};
			return once('rebuild');
		},
		idle: () => once('idle'),
		stateBytes: () => {
			const global = (harness.staticData.global ?? {}) as IDataObject;
			return Buffer.byteLength(JSON.stringify(global[stateKey(harness.node(NODE).id)]));
		},
		close: () => fake.stop(),
	};
}
