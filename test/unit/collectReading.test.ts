import { DRIVE_EXPORT_FORMATS, nativeContent } from '../../nodes/shared/storage/googleDrive/native';
import type { ChangeBatch, ProviderFeatures, RemoteItem } from '../../nodes/shared/storage/types';
import {
	asDelivered,
	failureHandling,
	presentBatch,
	readStep,
	refusalCode,
} from '../../nodes/shared/sync/collectReading';

const features: ProviderFeatures = {
	duplicateNames: true,
	caseInsensitive: false,
	appProperties: true,
	trash: true,
	chunkSize: 1,
	simpleUploadLimit: 1,
	exportFormats: DRIVE_EXPORT_FORMATS,
};
const drive = (
	file: {
		id: string;
		name: string;
		mimeType: string;
		modifiedTime?: string;
		shortcutDetails?: { targetId: string; targetMimeType: string };
	},
	path = file.name,
): RemoteItem => ({
	id: file.id,
	name: file.name,
	path,
	isFolder: false,
	mimeType: file.mimeType,
	size: 5,
	...nativeContent(file),
});

describe('collect reading (pure): what each file of the folder becomes', () => {
	test('a Doc is delivered under its export name and type; Office and OpenDocument choices; Drawings fall back to PDF', () => {
		const doc = drive(
			{
				id: 'd',
				name: 'Notes',
				mimeType: 'application/vnd.google-apps.document',
				modifiedTime: 't1',
			},
			'sub/Notes',
		);
		expect(asDelivered(doc, features, 'pdf')).toMatchObject({
			name: 'Notes.pdf',
			path: 'sub/Notes.pdf',
			mimeType: 'application/pdf',
			contentVersion: 'd@t1',
		});
		expect(asDelivered(doc, features, 'pdf').size).toBeUndefined();
		expect(asDelivered(doc, features, 'office').name).toBe('Notes.docx');
		expect(asDelivered(doc, features, 'openDocument').name).toBe('Notes.odt');
		const drawing = drive({
			id: 'g',
			name: 'Plan',
			mimeType: 'application/vnd.google-apps.drawing',
		});
		expect(asDelivered(drawing, features, 'office').name).toBe('Plan.pdf');
		expect(readStep(asDelivered(doc, features, 'office'), features, 'office')).toEqual({
			type: 'export',
			format: DRIVE_EXPORT_FORMATS[doc.mimeType!].office,
		});
		const named = drive({
			id: 'n',
			name: 'report.PDF',
			mimeType: 'application/vnd.google-apps.document',
		});
		expect(asDelivered(named, features, 'pdf').name).toBe('report.PDF');
	});

	test('forms, folder shortcuts and unresolved shortcuts are skipped with their reason; ordinary files are downloaded', () => {
		const form = drive({ id: 'f', name: 'Survey', mimeType: 'application/vnd.google-apps.form' });
		expect(readStep(form, features, 'pdf')).toMatchObject({
			type: 'skip',
			code: 'notDownloadable',
		});
		const folderLink = drive({
			id: 's',
			name: 'Shared',
			mimeType: 'application/vnd.google-apps.shortcut',
			shortcutDetails: { targetId: 'F', targetMimeType: 'application/vnd.google-apps.folder' },
		});
		expect(readStep(folderLink, features, 'pdf')).toMatchObject({
			type: 'skip',
			code: 'folderShortcut',
		});
		const fileLink = drive({
			id: 't',
			name: 'c.pdf',
			mimeType: 'application/vnd.google-apps.shortcut',
			shortcutDetails: { targetId: 'T', targetMimeType: 'application/pdf' },
		});
		expect(readStep(fileLink, features, 'pdf')).toMatchObject({
			type: 'skip',
			code: 'shortcutTargetUnreadable',
		});
		expect(
			readStep(drive({ id: 'p', name: 'a.pdf', mimeType: 'application/pdf' }), features, 'pdf'),
		).toEqual({ type: 'download' });
	});

	test("a resolved shortcut becomes its target (target id, shortcut's folder, the shortcut remembered); a Doc target is exported", () => {
		const link = drive(
			{
				id: 's1',
				name: 'link',
				mimeType: 'application/vnd.google-apps.shortcut',
				shortcutDetails: { targetId: 'T', targetMimeType: 'application/vnd.google-apps.document' },
			},
			'sub/link',
		);
		const target = drive(
			{
				id: 'T',
				name: 'Contract',
				mimeType: 'application/vnd.google-apps.document',
				modifiedTime: 't',
			},
			'Contract',
		);
		const batch: ChangeBatch = {
			changes: [
				{ type: 'upsert', item: link },
				{ type: 'delete', id: 'x' },
			],
			cursor: 'c',
		};
		const presented = presentBatch(batch, new Map([['T', target]]), features, 'pdf');
		expect(presented.changes[0]).toMatchObject({
			type: 'upsert',
			item: {
				id: 'T',
				name: 'Contract.pdf',
				path: 'sub/Contract.pdf',
				via: { id: 's1', name: 'link' },
			},
		});
		expect(presented.changes[1]).toEqual({ type: 'delete', id: 'x' });
		expect(presentBatch(batch, new Map(), features, 'pdf').changes[0]).toMatchObject({
			item: { id: 's1', content: 'shortcut' },
		});
	});

	test('failures: the credential or the account stops the run; gone is vanished; a refusal is a skip; anything else is retried', () => {
		expect(
			['auth', 'scope', 'dailyLimit', 'quota'].map((kind) => failureHandling(kind as never)),
		).toEqual(['stopRun', 'stopRun', 'stopRun', 'stopRun']);
		expect(failureHandling('notFound')).toBe('vanished');
		expect(failureHandling('permission', 'exportSizeLimitExceeded')).toBe('skip');
		expect(refusalCode('exportSizeLimitExceeded')).toBe('tooLarge');
		expect(refusalCode('fileNotDownloadable')).toBe('refused');
		expect(
			['transient', 'rateLimited', 'other', 'integrity', undefined].map((reason) =>
				failureHandling(reason as never),
			),
		).toEqual(['retry', 'retry', 'retry', 'retry', 'retry']);
	});
});
