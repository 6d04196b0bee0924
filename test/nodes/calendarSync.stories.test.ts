import { DateTime } from 'luxon';
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import {
	CloudSyncGoogleCalendarOAuth2Api,
	GOOGLE_CALENDAR_SCOPES,
} from '../../credentials/CloudSyncGoogleCalendarOAuth2Api.credentials';
import { CalendarSync } from '../../nodes/CalendarSync/CalendarSync.node';
import { eventIdForActivity } from '../../nodes/shared/calendar/eventIds';
import { stateKey } from '../../nodes/shared/state/staticData';
import { FakeAuth } from '../fakes/common/auth';
import { FakeCalendar } from '../fakes/calendar';
import { WorkflowHarness, type RunResult } from '../harness/workflow';

/** The "Done when" stories of issue 6, run through n8n's WorkflowExecute against the fake Google Calendar. */

const CAL = 'user@example.com';
const NODE = 'Calendar Sync';
const day = (offset: number) => DateTime.utc().startOf('day').plus({ days: offset }).toISODate()!;

function activity(
	id: number | string,
	type: string,
	subject: string,
	dayOffset: number,
	time = '09:00',
	extra: IDataObject = {},
): IDataObject {
	return {
		id,
		type,
		subject,
		due_date: day(dayOffset),
		due_time: time,
		duration: '01:00',
		note: '',
		update_time: '2020-01-01 00:00:00',
		...extra,
	};
}

