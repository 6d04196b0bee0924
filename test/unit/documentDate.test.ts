/**
 * Document dates built in the offset-caching zone (issue 17) are the dates luxon builds in the zone by name: the
 * same instant, the same local time, the same folder text, for generated values around the world's transitions
 * (DST both ways, half-hour and 45-minute zones, Lord Howe's 30-minute DST, local mean times before 1900).
 */
import fc from 'fast-check';
import { DateTime, Settings } from 'luxon';
import {
	CachedOffsetZone,
	documentZone,
	readDocumentDate,
	readDocumentPeriod,
} from '../../nodes/parameters/documentDate';
import {
	folderPathFor,
	parseDocumentDate,
	type FolderLayout,
} from '../../nodes/shared/sync/folderLayout';
import { nameRulesOf } from '../../nodes/shared/storage/registry';
import {
	isoInstantMs,
	strictIsoInstantMs,
	wallYearMonth,
	zoneNamed,
} from '../../nodes/shared/sync/zoneTime';

const ZONES = [
	'America/New_York',
	'Europe/Paris',
	'Australia/Lord_Howe',
	'Asia/Kathmandu',
	'America/St_Johns',
	'Pacific/Apia',
	'Africa/Casablanca',
	'Europe/Dublin',
	'UTC',
	'Etc/GMT+5',
];
const MIN = Date.UTC(1850, 0, 1);
const MAX = Date.UTC(2100, 0, 1);

/** Instants, many of them within minutes of a transition. */
const instant = fc.oneof(
	fc.integer({ min: MIN, max: MAX }),
	fc
		.tuple(
			fc.integer({ min: 1970, max: 2040 }),
			fc.constantFrom(2, 3, 9, 10, 11),
			fc.integer({ min: 1, max: 28 }),
			fc.integer({ min: 0, max: 24 * 60 - 1 }),
		)
		.map(
			([year, month, day, minute]) => Date.UTC(year, month, day, 0, minute) + (minute % 7) * 1000,
		),
);

const value = fc.oneof(
	instant.map((ms) => new Date(ms).toISOString()),
	instant.map((ms) => DateTime.fromMillis(ms, { zone: 'UTC' }).toFormat("yyyy-MM-dd'T'HH:mm:ss")),
	instant.map((ms) => DateTime.fromMillis(ms, { zone: 'UTC' }).toFormat('yyyy-MM-dd')),
	instant.map((ms) => DateTime.fromMillis(ms, { zone: 'UTC+05:30' }).toISO()!),
	instant.map((ms) => DateTime.fromMillis(ms, { zone: 'UTC' }).toFormat('yyyy-MM-dd HH:mm:ss')),
	instant.map((ms) =>
		DateTime.fromMillis(ms, { zone: 'UTC-03:45' }).toFormat("yyyy-MM-dd'T'HH:mmZZ"),
	),
	instant.map((ms) =>
		DateTime.fromMillis(ms, { zone: 'UTC' }).toFormat("yyyy-MM-dd'T'HH:mm:ss.SZ"),
	),
	fc
		.tuple(
			fc.integer({ min: 0, max: 9999 }),
			fc.integer({ min: 0, max: 14 }),
			fc.integer({ min: 0, max: 32 }),
			fc.integer({ min: 0, max: 25 }),
			fc.integer({ min: 0, max: 61 }),
			fc.integer({ min: 0, max: 61 }),
			fc.constantFrom('', '.5', '.25', '.125', '.1234'),
			fc.constantFrom('Z', '+00:00', '-00:00', '+14:00', '-12:30', '+24:00', '+05:60', 'z', ''),
		)
		.map(
			([y, mo, d, h, mi, s, f, z]) =>
				`${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}:${String(s).padStart(2, '0')}${f}${z}`,
		),
	fc.constantFrom(
		' 2026-03-15T12:00:00Z',
		'2026-03-15T12:00Z',
		'2026-02-29T12:00:00Z',
		'2024-02-29T23:59:59.999Z',
		'0001-01-01T00:00:00Z',
		'2026-03-15t12:00:00Z',
		'not a date',
		'',
	),
	instant,
	instant.map((ms) => new Date(ms)),
);

function outcome(read: () => unknown): unknown {
	try {
		return { value: read() };
	} catch (error) {
		return { error: (error as Error).message };
	}
}

function shown(date: DateTime | undefined): unknown {
	return (
		date && {
			iso: date.toISO(),
			utc: date.toUTC().toISO(),
			zone: date.zoneName,
			year: date.toFormat('yyyy'),
			period: date.toFormat('yyyy-MM'),
			offset: date.offset,
		}
	);
}

