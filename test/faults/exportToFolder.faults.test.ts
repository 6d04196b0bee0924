import type { IDataObject, INodeParameters } from 'n8n-workflow';
import type { RunResult } from '../harness/workflow';
import {
	cloudDestination,
	EXPORT,
	exportWorkflow,
	filesBelow,
	localDestination,
	type Doc,
	type ExportDestination,
	type ExportWorkflow,
} from '../nodes/support/exportWorkflow';
import { errorText, isClear, itemErrorText } from './support/clarity';
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
 * Export to Folder under every fault of issue 9, on every destination where the fault exists. Each case runs the
 * workflow through n8n's engine until it settles, then counts the documents at the destination: lost (expected,
 * missing), duplicated (more than one copy), and failed runs whose error was unclear.
 */

const report = new FaultReport('exportToFolder');
const sweep = new SecretSweep();
const CLOUDS: CloudKind[] = ['googleDrive', 'oneDrive', 'dropbox'];
const MiB = 1024 * 1024;

function docs(count: number, from = 0, prefix = 'D'): Doc[] {
	return Array.from({ length: count }, (_, i) => ({
		id: `${prefix}${from + i}`,
		content: `document ${prefix}${from + i}`,
	}));
}

interface Case {
	destination: ExportDestination;
	flow: ExportWorkflow;
	kit?: FaultKit;
	fake?: FakeCloud;
	/** Runs, remembering every result for the secrets sweep and every failure for the clarity count. */
	run(
		input: Doc[],
		mode?: 'trigger' | 'webhook' | 'manual',
	): Promise<{ result: RunResult; json: IDataObject[] }>;
	/** Checks the last failure: named one of `names` and said what to do. Counts an unclear error otherwise. */
	expectClearFailure(result: RunResult, names: string[], json?: IDataObject[]): string;
	unclear: number;
	close(): Promise<void>;
}

async function openCase(
	kind: CloudKind | 'localFolder',
	parameters: INodeParameters = {},
	options: { continueOnFail?: boolean } = {},
): Promise<Case> {
	const destination =
		kind === 'localFolder' ? await localDestination() : await cloudDestination(kind);
	const fake =
		kind === 'localFolder'
			? undefined
			: (destination.fixture as unknown as { fake: FakeCloud }).fake;
	if (fake) sweep.watch(fake.auth);
	const flow = exportWorkflow(destination, parameters, options);
	const tokens =
		fake && kind !== 'localFolder'
			? await withTokenServer(flow.harness, `cred-${kind}`, kind, fake)
			: undefined;
	// The credential gets its own tokens: revoking them must not lock out the fixture that inspects the destination.
	if (fake && kind !== 'localFolder') reconnect(flow.harness, `cred-${kind}`, kind, fake);
	const state: Case = {
		async close() {
			await tokens?.stop();
			await destination.close();
		},
		destination,
		flow,
		fake,
		kit: fake && kind !== 'localFolder' ? new FaultKit(kind, fake) : undefined,
		unclear: 0,
		async run(input, mode = 'trigger') {
			const outcome = await flow.run(input, mode);
			if (process.env.FAULTS_DEBUG)
				process.stderr.write(
					`RUN ${outcome.result.status} ${JSON.stringify(outcome.json.map((j) => [j.recordKey, j.action, j.path]))} ${outcome.result.error?.message ?? ''}\n`,
				);
			sweep.run(outcome.result);
			return outcome;
		},
		expectClearFailure(result, names, json = []) {
			const texts = [
				errorText(result.nodeError(EXPORT)),
				...json.filter((j) => j.action === 'failed').map(itemErrorText),
			].filter((t) => t !== '');
			const clear = texts.length > 0 && texts.every((text) => isClear(text, names));
			if (!clear) {
				state.unclear++;
				process.stderr.write(`UNCLEAR [${names.join(', ')}]: ${texts.join(' || ')}\n`);
			}
			return texts.join(' || ');
		},
	};
	return state;
}

/** Copies of each document below the root: `D3.pdf`, or a conflict copy such as `D3 (1).pdf`. */
async function settle(
	destination: ExportDestination,
	expected: Doc[],
): Promise<{ lost: number; duplicated: number; lostKeys: string[]; duplicatedKeys: string[] }> {
	const files = await filesBelow(destination.fixture.provider, destination.fixture.rootId);
	const names = [...files.values()].map((file) => file.name);
	return tally(
		expected.map((doc) => doc.id),
		(id) => names.filter((name) => new RegExp(`^${id}( \\(\\d+\\))?\\.pdf$`).test(name)).length,
	);
}

type Body = (c: Case) => Promise<{ expected: Doc[]; note?: string }>;

