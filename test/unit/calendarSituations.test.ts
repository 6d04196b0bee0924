import type { Activity } from '../../nodes/shared/types/activity';
import { eventIdForActivity } from '../../nodes/shared/calendar/eventIds';
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
	type ReconcileSettings,
} from '../../nodes/shared/sync/calendarReconcile';
import type { ActivitySide, CalendarSide } from '../../nodes/shared/sync/calendarSituations';

/** Every row of the situation table (calendarSituations.ts), with plain data: one linked pair, one plan. */

const T0 = Date.parse('2030-01-10T09:00:00Z');
const HOUR = 3600_000;

const base = (overrides: Partial<ReconcileSettings> = {}): ReconcileSettings => ({
	direction: 'twoWay',
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

const activity = (overrides: Partial<Activity> = {}): Activity => ({
	id: '1',
	type: 'meeting',
	subject: 'Demo',
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
});

interface Row {
	settings?: Partial<ReconcileSettings>;
	createdBy?: Link['createdBy'];
	activity: ActivitySide;
	calendar: CalendarSide;
	/** The activity as it comes in (for scope rows), instead of the side's default. */
	incoming?: Partial<Activity>;
	/** The event as listed (for scope rows), instead of the side's default. */
	listed?: Partial<CalendarEvent>;
	/** Calendar writes as kind:reason, activity changes as action(+conflict winner). */
	calendarOps: string[];
	activityChanges: string[];
}

function run(row: Row) {
	const settings = base(row.settings);
	const createdBy = row.createdBy ?? 'activity';
	const before = activity();
	const body = renderEvent(before, settings.render, createdBy)!;
	const eventId = createdBy === 'activity' ? eventIdForActivity('1') : 'userevent01';
	const event: CalendarEvent = {
		id: eventId,
		etag: '"1"',
		status: 'confirmed',
		summary: body.summary,
		description: body.description ?? undefined,
		start: body.start,
		end: body.end,
		visibility: body.visibility,
		updated: '2030-01-01T00:00:00Z',
		privateProperties: { [TAG_ACTIVITY]: '1', [TAG_ORIGIN]: createdBy },
	};
	const link: Link = {
		activityId: '1',
		eventId,
		activityHash: contentHash(body),
		eventHash: contentHash(event),
		etag: '"1"',
		createdBy,
	};
	const incoming = {
		unchanged: [activity(row.incoming)],
		changed: [activity({ subject: 'Demo (new agenda)', ...row.incoming })],
		deleted: [activity({ deleted: true })],
		notInRun: [],
	}[row.activity];
	const listed = {
		unchanged: [{ ...event, ...row.listed }],
		changed: [
			{
				...event,
				summary: 'Demo moved by the user',
				etag: '"2"',
				updated: '2030-01-02T00:00:00Z',
				...row.listed,
			},
		],
		deleted: [{ ...event, status: 'cancelled' as const, etag: '"2"' }],
		notListed: [],
	}[row.calendar];
	const plan = reconcile({
		settings,
		activities: incoming,
		inputIsFullSet: row.activity !== 'notInRun',
		events: listed,
		listingIsFull: false,
		links: [link],
		pending: [],
	});
	return {
		plan,
		calendarOps: plan.calendar.map(
			(op) => `${op.verb}:${op.verb === 'insert' ? 'new' : op.reason}`,
		),
		activityChanges: plan.activities.map(
			(change) =>
				change.action +
				(change.conflict
					? `(${change.conflict.winner} won over ${change.conflict.discarded.change})`
					: ''),
		),
	};
}

const table = (
	direction: 'twoWay' | 'oneWay',
	rows: Array<[ActivitySide, CalendarSide, string[], string[]]>,
): Row[] =>
	rows.map(([a, c, calendarOps, activityChanges]) => ({
		settings: { direction },
		activity: a,
		calendar: c,
		calendarOps,
		activityChanges,
	}));

const TWO_WAY = table('twoWay', [
	['unchanged', 'unchanged', [], []],
	// (a pull also marks the event with the activity content it is now in step with: 'patch:tag')
	['unchanged', 'changed', ['patch:tag'], ['update']],
	['unchanged', 'deleted', [], ['delete']],
	['unchanged', 'notListed', [], []],
	['changed', 'unchanged', ['patch:activityChanged'], []],
	// "Newest wins" without an activity timestamp: the activity's change is the one seen now.
	['changed', 'changed', ['patch:conflictActivityWon'], ['conflict(activity won over edit)']],
	['changed', 'deleted', ['patch:restore'], ['conflict(activity won over deletion)']],
	['changed', 'notListed', ['patch:activityChanged'], []],
	['deleted', 'unchanged', ['delete:activityDeleted'], []],
	// Without the deletion's time, the edit wins and nothing is lost: the event comes back as an activity.
	// (the tag: the import key written to the event, so a lost status still finds it)
	['deleted', 'changed', ['patch:tag'], ['create(calendar won over deletion)']],
	['deleted', 'deleted', [], []],
	['deleted', 'notListed', ['delete:activityDeleted'], []],
	['notInRun', 'unchanged', [], []],
	['notInRun', 'changed', [], ['update']],
	['notInRun', 'deleted', [], ['delete']],
	['notInRun', 'notListed', [], []],
]);

const ONE_WAY = table('oneWay', [
	['unchanged', 'unchanged', [], []],
	['unchanged', 'changed', ['patch:revertCalendarEdit'], []],
	['unchanged', 'deleted', ['patch:restore'], []],
	['unchanged', 'notListed', [], []],
	['changed', 'unchanged', ['patch:activityChanged'], []],
	['changed', 'changed', ['patch:revertCalendarEdit'], []],
	['changed', 'deleted', ['patch:restore'], []],
	['changed', 'notListed', ['patch:activityChanged'], []],
	['deleted', 'unchanged', ['delete:activityDeleted'], []],
	['deleted', 'changed', ['delete:activityDeleted'], []],
	['deleted', 'deleted', [], []],
	['deleted', 'notListed', ['delete:activityDeleted'], []],
	['notInRun', 'unchanged', [], []],
	['notInRun', 'changed', [], []],
	['notInRun', 'deleted', [], []],
	['notInRun', 'notListed', [], []],
]);

describe('situation table: synced pairs', () => {
	it.each(
		[...TWO_WAY, ...ONE_WAY].map(
			(row) => [row.settings!.direction, row.activity, row.calendar, row] as const,
		),
	)('%s, activity %s, event %s', (_direction, _a, _c, row) => {
		const result = run(row);
		expect(result.calendarOps).toEqual(row.calendarOps);
		expect(result.activityChanges).toEqual(row.activityChanges);
	});
});

describe('situation table: policies and whose event it is', () => {
	const skip = { render: { ...base().render, privatePolicy: 'skip' as const } };
	const busy = { render: { ...base().render, privatePolicy: 'busy' as const } };
	const rows: Array<[string, Row]> = [
		[
			"Don't sync: the user's own event, its activity made private -> quiet, nothing deleted",
			{
				settings: skip,
				createdBy: 'calendar',
				activity: 'changed',
				calendar: 'unchanged',
				incoming: { private: true },
				calendarOps: [],
				activityChanges: [],
			},
		],
		[
			"Don't sync: the user's own event made private in Google -> its details do not reach the activity",
			{
				settings: skip,
				createdBy: 'calendar',
				activity: 'unchanged',
				calendar: 'changed',
				listed: { visibility: 'private' },
				calendarOps: [],
				activityChanges: [],
			},
		],
		[
			"Don't sync: our event made private in Google -> quiet too",
			{
				settings: skip,
				activity: 'unchanged',
				calendar: 'changed',
				listed: { visibility: 'private' },
				calendarOps: [],
				activityChanges: [],
			},
		],
		[
			"Don't sync: an activity this sync put in the calendar made private -> its own event goes",
			{
				settings: skip,
				activity: 'changed',
				calendar: 'unchanged',
				incoming: { private: true },
				calendarOps: ['delete:notSynced'],
				activityChanges: [],
			},
		],
		[
			'type filter: an activity this sync put in the calendar changes to a type not pushed -> its own event goes',
			{
				settings: { typeFilter: ['meeting'] },
				activity: 'changed',
				calendar: 'unchanged',
				incoming: { type: 'task' },
				calendarOps: ['delete:notSynced'],
				activityChanges: [],
			},
		],
		[
			"type filter: the user's own event's activity changes type -> the link stays",
			{
				settings: { typeFilter: ['meeting'] },
				createdBy: 'calendar',
				activity: 'unchanged',
				calendar: 'unchanged',
				incoming: { type: 'task' },
				calendarOps: [],
				activityChanges: [],
			},
		],
		[
			'conflict "calendar wins": both edited -> the event goes to the activity, the activity edit is reported discarded',
			{
				settings: { conflict: 'calendar' },
				activity: 'changed',
				calendar: 'changed',
				calendarOps: ['patch:tag'],
				activityChanges: ['update(calendar won over edit)'],
			},
		],
		[
			'conflict "activities win": both edited -> the activity goes to the event, the event edit is reported discarded',
			{
				settings: { conflict: 'activities' },
				activity: 'changed',
				calendar: 'changed',
				calendarOps: ['patch:conflictActivityWon'],
				activityChanges: ['conflict(activity won over edit)'],
			},
		],
		[
			'conflict "activities win": deleted activity against an edited event -> the event goes, the edit is reported discarded',
			{
				settings: { conflict: 'activities' },
				createdBy: 'calendar',
				activity: 'deleted',
				calendar: 'changed',
				calendarOps: ['delete:conflictActivityWon'],
				activityChanges: ['conflict(activity won over edit)'],
			},
		],
		[
			'conflict "calendar wins": edited activity against a deleted event -> the activity goes, its edit is reported discarded',
			{
				settings: { conflict: 'calendar' },
				activity: 'changed',
				calendar: 'deleted',
				calendarOps: [],
				activityChanges: ['delete(calendar won over edit)'],
			},
		],
		[
			'deletions not synced: the event was deleted -> the activity stays, the link is dropped',
			{
				settings: { propagateDeletions: false },
				activity: 'unchanged',
				calendar: 'deleted',
				calendarOps: [],
				activityChanges: [],
			},
		],
		[
			'deletions not synced: the activity was deleted -> the event stays',
			{
				settings: { propagateDeletions: false },
				createdBy: 'calendar',
				activity: 'deleted',
				calendar: 'unchanged',
				calendarOps: [],
				activityChanges: [],
			},
		],
		[
			"one-way: the user's own event (linked by a written-back id) edited in Google -> left as they made it",
			{
				settings: { direction: 'oneWay' },
				createdBy: 'calendar',
				activity: 'unchanged',
				calendar: 'changed',
				calendarOps: [],
				activityChanges: [],
			},
		],
	];
	it.each(rows)('%s', (_name, row) => {
		const result = run(row);
		expect(result.calendarOps).toEqual(row.calendarOps);
		expect(result.activityChanges).toEqual(row.activityChanges);
	});

	it('"Busy": the user\'s own event keeps its title and its "created in the calendar" tag when the activity becomes private', () => {
		const result = run({
			settings: busy,
			createdBy: 'calendar',
			activity: 'changed',
			calendar: 'unchanged',
			incoming: { private: true },
			calendarOps: [],
			activityChanges: [],
		});
		const op = result.plan.calendar[0];
		expect(JSON.stringify(op)).not.toContain('Busy');
		expect(op).toMatchObject({
			verb: 'patch',
			reason: 'activityChanged',
			patch: {
				summary: 'Demo (new agenda)',
				visibility: 'private',
				privateProperties: { [TAG_ORIGIN]: 'calendar' },
			},
		});
	});
});

describe('safety stop', () => {
	const many = (count: number) =>
		Array.from({ length: count }, (_, i) =>
			activity({ id: String(i + 1), subject: `Demo ${i + 1}` }),
		);
	const linksFor = (activities: Activity[]) =>
		activities.map((a): Link => {
			const body = renderEvent(a, base().render)!;
			return {
				activityId: a.id,
				eventId: eventIdForActivity(a.id),
				activityHash: contentHash(body),
				eventHash: contentHash(body),
				etag: '"1"',
				createdBy: 'activity',
			};
		});

	it('a small calendar is protected too: 3 of 4 synced activities gone at once stops the run', () => {
		const all = many(4);
		const plan = reconcile({
			settings: base(),
			activities: all.slice(0, 1),
			inputIsFullSet: true,
			events: [],
			listingIsFull: false,
			links: linksFor(all),
			pending: [],
		});
		expect(plan.stop).toMatch(/delete 3 of 4 synced items/);
	});

	it('two of four is not a mass deletion', () => {
		const all = many(4);
		const plan = reconcile({
			settings: base(),
			activities: all.slice(0, 2),
			inputIsFullSet: true,
			events: [],
			listingIsFull: false,
			links: linksFor(all),
			pending: [],
		});
		expect(plan.stop).toBeUndefined();
		expect(plan.calendar.map((op) => op.verb)).toEqual(['delete', 'delete']);
	});

	it('a type renamed in the CRM (the filter compares names) stops the run and says why', () => {
		const all = many(6);
		const renamed = all.map((a) => ({ ...a, type: 'Meeting' }));
		const plan = reconcile({
			settings: base({ typeFilter: ['meeting'] }),
			activities: renamed,
			inputIsFullSet: true,
			events: [],
			listingIsFull: false,
			links: linksFor(all),
			pending: [],
		});
		expect(plan.stop).toMatch(/no longer of a type in "Activity Types" \(was a type renamed\?\)/);
	});
});
