import type { ErrorShape } from '../common/server';
import { DriveErrors } from './errors';

/** System parameters every Google API accepts. */
const STANDARD = [
	'$.xgafv',
	'access_token',
	'alt',
	'callback',
	'fields',
	'key',
	'oauth_token',
	'prettyPrint',
	'quotaUser',
	'upload_protocol',
	'uploadType',
	'userIp',
];

const DRIVES_FLAGS = ['supportsAllDrives', 'supportsTeamDrives'];
const LABELS = ['includeLabels', 'includePermissionsForView'];

/** Query parameters of each method (from the v3 discovery document). */
export const METHOD_PARAMS: Record<string, string[]> = {
	'files.list': [
		'corpora',
		'corpus',
		'driveId',
		'includeItemsFromAllDrives',
		'includeTeamDriveItems',
		'orderBy',
		'pageSize',
		'pageToken',
		'q',
		'spaces',
		'teamDriveId',
		...DRIVES_FLAGS,
		...LABELS,
	],
	'files.get': ['acknowledgeAbuse', ...DRIVES_FLAGS, ...LABELS],
	'files.create': [
		'enforceSingleParent',
		'ignoreDefaultVisibility',
		'keepRevisionForever',
		'ocrLanguage',
		'useContentAsIndexableText',
		...DRIVES_FLAGS,
		...LABELS,
	],
	'files.update': [
		'addParents',
		'removeParents',
		'enforceSingleParent',
		'keepRevisionForever',
		'ocrLanguage',
		'useContentAsIndexableText',
		...DRIVES_FLAGS,
		...LABELS,
	],
	'files.export': ['mimeType'],
	'files.delete': ['enforceSingleParent', ...DRIVES_FLAGS],
	'changes.getStartPageToken': ['driveId', 'teamDriveId', ...DRIVES_FLAGS],
	'changes.list': [
		'driveId',
		'teamDriveId',
		'includeCorpusRemovals',
		'includeItemsFromAllDrives',
		'includeTeamDriveItems',
		'includeRemoved',
		'pageSize',
		'pageToken',
		'restrictToMyDrive',
		'spaces',
		...DRIVES_FLAGS,
		...LABELS,
	],
	'about.get': [],
	'drives.list': ['pageSize', 'pageToken', 'q', 'useDomainAdminAccess'],
	'drives.get': ['useDomainAdminAccess'],
	'upload.session': [
		'upload_id',
		...DRIVES_FLAGS,
		...LABELS,
		'addParents',
		'removeParents',
		'keepRevisionForever',
		'ocrLanguage',
		'useContentAsIndexableText',
		'enforceSingleParent',
		'ignoreDefaultVisibility',
	],
};

const BOOLEAN_PARAMS = new Set([
	'supportsAllDrives',
	'supportsTeamDrives',
	'includeItemsFromAllDrives',
	'includeTeamDriveItems',
	'includeRemoved',
	'includeCorpusRemovals',
	'restrictToMyDrive',
	'acknowledgeAbuse',
	'keepRevisionForever',
	'enforceSingleParent',
	'ignoreDefaultVisibility',
	'useContentAsIndexableText',
	'useDomainAdminAccess',
	'prettyPrint',
]);

/**
 * Parameters outside a method's discovery list that Drive v3 answers without a 400, as n8n's built-in Google
 * Drive node (v3) shows in production: it sends `maxResults` (the v2 name) on every files.list it pages, and its
 * upload finishes with a files.update carrying the list-only `spaces`, `corpora` and `includeItemsFromAllDrives`.
 */
const TOLERATED: Record<string, string[]> = {
	'files.list': ['maxResults'],
	'files.update': ['spaces', 'corpora', 'includeItemsFromAllDrives'],
};

/** Unknown or malformed query parameters are a 400 at Google, never ignored (except the tolerated few above). */
export function checkParams(url: URL, method: string): ErrorShape | undefined {
	const allowed = new Set([
		...STANDARD,
		...(METHOD_PARAMS[method] ?? []),
		...(TOLERATED[method] ?? []),
	]);
	for (const [name, value] of url.searchParams) {
		if (!allowed.has(name)) return DriveErrors.unknownParameter(name);
		if (BOOLEAN_PARAMS.has(name) && value !== 'true' && value !== 'false') {
			return DriveErrors.invalid(`Invalid value '${value}'. Values must be true or false.`, name);
		}
	}
	const pageSize = url.searchParams.get('pageSize');
	if (pageSize !== null) {
		const n = Number(pageSize);
		if (!/^\d+$/.test(pageSize) || n < 1 || n > 1000) {
			return DriveErrors.invalid(
				`Invalid value '${pageSize}'. Values must be within the range: [1, 1000]`,
				'pageSize',
			);
		}
	}
	return undefined;
}

export function flag(url: URL, name: string): boolean {
	return url.searchParams.get(name) === 'true';
}
