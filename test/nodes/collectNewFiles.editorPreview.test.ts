import type { IDataObject } from 'n8n-workflow';
import { collectWorkflow, type CollectWorkflow } from './support/collectHarness';
import { installDeduplicator, type MemoryDeduplicator } from './support/collectDeduplicator';
import { localSource, type CollectSource } from './support/collectSources';

/**
 * Issue 13 point 4: "Execute workflow" in the editor previews only what the next production run collects. n8n 2.x
 * hands a manual run the saved static data; n8n 1.x hands it none (as here: the manual run gets empty static data),
 * and the node then goes by the preview mirror production runs keep in n8n's deduplication store.
 */

const pdf = (text: string) => Buffer.from(`%PDF-1.4\n${text}\n%%EOF\n`);
const names = (json: IDataObject[]) => json.map((item) => String(item.name)).sort();
const day = (n: number) => ({ modifiedAt: `2026-09-0${n}T10:00:00Z` });

/** A manual run as n8n 1.123 makes it from the editor: the workflow the editor sent carries no static data. */
async function manualOnN8n1(flow: CollectWorkflow) {
	const saved = flow.harness.staticData;
	flow.harness.staticData = {};
	try {
		return await flow.run('manual');
	} finally {
		flow.harness.staticData = saved;
	}
}

/** Every value the store was asked to record during `work` (a preview must never ask for a claim value). */
async function recorded<T>(
	store: MemoryDeduplicator,
	work: () => Promise<T>,
): Promise<{ result: T; values: string[] }> {
	const values: string[] = [];
	const original = store.checkProcessedAndRecord.bind(store);
	store.checkProcessedAndRecord = async (items, scope, data) => {
		// The workflow scope's values (the node scope holds the store lock's row, issue 22).
		if (scope === 'workflow') values.push(...items.map(String));
		return await original(items, scope, data);
	};
	try {
		return { result: await work(), values };
	} finally {
		store.checkProcessedAndRecord = original;
	}
}

const snapshotStore = (store: MemoryDeduplicator) =>
	JSON.stringify(
		[...store.contexts]
			.filter(([, set]) => set.size > 0)
			.map(([key, set]) => [key, [...set].sort()]),
	);

