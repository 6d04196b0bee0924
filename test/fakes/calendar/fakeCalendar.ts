import type { ServerResponse } from 'http';
import { DateTime } from 'luxon';
import type { FakeAuth } from '../common/auth';
import { notModelled } from '../common/notModelled';
import { FakeServer, type ErrorShape, type FakeRequest } from '../common/server';
import { CalendarErrors, calendarError } from './errors';
import { instanceSuffix, toDateTime } from './recurrence';
import {
	CalendarStore,
	StoreError,
	normalizeEtag,
	type Json,
	type ListQuery,
	type StoredCalendar,
	type StoredEvent,
} from './store';

const SCOPE = 'https://www.googleapis.com/auth/';
const READ_EVENT_SCOPES = [
	'calendar',
	'calendar.readonly',
	'calendar.events',
	'calendar.events.readonly',
].map((s) => SCOPE + s);
const WRITE_EVENT_SCOPES = ['calendar', 'calendar.events'].map((s) => SCOPE + s);
const CALENDAR_LIST_SCOPES = [
	'calendar',
	'calendar.readonly',
	'calendar.calendarlist',
	'calendar.calendarlist.readonly',
].map((s) => SCOPE + s);

/** Query parameters every Google API accepts. */
const STANDARD_PARAMS = [
	'alt',
	'fields',
	'key',
	'oauth_token',
	'access_token',
	'prettyPrint',
	'quotaUser',
	'userIp',
	'$.xgafv',
	'callback',
	'upload_protocol',
	'uploadType',
];
const LIST_PARAMS = [
	'alwaysIncludeEmail',
	'eventTypes',
	'iCalUID',
	'maxAttendees',
	'maxResults',
	'orderBy',
	'pageToken',
	'privateExtendedProperty',
	'q',
	'sharedExtendedProperty',
	'showDeleted',
	'showHiddenInvitations',
	'singleEvents',
	'syncToken',
	'timeMax',
	'timeMin',
	'timeZone',
	'updatedMin',
];
const NOT_WITH_SYNC_TOKEN = [
	'iCalUID',
	'orderBy',
	'privateExtendedProperty',
	'q',
	'sharedExtendedProperty',
	'timeMin',
	'timeMax',
	'updatedMin',
];
const WRITE_PARAMS = [
	'conferenceDataVersion',
	'maxAttendees',
	'sendNotifications',
	'sendUpdates',
	'supportsAttachments',
];
const GET_PARAMS = ['alwaysIncludeEmail', 'maxAttendees', 'timeZone'];
const DELETE_PARAMS = ['sendNotifications', 'sendUpdates'];
const CALENDAR_LIST_PARAMS = [
	'maxResults',
	'minAccessRole',
	'pageToken',
	'showDeleted',
	'showHidden',
	'syncToken',
];
const ROLE_RANK: Record<string, number> = { freeBusyReader: 0, reader: 1, writer: 2, owner: 3 };
/** updatedMin older than this answers 410 updatedMinTooLongAgo (Google keeps deletions for about four weeks). */
const UPDATED_MIN_LIMIT_MS = 28 * 24 * 3600 * 1000;

interface SyncTokenData {
	c: string;
	s: number;
	e: number;
	min?: number;
	max?: number;
}

interface PageTokenData {
	o: number;
	s: number;
	k: string;
	/** The empty first page was served (see FakeCalendar.pages). */
	x?: number;
}

/**
 * A protocol-faithful Google Calendar v3 on 127.0.0.1 (research/api-brief.md section 4): calendarList.list,
 * events list/get/insert/patch/update/delete with sync tokens, paging, recurring expansion, etags and
 * Google's error envelopes. The control API seeds calendars and events and acts as the calendar's user.
 */
