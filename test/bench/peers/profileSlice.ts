import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import type { PairResult } from './types';

/**
 * Where n8n's CPU went during each run of scenario 7: n8n's --cpu-prof profile (BENCH_PEER_PROFILE=<dir>) cut
 * into the runs' windows on the monotonic clock, self time summed by where the code lives.
 *   npx ts-node --transpile-only test/bench/peers/profileSlice.ts <dir> [top]
 */
interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	children?: number[];
}
interface CpuProfile {
	nodes: ProfileNode[];
	startTime: number;
	samples: number[];
	timeDeltas: number[];
}

export function placeOf(url: string, name: string): string {
	if (!url) return name.startsWith('(') ? name : '(native)';
	const pkg = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
	// The installed package (n8n's user folder), not the n8n install cache that also carries the package's name.
	const ours = url.indexOf('node_modules/n8n-nodes-cloud-sync/');
	if (ours >= 0)
		return pkg === 'n8n-nodes-cloud-sync' ? 'ours: package code' : `ours: dependency ${pkg}`;
	if (url.startsWith('node:')) return `node: ${url.slice(5).split('/')[0]}`;
	return pkg ?? url;
}

export function slice(
	profile: CpuProfile,
	fromUs: number,
	toUs: number,
	top = 12,
): { totalMs: number; places: Array<[string, number]>; functions: Array<[string, number]> } {
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const places = new Map<string, number>();
	const functions = new Map<string, number>();
	let t = profile.startTime;
	let total = 0;
	for (let i = 0; i < profile.samples.length; i++) {
		t += profile.timeDeltas[i];
		if (t < fromUs || t > toUs) continue;
		const delta = profile.timeDeltas[i + 1] ?? 0;
		const node = byId.get(profile.samples[i])!;
		const place = placeOf(node.callFrame.url, node.callFrame.functionName);
		places.set(place, (places.get(place) ?? 0) + delta);
		const fn = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.replace(/.*node_modules\//, '')}:${node.callFrame.lineNumber + 1}`;
		functions.set(fn, (functions.get(fn) ?? 0) + delta);
		total += delta;
	}
	const sorted = (m: Map<string, number>) =>
		[...m.entries()]
			.sort((a, b) => b[1] - a[1])
			.slice(0, top)
			.map(([k, v]) => [k, Math.round(v / 1000)] as [string, number]);
	return {
		totalMs: Math.round(total / 1000),
		places: sorted(places),
		functions: sorted(functions),
	};
}

if (require.main === module) {
	const dir = process.argv[2];
	const top = Number(process.argv[3] ?? 12);
	const file = readdirSync(dir)
		.filter((name) => name.endsWith('.cpuprofile'))
		.map((name) => join(dir, name))
		.sort((a, b) => readFileSync(b).length - readFileSync(a).length)[0];
	const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
	const { pairs } = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as {
		pairs: PairResult[];
	};
	for (const pair of pairs) {
		for (const side of ['peer', 'ours'] as const) {
			for (const run of pair[side].runs) {
				if (!run.windowUs) continue;
				const cut = slice(profile, run.windowUs[0], run.windowUs[1], top);
				const busy = cut.places
					.filter(([place]) => place !== '(idle)')
					.reduce((sum, [, ms]) => sum + ms, 0);
				process.stdout.write(
					`\n${pair.job} ${pair.cloud} ${side} ${run.phase}: wall ${Math.round(run.ms)} ms, sampled ${cut.totalMs} ms, busy (not idle) ~${busy} ms\n`,
				);
				process.stdout.write(
					`  by place: ${cut.places.map(([place, ms]) => `${place} ${ms}`).join('; ')}\n`,
				);
				process.stdout.write(
					`  top functions: ${cut.functions.map(([fn, ms]) => `${fn} ${ms}`).join('; ')}\n`,
				);
			}
		}
	}
}
