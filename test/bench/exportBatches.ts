/**
 * Requests per new file for small batches (issue 12's budget, "<= 1.1 requests per new file"): an export that is
 * already set up (root, folder and cursor known, its own writes read back by an idle run) gets a batch of N new
 * small documents into its existing folder. Counted in each fake's request log (what crossed the wire).
 *
 *   npx ts-node --transpile-only test/bench/exportBatches.ts [1,10,100]
 *
 * "beyond idle" leaves out the one request an idle run makes anyway (the change feed). On a local folder the
 * figures count calls into the file system layer (its "change feed" is a scan).
 */
import './tsBeforeJson';
import {
	cloudDestination,
	exportWorkflow,
	localDestination,
	type Doc,
	type ExportDestination,
} from '../nodes/support/exportWorkflow';
import type { CloudKind } from './collectIdle';

const docs = (n: number, from = 0): Doc[] =>
	Array.from({ length: n }, (_, i) => ({
		id: `D${from + i}`,
		content: `document ${from + i}`,
		json: { folder: 'F0' },
	}));

export interface BatchFigure {
	kind: CloudKind | 'localFolder';
	batch: number;
	requests: number;
	uploads: number;
	feed: number;
	/** (requests - 1) / batch */
	beyondIdlePerFile: number;
	/** Every request of the run, "METHOD path", for the report. */
	log: string[];
}

export async function exportBatch(
	kind: CloudKind | 'localFolder',
	batch: number,
): Promise<BatchFigure> {
	const destination: ExportDestination =
		kind === 'localFolder' ? await localDestination() : await cloudDestination(kind);
	try {
		const flow = exportWorkflow(destination, {
			folderStructure: 'custom',
			folderTemplate: '={{ $json.folder }}',
		});
		await flow.run(docs(1));
		await flow.run(docs(1));
		const before = destination.counts();
		// A local folder has no server: its figures are calls to the file system layer, with no log.
		const fake = (destination.fixture as { fake?: unknown }).fake as
			| {
					mark(): number;
					requests(filter: { since: number }): Array<{ method: string; path: string }>;
			  }
			| undefined;
		const mark = fake?.mark() ?? 0;
		const result = await flow.run([...docs(1), ...docs(batch, 1)]);
		if (result.json.filter((item) => item.action === 'created').length !== batch)
			throw new Error(
				`${kind}: ${JSON.stringify(result.json.map((item) => item.action))} ${result.result.nodeError('Export')?.message ?? ''}`,
			);
		const after = destination.counts();
		const requests = after.total - before.total;
		return {
			kind,
			batch,
			requests,
			uploads: after.uploads - before.uploads,
			feed: after.changeFeed - before.changeFeed,
			beyondIdlePerFile: (requests - 1) / batch,
			log: fake ? fake.requests({ since: mark }).map((r) => `${r.method} ${r.path}`) : [],
		};
	} finally {
		await destination.close();
	}
}

async function main(): Promise<void> {
	const batches = (process.argv[2] ?? '1,10,100').split(',').map(Number);
	// The local folder goes first: n8n reads its allowed folders (set by localDestination) once, at the first run.
	for (const kind of ['localFolder', 'googleDrive', 'oneDrive', 'dropbox'] as const) {
		for (const batch of batches) {
			const f = await exportBatch(kind, batch);
			const other = [
				...new Set(
					f.log.filter(
						(line) => !/upload|changes|delta|list_folder\/continue|\/content$/.test(line),
					),
				),
			];
			process.stdout.write(
				`${kind.padEnd(11)} batch ${String(batch).padStart(3)}: ${String(f.requests).padStart(3)} requests (${f.uploads} uploads, ${f.feed} feed reads, ${f.requests - f.uploads - f.feed} other${other.length ? `: ${other.join(', ')}` : ''}); beyond idle per new file ${f.beyondIdlePerFile.toFixed(2)}\n`,
			);
		}
	}
}

if (require.main === module) {
	main().then(
		() => process.exit(0),
		(error) => {
			process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
			process.exit(1);
		},
	);
}