export class FakeCalendar extends FakeServer {
	readonly name = 'calendar';
	readonly store = new CalendarStore();
	/**
	 * Pages as Google may cut them: "The number of events in the resulting page may be less than this value, or none
	 * at all, even if there are more events matching the query. Incomplete pages can be detected by a non-empty
	 * nextPageToken field in the response." (events.list, maxResults,
	 * https://developers.google.com/calendar/api/v3/reference/events/list). `size` caps every page below maxResults;
	 * `emptyFirst` answers the first page of each listing with no items and a nextPageToken.
	 */
	pages: { size?: number; emptyFirst?: boolean } = {};

	constructor(auth?: FakeAuth) {
		super(auth);
	}

	// ---- programmatic control ----

	addCalendar(input: {
		id: string;
		summary?: string;
		timeZone?: string;
		primary?: boolean;
		accessRole?: StoredCalendar['accessRole'];
	}): Json {
		return this.store.calendarListEntry(this.store.addCalendar(input));
	}

	seed(input: {
		calendars?: Array<Parameters<FakeCalendar['addCalendar']>[0]>;
		events?: Array<Json & { calendarId?: string }>;
	}): Json[] {
		for (const calendar of input.calendars ?? []) this.addCalendar(calendar);
		return (input.events ?? []).map(({ calendarId, ...event }) =>
			this.userCreate(calendarId ?? 'primary', event),
		);
	}

	/** The user creates an event in Google Calendar. */
	userCreate(calendarId: string, event: Json): Json {
		const calendar = this.store.calendar(calendarId);
		return this.store.toJson(calendar, this.store.insert(calendar, event));
	}

	/**
	 * Someone else invites the user: the calendar holds an attendee's copy of an event they organised, which only
	 * they can change (unless `guestsCanModify`).
	 */
	userInvited(
		calendarId: string,
		event: Json,
		organizer: { email: string; displayName?: string },
	): Json {
		const calendar = this.store.calendar(calendarId);
		const stored = this.store.insert(calendar, event);
		stored.organizer = { ...organizer };
		return this.store.toJson(calendar, stored);
	}

	/** The user edits an event (patch semantics: only the given fields change). */
	userEdit(calendarId: string, eventId: string, patch: Json): Json {
		const calendar = this.store.calendar(calendarId);
		return this.store.toJson(calendar, this.store.patch(calendar, eventId, patch));
	}

	/** The user drags an event to another time. */
	userMove(calendarId: string, eventId: string, start: Json, end: Json): Json {
		return this.userEdit(calendarId, eventId, { start, end });
	}

	userDelete(calendarId: string, eventId: string): void {
		const calendar = this.store.calendar(calendarId);
		this.store.delete(calendar, eventId);
	}

	/** The user deletes one occurrence of a series ("this event" only): a cancelled exception. */
	userCancelInstance(calendarId: string, masterId: string, originalStart: string): string {
		const calendar = this.store.calendar(calendarId);
		const master = this.store.get(calendar, masterId);
		const allDay = Boolean(master.body.start.date);
		const zone = master.body.start.timeZone ?? calendar.timeZone;
		const start = allDay
			? DateTime.fromISO(originalStart, { zone })
			: toDateTime({ dateTime: originalStart, timeZone: zone }, zone);
		const id = `${masterId}_${instanceSuffix(start, allDay)}`;
		this.store.delete(calendar, id);
		return id;
	}

