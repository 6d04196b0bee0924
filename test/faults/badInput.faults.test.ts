import { readdir } from 'fs/promises';
import { isAbsolute, join, relative, sep } from 'path';
import { Readable } from 'stream';
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { sanitizeName } from '../../nodes/shared/sync/names';
import { nextOffset } from '../../nodes/shared/storage/oneDrive/upload';
import { confirmedOffset } from '../../nodes/shared/storage/googleDrive/upload';
import type { StorageKind, StorageProvider } from '../../nodes/shared/storage/types';
import type { InputItem, RunResult } from '../harness/workflow';
import { COLLECT, collectWorkflow } from '../nodes/support/collectHarness';
import { cloudSource, localSource, type CollectSource } from '../nodes/support/collectSources';
import {
	cloudDestination,
	docItem,
	EXPORT,
	exportWorkflow,
	filesBelow,
	localDestination,
	type Doc,
	type ExportDestination,
	type ExportWorkflow,
} from '../nodes/support/exportWorkflow';
import type { ProviderFixture } from '../storage/fixture';
import { errorText, isClear, itemErrorText } from './support/clarity';
import type { CloudKind, FakeCloud } from './support/faultKit';
import { FaultReport, type FaultRow } from './support/report';
import { sweepAndReport } from './support/lifecycle';
import { SERVICE } from './support/runs';
import { SecretSweep } from './support/secrets';
import { nameRulesOf } from '../../nodes/shared/storage/registry';

/**
 * The bad-input half of issue 9: what users and upstream nodes really send (no binary, empty files, hostile or
 * huge names, traversal in every template, duplicate keys, bad dates, empty expressions, the wrong credential),
 * on every destination. Each case counts documents lost and duplicated at the destination and errors that do not
 * name the item or field and say what to do; rows join the fault table, outputs go through the secrets sweep.
 */

const report = new FaultReport('badInput');
const sweep = new SecretSweep();
const CLOUDS: CloudKind[] = ['googleDrive', 'oneDrive', 'dropbox'];
const KINDS: Array<CloudKind | 'localFolder'> = [...CLOUDS, 'localFolder'];
const MiB = 1024 * 1024;

const ok = (result: RunResult) => expect(result.error?.message ?? result.status).toBe('success');

interface Tally {
	lost: number;
	duplicated: number;
	unclear: number;
	note?: string;
}

/** One table row: runs the body, records what it counted, then asserts nothing was lost, duplicated or unclear. */
function row(
	node: FaultRow['node'],
	kind: StorageKind,
	fault: string,
	body: () => Promise<Tally>,
): void {
	test(`${node} on ${SERVICE[kind]}: ${fault}`, async () => {
		const counted = await body();
		report.record({ node, provider: SERVICE[kind], fault, ...counted });
		expect({
			lost: counted.lost,
			duplicated: counted.duplicated,
			unclear: counted.unclear,
		}).toEqual({ lost: 0, duplicated: 0, unclear: 0 });
	});
}

// ---------------------------------------------------------------- Export to Folder

interface ExportCase {
	destination: ExportDestination;
	flow: ExportWorkflow;
	fake?: FakeCloud;
	unclear: number;
	run(input: Array<Doc | InputItem>): Promise<{ result: RunResult; json: IDataObject[] }>;
	/** Every text shown for a failure must name one of `names` and say what to do. */
	judge(texts: string[], names: string[]): void;
	close(): Promise<void>;
}

async function openExport(
	kind: StorageKind,
	parameters: INodeParameters = {},
	continueOnFail = true,
): Promise<ExportCase> {
	const destination =
		kind === 'localFolder' ? await localDestination() : await cloudDestination(kind);
	const fake =
		kind === 'localFolder'
			? undefined
			: (destination.fixture as unknown as { fake: FakeCloud }).fake;
	if (fake) sweep.watch(fake.auth);
	const flow = exportWorkflow(destination, parameters, { continueOnFail });
	const c: ExportCase = {
		destination,
		flow,
		fake,
		unclear: 0,
		async run(input) {
			const outcome = await flow.run(input);
			sweep.run(outcome.result);
			return outcome;
		},
		judge(texts, names) {
			for (const text of texts) {
				if (isClear(text, names)) continue;
				c.unclear++;
				process.stderr.write(`UNCLEAR [${names.join(', ')}]: ${text}\n`);
			}
		},
		close: () => destination.close(),
	};
	return c;
}

