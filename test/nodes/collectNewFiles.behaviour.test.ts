import type { IDataObject } from 'n8n-workflow';
import { FileRecords } from '../../nodes/shared/state/collectRecords';
import { fingerprint } from '../../nodes/shared/state/fingerprint';
import { COLLECT, collectWorkflow, FailSwitch } from './support/collectHarness';
import { installDeduplicator } from './support/collectDeduplicator';
import { cloudSource, type CollectSource } from './support/collectSources';

const pdf = (text: string) => Buffer.from(`%PDF-1.4\n${text}\n%%EOF\n`);
const names = (json: IDataObject[]) => json.map((item) => String(item.name)).sort();

function collectState(staticData: IDataObject): IDataObject & { collected: string; total: number } {
	const global = staticData.global as IDataObject;
	const key = Object.keys(global).find((k) => k.startsWith('cloudSync:'))!;
	return global[key] as IDataObject & { collected: string; total: number };
}

describe.each(['dropbox', 'googleDrive', 'oneDrive'] as const)(
	'Collect New Files, cursor reset on %s',
	(kind) => {
		let source: CollectSource;
		beforeEach(async () => {
			source = await cloudSource(kind);
		});
		afterEach(async () => {
			await source.close();
		});

		test('a reset between runs: no duplicate, nothing missed', async () => {
			const flow = collectWorkflow(source);
			await source.user.createFile('a.pdf', pdf('a'));
			await source.user.createFile('b.pdf', pdf('b'));
			expect(names((await flow.run()).json)).toEqual(['a.pdf', 'b.pdf']);
			await source.user.createFile('c.pdf', pdf('c'));
			await source.user.rename('a.pdf', 'a-renamed.pdf');
			await source.user.resetCursors();
			const afterReset = await flow.run();
			expect(afterReset.result.error?.message).toBeUndefined();
			expect(names(afterReset.json)).toEqual(['c.pdf']);
			await source.user.createFile('d.pdf', pdf('d'));
			expect(names((await flow.run()).json)).toEqual(['d.pdf']);
			expect((await flow.run()).json).toEqual([]);
		});
	},
);

