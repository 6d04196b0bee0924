import {
	decodeLink,
	decodePending,
	CALENDAR_STATE_VERSION,
	type CalendarSyncStored,
} from './calendarState';
import type { CheckedState } from './staticData';

/**
 * Calendar Sync's stored status checked field by field before use (issue 18 point 5). Unreadable links and pending
 * entries are dropped alone, as a lost status would lose them (events written from activities carry derived ids
 * and private properties, imported ones their import key, so the next full listing links them again); a dropped
 * entry also drops the sync token, so that listing happens this very run instead of waiting for a change. Pure.
 */

type Loose = Record<string, unknown>;

function isMap(value: unknown): value is Loose {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function plural(count: number, one: string, many = `${one}s`): string {
	return `${count} ${count === 1 ? one : many}`;
}

/** Keeps the entries `read` can decode; notes how many were dropped, or that the map was not readable. */
function checkEntries(
	value: unknown,
	read: (key: string, text: string) => unknown,
	labels: { map: string; entry: string },
	problems: string[],
): { kept: Record<string, string>; dropped: boolean } {
	const kept: Record<string, string> = {};
	if (!isMap(value)) {
		problems.push(`its ${labels.map} could not be read`);
		return { kept, dropped: true };
	}
	let bad = 0;
	for (const [key, text] of Object.entries(value)) {
		if (typeof text === 'string' && key !== '' && read(key, text) !== undefined) kept[key] = text;
		else bad++;
	}
	if (bad > 0)
		problems.push(`${plural(bad, labels.entry)} of ${Object.keys(value).length} could not be read`);
	return { kept, dropped: bad > 0 };
}

export function validateCalendarStored(
	stored: CalendarSyncStored,
): CheckedState<CalendarSyncStored> {
	const state: CalendarSyncStored = { v: CALENDAR_STATE_VERSION, cal: '', links: {}, pend: {} };
	if (!isMap(stored)) {
		return {
			state,
			problems: [
				'the saved status is not an object ' +
					`(${Array.isArray(stored) ? 'a list' : typeof stored}), so none of it could be read`,
			],
		};
	}
	const raw = stored as unknown as Loose;
	const problems: string[] = [];
	// Another (or no) calendar id starts the status over, as choosing another calendar does.
	if (typeof raw.cal === 'string') state.cal = raw.cal;
	else problems.push('its calendar id could not be read');
	let relist = false;
	if (raw.st !== undefined) {
		if (typeof raw.st === 'string') state.st = raw.st;
		else problems.push('its sync token could not be read');
	}
	if (raw.ws !== undefined) {
		if (typeof raw.ws === 'number' && Number.isFinite(raw.ws)) state.ws = raw.ws;
		else {
			problems.push('its listing window could not be read');
			relist = true;
		}
	}
	const links = checkEntries(
		raw.links,
		(key, text) => decodeLink(key, text),
		{ map: 'links', entry: 'link' },
		problems,
	);
	const pend = checkEntries(
		raw.pend,
		(key, text) => decodePending(key, text),
		{ map: 'pending imports', entry: 'pending import' },
		problems,
	);
	state.links = links.kept;
	state.pend = pend.kept;
	if (relist || links.dropped || pend.dropped) {
		delete state.st;
		delete state.ws;
	}
	return { state, problems };
}

/** The warning a Calendar Sync run puts on its output when its saved state was damaged and repaired. */
export function calendarStateWarning(nodeName: string, problems: string[]): string {
	return (
		`Calendar Sync "${nodeName}": its saved state was damaged (${problems.join('; ')}). ` +
		'The unreadable links were dropped and the calendar was read again in full: events already there are linked ' +
		'again by their ids and tags, not created twice. Nothing needs doing; if this repeats, check what edits the ' +
		"workflow's static data."
	);
}
