import type { IDataObject } from 'n8n-workflow';
import { collectWorkflow } from './collectHarness';
import type { CollectSource } from './collectSources';

const pdf = (text: string) => Buffer.from(`%PDF-1.4\n${text}\n%%EOF\n`);

function names(json: IDataObject[]): string[] {
	return json.map((item) => String(item.name)).sort();
}

/**
 * The seed story: a client drops 3 receipts; run 1 collects 3; run 2 collects 0 although all 3 are still there;
 * a 4th is dropped, then renamed, then moved into a subfolder; run 3 collects exactly that 1; the history lists
 * 4 collections with their times.
 */
export async function seedStory(source: CollectSource): Promise<void> {
	const flow = collectWorkflow(source);
	await source.user.createFile('receipt-1.pdf', pdf('receipt one'));
	await source.user.createFile('receipt-2.pdf', pdf('receipt two'));
	await source.user.createFile('receipt-3.pdf', pdf('receipt three'));

	const run1 = await flow.run();
	expect(run1.result.error?.message).toBeUndefined();
	expect(run1.result.status).toBe('success');
	expect(names(run1.json)).toEqual(['receipt-1.pdf', 'receipt-2.pdf', 'receipt-3.pdf']);
	for (const item of run1.items) {
		expect(item.json).toMatchObject({
			source: source.kind,
			size: expect.any(Number),
			collectedAt: expect.any(String),
		});
		expect(item.json.id).toEqual(expect.any(String));
		expect(item.json.contentHash).toEqual(expect.any(String));
		expect(item.binary?.data?.fileName).toBe(item.json.name);
		expect(item.binary?.data?.mimeType).toBe('application/pdf');
	}
	const first = run1.items.find((item) => item.json.name === 'receipt-1.pdf')!;
	expect(Buffer.from(first.binary!.data.data, 'base64').toString()).toContain('receipt one');

	const run2 = await flow.run();
	expect(run2.json).toEqual([]);

	const fourthId = await source.user.createFile('receipt-4.pdf', pdf('receipt four'));
	await source.user.rename('receipt-4.pdf', 'receipt-4-renamed.pdf');
	await source.user.createFolder('archive');
	await source.user.move('receipt-4-renamed.pdf', 'archive');

	const run3 = await flow.run();
	expect(run3.json).toHaveLength(1);
	expect(run3.json[0]).toMatchObject({
		id: fourthId,
		name: 'receipt-4-renamed.pdf',
		path: 'archive/receipt-4-renamed.pdf',
	});

	const history = await flow.operate({ operation: 'getHistory', returnAll: true });
	expect(history).toHaveLength(4);
	expect(history[0]).toMatchObject({ id: fourthId, path: 'archive/receipt-4-renamed.pdf' });
	const times = history.map((entry) => Date.parse(String(entry.collectedAt)));
	expect(times.every((time) => !Number.isNaN(time))).toBe(true);
	expect([...times].sort((a, b) => b - a)).toEqual(times);
	expect(names(history.slice(1))).toEqual(['receipt-1.pdf', 'receipt-2.pdf', 'receipt-3.pdf']);

	// Still nothing new afterwards.
	expect((await flow.run()).json).toEqual([]);
}

/** A file moved in from outside the watched folder, with an old modified time, is collected. */
export async function movedInWithOldTime(source: CollectSource): Promise<void> {
	const inboxId = await source.user.createFolder('inbox');
	await source.user.createFolder('elsewhere');
	const flow = collectWorkflow(source, { folder: source.subfolderParameter('inbox', inboxId) });
	await source.user.createFile('inbox/first.pdf', pdf('first'));
	expect(names((await flow.run()).json)).toEqual(['first.pdf']);
	await source.user.createFile('elsewhere/old.pdf', pdf('old file'), {
		modifiedAt: '2009-03-01T10:00:00Z',
	});
	expect((await flow.run()).json).toEqual([]);
	await source.user.move('elsewhere/old.pdf', 'inbox');
	const run = await flow.run();
	expect(names(run.json)).toEqual(['old.pdf']);
}

/** A manual run between two production runs previews, changes nothing in the ledger, and loses nothing. */
export async function manualBetweenRuns(source: CollectSource): Promise<void> {
	const flow = collectWorkflow(source);
	await source.user.createFile('a.pdf', pdf('a'));
	expect((await flow.run()).json).toHaveLength(1);
	const before = structuredClone(flow.harness.staticData);
	await source.user.createFile('b.pdf', pdf('b'));
	const manual = await flow.run('manual');
	expect(manual.json).toHaveLength(1);
	expect(manual.json[0]).toMatchObject({ name: 'b.pdf', preview: true });
	expect(manual.result.staticDataSaved).toBe(false);
	expect(flow.harness.staticData).toEqual(before);
	const production = await flow.run();
	expect(names(production.json)).toEqual(['b.pdf']);
	expect(production.json[0].preview).toBeUndefined();
	const emptyManual = await flow.run('manual');
	expect(emptyManual.json).toEqual([expect.objectContaining({ preview: true, collected: 0 })]);
}
