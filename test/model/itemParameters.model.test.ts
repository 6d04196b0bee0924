/**
 * The user's promise behind the fast parameter read (issue 17 point 2): a per-item parameter has exactly the value
 * n8n's own evaluation gives it, whatever the expression and whatever the item holds. A probe node in n8n's real
 * engine (WorkflowExecute) reads the same parameter both ways for every item, `ctx.getNodeParameter` and
 * `ItemParameters.get` (and a template segment both ways, `ctx.evaluateExpression` and `ItemParameters.evaluate`),
 * and the two outcomes (value with its type, or the error) must be equal. Generated: plain field reads with every
 * spacing and quoting, nested paths, names n8n refuses, near misses (text around the braces, a space after `=`),
 * literal `=text` values and constants; item values of every kind (text that looks like an expression, numbers
 * including -0, NaN and infinities, booleans, null, missing fields, arrays, objects, dates).
 */
import { isDeepStrictEqual } from 'util';
import fc from 'fast-check';
import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import {
	ItemParameters,
	plainFieldChain,
	plainFieldPath,
} from '../../nodes/parameters/plainFieldRead';
import { WorkflowHarness } from '../harness/workflow';
import { checkModel, modelBudget } from './support/budget';

type Outcome = { value: unknown } | { error: string };

function outcome(read: () => unknown): Outcome {
	try {
		return { value: read() };
	} catch (error) {
		return { error: (error as Error).message };
	}
}

/** Reads its `value` parameter both ways for every item and records both outcomes. */
class ParameterProbe implements INodeType {
	static seen: Array<{ n8n: Outcome; fast: Outcome; n8nSegment?: Outcome; fastSegment?: Outcome }> =
		[];

	description: INodeTypeDescription = {
		displayName: 'Parameter Probe',
		name: 'parameterProbe',
		group: ['transform'],
		version: 1,
		description: 'Reads a parameter through n8n and through ItemParameters',
		defaults: { name: 'Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Value', name: 'value', type: 'string', default: '' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const fast = new ItemParameters(this);
		const raw = this.getNodeParameter('value', 0, '', { rawExpressions: true }) as unknown;
		const segment = typeof raw === 'string' && raw.startsWith('=') ? raw.slice(1) : undefined;
		const items = this.getInputData();
		for (let i = 0; i < items.length; i++) {
			ParameterProbe.seen.push({
				n8n: outcome(() => this.getNodeParameter('value', i, '')),
				fast: outcome(() => fast.get('value', i, '')),
				n8nSegment:
					segment === undefined ? undefined : outcome(() => this.evaluateExpression(segment, i)),
				fastSegment: segment === undefined ? undefined : outcome(() => fast.evaluate(segment, i)),
			});
		}
		return [items];
	}
}

const KEYS = [
	'id',
	'date',
	'account',
	'my field',
	'a',
	'b',
	'x-y',
	'ünï',
	'$x',
	'_',
	'0',
	'length',
	'toString',
	'valueOf',
	'hasOwnProperty',
	'constructor',
	'__proto__',
	'prototype',
	'mainModule',
	"it's",
];
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

const leaf: fc.Arbitrary<unknown> = fc.oneof(
	fc.string({ maxLength: 12 }),
	fc.constantFrom(
		'',
		' ',
		' padded ',
		'={{ 1 + 1 }}',
		'{{ $json.id }}',
		'=',
		'null',
		'0',
		'true',
		'2026-01-15T12:00:00Z',
		'R1',
	),
	fc.integer(),
	fc.double(),
	fc.constantFrom(
		0,
		-0,
		1e21,
		0.1,
		Number.MAX_SAFE_INTEGER + 2,
		Number.NaN,
		Number.POSITIVE_INFINITY,
	),
	fc.boolean(),
	fc.constant(null),
	fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 4 })), { maxLength: 3 }),
	fc.date({ noInvalidDate: true }),
);
const objectOf = (values: fc.Arbitrary<unknown>) =>
	fc.dictionary(fc.constantFrom(...KEYS), values, { maxKeys: 5 });
const itemJson = objectOf(
	fc.oneof({ weight: 4, arbitrary: leaf }, { weight: 1, arbitrary: objectOf(leaf) }),
) as fc.Arbitrary<IDataObject>;

