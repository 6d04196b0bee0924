import fc from 'fast-check';
import { tmpdir } from 'os';
import type { RemoteItem } from '../../nodes/shared/storage/types';
import type { FakeRequest } from '../fakes/common/server';
// The module object itself (not an ES namespace, whose bindings are read-only), so its functions can be wrapped.
import fsPromises = require('fs/promises');
import {
	cloudDestination,
	exportWorkflow,
	localDestination,
	type Doc,
	type ExportDestination,
	type ExportWorkflow,
} from '../nodes/support/exportWorkflow';
import type { CloudKind } from '../nodes/support/nodeFixtures';
import { checkModel, modelBudget } from './support/budget';

/**
 * Issue 22: two or three executions of Export to Folder at once (Google Drive; Dropbox, OneDrive and a local folder below) (queue-mode workers, a burst of
 * webhook calls), each from its own copy of the static data (n8n's engine through the harness: the copy is taken
 * when the execution starts, and whichever ends last saves its copy). Drive lets two items of one name sit in one
 * folder, so this is where "exactly once" rests on the twin rule (nodes/shared/sync/exportTwins.ts).
 *
 * The executions' requests meet at a gate in front of the fake: a request waits until every running execution
 * has one waiting (or, for liveness, until nothing new has arrived for a moment of real time), and then the
 * generated schedule picks which one the fake serves next. The fake serves one request at a time. fast-check
 * shrinks the schedule like any other value, so a counterexample is a short list of choices.
 *
 * The user's promise after the executions end (and again after one more run alone): every record is in Drive
 * exactly once, with its content, below exactly one "Accounting" folder and one folder per path.
 */

// n8n reads the folders nodes may touch once per process: set before the first execution of this file, not only
// when the local-folder test opens its destination (it runs after the clouds' tests).
process.env.N8N_RESTRICT_FILE_ACCESS_TO = tmpdir();

const RECORDS = ['r0', 'r1', 'r2', 'r3'];
const FOLDERS = ['2026', '2027'];

interface Execution {
	/** Which records this execution exports (overlapping sets: the same record may be in two). */
	records: number[];
}

interface Scenario {
	/** A run alone first (so the root and some folders exist and are in the state), or none (an empty state). */
	before: number[] | null;
	executions: Execution[];
	/** Folder of each record. */
	folderOf: number[];
	/** The schedule: at each step, which waiting request the fake serves (modulo how many wait). */
	choices: number[];
}

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
	before: fc.option(
		fc.subarray(
			RECORDS.map((_, i) => i),
			{ minLength: 1 },
		),
		{ nil: null },
	),
	executions: fc.array(
		fc.record({
			records: fc.subarray(
				RECORDS.map((_, i) => i),
				{ minLength: 1 },
			),
		}),
		{ minLength: 2, maxLength: 3 },
	),
	folderOf: fc.array(fc.nat({ max: FOLDERS.length - 1 }), {
		minLength: RECORDS.length,
		maxLength: RECORDS.length,
	}),
	choices: fc.array(fc.nat({ max: 5 }), { maxLength: 120 }),
});

/** The gate: holds requests and lets the schedule pick which the fake serves next, one at a time. */
class ScheduleGate {
	private readonly waiting: Array<{ label: string; go: () => void }> = [];
	private next = 0;
	private busy = false;
	private idleTimer: NodeJS.Timeout | undefined;
	running = 0;
	readonly served: string[] = [];

	constructor(private readonly choices: number[]) {}

	async pass(label: string): Promise<void> {
		await new Promise<void>((go) => {
			this.waiting.push({ label, go });
			this.consider();
		});
	}

	done(): void {
		this.busy = false;
		this.consider();
	}

	private consider(): void {
		if (this.busy || this.waiting.length === 0) return;
		if (this.waiting.length >= this.running) return this.release();
		// Someone is between requests (n8n's engine, a timer): do not wait for it forever.
		clearTimeout(this.idleTimer);
		this.idleTimer = setTimeout(() => this.release(), 15);
		this.idleTimer.unref();
	}

	private release(): void {
		clearTimeout(this.idleTimer);
		if (this.busy || this.waiting.length === 0) return;
		const choice = this.next < this.choices.length ? this.choices[this.next] : 0;
		this.next++;
		const [picked] = this.waiting.splice(choice % this.waiting.length, 1);
		this.busy = true;
		this.served.push(picked.label);
		picked.go();
	}

	finished(): void {
		this.running--;
		this.consider();
	}
}

