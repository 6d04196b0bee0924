import { hashBuffer } from '../../nodes/shared/hashes';
import { shortFingerprint } from '../../nodes/shared/state/exportState';
import * as exportPlanModule from '../../nodes/shared/sync/exportPlan';
import type { FakeDrive } from '../fakes/drive';
import { cloudDestination, countActions, exportWorkflow, type Doc, type ExportDestination } from '../nodes/support/exportWorkflow';
import type { CloudKind } from './collectIdle';
import { probe } from './cpuProbe';

/** Receipts spread over 2 accounts x 12 months (24 folders), as the node tests use them. */
export function receipts(count: number, offset = 0): Doc[] {
	return Array.from({ length: count }, (_, i) => {
		const n = i + offset;
		const month = String((n % 12) + 1).padStart(2, '0');
		return { id: `R${n}`, content: `receipt ${n}`, json: { account: n % 2 ? 'Main' : 'Savings', date: `2026-${month}-15T12:00:00Z` } };
	});
}

/** Where the node puts a receipt with the Account / Period layout. */
export function receiptPath(doc: Doc): string {
	return `${doc.json!.account}/${(doc.json!.date as string).slice(0, 7)}/${doc.id}.pdf`;
}

export const ACCOUNT_PERIOD = { folderStructure: 'accountPeriod', accountName: '={{ $json.account }}' };

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
				appProperties: { recordKey: exportPlanModule.recordTag(doc.id), contentVersion: shortFingerprint(hashBuffer('md5', content)) },
			});
		}
		return;
	}
	for (const doc of docs) await destination.fixture.user.createFile(receiptPath(doc), Buffer.from(doc.content as string));
}

export interface ExportIdleResult {
	kind: CloudKind;
	tracked: number;
	rebuildRequests: number;
	rebuildUploads: number;
	rebuildMs: number;
	idleRequests: number;
	idleUploads: number;
	idleMs: number;
	stateBytes: number;
	staticDataBytes: number;
	/** CPU of the pure planner inside the idle run, and the arguments it had (for scenario 6). */
	idlePlanCpuMs: number;
	idlePlanArgs?: unknown[];
}

/**
 * Export with N tracked records and nothing changed. The state is built honestly by the node's own rebuild: the
 * destination holds the N files a previous export wrote, the state is empty, and a first run adopts them all
 * (0 uploads) through the real planner. Then the same N records again: the idle run.
 */
export async function exportIdle(kind: CloudKind, tracked: number, keepPlanArgs = false): Promise<ExportIdleResult> {
	const destination = await cloudDestination(kind);
	const plan = probe(exportPlanModule, 'planExport');
	try {
		const docs = receipts(tracked);
		await seedExported(destination, docs);
		const flow = exportWorkflow(destination, ACCOUNT_PERIOD);
		let before = destination.counts();
		let started = Date.now();
		const rebuilt = await flow.run(docs);
		const rebuildMs = Date.now() - started;
		const rebuiltActions = countActions(rebuilt.json);
		if (rebuiltActions.unchanged !== tracked) throw new Error(`${kind}: rebuild gave ${JSON.stringify(rebuiltActions)}`);
		const afterRebuild = destination.counts();

		started = Date.now();
		const idle = await flow.run(docs);
		const idleMs = Date.now() - started;
		const idleActions = countActions(idle.json);
		if (idleActions.unchanged !== tracked) throw new Error(`${kind}: idle run gave ${JSON.stringify(idleActions)}`);
		const afterIdle = destination.counts();
		before = afterRebuild;
		return {
			kind,
			tracked,
			rebuildRequests: afterRebuild.total,
			rebuildUploads: afterRebuild.uploads,
			rebuildMs,
			idleRequests: afterIdle.total - before.total,
			idleUploads: afterIdle.uploads - before.uploads,
			idleMs,
			stateBytes: Buffer.byteLength(JSON.stringify(flow.stateOf())),
			staticDataBytes: Buffer.byteLength(JSON.stringify(flow.harness.staticData)),
			idlePlanCpuMs: plan.samples[plan.samples.length - 1],
			idlePlanArgs: keepPlanArgs ? plan.lastArgs : undefined,
		};
	} finally {
		plan.restore();
		await destination.close();
	}
}
