import {
	flagName,
	maxNameLength,
	safeRelativePath,
	sanitizeName,
} from '../../nodes/shared/sync/names';
import type { StorageKind } from '../../nodes/shared/storage/types';
import { nameRulesOf } from '../../nodes/shared/storage/registry';

const KINDS: StorageKind[] = ['googleDrive', 'oneDrive', 'dropbox', 'localFolder'];

function lengthIn(kind: StorageKind, name: string): number {
	return kind === 'localFolder' ? Buffer.byteLength(name, 'utf8') : name.length;
}

describe('sanitizeName', () => {
	test.each([
		['oneDrive', 'a"b*c:d<e>f?g/h\\i|j', 'a_b_c_d_e_f_g_h_i_j'],
		['localFolder', 'a"b*c:d<e>f?g/h\\i|j', 'a_b_c_d_e_f_g_h_i_j'],
		['dropbox', 'a"b*c:d<e>f?g/h\\i|j', 'a"b*c:d<e>f?g_h_i|j'],
		['googleDrive', 'a"b*c:d<e>f?g/h\\i|j', 'a"b*c:d<e>f?g_h\\i|j'],
	] as Array<[StorageKind, string, string]>)(
		'%s replaces only its illegal characters',
		(kind, input, expected) => {
			expect(sanitizeName(input, nameRulesOf(kind))).toBe(expected);
		},
	);

	test.each(KINDS)('%s replaces control characters', (kind) => {
		expect(sanitizeName('a\u0000b\tc\nd\u007fe', nameRulesOf(kind))).toBe('a_b_c_d_e');
	});

	test.each(KINDS)('%s keeps ordinary unicode, spaces, quotes and apostrophes', (kind) => {
		expect(sanitizeName("Facture n° 42 – été 'privé' 日本語 🚀.pdf", nameRulesOf(kind))).toBe(
			"Facture n° 42 – été 'privé' 日本語 🚀.pdf",
		);
	});

	test.each(KINDS)('%s replaces fullwidth and other separator lookalikes', (kind) => {
		expect(sanitizeName('a\uff0fb\uff3cc', nameRulesOf(kind))).toBe('a_b_c');
	});

	test.each([
		['oneDrive', 'report. . ', 'report'],
		['dropbox', 'report. . ', 'report'],
		['localFolder', 'report. . ', 'report'],
		['googleDrive', 'report. . ', 'report. . '],
		['oneDrive', '   lead', 'lead'],
		['dropbox', '   lead', '   lead'],
		['localFolder', '   lead', '   lead'],
	] as Array<[StorageKind, string, string]>)(
		'%s edge dots and spaces: %j',
		(kind, input, expected) => {
			expect(sanitizeName(input, nameRulesOf(kind))).toBe(expected);
		},
	);

	test.each([
		'CON .txt',
		'CON',
		'con',
		'PRN',
		'AUX',
		'NUL',
		'COM1',
		'com9',
		'LPT1',
		'LPT9',
		'CON.txt',
		'nul.tar.gz',
		'COM¹',
		'NUL. ',
	])('Windows device name %j is prefixed on OneDrive and local, untouched elsewhere', (name) => {
		for (const kind of ['oneDrive', 'localFolder'] as StorageKind[]) {
			const out = sanitizeName(name, nameRulesOf(kind));
			expect(out.startsWith('_')).toBe(true);
			expect(out.slice(1)).toBe(name.replace(/[. ]+$/, ''));
		}
		expect(sanitizeName(name, nameRulesOf('googleDrive'))).toBe(name);
	});

	test.each(['CONSOLE', 'COM0', 'COM10', 'LPT', 'icon.png', 'null'])(
		'%j is not a device name',
		(name) => {
			expect(sanitizeName(name, nameRulesOf('oneDrive'))).toBe(name);
			expect(sanitizeName(name, nameRulesOf('localFolder'))).toBe(name);
		},
	);

	test('OneDrive-specific names', () => {
		expect(sanitizeName('~$budget.xlsx', nameRulesOf('oneDrive'))).toBe('~_budget.xlsx');
		expect(sanitizeName('~$budget.xlsx', nameRulesOf('dropbox'))).toBe('~$budget.xlsx');
		expect(sanitizeName('my_vti_file', nameRulesOf('oneDrive'))).toBe('my_vti-file');
		expect(sanitizeName('x_VTI__vti_y', nameRulesOf('oneDrive'))).toBe('x_VTI-_vti-y');
		expect(sanitizeName('my_vti_file', nameRulesOf('googleDrive'))).toBe('my_vti_file');
		expect(sanitizeName('.lock', nameRulesOf('oneDrive'))).toBe('_.lock');
		expect(sanitizeName('desktop.ini', nameRulesOf('oneDrive'))).toBe('_desktop.ini');
	});

	test.each(KINDS)('%s: NFC and NFD spellings map to one NFC name', (kind) => {
		const nfc = 'Cr\u00e8me br\u00fbl\u00e9e.txt';
		const nfd = nfc.normalize('NFD');
		expect(nfd).not.toBe(nfc);
		expect(sanitizeName(nfd, nameRulesOf(kind))).toBe(sanitizeName(nfc, nameRulesOf(kind)));
		expect(sanitizeName(nfd, nameRulesOf(kind))).toBe(nfc);
	});

	test.each(KINDS)('%s: empty and all-stripped names get a deterministic placeholder', (kind) => {
		expect(sanitizeName('', nameRulesOf(kind))).toBe('unnamed');
		const dots = sanitizeName('...', nameRulesOf(kind));
		expect(dots).toMatch(/^unnamed-[0-9a-f]{8}$/);
		expect(sanitizeName('...', nameRulesOf(kind))).toBe(dots);
		expect(sanitizeName('.', nameRulesOf(kind))).not.toBe(sanitizeName('..', nameRulesOf(kind)));
		expect(sanitizeName('..', nameRulesOf(kind))).not.toMatch(/^\.+$/);
		// Lookalikes that compatibility normalisation turns into dots are neutralised too.
		for (const lookalike of ['\u2025', '\uff0e\uff0e', '\u2024\u2024', '\u2024']) {
			expect(sanitizeName(lookalike, nameRulesOf(kind))).toMatch(/^unnamed-[0-9a-f]{8}$/);
		}
		expect(sanitizeName('\u2025', nameRulesOf(kind))).not.toBe(
			sanitizeName('\u2024', nameRulesOf(kind)),
		);
	});

	test.each(KINDS)(
		'%s: long names are shortened to the limit, keeping the extension, staying distinct',
		(kind) => {
			const limit = maxNameLength(nameRulesOf(kind));
			const a = `${'Quarterly report '.repeat(30)}A.pdf`;
			const b = `${'Quarterly report '.repeat(30)}B.pdf`;
			const outA = sanitizeName(a, nameRulesOf(kind));
			const outB = sanitizeName(b, nameRulesOf(kind));
			expect(lengthIn(kind, outA)).toBeLessThanOrEqual(limit);
			expect(lengthIn(kind, outA)).toBeGreaterThan(limit - 10);
			expect(outA.endsWith('.pdf')).toBe(true);
			expect(outA).toMatch(/^Quarterly report /);
			expect(outA).not.toBe(outB);
			expect(sanitizeName(a, nameRulesOf(kind))).toBe(outA);
		},
	);

	test('local folder counts UTF-8 bytes and never splits a code point', () => {
		const name = `${'日本'.repeat(60)}.txt`; // 363 bytes, 124 UTF-16 units
		expect(sanitizeName(name, nameRulesOf('googleDrive'))).toBe(name);
		const local = sanitizeName(name, nameRulesOf('localFolder'));
		expect(Buffer.byteLength(local, 'utf8')).toBeLessThanOrEqual(255);
		expect(local.endsWith('.txt')).toBe(true);
		expect(local).not.toContain('\ufffd');
		expect(Buffer.from(local, 'utf8').toString('utf8')).toBe(local);
		const emoji = sanitizeName('🚀'.repeat(200), nameRulesOf('dropbox'));
		expect(emoji.length).toBeLessThanOrEqual(255);
		expect(/[\ud800-\udbff](?![\udc00-\udfff])/.test(emoji)).toBe(false);
	});

	test('exactly at the limit is kept; one over is shortened', () => {
		expect(sanitizeName('a'.repeat(255), nameRulesOf('oneDrive'))).toBe('a'.repeat(255));
		expect(sanitizeName('a'.repeat(256), nameRulesOf('oneDrive'))).toMatch(/^a+~[0-9a-f]{8}$/);
		expect(sanitizeName('a'.repeat(256), nameRulesOf('oneDrive'))).toHaveLength(255);
	});

	test.each(KINDS)('%s: sanitising is idempotent', (kind) => {
		const samples = [
			'a:b',
			'CON',
			'~$x',
			'...',
			'',
			' x. ',
			'a/b\\c',
			'x'.repeat(300),
			`${'é'.repeat(200)}.docx`,
			'_vti_',
			'report.tar.gz',
			'日本'.repeat(60),
		];
		for (const sample of samples) {
			const once = sanitizeName(sample, nameRulesOf(kind));
			expect(sanitizeName(once, nameRulesOf(kind))).toBe(once);
		}
	});

	test.each(KINDS)('%s: never returns a separator, "." or ".."', (kind) => {
		for (const sample of ['/', '\\', '.', '..', '../..', '/..', '..\\', ' .. ', '\uff0e\uff0e']) {
			const out = sanitizeName(sample, nameRulesOf(kind));
			expect(out).not.toMatch(/[/]/);
			if (kind !== 'googleDrive') expect(out).not.toMatch(/\\/);
			expect(['', '.', '..']).not.toContain(out);
		}
	});
});