	/**
	 * The user changes "this and following events" of a series from the occurrence at `originalStart` on. Google's
	 * API has no single call for it; its guide ("Modify all following instances",
	 * https://developers.google.com/calendar/api/guides/recurringevents) says a client makes two requests: update
	 * the original series to end before the target instance (the RRULE's end date, UNTIL) and insert a new
	 * recurring event with the same data, the change applied, starting at the target instance. Google Calendar's own
	 * client does the same, so the fake does exactly that through the store. Returns the new series' id.
	 */
	userSplitSeries(
		calendarId: string,
		masterId: string,
		originalStart: string,
		change: Json,
	): string {
		const calendar = this.store.calendar(calendarId);
		const master = this.store.get(calendar, masterId);
		const allDay = Boolean(master.body.start.date);
		const zone = master.body.start.timeZone ?? calendar.timeZone;
		const target = allDay
			? DateTime.fromISO(originalStart, { zone })
			: toDateTime({ dateTime: originalStart, timeZone: zone }, zone);
		const before = this.store
			.occurrences(calendar, master, target.toMillis())
			.filter((o) => o.start < target).length;
		const lines: string[] = master.body.recurrence ?? [];
		const rule = lines.find((line) => /^RRULE:/i.test(line));
		if (!rule || before === 0)
			throw new Error(`userSplitSeries: ${originalStart} is not a later occurrence of ${masterId}`);
		const parts = rule.replace(/^RRULE:/i, '').split(';');
		const count = parts.find((part) => /^COUNT=/i.test(part));
		const kept = parts.filter((part) => !/^(COUNT|UNTIL)=/i.test(part));
		// UNTIL is inclusive (RFC 5545): the last kept occurrence ends the old series.
		const until = allDay
			? target.minus({ days: 1 }).toFormat('yyyyMMdd')
			: target.minus({ seconds: 1 }).toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'");
		const trimmed = lines.map((line) =>
			line === rule ? `RRULE:${[...kept, `UNTIL=${until}`].join(';')}` : line,
		);
		const rest = count ? [...kept, `COUNT=${Number(count.split('=')[1]) - before}`] : parts;
		const following = lines.map((line) => (line === rule ? `RRULE:${rest.join(';')}` : line));
		const body = structuredClone(master.body);
		const length = toDateTime(body.end, zone).diff(toDateTime(body.start, zone));
		const start = allDay
			? { date: target.toISODate() }
			: { dateTime: target.toISO({ suppressMilliseconds: true }), timeZone: zone };
		const end = allDay
			? { date: target.plus(length).toISODate() }
			: {
					dateTime: target.plus(length).toISO({ suppressMilliseconds: true }),
					timeZone: body.end.timeZone ?? zone,
				};
		this.store.patch(calendar, masterId, { recurrence: trimmed });
		const inserted = this.store.insert(calendar, {
			...body,
			start,
			end,
			recurrence: following,
			...change,
		});
		return inserted.id;
	}

	/** Every sync token issued so far answers 410 from now on. */
	invalidateSyncTokens(calendarId?: string): void {
		this.store.invalidateSyncTokens(calendarId);
	}

	/** The full representation of one stored event (cancelled ones included), or undefined. */
	event(calendarId: string, eventId: string): Json | undefined {
		const calendar = this.store.calendar(calendarId);
		// An instance of a series nobody changed is generated, not stored: it is still an event the user sees.
		let stored: StoredEvent | undefined;
		try {
			stored = this.store.get(calendar, eventId);
		} catch {
			stored = undefined;
		}
		return stored ? this.store.toJson(calendar, stored) : undefined;
	}

	/** Stored events that are not cancelled (series masters and exceptions as stored, not expanded). */
	liveEvents(calendarId = 'primary'): Json[] {
		return this.dump(calendarId).events.filter((event) => event.status !== 'cancelled');
	}

	dump(calendarId?: string): { calendars: Json[]; events: Json[] } {
		const calendars = [...this.store.calendars.values()].filter(
			(c) => !calendarId || c.id === calendarId || (calendarId === 'primary' && c.primary),
		);
		return {
			calendars: calendars.map((c) => this.store.calendarListEntry(c)),
			events: calendars.flatMap((c) =>
				[...c.events.values()].map((e) => ({ calendarId: c.id, ...this.store.toJson(c, e) })),
			),
		};
	}

