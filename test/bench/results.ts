import { cpus, totalmem } from 'os';

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
		process.stdout.write(`  ${figure.scenario} | ${figure.subject} | ${figure.metric}: ${format(figure.value)} ${figure.unit}${target}${verdict}${note}\n`);
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
}

export function format(value: number): string {
	if (!Number.isFinite(value)) return String(value);
	if (Number.isInteger(value)) return value.toLocaleString('en-US');
	const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : Math.abs(value) >= 1 ? 2 : 3;
	return value.toLocaleString('en-US', { maximumFractionDigits: digits });
}

function cell(text: string): string {
	return text.replace(/\|/g, '\\|');
}

export function markdownTable(figures: Figure[], at: Date, host: Machine): string {
	const lines = [
		`Measured ${at.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${host.cpu}, ${host.cores} cores, ${host.memoryGiB} GiB, Node ${host.node} (${host.platform}); fakes on loopback.`,
		'',
		'| Scenario | Subject | Figure | Value | Target | |',
		'|---|---|---|---:|---|---|',
	];
	for (const f of figures) {
		const verdict = f.pass === undefined ? '' : f.pass ? 'ok' : '**missed**';
		const value = `${format(f.value)} ${f.unit}`.trim();
		lines.push(`| ${cell(f.scenario)} | ${cell(f.subject)} | ${cell(f.metric)}${f.note ? ` (${cell(f.note)})` : ''} | ${cell(value)} | ${cell(f.target ?? '')} | ${verdict} |`);
	}
	return `${lines.join('\n')}\n`;
}

/** The README text with the section between the bench markers replaced (markers added at the end if missing). */
export function replaceReadmeSection(readme: string, table: string): string {
	const start = '<!-- bench:start -->';
	const end = '<!-- bench:end -->';
	const from = readme.indexOf(start);
	const to = readme.indexOf(end);
	if (from < 0 || to < from) return `${readme.trimEnd()}\n\n## Benchmarks\n\n${start}\n${table}${end}\n`;
	return `${readme.slice(0, from + start.length)}\n${table}${readme.slice(to)}`;
}
