/**
 * Google Workspace ("Docs Editors") files, shortcuts and the other Google-native types, as Drive v3 serves them.
 *
 * - They have no blob: `files.get?alt=media` answers 403 fileNotDownloadable ("Only files with binary content can
 *   be downloaded. Use Export with Docs Editors files."), and they carry no md5Checksum/sha1Checksum/sha256Checksum
 *   ("only applicable to files with binary content in Google Drive", File resource reference). `size` IS populated
 *   for Workspace editor files and absent for shortcuts and folders ("Size in bytes of blobs and Google Workspace
 *   editor files. Won't be populated for files that have no size, like shortcuts and folders.", same reference, as
 *   @googleapis/drive 22's v3.d.ts quotes it).
 * - Docs, Sheets, Slides, Drawings and Apps Script export through `GET /drive/v3/files/{id}/export?mimeType=…`
 *   to the formats of https://developers.google.com/workspace/drive/api/guides/ref-export-formats ; "the exported
 *   content is limited to 10 MB" (files.export reference), beyond it Drive answers 403 exportSizeLimitExceeded
 *   "This file is too large to be exported.". A format the type does not export is 400 badRequest "The requested
 *   conversion is not supported."; a file that is not a Docs Editors file (a blob, a form, a site, a map, a shortcut,
 *   a folder) is 403 fileNotExportable "Export only supports Docs Editors files."
 * - A shortcut (application/vnd.google-apps.shortcut) carries `shortcutDetails { targetId, targetMimeType }`
 *   (https://developers.google.com/workspace/drive/api/guides/shortcuts); reading it never reads the target.
 */
import type { DriveFile } from './store';

export const GOOGLE_APPS = 'application/vnd.google-apps.';
export const SHORTCUT_MIME = 'application/vnd.google-apps.shortcut';
export const NATIVE_MIME = {
	document: 'application/vnd.google-apps.document',
	spreadsheet: 'application/vnd.google-apps.spreadsheet',
	presentation: 'application/vnd.google-apps.presentation',
	drawing: 'application/vnd.google-apps.drawing',
	script: 'application/vnd.google-apps.script',
	form: 'application/vnd.google-apps.form',
	site: 'application/vnd.google-apps.site',
	map: 'application/vnd.google-apps.map',
	jam: 'application/vnd.google-apps.jam',
	shortcut: SHORTCUT_MIME,
} as const;

/** files.export reference: "the exported content is limited to 10 MB". */
export const EXPORT_SIZE_LIMIT = 10 * 1024 * 1024;

const PDF = 'application/pdf';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const PPTX = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';

/** Export formats per Docs Editors type (ref-export-formats). */
export const EXPORT_FORMATS: Record<string, string[]> = {
	[NATIVE_MIME.document]: [
		PDF,
		DOCX,
		'text/plain',
		'text/html',
		'application/rtf',
		'application/vnd.oasis.opendocument.text',
		'application/zip',
		'application/epub+zip',
		'text/markdown',
		'text/x-markdown',
	],
	[NATIVE_MIME.spreadsheet]: [
		PDF,
		XLSX,
		'text/csv',
		'text/tab-separated-values',
		'application/x-vnd.oasis.opendocument.spreadsheet',
		'application/vnd.oasis.opendocument.spreadsheet',
		'application/zip',
	],
	[NATIVE_MIME.presentation]: [
		PDF,
		PPTX,
		'application/vnd.oasis.opendocument.presentation',
		'text/plain',
		'image/jpeg',
		'image/png',
		'image/svg+xml',
	],
	[NATIVE_MIME.drawing]: [PDF, 'image/jpeg', 'image/png', 'image/svg+xml'],
	[NATIVE_MIME.script]: ['application/vnd.google-apps.script+json'],
};

/** Any application/vnd.google-apps.* type except folders has no blob. */
export function isGoogleNative(mimeType: string): boolean {
	return mimeType.startsWith(GOOGLE_APPS) && mimeType !== 'application/vnd.google-apps.folder';
}

export function isDocsEditorsFile(mimeType: string): boolean {
	return mimeType in EXPORT_FORMATS;
}

/** Workspace editor files have a size; shortcuts, forms, sites and maps do not (File reference, `size`). */
export function hasEditorSize(mimeType: string): boolean {
	return isDocsEditorsFile(mimeType);
}

/**
 * What an export of `body` (the document's text as the fake holds it) to `format` looks like: a recognisable
 * header per format and the text, so a test can tell a PDF export of one version from another. Real exports are
 * real conversions; clients only see bytes of the asked type.
 */
export function exportBytes(file: DriveFile, body: Buffer, format: string): Buffer {
	const header =
		format === PDF
			? '%PDF-1.4\n'
			: format.includes('openxmlformats') || format.endsWith('zip')
				? 'PK\u0003\u0004'
				: '';
	const trailer = format === PDF ? '\n%%EOF\n' : '';
	return Buffer.concat([
		Buffer.from(`${header}${file.name} (v${file.version})\n`),
		body,
		Buffer.from(trailer),
	]);
}

/** The exported size before converting, so an over-limit export is refused without reading the document. */
export function exportSize(file: DriveFile, bodySize: number, format: string): number {
	return exportBytes(file, Buffer.alloc(0), format).length + bodySize;
}

/** `exportLinks` of the File resource (one per export format; the fake never serves these hosts). */
export function exportLinks(file: DriveFile): Record<string, string> | undefined {
	const formats = EXPORT_FORMATS[file.mimeType];
	if (!formats) return undefined;
	const kind = file.mimeType.slice(GOOGLE_APPS.length);
	const links: Record<string, string> = {};
	for (const format of formats) {
		links[format] =
			`https://docs.google.com/feeds/download/${kind}s/export/Export?id=${file.id}&exportFormat=${encodeURIComponent(format)}`;
	}
	return links;
}
