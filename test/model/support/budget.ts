/**
 * One budget for every model-based test: `npm test` runs a fixed, seeded budget (minutes, not hours) so CI is
 * repeatable; `npm run soak` (MODEL_SOAK=1) runs a long random budget and prints throughput. A failure prints the
 * seed and the shrunk command list (fast-check's report), which then becomes a named regression test.
 */
import fc from 'fast-check';

export interface ModelBudget {
	/** runs per property */
	numRuns: number;
	/** fixed seed in `npm test`; random (and printed) in a soak */
	seed: number;
	/** commands per generated history at most */
	maxCommands: number;
	soak: boolean;
}

const soak = process.env.MODEL_SOAK === '1';

/** `npm test`: a fixed seed per property name so a red CI is replayed exactly by the same run. */
export function modelBudget(name: string, testRuns: number, soakRuns = testRuns * 50): ModelBudget {
	const fixedSeed = Number(process.env.MODEL_SEED ?? seedOf(name));
	const seed =
		soak && process.env.MODEL_SEED === undefined
			? Date.now() ^ (Math.random() * 0x7fffffff)
			: fixedSeed;
	const numRuns = Number(process.env.MODEL_RUNS ?? (soak ? soakRuns : testRuns));
	return { numRuns, seed, maxCommands: soak ? 60 : 25, soak };
}

/** fast-check parameters for a budget; in a soak, prints runs per second at the end. */
export async function checkModel<Ts>(
	name: string,
	budget: ModelBudget,
	property: fc.IAsyncProperty<Ts> | fc.IProperty<Ts>,
): Promise<void> {
	const started = Date.now();
	await fc.assert(property as fc.IAsyncProperty<Ts>, {
		numRuns: budget.numRuns,
		seed: budget.seed,
		endOnFailure: false,
		verbose: fc.VerbosityLevel.Verbose,
	});
	if (budget.soak) {
		const seconds = (Date.now() - started) / 1000;
		process.stdout.write(
			`soak ${name}: ${budget.numRuns} histories in ${seconds.toFixed(1)} s ` +
				`(${(budget.numRuns / seconds).toFixed(2)}/s), seed ${budget.seed}\n`,
		);
	}
}

function seedOf(name: string): number {
	let hash = 2166136261;
	for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 16777619);
	return hash | 0;
}
