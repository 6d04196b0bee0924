import { calendar, type calendar_v3 } from '@googleapis/calendar';
import { FakeAuth } from '../fakes/common/auth';
import { FakeCalendar } from '../fakes/calendar';
import { TestWire } from '../harness/testWire';
import { Pacer } from '../../nodes/shared/transport/pacer';
import { Transport } from '../../nodes/shared/transport/transport';
import { GoogleCalendarProvider } from '../../nodes/shared/calendar/googleCalendar';
import { isCloudError } from '../../nodes/shared/types/cloudError';
import { CLOUD_WIRES } from '../support/cloudWires';

/** The fake, seen through the real @googleapis/calendar SDK (gaxios retries off, one attempt per call). */

const SCOPE = 'https://www.googleapis.com/auth/';
const FULL_SCOPES = [`${SCOPE}calendar.events`, `${SCOPE}calendar.calendarlist.readonly`];

describe('FakeCalendar through @googleapis/calendar', () => {
	const auth = new FakeAuth();
	let fake: FakeCalendar;
	let api: calendar_v3.Calendar;
	const cal = 'user@example.com';

	function client(scopes = FULL_SCOPES): calendar_v3.Calendar {
		const transport = new Transport(new TestWire(auth, 'google', scopes), {
			cloud: CLOUD_WIRES.googleCalendar,
			baseUrl: fake.baseUrl,
			pacer: new Pacer({ maxAttempts: 1 }),
		});
		return calendar({
			version: 'v3',
			fetchImplementation: transport.fetch as unknown as typeof fetch,
			retry: false,
		});
	}

	/** Status and errors[0].reason of a failed call. */
	async function failure(promise: Promise<unknown>): Promise<{ status: number; reason: string }> {
		try {
			await promise;
		} catch (error: any) {
			return {
				status: error.status ?? error.response?.status,
				reason: error.response?.data?.error?.errors?.[0]?.reason,
			};
		}
		throw new Error('expected the call to fail');
	}

	const timed = (
		id: string | undefined,
		start: string,
		end: string,
		extra: calendar_v3.Schema$Event = {},
	) => ({
		...(id ? { id } : {}),
		summary: `event ${id ?? ''}`,
		start: { dateTime: start },
		end: { dateTime: end },
		...extra,
	});

	beforeEach(async () => {
		fake = new FakeCalendar(auth);
		await fake.start();
		api = client();
	});

	afterEach(async () => {
		await fake.stop();
	});

	it('lists calendars with access roles; the primary alias works; the list needs a calendar-list scope', async () => {
		fake.addCalendar({
			id: 'team@group.calendar.google.com',
			summary: 'Team',
			accessRole: 'reader',
			timeZone: 'Europe/Berlin',
		});
		const { data } = await api.calendarList.list();
		expect(data.items?.map((c) => [c.id, c.accessRole, c.primary ?? false])).toEqual([
			[cal, 'owner', true],
			['team@group.calendar.google.com', 'reader', false],
		]);
		const viaAlias = await api.events.list({ calendarId: 'primary' });
		expect(viaAlias.data.summary).toBe(cal);
		expect(await failure(client([`${SCOPE}calendar.events`]).calendarList.list())).toEqual({
			status: 403,
			reason: 'insufficientPermissions',
		});
	});

	it('answers 501 naming the route for what the Calendar API has and the fake does not model', async () => {
		const token = auth.issue('google', FULL_SCOPES).access_token;
		const unmodelled = [
			['GET', `/calendar/v3/calendars/${cal}/acl`],
			['GET', `/calendar/v3/calendars/${cal}/events/e1/instances`],
			['POST', `/calendar/v3/calendars/${cal}/events/quickAdd`],
			['GET', '/calendar/v3/colors'],
			['POST', '/calendar/v3/freeBusy'],
		];
		for (const [method, path] of unmodelled) {
			const response = await fetch(`${fake.baseUrl}${path}`, {
				method,
				headers: { authorization: `Bearer ${token}` },
			});
			const body = (await response.json()) as { error: { message: string } };
			expect({ path, status: response.status, message: body.error.message }).toEqual({
				path,
				status: 501,
				message: `not modelled by this fake: ${method} ${path}`,
			});
		}
	});

	it('pages with pageToken and gives nextSyncToken on the last page only', async () => {
		for (let i = 0; i < 5; i++)
			fake.userCreate(
				cal,
				timed(`evt0000${i}`, `2030-01-0${i + 1}T09:00:00Z`, `2030-01-0${i + 1}T10:00:00Z`),
			);
		const pages: calendar_v3.Schema$Events[] = [];
		let pageToken: string | undefined;
		do {
			const { data } = await api.events.list({ calendarId: cal, maxResults: 2, pageToken });
			pages.push(data);
			pageToken = data.nextPageToken ?? undefined;
		} while (pageToken);
		expect(pages.map((p) => p.items?.length)).toEqual([2, 2, 1]);
		expect(pages.map((p) => Boolean(p.nextSyncToken))).toEqual([false, false, true]);
		expect(pages.map((p) => Boolean(p.nextPageToken))).toEqual([true, true, false]);
		// A page token only continues its own query.
		expect(
			await failure(
				api.events.list({ calendarId: cal, maxResults: 3, pageToken: pages[0].nextPageToken! }),
			),
		).toEqual({
			status: 400,
			reason: 'invalid',
		});
	});

	it('returns only changes after a sync token, deletions included as minimal cancelled entries', async () => {
		fake.userCreate(cal, timed('keep0', '2030-01-01T09:00:00Z', '2030-01-01T10:00:00Z'));
		fake.userCreate(cal, timed('edit0', '2030-01-02T09:00:00Z', '2030-01-02T10:00:00Z'));
		fake.userCreate(cal, timed('gone0', '2030-01-03T09:00:00Z', '2030-01-03T10:00:00Z'));
		const full = await api.events.list({ calendarId: cal });
		fake.userEdit(cal, 'edit0', { summary: 'edited' });
		fake.userDelete(cal, 'gone0');
		fake.userCreate(cal, timed('neu00', '2030-01-04T09:00:00Z', '2030-01-04T10:00:00Z'));
		const changes = await api.events.list({ calendarId: cal, syncToken: full.data.nextSyncToken! });
		expect(changes.data.items?.map((e) => [e.id, e.status])).toEqual([
			['edit0', 'confirmed'],
			['gone0', 'cancelled'],
			['neu00', 'confirmed'],
		]);
		expect(Object.keys(changes.data.items![1]).sort()).toEqual(['etag', 'id', 'kind', 'status']);
		const none = await api.events.list({ calendarId: cal, syncToken: changes.data.nextSyncToken! });
		expect(none.data.items).toEqual([]);
		expect(none.data.nextSyncToken).toBeTruthy();
	});

	it('rejects parameters that cannot go with a sync token, and unknown parameters', async () => {
		const { data } = await api.events.list({ calendarId: cal });
		const token = data.nextSyncToken!;
		for (const extra of [
			{ timeMin: '2030-01-01T00:00:00Z' },
			{ privateExtendedProperty: ['a=b'] },
			{ q: 'x' },
			{ orderBy: 'updated' },
			{ updatedMin: new Date().toISOString() },
			{ showDeleted: false },
		]) {
			expect(
				await failure(api.events.list({ calendarId: cal, syncToken: token, ...extra })),
			).toEqual({ status: 400, reason: 'invalid' });
		}
		expect(await failure(api.events.list({ calendarId: cal, bogus: 1 } as never))).toEqual({
			status: 400,
			reason: 'invalid',
		});
		expect(await failure(api.events.list({ calendarId: cal, syncToken: 'garbage' }))).toEqual({
			status: 400,
			reason: 'invalid',
		});
	});

	it('answers 410 fullSyncRequired for an invalidated sync token', async () => {
		const { data } = await api.events.list({ calendarId: cal });
		fake.invalidateSyncTokens(cal);
		expect(
			await failure(api.events.list({ calendarId: cal, syncToken: data.nextSyncToken! })),
		).toEqual({
			status: 410,
			reason: 'fullSyncRequired',
		});
	});

	it('inserts with a client-chosen base32hex id: bad ids 400, taken ids 409 even after deletion', async () => {
		const body = timed(undefined, '2030-01-01T09:00:00Z', '2030-01-01T10:00:00Z');
		for (const id of ['abc', 'UPPER1', 'wxyz12', 'has_underscore']) {
			expect(
				await failure(api.events.insert({ calendarId: cal, requestBody: { ...body, id } })),
			).toEqual({ status: 400, reason: 'invalid' });
		}
		const created = await api.events.insert({
			calendarId: cal,
			requestBody: { ...body, id: 'cs0abc42' },
		});
		expect(created.status).toBe(200);
		expect(created.data.id).toBe('cs0abc42');
		expect(
			await failure(
				api.events.insert({ calendarId: cal, requestBody: { ...body, id: 'cs0abc42' } }),
			),
		).toEqual({
			status: 409,
			reason: 'duplicate',
		});
		await api.events.delete({ calendarId: cal, eventId: 'cs0abc42' });
		const cancelled = await api.events.get({ calendarId: cal, eventId: 'cs0abc42' });
		expect(cancelled.data.status).toBe('cancelled');
		expect(cancelled.data.summary).toBe(body.summary);
		expect(await failure(api.events.delete({ calendarId: cal, eventId: 'cs0abc42' }))).toEqual({
			status: 410,
			reason: 'deleted',
		});
		expect(
			await failure(
				api.events.insert({ calendarId: cal, requestBody: { ...body, id: 'cs0abc42' } }),
			),
		).toEqual({
			status: 409,
			reason: 'duplicate',
		});
		const generated = await api.events.insert({ calendarId: cal, requestBody: body });
		expect(generated.data.id).toMatch(/^[a-v0-9]{5,1024}$/);
		expect(await failure(api.events.get({ calendarId: cal, eventId: 'nothere0' }))).toEqual({
			status: 404,
			reason: 'notFound',
		});
	});

	it('honours If-Match (412 on a stale etag) and If-None-Match (304)', async () => {
		const created = fake.userCreate(
			cal,
			timed('etag0', '2030-01-01T09:00:00Z', '2030-01-01T10:00:00Z'),
		);
		fake.userEdit(cal, 'etag0', { summary: 'changed by the user' });
		expect(
			await failure(
				api.events.patch(
					{ calendarId: cal, eventId: 'etag0', requestBody: { summary: 'mine' } },
					{ headers: { 'If-Match': created.etag } },
				),
			),
		).toEqual({ status: 412, reason: 'conditionNotMet' });
		const current = await api.events.get({ calendarId: cal, eventId: 'etag0' });
		const patched = await api.events.patch(
			{ calendarId: cal, eventId: 'etag0', requestBody: { summary: 'mine' } },
			{ headers: { 'If-Match': current.data.etag! } },
		);
		expect(patched.data.summary).toBe('mine');
		expect(patched.data.etag).not.toBe(current.data.etag);
		const notModified = await api.events.get(
			{ calendarId: cal, eventId: 'etag0' },
			{ headers: { 'If-None-Match': patched.data.etag! } },
		);
		expect(notModified.status).toBe(304);
		expect(
			await failure(
				api.events.delete(
					{ calendarId: cal, eventId: 'etag0' },
					{ headers: { 'If-Match': current.data.etag! } },
				),
			),
		).toEqual({
			status: 412,
			reason: 'conditionNotMet',
		});
	});

	it('patches extendedProperties.private key by key (null deletes a key); update drops omitted fields', async () => {
		fake.userCreate(cal, {
			...timed('props0', '2030-01-01T09:00:00Z', '2030-01-01T10:00:00Z'),
			description: 'notes',
			extendedProperties: { private: { a: '1', b: '2' } },
		});
		const patched = await api.events.patch({
			calendarId: cal,
			eventId: 'props0',
			requestBody: { extendedProperties: { private: { a: null as never, c: '3' } } },
		});
		expect(patched.data.extendedProperties?.private).toEqual({ b: '2', c: '3' });
		expect(patched.data.description).toBe('notes');
		const updated = await api.events.update({
			calendarId: cal,
			eventId: 'props0',
			requestBody: { summary: 'only this', start: patched.data.start, end: patched.data.end },
		});
		expect(updated.data.description).toBeUndefined();
		expect(updated.data.extendedProperties).toBeUndefined();
	});

	it('filters by privateExtendedProperty (all constraints must match)', async () => {
		fake.userCreate(cal, {
			...timed('tag00', '2030-01-01T09:00:00Z', '2030-01-01T10:00:00Z'),
			extendedProperties: { private: { src: 'x', k: '1' } },
		});
		fake.userCreate(cal, {
			...timed('tag01', '2030-01-02T09:00:00Z', '2030-01-02T10:00:00Z'),
			extendedProperties: { private: { src: 'x' } },
		});
		fake.userCreate(cal, timed('tag02', '2030-01-03T09:00:00Z', '2030-01-03T10:00:00Z'));
		const one = await api.events.list({ calendarId: cal, privateExtendedProperty: ['src=x'] });
		expect(one.data.items?.map((e) => e.id)).toEqual(['tag00', 'tag01']);
		const both = await api.events.list({
			calendarId: cal,
			privateExtendedProperty: ['src=x', 'k=1'],
		});
		expect(both.data.items?.map((e) => e.id)).toEqual(['tag00']);
	});

	it('expands recurring events with instance ids, EXDATE, DST-stable local times and cancelled instances', async () => {
		fake.userCreate(cal, {
			id: 'series0',
			summary: 'stand-up',
			start: { dateTime: '2030-03-25T09:00:00', timeZone: 'Europe/Berlin' },
			end: { dateTime: '2030-03-25T09:15:00', timeZone: 'Europe/Berlin' },
			recurrence: [
				'RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=6',
				'EXDATE;TZID=Europe/Berlin:20300327T090000',
			],
		});
		fake.userCancelInstance(cal, 'series0', '2030-04-01T09:00:00');
		const expanded = await api.events.list({ calendarId: cal, singleEvents: true });
		// 6 occurrences counted, one EXDATE'd, one cancelled (hidden without showDeleted). Europe/Berlin goes to
		// summer time on 2030-03-31: 09:00 local stays 09:00 local (08:00Z before, 07:00Z after).
		expect(expanded.data.items?.map((e) => e.id)).toEqual([
			'series0_20300325T080000Z',
			'series0_20300403T070000Z',
			'series0_20300408T070000Z',
			'series0_20300410T070000Z',
		]);
		expect(expanded.data.items?.[1]).toMatchObject({
			recurringEventId: 'series0',
			originalStartTime: { timeZone: 'Europe/Berlin' },
			start: { timeZone: 'Europe/Berlin' },
		});
		expect(expanded.data.items?.[1].recurrence).toBeUndefined();
		const withDeleted = await api.events.list({
			calendarId: cal,
			singleEvents: true,
			showDeleted: true,
		});
		const cancelled = withDeleted.data.items?.find((e) => e.status === 'cancelled');
		expect(cancelled).toMatchObject({
			id: 'series0_20300401T070000Z',
			recurringEventId: 'series0',
		});
		// singleEvents=false: the master plus its cancelled exception, even without showDeleted.
		const raw = await api.events.list({ calendarId: cal });
		expect(raw.data.items?.map((e) => [e.id, e.status])).toEqual([
			['series0', 'confirmed'],
			['series0_20300401T070000Z', 'cancelled'],
		]);
	});

	it('an instance someone changed follows later series-wide edits for the fields it did not override', async () => {
		fake.userCreate(cal, {
			id: 'rename0',
			summary: 'review',
			description: 'agenda',
			start: { dateTime: '2030-05-06T10:00:00', timeZone: 'UTC' },
			end: { dateTime: '2030-05-06T11:00:00', timeZone: 'UTC' },
			recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'],
		});
		// A sync client writes its own mark on one instance; the user moves another.
		await api.events.patch({
			calendarId: cal,
			eventId: 'rename0_20300513T100000Z',
			requestBody: { extendedProperties: { private: { mark: 'a1' } } },
		});
		fake.userMove(
			cal,
			'rename0_20300520T100000Z',
			{ dateTime: '2030-05-20T15:00:00Z' },
			{ dateTime: '2030-05-20T16:00:00Z' },
		);
		await api.events.patch({
			calendarId: cal,
			eventId: 'rename0_20300520T100000Z',
			requestBody: { description: 'moved agenda' },
		});
		const { data: before } = await api.events.list({ calendarId: cal, singleEvents: true });
		// The user renames the whole series.
		fake.userEdit(cal, 'rename0', { summary: 'weekly review', description: 'new agenda' });
		const { data } = await api.events.list({
			calendarId: cal,
			singleEvents: true,
			syncToken: before.nextSyncToken!,
		});
		const byId = new Map(data.items!.map((e) => [e.id, e]));
		expect(byId.get('rename0_20300513T100000Z')).toMatchObject({
			summary: 'weekly review',
			description: 'new agenda',
			extendedProperties: { private: { mark: 'a1' } },
		});
		expect(byId.get('rename0_20300520T100000Z')).toMatchObject({
			summary: 'weekly review',
			description: 'moved agenda',
			start: { dateTime: '2030-05-20T15:00:00Z' },
		});
		expect(byId.get('rename0_20300527T100000Z')).toMatchObject({
			summary: 'weekly review',
			description: 'new agenda',
		});
	});

	it('splits "this and following events": the old series ends before the target, a new one starts there', async () => {
		fake.userCreate(cal, {
			id: 'split0',
			summary: 'class',
			start: { dateTime: '2030-06-03T09:00:00', timeZone: 'UTC' },
			end: { dateTime: '2030-06-03T10:00:00', timeZone: 'UTC' },
			recurrence: ['RRULE:FREQ=WEEKLY;COUNT=5'],
		});
		await api.events.patch({
			calendarId: cal,
			eventId: 'split0_20300624T090000Z',
			requestBody: { description: 'touched' },
		});
		const { data: before } = await api.events.list({ calendarId: cal, singleEvents: true });
		const newId = fake.userSplitSeries(cal, 'split0', '2030-06-17T09:00:00', {
			summary: 'class (room B)',
		});
		const { data: master } = await api.events.get({ calendarId: cal, eventId: 'split0' });
		expect(master.recurrence).toEqual(['RRULE:FREQ=WEEKLY;UNTIL=20300617T085959Z']);
		const { data: all } = await api.events.list({
			calendarId: cal,
			singleEvents: true,
			orderBy: 'startTime',
		});
		expect(all.items!.map((e) => [e.start?.dateTime, e.summary, e.recurringEventId])).toEqual([
			['2030-06-03T09:00:00Z', 'class', 'split0'],
			['2030-06-10T09:00:00Z', 'class', 'split0'],
			['2030-06-17T09:00:00Z', 'class (room B)', newId],
			['2030-06-24T09:00:00Z', 'class (room B)', newId],
			['2030-07-01T09:00:00Z', 'class (room B)', newId],
		]);
		// The exception past the new end is gone with its occurrence: an incremental sync reports it cancelled.
		const { data: changes } = await api.events.list({
			calendarId: cal,
			syncToken: before.nextSyncToken!,
		});
		expect(changes.items!.find((e) => e.id === 'split0_20300624T090000Z')).toMatchObject({
			status: 'cancelled',
		});
		expect(changes.items!.find((e) => e.id === 'split0_20300701T090000Z')).toMatchObject({
			status: 'cancelled',
		});
		const { data: withSingles } = await api.events.list({
			calendarId: cal,
			singleEvents: true,
			syncToken: before.nextSyncToken!,
		});
		expect(
			withSingles
				.items!.filter((e) => e.status === 'cancelled')
				.map((e) => e.id)
				.sort(),
		).toEqual(['split0_20300617T090000Z', 'split0_20300624T090000Z', 'split0_20300701T090000Z']);
	});

	it('keeps all-day events as dates, gives all-day instances date ids, and windows by end > timeMin, start < timeMax', async () => {
		fake.userCreate(cal, {
			id: 'alldate0',
			summary: 'holiday',
			start: { date: '2030-05-01' },
			end: { date: '2030-05-02' },
		});
		fake.userCreate(cal, {
			id: 'monthl0',
			summary: 'payroll',
			start: { date: '2030-01-25' },
			end: { date: '2030-01-26' },
			recurrence: ['RRULE:FREQ=MONTHLY;BYDAY=-1FR;INTERVAL=2;UNTIL=20301231'],
		});
		const { data } = await api.events.list({
			calendarId: cal,
			singleEvents: true,
			orderBy: 'startTime',
			timeMin: '2030-04-30T00:00:00Z',
			timeMax: '2030-09-30T00:00:00Z',
		});
		expect(data.items?.map((e) => [e.id, e.start?.date])).toEqual([
			['alldate0', '2030-05-01'],
			['monthl0_20300531', '2030-05-31'],
			['monthl0_20300726', '2030-07-26'],
			['monthl0_20300927', '2030-09-27'],
		]);
		expect(data.items?.[0].start).toEqual({ date: '2030-05-01' });
		expect(data.items?.[0].end).toEqual({ date: '2030-05-02' });
	});

	it('caps the expansion of unbounded series', async () => {
		fake.userCreate(cal, {
			id: 'daili0',
			start: { dateTime: '2030-01-01T09:00:00Z', timeZone: 'UTC' },
			end: { dateTime: '2030-01-01T09:30:00Z', timeZone: 'UTC' },
			recurrence: ['RRULE:FREQ=DAILY'],
		});
		const { data } = await api.events.list({
			calendarId: cal,
			singleEvents: true,
			maxResults: 2500,
		});
		expect(data.items!.length).toBeGreaterThan(100);
		expect(data.items!.length).toBeLessThanOrEqual(730);
	});

	it('validates times: time zones, missing zones, end before start; visibility is kept', async () => {
		const bad = [
			{
				start: { dateTime: '2030-01-01T09:00:00', timeZone: 'Mars/Olympus' },
				end: { dateTime: '2030-01-01T10:00:00', timeZone: 'UTC' },
			},
			{ start: { dateTime: '2030-01-01T09:00:00' }, end: { dateTime: '2030-01-01T10:00:00' } },
			{ start: { date: '2030-01-01' }, end: { dateTime: '2030-01-01T10:00:00Z' } },
		];
		for (const body of bad)
			expect(
				(await failure(api.events.insert({ calendarId: cal, requestBody: body }))).status,
			).toBe(400);
		expect(
			await failure(
				api.events.insert({
					calendarId: cal,
					requestBody: timed('rev00', '2030-01-01T10:00:00Z', '2030-01-01T09:00:00Z'),
				}),
			),
		).toEqual({ status: 400, reason: 'timeRangeEmpty' });
		const created = await api.events.insert({
			calendarId: cal,
			requestBody: {
				...timed('vis00', '2030-01-01T09:00:00+02:00', '2030-01-01T10:00:00+02:00'),
				visibility: 'private',
			},
		});
		expect(created.data.visibility).toBe('private');
		expect(created.data.start).toEqual({ dateTime: '2030-01-01T09:00:00+02:00' });
	});

	it('answers writes on a read-only calendar with 403 and needs a write scope', async () => {
		fake.addCalendar({ id: 'ro@group.calendar.google.com', accessRole: 'reader' });
		const body = timed('ro000', '2030-01-01T09:00:00Z', '2030-01-01T10:00:00Z');
		expect(
			await failure(
				api.events.insert({ calendarId: 'ro@group.calendar.google.com', requestBody: body }),
			),
		).toEqual({
			status: 403,
			reason: 'requiredAccessLevel',
		});
		const readOnly = client([`${SCOPE}calendar.events.readonly`]);
		expect((await readOnly.events.list({ calendarId: cal })).status).toBe(200);
		expect(await failure(readOnly.events.insert({ calendarId: cal, requestBody: body }))).toEqual({
			status: 403,
			reason: 'insufficientPermissions',
		});
	});

	it('includes deletions since updatedMin without showDeleted', async () => {
		const since = new Date(Date.now() - 1000).toISOString();
		fake.userCreate(cal, timed('upd00', '2030-01-01T09:00:00Z', '2030-01-01T10:00:00Z'));
		fake.userDelete(cal, 'upd00');
		const { data } = await api.events.list({ calendarId: cal, updatedMin: since });
		expect(data.items?.map((e) => [e.id, e.status])).toEqual([['upd00', 'cancelled']]);
		expect(
			await failure(api.events.list({ calendarId: cal, updatedMin: '2000-01-01T00:00:00Z' })),
		).toEqual({
			status: 410,
			reason: 'updatedMinTooLongAgo',
		});
	});

	it('answers a missing or expired bearer with Google 401 envelopes, and faults as injected', async () => {
		const noBearer = await fetch(`${fake.baseUrl}/calendar/v3/calendars/primary/events`);
		expect(noBearer.status).toBe(401);
		expect(noBearer.headers.get('www-authenticate')).toContain('Bearer');
		const bad = await fetch(`${fake.baseUrl}/calendar/v3/calendars/primary/events`, {
			headers: { authorization: 'Bearer nope' },
		});
		expect(((await bad.json()) as any).error.errors[0].reason).toBe('authError');
		fake.inject({
			method: 'GET',
			path: '/events',
			action: {
				type: 'respond',
				status: 429,
				body: { error: { code: 429, errors: [{ reason: 'rateLimitExceeded' }] } },
			},
		});
		expect(await failure(api.events.list({ calendarId: cal }))).toEqual({
			status: 429,
			reason: 'rateLimitExceeded',
		});
	});

	it('offers the control API over HTTP: seed, act as the user, invalidate tokens, dump', async () => {
		const post = async (action: string, body: unknown) =>
			(
				await fetch(`${fake.baseUrl}/_control/${action}`, {
					method: 'POST',
					body: JSON.stringify(body),
				})
			).json() as Promise<any>;
		await post('seed', {
			calendars: [{ id: 'work@group.calendar.google.com', summary: 'Work' }],
			events: [
				{
					calendarId: 'work@group.calendar.google.com',
					...timed('ctl00', '2030-01-01T09:00:00Z', '2030-01-01T10:00:00Z'),
				},
			],
		});
		const { data } = await api.events.list({ calendarId: 'work@group.calendar.google.com' });
		await post('move-event', {
			calendarId: 'work@group.calendar.google.com',
			eventId: 'ctl00',
			start: { dateTime: '2030-01-02T09:00:00Z' },
			end: { dateTime: '2030-01-02T10:00:00Z' },
		});
		const moved = await api.events.list({
			calendarId: 'work@group.calendar.google.com',
			syncToken: data.nextSyncToken!,
		});
		expect(moved.data.items?.[0].start?.dateTime).toBe('2030-01-02T09:00:00Z');
		await post('invalidate-sync-tokens', { calendarId: 'work@group.calendar.google.com' });
		expect(
			(
				await failure(
					api.events.list({
						calendarId: 'work@group.calendar.google.com',
						syncToken: moved.data.nextSyncToken!,
					}),
				)
			).status,
		).toBe(410);
		const dump = await post('dump', { calendarId: 'work@group.calendar.google.com' });
		expect(dump.events.map((e: any) => e.id)).toEqual(['ctl00']);
	});

	it('provider: lists all pages, signals a reset on 410, maps 409/412/404 to CloudError', async () => {
		const transport = new Transport(new TestWire(auth, 'google', FULL_SCOPES), {
			cloud: CLOUD_WIRES.googleCalendar,
			baseUrl: fake.baseUrl,
			pacer: new Pacer({ maxAttempts: 1 }),
		});
		const provider = new GoogleCalendarProvider(transport, { pageSize: 2 });
		for (let i = 0; i < 5; i++)
			fake.userCreate(
				cal,
				timed(`pro0${i}`, `2030-01-0${i + 1}T09:00:00Z`, `2030-01-0${i + 1}T10:00:00Z`),
			);
		const since = fake.mark();
		const full = await provider.listEvents(cal, { timeMin: '2029-12-01T00:00:00Z' });
		expect(full).toMatchObject({ outcome: 'events', full: true, pages: 3 });
		expect(fake.requests({ since }).map((r) => r.query)).toEqual([
			expect.stringContaining('showDeleted=true'),
			expect.stringContaining('pageToken='),
			expect.stringContaining('pageToken='),
		]);
		if (full.outcome !== 'events') throw new Error('expected events');
		expect(full.events.map((e) => e.id)).toEqual(['pro00', 'pro01', 'pro02', 'pro03', 'pro04']);
		fake.invalidateSyncTokens();
		expect(await provider.listEvents(cal, { syncToken: full.nextSyncToken! })).toEqual({
			outcome: 'reset',
		});
		const created = await provider.insertEvent(cal, 'csa01', {
			summary: 'x',
			start: { date: '2030-02-01' },
			end: { date: '2030-02-02' },
			privateProperties: { k: 'v' },
		});
		expect(created.privateProperties).toEqual({ k: 'v' });
		const duplicate = await provider
			.insertEvent(cal, 'csa01', { start: { date: '2030-02-01' }, end: { date: '2030-02-02' } })
			.catch((e) => e);
		expect(isCloudError(duplicate, 'conflict') && duplicate.details.providerCode).toBe('duplicate');
		fake.userEdit(cal, 'csa01', { summary: 'y' });
		const stale = await provider
			.patchEvent(cal, 'csa01', { summary: 'z' }, created.etag)
			.catch((e) => e);
		expect(isCloudError(stale, 'conflict') && stale.details.providerCode).toBe('conditionNotMet');
		expect(await provider.deleteEvent(cal, 'csa01')).toBe('deleted');
		expect(await provider.deleteEvent(cal, 'csa01')).toBe('gone');
		expect(await provider.getEvent(cal, 'nothere1')).toBeUndefined();
		expect((await provider.listCalendars()).map((c) => c.id)).toEqual([cal]);
	});
});
