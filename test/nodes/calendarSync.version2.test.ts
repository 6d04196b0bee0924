import { DateTime } from 'luxon';
import {
	getGlobalState,
	setGlobalState,
	type IDataObject,
	type INodeParameters,
} from 'n8n-workflow';
import {
	CloudSyncGoogleCalendarOAuth2Api,
	GOOGLE_CALENDAR_SCOPES,
} from '../../credentials/CloudSyncGoogleCalendarOAuth2Api.credentials';
import { CalendarSync } from '../../nodes/CalendarSync/CalendarSync.node';
import { QUIET_RUN_NOTE } from '../../nodes/CalendarSync/sync';
import { eventIdForActivity } from '../../nodes/shared/calendar/eventIds';
import { FakeAuth } from '../fakes/common/auth';
import { FakeCalendar } from '../fakes/calendar';
import { WorkflowHarness } from '../harness/workflow';

/**
 * Issue 14, Calendar Sync version 2 (what n8n adds today; saved version-1 nodes keep one output): two-way mode has
 * two outputs, "To CRM" (the changes made in the calendar, to write back) and "Calendar Log" (what was done there);
 * a manual run that changed nothing says so in one item, a production run stays silent; the field names come
 * from a preset (Pipedrive, HubSpot) and an empty time zone is UTC for Pipedrive, the workflow's for the others.
 */

const CAL = 'user@example.com';
const NODE = 'Calendar Sync';
const day = (offset: number) => DateTime.utc().startOf('day').plus({ days: offset }).toISODate()!;
const pipedrive = (id: number, subject: string, dayOffset: number): IDataObject => ({
	id,
	type: 'meeting',
	subject,
	due_date: day(dayOffset),
	due_time: '09:00',
	duration: '01:00',
	update_time: '2020-01-01 00:00:00',
});

describe('Calendar Sync version 2 through n8n (fake Google Calendar)', () => {
	const auth = new FakeAuth();
	let fake: FakeCalendar;
	beforeEach(async () => {
		fake = new FakeCalendar(auth);
		await fake.start();
	});
	afterEach(async () => {
		await fake.stop();
	});

	function flow(parameters: INodeParameters, typeVersion = 2, timezone?: string) {
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
			typeVersion,
			parameters: {
				operation: 'sync',
				calendar: { __rl: true, mode: 'id', value: CAL },
				...parameters,
			},
			credentials: { cloudSyncGoogleCalendarOAuth2Api: credential },
		});
		// The workflow's time zone: n8n's default (GENERIC_TIMEZONE) when the workflow sets none.
		if (timezone) setGlobalState({ ...getGlobalState(), defaultTimezone: timezone });
		return {
			async run(input: IDataObject[], mode: 'trigger' | 'manual' = 'trigger') {
				const result = await harness.run({ input: input.map((json) => ({ json })), mode });
				if (result.status !== 'success') throw result.error ?? new Error(result.status);
				return [0, 1].map((output) => result.output(NODE, output).map((item) => item.json));
			},
		};
	}

	it('two-way: what to write back to the CRM on the first output, what was done in the calendar on the second', async () => {
		const sync = flow({ direction: 'twoWay' });
		const [toCrm, done] = await sync.run([pipedrive(1, 'Call Anna', 1)]);
		expect(toCrm).toEqual([]);
		expect(done).toEqual([
			expect.objectContaining({ target: 'calendar', action: 'created', activityId: '1' }),
		]);

		fake.userCreate(CAL, {
			summary: 'Lunch with Carla',
			start: { dateTime: `${day(3)}T12:00:00Z` },
			end: { dateTime: `${day(3)}T13:00:00Z` },
		});
		const [imported, nothingDone] = await sync.run([pipedrive(1, 'Call Anna', 1)]);
		expect(imported).toEqual([
			expect.objectContaining({
				target: 'activity',
				action: 'create',
				subject: 'Lunch with Carla',
			}),
		]);
		expect(nothingDone).toEqual([]);
	});

	it('version 1 keeps one output with both kinds of items, as saved workflows expect', async () => {
		const sync = flow({ direction: 'twoWay' }, 1);
		await sync.run([pipedrive(1, 'Call Anna', 1)]);
		fake.userCreate(CAL, {
			summary: 'Lunch with Carla',
			start: { dateTime: `${day(3)}T12:00:00Z` },
			end: { dateTime: `${day(3)}T13:00:00Z` },
		});
		const [all, second] = await sync.run([pipedrive(1, 'Call Anna', 1), pipedrive(2, 'Demo', 2)]);
		expect(all.map((json) => json.target).sort()).toEqual(['activity', 'calendar']);
		expect(second).toEqual([]);
	});

	it('a quiet manual run says so in one item; a quiet production run outputs nothing', async () => {
		const sync = flow({ direction: 'twoWay' });
		await sync.run([pipedrive(1, 'Call Anna', 1)]);
		expect(await sync.run([pipedrive(1, 'Call Anna', 1)])).toEqual([[], []]);
		const [toCrm, done] = await sync.run([pipedrive(1, 'Call Anna', 1)], 'manual');
		expect(toCrm).toEqual([]);
		expect(done).toEqual([{ inStep: true, message: QUIET_RUN_NOTE }]);
	});

	it('HubSpot meetings are read with the HubSpot preset (properties.*, ISO times, archived = deleted)', async () => {
		const sync = flow({ direction: 'oneWay', fieldPreset: 'hubspot' });
		const meeting = {
			id: '5001',
			archived: false,
			properties: {
				hs_meeting_title: 'Kick-off with Acme',
				hs_meeting_start_time: `${day(2)}T14:00:00Z`,
				hs_meeting_end_time: `${day(2)}T15:00:00Z`,
				hs_meeting_body: 'Agenda attached',
				hs_lastmodifieddate: '2020-01-01T00:00:00Z',
			},
		};
		const [done] = await sync.run([meeting]);
		expect(done).toEqual([expect.objectContaining({ action: 'created', activityId: '5001' })]);
		const event = fake.event(CAL, eventIdForActivity('5001'))!;
		expect(event.summary).toBe('Kick-off with Acme');
		expect(
			DateTime.fromISO(event.start.dateTime!).toUTC().toISO({ suppressMilliseconds: true }),
		).toBe(`${day(2)}T14:00:00Z`);
	});

	it('an empty Time Zone reads Pipedrive times as UTC (its API gives UTC) and other sources in the workflow time zone', async () => {
		const previous = getGlobalState();
		const custom = flow({ direction: 'oneWay', fieldPreset: 'custom' }, 2, 'Europe/Paris');
		try {
			await custom.run([pipedrive(7, 'Paris breakfast', 5)]);
			const paris = fake.event(CAL, eventIdForActivity('7'))!;
			expect(
				DateTime.fromISO(paris.start.dateTime!, { setZone: true })
					.setZone('Europe/Paris')
					.toFormat('HH:mm'),
			).toBe('09:00');
			const pd = flow({ direction: 'oneWay' }, 2, 'Europe/Paris');
			await pd.run([pipedrive(8, 'UTC call', 5)]);
			expect(
				DateTime.fromISO(fake.event(CAL, eventIdForActivity('8'))!.start.dateTime!)
					.toUTC()
					.toFormat('HH:mm'),
			).toBe('09:00');
		} finally {
			setGlobalState(previous);
		}
	});
});