/** One path segment written the ways n8n users write it. */
function segmentText(key: string, style: 'dot' | 'double' | 'single'): string {
	if (style === 'dot' && IDENTIFIER.test(key)) return `.${key}`;
	if (style === 'single' && !key.includes("'")) return `['${key}']`;
	return `["${key}"]`;
}
const space = fc.constantFrom('', ' ', '  ', '\t', '\n');
const path = fc.array(fc.constantFrom(...KEYS), { minLength: 1, maxLength: 3 });
/** A field read of `path`, mostly exact, sometimes a near miss (a space after `=`, text after the braces, no `=`). */
const fieldRead = (keys: string[]) =>
	fc
		.tuple(
			fc.array(fc.constantFrom('dot', 'double', 'single'), {
				minLength: keys.length,
				maxLength: keys.length,
			}),
			space,
			space,
			fc.constantFrom('=', '=', '=', '= ', ''),
			fc.constantFrom('', '', '', '', ' ', 'x', '/'),
		)
		.map(
			([styles, before, after, start, end]) =>
				`${start}{{${before}$json${keys.map((key, i) => segmentText(key, styles[i])).join('')}${after}}}${end}`,
		);
const otherExpression = fc.constantFrom(
	'={{ $json.id + 1 }}',
	'={{ $json.id.toString() }}',
	'={{ $json?.id }}',
	'={{ $json.id }}{{ $json.date }}',
	'=R-{{ $json.id }}',
	'={{ "literal" }}',
	'={{ $json["id"] ?? "none" }}',
	'={{ $input.item.json.id }}',
	'={{ $json }}',
	'={{ $json.a["b"] }}',
	'={{ $json . id }}',
	'={{ $json["i\\"d"] }}',
);
/** One field read as an operand of `||`: `$json<path>` written the ways users write it. */
const operand = (keys: string[]) =>
	fc
		.array(fc.constantFrom('dot', 'double', 'single'), {
			minLength: keys.length,
			maxLength: keys.length,
		})
		.map((styles) => `$json${keys.map((key, i) => segmentText(key, styles[i])).join('')}`);
/** `={{ $json.a || $json.b }}` (Export 2's Document Date default), the item's path first, last or in the middle. */
const orRead = (keys: string[]) =>
	fc
		.tuple(
			fc.array(path.chain(operand), { minLength: 1, maxLength: 2 }),
			operand(keys),
			fc.nat(2),
			space,
			space,
			fc.constantFrom(' || ', '||', ' ||\t'),
		)
		.map(([others, mine, at, before, after, join]) => {
			const operands = [...others];
			operands.splice(Math.min(at, operands.length), 0, mine);
			return `={{${before}${operands.join(join)}${after}}}`;
		});