describe('Document dates in the offset-caching zone equal luxon by zone name (issue 17)', () => {
	test('generated values in zones with every kind of transition', () => {
		fc.assert(
			fc.property(fc.constantFrom(...ZONES), value, (zone, raw) => {
				const byName = outcome(() => shown(parseDocumentDate(raw, zone)));
				expect(outcome(() => shown(parseDocumentDate(raw, documentZone(zone))))).toStrictEqual(
					byName,
				);
				expect(outcome(() => shown(readDocumentDate(raw, zone)))).toStrictEqual(byName);
			}),
			{ numRuns: 3000, seed: 17 },
		);
	});

	test('every minute around a DST change in Paris and in Lord Howe gives the same offset both ways', () => {
		for (const [zone, at] of [
			['Europe/Paris', Date.UTC(2026, 2, 29, 0, 0)],
			['Europe/Paris', Date.UTC(2026, 9, 25, 0, 0)],
			['Australia/Lord_Howe', Date.UTC(2026, 3, 4, 14, 0)],
		] as const) {
			const cached = documentZone(zone) as CachedOffsetZone;
			const plain = DateTime.now().setZone(zone).zone;
			for (let ms = at; ms < at + 4 * 3600_000; ms += 60_000)
				expect(cached.offset(ms)).toBe(plain.offset(ms));
		}
	});

	test('UTC and fixed offsets are passed by name; IANA zones get the cache', () => {
		expect(documentZone('UTC')).toBe('UTC');
		expect(documentZone('Etc/GMT+5')).toBeInstanceOf(CachedOffsetZone);
		expect(documentZone('Europe/Paris')).toBeInstanceOf(CachedOffsetZone);
		expect(documentZone('Not/AZone')).toBe('Not/AZone');
	});
});

/** The folder texts the date layouts take from a DateTime, as the node made them before issue 17's period. */
function periodShown(date: DateTime | undefined): unknown {
	return (
		date && {
			year: date.toFormat('yyyy'),
			month: date.toFormat('MM'),
			yearMonth: date.toFormat('yyyy-MM'),
		}
	);
}

/** Zones of the test above, and more whose offsets are odd: Chatham +12:45/+13:45, India, LMT of Amsterdam. */
const PERIOD_ZONES = [
	...ZONES,
	'Pacific/Chatham',
	'Asia/Kolkata',
	'Europe/Amsterdam',
	'America/Sao_Paulo',
	'Pacific/Kiritimati',
	'UTC+05:45',
	'utc',
];

describe("A document date's year and month without a DateTime equal luxon's folder text (issue 17)", () => {
	test('generated values: the same year, month and period as the DateTime path, or that path is taken', () => {
		fc.assert(
			fc.property(fc.constantFrom(...PERIOD_ZONES), value, (zone, raw) => {
				const byLuxon = outcome(() => periodShown(parseDocumentDate(raw, zone)));
				const period = readDocumentPeriod(raw, zone);
				if (period !== undefined) expect({ value: { ...period } }).toStrictEqual(byLuxon);
				// Where the fast path declines, the node reads the DateTime as before: the same outcome too.
				else expect(outcome(() => periodShown(readDocumentDate(raw, zone)))).toStrictEqual(byLuxon);
			}),
			{ numRuns: 5000, seed: 1717 },
		);
	});

	test('every strict ISO instant takes the fast path, every minute around DST changes (some at a month boundary)', () => {
		for (const [zone, at] of [
			['Europe/Paris', Date.UTC(2026, 2, 28, 20, 0)],
			['Europe/Paris', Date.UTC(2026, 9, 24, 20, 0)],
			['America/New_York', Date.UTC(2026, 10, 1, 2, 0)],
			['Australia/Lord_Howe', Date.UTC(2026, 3, 4, 12, 0)],
			['Pacific/Apia', Date.UTC(2011, 11, 29, 8, 0)],
			['Asia/Kathmandu', Date.UTC(2026, 11, 31, 16, 0)],
			['America/St_Johns', Date.UTC(2026, 11, 31, 22, 0)],
			// Offsets that change where the month does: its offset read at another instant names the wrong month.
			['America/Havana', Date.UTC(2001, 3, 1, 0, 0)],
			['America/Havana', Date.UTC(2015, 10, 1, 0, 0)],
			['Africa/Cairo', Date.UTC(2014, 6, 31, 18, 0)],
			['Asia/Gaza', Date.UTC(2004, 8, 30, 18, 0)],
			['Asia/Amman', Date.UTC(1999, 5, 30, 18, 0)],
		] as const) {
			for (let ms = at; ms < at + 12 * 3600_000; ms += 60_000) {
				for (const raw of [
					new Date(ms).toISOString(),
					DateTime.fromMillis(ms, { zone: 'UTC-03:45' }).toISO()!,
				]) {
					const period = readDocumentPeriod(raw, zone);
					expect(period && { ...period }).toStrictEqual(periodShown(parseDocumentDate(raw, zone)));
				}
			}
		}
	});

	test('the date layouts put a record in the same folder either way', () => {
		const layouts: FolderLayout[] = ['yearMonth', 'companyYear', 'accountPeriod'];
		fc.assert(
			fc.property(
				fc.constantFrom(...PERIOD_ZONES),
				instant,
				fc.constantFrom(...layouts),
				(zone, ms, layout) => {
					const raw = new Date(ms).toISOString();
					const base = { recordKey: 'k', company: 'ACME', account: 'Main' };
					const rules = nameRulesOf('oneDrive');
					expect(
						folderPathFor(layout, { ...base, period: readDocumentPeriod(raw, zone) }, rules),
					).toBe(folderPathFor(layout, { ...base, date: parseDocumentDate(raw, zone) }, rules));
				},
			),
			{ numRuns: 2000, seed: 1718 },
		);
	});

	test('a locale that writes other digits keeps luxon doing the folder text', () => {
		const before = [Settings.defaultLocale, Settings.defaultNumberingSystem];
		try {
			Settings.defaultLocale = 'ar-EG';
			Settings.defaultNumberingSystem = 'arab';
			const raw = '2026-03-15T12:00:00Z';
			expect(readDocumentPeriod(raw, 'Europe/Paris')).toBeUndefined();
			expect(readDocumentDate(raw, 'Europe/Paris')!.toFormat('yyyy-MM')).toBe('٢٠٢٦-٠٣');
			Settings.defaultLocale = 'fr-FR';
			Settings.defaultNumberingSystem = 'latn';
			expect(readDocumentPeriod(raw, 'Europe/Paris')).toStrictEqual({
				year: '2026',
				month: '03',
				yearMonth: '2026-03',
			});
		} finally {
			[Settings.defaultLocale, Settings.defaultNumberingSystem] = before;
		}
	});
});

