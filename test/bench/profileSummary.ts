import { readFileSync } from 'fs';

/**
 * Where a measured run's CPU went, from a V8 CPU profile written by BENCH_PROFILE=<dir> (test/bench/cpuProbe.ts):
 *   npx ts-node --transpile-only test/bench/profileSummary.ts <file.cpuprofile> [top] [stage,stage,...]
 * prints the sampled total, the inclusive time of each stage (a function name; a recursive call counted once) and
 * the functions with the most self time. The profiler's own stop (serialising the profile) is left out.
 */
export interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	children?: number[];
}
export interface CpuProfile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
}

/** The stages of an idle Export run, as the README's "Where an idle run's time goes" names them. */
export const EXPORT_STAGES = [
	'prepare',
	'readItemValues',
	'readInputFile',
	'itemFolder',
	'sanitizeName',
	'planExport',
	'runExport',
	'encodeExportState',
	'loadState',
	'byRoot',
	'output',
	'(garbage collector)',
];

export interface ProfileSummary {
	totalMs: number;
	stages: Array<[string, number]>;
	selfTop: Array<[string, number]>;
}

/** The profiler's stop in cpuProbe.ts: its time is serialising the profile, outside every figure. */
function isProfilerStop(node: ProfileNode): boolean {
	const { functionName, url } = node.callFrame;
	return (
		url.endsWith('cpuProbe.ts') &&
		['post', 'stopProfiling', 'startProfiling'].includes(functionName)
	);
}

export function summarise(profile: CpuProfile, stages: string[], top = 25): ProfileSummary {
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const selfUs = new Map<number, number>();
	profile.samples.forEach((id, i) =>
		selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
	);
	const stageUs = new Map(stages.map((stage) => [stage, 0]));
	const selfByFunction = new Map<string, number>();
	let totalUs = 0;
	// Depth first from the root, with the stages already open on the path (a stage inside itself counts once).
	const visit = (id: number, open: ReadonlySet<string>) => {
		const node = byId.get(id)!;
		if (isProfilerStop(node)) return;
		const name = node.callFrame.functionName || '(anonymous)';
		const own = selfUs.get(id) ?? 0;
		totalUs += own;
		const where = node.callFrame.url.split('/').slice(-2).join('/');
		const label = `${name} ${where}${where ? `:${node.callFrame.lineNumber + 1}` : ''}`;
		selfByFunction.set(label, (selfByFunction.get(label) ?? 0) + own);
		const nowOpen = stageUs.has(name) && !open.has(name) ? new Set([...open, name]) : open;
		for (const stage of nowOpen) stageUs.set(stage, stageUs.get(stage)! + own);
		for (const child of node.children ?? []) visit(child, nowOpen);
	};
	visit(profile.nodes[0].id, new Set());
	const ms = (us: number) => Math.round(us / 1000);
	return {
		totalMs: ms(totalUs),
		stages: stages.map((stage) => [stage, ms(stageUs.get(stage)!)]),
		selfTop: [...selfByFunction]
			.sort((a, b) => b[1] - a[1])
			.slice(0, top)
			.map(([label, us]) => [label, ms(us)]),
	};
}

if (require.main === module) {
	const [file, top, stages] = process.argv.slice(2);
	if (!file) throw new Error('usage: profileSummary.ts <file.cpuprofile> [top] [stage,stage,...]');
	const summary = summarise(
		JSON.parse(readFileSync(file, 'utf8')) as CpuProfile,
		stages ? stages.split(',') : EXPORT_STAGES,
		top ? Number(top) : 25,
	);
	const share = (ms: number) => `${((100 * ms) / summary.totalMs).toFixed(1)}%`;
	console.log(`sampled CPU ${summary.totalMs} ms (the profiler's own stop left out)`);
	console.log('stages (inclusive):');
	for (const [stage, ms] of summary.stages)
		console.log(`  ${String(ms).padStart(6)} ms ${share(ms).padStart(6)}  ${stage}`);
	console.log('self time:');
	for (const [label, ms] of summary.selfTop)
		console.log(`  ${String(ms).padStart(6)} ms ${share(ms).padStart(6)}  ${label}`);
}
