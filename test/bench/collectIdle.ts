import * as ledger from '../../nodes/shared/sync/collectLedger';
import { cloudSource, type CollectSource } from '../nodes/support/collectSources';
import { collectWorkflow } from '../nodes/support/collectHarness';
import { probe } from './cpuProbe';
import { measureRun, type RunFigures } from './nodeRun';

export type CloudKind = 'googleDrive' | 'oneDrive' | 'dropbox';

/** Puts `count` small files in the source's folder, as the user would (through the fake's own store, no HTTP). */
export async function seedFiles(source: CollectSource, count: number, prefix = 'f'): Promise<void> {
	for (let i = 0; i < count; i++)
		await source.user.createFile(`${prefix}${i}.pdf`, Buffer.from(`${prefix}${i} content`));
}

/** A source folder with N files and the workflow collecting from it; runs can be repeated. */
export interface CollectIdleBench {
	kind: CloudKind;
	tracked: number;
	/** A first run (the state cleared): First Run "everything", metadata only, so N items out; CPU of the ledger's pure functions. */
	first(): Promise<RunFigures & { planCpuMs: number; applyCpuMs: number }>;
	/** A run with nothing new (1 request). */
	idle(): Promise<RunFigures & { planCpuMs: number; applyCpuMs: number }>;
	staticDataBytes(): number;
	close(): Promise<void>;
}

/**
 * Collect with N tracked files and nothing new. The ledger is built honestly: the fake holds N files and a first
 * run (First Run: everything, metadata only) collects them all through the real planner; then idle runs.
 */
export async function collectIdleBench(
	kind: CloudKind,
	tracked: number,
): Promise<CollectIdleBench> {
	const source = await cloudSource(kind);
	await seedFiles(source, tracked);
	const flow = collectWorkflow(source, { downloadContent: false });
	const once = async (label: string, expected: number) => {
		const plan = probe(ledger, 'planCollect');
		const apply = probe(ledger, 'applyRun');
		try {
			let out = -1;
			const figures = await measureRun(
				`collect-${label}-${kind}-${tracked}`,
				() => source.requestCount(),
				async () => {
					const run = await flow.run();
					if (run.result.status !== 'success')
						throw run.result.error ?? new Error(`${label} run ${run.result.status}`);
					out = run.json.length;
				},
			);
			if (out !== expected)
				throw new Error(`${kind}: ${label} run collected ${out} of ${expected}`);
			const last = (samples: number[]) => samples[samples.length - 1];
			return { ...figures, planCpuMs: last(plan.samples), applyCpuMs: last(apply.samples) };
		} finally {
			plan.restore();
			apply.restore();
		}
	};
	return {
		kind,
		tracked,
		first: () => {
			flow.harness.staticData = {};
			return once('first', tracked);
		},
		idle: () => once('idle', 0),
		staticDataBytes: () => Buffer.byteLength(JSON.stringify(flow.harness.staticData)),
		close: () => source.close(),
	};
}
