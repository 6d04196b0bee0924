import {
	ActivityFieldError,
	PIPEDRIVE_MAPPING,
	readActivity,
	writeActivityFields,
} from '../../nodes/CalendarSync/activityMapping';
import { eventIdForActivity } from '../../nodes/shared/calendar/eventIds';
import {
	calendarStateSchema,
	decodeLink,
	encodeLink,
	fromStored,
	toStored,
} from '../../nodes/shared/state/calendarState';
import { fingerprint } from '../../nodes/shared/state/fingerprint';

const read = (json: Record<string, unknown>, timeZone = 'UTC', mapping = PIPEDRIVE_MAPPING) =>
	readActivity(json, mapping, { timeZone, defaultDurationMinutes: 30 }, 3);

function fieldError(fn: () => unknown): ActivityFieldError {
	try {
		fn();
	} catch (error) {
		if (error instanceof ActivityFieldError) return error;
		throw error;
	}
	throw new Error('expected an ActivityFieldError');
}

describe('activity mapping (Pipedrive defaults)', () => {
	it('reads due_date + due_time + duration in the given zone, and a date alone as all day', () => {
		const timed = read(
			{
				id: 5,
				type: 'call',
				subject: 'Call',
				due_date: '2030-03-31',
				due_time: '09:30',
				duration: '01:15',
				person_name: 'Ann',
				org_name: { name: 'Acme' },
			},
			'Europe/Berlin',
		);
		expect(timed).toMatchObject({
			id: '5',
			type: 'call',
			contacts: ['Ann'],
			organization: 'Acme',
			itemIndex: 3,
		});
		expect(timed.when).toEqual({
			allDay: false,
			startMs: Date.parse('2030-03-31T07:30:00Z'),
			endMs: Date.parse('2030-03-31T08:45:00Z'),
		});
		expect(read({ id: 6, due_date: '2030-03-31', duration: '48:00' }).when).toEqual({
			allDay: true,
			startDate: '2030-03-31',
			endDate: '2030-04-02',
		});
		expect(read({ id: 7, due_date: '2030-03-31T10:00:00+02:00' }).when).toEqual({
			allDay: false,
			startMs: Date.parse('2030-03-31T08:00:00Z'),
			endMs: Date.parse('2030-03-31T08:30:00Z'),
		});
		expect(
			read({ id: 8, due_date: '2030-03-31', is_deleted: true, private: 'true' }),
		).toMatchObject({ deleted: true, private: true });
	});

	it('names the field of bad input: no id, no start, end before start, unknown time zone, bad duration', () => {
		expect(fieldError(() => read({ due_date: '2030-01-01' })).field).toBe('id');
		expect(fieldError(() => read({ id: 1 }))).toMatchObject({ field: 'due_date', role: 'start' });
		expect(fieldError(() => read({ id: 1, due_date: 'soon' })).field).toBe('due_date');
		expect(
			fieldError(() =>
				read({ id: 1, due_date: '2030-01-01T10:00:00Z', end: '2030-01-01T09:00:00Z' }, 'UTC', {
					...PIPEDRIVE_MAPPING,
					end: 'end',
				}),
			),
		).toMatchObject({
			field: 'end',
			role: 'end',
		});
		expect(fieldError(() => read({ id: 1, due_date: '2030-01-01' }, 'Nowhere/Town')).field).toBe(
			'timeZone',
		);
		expect(
			fieldError(() => read({ id: 1, due_date: '2030-01-01', due_time: '10:00', duration: 'long' }))
				.field,
		).toBe('duration');
	});

	it('writes event fields back under the mapped names so that reading them again gives the same times', () => {
		const when = {
			allDay: false as const,
			startMs: Date.parse('2030-06-01T22:30:00Z'),
			endMs: Date.parse('2030-06-02T00:00:00Z'),
		};
		const fields = writeActivityFields(
			{ when, timeZone: 'UTC', private: false, subject: 'Late call' },
			PIPEDRIVE_MAPPING,
			'America/New_York',
		);
		expect(fields).toMatchObject({
			due_date: '2030-06-01',
			due_time: '18:30',
			duration: '01:30',
			subject: 'Late call',
		});
		expect(read({ id: 1, ...fields }, 'America/New_York').when).toEqual(when);
		const allDay = { allDay: true as const, startDate: '2030-06-01', endDate: '2030-06-04' };
		const dayFields = writeActivityFields(
			{ when: allDay, timeZone: 'UTC', private: true },
			PIPEDRIVE_MAPPING,
			'Pacific/Auckland',
		);
		expect(dayFields).toMatchObject({ due_date: '2030-06-01', due_time: '', private: true });
		expect(read({ id: 1, ...dayFields }, 'Pacific/Auckland').when).toEqual(allDay);
	});
});

describe('calendar state encoding', () => {
	it('round-trips links and pending entries, omitting derived event ids, in a few dozen bytes per link', () => {
		const links = Array.from({ length: 1000 }, (_, i) => ({
			activityId: String(100000 + i),
			eventId: eventIdForActivity(String(100000 + i)),
			activityHash: fingerprint(`a${i}`),
			eventHash: fingerprint(`e${i}`),
			etag: `"${3409856784124000 + i}"`,
			createdBy: 'activity' as const,
		}));
		links.push({
			activityId: 'x',
			eventId: 'googlerandomid0',
			activityHash: '',
			eventHash: fingerprint('z'),
			etag: '',
			createdBy: 'activity',
		});
		const pending = [
			{ eventId: 'ev1', matchKey: fingerprint('k'), eventHash: fingerprint('h'), etag: '"12"' },
		];
		const stored = toStored({
			calendarId: 'c',
			syncToken: 'tok',
			windowStartMs: 5,
			links,
			pending,
		});
		const back = fromStored(calendarStateSchema.migrate(JSON.parse(JSON.stringify(stored))));
		expect(back.links.sort((a, b) => a.activityId.localeCompare(b.activityId))).toEqual(
			[...links].sort((a, b) => a.activityId.localeCompare(b.activityId)),
		);
		expect(back.pending).toEqual(pending);
		expect(back).toMatchObject({ calendarId: 'c', syncToken: 'tok', windowStartMs: 5 });
		const perLink = JSON.stringify(stored.links).length / links.length;
		expect(perLink).toBeLessThan(60);
		expect(encodeLink(links[0])).not.toContain('|');
		expect(decodeLink('x', encodeLink(links[1000]))?.eventId).toBe('googlerandomid0');
		expect(decodeLink('y', 'garbage')).toBeUndefined();
	});
});
