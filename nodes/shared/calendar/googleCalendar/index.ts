import { calendar, type calendar_v3 } from '@googleapis/calendar';
import { RetryBudgetExceededError } from '../../transport/pacer';
import type { Transport } from '../../transport/transport';
import { CloudError, HINTS, isCloudError } from '../../types/cloudError';
import { oauthFailure } from '../../errors';
import type {
	CalendarEvent,
	CalendarInfo,
	CalendarProvider,
	EventListing,
	EventTime,
	EventWrite,
	ListEventsRequest,
} from '../types';

export interface GoogleCalendarOptions {
	/** events.list page size (Google allows up to 2500; tests use small pages). */
	pageSize?: number;
}

const WRITE_SCOPE = 'https://www.googleapis.com/auth/calendar.events';

/**
 * Google Calendar v3 through the official SDK. The SDK gets the transport's fetch and no auth client: the wire
 * signs every request with the n8n credential, and gaxios' own retries are off because the pacer retries.
 */
export class GoogleCalendarProvider implements CalendarProvider {
	private readonly api: calendar_v3.Calendar;
	private readonly pageSize: number;

	constructor(transport: Transport, options: GoogleCalendarOptions = {}) {
		this.api = calendar({
			version: 'v3',
			fetchImplementation: transport.fetch as unknown as typeof fetch,
			retry: false,
		});
		this.pageSize = options.pageSize ?? 2500;
	}

	async listCalendars(): Promise<CalendarInfo[]> {
		const result: CalendarInfo[] = [];
		let pageToken: string | undefined;
		do {
			const { data } = await this.call('list calendars', undefined, () =>
				this.api.calendarList.list({ maxResults: 250, pageToken }),
			);
			for (const entry of data.items ?? []) {
				result.push({
					id: entry.id ?? '',
					summary: entry.summaryOverride ?? entry.summary ?? entry.id ?? '',
					primary: entry.primary === true,
					accessRole: entry.accessRole ?? 'reader',
					timeZone: entry.timeZone ?? undefined,
				});
			}
			pageToken = data.nextPageToken ?? undefined;
		} while (pageToken);
		return result;
	}

	async listEvents(calendarId: string, request: ListEventsRequest): Promise<EventListing> {
		const events: CalendarEvent[] = [];
		let pageToken: string | undefined;
		let pages = 0;
		const incremental = 'syncToken' in request;
		for (;;) {
			const params: calendar_v3.Params$Resource$Events$List = {
				calendarId,
				maxResults: this.pageSize,
				singleEvents: true,
				pageToken,
			};
			if (incremental) params.syncToken = request.syncToken;
			else {
				params.showDeleted = true;
				if (request.timeMin) params.timeMin = request.timeMin;
				if (request.privateProperty)
					params.privateExtendedProperty = [request.privateProperty.join('=')];
			}
			let data: calendar_v3.Schema$Events;
			try {
				({ data } = await this.call('list events', calendarId, () => this.api.events.list(params)));
			} catch (error) {
				// Any 410 on a list means "start over" (some real responses lack the fullSyncRequired reason).
				if (error instanceof CloudError && error.details.status === 410)
					return { outcome: 'reset' };
				throw error;
			}
			pages++;
			for (const item of data.items ?? []) events.push(fromGoogle(item));
			pageToken = data.nextPageToken ?? undefined;
			if (!pageToken)
				return {
					outcome: 'events',
					events,
					nextSyncToken: data.nextSyncToken ?? undefined,
					full: !incremental,
					pages,
				};
		}
	}

	async getEvent(calendarId: string, eventId: string): Promise<CalendarEvent | undefined> {
		try {
			const { data } = await this.call('read event', eventId, () =>
				this.api.events.get({ calendarId, eventId }),
			);
			return fromGoogle(data);
		} catch (error) {
			if (isCloudError(error, 'notFound')) return undefined;
			throw error;
		}
	}

	async insertEvent(
		calendarId: string,
		eventId: string,
		event: EventWrite,
	): Promise<CalendarEvent> {
		const { data } = await this.call('create event', eventId, () =>
			this.api.events.insert({
				calendarId,
				sendUpdates: 'none',
				requestBody: { ...toGoogle(event), id: eventId },
			}),
		);
		return fromGoogle(data);
	}

	async patchEvent(
		calendarId: string,
		eventId: string,
		patch: EventWrite,
		etag?: string,
	): Promise<CalendarEvent> {
		const { data } = await this.call('update event', eventId, () =>
			this.api.events.patch(
				{ calendarId, eventId, sendUpdates: 'none', requestBody: toGoogle(patch) },
				etag ? { headers: { 'If-Match': etag } } : {},
			),
		);
		return fromGoogle(data);
	}

	async deleteEvent(
		calendarId: string,
		eventId: string,
		etag?: string,
	): Promise<'deleted' | 'gone'> {
		try {
			await this.call('delete event', eventId, () =>
				this.api.events.delete(
					{ calendarId, eventId, sendUpdates: 'none' },
					etag ? { headers: { 'If-Match': etag } } : {},
				),
			);
			return 'deleted';
		} catch (error) {
			if (isCloudError(error, 'notFound') || (isCloudError(error) && error.details.status === 410))
				return 'gone';
			throw error;
		}
	}

