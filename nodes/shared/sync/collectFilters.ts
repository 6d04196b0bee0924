import type { RemoteItem } from '../types/remote';

/** Which files the user wants, as plain data (compiled once per run). */
export interface CollectFilters {
	/** Lower-case, without dots; empty = any. */
	extensions: string[];
	namePattern?: RegExp;
	minSize?: number;
	maxSize?: number;
	/** ISO date; files last modified before it are skipped. */
	modifiedAfter?: string;
}

export class InvalidPatternError extends Error {
	constructor(
		readonly pattern: string,
		reason: string,
	) {
		super(`Invalid name pattern "${pattern}": ${reason}`);
		this.name = 'InvalidPatternError';
	}
}

/** "pdf, .JPG ,png" -> ['pdf', 'jpg', 'png'] */
export function parseExtensions(value: string): string[] {
	return value
		.split(/[,;\s]+/)
		.map((part) =>
			part
				.trim()
				.replace(/^\*?\./, '')
				.toLowerCase(),
		)
		.filter((part) => part.length > 0);
}

/**
 * A name pattern: a glob (`*`, `?`, `[abc]`, case-insensitive) or, between slashes, a regular expression
 * (`/^inv-\d+\.pdf$/i`). Throws InvalidPatternError with the reason.
 */
export function compileNamePattern(pattern: string): RegExp | undefined {
	const trimmed = pattern.trim();
	if (!trimmed) return undefined;
	const regexForm = /^\/(.+)\/([a-z]*)$/s.exec(trimmed);
	if (regexForm) {
		try {
			// "g" and "y" make test() stateful; a filter must answer the same for the same name.
			return new RegExp(regexForm[1], regexForm[2].replace(/[gy]/g, ''));
		} catch (error) {
			throw new InvalidPatternError(trimmed, (error as Error).message);
		}
	}
	return globToRegExp(trimmed);
}

function globToRegExp(glob: string): RegExp {
	let source = '';
	for (let i = 0; i < glob.length; i++) {
		const char = glob[i];
		if (char === '*') source += '.*';
		else if (char === '?') source += '.';
		else if (char === '[') {
			const end = glob.indexOf(']', i + 2);
			if (end === -1)
				throw new InvalidPatternError(glob, `"[" at position ${i + 1} is never closed`);
			let body = glob.slice(i + 1, end);
			if (body.startsWith('!')) body = `^${body.slice(1)}`;
			source += `[${body.replace(/\\/g, '\\\\')}]`;
			i = end;
		} else if (char === ']') {
			throw new InvalidPatternError(glob, `"]" at position ${i + 1} has no opening "["`);
		} else source += char.replace(/[.+^${}()|\\/]/g, '\\$&');
	}
	try {
		return new RegExp(`^${source}$`, 'i');
	} catch (error) {
		throw new InvalidPatternError(glob, (error as Error).message);
	}
}

export function extensionOf(name: string): string {
	const dot = name.lastIndexOf('.');
	return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** Whether a file passes the user's filters. */
export function matchesFilters(item: RemoteItem, filters: CollectFilters): boolean {
	if (filters.extensions.length && !filters.extensions.includes(extensionOf(item.name)))
		return false;
	if (filters.namePattern && !filters.namePattern.test(item.name)) return false;
	if (filters.minSize !== undefined && (item.size ?? 0) < filters.minSize) return false;
	if (filters.maxSize !== undefined && (item.size ?? 0) > filters.maxSize) return false;
	if (
		filters.modifiedAfter &&
		item.modifiedAt &&
		Date.parse(item.modifiedAt) < Date.parse(filters.modifiedAfter)
	) {
		return false;
	}
	return true;
}
