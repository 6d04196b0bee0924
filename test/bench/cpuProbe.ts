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
 * With BENCH_PROFILE=<dir>, starts a V8 CPU profile (sampled every 0.5 ms) and returns what stops it and writes it
 * to <dir>/<name>.cpuprofile (open it in Chrome DevTools, or summarise it with test/bench/profileSummary.ts: the
 * README's "why" sentences quote these); undefined without BENCH_PROFILE. Stopping serialises the profile, 0.4-1 s
 * at 100,000 records: a measured run stops it after its clock stops (test/bench/nodeRun.ts), so it is in no figure.
 */
export async function startProfiling(name: string): Promise<(() => Promise<void>) | undefined> {
	const dir = process.env.BENCH_PROFILE;
	if (!dir) return undefined;
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
	return async function stopProfiling() {
		const { profile } = (await post('Profiler.stop')) as { profile: unknown };
		session.disconnect();
		await mkdir(dir, { recursive: true });
		await writeFile(`${dir}/${name.replace(/[^\w.-]+/g, '_')}.cpuprofile`, JSON.stringify(profile));
	};
}

/** `work` under startProfiling: the profile is stopped and written when it ends (its time counts where this is timed). */
export async function profiled<T>(name: string, work: () => Promise<T>): Promise<T> {
	const stop = await startProfiling(name);
	try {
		return await work();
	} finally {
		await stop?.();
	}
}
