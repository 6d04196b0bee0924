import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

/**
 * Per-item parameters without n8n's per-item expression cost (issue 17).
 *
 * n8n evaluates an expression such as `={{ $json.id }}` afresh for every item: a data proxy, a sandboxed global
 * context and the template engine, about 50 µs an item, which made 85% of a 100,000-record idle export. Most of
 * our per-item parameters are exactly such a plain field read. When the raw value is one, and the item's value
 * is one whose n8n result is known (a string, a finite number or a boolean found as an own property through plain
 * objects), it is read directly from the item. Everything else (any other expression, a missing field, null, an
 * object, a literal `=text`, a name n8n's sandbox refuses) goes through n8n's own evaluation unchanged, so the
 * result is always what n8n would give: test/model/itemParameters.model.test.ts compares both over generated values.
 * A parameter that is no expression at all is read through n8n once per run: its value is the same for every item.
 */

/** Names n8n's expression sandbox refuses or that reach the prototype (n8n-workflow's unsafe properties, and more). */
const REFUSED = new Set([
	'__proto__',
	'prototype',
	'constructor',
	'getPrototypeOf',
	'mainModule',
	'binding',
	'_linkedBinding',
	'_load',
	'prepareStackTrace',
	'__lookupGetter__',
	'__lookupSetter__',
	'__defineGetter__',
	'__defineSetter__',
	'caller',
	'arguments',
	'getBuiltinModule',
	'dlopen',
	'execve',
	'loadEnvFile',
]);

const IDENTIFIER = '[A-Za-z_$][A-Za-z0-9_$]*';
/** A quoted key without quotes, backslashes or braces (anything subtler goes to n8n). */
const QUOTED = `"[^"\\\\{}\\n]*"|'[^'\\\\{}\\n]*'`;
const SEGMENT = new RegExp(`\\.(${IDENTIFIER})|\\[(${QUOTED})\\]`, 'y');
/** `={{ $json<path> }}` with spaces or tabs inside the braces and nothing outside them. */
const WHOLE = new RegExp(
	`^=\\{\\{[ \\t]*\\$json((?:\\.${IDENTIFIER}|\\[(?:${QUOTED})\\])+)[ \\t]*\\}\\}$`,
);

/**
 * The field path when `raw` (a parameter's raw value, `=` included) is exactly a plain field read such as
 * `={{ $json.id }}`, `={{ $json["order id"] }}` or `={{ $json.customer.name }}`; undefined for anything else.
 */
export function plainFieldPath(raw: unknown): string[] | undefined {
	if (typeof raw !== 'string') return undefined;
	const whole = WHOLE.exec(raw);
	return whole ? segmentsOf(whole[1]) : undefined;
}

/** `={{ $json.a || $json.b }}`: plain field reads joined by `||` (Export 2's Document Date default). */
const CHAIN = /^=\{\{[ \t]*(\$json[^]*?)[ \t]*\}\}$/;
const OPERAND = new RegExp(`^[ \\t]*\\$json((?:\\.${IDENTIFIER}|\\[(?:${QUOTED})\\])+)[ \\t]*$`);

/** The field paths when `raw` is two or more plain field reads joined by `||`; undefined for anything else. */
export function plainFieldChain(raw: unknown): string[][] | undefined {
	if (typeof raw !== 'string') return undefined;
	const whole = CHAIN.exec(raw);
	if (!whole || !whole[1].includes('||')) return undefined;
	const paths: string[][] = [];
	for (const operand of whole[1].split('||')) {
		const read = OPERAND.exec(operand);
		const path = read ? segmentsOf(read[1]) : undefined;
		if (!path) return undefined;
		paths.push(path);
	}
	return paths;
}

function segmentsOf(text: string): string[] | undefined {
	const path: string[] = [];
	SEGMENT.lastIndex = 0;
	while (SEGMENT.lastIndex < text.length) {
		const match = SEGMENT.exec(text);
		if (!match) return undefined;
		const key = match[1] ?? match[2].slice(1, -1);
		if (REFUSED.has(key)) return undefined;
		path.push(key);
	}
	return path;
}

const own = Object.prototype.hasOwnProperty;

/** A raw parameter value n8n returns unchanged for every item: text that is not an expression, a number, a boolean. */
function isConstant(raw: unknown): boolean {
	return (
		(typeof raw === 'string' && !raw.startsWith('=')) ||
		typeof raw === 'number' ||
		typeof raw === 'boolean'
	);
}

function isPlainObject(value: unknown): value is IDataObject {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
	const proto = Object.getPrototypeOf(value) as unknown;
	return proto === Object.prototype || proto === null;
}