async function withExport(
	kind: StorageKind,
	parameters: INodeParameters,
	body: (c: ExportCase) => Promise<Omit<Tally, 'unclear'>>,
	continueOnFail = true,
): Promise<Tally> {
	const c = await openExport(kind, parameters, continueOnFail);
	try {
		const counted = await body(c);
		return { ...counted, unclear: c.unclear };
	} finally {
		await c.close();
	}
}

/** Files below the export root by relative path. */
async function exported(c: ExportCase): Promise<Map<string, { name: string; size?: number }>> {
	return await filesBelow(c.destination.fixture.provider, c.destination.fixture.rootId);
}

/** Lost: expected paths missing; duplicated: files beyond the expected ones (a second copy of something). */
function countPaths(
	files: Map<string, unknown>,
	expected: string[],
): { lost: number; duplicated: number } {
	const lost = expected.filter((path) => !files.has(path)).length;
	return { lost, duplicated: Math.max(0, files.size - (expected.length - lost)) };
}

function failedTexts(json: IDataObject[]): string[] {
	return json.filter((j) => j.action === 'failed').map(itemErrorText);
}

/**
 * Nothing outside the root: every file the whole drive holds lies below the root. For a local folder, every file
 * in the fixture's own sandbox (the base folder and the folders above it, up to a temp folder that only this
 * fixture uses) lies below the root: a marker-free check that no other program's temp files can disturb.
 */
async function nothingOutsideRoot(
	fixture: ProviderFixture & { sandboxDir?: string; baseDir?: string },
): Promise<number> {
	if (fixture.kind === 'localFolder') {
		const root = join(fixture.baseDir!, 'fixture-root');
		let outside = 0;
		const walk = async (dir: string): Promise<void> => {
			for (const entry of await readdir(dir, { withFileTypes: true })) {
				const path = join(dir, entry.name);
				if (entry.isDirectory()) await walk(path);
				else if (escapes(relative(root, path))) outside++;
			}
		};
		await walk(fixture.sandboxDir!);
		return outside;
	}
	const provider: StorageProvider = fixture.provider;
	const everywhere = await filesBelow(provider, (await provider.root()).id);
	const below = await filesBelow(provider, fixture.rootId);
	return everywhere.size - below.size;
}

/** A relative path that leaves its base ("..", "../x"; not a name like ".._x" that only begins with dots). */
function escapes(relativePath: string): boolean {
	return relativePath === '..' || relativePath.startsWith(`..${sep}`) || isAbsolute(relativePath);
}

function doc(id: string, content: string | Buffer, extra: Partial<Doc> = {}): Doc {
	return { id, content, ...extra };
}

