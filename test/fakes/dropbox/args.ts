import { badRequest, fail } from './errors';

/** The fields each route accepts (Dropbox answers 400 to any other field) and which of them are required. */
export const ROUTE_FIELDS: Record<string, { allowed: string[]; required: string[] }> = {
	'files/list_folder': {
		allowed: [
			'path',
			'recursive',
			'include_media_info',
			'include_deleted',
			'include_has_explicit_shared_members',
			'include_mounted_folders',
			'limit',
			'shared_link',
			'include_property_groups',
			'include_non_downloadable_files',
		],
		required: ['path'],
	},
	'files/list_folder/continue': { allowed: ['cursor'], required: ['cursor'] },
	'files/get_metadata': {
		allowed: [
			'path',
			'include_media_info',
			'include_deleted',
			'include_has_explicit_shared_members',
			'include_property_groups',
		],
		required: ['path'],
	},
	'files/create_folder_v2': { allowed: ['path', 'autorename'], required: ['path'] },
	'files/delete_v2': { allowed: ['path', 'parent_rev'], required: ['path'] },
	'files/move_v2': {
		allowed: [
			'from_path',
			'to_path',
			'allow_shared_folder',
			'autorename',
			'allow_ownership_transfer',
		],
		required: ['from_path', 'to_path'],
	},
	'files/search_v2': {
		allowed: ['query', 'options', 'match_field_options', 'include_highlights'],
		required: ['query'],
	},
	'files/upload': {
		allowed: [
			'path',
			'mode',
			'autorename',
			'client_modified',
			'mute',
			'property_groups',
			'strict_conflict',
			'content_hash',
		],
		required: ['path'],
	},
	'files/upload_session/start': {
		allowed: ['close', 'session_type', 'content_hash'],
		required: [],
	},
	'files/upload_session/append_v2': {
		allowed: ['cursor', 'close', 'content_hash'],
		required: ['cursor'],
	},
	'files/upload_session/finish': {
		allowed: ['cursor', 'commit', 'content_hash'],
		required: ['cursor', 'commit'],
	},
	'files/download': { allowed: ['path', 'rev'], required: ['path'] },
	'files/upload_session/finish_batch_v2': { allowed: ['entries'], required: ['entries'] },
	'files/list_folder/longpoll': { allowed: ['cursor', 'timeout'], required: ['cursor'] },
};
ROUTE_FIELDS['files/list_folder/get_latest_cursor'] = ROUTE_FIELDS['files/list_folder'];

export const COMMIT_FIELDS = [
	'path',
	'mode',
	'autorename',
	'client_modified',
	'mute',
	'property_groups',
	'strict_conflict',
];

/** Parse the JSON argument (RPC body, Dropbox-API-Arg header or `arg` query parameter) and check its fields. */
export function parseArgs(
	route: string,
	text: string | undefined,
	where: string,
): Record<string, unknown> {
	const schema = ROUTE_FIELDS[route];
	if (text === undefined || text === '') {
		if (schema?.required.length)
			fail(badRequest(route, `${where}: missing required field '${schema.required[0]}'`));
		return {};
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		fail(badRequest(route, `${where}: could not decode input as JSON`));
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		fail(
			badRequest(
				route,
				`${where}: expected object, got ${Array.isArray(parsed) ? 'list' : typeof parsed}`,
			),
		);
	}
	const args = parsed as Record<string, unknown>;
	if (schema) {
		for (const key of Object.keys(args)) {
			if (!schema.allowed.includes(key))
				fail(badRequest(route, `${where}: unknown field '${key}'`));
		}
		for (const key of schema.required) {
			if (args[key] === undefined)
				fail(badRequest(route, `${where}: missing required field '${key}'`));
		}
	}
	return args;
}

/** Union values arrive as {".tag": "x", ...} or, for void members, as the plain string "x". */
export function unionTag(
	value: unknown,
	field: string,
	route: string,
): { tag: string; value: Record<string, unknown> } {
	if (typeof value === 'string') return { tag: value, value: { '.tag': value } };
	if (
		value &&
		typeof value === 'object' &&
		typeof (value as Record<string, unknown>)['.tag'] === 'string'
	) {
		return {
			tag: (value as Record<string, string>)['.tag'],
			value: value as Record<string, unknown>,
		};
	}
	fail(badRequest(route, `request body: ${field}: expected union value`));
}

const PATH_PATTERN = /^((\/[\s\S]*)?|id:.*|rev:[0-9a-f]{9,}|ns:[0-9]+(\/.*)?)$/;
const WRITE_PATH_PATTERN = /^((\/[\s\S]*)|id:.*|ns:[0-9]+(\/.*)?)$/;

export function pathArg(
	args: Record<string, unknown>,
	field: string,
	route: string,
	write = false,
): string {
	const value = args[field];
	if (typeof value !== 'string')
		fail(badRequest(route, `request body: ${field}: expected string, got ${typeof value}`));
	const pattern = write ? WRITE_PATH_PATTERN : PATH_PATTERN;
	if (!pattern.test(value)) {
		fail(
			badRequest(
				route,
				`request body: ${field}: '${value}' did not match pattern '${pattern.source}'`,
			),
		);
	}
	return value;
}

export function boolArg(
	args: Record<string, unknown>,
	field: string,
	route: string,
	fallback = false,
): boolean {
	const value = args[field];
	if (value === undefined || value === null) return fallback;
	if (typeof value !== 'boolean')
		fail(badRequest(route, `request body: ${field}: expected boolean, got ${typeof value}`));
	return value;
}

export function intArg(
	args: Record<string, unknown>,
	field: string,
	route: string,
	min: number,
	max: number,
): number | undefined {
	const value = args[field];
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'number' || !Number.isInteger(value)) {
		fail(badRequest(route, `request body: ${field}: expected integer, got ${typeof value}`));
	}
	if (value < min || value > max)
		fail(badRequest(route, `request body: ${field}: ${value} is not within [${min}, ${max}]`));
	return value;
}

/** Dropbox-API-Result must be header-safe: escape everything outside ASCII as \uXXXX, as the SDK does. */
export function headerSafeJson(value: unknown): string {
	return JSON.stringify(value).replace(
		/[\u007f-\uffff]/g,
		(c) => `\\u${`000${c.charCodeAt(0).toString(16)}`.slice(-4)}`,
	);
}
