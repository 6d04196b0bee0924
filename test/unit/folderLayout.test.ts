import { DateTime } from 'luxon';
import {
	folderPathFor,
	LayoutError,
	parseDocumentDate,
	safeFileName,
	safeFolderPath,
	splitTemplate,
} from '../../nodes/shared/sync/folderLayout';
import type { StorageKind } from '../../nodes/shared/storage/types';
import { nameRulesOf } from '../../nodes/shared/storage/registry';

const zone = 'Europe/Paris';
const kinds: StorageKind[] = ['googleDrive', 'oneDrive', 'dropbox', 'localFolder'];

describe('folder layouts', () => {
	const date = parseDocumentDate('2026-09-30T23:30:00Z', zone);

	it('flat puts everything in the root', () => {
		expect(folderPathFor('flat', { recordKey: 'k' }, nameRulesOf('oneDrive'))).toBe('');
	});

	it('one folder per record: the dossier name, or the record key', () => {
		expect(
			folderPathFor(
				'perRecord',
				{ recordKey: 'D-17', recordFolder: 'Dupont SARL' },
				nameRulesOf('dropbox'),
			),
		).toBe('Dupont SARL');
		expect(
			folderPathFor('perRecord', { recordKey: 'D-17', recordFolder: ' ' }, nameRulesOf('dropbox')),
		).toBe('D-17');
	});

	it('year then month (issue 14): only the document date, in the workflow time zone; no date fails naming Document Date', () => {
		expect(folderPathFor('yearMonth', { recordKey: 'k', date }, nameRulesOf('dropbox'))).toBe(
			'2026/10',
		);
		expect(
			folderPathFor(
				'yearMonth',
				{ recordKey: 'k', date: parseDocumentDate('2026-03-01T10:00:00Z', 'UTC') },
				nameRulesOf('googleDrive'),
			),
		).toBe('2026/03');
		expect(() => folderPathFor('yearMonth', { recordKey: 'k' }, nameRulesOf('oneDrive'))).toThrow(
			/Document Date/,
		);
	});

	it('company then year, in the workflow time zone', () => {
		expect(
			folderPathFor(
				'companyYear',
				{
					recordKey: 'k',
					company: 'Acme BV',
					date: parseDocumentDate('2025-12-31T23:30:00Z', zone),
				},
				nameRulesOf('googleDrive'),
			),
		).toBe('Acme BV/2026');
	});

	it('account then period YYYY-MM', () => {
		expect(
			folderPathFor(
				'accountPeriod',
				{ recordKey: 'k', account: 'Main account', date },
				nameRulesOf('oneDrive'),
			),
		).toBe('Main account/2026-10');
		expect(
			folderPathFor(
				'accountPeriod',
				{ recordKey: 'k', account: 'Main account', date: parseDocumentDate('2026-09-15', zone) },
				nameRulesOf('oneDrive'),
			),
		).toBe('Main account/2026-09');
	});

	it('names the missing field', () => {
		expect(() =>
			folderPathFor(
				'accountPeriod',
				{ recordKey: 'k', account: '', date },
				nameRulesOf('oneDrive'),
			),
		).toThrow(LayoutError);
		try {
			folderPathFor('companyYear', { recordKey: 'k', company: 'Acme' }, nameRulesOf('oneDrive'));
		} catch (error) {
			expect((error as LayoutError).field).toBe('dateField');
		}
		expect.assertions(2);
	});

	it('a template value never leaves the root nor adds a level, on every provider', () => {
		for (const kind of kinds) {
			const path = safeFolderPath(
				['..', '../x', '/etc/passwd', 'a/../../b', '.', '%2e%2e', 'C:\\Windows'],
				nameRulesOf(kind),
			);
			const segments = path.split('/');
			// '..', '.' and '%2e%2e' are dropped; the other values stay one folder each.
			expect(segments).toHaveLength(4);
			for (const segment of segments) {
				expect(segment).not.toMatch(/^[.\s]*$/);
				expect(segment).not.toContain('/');
				expect(segment).not.toContain('\\');
			}
		}
		expect(safeFolderPath(['..'], nameRulesOf('oneDrive'))).toBe('');
	});

	it('custom: each template segment is evaluated alone', () => {
		expect(splitTemplate('={{ $json.company }}/{{ $json.date.split("/")[0] }}/Invoices')).toEqual([
			'={{ $json.company }}',
			'={{ $json.date.split("/")[0] }}',
			'Invoices',
		]);
		expect(splitTemplate('Exports\\2026//x/')).toEqual(['Exports', '2026', 'x']);
		expect(
			folderPathFor(
				'custom',
				{ recordKey: 'k', customSegments: ['A/B', '2026'] },
				nameRulesOf('dropbox'),
			),
		).toBe('A_B/2026');
	});

	it('sanitises names per provider and shortens long names deterministically', () => {
		expect(safeFileName('a:b*c?d"e<f>g|h.pdf', nameRulesOf('oneDrive'))).toBe(
			'a_b_c_d_e_f_g_h.pdf',
		);
		const long = `${'x'.repeat(300)}.pdf`;
		const short = safeFileName(long, nameRulesOf('oneDrive'));
		expect(short.length).toBeLessThanOrEqual(255);
		expect(short.endsWith('.pdf')).toBe(true);
		expect(safeFileName(long, nameRulesOf('oneDrive'))).toBe(short);
	});

	it('parses the date shapes items carry', () => {
		expect(parseDocumentDate(undefined, zone)).toBeUndefined();
		expect(parseDocumentDate(new Date('2026-03-01T12:00:00Z'), zone)!.toFormat('yyyy-MM')).toBe(
			'2026-03',
		);
		expect(parseDocumentDate(Date.UTC(2026, 0, 5), zone)!.toISODate()).toBe('2026-01-05');
		expect(parseDocumentDate(DateTime.fromISO('2026-02-02'), zone)!.month).toBe(2);
		expect(() => parseDocumentDate('next tuesday', zone)).toThrow(/not a date/);
		const foreign = { toISO: () => '2026-04-30T23:30:00.000Z' };
		expect(parseDocumentDate(foreign, zone)!.toFormat('yyyy-MM')).toBe('2026-05');
		expect(() => parseDocumentDate({ any: 1 }, zone)).toThrow(/must be a date/);
	});
});

