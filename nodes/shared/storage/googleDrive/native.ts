import type { ExportChoice, ExportFormat, RemoteItem } from '../types';

/**
 * Google-native files: Docs Editors files have no bytes of their own and are read through files.export, to the
 * formats of https://developers.google.com/workspace/drive/api/guides/ref-export-formats , at most 10 MB ("the
 * exported content is limited to 10 MB", files.export reference). Shortcuts stand for their target
 * (shortcutDetails.targetId). Forms, sites, maps and the like have no content the API hands out.
 */
export const DRIVE_SHORTCUT_MIME = 'application/vnd.google-apps.shortcut';
export const DRIVE_EXPORT_SIZE_LIMIT = 10 * 1024 * 1024;

const PDF: ExportFormat = { mimeType: 'application/pdf', extension: '.pdf' };

export const DRIVE_EXPORT_FORMATS: Record<string, Partial<Record<ExportChoice, ExportFormat>>> = {
	'application/vnd.google-apps.document': {
		pdf: PDF,
		office: {
			mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
			extension: '.docx',
		},
		openDocument: { mimeType: 'application/vnd.oasis.opendocument.text', extension: '.odt' },
	},
	'application/vnd.google-apps.spreadsheet': {
		pdf: PDF,
		office: {
			mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
			extension: '.xlsx',
		},
		openDocument: { mimeType: 'application/vnd.oasis.opendocument.spreadsheet', extension: '.ods' },
	},
	'application/vnd.google-apps.presentation': {
		pdf: PDF,
		office: {
			mimeType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
			extension: '.pptx',
		},
		openDocument: {
			mimeType: 'application/vnd.oasis.opendocument.presentation',
			extension: '.odp',
		},
	},
	// Drawings have no Office or OpenDocument format: PDF whatever the choice.
	'application/vnd.google-apps.drawing': { pdf: PDF },
};

/** What the Drive provider reports about a native file's content (see RemoteItem.content). */
export function nativeContent(file: {
	id?: string | null;
	mimeType?: string | null;
	modifiedTime?: string | null;
	version?: string | null;
	shortcutDetails?: { targetId?: string; targetMimeType?: string } | null;
}): Pick<RemoteItem, 'content' | 'shortcutTo' | 'contentVersion' | 'nativeMimeType'> {
	const mimeType = file.mimeType ?? '';
	if (
		!mimeType.startsWith('application/vnd.google-apps.') ||
		mimeType === 'application/vnd.google-apps.folder'
	)
		return {};
	if (mimeType === DRIVE_SHORTCUT_MIME) {
		const target = file.shortcutDetails?.targetId;
		if (!target) return { content: 'none' };
		const targetMimeType = file.shortcutDetails?.targetMimeType ?? undefined;
		return {
			content: 'shortcut',
			shortcutTo: {
				id: target,
				mimeType: targetMimeType,
				isFolder: targetMimeType === 'application/vnd.google-apps.folder',
			},
		};
	}
	// No md5 for Docs Editors files: the modified time stands for the content version (unique to the file).
	if (mimeType in DRIVE_EXPORT_FORMATS) {
		return {
			content: 'export',
			nativeMimeType: mimeType,
			contentVersion: `${file.id}@${file.modifiedTime ?? file.version ?? ''}`,
		};
	}
	return { content: 'none' };
}
