import { collectWorkflow } from './support/collectHarness';
import { cloudSource, type CollectSource } from './support/collectSources';

const NEW_FILES = 30;
const pdf = (text: string) => Buffer.from(`%PDF-1.4\n${text}\n%%EOF\n`);

/**
 * A run that collects N new files with content costs the change-feed page plus one download request per file on
 * every cloud: no folder lookup (Dropbox keeps the watched folder's place in its cursor) and no 302 round trip
 * (OneDrive downloads from the URL the delta page gave).
 */
describe.each(['dropbox', 'googleDrive', 'oneDrive'] as const)(
	'Collect New Files request budget on %s',
	(kind) => {
		let source: CollectSource;
		beforeEach(async () => {
			source = await cloudSource(kind);
		});
		afterEach(async () => {
			await source.close();
		});

		test(`${NEW_FILES} new files: one feed page and one download each`, async () => {
			const flow = collectWorkflow(source);
			const first = await flow.run();
			expect(first.result.status).toBe('success');
			for (let i = 0; i < NEW_FILES; i++)
				await source.user.createFile(`n${i}.pdf`, pdf(`new ${i}`));
			const before = source.requestCount();
			const run = await flow.run();
			expect(run.result.error?.message).toBeUndefined();
			expect(
				run.items.filter((item) => item.binary && Object.keys(item.binary).length),
			).toHaveLength(NEW_FILES);
			expect(source.requestCount() - before).toBe(1 + NEW_FILES);
		});
	},
);
