import { stat } from 'fs/promises';
import { tmpdir } from 'os';
import { join } from 'path';
import { idFingerprint } from '../../nodes/shared/state/collectRecords';
import { collectWorkflow } from './support/collectHarness';
import { localSource } from './support/collectSources';

// Read once per process, when n8n's security config is first built.
process.env.N8N_RESTRICT_FILE_ACCESS_TO = tmpdir();

/** Local folder ids: a reused inode is a new file; state saved before ids carried the birth time still works. */
describe('Collect New Files on a local folder: file identity', () => {
	test("a receipt saved after a collected one was deleted is collected, even when the disk gives it the old file's inode", async () => {
		// ext4 hands a freed inode to the next new file; try (on fresh folders) until the new receipt gets the old one's.
		let reused = false;
		for (let attempt = 0; attempt < 10 && !reused; attempt++) {
			const source = await localSource();
			try {
				const flow = collectWorkflow(source);
				await source.user.createFile('receipt-1.pdf', Buffer.from('first receipt'));
				expect((await flow.run()).json.map((j) => j.name)).toEqual(['receipt-1.pdf']);
				const root = source.folderParameter.value;
				const old = await stat(join(root, 'receipt-1.pdf'));
				await source.user.delete('receipt-1.pdf');
				await source.user.createFile('receipt-2.pdf', Buffer.from('second receipt'));
				reused = (await stat(join(root, 'receipt-2.pdf'))).ino === old.ino;
				expect((await flow.run()).json.map((j) => j.name)).toEqual(['receipt-2.pdf']);
			} finally {
				await source.close();
			}
		}
		expect(reused).toBe(true);
	});

	test('state saved before file ids carried the birth time: nothing is collected again, new files are', async () => {
		const source = await localSource();
		try {
			// Identical content is allowed through, so only the file's identity can keep it from coming again.
			const flow = collectWorkflow(source, { skipIdentical: false });
			for (const name of ['a.pdf', 'b.pdf', 'c.pdf'])
				await source.user.createFile(name, Buffer.from(`receipt ${name}`));
			expect((await flow.run()).json).toHaveLength(3);
			// What 0.1 saved: the fingerprint of "ino:<dev>:<inode>" for each file.
			let saved = JSON.stringify(flow.harness.staticData);
			for (const name of ['a.pdf', 'b.pdf', 'c.pdf']) {
				const info = await stat(join(source.folderParameter.value, name), { bigint: true });
				const former = `ino:${info.dev}:${info.ino}`;
				const today = `${former}:${info.birthtimeNs.toString(36)}`;
				expect(saved).toContain(idFingerprint(today));
				saved = saved.split(idFingerprint(today)).join(idFingerprint(former));
			}
			flow.harness.staticData = JSON.parse(saved);

			const quiet = await flow.run();
			expect(quiet.json.filter((j) => j.name !== undefined)).toEqual([]);
			await source.user.createFile('d.pdf', Buffer.from('receipt d.pdf'));
			expect((await flow.run()).json.map((j) => j.name)).toEqual(['d.pdf']);
		} finally {
			await source.close();
		}
	});
});
