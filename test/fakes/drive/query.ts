/**
 * The subset of Drive's `q` search language the sync engine and its tests use. Anything else is rejected
 * with a QueryError (the fake answers 400 invalid, as Drive does for unknown terms).
 */

export interface QueryFile {
	id: string;
	name: string;
	mimeType: string;
	parents: string[];
	trashed: boolean;
	starred: boolean;
	modifiedTime: string;
	createdTime: string;
	appProperties: Record<string, string>;
	properties: Record<string, string>;
}

export type Predicate = (file: QueryFile) => boolean;

export class QueryError extends Error {}

export interface ParsedQuery {
	matches: Predicate;
	/** True when a `trashed = false` term is present (otherwise Drive lists trashed files too). */
	mentionsTrashed: boolean;
}

type Token =
	| { kind: 'string'; value: string }
	| { kind: 'word'; value: string }
	| { kind: 'op'; value: string }
	| { kind: 'punct'; value: string };

function tokenize(text: string): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	while (i < text.length) {
		const ch = text[i];
		if (/\s/.test(ch)) {
			i++;
		} else if (ch === "'" || ch === '"') {
			let value = '';
			i++;
			while (i < text.length && text[i] !== ch) {
				if (text[i] === '\\') {
					if (i + 1 >= text.length) throw new QueryError('Invalid Value');
					value += text[i + 1];
					i += 2;
				} else value += text[i++];
			}
			if (i >= text.length) throw new QueryError('Invalid Value');
			i++;
			tokens.push({ kind: 'string', value });
		} else if ('(){}'.includes(ch)) {
			tokens.push({ kind: 'punct', value: ch });
			i++;
		} else if ('=<>!'.includes(ch)) {
			const two = text.slice(i, i + 2);
			if (two === '!=' || two === '<=' || two === '>=') {
				tokens.push({ kind: 'op', value: two });
				i += 2;
			} else if (ch === '!') throw new QueryError('Invalid Value');
			else {
				tokens.push({ kind: 'op', value: ch });
				i++;
			}
		} else if (/[A-Za-z0-9_.:-]/.test(ch)) {
			let value = '';
			while (i < text.length && /[A-Za-z0-9_.:-]/.test(text[i])) value += text[i++];
			tokens.push({ kind: 'word', value });
		} else throw new QueryError('Invalid Value');
	}
	return tokens;
}

const BOOLEAN_FIELDS = new Set(['trashed', 'starred']);
const TIME_FIELDS = new Set(['modifiedTime', 'createdTime']);
const STRING_FIELDS = new Set(['name', 'mimeType']);

/** `name contains` matches word prefixes, not arbitrary substrings (documented trap). */
export function nameContains(name: string, query: string): boolean {
	const haystack = name.toLowerCase();
	const needle = query.toLowerCase();
	if (!needle) return true;
	for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
		if (at === 0 || !/[\p{L}\p{N}]/u.test(haystack[at - 1])) return true;
	}
	return false;
}