describe('Reading an ISO instant and its month without allocating equals the code it stands in for (issue 17)', () => {
	const pad = (n: number, width: number) => String(n).padStart(width, '0');
	/** Near-strict texts: every field at and past its limits, each form of fraction and offset. */
	const nearStrict = fc
		.tuple(
			fc.integer({ min: 0, max: 9999 }),
			fc.integer({ min: 0, max: 13 }),
			fc.integer({ min: 0, max: 32 }),
			fc.integer({ min: 0, max: 24 }),
			fc.integer({ min: 0, max: 60 }),
			fc.option(fc.integer({ min: 0, max: 60 })),
			fc.constantFrom('', '.', '.5', '.25', '.125', '.1234', '.x'),
			fc.constantFrom(
				'Z',
				'z',
				'',
				'+00:00',
				'-00:00',
				'+23:59',
				'-24:00',
				'+05:60',
				'+0530',
				'+05:30Z',
			),
		)
		.map(
			([y, mo, d, h, mi, s, f, z]) =>
				`${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}` +
				(s === null ? '' : `:${pad(s, 2)}${f}`) +
				z,
		);
	/** One character of a text replaced, inserted or removed: what a near miss of the strict form looks like. */
	const mutated = fc
		.tuple(
			nearStrict,
			fc.nat(),
			fc.constantFrom(...'0123456789-:T.Z+ tz/\n٣'.split('')),
			fc.constantFrom('replace', 'insert', 'remove'),
		)
		.map(([text, at, char, how]) => {
			const i = at % (text.length + 1);
			if (how === 'insert') return text.slice(0, i) + char + text.slice(i);
			if (how === 'remove') return text.slice(0, i) + text.slice(i + 1);
			return text.slice(0, i) + char + text.slice(i + 1);
		});

	test('strictIsoInstantMs gives what isoInstantMs gives, for near-strict and mutated texts', () => {
		fc.assert(
			fc.property(fc.oneof(nearStrict, mutated, fc.string()), (text) => {
				expect(strictIsoInstantMs(text)).toBe(isoInstantMs(text));
			}),
			{ numRuns: 20_000, seed: 1719 },
		);
		for (const text of [
			'0001-01-01T00:00Z',
			'9999-12-31T23:59:59.999+00:00',
			'2024-02-29T12:00:00.5-12:30',
		])
			expect(strictIsoInstantMs(text)).toBe(isoInstantMs(text));
	});

	test("wallYearMonth is the year and month of luxon's DateTime.fromMillis in the zone", () => {
		fc.assert(
			fc.property(
				fc.constantFrom(...PERIOD_ZONES),
				fc.oneof(
					instant,
					fc.integer({ min: -8.64e15, max: 8.64e15 }),
					fc.double({ min: -8.64e15, max: 8.64e15, noNaN: true }),
				),
				(zone, ms) => {
					const date = DateTime.fromMillis(ms, { zone: documentZone(zone) });
					const expected = date.isValid ? date.year * 100 + date.month : Number.NaN;
					expect(wallYearMonth(ms, zoneNamed(zone))).toBe(expected);
				},
			),
			{ numRuns: 5000, seed: 1720 },
		);
	});
});
