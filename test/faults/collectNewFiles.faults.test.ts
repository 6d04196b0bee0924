import type { IDataObject } from 'n8n-workflow';
import type { RunResult } from '../harness/workflow';
import { COLLECT, collectWorkflow, type CollectWorkflow } from '../nodes/support/collectHarness';
import { installDeduplicator } from '../nodes/support/collectDeduplicator';
import { cloudSource, localSource, type CollectSource } from '../nodes/support/collectSources';
import { errorText, isClear } from './support/clarity';
import { FaultKit, NARROW_SCOPES, type CloudKind, type FakeCloud } from './support/faultKit';
import { FaultReport } from './support/report';
import { sweepAndReport } from './support/lifecycle';
import {
	beforeRequest,
	FULL_SCOPES,
	reconnect,
	SERVICE,
	storedTokens,
	tally,
	withTokenServer,
} from './support/runs';
import { SecretSweep } from './support/secrets';

/**
 * Collect New Files under the faults of issue 9. Delivered = output items that carry a file (not previews, not
 * "vanished" notes). Lost: a file in the source never delivered once the runs settled; duplicated: delivered twice.
 */

const report = new FaultReport('collectNewFiles');
const sweep = new SecretSweep();
const CLOUDS: CloudKind[] = ['googleDrive', 'oneDrive', 'dropbox'];

interface Case {
	source: CollectSource;
	flow: CollectWorkflow;
	kit?: FaultKit;
	fake?: FakeCloud;
	deliveries: string[];
	unclear: number;
	run(mode?: 'trigger' | 'webhook' | 'manual'): Promise<{ result: RunResult; json: IDataObject[] }>;
	count(result: RunResult): void;
	expectClearFailure(result: RunResult, names: string[]): string;
	addFiles(names: string[]): Promise<void>;
	close(): Promise<void>;
}

async function openCase(kind: CloudKind | 'localFolder'): Promise<Case> {
	const source = kind === 'localFolder' ? await localSource() : await cloudSource(kind);
	const fake =
		kind === 'localFolder'
			? undefined
			: (source as unknown as { fixture: { fake: FakeCloud } }).fixture.fake;
	if (fake) sweep.watch(fake.auth);
	const flow = collectWorkflow(source);
	const tokens =
		fake && kind !== 'localFolder'
			? await withTokenServer(flow.harness, `cred-${kind}`, kind, fake)
			: undefined;
	if (fake && kind !== 'localFolder') reconnect(flow.harness, `cred-${kind}`, kind, fake);
	const c: Case = {
		source,
		flow,
		fake,
		kit: fake && kind !== 'localFolder' ? new FaultKit(kind, fake) : undefined,
		deliveries: [],
		unclear: 0,
		count(result) {
			sweep.run(result);
			for (const item of result.output(COLLECT)) {
				const json = item.json;
				if (json.preview || json.vanished || json.error) continue;
				c.deliveries.push(String(json.name));
			}
		},
		async run(mode = 'trigger') {
			const { result, json } = await flow.run(mode);
			c.count(result);
			return { result, json };
		},
		expectClearFailure(result, names) {
			const text = errorText(result.nodeError(COLLECT));
			if (!isClear(text, names)) {
				c.unclear++;
				process.stderr.write(`UNCLEAR [${names.join(', ')}]: ${text}\n`);
			}
			return text;
		},
		async addFiles(names) {
			for (const name of names)
				await source.user.createFile(name, Buffer.from(`content of ${name}`));
		},
		async close() {
			await tokens?.stop();
			await source.close();
		},
	};
	return c;
}

const names = (count: number, from = 0) =>
	Array.from({ length: count }, (_, i) => `F${from + i}.pdf`);

type Body = (c: Case) => Promise<{ expected: string[]; note?: string }>;

function faultCase(kind: CloudKind | 'localFolder', fault: string, body: Body): void {
	test(`${SERVICE[kind]}: ${fault}`, async () => {
		const c = await openCase(kind);
		try {
			const { expected, note } = await body(c);
			c.fake?.clearFaults();
			// Settle: one more quiet production run delivers anything still pending.
			await c.run();
			const counted = tally(expected, (name) => c.deliveries.filter((d) => d === name).length);
			report.record({
				node: 'Collect New Files',
				provider: SERVICE[kind],
				fault,
				lost: counted.lost,
				duplicated: counted.duplicated,
				unclear: c.unclear,
				note,
			});
			expect({
				lost: counted.lostKeys,
				duplicated: counted.duplicatedKeys,
				unclear: c.unclear,
			}).toEqual({ lost: [], duplicated: [], unclear: 0 });
		} finally {
			await c.close();
		}
	});
}

const ok = (result: RunResult) => expect(result.error?.message ?? result.status).toBe('success');

