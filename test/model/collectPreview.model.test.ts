import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';
import { collectWorkflow, type CollectWorkflow } from '../nodes/support/collectHarness';
import { installDeduplicator } from '../nodes/support/collectDeduplicator';
import { localSource } from '../nodes/support/collectSources';
import { checkModel, modelBudget } from './support/budget';

/**
 * The user's promise for "Execute workflow" (issue 13 point 4): a manual run previews exactly what the next
 * production run collects, on n8n 2.x (the saved static data handed to the manual run) and on n8n 1.x (none handed
 * over). Histories of receipts dropped and deleted, production runs, and previews of both kinds, under each First
 * Run mode and per-run cap; each preview is compared with a production run made right after it.
 */

type Step =
	| { type: 'add'; day: number }
	| { type: 'delete'; pick: number }
	| { type: 'production' }
	| { type: 'preview'; n8n1: boolean };

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
	{
		weight: 3,
		arbitrary: fc.record({
			type: fc.constant('add' as const),
			day: fc.integer({ min: 1, max: 9 }),
		}),
	},
	{ weight: 1, arbitrary: fc.record({ type: fc.constant('delete' as const), pick: fc.nat() }) },
	{ weight: 2, arbitrary: fc.constant({ type: 'production' as const }) },
	{
		weight: 2,
		arbitrary: fc.record({ type: fc.constant('preview' as const), n8n1: fc.boolean() }),
	},
);
const settingsArbitrary = fc.record({
	firstRun: fc.constantFrom('everything', 'now'),
	maxFilesPerRun: fc.constantFrom(0, 1, 2),
	commitPolicy: fc.constantFrom('onEmit', 'afterConfirm'),
});

const pdf = (text: string) => Buffer.from(`%PDF-1.4\n${text}\n%%EOF\n`);
const ids = (json: IDataObject[]) =>
	json
		.filter((item) => item.id)
		.map((item) => String(item.id))
		.sort();

async function preview(flow: CollectWorkflow, n8n1: boolean) {
	const saved = flow.harness.staticData;
	if (n8n1) flow.harness.staticData = {};
	try {
		return await flow.run('manual');
	} finally {
		flow.harness.staticData = saved;
	}
}

describe('Collect New Files: the editor preview is the next production run', () => {
	test('on n8n 2.x and 1.x, under every First Run mode, per-run cap and commit policy', async () => {
		const name = 'collectNewFiles.preview';
		const budget = modelBudget(name, 40);
		const store = await installDeduplicator();
		await checkModel(
			name,
			budget,
			fc.asyncProperty(
				settingsArbitrary,
				fc.array(stepArbitrary, { minLength: 4, maxLength: budget.maxCommands, size: 'max' }),
				async (settings, steps) => {
					store.contexts.clear();
					const source = await localSource();
					try {
						const flow = collectWorkflow(source, settings, {
							confirm: settings.commitPolicy === 'afterConfirm',
						});
						const files: string[] = [];
						let n = 0;
						for (const step of steps) {
							if (step.type === 'add') {
								const path = `r${++n}.pdf`;
								await source.user.createFile(path, pdf(`receipt ${n}`), {
									modifiedAt: `2026-09-0${step.day}T10:00:00Z`,
								});
								files.push(path);
							} else if (step.type === 'delete') {
								if (files.length === 0) continue;
								await source.user.delete(files.splice(step.pick % files.length, 1)[0]);
							} else if (step.type === 'production') {
								expect((await flow.run()).result.status).toBe('success');
							} else {
								const shown = await preview(flow, step.n8n1);
								expect(shown.result.status).toBe('success');
								expect(shown.result.staticDataSaved).toBe(false);
								for (const item of shown.json.filter((json) => json.id))
									expect(item).toMatchObject({ preview: true, status: 'wouldCollect' });
								const next = await flow.run();
								expect(next.result.status).toBe('success');
								expect({ n8n1: step.n8n1, preview: ids(shown.json) }).toEqual({
									n8n1: step.n8n1,
									preview: ids(next.json),
								});
							}
						}
					} finally {
						await source.close();
					}
				},
			),
		);
	}, 600_000);
});
