import type { Activity } from '../../nodes/shared/types/activity';
import {
	base32hex,
	eventIdForActivity,
	isValidEventId,
} from '../../nodes/shared/calendar/eventIds';
import type { CalendarEvent } from '../../nodes/shared/types/calendarEvents';
import {
	contentHash,
	renderEvent,
	TAG_ACTIVITY,
	TAG_ORIGIN,
} from '../../nodes/shared/sync/calendarContent';
import {
	reconcile,
	type Link,
	type ReconcileInput,
	type ReconcileSettings,
} from '../../nodes/shared/sync/calendarReconcile';

/** The planner with plain data: no server, no n8n. */

const T0 = Date.parse('2030-01-10T09:00:00Z');
const HOUR = 3600_000;

const settings = (overrides: Partial<ReconcileSettings> = {}): ReconcileSettings => ({
	direction: 'oneWay',
	conflict: 'newest',
	propagateDeletions: true,
	typeFilter: [],
	importType: 'meeting',
	windowStartMs: Date.parse('2029-12-01T00:00:00Z'),
	render: { privatePolicy: 'private', includeLinks: true, addAttendees: false, busyTitle: 'Busy' },
	defaultTimeZone: 'UTC',
	allowMassDeletion: false,
	...overrides,
});

function act(id: string, overrides: Partial<Activity> = {}): Activity {
	return {
		id,
		type: 'meeting',
		subject: `Activity ${id}`,
		when: { allDay: false, startMs: T0, endMs: T0 + HOUR },
		timeZone: 'UTC',
		done: false,
		private: false,
		note: '',
		contacts: [],
		organization: '',
		deal: '',
		attendees: [],
		deleted: false,
		itemIndex: 0,
		...overrides,
	};
}

let etagCounter = 100;
/** The event Google would hold for an activity (as our insert wrote it). */
function eventFor(activity: Activity, overrides: Partial<CalendarEvent> = {}): CalendarEvent {
	const body = renderEvent(activity, settings().render)!;
	return {
		id: eventIdForActivity(activity.id),
		etag: `"${etagCounter++}"`,
		status: 'confirmed',
		summary: body.summary,
		description: body.description ?? undefined,
		start: body.start,
		end: body.end,
		visibility: body.visibility,
		updated: '2030-01-01T00:00:00Z',
		privateProperties: { [TAG_ACTIVITY]: activity.id, [TAG_ORIGIN]: 'activity' },
		...overrides,
	};
}

function linkFor(
	activity: Activity,
	event: CalendarEvent,
	createdBy: Link['createdBy'] = 'activity',
): Link {
	return {
		activityId: activity.id,
		eventId: event.id,
		activityHash: contentHash(renderEvent(activity, settings().render, createdBy)!),
		eventHash: contentHash(event),
		etag: event.etag,
		createdBy,
	};
}

function plan(input: Partial<ReconcileInput>) {
	return reconcile({
		settings: settings(),
		activities: [],
		inputIsFullSet: true,
		events: [],
		listingIsFull: false,
		links: [],
		pending: [],
		...input,
	});
}