export function parseQuery(
	text: string,
	resolveId: (id: string) => string = (id) => id,
): ParsedQuery {
	const tokens = tokenize(text);
	let pos = 0;
	let mentionsTrashed = false;
	const peek = () => tokens[pos];
	const isWord = (value: string) =>
		peek()?.kind === 'word' && peek()!.value.toLowerCase() === value;
	const expect = (kind: Token['kind'], value?: string): Token => {
		const token = tokens[pos++];
		if (
			!token ||
			token.kind !== kind ||
			(value !== undefined && token.value.toLowerCase() !== value)
		) {
			throw new QueryError('Invalid Value');
		}
		return token;
	};

	const parseOr = (): Predicate => {
		let left = parseAnd();
		while (isWord('or')) {
			pos++;
			const right = parseAnd();
			const l = left;
			left = (f) => l(f) || right(f);
		}
		return left;
	};
	const parseAnd = (): Predicate => {
		let left = parseUnary();
		while (isWord('and')) {
			pos++;
			const right = parseUnary();
			const l = left;
			left = (f) => l(f) && right(f);
		}
		return left;
	};
	const parseUnary = (): Predicate => {
		if (isWord('not')) {
			pos++;
			const inner = parseUnary();
			return (f) => !inner(f);
		}
		if (peek()?.kind === 'punct' && peek()!.value === '(') {
			pos++;
			const inner = parseOr();
			expect('punct', ')');
			return inner;
		}
		return parseTerm();
	};
	const parseTerm = (): Predicate => {
		const first = tokens[pos++];
		if (!first) throw new QueryError('Invalid Value');
		if (first.kind === 'string') {
			expect('word', 'in');
			const collection = expect('word').value;
			if (collection !== 'parents') throw new QueryError('Invalid Value');
			const id = resolveId(first.value);
			return (f) => f.parents.includes(id);
		}
		if (first.kind !== 'word') throw new QueryError('Invalid Value');
		const field = first.value;
		if (field === 'appProperties' || field === 'properties') {
			expect('word', 'has');
			expect('punct', '{');
			expect('word', 'key');
			expect('op', '=');
			const key = expect('string').value;
			expect('word', 'and');
			expect('word', 'value');
			expect('op', '=');
			const value = expect('string').value;
			expect('punct', '}');
			return (f) => (field === 'appProperties' ? f.appProperties : f.properties)[key] === value;
		}
		const next = tokens[pos++];
		if (!next) throw new QueryError('Invalid Value');
		if (next.kind === 'word' && next.value.toLowerCase() === 'contains') {
			const value = expect('string').value;
			if (field === 'name') return (f) => nameContains(f.name, value);
			if (field === 'mimeType') return (f) => f.mimeType.includes(value);
			if (field === 'fullText') return (f) => nameContains(f.name, value);
			throw new QueryError('Invalid Value');
		}
		if (next.kind !== 'op') throw new QueryError('Invalid Value');
		const op = next.value;
		if (BOOLEAN_FIELDS.has(field)) {
			const literal = expect('word').value.toLowerCase();
			if ((literal !== 'true' && literal !== 'false') || (op !== '=' && op !== '!='))
				throw new QueryError('Invalid Value');
			const wanted = (literal === 'true') === (op === '=');
			if (field === 'trashed') mentionsTrashed = true;
			return (f) => (field === 'trashed' ? f.trashed : f.starred) === wanted;
		}
		if (STRING_FIELDS.has(field)) {
			const value = expect('string').value;
			if (op !== '=' && op !== '!=') throw new QueryError('Invalid Value');
			// `name =` is case-insensitive at Drive in practice; mimeType is exact.
			const equal =
				field === 'name'
					? (f: QueryFile) => f.name.toLowerCase() === value.toLowerCase()
					: (f: QueryFile) => f.mimeType === value;
			return op === '=' ? equal : (f) => !equal(f);
		}
		if (TIME_FIELDS.has(field)) {
			const raw = expect('string').value;
			const bound = Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(raw) ? raw : `${raw}Z`);
			if (Number.isNaN(bound)) throw new QueryError('Invalid Value');
			const compare = COMPARATORS[op];
			if (!compare) throw new QueryError('Invalid Value');
			return (f) =>
				compare(Date.parse(field === 'modifiedTime' ? f.modifiedTime : f.createdTime), bound);
		}
		throw new QueryError('Invalid Value');
	};

	const matches = parseOr();
	if (pos !== tokens.length) throw new QueryError('Invalid Value');
	return { matches, mentionsTrashed };
}

const COMPARATORS: Record<string, (a: number, b: number) => boolean> = {
	'=': (a, b) => a === b,
	'!=': (a, b) => a !== b,
	'<': (a, b) => a < b,
	'<=': (a, b) => a <= b,
	'>': (a, b) => a > b,
	'>=': (a, b) => a >= b,
};