describe('Collect New Files: the editor preview on n8n 1.x (no static data handed to a manual run)', () => {
	let source: CollectSource;
	let store: MemoryDeduplicator;
	beforeEach(async () => {
		source = await localSource();
		store = await installDeduplicator();
		store.contexts.clear();
	});
	afterEach(async () => {
		await source.close();
	});

	test('First Run "Files Added From Now On": production took A and B as there; C arrives; the preview shows C, as the next production run collects', async () => {
		const flow = collectWorkflow(source, { firstRun: 'now' });
		await source.user.createFile('A.pdf', pdf('a'), day(1));
		await source.user.createFile('B.pdf', pdf('b'), day(2));
		expect((await flow.run()).json).toEqual([]);
		await source.user.createFile('C.pdf', pdf('c'), day(3));

		const before = snapshotStore(store);
		const { result: manual, values } = await recorded(store, () => manualOnN8n1(flow));
		expect(manual.result.status).toBe('success');
		expect(names(manual.json)).toEqual(['C.pdf']);
		expect(manual.json[0]).toMatchObject({ preview: true, status: 'wouldCollect' });
		expect(manual.json[0].collectedAt).toBeUndefined();
		expect(String(manual.json[0].message)).toMatch(/n8n 1\.x hands manual runs no saved state/);
		// The preview looked only at mirror values, and left the store as it found it.
		expect(values.every((value) => value.includes(':m:'))).toBe(true);
		expect(snapshotStore(store)).toBe(before);

		const next = await flow.run();
		expect(next.json.map((json) => [json.name, json.status])).toEqual([['C.pdf', 'collected']]);
		expect(next.json[0].collectedAt).toEqual(expect.any(String));
	});

	test('Max Files Per Run 2: production collected A and B; C arrives; the preview shows C (the cap applies after leaving A and B out)', async () => {
		const flow = collectWorkflow(source, { maxFilesPerRun: 2 });
		await source.user.createFile('A.pdf', pdf('a'), day(1));
		await source.user.createFile('B.pdf', pdf('b'), day(2));
		expect(names((await flow.run()).json)).toEqual(['A.pdf', 'B.pdf']);
		await source.user.createFile('C.pdf', pdf('c'), day(3));

		const manual = await manualOnN8n1(flow);
		expect(names(manual.json)).toEqual(['C.pdf']);
		expect(manual.json[0]).toMatchObject({ preview: true, status: 'wouldCollect' });
		expect(names((await flow.run()).json)).toEqual(['C.pdf']);
	});

	test('model counterexample (seed -1962651618): at most 1 file per run, two receipts of one day, one production run; the 1.x preview shows the second, which the next run collects', async () => {
		const flow = collectWorkflow(source, { maxFilesPerRun: 1 });
		await source.user.createFile('r1.pdf', pdf('r1'), day(1));
		await source.user.createFile('r2.pdf', pdf('r2'), day(1));
		expect(names((await flow.run()).json)).toEqual(['r1.pdf']);
		expect(names((await manualOnN8n1(flow)).json)).toEqual(['r2.pdf']);
		expect(names((await flow.run()).json)).toEqual(['r2.pdf']);
	});

	test('the same stories when n8n hands the manual run its static data (n8n 2.x): C only, and nothing recorded', async () => {
		const flow = collectWorkflow(source, { firstRun: 'now', maxFilesPerRun: 1 });
		await source.user.createFile('A.pdf', pdf('a'), day(1));
		expect((await flow.run()).json).toEqual([]);
		await source.user.createFile('B.pdf', pdf('b'), day(2));
		expect(names((await flow.run()).json)).toEqual(['B.pdf']);
		await source.user.createFile('C.pdf', pdf('c'), day(3));
		const before = snapshotStore(store);
		const manual = await flow.run('manual');
		expect(manual.json.map((json) => [json.name, json.status, json.preview])).toEqual([
			['C.pdf', 'wouldCollect', true],
		]);
		expect(String(manual.json[0].message)).not.toMatch(/n8n 1\.x/);
		expect(manual.result.staticDataSaved).toBe(false);
		expect(snapshotStore(store)).toBe(before);
		expect(names((await flow.run()).json)).toEqual(['C.pdf']);
	});

	test('a first-run baseline larger than the mirror keeps: the preview says plainly that it cannot tell, instead of a wrong list', async () => {
		const flow = collectWorkflow(source, { firstRun: 'now' });
		for (let i = 0; i < 1001; i++)
			await source.user.createFile(`old-${i}.pdf`, pdf(`old ${i}`), day(1));
		expect((await flow.run()).json).toEqual([]);
		await source.user.createFile('C.pdf', pdf('c'), day(3));
		const manual = await manualOnN8n1(flow);
		expect(manual.json).toEqual([
			expect.objectContaining({ preview: true, collected: 0, wouldCollect: 'unknown' }),
		]);
		expect(String(manual.json[0].message)).toMatch(/cannot tell which files are new/);
		expect(names((await flow.run()).json)).toEqual(['C.pdf']);
	}, 120_000);

	test('a node that never ran in production previews as its first run would (no mirror, no state)', async () => {
		const flow = collectWorkflow(source, { firstRun: 'now' });
		await source.user.createFile('A.pdf', pdf('a'), day(1));
		expect((await manualOnN8n1(flow)).json).toEqual([
			expect.objectContaining({ preview: true, collected: 0 }),
		]);
		expect((await flow.run()).json).toEqual([]);
	});

	test('Forget makes a file collectable again for the preview too', async () => {
		const flow = collectWorkflow(source);
		const a = await source.user.createFile('A.pdf', pdf('a'), day(1));
		expect(names((await flow.run()).json)).toEqual(['A.pdf']);
		expect((await manualOnN8n1(flow)).json).toEqual([expect.objectContaining({ collected: 0 })]);
		await flow.operate({ operation: 'forget', forgetBy: 'id', fileId: a });
		expect(names((await manualOnN8n1(flow)).json)).toEqual(['A.pdf']);
		expect(names((await flow.run()).json)).toEqual(['A.pdf']);
	});
});
