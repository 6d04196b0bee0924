/**
 * Calendar Sync reads activities and event times without luxon's DateTime objects (issue 17: they were 42% of an
 * idle run at 100,000 activities). The user's promise is unchanged: every activity reads, renders and reads back
 * exactly as before. Oracle: the luxon-only code as it was (test/unit/support/activityMappingLuxon.ts), on
 * generated activities in zones with every kind of transition (DST both ways and at midnight, 30- and 45-minute
 * offsets, Lord Howe's 30-minute DST, the day Samoa skipped, local mean time before 1900), with luxon's "now" in
 * summer and in winter (it decides which of two repeated wall times a fall-back hour means).
 */
import fc from 'fast-check';
import { DateTime, Settings } from 'luxon';
import {
	PIPEDRIVE_MAPPING,
	readActivity,
	type FieldMapping,
} from '../../nodes/CalendarSync/activityMapping';
import {
	dateAtTimeMs,
	dateStartMs,
	isoDatePlusDays,
	isoInZone,
	localIsoMs,
	offsetIsoMs,
} from '../../nodes/shared/sync/zoneTime';
import { eventTimes, whenOfEvent } from '../../nodes/shared/sync/calendarContent';
import {
	eventTimesLuxon,
	readActivity as readActivityLuxon,
	whenOfEventLuxon,
} from './support/activityMappingLuxon';

const ZONES = [
	'UTC',
	'Etc/UTC',
	'Europe/Paris',
	'America/New_York',
	'Australia/Lord_Howe',
	'Asia/Kathmandu',
	'America/St_Johns',
	'Pacific/Apia',
	'Pacific/Chatham',
	'America/Santiago',
	'Asia/Beirut',
	'America/Havana',
	'Africa/Casablanca',
	'Europe/Dublin',
	'Etc/GMT+5',
	'UTC+5:30',
	'system',
	'Not/AZone',
];

