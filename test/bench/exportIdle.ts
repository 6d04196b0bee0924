import type { IDataObject } from 'n8n-workflow';
import { hashBuffer } from '../../nodes/shared/hashes';
import { shortFingerprint } from '../../nodes/shared/state/exportState';
import * as exportPlanModule from '../../nodes/shared/sync/exportPlan';
import type { FakeDrive } from '../fakes/drive';
import {
	cloudDestination,
	countActions,
	EXPORT,
	exportWorkflow,
	type Doc,
	type ExportDestination,
} from '../nodes/support/exportWorkflow';
import { binaryModeReady, removeExecutionFiles } from './binaryMode';
import type { CloudKind } from './collectIdle';
import { probe } from './cpuProbe';
import { measureRun, type RunFigures } from './nodeRun';

/**
 * Receipts spread over 2 accounts x 12 months (24 folders), as the node tests use them. Each has its own
 * timestamp (days 2-27, any time of day: the same month in every zone), as real documents do, so no per-value
 * cache can make the bench look better than a real workload.
 */
export function receipts(count: number, offset = 0): Doc[] {
	return Array.from({ length: count }, (_, i) => {
		const n = i + offset;
		const two = (value: number) => String(value).padStart(2, '0');
		const month = two((n % 12) + 1);
		const day = two((Math.floor(n / 12) % 26) + 2);
		const second = Math.floor(n / 312);
		const time = `${two(Math.floor(second / 3600) % 24)}:${two(Math.floor(second / 60) % 60)}:${two(second % 60)}`;
		return {
			id: `R${n}`,
			content: `receipt ${n}`,
			json: { account: n % 2 ? 'Main' : 'Savings', date: `2026-${month}-${day}T${time}Z` },
		};
	});
}

/** Where the node puts a receipt with the Account / Period layout. */
export function receiptPath(doc: Doc): string {
	return `${doc.json!.account}/${(doc.json!.date as string).slice(0, 7)}/${doc.id}.pdf`;
}

export const ACCOUNT_PERIOD = {
	folderStructure: 'accountPeriod',
	accountName: '={{ $json.account }}',
};

/**
 * The destination as an earlier export left it: every file at its deterministic path (Drive: tagged with the
 * record key and content version in appProperties, as the node writes them). Seeded in the fake's store.
 */
async function seedExported(destination: ExportDestination, docs: Doc[]): Promise<void> {
	if (destination.kind === 'googleDrive') {
		const fake = (destination.fixture as unknown as { fake: FakeDrive }).fake;
		for (const doc of docs) {
			const content = Buffer.from(doc.content as string);
			await fake.seedFile({
				parentId: destination.fixture.rootId,
				name: receiptPath(doc),
				content,
				createdByApp: true,
				appProperties: {
					recordKey: exportPlanModule.recordTag(doc.id),
					contentVersion: shortFingerprint(hashBuffer('md5', content)),
				},
			});
		}
		return;
	}
	for (const doc of docs)
		await destination.fixture.user.createFile(receiptPath(doc), Buffer.from(doc.content as string));
}

/**
 * A destination holding N exported files, and the workflow that exports to it; runs can be repeated. `nodeMs` is the
 * Export node's own time in each run (n8n's executionTime), without the upstream node that hands it the items.
 */
export interface ExportIdleBench {
	kind: CloudKind;
	tracked: number;
	/** A first run with no state (the state cleared): it adopts the N files by listing the destination, 0 uploads. */
	rebuild(): Promise<RunFigures & { uploads: number; nodeMs: number }>;
	/** The same N records with the state in place: the idle run (1 request). */
	idle(): Promise<RunFigures & { uploads: number; nodeMs: number; planCpuMs: number }>;
	/** JSON bytes of the node's own state, and of the whole static data. */
	stateBytes(): number;
	staticDataBytes(): number;
	/** The planner's arguments in the last idle run (scenario 6 re-runs the pure planner on them). */
	planArgs(): unknown[] | undefined;
	close(): Promise<void>;
}

/**
 * Export with N tracked records and nothing changed. The state is built honestly by the node's own rebuild: the
 * destination holds the N files a previous export wrote, the state is empty, and a first run adopts them all
 * (0 uploads) through the real planner. Then the same N records again: the idle run.
 */
export async function exportIdleBench(kind: CloudKind, tracked: number): Promise<ExportIdleBench> {
	await binaryModeReady();
	const destination = await cloudDestination(kind);
	const docs = receipts(tracked);
	await seedExported(destination, docs);
	const flow = exportWorkflow(destination, ACCOUNT_PERIOD);
	let lastArgs: unknown[] | undefined;
	const once = async (label: string) => {
		const plan = probe(exportPlanModule, 'planExport');
		const uploadsBefore = destination.counts().uploads;
		try {
			let json: IDataObject[] = [];
			let nodeMs = Number.NaN;
			const figures = await measureRun(
				`export-${label}-${kind}-${tracked}`,
				() => destination.counts().total,
				async () => {
					const ran = await flow.run(docs);
					json = ran.json;
					nodeMs = ran.result.run.data.resultData.runData[EXPORT][0].executionTime;
				},
			);
			const actions = countActions(json);
			if (actions.unchanged !== tracked)
				throw new Error(`${kind}: ${label} run gave ${JSON.stringify(actions)}`);
			lastArgs = plan.lastArgs;
			return {
				...figures,
				uploads: destination.counts().uploads - uploadsBefore,
				nodeMs,
				planCpuMs: plan.samples[plan.samples.length - 1],
			};
		} finally {
			plan.restore();
			removeExecutionFiles();
		}
	};
	return {
		kind,
		tracked,
		rebuild: () => {
			flow.harness.staticData = {};
			return once('rebuild');
		},
		idle: () => once('idle'),
		stateBytes: () => Buffer.byteLength(JSON.stringify(flow.stateOf())),
		staticDataBytes: () => Buffer.byteLength(JSON.stringify(flow.harness.staticData)),
		planArgs: () => lastArgs,
		close: () => destination.close(),
	};
}
