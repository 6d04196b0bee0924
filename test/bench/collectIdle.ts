import * as ledger from '../../nodes/shared/sync/collectLedger';
import { cloudSource, type CollectSource } from '../nodes/support/collectSources';
import { collectWorkflow } from '../nodes/support/collectHarness';
import { probe } from './cpuProbe';

export type CloudKind = 'googleDrive' | 'oneDrive' | 'dropbox';

export interface CollectIdleResult {
	kind: CloudKind;
	tracked: number;
	/** Requests of a run with nothing new. */
	idleRequests: number;
	idleMs: number;
	/** The first run: how the ledger was built. */
	firstRunRequests: number;
	firstRunMs: number;
	staticDataBytes: number;
	/** CPU of the ledger's pure functions in the first (N new) run and in the idle run. */
	planCpuMs: { first: number; idle: number };
	applyCpuMs: { first: number; idle: number };
}

/** Puts `count` small files in the source's folder, as the user would (through the fake's own store, no HTTP). */
export async function seedFiles(source: CollectSource, count: number, prefix = 'f'): Promise<void> {
	for (let i = 0; i < count; i++) await source.user.createFile(`${prefix}${i}.pdf`, Buffer.from(`${prefix}${i} content`));
}

/**
 * Collect with N tracked files and nothing new. The ledger is built honestly: the fake holds N files and a first
 * run (First Run: everything, metadata only) collects them all through the real planner; then an idle run.
 */
export async function collectIdle(kind: CloudKind, tracked: number): Promise<CollectIdleResult> {
	const source = await cloudSource(kind);
	const plan = probe(ledger, 'planCollect');
	const apply = probe(ledger, 'applyRun');
	try {
		await seedFiles(source, tracked);
		const flow = collectWorkflow(source, { downloadContent: false });
		let before = source.requestCount();
		let started = Date.now();
		const first = await flow.run();
		if (first.result.status !== 'success') throw first.result.error ?? new Error(`first run ${first.result.status}`);
		if (first.json.length !== tracked) throw new Error(`${kind}: first run collected ${first.json.length} of ${tracked}`);
		const firstRunMs = Date.now() - started;
		const firstRunRequests = source.requestCount() - before;

		before = source.requestCount();
		started = Date.now();
		const idle = await flow.run();
		const idleMs = Date.now() - started;
		if (idle.result.status !== 'success') throw idle.result.error ?? new Error(`idle run ${idle.result.status}`);
		if (idle.json.length !== 0) throw new Error(`${kind}: idle run collected ${idle.json.length}`);
		return {
			kind,
			tracked,
			idleRequests: source.requestCount() - before,
			idleMs,
			firstRunRequests,
			firstRunMs,
			staticDataBytes: Buffer.byteLength(JSON.stringify(flow.harness.staticData)),
			planCpuMs: { first: plan.samples[0], idle: plan.samples[1] },
			applyCpuMs: { first: apply.samples[0], idle: apply.samples[1] },
		};
	} finally {
		plan.restore();
		apply.restore();
		await source.close();
	}
}
