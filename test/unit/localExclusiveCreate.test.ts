import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

// A file system without hard links (FAT, some network shares): link() refuses, the fallback must still be exclusive.
jest.mock('fs/promises', () => ({
	...jest.requireActual('fs/promises'),
	link: jest.fn(async () => {
		throw Object.assign(new Error('operation not permitted'), { code: 'EPERM' });
	}),
}));

import { writeAtomically } from '../../nodes/shared/storage/localFolder/upload';

describe('local folder without hard links: a new file is created only if absent (issue 22)', () => {
	let dir: string;
	beforeEach(() => {
		dir = mkdtempSync(join(tmpdir(), 'i22-excl-'));
	});
	afterEach(() => rmSync(dir, { recursive: true, force: true }));

	it('two overlapping runs creating the same name: one file, whole, from one of them; the other is told it exists', async () => {
		const destination = join(dir, 'receipt.pdf');
		const write = (text: string) =>
			writeAtomically(
				{ folderReal: dir, destinationReal: destination, target: 'receipt.pdf', mode: 'create' },
				{ data: Buffer.from(text), size: text.length },
			);
		const results = await Promise.allSettled([write('from run one'), write('from run two')]);
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
		expect((refused.reason as NodeJS.ErrnoException).code).toBe('EEXIST');
		expect(['from run one', 'from run two']).toContain(readFileSync(destination, 'utf8'));
		// No temp file left behind by the run that lost.
		expect(readdirSync(dir)).toEqual(['receipt.pdf']);
	});
});
