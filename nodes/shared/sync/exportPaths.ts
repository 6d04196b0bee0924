import { nameKey } from './exportNames';

/**
 * Path keys for the export planner. Display paths are what the destination shows ('Acme/2026'); keys are what we
 * compare (Unicode NFC everywhere, lower-cased where the provider compares paths case-insensitively).
 */

const SLASH = 47;

export function pathKey(path: string, caseInsensitive: boolean): string {
	// Most paths have no slash to trim: skip the regular expression for them (the planner calls this per record).
	const untrimmed = path.charCodeAt(0) !== SLASH && path.charCodeAt(path.length - 1) !== SLASH;
	const trimmed = untrimmed ? path : path.replace(/^\/+|\/+$/g, '');
	return nameKey(trimmed, caseInsensitive);
}

export function joinPath(...parts: string[]): string {
	return parts.filter((p) => p !== '').join('/');
}

/** True when `key` is `ancestor` itself or lies below it. The root ('') is the ancestor of everything. */
export function isSameOrBelow(key: string, ancestor: string): boolean {
	if (ancestor === '') return true;
	return key === ancestor || key.startsWith(`${ancestor}/`);
}

/** 'a/b/c' -> ['a', 'a/b', 'a/b/c'] */
export function pathPrefixes(path: string): string[] {
	if (path === '') return [];
	const segments = path.split('/');
	return segments.map((_, i) => segments.slice(0, i + 1).join('/'));
}

export function splitPath(path: string): { dir: string; name: string } {
	const slash = path.lastIndexOf('/');
	return slash < 0
		? { dir: '', name: path }
		: { dir: path.slice(0, slash), name: path.slice(slash + 1) };
}