describe('safeRelativePath', () => {
	const traversals: Array<[string[], string[]]> = [
		[['../x'], ['x']],
		[['..\\x'], ['x']],
		[['/etc/passwd'], ['etc', 'passwd']],
		[['a/../../b'], ['a', 'b']],
		[['%2e%2e/x'], ['x']],
		[['%2E%2E%2Fx'], ['%2E%2E%2Fx']],
		[['%252e%252e', 'x'], ['x']],
		[['\uff0e\uff0e/x'], ['x']], // fullwidth full stops
		[['\u2025/x'], ['x']], // two-dot leader, NFKC ".."
		[['\u2024\u2024\\x'], ['x']], // one-dot leaders
		[['./a/./b/.'], ['a', 'b']],
		[
			['', 'a', '', 'b', ''],
			['a', 'b'],
		],
		[['//server/share/x'], ['server', 'share', 'x']],
		[['\\\\server\\share'], ['server', 'share']],
		[['..', '..', '..', 'etc'], ['etc']],
		[['. .', ' .. '], []],
		[['a\uff0fb'], ['a_b']],
	];

	test.each(traversals)('%j stays inside the root', (input, expected) => {
		for (const kind of ['googleDrive', 'dropbox'] as StorageKind[]) {
			expect(safeRelativePath(input, nameRulesOf(kind))).toEqual(expected);
		}
	});

	test.each(KINDS)('%s: no segment can ever climb, whatever the input', (kind) => {
		const nasty = [
			'..',
			'.',
			'../..',
			'..\\..\\',
			'/',
			'\\',
			'%2e%2e',
			'\uff0e\uff0e',
			'\u2025',
			' ',
			'a/../..',
		];
		for (const first of nasty) {
			for (const second of nasty) {
				const out = safeRelativePath([first, `${second}/file`], nameRulesOf(kind));
				for (const segment of out) {
					expect(segment).not.toMatch(/^\.+$/);
					expect(segment).not.toContain('/');
					expect(segment.normalize('NFKC').trim()).not.toMatch(/^\.+$/);
				}
				expect(out[out.length - 1]).toBe('file');
			}
		}
	});

	test('Windows drive letters become a relative segment on providers that forbid ":"', () => {
		expect(safeRelativePath(['C:\\Windows\\system32'], nameRulesOf('oneDrive'))).toEqual([
			'C_',
			'Windows',
			'system32',
		]);
		expect(safeRelativePath(['C:\\Windows'], nameRulesOf('localFolder'))).toEqual([
			'C_',
			'Windows',
		]);
	});

	test('sanitises each segment for the provider', () => {
		expect(safeRelativePath(['Acme: Inc.', '2024 / Q1', 'CON'], nameRulesOf('oneDrive'))).toEqual([
			'Acme_ Inc',
			'2024',
			'Q1',
			'_CON',
		]);
		expect(safeRelativePath(['Acme: Inc.', 'CON'], nameRulesOf('googleDrive'))).toEqual([
			'Acme: Inc.',
			'CON',
		]);
	});

	test('NFC and NFD template output give the same path', () => {
		const nfc = ['Soci\u00e9t\u00e9', 'r\u00e9sum\u00e9.pdf'];
		const nfd = nfc.map((s) => s.normalize('NFD'));
		for (const kind of KINDS)
			expect(safeRelativePath(nfd, nameRulesOf(kind))).toEqual(
				safeRelativePath(nfc, nameRulesOf(kind)),
			);
	});

	test('OneDrive: a path longer than 400 characters is shortened deterministically', () => {
		const segments = ['a'.repeat(200), 'b'.repeat(200), 'c'.repeat(100)];
		const out = safeRelativePath(segments, nameRulesOf('oneDrive'));
		expect(out.join('/').length).toBeLessThanOrEqual(400);
		expect(out).toEqual(safeRelativePath(segments, nameRulesOf('oneDrive')));
		expect(out[2]).toBe('c'.repeat(100));
		expect(new Set(out).size).toBe(3);
		expect(safeRelativePath(segments, nameRulesOf('googleDrive'))).toEqual(segments);
	});

	test('empty input means the root', () => {
		expect(safeRelativePath([], nameRulesOf('dropbox'))).toEqual([]);
		expect(safeRelativePath(['', '/', '..'], nameRulesOf('dropbox'))).toEqual([]);
	});
});

