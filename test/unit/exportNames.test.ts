import {
	MAX_NAME_CHOICES,
	nameChoices,
	nameKey,
	recordNameTag,
} from '../../nodes/shared/sync/exportNames';
import { sanitizeName } from '../../nodes/shared/sync/names';
import { nameRulesOf } from '../../nodes/shared/storage/registry';

describe('export names for records sharing a name (issue 12)', () => {
	it('the plain name first, then names tagged with the record key, the same every time', () => {
		expect(nameChoices('invoice.pdf', 'TX-8842')).toEqual([
			'invoice.pdf',
			'invoice (TX-8842).pdf',
			'invoice (TX-8842 2).pdf',
			'invoice (TX-8842 3).pdf',
		]);
		expect(nameChoices('invoice.pdf', 'TX-8842')).toEqual(nameChoices('invoice.pdf', 'TX-8842'));
	});

	it('further names go on numbering, and any part asked for is the same names', () => {
		const all = nameChoices('invoice.pdf', 'k1', undefined, MAX_NAME_CHOICES);
		expect(all).toHaveLength(MAX_NAME_CHOICES);
		expect(new Set(all).size).toBe(MAX_NAME_CHOICES);
		expect(all[4]).toBe('invoice (k1 4).pdf');
		expect(nameChoices('invoice.pdf', 'k1', undefined, 16, 4)).toEqual(all.slice(4, 16));
		expect(nameChoices('invoice.pdf', 'k1', undefined, 4, 0)).toEqual(
			nameChoices('invoice.pdf', 'k1'),
		);
	});

	it('a key that is long or not plain becomes an 8-character hash; a name without extension keeps its shape', () => {
		expect(recordNameTag('a/b c')).toMatch(/^[\w-]{8}$/);
		expect(recordNameTag('x'.repeat(40))).toMatch(/^[\w-]{8}$/);
		expect(recordNameTag('..')).toMatch(/^[\w-]{8}$/);
		expect(nameChoices('README', 'k1')[1]).toBe('README (k1)');
	});

	it('a name at the length limit is shortened before the tag, never losing it', () => {
		const long = `${'Relevé '.repeat(60)}.pdf`;
		for (const kind of ['oneDrive', 'dropbox', 'googleDrive', 'localFolder'] as const) {
			const names = nameChoices(sanitizeName(long, nameRulesOf(kind)), 'INV-2', (n) =>
				sanitizeName(n, nameRulesOf(kind)),
			);
			expect(names[1]).toMatch(/ \(INV-2\)\.pdf$/);
			expect(new Set(names).size).toBe(names.length);
		}
	});

	it('names compare as the cloud compares them: NFC everywhere, case folded where the cloud folds case', () => {
		expect(nameKey('Rec\u0327u.pdf', false)).toBe(nameKey('Re\u00e7u.pdf', false));
		expect(nameKey('INVOICE.PDF', true)).toBe('invoice.pdf');
		expect(nameKey('INVOICE.PDF', false)).toBe('INVOICE.PDF');
	});
});