	protected async control(action: string, body: any, res: ServerResponse): Promise<boolean> {
		const run = (fn: () => unknown) => {
			try {
				this.sendJson(res, 200, fn() ?? { ok: true });
			} catch (error) {
				if (error instanceof StoreError) this.sendError(res, error.shape);
				else throw error;
			}
		};
		switch (action) {
			case 'seed':
				run(() => ({ events: this.seed(body) }));
				return true;
			case 'add-calendar':
				run(() => this.addCalendar(body));
				return true;
			case 'create-event':
				run(() => this.userCreate(body.calendarId ?? 'primary', body.event));
				return true;
			case 'edit-event':
				run(() => this.userEdit(body.calendarId ?? 'primary', body.eventId, body.patch));
				return true;
			case 'move-event':
				run(() => this.userMove(body.calendarId ?? 'primary', body.eventId, body.start, body.end));
				return true;
			case 'delete-event':
				run(() => this.userDelete(body.calendarId ?? 'primary', body.eventId));
				return true;
			case 'cancel-instance':
				run(() => ({
					id: this.userCancelInstance(
						body.calendarId ?? 'primary',
						body.eventId,
						body.originalStart,
					),
				}));
				return true;
			case 'invalidate-sync-tokens':
				run(() => this.invalidateSyncTokens(body.calendarId));
				return true;
			case 'dump':
				run(() => this.dump(body.calendarId));
				return true;
		}
		return false;
	}

	// ---- the API ----

	protected authError(reason: 'missing' | 'invalid' | 'expired'): ErrorShape {
		return reason === 'missing' ? CalendarErrors.authMissing() : CalendarErrors.authInvalid();
	}

	protected scopeError(): ErrorShape {
		return CalendarErrors.insufficientScopes();
	}

	protected requiredScopes(req: FakeRequest): string[] {
		if (/\/users\/me\/calendarList/.test(req.path)) return CALENDAR_LIST_SCOPES;
		return req.method === 'GET' ? READ_EVENT_SCOPES : WRITE_EVENT_SCOPES;
	}

	protected async handle(req: FakeRequest, res: ServerResponse): Promise<void> {
		try {
			await this.route(req, res);
		} catch (error) {
			if (error instanceof StoreError) this.sendError(res, error.shape);
			else throw error;
		}
	}

	private async route(req: FakeRequest, res: ServerResponse): Promise<void> {
		const segments = req.path
			.replace(/^\/calendar\/v3\/?/, '')
			.split('/')
			.filter(Boolean)
			.map(decodeURIComponent);
		// Routes the Calendar API has but this fake does not model (acl, instances, quickAdd, import, move, watch,
		// colors, settings, freeBusy, ...) answer 501 naming the route, never a 404 a client would read as "no such
		// event" (issue 15; test/fakes/README.md).
		const unmodelled = () =>
			this.sendError(
				res,
				notModelled(
					req.method,
					req.path,
					(message) => calendarError(501, 'notImplemented', message).body,
				),
			);
		if (!req.path.startsWith('/calendar/v3/')) return unmodelled();
		if (segments[0] === 'users' && segments[1] === 'me' && segments[2] === 'calendarList') {
			if (req.method !== 'GET') return this.sendError(res, CalendarErrors.methodNotAllowed());
			if (segments.length === 3) return this.calendarList(req, res);
			if (segments.length === 4) {
				checkParams(req, []);
				return this.sendJson(
					res,
					200,
					this.store.calendarListEntry(this.store.calendar(segments[3])),
				);
			}
		}
		if (segments[0] !== 'calendars' || !segments[1]) return unmodelled();
		const calendar = this.store.calendar(segments[1]);
		if (segments.length === 2 && req.method === 'GET') {
			checkParams(req, []);
			return this.sendJson(res, 200, {
				kind: 'calendar#calendar',
				etag: calendar.etag,
				id: calendar.id,
				summary: calendar.summary,
				timeZone: calendar.timeZone,
			});
		}
		if (segments[2] !== 'events' || segments.length > 4) return unmodelled();
		if (
			segments.length === 4 &&
			['quickAdd', 'import', 'watch'].includes(segments[3]) &&
			req.method === 'POST'
		)
			return unmodelled();
		const eventId = segments[3];
		if (eventId === undefined) {
			if (req.method === 'GET') return this.listEvents(req, res, calendar);
			if (req.method === 'POST') return this.insertEvent(req, res, calendar);
			return this.sendError(res, CalendarErrors.methodNotAllowed());
		}
		const ifMatch = header(req, 'if-match');
		switch (req.method) {
			case 'GET': {
				checkParams(req, GET_PARAMS);
				const event = this.store.get(calendar, eventId);
				const ifNoneMatch = header(req, 'if-none-match');
				if (ifNoneMatch && normalizeEtag(ifNoneMatch) === normalizeEtag(event.etag)) {
					res.writeHead(304, { etag: event.etag });
					res.end();
					return;
				}
				return this.sendJson(res, 200, this.store.toJson(calendar, event), { etag: event.etag });
			}
			case 'PATCH':
			case 'PUT': {
				checkParams(req, WRITE_PARAMS);
				requireWriter(calendar);
				const body = await this.readJson(req);
				const event =
					req.method === 'PATCH'
						? this.store.patch(calendar, eventId, body, ifMatch)
						: this.store.update(calendar, eventId, body, ifMatch);
				return this.sendJson(res, 200, this.store.toJson(calendar, event), { etag: event.etag });
			}
			case 'DELETE':
				checkParams(req, DELETE_PARAMS);
				requireWriter(calendar);
				this.store.delete(calendar, eventId, ifMatch);
				res.writeHead(204);
				res.end();
				return;
		}
		return this.sendError(res, CalendarErrors.methodNotAllowed());
	}

