import { eventIdForActivity } from '../../nodes/shared/calendar/eventIds';
import {
	calendarStateSchema,
	fromStored,
	toStored,
	type CalendarSyncStored,
} from '../../nodes/shared/state/calendarState';
import { validateCalendarStored } from '../../nodes/shared/state/calendarValidation';
import { fingerprint } from '../../nodes/shared/state/fingerprint';
import { checkStoredState, StateTooNewError } from '../../nodes/shared/state/staticData';

/** Issue 18 point 5: Calendar Sync's status is checked on load; unreadable parts are dropped alone. */

function status(): CalendarSyncStored {
	const links = Array.from({ length: 3 }, (_, i) => ({
		activityId: String(100 + i),
		eventId: eventIdForActivity(String(100 + i)),
		activityHash: fingerprint(`a${i}`),
		eventHash: fingerprint(`e${i}`),
		etag: `"${i}"`,
		createdBy: 'activity' as const,
	}));
	const pending = [
		{ eventId: 'ev1', matchKey: fingerprint('k'), eventHash: fingerprint('h'), etag: '"12"' },
	];
	return JSON.parse(
		JSON.stringify(
			toStored({ calendarId: 'primary', syncToken: 'tok', windowStartMs: 5, links, pending }),
		),
	) as CalendarSyncStored;
}

describe('Calendar Sync status validation', () => {
	it('a valid status passes unchanged', () => {
		expect(validateCalendarStored(status())).toEqual({ state: status(), problems: [] });
	});

	it('a garbled link is dropped alone, with the sync token (this run lists the calendar again)', () => {
		const checked = validateCalendarStored({
			...status(),
			links: { ...status().links, '101': 'short', '102': 7 as unknown as string },
		});
		expect(checked.problems).toEqual(['2 links of 3 could not be read']);
		expect(Object.keys(checked.state.links)).toEqual(['100']);
		expect(checked.state.st).toBeUndefined();
		expect(checked.state.ws).toBeUndefined();
		expect(fromStored(checked.state).links).toHaveLength(1);
	});

	it('links or pending entries that are not a map, a calendar id that is not text: dropped and said, never a raw error', () => {
		const checked = checkStoredState(
			{ ...status(), links: null, pend: 'x', cal: 5 },
			calendarStateSchema,
		);
		expect(checked.problems).toEqual([
			'its calendar id could not be read',
			'its links could not be read',
			'its pending imports could not be read',
		]);
		expect(() => fromStored(checked.state)).not.toThrow();
		expect(checked.state).toEqual({ v: 1, cal: '', links: {}, pend: {} });
	});

	it('a status from a newer version is refused, a status without a version is judged as it is', () => {
		expect(() => checkStoredState({ ...status(), v: 3 }, calendarStateSchema)).toThrow(
			StateTooNewError,
		);
		const { v: _v, ...unversioned } = status();
		expect(checkStoredState({ ...unversioned, links: [] }, calendarStateSchema).problems).toEqual([
			'its version number was missing',
			'its links could not be read',
		]);
	});
});
