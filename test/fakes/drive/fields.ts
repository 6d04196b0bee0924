/**
 * Drive's partial-response grammar (`fields`): comma lists, `a/b` sub-selection, `a(b,c)` nesting and `*`.
 * Unknown field names are a 400, as at Google.
 */

/** A schema node: a leaf, an object with known members, or an open map (appProperties, capabilities...). */
export type FieldSchema = 'leaf' | 'open' | { [name: string]: FieldSchema };

/** A parsed selection: `true` = the whole member, a nested selection otherwise. */
export type Selection = Map<string, Selection | true>;

export class FieldsError extends Error {}

const FILE_LEAVES = [
	'kind',
	'id',
	'name',
	'mimeType',
	'description',
	'starred',
	'trashed',
	'explicitlyTrashed',
	'trashedTime',
	'parents',
	'spaces',
	'version',
	'webContentLink',
	'webViewLink',
	'iconLink',
	'hasThumbnail',
	'thumbnailLink',
	'thumbnailVersion',
	'viewedByMe',
	'viewedByMeTime',
	'createdTime',
	'modifiedTime',
	'modifiedByMeTime',
	'modifiedByMe',
	'sharedWithMeTime',
	'teamDriveId',
	'driveId',
	'shared',
	'ownedByMe',
	'viewersCanCopyContent',
	'copyRequiresWriterPermission',
	'writersCanShare',
	'permissionIds',
	'hasAugmentedPermissions',
	'folderColorRgb',
	'originalFilename',
	'fullFileExtension',
	'fileExtension',
	'md5Checksum',
	'sha1Checksum',
	'sha256Checksum',
	'size',
	'quotaBytesUsed',
	'headRevisionId',
	'isAppAuthorized',
	'resourceKey',
	'inheritedPermissionsDisabled',
];
const FILE_OPEN = [
	'properties',
	'appProperties',
	'capabilities',
	'owners',
	'lastModifyingUser',
	'trashingUser',
	'sharingUser',
	'permissions',
	'contentHints',
	'imageMediaMetadata',
	'videoMediaMetadata',
	'exportLinks',
	'shortcutDetails',
	'contentRestrictions',
	'linkShareMetadata',
	'labelInfo',
	'downloadRestrictions',
];

function objectSchema(
	leaves: string[],
	open: string[] = [],
	nested: Record<string, FieldSchema> = {},
): FieldSchema {
	const schema: { [name: string]: FieldSchema } = {};
	for (const name of leaves) schema[name] = 'leaf';
	for (const name of open) schema[name] = 'open';
	return Object.assign(schema, nested);
}

export const FILE_SCHEMA = objectSchema(FILE_LEAVES, FILE_OPEN);
const DRIVE_SCHEMA = objectSchema(
	['kind', 'id', 'name', 'createdTime', 'hidden', 'colorRgb', 'themeId'],
	['capabilities', 'restrictions', 'backgroundImageFile'],
);
export const FILE_LIST_SCHEMA = objectSchema(['kind', 'nextPageToken', 'incompleteSearch'], [], {
	files: FILE_SCHEMA,
});
export const CHANGE_SCHEMA = objectSchema(
	['kind', 'changeType', 'time', 'removed', 'fileId', 'driveId', 'teamDriveId', 'type'],
	['teamDrive'],
	{ file: FILE_SCHEMA, drive: DRIVE_SCHEMA },
);
export const CHANGE_LIST_SCHEMA = objectSchema(['kind', 'nextPageToken', 'newStartPageToken'], [], {
	changes: CHANGE_SCHEMA,
});
export const START_TOKEN_SCHEMA = objectSchema(['kind', 'startPageToken']);
export const ABOUT_SCHEMA = objectSchema(
	[
		'kind',
		'appInstalled',
		'canCreateDrives',
		'canCreateTeamDrives',
		'maxImportSizes',
		'maxUploadSize',
		'folderColorPalette',
	],
	['user', 'storageQuota', 'importFormats', 'exportFormats', 'driveThemes', 'teamDriveThemes'],
);
export const DRIVE_LIST_SCHEMA = objectSchema(['kind', 'nextPageToken'], [], {
	drives: DRIVE_SCHEMA,
});
export { DRIVE_SCHEMA };

/** Parse a `fields` value into a selection; throws FieldsError on a syntax error. */
export function parseFields(text: string): Selection {
	let pos = 0;
	const parseList = (closing: boolean): Selection => {
		const selection: Selection = new Map();
		for (;;) {
			const start = pos;
			while (pos < text.length && !',()'.includes(text[pos])) pos++;
			const path = text.slice(start, pos).trim();
			if (!path) throw new FieldsError(`Invalid field selection at position ${start}`);
			const parts = path.split('/').map((part) => part.trim());
			if (parts.some((part) => !/^(\*|[A-Za-z_][A-Za-z0-9_]*)$/.test(part))) {
				throw new FieldsError(`Invalid field selection ${path}`);
			}
			let leaf: Selection | true = true;
			if (text[pos] === '(') {
				pos++;
				leaf = parseList(true);
				if (text[pos] !== ')') throw new FieldsError('Invalid field selection: missing )');
				pos++;
			}
			mergeInto(selection, parts, leaf);
			if (pos >= text.length) {
				if (closing) throw new FieldsError('Invalid field selection: missing )');
				return selection;
			}
			if (text[pos] === ')') {
				if (!closing) throw new FieldsError('Invalid field selection: unexpected )');
				return selection;
			}
			if (text[pos] === ',') pos++;
			else throw new FieldsError(`Invalid field selection at position ${pos}`);
		}
	};
	return parseList(false);
}

function mergeInto(selection: Selection, parts: string[], leaf: Selection | true): void {
	const [head, ...rest] = parts;
	const value: Selection | true =
		rest.length === 0
			? leaf
			: (() => {
					const inner: Selection = new Map();
					mergeInto(inner, rest, leaf);
					return inner;
				})();
	mergeSub(selection, head, value);
}

function mergeSub(target: Selection, key: string, value: Selection | true): void {
	const existing = target.get(key);
	if (existing === undefined) target.set(key, value);
	else if (existing === true || value === true) target.set(key, true);
	else for (const [k, v] of value) mergeSub(existing, k, v);
}

/** Throws FieldsError naming the first selected field the schema does not know. */
export function validateFields(selection: Selection, schema: FieldSchema, prefix = ''): void {
	if (schema === 'open') return;
	for (const [name, sub] of selection) {
		if (name === '*') continue;
		if (schema === 'leaf') throw new FieldsError(`Invalid field selection ${prefix}${name}`);
		const member = schema[name];
		if (!member) throw new FieldsError(`Invalid field selection ${prefix}${name}`);
		if (sub !== true) validateFields(sub, member, `${prefix}${name}/`);
	}
}

/** Keep only the selected members (arrays are projected element by element). */
export function project(value: unknown, selection: Selection | true): unknown {
	if (selection === true || value === null || typeof value !== 'object') return value;
	if (Array.isArray(value)) return value.map((entry) => project(entry, selection));
	if (selection.has('*')) return value;
	const result: Record<string, unknown> = {};
	for (const [name, sub] of selection) {
		const member = (value as Record<string, unknown>)[name];
		if (member !== undefined) result[name] = project(member, sub);
	}
	return result;
}