	private async insertEvent(
		req: FakeRequest,
		res: ServerResponse,
		calendar: StoredCalendar,
	): Promise<void> {
		checkParams(req, WRITE_PARAMS);
		requireWriter(calendar);
		const event = this.store.insert(calendar, await this.readJson(req));
		this.sendJson(res, 200, this.store.toJson(calendar, event), { etag: event.etag });
	}

	private calendarList(req: FakeRequest, res: ServerResponse): void {
		const params = checkParams(req, CALENDAR_LIST_PARAMS);
		const maxResults = clamp(intParam(params, 'maxResults') ?? 100, 1, 250);
		const minRole = params.get('minAccessRole');
		const entries = [...this.store.calendars.values()]
			.filter((c) => !minRole || ROLE_RANK[c.accessRole] >= (ROLE_RANK[minRole] ?? 0))
			.map((c) => this.store.calendarListEntry(c));
		const offset = params.get('pageToken')
			? decodePageToken(params.get('pageToken')!, 'calendarList').o
			: 0;
		const page = entries.slice(offset, offset + maxResults);
		const body: Json = {
			kind: 'calendar#calendarList',
			etag: `"p${this.store.currentSeq}"`,
			items: page,
		};
		if (offset + maxResults < entries.length)
			body.nextPageToken = encodePageToken({ o: offset + maxResults, s: 0, k: 'calendarList' });
		else body.nextSyncToken = encodeToken({ c: '*', s: this.store.currentSeq, e: 1 });
		this.sendJson(res, 200, body);
	}

