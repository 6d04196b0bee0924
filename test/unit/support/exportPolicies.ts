import type { ExportPolicy } from '../../../nodes/shared/sync/exportPlan';

/** Export's default options, as plan tests on plain data use them: a destination comparing names with case. */
export const caseSensitivePolicy: ExportPolicy = {
	onContentChanged: 'replace',
	onFileDeleted: 'reupload',
	onFolderDeleted: 'stop',
	caseInsensitive: false,
	duplicateNames: false,
	massDeleteMinimum: 3,
	acceptMassDeletion: false,
};

/** A local folder: names compared with case, and a new version is a new file (a new id). */
export const localFolderPolicy: ExportPolicy = {
	...caseSensitivePolicy,
	newVersionIsNewFile: true,
};

/** A cloud comparing names without case (OneDrive, Dropbox). */
export const caseInsensitivePolicy: ExportPolicy = {
	...caseSensitivePolicy,
	caseInsensitive: true,
};
