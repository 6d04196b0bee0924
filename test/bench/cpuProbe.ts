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

/**
 * With BENCH_PROFILE=<dir>, writes a V8 CPU profile of `work` to <dir>/<name>.cpuprofile (open it in Chrome
 * DevTools, or summarise it with test/bench/profileSummary.ts): the README's "why" sentences quote these.
 */
export async function profiled<T>(name: string, work: () => Promise<T>): Promise<T> {
	const dir = process.env.BENCH_PROFILE;
	if (!dir) return work();
	const { Session } = await import('inspector');
	const { mkdir, writeFile } = await import('fs/promises');
	const session = new Session();
	session.connect();
	const post = (method: string, params?: object) =>
		new Promise<unknown>((resolve, reject) =>
			session.post(method, params ?? {}, (error, result) =>
				error ? reject(error) : resolve(result),
			),
		);
	await post('Profiler.enable');
	await post('Profiler.setSamplingInterval', { interval: 500 });
	await post('Profiler.start');
	try {
		return await work();
	} finally {
		const { profile } = (await post('Profiler.stop')) as { profile: unknown };
		session.disconnect();
		await mkdir(dir, { recursive: true });
		await writeFile(`${dir}/${name.replace(/[^\w.-]+/g, '_')}.cpuprofile`, JSON.stringify(profile));
	}
}
