import { DateTime } from 'luxon';
import type { IDataObject } from 'n8n-workflow';
import { CloudSyncGoogleCalendarOAuth2Api, GOOGLE_CALENDAR_SCOPES } from '../../credentials/CloudSyncGoogleCalendarOAuth2Api.credentials';
import { CalendarSync } from '../../nodes/CalendarSync/CalendarSync.node';
import { PIPEDRIVE_MAPPING, readActivity } from '../../nodes/shared/calendar/activityMapping';
import { eventIdForActivity } from '../../nodes/shared/calendar/eventIds';
import { renderEvent } from '../../nodes/shared/sync/calendarContent';
import { stateKey } from '../../nodes/shared/state/staticData';
import { FakeCalendar } from '../fakes/calendar';
import { FakeAuth } from '../fakes/common/auth';
import { WorkflowHarness } from '../harness/workflow';

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

export interface CalendarIdleResult {
	tracked: number;
	rebuildRequests: number;
	rebuildWrites: number;
	rebuildMs: number;
	idleRequests: number;
	idleWrites: number;
	idleMs: number;
	stateBytes: number;
}

/**
 * Calendar Sync with N linked activities and nothing changed. The calendar is seeded with the events an earlier
 * sync wrote: each rendered by the node's own renderEvent, under the event id the node derives from the activity
 * id. The first run has no state and re-links them all (its full-resync path, no writes); then an idle run.
 */
export async function calendarIdle(tracked: number): Promise<CalendarIdleResult> {
	const auth = new FakeAuth();
	const fake = new FakeCalendar(auth);
	await fake.start();
	try {
		const input = activities(tracked);
		const render = { privatePolicy: 'private' as const, includeLinks: true, addAttendees: false, busyTitle: 'Busy' };
		for (const [index, json] of input.entries()) {
			const event = renderEvent(readActivity(json, PIPEDRIVE_MAPPING, { timeZone: 'UTC', defaultDurationMinutes: 30 }, index), render)!;
			const { privateProperties, ...body } = event;
			fake.userCreate(CALENDAR, { ...body, id: eventIdForActivity(String(json.id)), extendedProperties: { private: privateProperties } });
		}

		const harness = new WorkflowHarness().registerNode('calendarSync', new CalendarSync()).registerCredentialType(new CloudSyncGoogleCalendarOAuth2Api());
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
				oauthTokenData: { access_token: tokens.access_token, refresh_token: tokens.refresh_token, token_type: 'Bearer' },
			},
		});
		harness.addNode({
			name: NODE,
			type: 'calendarSync',
			parameters: { operation: 'sync', direction: 'oneWay', calendar: { __rl: true, mode: 'id', value: CALENDAR } },
			credentials: { cloudSyncGoogleCalendarOAuth2Api: credential },
		});
		const run = async () => {
			const since = fake.mark();
			const started = Date.now();
			const result = await harness.run({ input: input.map((json) => ({ json })) });
			if (result.status !== 'success') throw result.error ?? new Error(`calendar run ${result.status}`);
			const requests = fake.requests({ since });
			const actions = result.output(NODE).map((item) => item.json.action);
			return { ms: Date.now() - started, requests: requests.length, writes: requests.filter((r) => r.method !== 'GET').length, actions };
		};
		const rebuild = await run();
		const idle = await run();
		if (idle.actions.length) throw new Error(`calendar idle run acted: ${idle.actions.slice(0, 3).join(', ')}`);
		const global = (harness.staticData.global ?? {}) as IDataObject;
		return {
			tracked,
			rebuildRequests: rebuild.requests,
			rebuildWrites: rebuild.writes,
			rebuildMs: rebuild.ms,
			idleRequests: idle.requests,
			idleWrites: idle.writes,
			idleMs: idle.ms,
			stateBytes: Buffer.byteLength(JSON.stringify(global[stateKey(harness.node(NODE).id)])),
		};
	} finally {
		await fake.stop();
	}
}