describe('a folder structure that resolves to nothing (issue 12)', () => {
	it('is an error naming the parameter and showing the value it got, never the root', () => {
		for (const kind of kinds) {
			expect(() =>
				folderPathFor('custom', { recordKey: 'k', customSegments: ['', ' '] }, nameRulesOf(kind)),
			).toThrow(LayoutError);
			expect(() =>
				folderPathFor('custom', { recordKey: 'k', customSegments: ['..'] }, nameRulesOf(kind)),
			).toThrow(/resolved to no folder at all \(it got "\.\."\)/);
			try {
				folderPathFor('custom', { recordKey: 'k', customSegments: [] }, nameRulesOf(kind));
			} catch (error) {
				expect((error as LayoutError).field).toBe('folderTemplate');
			}
		}
		expect(
			folderPathFor(
				'custom',
				{ recordKey: 'k', customSegments: ['Acme', ''] },
				nameRulesOf('dropbox'),
			),
		).toBe('Acme');
	});

	it('the year folder follows the zone the dates are read in', () => {
		const late = '2025-12-31T23:30:00Z';
		expect(
			folderPathFor(
				'companyYear',
				{ recordKey: 'k', company: 'Acme', date: parseDocumentDate(late, 'UTC') },
				nameRulesOf('oneDrive'),
			),
		).toBe('Acme/2025');
		expect(
			folderPathFor(
				'companyYear',
				{ recordKey: 'k', company: 'Acme', date: parseDocumentDate(late, 'Europe/Paris') },
				nameRulesOf('oneDrive'),
			),
		).toBe('Acme/2026');
	});
});