	private listEvents(req: FakeRequest, res: ServerResponse, calendar: StoredCalendar): void {
		const params = checkParams(req, LIST_PARAMS);
		const syncTokenText = params.get('syncToken');
		const maxResults = clamp(intParam(params, 'maxResults') ?? 250, 1, 2500);
		const singleEvents = boolParam(params, 'singleEvents') ?? false;
		const showDeletedParam = boolParam(params, 'showDeleted');
		const orderBy = params.get('orderBy') ?? undefined;
		if (orderBy !== undefined && orderBy !== 'startTime' && orderBy !== 'updated') {
			throw new StoreError(CalendarErrors.invalid('Invalid value for orderBy.', 'orderBy'));
		}
		if (orderBy === 'startTime' && !singleEvents) {
			throw new StoreError(
				CalendarErrors.invalid(
					'The requested ordering is not available for the particular query.',
					'orderBy',
				),
			);
		}
		const query: ListQuery = {
			singleEvents,
			showDeleted: showDeletedParam ?? false,
			privateProps: extendedPropertyParams(params, 'privateExtendedProperty'),
			sharedProps: extendedPropertyParams(params, 'sharedExtendedProperty'),
			q: params.get('q') ?? undefined,
			iCalUID: params.get('iCalUID') ?? undefined,
			orderBy: orderBy as ListQuery['orderBy'],
			timeMin: timeParam(params, 'timeMin'),
			timeMax: timeParam(params, 'timeMax'),
			updatedMin: timeParam(params, 'updatedMin'),
		};
		if (
			query.timeMin !== undefined &&
			query.timeMax !== undefined &&
			query.timeMax <= query.timeMin
		) {
			throw new StoreError(CalendarErrors.timeRangeEmpty('timeMax'));
		}
		if (query.updatedMin !== undefined && Date.now() - query.updatedMin > UPDATED_MIN_LIMIT_MS) {
			throw new StoreError(CalendarErrors.updatedMinTooLongAgo());
		}
		let window: { min?: number; max?: number } = { min: query.timeMin, max: query.timeMax };
		if (syncTokenText !== null) {
			for (const name of NOT_WITH_SYNC_TOKEN)
				if (params.has(name)) throw new StoreError(CalendarErrors.notWithSyncToken(name));
			if (showDeletedParam === false)
				throw new StoreError(CalendarErrors.notWithSyncToken('showDeleted'));
			const token = decodeSyncToken(syncTokenText);
			if (token.c !== calendar.id || token.e !== calendar.epoch)
				throw new StoreError(CalendarErrors.fullSyncRequired());
			query.sinceSeq = token.s;
			// The window of the full sync that issued the token still bounds what comes back (deletions excepted).
			query.timeMin = token.min;
			query.timeMax = token.max;
			window = { min: token.min, max: token.max };
		}
		const queryKey = `${calendar.id}|${[...params.entries()]
			.filter(([name]) => name !== 'pageToken')
			.map(([name, value]) => `${name}=${value}`)
			.sort()
			.join('&')}`;
		let offset = 0;
		let snapshot = this.store.currentSeq;
		let emptyServed = false;
		const pageToken = params.get('pageToken');
		if (pageToken) {
			const decoded = decodePageToken(pageToken, queryKey);
			offset = decoded.o;
			snapshot = decoded.s;
			emptyServed = decoded.x === 1;
		}
		const all = this.store.list(calendar, query);
		const empty = this.pages.emptyFirst === true && !emptyServed && offset === 0;
		const pageSize = empty ? 0 : Math.min(maxResults, Math.max(1, this.pages.size ?? maxResults));
		const page = all.slice(offset, offset + pageSize);
		const body: Json = {
			kind: 'calendar#events',
			etag: `"p${snapshot}"`,
			summary: calendar.summary,
			description: calendar.description ?? '',
			updated: new Date().toISOString(),
			timeZone: calendar.timeZone,
			accessRole: calendar.accessRole,
			defaultReminders: [],
			items: page.map(({ event, minimal }) => this.store.toJson(calendar, event, minimal)),
		};
		if (empty || offset + pageSize < all.length) {
			body.nextPageToken = encodePageToken({
				o: offset + pageSize,
				s: snapshot,
				k: queryKey,
				x: 1,
			});
		} else {
			body.nextSyncToken = encodeToken({
				c: calendar.id,
				s: snapshot,
				e: calendar.epoch,
				...window,
			});
		}
		this.sendJson(res, 200, body);
	}

