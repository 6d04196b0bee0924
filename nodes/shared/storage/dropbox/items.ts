import type { RemoteItem } from '../types';

/** Dropbox's root has no id; its path is the empty string. The provider uses "" as the root's folder id. */
export const DROPBOX_ROOT_ID = '';

export interface DropboxMeta {
	'.tag'?: string;
	name: string;
	id?: string;
	path_lower?: string;
	path_display?: string;
	size?: number;
	rev?: string;
	content_hash?: string;
	server_modified?: string;
	client_modified?: string;
}

/** Where a folder is: the listing base for relative paths. */
export interface FolderPlace {
	id: string;
	pathLower: string;
	pathDisplay: string;
}

export const ROOT_PLACE: FolderPlace = { id: DROPBOX_ROOT_ID, pathLower: '', pathDisplay: '' };

export function isRootId(id: string): boolean {
	return id === '' || id === '/' || id === 'root';
}

/** The argument a folder id becomes in a Dropbox path field ("" for the root, the "id:…" otherwise). */
export function folderArg(id: string): string {
	return isRootId(id) ? '' : id;
}

export function joinPath(parent: string, name: string): string {
	return `${parent}/${name}`;
}

export function parentPathOf(path: string): string {
	return path.slice(0, Math.max(0, path.lastIndexOf('/')));
}

/**
 * `entry` relative to `folder` ("sub/file.pdf"), '' for the folder itself, undefined when outside it.
 * Cuts by segment count, not by length: children's path_display may case the folder part differently.
 */
export function relativePath(
	folder: FolderPlace,
	entry: { path_lower?: string; path_display?: string },
): string | undefined {
	const lowerPath = entry.path_lower ?? entry.path_display?.toLowerCase();
	const display = entry.path_display ?? lowerPath;
	if (lowerPath === undefined || display === undefined) return undefined;
	if (lowerPath === folder.pathLower) return '';
	if (!lowerPath.startsWith(folder.pathLower + '/')) return undefined;
	const depth = folder.pathLower === '' ? 0 : folder.pathLower.split('/').length - 1;
	return display
		.split('/')
		.slice(depth + 1)
		.join('/');
}

/** A Dropbox web link for the path (account-relative; app-folder paths lack their /Apps/<app> prefix). */
export function webUrlFor(meta: DropboxMeta): string | undefined {
	if (!meta.path_display) return undefined;
	const encoded = meta.path_display.split('/').map(encodeURIComponent).join('/');
	if (meta['.tag'] === 'folder' || meta.size === undefined)
		return `https://www.dropbox.com/home${encoded}`;
	const parent = encoded.slice(0, encoded.lastIndexOf('/'));
	return `https://www.dropbox.com/home${parent}?preview=${encodeURIComponent(meta.name)}`;
}

export function isFolderMeta(meta: DropboxMeta): boolean {
	// Results typed FolderMetadata carry no .tag; a folder is the one without size and rev.
	return (
		meta['.tag'] === 'folder' ||
		(meta['.tag'] === undefined && meta.size === undefined && meta.rev === undefined)
	);
}

export function toRemoteItem(
	meta: DropboxMeta,
	extra: { path?: string; parentId?: string } = {},
): RemoteItem {
	const folder = isFolderMeta(meta);
	const item: RemoteItem = { id: meta.id ?? '', name: meta.name, isFolder: folder };
	if (extra.parentId !== undefined) item.parentId = extra.parentId;
	if (extra.path !== undefined) item.path = extra.path;
	if (!folder) {
		item.size = meta.size;
		item.hash = meta.content_hash;
		// client_modified is the file's own time (desktop clients set it from the file system), as rclone uses it.
		item.modifiedAt = meta.client_modified ?? meta.server_modified;
		item.version = meta.rev;
	}
	const url = webUrlFor(meta);
	if (url) item.webUrl = url;
	return item;
}

/** A resource-locator value as a Dropbox path: "/a/b", "" for the root. */
export function normalizeUserPath(value: string): string {
	const trimmed = value.trim().replace(/\\/g, '/').replace(/\/+/g, '/').replace(/\/$/, '');
	if (trimmed === '') return '';
	return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** The path in a dropbox.com/home/<path> link, or undefined when the URL is not one. */
export function pathFromDropboxUrl(value: string): string | undefined {
	let url: URL;
	try {
		url = new URL(value.trim());
	} catch {
		return undefined;
	}
	if (!/(^|\.)dropbox\.com$/i.test(url.hostname)) return undefined;
	const match = /^\/home(\/.*)?$/.exec(url.pathname);
	if (!match) return undefined;
	const segments = (match[1] ?? '')
		.split('/')
		.filter(Boolean)
		.map((s) => decodeURIComponent(s));
	return normalizeUserPath(segments.join('/'));
}

/** JSON for a Dropbox-API-Arg header: every character from U+007F up escaped as \uXXXX, as the SDK does. */
export function headerSafeJson(value: unknown): string {
	return JSON.stringify(value).replace(
		/[\u007f-\uffff]/g,
		(c) => `\\u${`000${c.charCodeAt(0).toString(16)}`.slice(-4)}`,
	);
}
