import { tmpdir } from 'os';
import { collectWorkflow } from './support/collectHarness';
import { cloudSource, localSource, type CollectSource } from './support/collectSources';

process.env.N8N_RESTRICT_FILE_ACCESS_TO = tmpdir();
const pdf = (text: string) => Buffer.from(`%PDF-1.4\n${text}\n%%EOF\n`);

/** The user renames or moves the watched folder (or its parent) between runs, through n8n's engine. */
describe.each(['dropbox', 'googleDrive', 'oneDrive'] as const)(
	'Collect New Files on %s: the watched folder renamed and moved',
	(kind) => {
		let source: CollectSource;
		beforeEach(async () => {
			source = await cloudSource(kind);
		});
		afterEach(async () => {
			await source.close();
		});

		test('renamed, then moved out of its parent, then its new parent renamed: every file once, nothing missed', async () => {
			const watchedId = await source.user.createFolder('parent/inbox');
			const flow = collectWorkflow(source, {
				folder: source.subfolderParameter('parent/inbox', watchedId),
			});
			await source.user.createFile('parent/inbox/one.pdf', pdf('one'));
			expect((await flow.run()).json.map((item) => item.name)).toEqual(['one.pdf']);

			await source.user.rename('parent/inbox', 'inbox-2026');
			await source.user.createFile('parent/inbox-2026/two.pdf', pdf('two'));
			expect((await flow.run()).json.map((item) => item.name)).toEqual(['two.pdf']);

			await source.user.createFolder('other');
			await source.user.move('parent/inbox-2026', 'other');
			await source.user.createFile('other/inbox-2026/three.pdf', pdf('three'));
			expect((await flow.run()).json.map((item) => item.name)).toEqual(['three.pdf']);

			await source.user.rename('other', 'archive');
			await source.user.createFile('archive/inbox-2026/four.pdf', pdf('four'));
			const last = await flow.run();
			expect(last.result.status).toBe('success');
			expect(last.json.map((item) => item.name)).toEqual(['four.pdf']);
			const before = source.requestCount();
			expect((await flow.run()).json).toEqual([]);
			expect(source.requestCount() - before).toBe(1);
		});
	},
);

describe('Collect New Files on a local folder: the watched folder renamed', () => {
	test('the run stops and says the folder is gone and what to do; nothing is recorded', async () => {
		const source = await localSource();
		try {
			const flow = collectWorkflow(source);
			await source.user.createFile('one.pdf', pdf('one'));
			expect((await flow.run()).json.map((item) => item.name)).toEqual(['one.pdf']);
			const saved = JSON.stringify(flow.harness.staticData);
			const { rename } = await import('fs/promises');
			const root = source.folderParameter.value;
			await rename(root, `${root}-renamed`);
			try {
				const run = await flow.run();
				expect(run.result.status).toBe('error');
				expect(run.result.error?.message).toBe(
					`Local folder: the watched folder "${root}" is gone`,
				);
				expect((run.result.error as { description?: string }).description).toMatch(
					/watched by its path.*Choose it again in "Folder"/,
				);
				expect(JSON.stringify(flow.harness.staticData)).toBe(saved);
			} finally {
				await rename(`${root}-renamed`, root);
			}
		} finally {
			await source.close();
		}
	});
});
