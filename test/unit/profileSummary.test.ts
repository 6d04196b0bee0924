import { join } from 'path';
import { summarise, type CpuProfile } from '../bench/profileSummary';

/** A profile by hand: root > prepare > (readItemValues > prepare again), the GC, and the profiler's own stop. */
const frame = (functionName: string, url = 'nodes/x.ts') => ({ functionName, url, lineNumber: 0 });
const profile: CpuProfile = {
	nodes: [
		{ id: 1, callFrame: frame('(root)', ''), children: [2, 5, 6] },
		{ id: 2, callFrame: frame('prepare'), children: [3] },
		{ id: 3, callFrame: frame('readItemValues'), children: [4] },
		{ id: 4, callFrame: frame('prepare') },
		{ id: 5, callFrame: frame('(garbage collector)', '') },
		{
			id: 6,
			callFrame: frame('post', join(__dirname, '..', 'bench', 'cpuProbe.ts')),
			children: [7],
		},
		{ id: 7, callFrame: frame('dispatch', '') },
	],
	samples: [2, 3, 4, 4, 5, 7, 7, 7],
	timeDeltas: [1000, 2000, 3000, 1000, 4000, 9000, 9000, 9000],
};

describe('profileSummary: where a measured run went, from its CPU profile', () => {
	test('a stage inside itself counts once, and the profiler stopping is in no figure', () => {
		const summary = summarise(profile, ['prepare', 'readItemValues', '(garbage collector)'], 3);
		expect(summary.totalMs).toBe(11);
		expect(summary.stages).toStrictEqual([
			['prepare', 7],
			['readItemValues', 6],
			['(garbage collector)', 4],
		]);
		expect(summary.selfTop[0]).toStrictEqual(['prepare nodes/x.ts:1', 5]);
	});
});
