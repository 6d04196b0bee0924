import type { IBinaryData } from 'n8n-workflow';
import { fitsOneRead, readSizeFor } from '../../nodes/ExportToFolder/binary';
import { forEachAtMost } from '../../nodes/shared/run/forEachAtMost';

const KiB = 1024;
const MiB = 1024 * KiB;
const stored = (bytes: unknown): IBinaryData =>
	({
		data: 'filesystem-v2',
		mimeType: 'application/pdf',
		id: 'filesystem-v2:x',
		bytes,
	}) as IBinaryData;

describe('read size of a file n8n keeps outside the item', () => {
	test.each([
		[0, 4 * KiB],
		[12, 4 * KiB],
		[4 * KiB - 1, 4 * KiB],
		[4 * KiB, 4 * KiB + 1],
		[300 * KiB, 300 * KiB + 1],
		[MiB - 1, MiB],
		[MiB, MiB],
		[2 * 1024 * MiB, MiB],
		[12.5, 4 * KiB],
	])(
		'%d bytes stated: pieces of %d (the size and the end in two reads, at most 1 MiB)',
		(bytes, size) => {
			expect(readSizeFor(bytes)).toBe(size);
		},
	);

	test('no size known: 1 MiB pieces, as before', () => {
		expect(readSizeFor(undefined)).toBe(MiB);
	});

	test('only a usable stated size below 1 MiB makes a file small (read several at once)', () => {
		expect([0, 12, MiB - 1].map((bytes) => fitsOneRead(stored(bytes)))).toEqual([true, true, true]);
		const unusable = [MiB, 5 * MiB, -1, Number.NaN, Infinity, '12', undefined];
		expect(unusable.map((bytes) => fitsOneRead(stored(bytes)))).toEqual(unusable.map(() => false));
	});
});

describe('forEachAtMost', () => {
	test('every entry once, never more than the width pending, all done when it resolves', async () => {
		const entries = Array.from({ length: 50 }, (_, n) => n);
		const done: number[] = [];
		let pending = 0;
		let most = 0;
		await forEachAtMost(entries, 4, async (n) => {
			pending++;
			most = Math.max(most, pending);
			// Uneven delays, so that entries finish out of order.
			await new Promise((resolve) => setTimeout(resolve, (n * 7) % 5));
			pending--;
			done.push(n);
		});
		expect(most).toBe(4);
		expect(pending).toBe(0);
		expect([...done].sort((a, b) => a - b)).toEqual(entries);
		expect(done).not.toEqual(entries);
	});

	test('width 1 is one after another; no entries, nothing called', async () => {
		const order: string[] = [];
		await forEachAtMost(['a', 'b', 'c'], 1, async (entry) => {
			order.push(`start ${entry}`);
			await Promise.resolve();
			order.push(`end ${entry}`);
		});
		expect(order).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
		const work = jest.fn(async () => undefined);
		await forEachAtMost([], 16, work);
		expect(work).not.toHaveBeenCalled();
	});
});