const rawFor = (keys: string[]) =>
	fc.oneof(
		{ weight: 8, arbitrary: fieldRead(keys) },
		{ weight: 4, arbitrary: orRead(keys) },
		{ weight: 2, arbitrary: otherExpression },
		{ weight: 1, arbitrary: fc.string({ maxLength: 10 }).map((text) => `=${text}`) },
		{ weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
	);

/** What lies on the way to the field: mostly objects, sometimes an array, null or text (n8n decides those). */
const intermediate = fc.constantFrom<'object' | 'array' | 'null' | 'text'>(
	'object',
	'object',
	'object',
	'object',
	'array',
	'null',
	'text',
);

/** An item that holds (or, sometimes, lacks) a value at `keys`, set as own properties whatever the names. */
const itemAt = (keys: string[]) =>
	fc
		.tuple(
			itemJson,
			fc.option(
				fc.oneof({ weight: 4, arbitrary: leaf }, { weight: 1, arbitrary: objectOf(leaf) }),
				{ nil: undefined, freq: 6 },
			),
			intermediate,
		)
		.map(([base, value, way]) => {
			const json: IDataObject = { ...base };
			if (value === undefined) return json;
			let at: IDataObject = json;
			for (const [i, key] of keys.entries()) {
				const last = i === keys.length - 1;
				const next: unknown = last
					? value
					: way === 'object'
						? {}
						: way === 'array'
							? []
							: way === 'null'
								? null
								: 'text';
				Object.defineProperty(at, key, {
					value: next,
					enumerable: true,
					writable: true,
					configurable: true,
				});
				if (last || typeof next !== 'object' || next === null || Array.isArray(next)) break;
				at = next as IDataObject;
			}
			return json;
		});
const scenario = path.chain((keys) =>
	fc.tuple(rawFor(keys), fc.array(itemAt(keys), { minLength: 1, maxLength: 6 })),
);

async function readBothWays(
	raw: string,
	items: IDataObject[],
): Promise<typeof ParameterProbe.seen> {
	ParameterProbe.seen = [];
	const harness = new WorkflowHarness().registerNode('parameterProbe', new ParameterProbe());
	harness.addNode({ name: 'Probe', type: 'parameterProbe', parameters: { value: raw } });
	const result = await harness.run({ input: items.map((json) => ({ json })) });
	if (result.status !== 'success') throw result.error ?? new Error(`probe run ${result.status}`);
	return ParameterProbe.seen;
}

/**
 * Same value, type and prototypes (node's deep strict equality). Not Jest's toStrictEqual: it compares objects'
 * `.constructor`, which a generated item may hold as an own field (`{ constructor: NaN }` never equals itself).
 */
function expectSame(fast: Outcome | undefined, n8n: Outcome | undefined): void {
	if (!isDeepStrictEqual(fast, n8n)) expect(fast).toStrictEqual(n8n);
}

describe('A per-item parameter read directly from the item equals n8n evaluating it (issue 17)', () => {
	test('generated expressions and item values: the same value (and type) or the same error, both ways, for every item', async () => {
		const name = 'item parameters equal n8n';
		const budget = modelBudget(name, 150);
		await checkModel(
			name,
			budget,
			fc.asyncProperty(scenario, async ([raw, items]) => {
				for (const seen of await readBothWays(raw, items)) {
					expectSame(seen.fast, seen.n8n);
					expectSame(seen.fastSegment, seen.n8nSegment);
				}
			}),
		);
	}, 600_000);

	test('the fast path is taken for the reads users write, so the cost cut is real', () => {
		expect(plainFieldPath('={{ $json.id }}')).toEqual(['id']);
		expect(plainFieldPath('={{$json.id}}')).toEqual(['id']);
		expect(plainFieldPath('={{ $json["order id"] }}')).toEqual(['order id']);
		expect(plainFieldPath("={{ $json['order id'] }}")).toEqual(['order id']);
		expect(plainFieldPath('={{ $json.customer.name }}')).toEqual(['customer', 'name']);
		expect(plainFieldPath('={{ $json.customer["first name"] }}')).toEqual([
			'customer',
			'first name',
		]);
		expect(plainFieldChain('={{ $json.date || $json.modifiedAt }}')).toEqual([
			['date'],
			['modifiedAt'],
		]);
		expect(plainFieldChain('={{$json["a b"]||$json.c.d}}')).toEqual([['a b'], ['c', 'd']]);
		expect(plainFieldChain('={{ $json.date || "none" }}')).toBeUndefined();
		expect(plainFieldChain('={{ $json.date }}')).toBeUndefined();
	});

	test('anything else goes to n8n: other expressions, text around the braces, literal values, refused names', () => {
		for (const raw of [
			'{{ $json.id }}',
			'= {{ $json.id }}',
			'={{ $json.id }} ',
			'=R{{ $json.id }}',
			'={{ $json.id + 1 }}',
			'={{ $json?.id }}',
			'=id',
			'id',
			'={{ $json }}',
			'={{ $json.constructor }}',
			'={{ $json["__proto__"] }}',
			'={{ $json["a\\"b"] }}',
			42,
			null,
			undefined,
		]) {
			expect(plainFieldPath(raw)).toBeUndefined();
		}
	});

	test('a missing field, null, an object or a number that is not finite is left to n8n, item by item', async () => {
		const seen = await readBothWays('={{ $json.id }}', [
			{ id: 'R1' },
			{},
			{ id: null },
			{ id: { nested: 1 } },
			{ id: Number.NaN },
			{ id: 7 },
			{ id: false },
		]);
		expect(seen.map((s) => s.fast)).toStrictEqual(seen.map((s) => s.n8n));
		expect(seen[0].fast).toStrictEqual({ value: 'R1' });
		expect(seen[5].fast).toStrictEqual({ value: 7 });
	});
});