describe('Calendar Sync through n8n (fake Google Calendar)', () => {
	const auth = new FakeAuth();
	let fake: FakeCalendar;

	beforeEach(async () => {
		fake = new FakeCalendar(auth);
		await fake.start();
	});

	afterEach(async () => {
		await fake.stop();
	});

	class Flow {
		readonly harness = new WorkflowHarness()
			.registerNode('calendarSync', new CalendarSync())
			.registerCredentialType(new CloudSyncGoogleCalendarOAuth2Api());
		parameters: INodeParameters;

		constructor(parameters: INodeParameters = {}, continueOnFail = false) {
			const tokens = auth.issue('google', GOOGLE_CALENDAR_SCOPES);
			const credential = this.harness.credentials.add({
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
			this.parameters = {
				operation: 'sync',
				calendar: { __rl: true, mode: 'id', value: CAL },
				...parameters,
			};
			this.harness.addNode({
				name: NODE,
				type: 'calendarSync',
				parameters: this.parameters,
				credentials: { cloudSyncGoogleCalendarOAuth2Api: credential },
				continueOnFail,
			});
		}

		/** One production run; returns the output, the requests it made and the writes among them. */
		async run(input: IDataObject[], parameters: INodeParameters = {}) {
			this.harness.setParameters(NODE, { ...this.parameters, ...parameters });
			const since = fake.mark();
			const result = await this.harness.run({ input: input.map((json) => ({ json })) });
			const requests = fake.requests({ since });
			return {
				result,
				json: result.output(NODE).map((item) => item.json),
				items: result.output(NODE),
				requests,
				writes: requests.filter((r) => r.method !== 'GET'),
			};
		}

		get state(): IDataObject {
			// n8n keeps global static data under "global" in the workflow's static data.
			const global = (this.harness.staticData.global ?? {}) as IDataObject;
			return global[stateKey(this.harness.node(NODE).id)] as IDataObject;
		}
	}

	const ok = (result: RunResult) => {
		if (result.status !== 'success') throw result.error ?? new Error(`run ${result.status}`);
	};
	const live = () => fake.liveEvents(CAL);

	it('one-way story: filter meeting + call, edit patches, delete deletes, a quiet run makes one request and no write', async () => {
		const flow = new Flow({ direction: 'oneWay', activityTypes: 'meeting, call' });
		const activities = [
			activity(1, 'call', 'Call Anna', 1),
			activity(2, 'meeting', 'Demo for Acme', 2, '13:30', {
				person_name: 'Bob Stone',
				org_name: 'Acme',
				deal_title: 'Acme deal',
			}),
			activity(3, 'task', 'Send offer', 2),
			activity(4, 'meeting', 'Kick-off', 3),
			activity(5, 'call', 'Follow-up call', 4),
		];
		const first = await flow.run(activities);
		ok(first.result);
		expect(
			live()
				.map((e) => e.id)
				.sort(),
		).toEqual([1, 2, 4, 5].map((id) => eventIdForActivity(String(id))).sort());
		expect(first.writes.map((r) => r.method)).toEqual(['POST', 'POST', 'POST', 'POST']);
		expect(first.json.filter((j) => j.action === 'created')).toHaveLength(4);
		const demo = fake.event(CAL, eventIdForActivity('2'))!;
		expect(demo.summary).toBe('Demo for Acme');
		expect(demo.description).toContain('Contacts: Bob Stone');
		expect(demo.description).toContain('Deal: Acme deal');
		expect(demo.start.dateTime).toBe(`${day(2)}T13:30:00Z`);
		expect(demo.extendedProperties.private).toEqual({
			cloudSyncActivityId: '2',
			cloudSyncOrigin: 'activity',
			cloudSyncWritten: expect.any(String),
		});

		activities[0] = { ...activities[0], subject: 'Call Anna about pricing' };
		const edited = await flow.run(activities);
		ok(edited.result);
		expect(edited.writes.map((r) => `${r.method} ${r.path.split('/').pop()}`)).toEqual([
			`PATCH ${eventIdForActivity('1')}`,
		]);
		expect(fake.event(CAL, eventIdForActivity('1'))!.summary).toBe('Call Anna about pricing');

		const withoutKickoff = activities.filter((a) => a.id !== 4);
		const deleted = await flow.run(withoutKickoff);
		ok(deleted.result);
		expect(deleted.writes.map((r) => r.method)).toEqual(['DELETE']);
		expect(fake.event(CAL, eventIdForActivity('4'))!.status).toBe('cancelled');
		expect(deleted.json).toEqual([
			expect.objectContaining({ target: 'calendar', action: 'deleted', activityId: '4' }),
		]);

		const quiet = await flow.run(withoutKickoff);
		ok(quiet.result);
		expect(quiet.requests).toHaveLength(1);
		expect(quiet.requests[0]).toMatchObject({ method: 'GET', status: 200 });
		expect(quiet.requests[0].query).toContain('syncToken=');
		expect(quiet.writes).toHaveLength(0);
		expect(quiet.json).toEqual([]);
		// Compact state: a few dozen bytes per link (plus the sync token).
		const state = flow.state as { links: Record<string, string>; st: string };
		expect(Object.keys(state.links).sort()).toEqual(['1', '2', '5']);
		expect(JSON.stringify(state.links).length / 3).toBeLessThan(60);
	});

	it('two-way story: import, link on the next run, move, and a conflict where the newest change wins', async () => {
		const flow = new Flow({ direction: 'twoWay', importType: 'meeting' });
		ok((await flow.run([activity(1, 'call', 'Call Anna', 1)])).result);
		fake.userCreate(CAL, {
			summary: 'Lunch with Carla',
			description: 'At the usual place',
			start: { dateTime: `${day(3)}T12:00:00Z` },
			end: { dateTime: `${day(3)}T13:30:00Z` },
		});
		const imported = await flow.run([activity(1, 'call', 'Call Anna', 1)]);
		ok(imported.result);
		// One invisible write: the import key in the event's private properties (a lost status still finds it).
		expect(imported.writes.map((r) => r.method)).toEqual(['PATCH']);
		const create = imported.json.find((j) => j.target === 'activity')!;
		expect(create).toMatchObject({
			action: 'create',
			type: 'meeting',
			subject: 'Lunch with Carla',
			note: 'At the usual place',
			due_date: day(3),
			due_time: '12:00',
			duration: '01:30',
			private: false,
		});
		const eventId = create.eventId as string;

		// The activity source created it (as Pipedrive would, without writing back the event id).
		const created = {
			id: 900,
			type: 'meeting',
			subject: 'Lunch with Carla',
			note: 'At the usual place',
			due_date: day(3),
			due_time: '12:00',
			duration: '01:30',
			update_time: '2020-01-01 00:00:00',
		};
		const linked = await flow.run([activity(1, 'call', 'Call Anna', 1), created]);
		ok(linked.result);
		expect(linked.writes.filter((r) => r.method === 'POST')).toHaveLength(0);
		expect(linked.json.filter((j) => j.target === 'activity')).toEqual([]);
		expect(live()).toHaveLength(2);
		expect(fake.event(CAL, eventId)!.extendedProperties.private.cloudSyncActivityId).toBe('900');
		const settled = await flow.run([activity(1, 'call', 'Call Anna', 1), created]);
		expect(settled.writes).toHaveLength(0);
		expect(settled.json).toEqual([]);

		fake.userMove(
			CAL,
			eventId,
			{ dateTime: `${day(4)}T15:00:00Z` },
			{ dateTime: `${day(4)}T16:30:00Z` },
		);
		const moved = await flow.run([activity(1, 'call', 'Call Anna', 1), created]);
		ok(moved.result);
		// One private mark on the event: the activity content it is now in step with (no visible change).
		expect(moved.writes.map((r) => r.method)).toEqual(['PATCH']);
		expect(fake.event(CAL, eventId)!.summary).toBe('Lunch with Carla');
		expect(moved.json).toEqual([
			expect.objectContaining({
				target: 'activity',
				action: 'update',
				activityId: '900',
				eventId,
				due_date: day(4),
				due_time: '15:00',
				duration: '01:30',
			}),
		]);
		const movedActivity = { ...created, due_date: day(4), due_time: '15:00' };
		expect(
			(await flow.run([activity(1, 'call', 'Call Anna', 1), movedActivity])).writes,
		).toHaveLength(0);

		// Both sides change; the calendar edit is newer than the activity's update_time.
		fake.userEdit(CAL, eventId, { summary: 'Lunch with Carla and Dan' });
		const older = {
			...movedActivity,
			subject: 'Lunch (Carla)',
			update_time: '2020-02-01 00:00:00',
		};
		const calendarWins = await flow.run([activity(1, 'call', 'Call Anna', 1), older]);
		ok(calendarWins.result);
		expect(calendarWins.writes.map((r) => r.method)).toEqual(['PATCH']);
		expect(fake.event(CAL, eventId)!.summary).toBe('Lunch with Carla and Dan');
		expect(calendarWins.json).toEqual([
			expect.objectContaining({
				action: 'update',
				activityId: '900',
				subject: 'Lunch with Carla and Dan',
				conflict: expect.objectContaining({
					winner: 'calendar',
					discardedSide: 'activity',
					discarded: expect.objectContaining({ subject: 'Lunch (Carla)' }),
				}),
			}),
		]);
		const agreed = { ...older, subject: 'Lunch with Carla and Dan' };
		expect((await flow.run([activity(1, 'call', 'Call Anna', 1), agreed])).writes).toHaveLength(0);

		// Now the activity's change is the newer one.
		fake.userEdit(CAL, eventId, { summary: 'Lunch?' });
		const newer = {
			...agreed,
			subject: 'Lunch at noon',
			update_time: DateTime.utc().plus({ minutes: 5 }).toFormat('yyyy-MM-dd HH:mm:ss'),
		};
		const activityWins = await flow.run([activity(1, 'call', 'Call Anna', 1), newer]);
		ok(activityWins.result);
		expect(activityWins.writes.map((r) => r.method)).toEqual(['PATCH']);
		expect(fake.event(CAL, eventId)!.summary).toBe('Lunch at noon');
		expect(activityWins.json).toContainEqual(
			expect.objectContaining({
				target: 'activity',
				action: 'conflict',
				activityId: '900',
				conflict: expect.objectContaining({
					winner: 'activity',
					discarded: expect.objectContaining({ subject: 'Lunch?' }),
				}),
			}),
		);
		expect((await flow.run([activity(1, 'call', 'Call Anna', 1), newer])).writes).toHaveLength(0);
	});

	it('private activities: "busy" writes a private "Busy" event without details; "don\'t sync" writes nothing', async () => {
		const secret = activity(7, 'meeting', 'Doctor', 1, '08:00', {
			private: true,
			note: 'cardiology',
			person_name: 'Dr. Who',
		});
		const busy = new Flow({ privatePolicy: 'busy' });
		ok((await busy.run([secret])).result);
		const event = fake.event(CAL, eventIdForActivity('7'))!;
		expect(event).toMatchObject({ summary: 'Busy', visibility: 'private' });
		expect(event.description ?? '').toBe('');
		expect(JSON.stringify(event)).not.toContain('Doctor');

		await fake.stop();
		fake = new FakeCalendar(auth);
		await fake.start();
		const skip = new Flow({ privatePolicy: 'skip' });
		const run = await skip.run([secret, activity(8, 'call', 'Public call', 1)]);
		ok(run.result);
		expect(live().map((e) => e.id)).toEqual([eventIdForActivity('8')]);
		const asPrivate = new Flow({ privatePolicy: 'private' });
		ok((await asPrivate.run([secret])).result);
		expect(fake.event(CAL, eventIdForActivity('7'))).toMatchObject({
			summary: 'Doctor',
			visibility: 'private',
		});
	});

	it('disconnect then reconnect re-links without duplicates, also after deleting the created events', async () => {
		const flow = new Flow();
		const activities = [activity(1, 'call', 'A', 1), activity(2, 'meeting', 'B', 2)];
		ok((await flow.run(activities)).result);
		const disconnect = await flow.run([{}], {
			operation: 'disconnect',
			deleteCreatedEvents: false,
		});
		ok(disconnect.result);
		expect(disconnect.json[0]).toMatchObject({
			disconnected: true,
			forgottenLinks: 2,
			deletedEvents: 0,
		});
		expect(flow.state).toBeUndefined();
		expect(disconnect.result.staticDataSaved).toBe(true);

		const reconnect = await flow.run(activities);
		ok(reconnect.result);
		expect(reconnect.writes).toHaveLength(0);
		expect(live()).toHaveLength(2);
		const links = await flow.run([{}], { operation: 'getLinks' });
		expect(links.json.map((j) => j.activityId).sort()).toEqual(['1', '2']);

		const wipe = await flow.run([{}], { operation: 'disconnect', deleteCreatedEvents: true });
		expect(wipe.json[0]).toMatchObject({ deletedEvents: 2 });
		expect(live()).toHaveLength(0);
		const again = await flow.run(activities);
		ok(again.result);
		expect(
			live()
				.map((e) => e.id)
				.sort(),
		).toEqual([eventIdForActivity('1'), eventIdForActivity('2')].sort());
		expect(again.json.map((j) => j.action)).toEqual(['restored', 'restored']);
		expect((await flow.run(activities)).writes).toHaveLength(0);
	});

	it('a 410 mid-sync falls back to a full listing and duplicates nothing', async () => {
		const flow = new Flow({ direction: 'twoWay' });
		const activities = [activity(1, 'call', 'A', 1), activity(2, 'meeting', 'B', 2)];
		ok((await flow.run(activities)).result);
		fake.invalidateSyncTokens(CAL);
		activities[1] = { ...activities[1], subject: 'B (moved agenda)' };
		const resync = await flow.run(activities);
		ok(resync.result);
		const lists = resync.requests.filter((r) => r.method === 'GET');
		expect(lists.map((r) => r.status)).toEqual([410, 200]);
		expect(lists[1].query).not.toContain('syncToken');
		expect(resync.writes.map((r) => r.method)).toEqual(['PATCH']);
		expect(resync.json.filter((j) => j.target === 'activity')).toEqual([]);
		expect(live()).toHaveLength(2);
		const after = await flow.run(activities);
		expect(after.requests).toHaveLength(1);
		expect(after.writes).toHaveLength(0);
	});

	it('imports a recurring event per instance (a cancelled instance excluded, a later cancel deletes) and keeps all-day dates', async () => {
		const flow = new Flow({
			direction: 'twoWay',
			importType: 'meeting',
			timeZone: 'America/Los_Angeles',
		});
		ok((await flow.run([activity(1, 'call', 'A', 1)])).result);
		const first = DateTime.fromISO(`${day(2)}T10:00:00`, { zone: 'Europe/Berlin' });
		fake.userCreate(CAL, {
			id: 'series0',
			summary: 'Weekly sync',
			start: {
				dateTime: first.toISO({ includeOffset: false, suppressMilliseconds: true }),
				timeZone: 'Europe/Berlin',
			},
			end: {
				dateTime: first
					.plus({ hours: 1 })
					.toISO({ includeOffset: false, suppressMilliseconds: true }),
				timeZone: 'Europe/Berlin',
			},
			recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'],
		});
		const cancelledId = fake.userCancelInstance(
			CAL,
			'series0',
			first.plus({ weeks: 1 }).toISO({ includeOffset: false })!,
		);
		fake.userCreate(CAL, {
			id: 'holida0',
			summary: 'Company holiday',
			start: { date: day(5) },
			end: { date: day(6) },
		});
		const run = await flow.run([activity(1, 'call', 'A', 1)]);
		ok(run.result);
		const creates = run.json.filter((j) => j.action === 'create');
		expect(creates.map((j) => j.eventId).sort()).toEqual(
			[0, 2, 3]
				.map((w) => `series0_${first.plus({ weeks: w }).toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'")}`)
				.concat('holida0')
				.sort(),
		);
		expect(creates.map((j) => j.eventId)).not.toContain(cancelledId);
		const holiday = creates.find((j) => j.eventId === 'holida0')!;
		// Kept as a date in the activity's zone (Los Angeles), not shifted a day by UTC conversion.
		expect(holiday).toMatchObject({ due_date: day(5), due_time: '', subject: 'Company holiday' });
		const instance = creates.find((j) => String(j.eventId).startsWith('series0_'))!;
		expect(instance).toMatchObject({
			subject: 'Weekly sync',
			due_date: first.setZone('America/Los_Angeles').toISODate(),
			due_time: first.setZone('America/Los_Angeles').toFormat('HH:mm'),
		});

		// The source creates the activities; the next run links them all, then the user cancels one more instance.
		const createdActivities: IDataObject[] = creates.map((j, index) => ({
			...j,
			id: 500 + index,
			update_time: '2020-01-01 00:00:00',
		}));
		const linked = await flow.run([activity(1, 'call', 'A', 1), ...createdActivities]);
		ok(linked.result);
		expect(linked.writes.filter((r) => r.method === 'POST')).toHaveLength(0);
		const lastInstance = `series0_${first.plus({ weeks: 3 }).toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'")}`;
		fake.userCancelInstance(
			CAL,
			'series0',
			first.plus({ weeks: 3 }).toISO({ includeOffset: false })!,
		);
		const cancel = await flow.run([activity(1, 'call', 'A', 1), ...createdActivities]);
		const linkedId = String(createdActivities.find((a) => a.eventId === lastInstance)!.id);
		expect(cancel.json).toEqual([
			expect.objectContaining({
				target: 'activity',
				action: 'delete',
				activityId: linkedId,
				eventId: lastInstance,
			}),
		]);
	});

	it('rejects bad input with item errors naming the field; continueOnFail keeps the rest going', async () => {
		const flow = new Flow();
		const noStart = await flow.run([
			activity(1, 'call', 'A', 1),
			{ id: 2, type: 'call', subject: 'No date' },
		]);
		expect(noStart.result.status).toBe('error');
		expect(noStart.result.error?.message).toMatch(/Item 1: .*no start.*due_date/);
		expect(live()).toHaveLength(0);

		const reversed = await flow.run(
			[
				{
					id: 3,
					subject: 'Backwards',
					due_date: `${day(1)}T10:00:00Z`,
					end_at: `${day(1)}T09:00:00Z`,
				},
			],
			{
				fieldMapping: { end: 'end_at' },
			},
		);
		expect(reversed.result.status).toBe('error');
		expect(reversed.result.error?.message).toMatch(/Item 0: The end .* is before the start/);

		const zone = await flow.run([activity(4, 'call', 'A', 1)], { timeZone: 'Mars/Olympus_Mons' });
		expect(zone.result.status).toBe('error');
		expect(zone.result.error?.message).toMatch(/Unknown time zone "Mars\/Olympus_Mons"/);

		const tolerant = new Flow({}, true);
		const mixed = await tolerant.run([
			activity(5, 'call', 'Good', 1),
			{ id: 6, subject: 'No date' },
		]);
		ok(mixed.result);
		expect(mixed.items.find((i) => i.json.error)).toMatchObject({
			json: { field: 'due_date', activityId: 6 },
			pairedItem: { item: 1 },
		});
		expect(mixed.items.find((i) => i.json.action === 'created')).toMatchObject({
			json: { activityId: '5' },
			pairedItem: { item: 0 },
		});
	});

	it('an invitation organised by someone else: the CRM edit is reported once as read-only, the run succeeds, the next run does not retry', async () => {
		const flow = new Flow({ direction: 'twoWay', importType: 'meeting' });
		const base = activity(1, 'call', 'Call Anna', 1);
		const invite = fake.userInvited(
			CAL,
			{
				summary: 'Board meeting',
				start: { dateTime: `${day(2)}T10:00:00Z` },
				end: { dateTime: `${day(2)}T11:00:00Z` },
			},
			{ email: 'boss@example.com' },
		);
		const imported = await flow.run([base]);
		ok(imported.result);
		const create = imported.json.find((j) => j.action === 'create')!;
		const created: IDataObject = { ...create, id: 901, update_time: '2020-01-01 00:00:00' };
		delete created.target;
		delete created.action;
		delete created.eventId;
		ok((await flow.run([base, created])).result);
		expect(fake.event(CAL, String(invite.id))!.extendedProperties.private.cloudSyncActivityId).toBe(
			'901',
		);

		const edited = {
			...created,
			subject: 'Board meeting (prep)',
			update_time: DateTime.utc().toFormat('yyyy-MM-dd HH:mm:ss'),
		};
		const refused = await flow.run([base, edited]);
		ok(refused.result);
		expect(refused.json).toEqual([
			expect.objectContaining({
				target: 'calendar',
				action: 'readOnly',
				activityId: '901',
				eventId: invite.id,
				reason: 'organizedBySomeoneElse',
				message: expect.stringContaining('organised by someone else'),
			}),
		]);
		expect(fake.event(CAL, String(invite.id))!.summary).toBe('Board meeting');
		const again = await flow.run([base, edited]);
		ok(again.result);
		expect(again.writes).toHaveLength(0);
		expect(again.json).toEqual([]);
	});

	it('follows short and empty pages (Google may cut a page below maxResults, even to nothing) in full listings and change feeds', async () => {
		fake.pages = { size: 1, emptyFirst: true };
		const flow = new Flow({ direction: 'twoWay', importType: 'meeting' });
		const base = activity(1, 'call', 'Call Anna', 1);
		for (const n of [1, 2, 3])
			fake.userCreate(CAL, {
				summary: `Event ${n}`,
				start: { dateTime: `${day(n)}T08:00:00Z` },
				end: { dateTime: `${day(n)}T09:00:00Z` },
			});
		const first = await flow.run([base]);
		ok(first.result);
		expect(
			first.json
				.filter((j) => j.action === 'create')
				.map((j) => j.subject)
				.sort(),
		).toEqual(['Event 1', 'Event 2', 'Event 3']);
		const lists = first.requests.filter((r) => r.method === 'GET');
		// An empty first page, then one event a page.
		expect(lists).toHaveLength(4);
		fake.userCreate(CAL, {
			summary: 'Event 4',
			start: { dateTime: `${day(4)}T08:00:00Z` },
			end: { dateTime: `${day(4)}T09:00:00Z` },
		});
		const feed = await flow.run([base]);
		ok(feed.result);
		// The first run's own writes and the new event come through the feed, page by page; nothing twice.
		expect(feed.json.filter((j) => j.action === 'create').map((j) => j.subject)).toEqual([
			'Event 4',
		]);
	});

	it('encodes activity ids outside the event-id alphabet deterministically', async () => {
		const id = 'Deal#42/Ä-x';
		const flow = new Flow();
		ok((await flow.run([activity(id, 'call', 'Encoded', 1)])).result);
		const [event] = live();
		expect(event.id).toMatch(/^[a-v0-9]{5,1024}$/);
		expect(event.id).toBe(eventIdForActivity(id));
		expect(event.extendedProperties.private.cloudSyncActivityId).toBe(id);
		// Another workflow (no shared state) with the same activity links to the same event instead of duplicating.
		const other = new Flow();
		const second = await other.run([activity(id, 'call', 'Encoded', 1)]);
		ok(second.result);
		expect(second.writes).toHaveLength(0);
		expect(live()).toHaveLength(1);
	});
});