describe.each(KINDS)('Export to Folder: bad input on %s', (kind) => {
	row(
		'Export to Folder',
		kind,
		'missing or empty binary: the item fails naming the binary field, the others export',
		() =>
			withExport(kind, {}, async (c) => {
				const noBinary: InputItem = { json: { id: 'N1' } };
				const otherField = docItem(doc('N2', 'in another field'), 'file');
				const emptyBinary: InputItem = { json: { id: 'N3' }, binary: {} };
				const run = await c.run([
					doc('D0', 'first'),
					noBinary,
					otherField,
					emptyBinary,
					doc('D4', 'last'),
				]);
				ok(run.result);
				expect(run.json.map((j) => j.action)).toEqual([
					'created',
					'failed',
					'failed',
					'failed',
					'created',
				]);
				const texts = failedTexts(run.json);
				c.judge(texts, ['"data"']);
				texts.forEach((text, i) => expect(text).toContain(`Item ${[1, 2, 3][i]}`));
				expect(texts[1]).toContain('"file"');
				// Without continueOnFail the run stops on the first bad item before anything is written.
				const strict = exportWorkflow(c.destination, {}, { continueOnFail: false });
				const before = c.destination.counts().uploads;
				const stopped = await strict.run([doc('S0', 'not written'), noBinary]);
				sweep.run(stopped.result);
				expect(stopped.result.status).toBe('error');
				c.judge([errorText(stopped.result.nodeError(EXPORT))], ['"data"']);
				expect(errorText(stopped.result.nodeError(EXPORT))).toContain('Item 1');
				expect(c.destination.counts().uploads).toBe(before);
				return countPaths(await exported(c), ['D0.pdf', 'D4.pdf']);
			}),
	);

	row(
		'Export to Folder',
		kind,
		'0-byte files: exported as empty files, unchanged on the next run',
		() =>
			withExport(kind, {}, async (c) => {
				const input = [
					doc('Z0', Buffer.alloc(0)),
					doc('Z1', Buffer.alloc(0)),
					doc('D2', 'not empty'),
				];
				const first = await c.run(input);
				ok(first.result);
				expect(first.json.map((j) => j.action)).toEqual(['created', 'created', 'created']);
				expect((await c.destination.fixture.user.read('Z0.pdf'))?.length).toBe(0);
				const again = await c.run(input);
				expect(again.json.map((j) => j.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
				const files = await exported(c);
				expect(files.get('Z1.pdf')?.size ?? 0).toBe(0);
				return countPaths(files, ['Z0.pdf', 'Z1.pdf', 'D2.pdf']);
			}),
	);

	const hostile = [
		'a<b>c:d"e|f?g*h.pdf',
		'back\\slash and/slash.pdf',
		'ctl\u0001\u001f\u007fchars.pdf',
		'trailing dots and spaces. . ',
		'  leading spaces.pdf',
		'CON.pdf',
		'desktop.ini',
		'_vti_secret.pdf',
		'~$lock.pdf',
		'..',
		'fullwidth\uff0fsolidus.pdf',
	];
	row(
		'Export to Folder',
		kind,
		'names with every character each provider forbids: sanitised, same name next run, no duplicate',
		() =>
			// Through the "File Name" parameter: n8n itself keeps only the last path part of a binary's file name.
			withExport(kind, { fileName: '={{ $json.name }}' }, async (c) => {
				const input = hostile.map((name, i) => doc(`H${i}`, `hostile ${i}`, { json: { name } }));
				const first = await c.run(input);
				ok(first.result);
				expect(first.json.map((j) => j.action)).toEqual(hostile.map(() => 'created'));
				// The node trims the evaluated File Name, then sanitises it for the destination.
				const expected = hostile.map((name) => sanitizeName(name.trim(), nameRulesOf(kind)));
				expect(first.json.map((j) => j.path)).toEqual(expected);
				/* eslint-disable no-control-regex -- control characters are exactly what must not survive */
				const forbidden =
					kind === 'oneDrive' || kind === 'localFolder'
						? /["*:<>?/\\|\u0000-\u001f]/
						: kind === 'dropbox'
							? /[/\\\u0000-\u001f]/
							: /[/\u0000-\u001f]/;
				/* eslint-enable no-control-regex */
				for (const name of expected) expect(name).not.toMatch(forbidden);
				const again = await c.run(input);
				expect(again.json.map((j) => [j.action, j.path])).toEqual(
					expected.map((path) => ['unchanged', path]),
				);
				return countPaths(await exported(c), expected);
			}),
	);

	row(
		'Export to Folder',
		kind,
		'1,000-character names (file and folder): shortened deterministically, distinct, stable',
		() =>
			withExport(
				kind,
				{ folderStructure: 'perRecord', recordFolderName: '={{ $json.folder }}' },
				async (c) => {
					const longFolder = 'F'.repeat(1000);
					const input = [
						doc('L1', 'long one', {
							fileName: `${'x'.repeat(996)}.pdf`,
							json: { folder: longFolder },
						}),
						doc('L2', 'long two', {
							fileName: `${'x'.repeat(995)}y.pdf`,
							json: { folder: longFolder },
						}),
					];
					const first = await c.run(input);
					ok(first.result);
					const paths = first.json.map((j) => String(j.path));
					expect(new Set(paths).size).toBe(2);
					for (const path of paths)
						for (const segment of path.split('/'))
							expect(Buffer.byteLength(segment)).toBeLessThanOrEqual(255);
					expect(paths.every((path) => path.endsWith('.pdf'))).toBe(true);
					const again = await c.run(input);
					expect(again.json.map((j) => [j.action, j.path])).toEqual(
						paths.map((path) => ['unchanged', path]),
					);
					return countPaths(await exported(c), paths);
				},
			),
	);

	row(
		'Export to Folder',
		kind,
		'the same name in NFC and NFD (file and folder): one file, not two',
		() =>
			withExport(
				kind,
				{ folderStructure: 'perRecord', recordFolderName: '={{ $json.client }}' },
				async (c) => {
					const nfc = (text: string) => text.normalize('NFC');
					const nfd = (text: string) => text.normalize('NFD');
					const first = await c.run([
						doc('U1', 'same document', {
							fileName: nfc('Facture café.pdf'),
							json: { client: nfc('Société Générale') },
						}),
					]);
					ok(first.result);
					const second = await c.run([
						doc('U1', 'same document', {
							fileName: nfd('Facture café.pdf'),
							json: { client: nfd('Société Générale') },
						}),
					]);
					ok(second.result);
					expect(second.json.map((j) => j.action)).toEqual(['unchanged']);
					const files = await exported(c);
					const normalised = new Map(
						[...files].map(([path, file]) => [path.normalize('NFC'), file]),
					);
					expect(files.size).toBe(1);
					return countPaths(normalised, [nfc('Société Générale/Facture café.pdf')]);
				},
			),
	);

	row(
		'Export to Folder',
		kind,
		'path traversal in every template and name field: nothing outside the root',
		async () => {
			const traversal: Array<{ parameters: INodeParameters; json: IDataObject; fileName: string }> =
				[
					{
						parameters: {
							folderStructure: 'custom',
							folderTemplate: '={{ $json.a }}/{{ $json.b }}',
						},
						json: { a: '../../..', b: '..\\..\\T1-escape' },
						fileName: '../../T1.pdf',
					},
					{
						parameters: { folderStructure: 'perRecord', recordFolderName: '={{ $json.dossier }}' },
						json: { dossier: '../../../T2-escape' },
						fileName: '..\\..\\T2.pdf',
					},
					{
						parameters: { folderStructure: 'companyYear', companyName: '={{ $json.company }}' },
						json: { company: '/../../T3-escape', date: '2026-03-04' },
						fileName: '/etc/T3.pdf',
					},
					{
						parameters: { folderStructure: 'accountPeriod', accountName: '={{ $json.account }}' },
						json: { account: '%2e%2e/%2e%2e/T4-escape', date: '2026-03-04' },
						fileName: '．．/T4.pdf',
					},
					{ parameters: { folderStructure: 'flat' }, json: {}, fileName: '../T5.pdf' },
				];
			return await withExport(kind, {}, async (c) => {
				const paths: string[] = [];
				for (const [i, attempt] of traversal.entries()) {
					c.flow.setParameters({ ...attempt.parameters, fileName: '={{ $json.fileName }}' });
					const run = await c.run([
						doc(`T${i + 1}`, `traversal ${i + 1}`, {
							json: { ...attempt.json, fileName: attempt.fileName },
						}),
					]);
					ok(run.result);
					const path = String(run.json[0].path);
					expect(path.split('/')).not.toContain('..');
					paths.push(path);
				}
				// Each lands where the layout puts it, below the root; the same run again changes nothing.
				const outside = await nothingOutsideRoot(c.destination.fixture);
				expect(outside).toBe(0);
				const counted = countPaths(await exported(c), paths);
				return {
					lost: counted.lost + outside,
					duplicated: counted.duplicated,
					note: 'custom template, record folder, company, account and file name; checked on the whole fake drive / the local base folder and its parents',
				};
			});
		},
	);

	row(
		'Export to Folder',
		kind,
		'duplicate record keys in one batch: one file, the last item wins, earlier ones superseded',
		() =>
			withExport(kind, {}, async (c) => {
				// Issue 12: the batch is read as items arriving one after the other (was: a different duplicate failed).
				const run = await c.run([
					doc('K1', 'version A'),
					doc('K1', 'version A'),
					doc('K1', 'version B'),
					doc('K2', 'other'),
				]);
				ok(run.result);
				expect(run.json.map((j) => j.action)).toEqual([
					'superseded',
					'superseded',
					'created',
					'created',
				]);
				expect(run.json.slice(0, 2).map((j) => j.supersededBy)).toEqual([2, 2]);
				expect((await c.destination.fixture.user.read('K1.pdf'))?.toString()).toBe('version B');
				return {
					...countPaths(await exported(c), ['K1.pdf', 'K2.pdf']),
					note: 'the last item of a key is exported; earlier ones are output as superseded (supersededBy, pairedItem)',
				};
			}),
	);

	row(
		'Export to Folder',
		kind,
		'dates in a wrong format: the item fails naming the date field; a bad "Export Since" stops the run',
		() =>
			withExport(kind, { folderStructure: 'accountPeriod', accountName: 'Main' }, async (c) => {
				const input = [
					doc('W0', 'good', { json: { date: '2026-02-01' } }),
					doc('W1', 'bad', { json: { date: '31/02/2026' } }),
					doc('W2', 'worse', { json: { date: 'next tuesday' } }),
				];
				const run = await c.run(input);
				ok(run.result);
				expect(run.json.map((j) => j.action)).toEqual(['created', 'failed', 'failed']);
				c.judge(failedTexts(run.json), ['date']);
				expect(failedTexts(run.json)[0]).toContain('31/02/2026');
				c.flow.setParameters({
					folderStructure: 'accountPeriod',
					accountName: 'Main',
					exportSince: 'last year',
				});
				const stopped = await c.run(input);
				expect(stopped.result.status).toBe('error');
				c.judge(
					[errorText(stopped.result.nodeError(EXPORT))],
					['Export Only Documents Dated On or After'],
				);
				return countPaths(await exported(c), ['Main/2026-02/W0.pdf']);
			}),
	);

	row(
		'Export to Folder',
		kind,
		"expressions that resolve to nothing: empty record key fails the item, empty file name uses the binary's name",
		() =>
			withExport(
				kind,
				{
					recordKey: '={{ $json.key }}',
					fileName: '={{ $json.name }}',
					folderStructure: 'custom',
					folderTemplate: '={{ $json.nothing }}/Inbox',
				},
				async (c) => {
					const run = await c.run([
						{
							...docItem(doc('E0', 'keyed', { fileName: 'from-binary.pdf' })),
							json: { key: 'E0' },
						},
						{ ...docItem(doc('E1', 'no key')), json: { key: '' } },
						{ ...docItem(doc('E2', 'null key')), json: { key: null } },
					]);
					ok(run.result);
					expect(run.json.map((j) => [j.action, j.path ?? null])).toEqual([
						['created', 'Inbox/from-binary.pdf'],
						['failed', null],
						['failed', null],
					]);
					c.judge(failedTexts(run.json), ['Record Key']);
					return countPaths(await exported(c), ['Inbox/from-binary.pdf']);
				},
			),
	);
});

describe.each(CLOUDS)('Export to Folder: wrong credential on %s', (kind) => {
	row(
		'Export to Folder',
		kind,
		'a credential of the wrong type: clear error naming the credential',
		() =>
			withExport(
				kind,
				{},
				async (c) => {
					// The workflow points the node's slot for this cloud at a credential of another cloud (an imported or
					// hand-edited workflow: the editor only offers the right type).
					const other = CLOUDS.find((k) => k !== kind)!;
					const node = c.flow.harness.node(EXPORT);
					const [slot] = Object.keys(node.credentials ?? {});
					const stored = c.flow.harness.credentials.get(`cred-${kind}`);
					c.flow.harness.credentials.add({
						...stored,
						id: 'cred-wrong',
						name: `${other} account`,
						type: `wrongType-${other}`,
					});
					node.credentials = { [slot]: { id: 'cred-wrong', name: `${other} account` } };
					const run = await c.run([doc('C0', 'never written')]);
					expect(run.result.status).toBe('error');
					c.judge([errorText(run.result.nodeError(EXPORT))], ['credential']);
					return countPaths(await exported(c), []);
				},
				false,
			),
	);
});

// ---------------------------------------------------------------- Collect New Files

async function withCollect(
	kind: StorageKind,
	parameters: INodeParameters,
	body: (
		source: CollectSource & { fixture: ProviderFixture },
		run: () => Promise<{
			result: RunResult;
			json: IDataObject[];
			binaries: Array<Buffer | undefined>;
		}>,
		judge: (text: string, names: string[]) => void,
	) => Promise<Omit<Tally, 'unclear'>>,
): Promise<Tally> {
	const source = (
		kind === 'localFolder' ? await localSource() : await cloudSource(kind)
	) as CollectSource & { fixture: ProviderFixture & { fake?: FakeCloud } };
	if (source.fixture.fake) sweep.watch(source.fixture.fake.auth);
	const flow = collectWorkflow(source, parameters);
	let unclear = 0;
	try {
		const counted = await body(
			source,
			async () => {
				const { result, items, json } = await flow.run();
				sweep.run(result);
				// n8n's default binary mode keeps the content inline (base64).
				const binaries = items.map((item) =>
					item.binary?.data ? Buffer.from(item.binary.data.data, 'base64') : undefined,
				);
				return { result, json, binaries };
			},
			(text, names) => {
				if (isClear(text, names)) return;
				unclear++;
				process.stderr.write(`UNCLEAR [${names.join(', ')}]: ${text}\n`);
			},
		);
		return { ...counted, unclear };
	} finally {
		await source.close();
	}
}

describe.each(KINDS)('Collect New Files: bad input on %s', (kind) => {
	row('Collect New Files', kind, '0-byte files: collected once with an empty binary', () =>
		withCollect(kind, {}, async (source, run) => {
			await source.user.createFile('empty.pdf', Buffer.alloc(0));
			await source.user.createFile('full.pdf', Buffer.from('content'));
			const first = await run();
			ok(first.result);
			const byName = new Map(
				first.json.map((j, i) => [String(j.name), { json: j, binary: first.binaries[i] }]),
			);
			expect(byName.get('empty.pdf')?.binary?.length).toBe(0);
			expect(byName.get('empty.pdf')?.json.size).toBe(0);
			const second = await run();
			ok(second.result);
			const delivered = [...first.json, ...second.json].map((j) => String(j.name));
			const lost = ['empty.pdf', 'full.pdf'].filter((name) => !delivered.includes(name)).length;
			return { lost, duplicated: delivered.length - new Set(delivered).size };
		}),
	);

	row(
		'Collect New Files',
		kind,
		'path traversal in "Subfolder Name" (move after collecting): stays below the folder',
		() =>
			withCollect(
				kind,
				{ afterCollecting: 'move', moveToSubfolder: '../../M-escape' },
				async (source, run) => {
					await source.user.createFile('M1.pdf', Buffer.from('to move'));
					const first = await run();
					ok(first.result);
					expect(first.json.map((j) => j.afterCollecting)).toEqual(['moved']);
					const below = await filesBelow(source.fixture.provider, source.fixture.rootId);
					expect([...below.keys()]).toEqual([
						`${sanitizeName('../../M-escape', nameRulesOf(kind))}/M1.pdf`,
					]);
					const outside = await nothingOutsideRoot(source.fixture);
					const second = await run();
					ok(second.result);
					const delivered = [...first.json, ...second.json].map((j) => String(j.name));
					return { lost: outside + (below.size === 1 ? 0 : 1), duplicated: delivered.length - 1 };
				},
			),
	);

	row(
		'Collect New Files',
		kind,
		'a date in a wrong format ("Modified After"): the run stops naming the field',
		() =>
			withCollect(
				kind,
				{ filters: { modifiedAfter: '31/12/2026' } },
				async (source, run, judge) => {
					await source.user.createFile('kept.pdf', Buffer.from('waits for a valid filter'));
					const stopped = await run();
					expect(stopped.result.status).toBe('error');
					judge(errorText(stopped.result.nodeError(COLLECT)), ['Modified After']);
					return {
						lost: 0,
						duplicated: 0,
						note: 'nothing is consumed: the file waits until the filter is fixed',
					};
				},
			),
	);
});

// ---------------------------------------------------------------- Providers: files over 2 GiB

/** A stream of zeros that claims `declared` bytes but ends with an error after `limit` (nothing near 2 GiB moves). */
function cheapStream(limit: number): Readable {
	let sent = 0;
	const block = Buffer.alloc(MiB);
	return new Readable({
		read() {
			if (sent >= limit) {
				this.destroy(new Error('the test stops the source here'));
				return;
			}
			sent += block.length;
			this.push(block);
		},
	});
}

/** What each upload request declared: the total size and the byte offset it starts at. */
interface Declared {
	total?: number;
	offset?: number;
}

function declaredOf(
	kind: CloudKind,
	headers: Record<string, string | string[] | undefined>,
): Declared | undefined {
	if (kind === 'googleDrive' && headers['x-upload-content-length'])
		return { total: Number(headers['x-upload-content-length']) };
	const range = /bytes (\d+)-\d+\/(\d+)/.exec(String(headers['content-range'] ?? ''));
	if (range) return { offset: Number(range[1]), total: Number(range[2]) };
	const arg = headers['dropbox-api-arg'];
	if (typeof arg === 'string' && arg.includes('session')) {
		const parsed = JSON.parse(arg) as { cursor?: { offset?: number } };
		return { offset: parsed.cursor?.offset ?? 0 };
	}
	return undefined;
}

describe.each(CLOUDS)('Provider: files over 2 GiB on %s', (kind) => {
	row(
		'Provider',
		kind,
		'file over 2 GiB (declared 2 GiB + 24 MiB, cheap stream): session upload, offsets and sizes beyond 2^31',
		async () => {
			const destination = await cloudDestination(kind);
			const { fixture } = destination;
			sweep.watch((fixture as unknown as { fake: FakeCloud }).fake.auth);
			const fake = (fixture as unknown as { fake: FakeCloud }).fake;
			const declared = 2 ** 31 + 24 * MiB;
			const seen: Declared[] = [];
			const target = fake as unknown as {
				handle(
					req: { headers: Record<string, string | string[] | undefined> },
					res: unknown,
				): Promise<void>;
			};
			const original = target.handle.bind(fake);
			target.handle = async (req, res) => {
				const found = declaredOf(kind, req.headers);
				if (found) seen.push(found);
				return await original(req, res);
			};
			let unclear = 0;
			try {
				const provider = fixture.provider;
				const error = await provider
					.upload(
						{ parentId: fixture.rootId, name: 'huge.bin', mimeType: 'application/octet-stream' },
						{ size: declared, stream: cheapStream(3 * provider.features.chunkSize) },
					)
					.then(
						() => undefined,
						(failure: unknown) => failure,
					);
				sweep.error(error);
				// The run stops where the test ends the source: an error, never a file claiming 2 GiB of zeros.
				expect(error).toBeInstanceOf(Error);
				if (!/huge\.bin|source/.test(errorText(error))) unclear++;
				expect(await fixture.user.read('huge.bin')).toBeUndefined();
				// The session path engaged with the full declared size; every chunk is aligned and follows the last one.
				const totals = seen.filter((d) => d.total !== undefined).map((d) => d.total);
				if (kind !== 'dropbox') expect(new Set(totals)).toEqual(new Set([declared]));
				const offsets = seen.filter((d) => d.offset !== undefined).map((d) => d.offset!);
				expect(offsets.length).toBeGreaterThanOrEqual(2);
				expect(offsets[0]).toBe(0);
				offsets.forEach((offset, i) => expect(offset).toBe(i * provider.features.chunkSize));
				// The offsets past 2^31 the services send back parse exactly (no 32-bit arithmetic anywhere).
				const past = 2 ** 31 + 5 * MiB;
				expect(
					confirmedOffset({
						status: 308,
						headers: { range: `bytes=0-${past - 1}` },
						body: Buffer.alloc(0),
					} as never),
				).toBe(past);
				expect(nextOffset([`${past}-${declared - 1}`])).toBe(past);
			} finally {
				target.handle = original;
				await destination.close();
			}
			return {
				lost: 0,
				duplicated: 0,
				unclear,
				note: `3 chunks of ${kind === 'oneDrive' ? '10' : '8'} MiB really sent, then the source ends; the declared total and offset parsing above 2^31 checked; the 9 MiB cut-chunk rows cover resuming`,
			};
		},
	);
});

sweepAndReport(sweep, report);