/** Instants anywhere from 1850 to 2100, and many within hours of the spring and autumn changes. */
const instant = fc.oneof(
	fc.integer({ min: Date.UTC(1850, 0, 1), max: Date.UTC(2100, 0, 1) }),
	fc
		.tuple(
			fc.integer({ min: 1970, max: 2040 }),
			fc.constantFrom(2, 3, 8, 9, 10, 11),
			fc.integer({ min: 1, max: 31 }),
			fc.integer({ min: 0, max: 48 * 60 - 1 }),
		)
		.map(([year, month, day, minute]) => Date.UTC(year, month, day, -12, minute)),
	fc.constantFrom(
		Date.UTC(2011, 11, 29, 10),
		Date.UTC(2011, 11, 30, 10),
		Date.UTC(2011, 11, 31, 10),
	),
);
const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const isoDate = fc.oneof(
	instant.map((ms) => new Date(ms).toISOString().slice(0, 10)),
	fc
		.tuple(
			fc.integer({ min: 0, max: 9999 }),
			fc.integer({ min: 0, max: 13 }),
			fc.integer({ min: 0, max: 32 }),
		)
		.map(([y, m, d]) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`),
	fc.constantFrom('2011-12-30', '2024-02-29', '2026-02-29', '0000-02-29', '9999-12-31', '2026-3-1'),
);
const timeOfDay = fc.oneof(
	fc.constant(''),
	fc
		.tuple(
			fc.integer({ min: 0, max: 23 }),
			fc.constantFrom(0, 15, 30, 45, 59),
			fc.option(fc.integer({ min: 0, max: 59 })),
		)
		.map(([h, m, s]) => `${pad(h)}:${pad(m)}${s === null ? '' : `:${pad(s)}`}`),
	fc
		.tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }))
		.map(([h, m]) => `${h}:${pad(m)}`),
	fc.constantFrom('8', '8:0', 'noon', ' 09:30 '),
);
/** Date-times as sources and Google write them: with and without offsets, strict and loose. */
const dateTime = fc.oneof(
	instant.map((ms) => new Date(ms).toISOString()),
	instant.map((ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z')),
	fc
		.tuple(instant, fc.constantFrom(...ZONES.slice(0, 16)))
		.map(([ms, zone]) => DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true })!),
	instant.map((ms) => DateTime.fromMillis(ms, { zone: 'UTC' }).toFormat('yyyy-MM-dd HH:mm:ss')),
	instant.map((ms) => DateTime.fromMillis(ms, { zone: 'UTC' }).toFormat("yyyy-MM-dd'T'HH:mm")),
	instant.map((ms) => DateTime.fromMillis(ms, { zone: 'UTC' }).toFormat("yyyy-MM-dd'T'HH:mm:ss.S")),
	instant.map((ms) =>
		DateTime.fromMillis(ms, { zone: 'UTC-03:45' }).toFormat("yyyy-MM-dd'T'HH:mmZZZ"),
	),
	fc
		.tuple(
			fc.integer({ min: 0, max: 9999 }),
			fc.integer({ min: 0, max: 13 }),
			fc.integer({ min: 0, max: 32 }),
			fc.integer({ min: 0, max: 25 }),
			fc.integer({ min: 0, max: 61 }),
			fc.integer({ min: 0, max: 61 }),
			fc.constantFrom('', '.5', '.25', '.123', '.1234'),
			fc.constantFrom('', 'Z', '+00:00', '-00:00', '+14:00', '-12:30', '+05:60', 'z'),
			fc.constantFrom('T', ' ', 't'),
		)
		.map(
			([y, mo, d, h, mi, s, f, z, t]) =>
				`${pad(y, 4)}-${pad(mo)}-${pad(d)}${t}${pad(h)}:${pad(mi)}:${pad(s)}${f}${z}`,
		),
	fc.constantFrom('2026-03-29T02:30:00', '2026-10-25T02:30:00', '2026-03-15T12', 'not a date', ''),
);
const value = fc.oneof(
	isoDate,
	dateTime,
	instant,
	instant.map((ms) => new Date(ms)),
	fc.constant(null),
);

const MAPPING_WITH_END: FieldMapping = { ...PIPEDRIVE_MAPPING, end: 'end_date', allDay: 'all_day' };

const activity = fc.record({
	id: fc.integer({ min: 1, max: 1000 }),
	due_date: fc.oneof(isoDate, isoDate, dateTime, instant),
	due_time: timeOfDay,
	duration: fc.constantFrom('', '01:00', '00:30', '48:00', '25:30', 90, '90', 'soon', '00:00'),
	end_date: fc.oneof(fc.constant(''), isoDate, dateTime),
	all_day: fc.constantFrom(false, true, 'yes', ''),
	update_time: value,
	is_deleted: fc.constantFrom(false, false, true),
});

/** luxon's "now", which decides ambiguous wall times: a northern summer, a northern winter, or the real one. */
const now = fc.constantFrom(Date.UTC(2026, 6, 1), Date.UTC(2026, 0, 15), undefined);

function outcome(read: () => unknown): unknown {
	try {
		return { value: read() };
	} catch (error) {
		return { error: (error as Error).message };
	}
}

function atNow<T>(ms: number | undefined, work: () => T): T {
	const real = Settings.now;
	if (ms !== undefined) Settings.now = () => ms;
	try {
		return work();
	} finally {
		Settings.now = real;
	}
}

describe('Calendar times without DateTime objects equal luxon (issue 17)', () => {
	test('generated activities read the same: when, update time, errors; and render and read back the same', () => {
		fc.assert(
			fc.property(
				activity,
				fc.constantFrom(...ZONES),
				fc.boolean(),
				now,
				(json, timeZone, withEnd, nowMs) =>
					atNow(nowMs, () => {
						const mapping = withEnd ? MAPPING_WITH_END : PIPEDRIVE_MAPPING;
						const options = { timeZone, defaultDurationMinutes: 30 };
						const expected = outcome(() => readActivityLuxon(json, mapping, options, 0));
						expect(outcome(() => readActivity(json, mapping, options, 0))).toStrictEqual(expected);
						const read = (expected as { value?: { when: Parameters<typeof eventTimes>[0] } }).value;
						if (!read) return;
						const times = eventTimesLuxon(read.when, timeZone);
						expect(outcome(() => eventTimes(read.when, timeZone))).toStrictEqual({ value: times });
						expect(whenOfEvent(times.start, times.end)).toStrictEqual(
							whenOfEventLuxon(times.start, times.end),
						);
					}),
			),
			{ numRuns: 4000, seed: 1717 },
		);
	});

	test('event times as Google sends them read back the same, in any zone or none', () => {
		const eventTime = fc.oneof(
			isoDate.map((date) => ({ date })),
			fc
				.tuple(dateTime, fc.option(fc.constantFrom(...ZONES)))
				.map(([text, zone]) =>
					zone === null ? { dateTime: text } : { dateTime: text, timeZone: zone },
				),
		);
		fc.assert(
			fc.property(eventTime, fc.option(eventTime), now, (start, end, nowMs) =>
				atNow(nowMs, () =>
					expect(outcome(() => whenOfEvent(start, end ?? undefined))).toStrictEqual(
						outcome(() => whenOfEventLuxon(start, end ?? undefined)),
					),
				),
			),
			{ numRuns: 4000, seed: 1718 },
		);
	});

	test('each function equals the luxon expression it replaces', () => {
		fc.assert(
			fc.property(
				isoDate,
				dateTime,
				instant,
				fc.constantFrom(...ZONES),
				fc.integer({ min: 0, max: 99 }),
				fc.integer({ min: 0, max: 99 }),
				fc.integer({ min: -40, max: 40 }),
				now,
				(date, text, ms, zone, hour, minute, days, nowMs) =>
					atNow(nowMs, () => {
						const luxonMs = (d: DateTime) => (d.isValid ? d.toMillis() : Number.NaN);
						if (DateTime.fromISO(date).isValid && DateTime.now().setZone(zone).isValid)
							expect(dateAtTimeMs(date, hour, minute, 7, zone)).toBe(
								DateTime.fromISO(date, { zone }).set({ hour, minute, second: 7 }).toMillis(),
							);
						expect(dateStartMs(date, zone)).toBe(luxonMs(DateTime.fromISO(date, { zone })));
						expect(localIsoMs(text, zone)).toBe(luxonMs(DateTime.fromISO(text, { zone })));
						expect(offsetIsoMs(text)).toBe(luxonMs(DateTime.fromISO(text, { setZone: true })));
						expect(isoInZone(ms, zone)).toBe(
							DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true }),
						);
						expect(isoDatePlusDays(date, days)).toBe(
							DateTime.fromISO(date).plus({ days }).toISODate(),
						);
					}),
			),
			{ numRuns: 5000, seed: 1719 },
		);
	});

	test('every quarter hour around the changes in Paris, Santiago (midnight) and Apia (a skipped day)', () => {
		for (const [zone, date] of [
			['Europe/Paris', '2026-03-29'],
			['Europe/Paris', '2026-10-25'],
			['America/Santiago', '2026-09-06'],
			['America/Santiago', '2026-04-05'],
			['Pacific/Apia', '2011-12-30'],
			['Pacific/Apia', '2011-12-29'],
			['Australia/Lord_Howe', '2026-04-05'],
		] as const)
			for (const nowMs of [Date.UTC(2026, 6, 1), Date.UTC(2026, 0, 15)])
				atNow(nowMs, () => {
					for (let quarter = 0; quarter < 96; quarter++) {
						const [hour, minute] = [Math.floor(quarter / 4), (quarter % 4) * 15];
						expect(dateAtTimeMs(date, hour, minute, 0, zone)).toBe(
							DateTime.fromISO(date, { zone }).set({ hour, minute, second: 0 }).toMillis(),
						);
						const text = `${date}T${pad(hour)}:${pad(minute)}:00`;
						expect(localIsoMs(text, zone)).toBe(DateTime.fromISO(text, { zone }).toMillis());
					}
				});
	});
});
