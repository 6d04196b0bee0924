import { cpus, loadavg, totalmem } from 'os';
import { forceGc } from '../support/liveMemory';

/** One measured figure, with the target it is judged against (when the issue sets one). */
export interface Figure {
	scenario: string;
	subject: string;
	metric: string;
	value: number;
	unit: string;
	/** Human-readable target, e.g. "<= 1". */
	target?: string;
	pass?: boolean;
	note?: string;
	/** When the value is the median of repeated measurements: how many, and the smallest and largest. */
	spread?: Spread;
}

/** The spread of a median: n samples between min and max (issue 17: no figure from a single run). */
export interface Spread {
	n: number;
	min: number;
	max: number;
}

/** Repetitions per figure: at least five (BENCH_REPS may raise it, never lower it below 5 in a full bench). */
export const REPS = Math.max(1, Number(process.env.BENCH_REPS ?? 5));

export function median(samples: readonly number[]): number {
	if (samples.length === 0) return Number.NaN;
	const sorted = [...samples].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The value (median) and spread of repeated measurements. */
export function summarize(samples: readonly number[]): { value: number; spread: Spread } {
	return {
		value: median(samples),
		spread: { n: samples.length, min: Math.min(...samples), max: Math.max(...samples) },
	};
}

/**
 * Runs each variant `reps` times, alternating (A B C A B C ...) so that a change in machine load touches every
 * variant alike. `measure` returns named figures for one run; the result holds each figure's samples per variant.
 */
export async function alternating<V extends string, M extends string>(
	variants: readonly V[],
	reps: number,
	measure: (variant: V, rep: number) => Promise<Record<M, number>>,
): Promise<Record<V, Record<M, number[]>>> {
	const out = {} as Record<V, Record<M, number[]>>;
	for (let rep = 0; rep < reps; rep++) {
		for (const variant of variants) {
			const figures = await measure(variant, rep);
			const slot = (out[variant] ??= {} as Record<M, number[]>);
			for (const [name, value] of Object.entries(figures) as [M, number][])
				(slot[name] ??= []).push(value);
		}
	}
	return out;
}

// One forced collection for the benches and the memory tests.
export { forceGc };

/** Memory after a forced GC: the baseline that growth is measured from. */
export interface MemoryBaseline {
	rss: number;
	heapUsed: number;
}

export function memoryBaseline(): MemoryBaseline {
	forceGc();
	const usage = process.memoryUsage();
	return { rss: usage.rss, heapUsed: usage.heapUsed };
}

/** Peak RSS growth over a post-GC baseline while `work` runs (RSS sampled every `everyMs`), wall and CPU time. */
export async function memoryGrowth<T>(
	work: () => Promise<T>,
	everyMs = 20,
): Promise<{ result: T; peakRssGrowth: number; ms: number; cpuMs: number }> {
	const base = memoryBaseline();
	let peak = base.rss;
	const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), everyMs);
	const started = process.hrtime.bigint();
	const cpu = process.cpuUsage();
	let result: T;
	try {
		result = await work();
	} finally {
		clearInterval(timer);
		peak = Math.max(peak, process.memoryUsage().rss);
	}
	const ms = Number(process.hrtime.bigint() - started) / 1e6;
	const used = process.cpuUsage(cpu);
	// No second forced collection after the run (it measured a retained heap nothing reported): with three fakes of
	// 100,000 items in this process each full collection costs seconds, paid per repetition outside the figures.
	return {
		result,
		peakRssGrowth: peak - base.rss,
		ms,
		cpuMs: (used.user + used.system) / 1000,
	};
}

/** Wall and CPU milliseconds of one awaited piece of work (CPU: this process, user + system). */
export async function timed<T>(
	work: () => Promise<T>,
): Promise<{ result: T; ms: number; cpuMs: number }> {
	const started = process.hrtime.bigint();
	const cpu = process.cpuUsage();
	const result = await work();
	const used = process.cpuUsage(cpu);
	return {
		result,
		ms: Number(process.hrtime.bigint() - started) / 1e6,
		cpuMs: (used.user + used.system) / 1000,
	};
}

/** The machine's load averages (1, 5, 15 minutes): the machine is shared, so every report says how busy it was. */
export function load(): string {
	return loadavg()
		.map((l) => l.toFixed(2))
		.join(', ');
}

export interface Machine {
	cpu: string;
	cores: number;
	memoryGiB: number;
	node: string;
	platform: string;
}

export function machine(): Machine {
	const list = cpus();
	return {
		cpu: list[0]?.model.trim() ?? 'unknown',
		cores: list.length,
		memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
		node: process.version,
		platform: `${process.platform}-${process.arch}`,
	};
}

/** Collects figures and prints each one next to its target as it is measured. */
export class Figures {
	readonly all: Figure[] = [];