/** The value at `path` when n8n's result for it is certainly that value; undefined when n8n must decide. */
/**
 * `a || b || c` read from the item, when n8n's result is certainly that value: each operand before the last that is
 * surely falsy (missing from plain objects with nothing inherited by that name, '', 0, NaN, false, null) passes on,
 * the first truthy text, number or boolean is the result, and the last operand is read as a plain field. Anything
 * else (an object, an inherited name, a non-object on the way) is for n8n to decide: undefined.
 */
export function readPlainChain(
	json: unknown,
	paths: readonly string[][],
): string | number | boolean | undefined {
	for (const path of paths.slice(0, -1)) {
		const value = walk(json, path);
		if (value === UNSURE) return undefined;
		if (
			value === undefined ||
			value === null ||
			value === '' ||
			value === 0 ||
			value === false ||
			Number.isNaN(value)
		)
			continue;
		if (typeof value === 'string' || typeof value === 'boolean') return value;
		if (typeof value === 'number' && Number.isFinite(value)) return value;
		return undefined;
	}
	return readPlainField(json, paths[paths.length - 1]);
}

const UNSURE = Symbol('unsure');

/** The value at `path` through plain objects' own properties; undefined when surely absent; UNSURE otherwise. */
function walk(json: unknown, path: readonly string[]): unknown {
	let value: unknown = json;
	for (const [i, key] of path.entries()) {
		if (!isPlainObject(value)) return UNSURE;
		// Absent before the last key, the next step reads a property of undefined: n8n's error, not ours to give.
		if (!own.call(value, key)) return key in value || i < path.length - 1 ? UNSURE : undefined;
		value = value[key];
	}
	return value;
}

export function readPlainField(
	json: unknown,
	path: readonly string[],
): string | number | boolean | undefined {
	let value: unknown = json;
	for (const key of path) {
		if (!isPlainObject(value) || !own.call(value, key)) return undefined;
		value = value[key];
	}
	if (typeof value === 'string' || typeof value === 'boolean') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	return undefined;
}

type Read = (itemIndex: number) => unknown;

/**
 * Reads per-item parameters for one run. Each parameter's raw value is looked at once; a plain field read is then
 * answered from the item where it can be, anything else by `getNodeParameter` for that item as before.
 */
export class ItemParameters {
	private readonly reads = new Map<string, Read>();
	private readonly expressions = new Map<string, Read>();

	constructor(private readonly ctx: IExecuteFunctions) {}

	/** The parameter's value for this item: exactly `ctx.getNodeParameter(name, itemIndex, fallback)`. */
	get(name: string, itemIndex: number, fallback: unknown): unknown {
		let read = this.reads.get(name);
		if (!read) {
			const raw = this.ctx.getNodeParameter(name, 0, fallback, { rawExpressions: true }) as unknown;
			const byN8n = (index: number) => this.ctx.getNodeParameter(name, index, fallback);
			read = isConstant(raw)
				? this.constant(byN8n)
				: this.reader(plainFieldPath(raw), byN8n, plainFieldChain(raw));
			this.reads.set(name, read);
		}
		return read(itemIndex);
	}

	/**
	 * A value that is not an expression is the same for every item (n8n uses the item index only to name it in an
	 * error): it is read through n8n once, on the first item that reads it without an error.
	 */
	private constant(byN8n: Read): Read {
		let known: { value: unknown } | undefined;
		return (index) => {
			if (known) return known.value;
			const value = byN8n(index);
			known = { value };
			return value;
		};
	}

	/**
	 * An expression (the text after `=`) for this item: exactly `ctx.evaluateExpression(expression, itemIndex)`.
	 * Used for the segments of a folder template, each evaluated alone.
	 */
	evaluate(expression: string, itemIndex: number): unknown {
		let read = this.expressions.get(expression);
		if (!read) {
			read = this.reader(
				plainFieldPath(`=${expression}`),
				(index) => this.ctx.evaluateExpression(expression, index),
				plainFieldChain(`=${expression}`),
			);
			this.expressions.set(expression, read);
		}
		return read(itemIndex);
	}

	private reader(path: string[] | undefined, byN8n: Read, chain?: string[][]): Read {
		if (!path && !chain) return byN8n;
		const items = this.ctx.getInputData();
		return (index) => {
			const json = items[index]?.json;
			const direct = path ? readPlainField(json, path) : readPlainChain(json, chain!);
			return direct === undefined ? byN8n(index) : direct;
		};
	}
}

const perRun = new WeakMap<IExecuteFunctions, ItemParameters>();

/**
 * The run's reader: n8n gives each run (each node execution) its own context, so the cache lives as long as the run.
 */
export function itemParameters(ctx: IExecuteFunctions): ItemParameters {
	let reader = perRun.get(ctx);
	if (!reader) {
		reader = new ItemParameters(ctx);
		perRun.set(ctx, reader);
	}
	return reader;
}
