import type { IDataObject } from 'n8n-workflow';
import { eventIdForActivity } from '../calendar/eventIds';
import type { Link, Pending } from '../types/calendarLinks';
import { validateCalendarStored } from './calendarValidation';
import { FINGERPRINT_LENGTH } from './fingerprint';
import type { StateSchema } from './staticData';

/**
 * Calendar Sync's static data, kept compact: one short string per link instead of an object. A link string is
 * `<activity hash 12><event hash 12><origin a|c><etag>` plus `|<event id>` only when the event id is not the one
 * derived from the activity id (imported events). About 45 bytes per link, activity id included.
 */
export interface CalendarSyncStored {
	v: number;
	/** The calendar this status belongs to; another calendar starts over. */
	cal: string;
	/** events.list sync token, absent until a full listing completed. */
	st?: string;
	/** Window start (epoch ms) of the full listing that issued the token. */
	ws?: number;
	links: Record<string, string>;
	pend: Record<string, string>;
}

export interface CalendarSyncState {
	calendarId: string;
	syncToken?: string;
	windowStartMs?: number;
	links: Link[];
	pending: Pending[];
}

export const CALENDAR_STATE_VERSION = 1;
const EMPTY_HASH = '-'.repeat(FINGERPRINT_LENGTH);

export const calendarStateSchema: StateSchema<CalendarSyncStored> = {
	version: CALENDAR_STATE_VERSION,
	empty: () => ({ v: CALENDAR_STATE_VERSION, cal: '', links: {}, pend: {} }),
	migrate(stored: IDataObject & { v?: number }): CalendarSyncStored {
		// Version 1 is the first; an unknown shape keeps what it can read rather than being dropped.
		return {
			v: CALENDAR_STATE_VERSION,
			cal: typeof stored.cal === 'string' ? stored.cal : '',
			st: typeof stored.st === 'string' ? stored.st : undefined,
			ws: typeof stored.ws === 'number' ? stored.ws : undefined,
			links: isStringMap(stored.links) ? stored.links : {},
			pend: isStringMap(stored.pend) ? stored.pend : {},
		};
	},
	// Issue 18: unreadable links and pending entries dropped alone, the sync token with them (calendarValidation.ts).
	validate: (stored) => validateCalendarStored(stored),
};

function isStringMap(value: unknown): value is Record<string, string> {
	return (
		typeof value === 'object' &&
		value !== null &&
		Object.values(value).every((v) => typeof v === 'string')
	);
}

function packEtag(etag: string): string {
	return /^"[^"|]*"$/.test(etag) ? etag.slice(1, -1) : `~${etag.replace(/\|/g, '')}`;
}

function unpackEtag(packed: string): string {
	if (packed === '') return '';
	return packed.startsWith('~') ? packed.slice(1) : `"${packed}"`;
}

const hashOrEmpty = (hash: string) => (hash.length === FINGERPRINT_LENGTH ? hash : EMPTY_HASH);
const readHash = (hash: string) => (hash === EMPTY_HASH ? '' : hash);

export function encodeLink(link: Link): string {
	const head =
		`${hashOrEmpty(link.activityHash)}${hashOrEmpty(link.eventHash)}` +
		`${link.createdBy === 'activity' ? 'a' : 'c'}${link.etag ? packEtag(link.etag) : ''}`;
	return link.eventId === eventIdForActivity(link.activityId) ? head : `${head}|${link.eventId}`;
}

export function decodeLink(activityId: string, value: string): Link | undefined {
	const [head, explicitId] = value.split('|');
	if (head.length < FINGERPRINT_LENGTH * 2 + 1) return undefined;
	const origin = head[FINGERPRINT_LENGTH * 2];
	if (origin !== 'a' && origin !== 'c') return undefined;
	return {
		activityId,
		eventId: explicitId || eventIdForActivity(activityId),
		activityHash: readHash(head.slice(0, FINGERPRINT_LENGTH)),
		eventHash: readHash(head.slice(FINGERPRINT_LENGTH, FINGERPRINT_LENGTH * 2)),
		createdBy: origin === 'a' ? 'activity' : 'calendar',
		etag: unpackEtag(head.slice(FINGERPRINT_LENGTH * 2 + 1)),
	};
}

export function encodePending(pending: Pending): string {
	return `${hashOrEmpty(pending.matchKey)}${hashOrEmpty(pending.eventHash)}${packEtag(pending.etag)}`;
}

export function decodePending(eventId: string, value: string): Pending | undefined {
	if (value.length < FINGERPRINT_LENGTH * 2) return undefined;
	return {
		eventId,
		matchKey: readHash(value.slice(0, FINGERPRINT_LENGTH)),
		eventHash: readHash(value.slice(FINGERPRINT_LENGTH, FINGERPRINT_LENGTH * 2)),
		etag: unpackEtag(value.slice(FINGERPRINT_LENGTH * 2)),
	};
}

export function fromStored(stored: CalendarSyncStored): CalendarSyncState {
	const links: Link[] = [];
	for (const [activityId, value] of Object.entries(stored.links)) {
		const link = decodeLink(activityId, value);
		if (link) links.push(link);
	}
	const pending: Pending[] = [];
	for (const [eventId, value] of Object.entries(stored.pend)) {
		const entry = decodePending(eventId, value);
		if (entry) pending.push(entry);
	}
	return { calendarId: stored.cal, syncToken: stored.st, windowStartMs: stored.ws, links, pending };
}

export function toStored(state: CalendarSyncState): CalendarSyncStored {
	const links: Record<string, string> = {};
	for (const link of [...state.links].sort((a, b) => (a.activityId < b.activityId ? -1 : 1))) {
		links[link.activityId] = encodeLink(link);
	}
	const pend: Record<string, string> = {};
	for (const entry of state.pending) pend[entry.eventId] = encodePending(entry);
	const stored: CalendarSyncStored = {
		v: CALENDAR_STATE_VERSION,
		cal: state.calendarId,
		links,
		pend,
	};
	if (state.syncToken) stored.st = state.syncToken;
	if (state.windowStartMs !== undefined) stored.ws = state.windowStartMs;
	return stored;
}
