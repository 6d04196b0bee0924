import type { ErrorShape } from '../common/server';

/** A tagged union value as Dropbox serialises it: `{".tag": name, ...fields}`. */
export type Tagged = { '.tag': string; [field: string]: unknown };

/** The tag chain of a nested union ("path/conflict/file"), which is what error_summary spells. */
function tagChain(error: Tagged): string[] {
	const tags: string[] = [];
	let current: unknown = error;
	while (
		current &&
		typeof current === 'object' &&
		typeof (current as Tagged)['.tag'] === 'string'
	) {
		const tag = (current as Tagged)['.tag'];
		tags.push(tag);
		// Union-of-union nests under the tag name; union-of-struct carries a `reason` (UploadWriteFailed).
		current =
			(current as Record<string, unknown>)[tag] ?? (current as Record<string, unknown>).reason;
	}
	return tags;
}

/** error_summary ends with a random number of dots so that nobody parses it. */
export function errorSummary(error: Tagged): string {
	return `${tagChain(error).join('/')}/${'.'.repeat(1 + Math.floor(Math.random() * 3))}`;
}

export function endpointError(
	error: Tagged,
	status = 409,
	headers?: Record<string, string>,
): ErrorShape {
	return { status, headers, body: { error_summary: errorSummary(error), error } };
}

/** 400: malformed arguments come back as plain text. */
export function badRequest(route: string, detail: string): ErrorShape {
	return { status: 400, body: `Error in call to API function "${route}": ${detail}` };
}

export const lookupNotFound = (): Tagged => ({ '.tag': 'not_found' });

/** LookupError wrapped under `wrapper` ("path", "path_lookup", "from_lookup"...). */
export function lookupError(wrapper: string, lookup: Tagged): Tagged {
	return { '.tag': wrapper, [wrapper]: lookup };
}

/** WriteError conflict under `wrapper`. */
export function writeConflict(wrapper: string, kind: 'file' | 'folder' | 'file_ancestor'): Tagged {
	return { '.tag': wrapper, [wrapper]: { '.tag': 'conflict', conflict: { '.tag': kind } } };
}

export class DropboxApiError extends Error {
	constructor(readonly shape: ErrorShape) {
		super(typeof shape.body === 'string' ? shape.body : JSON.stringify(shape.body));
	}
}

export function fail(shape: ErrorShape): never {
	throw new DropboxApiError(shape);
}