	private async readJson(req: FakeRequest): Promise<Json> {
		const text = (await this.readBody(req, 1024 * 1024)).toString('utf8');
		if (!text) return {};
		try {
			const parsed = JSON.parse(text);
			if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
				throw new Error('not an object');
			return parsed;
		} catch {
			throw new StoreError(CalendarErrors.badRequest('Parse Error'));
		}
	}
}

function header(req: FakeRequest, name: string): string | undefined {
	const value = req.headers[name];
	return Array.isArray(value) ? value[0] : value;
}

function requireWriter(calendar: StoredCalendar): void {
	if (calendar.accessRole !== 'owner' && calendar.accessRole !== 'writer')
		throw new StoreError(CalendarErrors.writerAccess());
}

/** Unknown query parameters are a 400, as Google's one-platform frontends answer. */
function checkParams(req: FakeRequest, allowed: string[]): URLSearchParams {
	for (const name of req.url.searchParams.keys()) {
		if (!allowed.includes(name) && !STANDARD_PARAMS.includes(name))
			throw new StoreError(CalendarErrors.unknownParameter(name));
	}
	return req.url.searchParams;
}

function intParam(params: URLSearchParams, name: string): number | undefined {
	const value = params.get(name);
	if (value === null) return undefined;
	const parsed = Number(value);
	if (!Number.isInteger(parsed) || parsed < 0)
		throw new StoreError(CalendarErrors.invalid(`Invalid value for ${name}.`, name));
	return parsed;
}

function boolParam(params: URLSearchParams, name: string): boolean | undefined {
	const value = params.get(name);
	if (value === null) return undefined;
	if (value !== 'true' && value !== 'false')
		throw new StoreError(CalendarErrors.invalid(`Invalid value for ${name}.`, name));
	return value === 'true';
}

/** RFC 3339 with a mandatory offset, as Google requires for timeMin/timeMax/updatedMin. */
function timeParam(params: URLSearchParams, name: string): number | undefined {
	const value = params.get(name);
	if (value === null) return undefined;
	const parsed = DateTime.fromISO(value, { setZone: true });
	if (!parsed.isValid || !/(Z|[+-]\d{2}:\d{2})$/i.test(value)) {
		throw new StoreError(CalendarErrors.badRequest(`Bad Request`));
	}
	return parsed.toMillis();
}

function extendedPropertyParams(params: URLSearchParams, name: string): Array<[string, string]> {
	return params.getAll(name).map((constraint) => {
		const index = constraint.indexOf('=');
		if (index <= 0)
			throw new StoreError(CalendarErrors.invalid(`Invalid value for ${name}.`, name));
		return [constraint.slice(0, index), constraint.slice(index + 1)];
	});
}

function clamp(value: number, min: number, max: number): number {
	return Math.max(min, Math.min(max, value));
}

function encodeToken(data: SyncTokenData): string {
	return `CP${Buffer.from(JSON.stringify(data)).toString('base64url')}`;
}

function decodeSyncToken(text: string): SyncTokenData {
	try {
		if (!text.startsWith('CP')) throw new Error('prefix');
		const data = JSON.parse(
			Buffer.from(text.slice(2), 'base64url').toString('utf8'),
		) as SyncTokenData;
		if (typeof data.s !== 'number' || typeof data.c !== 'string') throw new Error('shape');
		return data;
	} catch {
		throw new StoreError(CalendarErrors.invalidSyncToken());
	}
}

function encodePageToken(data: PageTokenData): string {
	return `EjY${Buffer.from(JSON.stringify(data)).toString('base64url')}`;
}

function decodePageToken(text: string, queryKey: string): PageTokenData {
	try {
		if (!text.startsWith('EjY')) throw new Error('prefix');
		const data = JSON.parse(
			Buffer.from(text.slice(3), 'base64url').toString('utf8'),
		) as PageTokenData;
		// A page token only continues the query that produced it.
		if (data.k !== queryKey || typeof data.o !== 'number') throw new Error('query changed');
		return data;
	} catch {
		throw new StoreError(CalendarErrors.invalidPageToken());
	}
}