	add(figure: Figure): Figure {
		this.all.push(figure);
		const verdict = figure.pass === undefined ? '' : figure.pass ? '  ok' : '  MISSED';
		const target = figure.target ? `  (target ${figure.target})` : '';
		const note = figure.note ? `  [${figure.note}]` : '';
		const spread = figure.spread ? ` ${spreadText(figure.spread, figure.unit)}` : '';
		process.stdout.write(
			`  ${figure.scenario} | ${figure.subject} | ${figure.metric}: ${format(figure.value)} ${figure.unit}${spread}${target}${verdict}${note}\n`,
		);
		return figure;
	}

	/** A figure with an upper bound. */
	atMost(base: Omit<Figure, 'target' | 'pass'>, limit: number): Figure {
		return this.add({ ...base, target: `<= ${format(limit)}`, pass: base.value <= limit + 1e-9 });
	}

	/** A figure with a lower bound. */
	atLeast(base: Omit<Figure, 'target' | 'pass'>, limit: number): Figure {
		return this.add({ ...base, target: `>= ${format(limit)}`, pass: base.value >= limit - 1e-9 });
	}

	info(base: Omit<Figure, 'target' | 'pass'>): Figure {
		return this.add(base);
	}

	/**
	 * A figure measured repeatedly: its value is the median of `samples`, with the spread; judged against
	 * `bound` when given. Use this for every timing and memory figure.
	 */
	repeated(
		base: Omit<Figure, 'target' | 'pass' | 'value' | 'spread'>,
		samples: readonly number[],
		bound?: { atMost?: number; atLeast?: number },
	): Figure {
		const figure = { ...base, ...summarize(samples) };
		if (bound?.atMost !== undefined) return this.atMost(figure, bound.atMost);
		if (bound?.atLeast !== undefined) return this.atLeast(figure, bound.atLeast);
		return this.info(figure);
	}
}

/** "(median of 5: 1.10-1.42)" */
export function spreadText(spread: Spread, unit = ''): string {
	if (spread.n < 2) return '(1 run)';
	return `(median of ${spread.n}: ${format(spread.min)}-${format(spread.max)}${unit ? ` ${unit}` : ''})`;
}

/** How the whole bench ran: when, how long, and how loaded the shared machine was at the start and the end. */
export interface RunInfo {
	at: Date;
	wallSeconds: number;
	loadAtStart: string;
	loadAtEnd: string;
	reps: number;
}

export function format(value: number): string {
	if (!Number.isFinite(value)) return String(value);
	if (Number.isInteger(value)) return value.toLocaleString('en-US');
	const digits =
		Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : Math.abs(value) >= 1 ? 2 : 3;
	return value.toLocaleString('en-US', { maximumFractionDigits: digits });
}

function cell(text: string): string {
	return text.replace(/\|/g, '\\|');
}

export function markdownTable(
	figures: Figure[],
	at: Date,
	host: Machine,
	run?: Omit<RunInfo, 'at'>,
): string {
	const whole = run
		? ` The whole bench took ${format(run.wallSeconds)} s of wall time; load average (1, 5, 15 min) ${run.loadAtStart} at the start, ${run.loadAtEnd} at the end (a shared machine). Timings and memory are medians of ${run.reps} alternating repetitions, with min-max.`
		: '';
	const lines = [
		`Measured ${at.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${host.cpu}, ${host.cores} cores, ${host.memoryGiB} GiB, Node ${host.node} (${host.platform}); fakes on loopback.${whole}`,
		'',
		'| Scenario | Subject | Figure | Value | Spread | Target | |',
		'|---|---|---|---:|---|---|---|',
	];
	for (const f of figures) {
		const verdict = f.pass === undefined ? '' : f.pass ? 'ok' : '**missed**';
		const value = `${format(f.value)} ${f.unit}`.trim();
		const spread = f.spread
			? f.spread.n < 2
				? '1 run'
				: `${format(f.spread.min)}-${format(f.spread.max)} (n=${f.spread.n})`
			: '';
		lines.push(
			`| ${cell(f.scenario)} | ${cell(f.subject)} | ${cell(f.metric)}${f.note ? ` (${cell(f.note)})` : ''} | ${cell(value)} | ${cell(spread)} | ${cell(f.target ?? '')} | ${verdict} |`,
		);
	}
	return `${lines.join('\n')}\n`;
}

/** The README text with the section between the bench markers replaced (markers added at the end if missing). */
export function replaceReadmeSection(readme: string, table: string): string {
	const start = '<!-- bench:start -->';
	const end = '<!-- bench:end -->';
	const from = readme.indexOf(start);
	const to = readme.indexOf(end);
	if (from < 0 || to < from)
		return `${readme.trimEnd()}\n\n## Benchmarks\n\n${start}\n${table}${end}\n`;
	return `${readme.slice(0, from + start.length)}\n${table}${readme.slice(to)}`;
}