describe.each(CLOUDS)('Collect New Files faults on %s', (kind) => {
	faultCase(kind, '429 storm, Retry-After 1 s', async (c) => {
		await c.addFiles(names(4));
		c.kit!.rateLimit(3, 1);
		ok((await c.run()).result);
		return { expected: names(4) };
	});

	faultCase(
		kind,
		'429 with Retry-After over the run limit: stops cleanly, next run resumes',
		async (c) => {
			await c.addFiles(names(4));
			c.kit!.rateLimit(1, 600, 1);
			const stopped = await c.run();
			expect(stopped.result.status).toBe('error');
			c.expectClearFailure(stopped.result, [SERVICE[kind], '.pdf', 'folder']);
			c.fake!.clearFaults();
			ok((await c.run()).result);
			return { expected: names(4) };
		},
	);

	faultCase(kind, '5xx burst', async (c) => {
		await c.addFiles(names(3));
		c.kit!.serverErrors(2, 503);
		ok((await c.run()).result);
		return { expected: names(3) };
	});

	faultCase(kind, 'connection cut mid-download', async (c) => {
		await c.source.user.createFile('BIG.pdf', Buffer.alloc(256 * 1024, 3));
		c.kit!.cutDownload(64 * 1024);
		const first = await c.run();
		if (first.result.status === 'error') c.expectClearFailure(first.result, ['BIG.pdf']);
		return { expected: ['BIG.pdf'] };
	});

	faultCase(kind, 'token expiry mid-listing', async (c) => {
		await c.addFiles(names(3));
		c.kit!.expireTokenBefore('listing');
		ok((await c.run()).result);
		return { expected: names(3) };
	});

	faultCase(kind, 'token expiry mid-download', async (c) => {
		await c.addFiles(names(3));
		c.kit!.expireTokenBefore('download', 1);
		ok((await c.run()).result);
		return { expected: names(3) };
	});

	faultCase(kind, 'revoked refresh token (invalid_grant): reconnect, then resume', async (c) => {
		await c.addFiles(names(2));
		ok((await c.run()).result);
		await c.addFiles(names(2, 2));
		c.kit!.revoke(storedTokens(c.flow.harness, `cred-${kind}`));
		const refused = await c.run();
		expect(refused.result.status).toBe('error');
		expect(c.expectClearFailure(refused.result, ['credential'])).toMatch(/reconnect/i);
		reconnect(c.flow.harness, `cred-${kind}`, kind, c.fake!);
		ok((await c.run()).result);
		return { expected: names(4) };
	});

	faultCase(kind, 'insufficient scope (no read consent): error names the scope', async (c) => {
		await c.addFiles(names(2));
		c.fake!.auth.setScopes(NARROW_SCOPES[kind].none);
		const refused = await c.run();
		expect(refused.result.status).toBe('error');
		c.expectClearFailure(refused.result, [NARROW_SCOPES[kind].readScope, 'scope']);
		c.fake!.auth.setScopes(FULL_SCOPES[kind]);
		ok((await c.run()).result);
		return { expected: names(2) };
	});

	faultCase(kind, 'change-feed cursor reset between runs', async (c) => {
		await c.addFiles(names(3));
		ok((await c.run()).result);
		await c.source.user.resetCursors();
		await c.addFiles(names(2, 3));
		ok((await c.run()).result);
		return { expected: names(5) };
	});
});

describe.each([...CLOUDS, 'localFolder' as const])(
	'Collect New Files: state and concurrency faults on %s',
	(kind) => {
		faultCase(kind, 'a file vanishes between listing and download', async (c) => {
			await c.addFiles(names(3));
			if (c.fake) {
				beforeRequest(c.fake, /alt=media|_download|files\/download/, () =>
					c.source.user.delete('F1.pdf'),
				);
				ok((await c.run()).result);
			} else {
				// The local folder lists and reads in one pass: the file goes between two runs' listing and reading.
				const run = c.run();
				await c.source.user.delete('F1.pdf');
				ok((await run).result);
			}
			return {
				expected: names(3).filter((name) => name !== 'F1.pdf' || c.deliveries.includes(name)),
				note: 'the vanished file is reported ("vanished"), not collected: it no longer exists',
			};
		});

		faultCase(kind, 'n8n killed after emitting (static data not saved)', async (c) => {
			await c.addFiles(names(2));
			ok((await c.run()).result);
			const saved = structuredClone(c.flow.harness.staticData);
			await c.addFiles(names(2, 2));
			ok((await c.run()).result);
			c.flow.harness.staticData = saved;
			await c.addFiles(names(1, 4));
			ok((await c.run()).result);
			return {
				expected: names(5),
				note: "on-emit policy: files emitted by a run that died were delivered once (to that run's downstream): at most once",
			};
		});

		faultCase(kind, 'manual run between two production runs', async (c) => {
			await c.addFiles(names(2));
			ok((await c.run()).result);
			await c.addFiles(names(2, 2));
			ok((await c.run('manual')).result);
			ok((await c.run()).result);
			return { expected: names(4) };
		});

		faultCase(kind, 'two overlapping runs (same stored state)', async (c) => {
			await c.addFiles(names(4));
			const runs = await c.flow.harness.runConcurrently(2, { mode: 'webhook' });
			for (const run of runs) c.count(run);
			return { expected: names(4) };
		});
	},
);

sweepAndReport(sweep, report, async () => {
	await installDeduplicator();
});