/** One row of the table: opens the destination, runs the case, counts, records, then asserts. */
function faultCase(
	kind: CloudKind | 'localFolder',
	fault: string,
	body: Body,
	parameters: INodeParameters = {},
	options: { continueOnFail?: boolean } = {},
): void {
	test(`${SERVICE[kind]}: ${fault}`, async () => {
		const c = await openCase(kind, parameters, options);
		try {
			const { expected, note } = await body(c);
			c.fake?.clearFaults();
			const counted = await settle(c.destination, expected);
			report.record({
				node: 'Export to Folder',
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

describe.each(CLOUDS)('Export to Folder faults on %s', (kind) => {
	faultCase(kind, '429 storm, Retry-After 1 s', async (c) => {
		c.kit!.rateLimit(3, 1);
		const input = docs(4);
		ok((await c.run(input)).result);
		return { expected: input };
	});

	faultCase(
		kind,
		'429 with Retry-After over the run limit: stops cleanly, next run resumes',
		async (c) => {
			const input = docs(5);
			c.kit!.rateLimit(1, 600, 3);
			const stopped = await c.run(input);
			expect(stopped.result.status).toBe('error');
			// The message names the file, or the root folder when the change feed was throttled.
			expect(
				c.expectClearFailure(stopped.result, [SERVICE[kind], c.destination.fixture.rootId]),
			).toMatch(/next run resumes/);
			c.fake!.clearFaults();
			ok((await c.run(input)).result);
			return { expected: input };
		},
	);

	faultCase(kind, '5xx burst', async (c) => {
		c.kit!.serverErrors(2, 503);
		const input = docs(4);
		ok((await c.run(input)).result);
		return { expected: input };
	});

	faultCase(kind, 'connection cut mid-chunk (9 MiB file, chunked upload)', async (c) => {
		const big: Doc = { id: 'BIG', content: Buffer.alloc(9 * MiB, 7) };
		await c.destination.fixture.user.cutNextUploadChunk(3 * MiB);
		const input = [...docs(2), big];
		ok((await c.run(input)).result);
		expect((await c.destination.fixture.user.read('BIG.pdf'))?.length).toBe(9 * MiB);
		return { expected: input };
	});

	faultCase(kind, 'connection cut mid-upload (small file, one request)', async (c) => {
		c.kit!.cutRequest('upload', 20, 1);
		const input = docs(3);
		ok((await c.run(input)).result);
		return { expected: input };
	});

	faultCase(kind, 'token expiry mid-upload', async (c) => {
		c.kit!.expireTokenBefore('upload', 2);
		const input = docs(5);
		ok((await c.run(input)).result);
		return { expected: input };
	});

	faultCase(kind, 'token expiry mid-listing (change feed of the second run)', async (c) => {
		ok((await c.run(docs(3))).result);
		c.kit!.expireTokenBefore('listing');
		const input = docs(5);
		ok((await c.run(input)).result);
		return { expected: input };
	});

	faultCase(kind, 'revoked refresh token (invalid_grant): reconnect, then resume', async (c) => {
		ok((await c.run(docs(2))).result);
		c.kit!.revoke(storedTokens(c.flow.harness, `cred-${kind}`));
		const input = docs(5);
		const refused = await c.run(input);
		expect(refused.result.status).toBe('error');
		expect(c.expectClearFailure(refused.result, ['credential'])).toMatch(/reconnect/i);
		reconnect(c.flow.harness, `cred-${kind}`, kind, c.fake!);
		ok((await c.run(input)).result);
		return { expected: input };
	});

	faultCase(kind, 'insufficient scope (read-only consent): error names the scope', async (c) => {
		c.fake!.auth.setScopes(NARROW_SCOPES[kind].readOnly);
		const input = docs(3);
		const refused = await c.run(input);
		expect(refused.result.status).toBe('error');
		c.expectClearFailure(refused.result, [NARROW_SCOPES[kind].writeScope]);
		c.fake!.auth.setScopes(FULL_SCOPES[kind]);
		ok((await c.run(input)).result);
		return { expected: input };
	});

	faultCase(kind, 'out of storage mid-run ("free space"), then freed', async (c) => {
		const input = docs(5);
		c.kit!.storageFull(2, Buffer.byteLength('document D0'));
		const full = await c.run(input);
		expect(full.result.status).toBe('error');
		expect(c.expectClearFailure(full.result, ['storage', 'space'])).toMatch(/free (some )?space/i);
		c.kit!.storageFreed();
		ok((await c.run(input)).result);
		return { expected: input };
	});

	faultCase(kind, 'change-feed cursor reset between runs', async (c) => {
		ok((await c.run(docs(4))).result);
		await c.destination.fixture.user.resetCursors();
		const input = docs(6);
		const after = await c.run(input);
		ok(after.result);
		return { expected: input };
	});
});

describe.each([...CLOUDS, 'localFolder' as const])(
	'Export to Folder: state and concurrency faults on %s',
	(kind) => {
		faultCase(
			kind,
			'empty listing (every tracked file gone): mass-delete guard holds',
			async (c) => {
				const input = docs(6);
				ok((await c.run(input)).result);
				for (const doc of input) await c.destination.fixture.user.delete(`${doc.id}.pdf`);
				const before = c.destination.counts().uploads;
				const stopped = await c.run(input);
				expect(stopped.result.status).toBe('error');
				c.expectClearFailure(stopped.result, ['deleted', 'root'], stopped.json);
				expect(c.destination.counts().uploads).toBe(before);
				// The user confirms the deletion was real for one run: everything comes back once.
				c.flow.setParameters({ options: { acceptMassDeletion: true } });
				ok((await c.run(input)).result);
				return {
					expected: input,
					note: 'guard stopped the run; "Go On When Most Files Look Deleted" for one run restored every file once',
				};
			},
		);

		faultCase(
			kind,
			'partial listing (4 of 6 tracked files gone): mass-delete guard holds',
			async (c) => {
				const input = docs(6);
				ok((await c.run(input)).result);
				for (const doc of input.slice(0, 4))
					await c.destination.fixture.user.delete(`${doc.id}.pdf`);
				const stopped = await c.run(input);
				expect(stopped.result.status).toBe('error');
				c.expectClearFailure(stopped.result, ['deleted', 'root'], stopped.json);
				c.flow.setParameters({ options: { acceptMassDeletion: true } });
				ok((await c.run(input)).result);
				return { expected: input };
			},
		);

		faultCase(kind, 'n8n killed mid-run (static data of the run never saved)', async (c) => {
			ok((await c.run(docs(3))).result);
			const saved = structuredClone(c.flow.harness.staticData);
			await c.run(docs(6));
			c.flow.harness.staticData = saved;
			const input = docs(8);
			const after = await c.run(input);
			ok(after.result);
			expect(after.json.filter((j) => j.action === 'created')).toHaveLength(2);
			return { expected: input };
		});

		faultCase(kind, 'manual run between two production runs', async (c) => {
			ok((await c.run(docs(3))).result);
			ok((await c.run(docs(5), 'manual')).result);
			const input = docs(7);
			const after = await c.run(input);
			ok(after.result);
			expect(after.json.filter((j) => j.action === 'created')).toHaveLength(2);
			return { expected: input };
		});

		faultCase(kind, 'two overlapping runs (same stored state)', async (c) => {
			ok((await c.run(docs(2))).result);
			const input = docs(6);
			const runs = await c.flow.harness.runConcurrently(2, {
				mode: 'webhook',
				input: input.map((doc) => ({
					json: { id: doc.id },
					binary: {
						data: {
							data: Buffer.from(doc.content as string),
							fileName: `${doc.id}.pdf`,
							mimeType: 'application/pdf',
						},
					},
				})),
			});
			for (const run of runs) sweep.run(run);
			const after = await c.run(input);
			ok(after.result);
			expect(after.json.every((j) => j.action === 'unchanged')).toBe(true);
			return { expected: input };
		});

		faultCase(
			kind,
			'folder deleted mid-run (stop exporting into it, then Resume)',
			async (c) => {
				const first = [...docs(2, 0, 'A'), ...docs(2, 0, 'B')].map((doc) => ({
					...doc,
					json: { client: doc.id.slice(0, 1) },
				}));
				ok((await c.run(first)).result);
				const input = [...docs(4, 0, 'A'), ...docs(4, 0, 'B')].map((doc) => ({
					...doc,
					json: { client: doc.id.slice(0, 1) },
				}));
				const deleteFolderB = () => c.destination.fixture.user.delete('B');
				if (c.fake) {
					// At the first upload, after the feed was read: Dropbox's path-based upload then recreates the folder.
					const when = /upload|_upload|\/content(\?|$)|createUploadSession/;
					const hook = beforeRequest(c.fake, when, deleteFolderB);
					const during = await c.run(input);
					expect(hook.fired()).toBe(true);
					if (during.result.status === 'error')
						c.expectClearFailure(during.result, ['B'], during.json);
				} else {
					await deleteFolderB();
					await c.run(input);
				}
				const next = await c.run(input);
				const skipped = next.json.filter(
					(j) => j.action === 'skipped_folder_deleted' || j.action === 'failed',
				);
				if (next.result.status === 'error') c.expectClearFailure(next.result, ['B'], next.json);
				expect(skipped.length).toBeGreaterThan(0);
				await c.flow.resume();
				ok((await c.run(input)).result);
				return {
					expected: input,
					note: 'documents of the deleted folder wait (by policy) until Resume Stopped Folders; then each is exported once',
				};
			},
			{ folderStructure: 'perRecord', recordFolderName: '={{ $json.client }}' },
		);
	},
);

sweepAndReport(sweep, report);
