import {
	chunkSizeFor,
	DEFAULT_LINK,
	MAX_CHUNK_SIZE,
	turnOverhead,
} from '../../nodes/shared/storage/chunkSize';
import { DRIVE_CHUNK_ALIGNMENT } from '../../nodes/shared/storage/googleDrive/upload';
import { FRAGMENT_UNIT } from '../../nodes/shared/storage/oneDrive/upload';

const MiB = 1024 * 1024;
const DROPBOX_ALIGNMENT = 4 * MiB;

describe('chunk sizes from the link model', () => {
	test.each([
		['Drive', DRIVE_CHUNK_ALIGNMENT],
		['Dropbox', DROPBOX_ALIGNMENT],
		['Graph', FRAGMENT_UNIT],
	])(
		'%s: the smallest aligned chunk whose per-chunk turns take at most 10% of an upload on the default link',
		(_cloud, alignment) => {
			const size = chunkSizeFor(alignment);
			expect(size % alignment).toBe(0);
			expect(turnOverhead(size)).toBeLessThanOrEqual(DEFAULT_LINK.maxOverhead);
			expect(turnOverhead(size - alignment)).toBeGreaterThan(DEFAULT_LINK.maxOverhead);
			// Two chunks (one on the wire, one being read) stay within the upload's memory budget.
			expect(size).toBeLessThanOrEqual(MAX_CHUNK_SIZE);
		},
	);

	test('the defaults: 13 MiB on Drive, 16 MiB on Dropbox, 42 x 320 KiB on Graph; 8 MiB lost 15% to the turns', () => {
		expect(chunkSizeFor(DRIVE_CHUNK_ALIGNMENT)).toBe(13 * MiB);
		expect(chunkSizeFor(DROPBOX_ALIGNMENT)).toBe(16 * MiB);
		expect(chunkSizeFor(FRAGMENT_UNIT)).toBe(42 * FRAGMENT_UNIT);
		expect(turnOverhead(8 * MiB)).toBeCloseTo(0.152, 3);
	});

	test('a fast link wants chunks beyond the memory budget: they stop at the cap, aligned', () => {
		const gigabit = { ...DEFAULT_LINK, bytesPerSecond: 1e9 / 8 };
		expect(chunkSizeFor(DRIVE_CHUNK_ALIGNMENT, gigabit)).toBe(MAX_CHUNK_SIZE);
		expect(chunkSizeFor(FRAGMENT_UNIT, gigabit)).toBe(
			Math.floor(MAX_CHUNK_SIZE / FRAGMENT_UNIT) * FRAGMENT_UNIT,
		);
	});

	test('a slow link or a near server still gets at least one aligned unit', () => {
		const near = { ...DEFAULT_LINK, roundTripMs: 0 };
		expect(chunkSizeFor(DROPBOX_ALIGNMENT, near)).toBe(DROPBOX_ALIGNMENT);
	});
});