describe('calendar reconcile planner', () => {
	it('inserts new activities under derived ids, honouring the type filter, the window and the private policy', () => {
		const result = plan({
			settings: settings({
				typeFilter: ['meeting', 'call'],
				render: { ...settings().render, privatePolicy: 'skip' },
			}),
			activities: [
				act('1'),
				act('2', { type: 'task' }),
				act('3', {
					when: {
						allDay: false,
						startMs: Date.parse('2020-01-01T00:00:00Z'),
						endMs: Date.parse('2020-01-01T01:00:00Z'),
					},
				}),
				act('4', { private: true }),
				act('5', { type: 'call' }),
			],
			listingIsFull: true,
		});
		expect(result.calendar.map((op) => [op.verb, op.eventId])).toEqual([
			['insert', eventIdForActivity('1')],
			['insert', eventIdForActivity('5')],
		]);
		expect([...result.links.keys()]).toEqual(['1', '5']);
		expect(result.counts.skipped).toBe(3);
	});

	it('does nothing for unchanged pairs, and an etag bump with the same content is not a change (no echo)', () => {
		const a = act('1');
		const e = eventFor(a);
		const quiet = plan({ activities: [a], events: [], links: [linkFor(a, e)] });
		expect(quiet.calendar).toEqual([]);
		const bumped = plan({
			settings: settings({ direction: 'twoWay' }),
			activities: [a],
			events: [{ ...e, etag: '"999"' }],
			links: [linkFor(a, e)],
		});
		expect(bumped.calendar).toEqual([]);
		expect(bumped.activities).toEqual([]);
	});

	it('patches the event with If-Match when the activity content changed', () => {
		const a = act('1');
		const e = eventFor(a);
		const result = plan({ activities: [{ ...a, subject: 'Renamed' }], links: [linkFor(a, e)] });
		expect(result.calendar).toEqual([
			expect.objectContaining({
				verb: 'patch',
				eventId: e.id,
				etag: e.etag,
				reason: 'activityChanged',
				patch: expect.objectContaining({ summary: 'Renamed' }),
			}),
		]);
	});

	it('deletes: missing from a full set, flagged deleted, never for missing items of a changed-only input; or only unlinks', () => {
		const a = act('1');
		const b = act('2');
		const links = [linkFor(a, eventFor(a)), linkFor(b, eventFor(b))];
		expect(plan({ activities: [b], links }).calendar.map((op) => [op.verb, op.activityId])).toEqual(
			[['delete', '1']],
		);
		expect(plan({ activities: [b], links, inputIsFullSet: false }).calendar).toEqual([]);
		expect(
			plan({ activities: [{ ...a, deleted: true }, b], links, inputIsFullSet: false }).calendar.map(
				(op) => op.verb,
			),
		).toEqual(['delete']);
		const unlink = plan({
			settings: settings({ propagateDeletions: false }),
			activities: [b],
			links,
		});
		expect(unlink.calendar).toEqual([]);
		expect([...unlink.links.keys()]).toEqual(['2']);
		// An item that could not be read is held, not taken for a deletion.
		expect(plan({ activities: [b], links, heldActivityIds: ['1'] }).calendar).toEqual([]);
	});

	it('two-way: a calendar change becomes an update item, and the activity carrying it next run is not an echo', () => {
		const a = act('1');
		const e = eventFor(a);
		const moved = {
			...e,
			etag: '"200"',
			start: { dateTime: '2030-01-11T09:00:00Z' },
			end: { dateTime: '2030-01-11T10:30:00Z' },
		};
		const first = plan({
			settings: settings({ direction: 'twoWay' }),
			activities: [a],
			events: [moved],
			links: [linkFor(a, e)],
		});
		// Only the private mark of which activity content the event is in step with (see TAG_WRITTEN).
		expect(first.calendar.map((op) => op.verb === 'patch' && op.reason)).toEqual(['tag']);
		expect(first.activities).toEqual([
			expect.objectContaining({
				action: 'update',
				activityId: '1',
				fields: expect.objectContaining({
					when: { allDay: false, startMs: T0 + 24 * HOUR, endMs: T0 + 25.5 * HOUR },
				}),
			}),
		]);
		const updated = { ...a, when: first.activities[0].fields!.when };
		const second = plan({
			settings: settings({ direction: 'twoWay' }),
			activities: [updated],
			links: [...first.links.values()],
		});
		expect(second.calendar).toEqual([]);
		expect(second.activities).toEqual([]);
	});

	it('resolves conflicts by policy: newest, activities win, calendar wins; identical edits are no conflict', () => {
		const a = act('1', { updatedAt: Date.parse('2030-01-05T00:00:00Z') });
		const e = eventFor(a);
		const link = linkFor(a, e);
		const changedActivity = { ...a, subject: 'Activity edit' };
		const changedEvent = {
			...e,
			etag: '"300"',
			summary: 'Calendar edit',
			updated: '2030-01-06T00:00:00Z',
		};
		const run = (conflict: ReconcileSettings['conflict'], activity = changedActivity) =>
			plan({
				settings: settings({ direction: 'twoWay', conflict }),
				activities: [activity],
				events: [changedEvent],
				links: [link],
			});
		expect(run('newest').activities).toEqual([
			expect.objectContaining({
				action: 'update',
				conflict: expect.objectContaining({ winner: 'calendar' }),
			}),
		]);
		const newerActivity = run('newest', {
			...changedActivity,
			updatedAt: Date.parse('2030-01-07T00:00:00Z'),
		});
		expect(newerActivity.calendar).toEqual([
			expect.objectContaining({ verb: 'patch', etag: '"300"', reason: 'conflictActivityWon' }),
		]);
		expect(newerActivity.activities).toEqual([
			expect.objectContaining({
				action: 'conflict',
				conflict: expect.objectContaining({ winner: 'activity' }),
			}),
		]);
		expect(run('activities').calendar.map((op) => op.verb)).toEqual(['patch']);
		expect(run('calendar').calendar.map((op) => op.verb === 'patch' && op.reason)).toEqual(['tag']);
		expect(run('calendar').activities[0].action).toBe('update');
		const same = run('newest', { ...changedActivity, subject: 'Calendar edit' });
		expect(same.calendar).toEqual([]);
		expect(same.activities).toEqual([]);
	});

	it('one-way mirrors: a calendar edit is reverted, a deleted event restored', () => {
		const a = act('1');
		const e = eventFor(a);
		const edited = plan({
			activities: [a],
			events: [{ ...e, etag: '"400"', summary: 'edited in Google' }],
			links: [linkFor(a, e)],
		});
		expect(edited.calendar).toEqual([
			expect.objectContaining({ verb: 'patch', reason: 'revertCalendarEdit' }),
		]);
		const deleted = plan({
			activities: [a],
			events: [{ id: e.id, etag: '"401"', status: 'cancelled', privateProperties: {} }],
			links: [linkFor(a, e)],
		});
		expect(deleted.calendar).toEqual([
			expect.objectContaining({
				verb: 'patch',
				restore: true,
				patch: expect.objectContaining({ status: 'confirmed' }),
			}),
		]);
	});

	it('re-links after a lost state by derived id and by tag, creating nothing', () => {
		const a = act('1');
		const imported = act('2');
		const importedEvent = {
			...eventFor(imported),
			id: 'googlerandom0',
			privateProperties: { [TAG_ACTIVITY]: '2', [TAG_ORIGIN]: 'calendar' },
		};
		const result = plan({
			settings: settings({ direction: 'twoWay' }),
			activities: [a, imported],
			events: [eventFor(a), importedEvent],
			listingIsFull: true,
		});
		expect(result.calendar).toEqual([]);
		expect(result.activities).toEqual([]);
		expect(result.links.get('2')).toMatchObject({
			eventId: 'googlerandom0',
			createdBy: 'calendar',
		});
		expect(result.links.get('1')).toMatchObject({
			eventId: eventIdForActivity('1'),
			createdBy: 'activity',
		});
	});

	it('imports new events as create items, then links the created activity by type, subject and start (or by event id)', () => {
		const event: CalendarEvent = {
			id: 'userevent01',
			etag: '"500"',
			status: 'confirmed',
			summary: 'Lunch',
			start: { dateTime: '2030-01-12T12:00:00Z' },
			end: { dateTime: '2030-01-12T13:00:00Z' },
			privateProperties: {},
		};
		const twoWay = settings({ direction: 'twoWay', importType: 'lunch' });
		const first = plan({ settings: twoWay, events: [event] });
		expect(first.activities).toEqual([
			expect.objectContaining({
				action: 'create',
				eventId: 'userevent01',
				fields: expect.objectContaining({ type: 'lunch', subject: 'Lunch' }),
			}),
		]);
		const created = act('77', {
			type: 'lunch',
			subject: 'Lunch',
			when: {
				allDay: false,
				startMs: Date.parse('2030-01-12T12:00:00Z'),
				endMs: Date.parse('2030-01-12T13:00:00Z'),
			},
		});
		const second = plan({
			settings: twoWay,
			activities: [created],
			pending: [...first.pending.values()],
		});
		expect(second.calendar).toEqual([
			expect.objectContaining({ verb: 'patch', reason: 'tag', eventId: 'userevent01' }),
		]);
		expect(second.links.get('77')).toMatchObject({ eventId: 'userevent01', createdBy: 'calendar' });
		expect(second.pending.size).toBe(0);
		const byId = plan({
			settings: twoWay,
			activities: [{ ...created, subject: 'Renamed meanwhile', eventId: 'userevent01' }],
			pending: [...first.pending.values()],
		});
		expect(byId.links.get('77')?.eventId).toBe('userevent01');
		expect(byId.calendar.filter((op) => op.verb === 'insert')).toEqual([]);
		// One-way never imports.
		expect(plan({ events: [event] }).activities).toEqual([]);
	});

	it('stops safely when a side suddenly looks empty or most links would be deleted', () => {
		const activities = Array.from({ length: 12 }, (_, i) => act(String(i)));
		const events = activities.map((a) => eventFor(a));
		const links = activities.map((a, i) => linkFor(a, events[i]));
		expect(plan({ activities: [], links }).stop).toMatch(/activity input looks empty/);
		expect(plan({ activities, links, events: [], listingIsFull: true }).stop).toMatch(
			/calendar looks empty/,
		);
		expect(plan({ activities: activities.slice(0, 4), links }).stop).toMatch(
			/would delete 8 of 12/,
		);
		expect(
			plan({
				activities: activities.slice(0, 4),
				links,
				settings: settings({ allowMassDeletion: true }),
			}).stop,
		).toBeUndefined();
		expect(plan({ activities: activities.slice(0, 9), links }).stop).toBeUndefined();
	});

	it('renders private activities as "busy" without details, and re-renders when the policy changes', () => {
		const secret = act('9', {
			private: true,
			subject: 'Doctor',
			note: 'private note',
			contacts: ['Dr. Who'],
		});
		const busy = renderEvent(secret, { ...settings().render, privatePolicy: 'busy' })!;
		expect(busy).toMatchObject({ summary: 'Busy', description: '', visibility: 'private' });
		const e = eventFor(secret);
		const changed = plan({
			settings: settings({ render: { ...settings().render, privatePolicy: 'busy' } }),
			activities: [secret],
			links: [linkFor(secret, e)],
		});
		expect(changed.calendar).toEqual([
			expect.objectContaining({
				verb: 'patch',
				patch: expect.objectContaining({ summary: 'Busy' }),
			}),
		]);
		const skipped = plan({
			settings: settings({ render: { ...settings().render, privatePolicy: 'skip' } }),
			activities: [secret],
			links: [linkFor(secret, e)],
		});
		expect(skipped.calendar).toEqual([
			expect.objectContaining({ verb: 'delete', reason: 'notSynced' }),
		]);
	});
});

describe('derived event ids', () => {
	it('keeps base32hex ids readable, encodes the rest deterministically, never collides, stays within limits', () => {
		expect(eventIdForActivity('42')).toBe('csa042');
		expect(eventIdForActivity('1')).toHaveLength(5);
		const odd = ['Deal#42', 'ÄÖ', 'abcw', 'ABC', '42 ', 'x'.repeat(2000)];
		for (const id of odd) {
			expect(isValidEventId(eventIdForActivity(id))).toBe(true);
			expect(eventIdForActivity(id)).toBe(eventIdForActivity(id));
		}
		expect(new Set(odd.map(eventIdForActivity)).size).toBe(odd.length);
		// A plain id that spells an encoded one still differs by prefix.
		expect(eventIdForActivity(base32hex(Buffer.from('ABC')))).not.toBe(eventIdForActivity('ABC'));
		expect(base32hex(Buffer.from('foobar'))).toBe('cpnmuoj1e8'); // RFC 4648 test vector, lower case
	});
});
