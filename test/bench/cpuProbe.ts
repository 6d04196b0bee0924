/**
 * Wraps a synchronous function exported by an engine module so that a real node run records the CPU time of
 * each call (process.cpuUsage: user + system) and keeps the last arguments, for re-running the pure function.
 * Node modules compile to CommonJS, so the node's `module.fn(...)` call sites see the wrapper.
 */
export interface CpuProbe {
	/** CPU milliseconds of each call, in call order. */
	readonly samples: number[];
	lastArgs?: unknown[];
	restore(): void;
}

export function cpuMs(start: NodeJS.CpuUsage): number {
	const used = process.cpuUsage(start);
	return (used.user + used.system) / 1000;
}

export function probe(module: object, name: string): CpuProbe {
	const target = module as Record<string, (...args: unknown[]) => unknown>;
	const original = target[name];
	const result: CpuProbe = {
		samples: [],
		restore: () => {
			target[name] = original;
		},
	};
	target[name] = (...args: unknown[]) => {
		result.lastArgs = args;
		const start = process.cpuUsage();
		try {
			return original(...args);
		} finally {
			result.samples.push(cpuMs(start));
		}
	};
	return result;
}