describe('names a user can trust (issue 18)', () => {
	const KINDS = ['googleDrive', 'oneDrive', 'dropbox', 'localFolder'] as const;
	const RLO = String.fromCharCode(0x202e);
	/* eslint-disable no-control-regex -- control characters are exactly what must not survive */
	const hidden =
		/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
	/* eslint-enable no-control-regex */

	it.each(KINDS)(
		'%s: direction overrides, isolates, marks and C1 controls never reach a name we write',
		(kind) => {
			const names = [
				`invoice${RLO}fdp.exe`,
				`a${String.fromCharCode(0x2066)}b${String.fromCharCode(0x2069)}c.pdf`,
				`left${String.fromCharCode(0x200f)}mark.pdf`,
				`next${String.fromCharCode(0x85)}line${String.fromCharCode(0x2028)}sep.pdf`,
				`esc${String.fromCharCode(0x1b)}[31mred.pdf`,
			];
			for (const name of names) {
				const written = sanitizeName(name, nameRulesOf(kind));
				expect(written).not.toMatch(hidden);
				expect(sanitizeName(written, nameRulesOf(kind))).toBe(written);
			}
			// What was hidden becomes visible: the override no longer flips the extension on screen.
			expect(sanitizeName(`invoice${RLO}fdp.exe`, nameRulesOf(kind))).toBe('invoice_fdp.exe');
		},
	);

	it('flagName: plain names pass, hidden characters are named and shown', () => {
		expect(flagName('Facture café 2026.pdf')).toBeUndefined();
		expect(flagName('עברית.pdf')).toBeUndefined();
		expect(flagName(`invoice${RLO}fdp.exe`)).toEqual({
			reasons: ['bidi'],
			visible: 'invoice<U+202E>fdp.exe',
		});
		expect(flagName(`two\nlines${RLO}.pdf`)).toEqual({
			reasons: ['bidi', 'control'],
			visible: 'two<U+000A>lines<U+202E>.pdf',
		});
	});
});