function docsFor(records: number[], folderOf: number[]): Doc[] {
	return records.map((i) => ({
		id: RECORDS[i],
		content: `content of ${RECORDS[i]}`,
		fileName: `${RECORDS[i]}.pdf`,
		json: { name: `${RECORDS[i]}.pdf`, folder: FOLDERS[folderOf[i]] },
	}));
}

interface Seen {
	roots: number;
	folders: Map<string, number>;
	files: Map<string, string[]>;
}

/** What the user sees: "Accounting" folders at the top, folders below them by path, files by name with their paths. */
async function look(destination: ExportDestination): Promise<Seen> {
	const provider = destination.fixture.provider;
	const top = await provider.root();
	const roots: RemoteItem[] = [];
	for await (const item of provider.list(top.id))
		if (item.isFolder && item.name === 'Accounting') roots.push(item);
	const folders = new Map<string, number>();
	const files = new Map<string, string[]>();
	for (const root of roots) {
		for await (const item of provider.list(root.id, { recursive: true })) {
			const path = (item.path ?? item.name).replace(/^\/+/, '');
			if (item.isFolder) folders.set(path, (folders.get(path) ?? 0) + 1);
			else files.set(item.name, [...(files.get(item.name) ?? []), path]);
		}
	}
	return { roots: roots.length, folders, files };
}

function checkExactlyOnce(
	seen: Seen,
	exported: Set<number>,
	folderOf: number[],
	when: string,
): void {
	const problems: string[] = [];
	if (seen.roots !== 1) problems.push(`${seen.roots} "Accounting" folders`);
	for (const [path, count] of seen.folders)
		if (count > 1) problems.push(`${count} folders "${path}"`);
	for (const i of exported) {
		const paths = seen.files.get(`${RECORDS[i]}.pdf`) ?? [];
		if (paths.length === 0) problems.push(`${RECORDS[i]} lost`);
		if (paths.length > 1)
			problems.push(`${RECORDS[i]} ${paths.length} times (${paths.join(', ')})`);
		if (paths.length === 1 && paths[0] !== `${FOLDERS[folderOf[i]]}/${RECORDS[i]}.pdf`)
			problems.push(`${RECORDS[i]} at ${paths[0]}`);
	}
	if (problems.length) throw new Error(`${when}: ${problems.join('; ')}`);
}

/**
 * The local folder has no requests: every file-system call the provider makes (fs/promises, which the compiled
 * provider reads at each call) waits at the gate instead, so the schedule picks which execution's link, rename,
 * mkdir, open or listing goes next.
 */
const GATED_FS_CALLS = [
	'link',
	'rename',
	'mkdir',
	'open',
	'rm',
	'unlink',
	'lstat',
	'readdir',
	'chmod',
] as const;

function gateFileSystem(gate: ScheduleGate): () => void {
	const module = fsPromises as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
	const originals = GATED_FS_CALLS.map((name) => [name, module[name]] as const);
	for (const [name, original] of originals) {
		module[name] = async (...args: unknown[]) => {
			await gate.pass(`${name} ${String(args[0]).replace(/^.*\/Accounting/, '')}`);
			try {
				return await original(...args);
			} finally {
				gate.done();
			}
		};
	}
	return () => {
		for (const [name, original] of originals) module[name] = original;
	};
}

/** The gate in front of the destination: the fake's request handler, or the local folder's file-system calls. */
function installGate(destination: ExportDestination, gate: ScheduleGate): () => void {
	if (destination.kind === 'localFolder') return gateFileSystem(gate);
	const fake = (destination.fixture as { fake?: unknown }).fake as {
		handle(req: FakeRequest, res: unknown): Promise<void>;
	};
	const handle = fake.handle.bind(fake);
	fake.handle = async (req, res) => {
		await gate.pass(`${req.method} ${req.path}`);
		try {
			await handle(req, res);
		} finally {
			gate.done();
		}
	};
	return () => {
		fake.handle = handle;
	};
}