describe('Collect New Files behaviour (Dropbox fake)', () => {
	let source: CollectSource & { fixture: Awaited<ReturnType<typeof cloudSource>>['fixture'] };
	beforeEach(async () => {
		source = await cloudSource('dropbox');
	});
	afterEach(async () => {
		FailSwitch.failNext = false;
		await source.close();
	});

	test('after-confirm: a run failing after Collect and before Confirm -> offered again once, marked redelivery', async () => {
		const flow = collectWorkflow(source, { commitPolicy: 'afterConfirm' }, { confirm: true });
		await source.user.createFile('a.pdf', pdf('a'));
		const ok = await flow.run();
		expect(ok.result.status).toBe('success');
		expect(ok.result.output('Confirm').map((item) => item.json.confirmed)).toEqual([true]);
		expect((await flow.run()).json).toEqual([]);

		await source.user.createFile('b.pdf', pdf('b'));
		FailSwitch.failNext = true;
		const failed = await flow.run();
		expect(failed.result.status).toBe('error');
		expect(names(failed.json)).toEqual(['b.pdf']);
		expect(failed.result.staticDataSaved).toBe(true);

		const again = await flow.run();
		expect(again.json).toEqual([expect.objectContaining({ name: 'b.pdf', redelivery: true })]);
		expect(again.result.output('Confirm')[0].json.confirmed).toBe(true);
		expect((await flow.run()).json).toEqual([]);
		const history = await flow.operate({ operation: 'getHistory', returnAll: true });
		expect(names(history)).toEqual(['a.pdf', 'b.pdf']);
	});

	test('on-emit: a run failing after Collect does not offer the documents again', async () => {
		const flow = collectWorkflow(source, { commitPolicy: 'onEmit' }, { confirm: true });
		await source.user.createFile('a.pdf', pdf('a'));
		FailSwitch.failNext = true;
		const failed = await flow.run();
		expect(failed.result.status).toBe('error');
		expect(names(failed.json)).toEqual(['a.pdf']);
		expect((await flow.run()).json).toEqual([]);
	});

	test('two runs started together: documents delivered twice, with and without the overlap guard', async () => {
		const deduplicator = await installDeduplicator();
		const countTwice = async (guard: boolean) => {
			const flow = collectWorkflow(source, {
				options: { overlapGuard: guard },
				folder: source.subfolderParameter(
					`inbox-${guard}`,
					await source.user.createFolder(`inbox-${guard}`),
				),
			});
			expect((await flow.run()).json).toEqual([]);
			for (const n of [1, 2, 3])
				await source.user.createFile(`inbox-${guard}/r${n}-${guard}.pdf`, pdf(`r${n} ${guard}`));
			const runs = await flow.harness.runConcurrently(2);
			const delivered = runs.flatMap((run) =>
				run.output(COLLECT).map((item) => String(item.json.id)),
			);
			const twice = delivered.length - new Set(delivered).size;
			expect(new Set(delivered).size).toBe(3);
			// Whatever the last writer saved, the next run delivers nothing new and nothing twice.
			const next = await flow.run();
			return { twice, afterwards: next.json.length };
		};
		const unguarded = await countTwice(false);
		const guarded = await countTwice(true);
		console.log(
			`overlapping runs: delivered twice without guard = ${unguarded.twice}, with guard = ${guarded.twice}`,
		);
		expect(unguarded.twice).toBe(3);
		expect(guarded.twice).toBe(0);
		expect(guarded.afterwards).toBe(0);
		expect(deduplicator.calls).toBeGreaterThan(0);
	});

	test('a file that disappears between listing and download is reported, the run goes on', async () => {
		const flow = collectWorkflow(source);
		await source.user.createFile('a.pdf', pdf('a'));
		await source.user.createFile('b.pdf', pdf('b'));
		// The fake is a FakeServer: inject the not-found the real API gives for a file deleted meanwhile.
		(source.fixture.fake as unknown as { inject(rule: object): void }).inject({
			path: '/2/files/download',
			times: 1,
			action: {
				type: 'respond',
				status: 409,
				headers: { 'content-type': 'application/json' },
				body: {
					error_summary: 'path/not_found/..',
					error: { '.tag': 'path', path: { '.tag': 'not_found' } },
				},
			},
		});
		const run = await flow.run();
		expect(run.result.status).toBe('success');
		const vanished = run.json.filter((item) => item.vanished);
		const collected = run.json.filter((item) => !item.vanished);
		expect(vanished).toHaveLength(1);
		expect(vanished[0].message).toMatch(/disappeared/);
		expect(collected).toHaveLength(1);
	});

	test('bad input: a missing folder is named', async () => {
		const flow = collectWorkflow(source, {
			folder: { __rl: true, mode: 'path', value: '/No Such Folder' },
		});
		const run = await flow.run();
		expect(run.result.status).toBe('error');
		expect(run.result.error?.message).toContain('No Such Folder');
	});

	test('bad input: an invalid name pattern names the field', async () => {
		const flow = collectWorkflow(source, { filters: { namePattern: '[abc' } });
		const run = await flow.run();
		expect(run.result.status).toBe('error');
		expect(run.result.error?.message).toContain('Name Pattern');
	});
});

/**
 * Measured: a run with nothing new makes one request on every cloud, the change-feed call with the stored cursor
 * (Drive changes.list, Graph delta, Dropbox list_folder/continue). The providers look the watched folder up only
 * when a batch has entries; the node itself adds none (folder id cached in state, no listing).
 */
const EXPECTED_REQUESTS = { googleDrive: 1, oneDrive: 1, dropbox: 1 } as const;

describe.each(['dropbox', 'googleDrive', 'oneDrive'] as const)(
	'Collect New Files at scale on %s',
	(kind) => {
		let source: CollectSource;
		beforeEach(async () => {
			source = await cloudSource(kind);
		});
		afterEach(async () => {
			await source.close();
		});

		test('100,000 collected and nothing new: only the change-feed call (no listing, no folder re-resolution)', async () => {
			const flow = collectWorkflow(source);
			for (const n of [1, 2, 3]) await source.user.createFile(`f${n}.pdf`, pdf(`f${n}`));
			expect((await flow.run()).json).toHaveLength(3);
			// Grow the ledger to 100,000 documents, as years of collecting would.
			const state = collectState(flow.harness.staticData);
			const records = new FileRecords(state.collected);
			for (let i = 0; records.size < 100_000; i++)
				records.set(fingerprint(`id:past-${i}`), fingerprint(`hash:past-${i}`));
			state.collected = records.encode();
			state.total = records.size;
			const before = source.requestCount();
			const started = Date.now();
			const run = await flow.run();
			const ms = Date.now() - started;
			expect(run.json).toEqual([]);
			expect(source.requestCount() - before).toBe(EXPECTED_REQUESTS[kind]);
			const bytes = Buffer.byteLength(JSON.stringify(flow.harness.staticData));
			console.log(
				`${kind}: 100k ledger, nothing new: ${source.requestCount() - before} request, ${ms} ms, static data ${bytes} bytes`,
			);
			expect(bytes / 100_000).toBeLessThanOrEqual(32);
		});
	},
);