	private async call<T>(
		what: string,
		target: string | undefined,
		fn: () => Promise<T>,
	): Promise<T> {
		try {
			return await fn();
		} catch (error) {
			throw toCloudError(error, what, target);
		}
	}
}

function fromGoogle(item: calendar_v3.Schema$Event): CalendarEvent {
	return {
		id: item.id ?? '',
		etag: item.etag ?? '',
		status: (item.status as CalendarEvent['status']) ?? 'confirmed',
		summary: item.summary ?? undefined,
		description: item.description ?? undefined,
		location: item.location ?? undefined,
		start: time(item.start),
		end: time(item.end),
		visibility: item.visibility ?? undefined,
		updated: item.updated ?? undefined,
		recurringEventId: item.recurringEventId ?? undefined,
		originalStartTime: time(item.originalStartTime),
		privateProperties: { ...(item.extendedProperties?.private ?? {}) },
		attendees: item.attendees?.filter((a) => a.email).map((a) => ({ email: a.email! })),
		htmlLink: item.htmlLink ?? undefined,
	};
}

function time(value: calendar_v3.Schema$EventDateTime | undefined): EventTime | undefined {
	if (!value) return undefined;
	const result: EventTime = {};
	if (value.date) result.date = value.date;
	if (value.dateTime) result.dateTime = value.dateTime;
	if (value.timeZone) result.timeZone = value.timeZone;
	return result;
}

function toGoogle(event: EventWrite): calendar_v3.Schema$Event {
	const body: Record<string, unknown> = {};
	for (const key of [
		'summary',
		'description',
		'location',
		'start',
		'end',
		'visibility',
		'transparency',
		'status',
		'attendees',
	] as const) {
		if (event[key] !== undefined) body[key] = event[key];
	}
	if (event.privateProperties) body.extendedProperties = { private: event.privateProperties };
	return body as calendar_v3.Schema$Event;
}

/** Translate gaxios and pacer failures into CloudError, with what the user can do. */
export function toCloudError(error: unknown, what: string, target?: string): CloudError {
	if (error instanceof CloudError) return error;
	if (error instanceof RetryBudgetExceededError) {
		return new CloudError('rateLimited', `Google Calendar: ${error.message}`, {
			hint: HINTS.rateLimited,
			retryAfterMs: error.retryAfterMs,
			target,
			cause: error,
		});
	}
	// A refresh refused at the token endpoint (revoked, expired consent) arrives without an HTTP status of the API.
	const oauth = oauthFailure(error);
	if (oauth) {
		return new CloudError(
			'auth',
			`Google Calendar: the credential can no longer be refreshed (${oauth.code}) while trying to ${what}`,
			{ hint: HINTS.auth, target, cause: error },
		);
	}
	const err = error as {
		status?: number;
		response?: { status?: number; data?: any };
		message?: string;
		code?: string;
	};
	const status = err.response?.status ?? err.status;
	if (status === undefined) {
		return new CloudError(
			'transient',
			`Google Calendar: could not ${what}: ${err.message ?? String(error)}`,
			{ target, cause: error },
		);
	}
	const detail = err.response?.data?.error;
	const reason: string | undefined = detail?.errors?.[0]?.reason ?? detail?.status;
	const message =
		`Google Calendar: could not ${what}${target ? ` (${target})` : ''}: ` +
		`${detail?.message ?? err.message ?? status}`;
	const base = { status, providerCode: reason, target, cause: error };
	if (status === 401) return new CloudError('auth', message, { ...base, hint: HINTS.auth });
	if (status === 403) {
		if (reason === 'insufficientPermissions')
			return new CloudError('scope', message, { ...base, hint: HINTS.scope(WRITE_SCOPE) });
		if (reason === 'userRateLimitExceeded' || reason === 'rateLimitExceeded') {
			return new CloudError('rateLimited', message, { ...base, hint: HINTS.rateLimited });
		}
		if (reason === 'dailyLimitExceeded' || reason === 'quotaExceeded') {
			return new CloudError('dailyLimit', message, { ...base, hint: HINTS.dailyLimit });
		}
		if (reason === 'forbiddenForNonOrganizer') {
			return new CloudError('permission', message, {
				...base,
				hint: 'This event was organised by someone else: Google lets only its organiser change it.',
			});
		}
		return new CloudError('permission', message, {
			...base,
			hint: 'The connected account may not change this calendar: pick a calendar it owns or can edit.',
		});
	}
	if (status === 404)
		return new CloudError('notFound', message, {
			...base,
			hint: 'Check the calendar (and that the account can see it).',
		});
	if (status === 409 || status === 412) return new CloudError('conflict', message, base);
	if (status === 410)
		return new CloudError(
			reason === 'fullSyncRequired' ? 'cursorReset' : 'notFound',
			message,
			base,
		);
	if (status === 429)
		return new CloudError('rateLimited', message, { ...base, hint: HINTS.rateLimited });
	if (status >= 500) return new CloudError('transient', message, base);
	if (status === 400) return new CloudError('invalidRequest', message, base);
	return new CloudError('other', message, base);
}
