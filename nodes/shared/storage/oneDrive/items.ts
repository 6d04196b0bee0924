import type { RemoteItem } from '../types';

/** The driveItem fields the provider reads; every request selects exactly these. */
export const ITEM_FIELDS = [
	'id',
	'name',
	'eTag',
	'size',
	'createdDateTime',
	'lastModifiedDateTime',
	'parentReference',
	'file',
	'folder',
	'root',
	'webUrl',
	'deleted',
].join(',');

/** Graph returns a file's pre-authenticated download URL under $select only when it is asked for by name. */
export const DOWNLOAD_URL = '@microsoft.graph.downloadUrl';

/** Listings and delta pages also take each file's download URL: collecting what was listed then costs one GET. */
export const LISTING_FIELDS = `${ITEM_FIELDS},${DOWNLOAD_URL}`;

export interface DriveItemJson {
	id: string;
	name?: string;
	eTag?: string;
	size?: number;
	createdDateTime?: string;
	lastModifiedDateTime?: string;
	webUrl?: string;
	parentReference?: { id?: string; driveId?: string; path?: string };
	file?: { mimeType?: string; hashes?: { quickXorHash?: string } };
	folder?: { childCount?: number };
	root?: Record<string, never>;
	deleted?: { state?: string };
	[DOWNLOAD_URL]?: string;
}

export function toRemoteItem(json: DriveItemJson, path?: string): RemoteItem {
	const item: RemoteItem = {
		id: json.id,
		name: json.root ? '' : (json.name ?? ''),
		isFolder: Boolean(json.folder || json.root),
	};
	if (json.parentReference?.id && !json.root) item.parentId = json.parentReference.id;
	if (path !== undefined) item.path = path;
	if (!item.isFolder && typeof json.size === 'number') item.size = json.size;
	if (json.file?.hashes?.quickXorHash) item.hash = json.file.hashes.quickXorHash;
	if (json.file?.mimeType) item.mimeType = json.file.mimeType;
	if (json.lastModifiedDateTime) item.modifiedAt = json.lastModifiedDateTime;
	if (json.createdDateTime) item.createdAt = json.createdDateTime;
	if (json.webUrl) item.webUrl = json.webUrl;
	if (json.eTag) item.version = json.eTag;
	return item;
}

/** "a/b c/d#e" -> "a/b%20c/d%23e": each segment encoded on its own, as Graph path addressing wants. */
export function encodePath(path: string): string {
	return splitPath(path).map(encodeURIComponent).join('/');
}

export function splitPath(path: string): string[] {
	return path.split('/').filter((segment) => segment.length > 0);
}

/**
 * A driveItem's path from the drive root ("" for the root, "A/B" otherwise), from a non-delta response:
 * parentReference.path is "/drive/root:/A" (or "/drives/{id}/root:/A").
 */
export function pathFromRoot(json: DriveItemJson): string | undefined {
	if (json.root) return '';
	const parentPath = json.parentReference?.path;
	if (parentPath === undefined || json.name === undefined) return undefined;
	const marker = parentPath.indexOf('root:');
	if (marker < 0) return undefined;
	const parent = splitPath(parentPath.slice(marker + 'root:'.length)).join('/');
	return parent ? `${parent}/${json.name}` : json.name;
}

/** Where `fullPath` sits relative to `folderPath` (both from the drive root): '' for the folder, undefined outside. */
export function relativeTo(folderPath: string, fullPath: string): string | undefined {
	const folder = folderPath.toLowerCase();
	const full = fullPath.toLowerCase();
	if (full === folder) return '';
	if (folder === '') return fullPath;
	return full.startsWith(`${folder}/`) ? fullPath.slice(folderPath.length + 1) : undefined;
}

/**
 * A folder URL the user pasted: OneDrive personal (…?id=ITEMID or ?resid=) or SharePoint/Business (…/Documents/A/B).
 */
export function parseFolderUrl(value: string): { id: string } | { path: string } | undefined {
	let url: URL;
	try {
		url = new URL(value.trim());
	} catch {
		return undefined;
	}
	const fromDocuments = (text: string) => {
		const marker = text.search(/\/(Shared )?Documents(\/|$)/i);
		if (marker < 0) return undefined;
		const rest = text
			.slice(marker + 1)
			.split('/')
			.slice(1);
		return rest.join('/');
	};
	const idParam = url.searchParams.get('id') ?? url.searchParams.get('resid');
	if (idParam) {
		// SharePoint's "id" parameter is a server-relative path; OneDrive personal's is an item id.
		if (idParam.startsWith('/')) {
			const path = fromDocuments(idParam);
			return path === undefined ? undefined : { path };
		}
		return { id: idParam };
	}
	if (/sharepoint\.(com|us|cn|de)$/i.test(url.hostname)) {
		const path = fromDocuments(decodeURIComponent(url.pathname));
		return path === undefined ? undefined : { path };
	}
	return undefined;
}