async function overlappingExports(
	scenario: Scenario,
	kind: CloudKind | 'localFolder' = 'googleDrive',
): Promise<void> {
	const destination: ExportDestination =
		kind === 'localFolder' ? await localDestination() : await cloudDestination(kind);
	try {
		const flow: ExportWorkflow = exportWorkflow(destination, {
			rootMode: 'name',
			rootName: 'Accounting',
			fileName: '={{ $json.name }}',
			folderStructure: 'custom',
			folderTemplate: '={{ $json.folder }}',
		});
		const exported = new Set<number>();
		if (scenario.before) {
			const alone = await flow.run(docsFor(scenario.before, scenario.folderOf), 'webhook');
			if (alone.result.status !== 'success')
				throw new Error(`the first run failed: ${alone.result.nodeError('Export')?.message}`);
			scenario.before.forEach((i) => exported.add(i));
		}

		const gate = new ScheduleGate(scenario.choices);
		const removeGate = installGate(destination, gate);
		gate.running = scenario.executions.length;
		const runs = await Promise.all(
			scenario.executions.map(async (execution) => {
				try {
					return await flow.run(docsFor(execution.records, scenario.folderOf), 'webhook');
				} finally {
					gate.finished();
				}
			}),
		).finally(removeGate);
		if (gate.served.length === 0)
			throw new Error('no request went through the gate: the schedule chose nothing');
		for (const run of runs) {
			if (run.result.status !== 'success')
				throw new Error(
					`an overlapping execution failed: ${run.result.nodeError('Export')?.message ?? run.result.error?.message}`,
				);
		}
		scenario.executions.forEach((execution) => execution.records.forEach((i) => exported.add(i)));
		checkExactlyOnce(
			await look(destination),
			exported,
			scenario.folderOf,
			`after the overlapping executions (served: ${gate.served.length} requests)`,
		);

		// One more run alone, with every record, from whichever copy of the state was saved last.
		const after = await flow.run(
			docsFor(
				RECORDS.map((_, i) => i),
				scenario.folderOf,
			),
			'webhook',
		);
		if (after.result.status !== 'success')
			throw new Error(`the run after them failed: ${after.result.nodeError('Export')?.message}`);
		checkExactlyOnce(
			await look(destination),
			new Set(RECORDS.map((_, i) => i)),
			scenario.folderOf,
			'after one more run alone',
		);
	} finally {
		await destination.close();
	}
}

describe('Export to Folder: overlapping executions, request by request (issue 22)', () => {
	it('every record exactly once, one root and one folder per path, whichever execution the cloud serves next', async () => {
		const budget = modelBudget('export overlap interleavings', 12, 400);
		await checkModel(
			'export overlap interleavings',
			budget,
			fc.asyncProperty(scenarioArb, async (scenario) => await overlappingExports(scenario)),
		);
	}, 600_000);

	// Dropbox and OneDrive refuse a second item at a name (mode "add" without autorename; conflictBehavior "fail"),
	// the local folder too (an exclusive create, a hard link or mkdir fail when the name exists): the execution that
	// loses the race adopts the first item instead of making a second.
	for (const kind of ['dropbox', 'oneDrive', 'localFolder'] as const) {
		it(`${kind}: the same promise, the cloud refusing the second item at a name`, async () => {
			// The local folder has no HTTP in the way (about 50 ms a history), so it gets ten times the histories.
			const local = kind === 'localFolder';
			const budget = modelBudget(
				`export overlap interleavings ${kind}`,
				local ? 60 : 6,
				local ? 2000 : 200,
			);
			await checkModel(
				`export overlap interleavings ${kind}`,
				budget,
				fc.asyncProperty(scenarioArb, async (scenario) => await overlappingExports(scenario, kind)),
			);
		}, 600_000);
	}

	// Found by a soak (seed 9601, shrunk) once runs trusted the folders their state vouches for and stopped listing
	// them: two executions created record r1 side by side, the third read both and took the newer twin for another
	// file at r1's name, so it renamed the kept one to "r1 (r1).pdf" while the newer one's creator removed its own.
	it("a run that meets two twins of a new record adopts the one kept, under the record's name", async () => {
		await overlappingExports({
			before: [2, 3],
			executions: [{ records: [1, 2] }, { records: [1, 2] }, { records: [1, 3] }],
			folderOf: [0, 0, 1, 0],
			choices: [0, 0, 1, 1],
		});
	}, 120_000);

	// Found on the code before the fix (seed 797696023, shrunk): from an empty state three executions create the
	// root and the year folder at once. One read the root's listing while two "2026" folders stood there, took the
	// newer one (the feed's last entry), and its upload failed when that folder's creator removed it as a twin.
	it('three executions that create the same folders at once: none writes into a twin folder that another removes', async () => {
		await overlappingExports({
			before: null,
			executions: [{ records: [3] }, { records: [2] }, { records: [1, 2] }],
			folderOf: [1, 1, 0, 0],
			choices: [0, 0, 4],
		});
	}, 120_000);
});
