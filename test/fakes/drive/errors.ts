import { googleError as driveError, GoogleErrors } from '../common/googleErrors';

/** Drive answers in Google's common envelope, with the common errors below and its own. */
export { driveError };

export const DriveErrors = {
	...GoogleErrors,
	notFound: (id: string) =>
		driveError(404, 'notFound', `File not found: ${id}.`, {
			location: 'fileId',
			status: 'NOT_FOUND',
		}),
	invalidQuery: () =>
		driveError(400, 'invalid', 'Invalid Value', { location: 'q', status: 'INVALID_ARGUMENT' }),
	invalidFields: (message: string) =>
		driveError(400, 'invalidParameter', message, {
			location: 'fields',
			status: 'INVALID_ARGUMENT',
		}),
	invalidPageToken: () =>
		driveError(400, 'invalid', 'Invalid Value', {
			location: 'pageToken',
			status: 'INVALID_ARGUMENT',
		}),
	required: (name: string) =>
		driveError(400, 'required', `Required parameter: ${name}`, {
			location: name,
			status: 'INVALID_ARGUMENT',
		}),
	insufficientScopes: (scopes: string[]) => {
		const shape = driveError(
			403,
			'insufficientPermissions',
			'Request had insufficient authentication scopes.',
			{
				status: 'PERMISSION_DENIED',
				headers: {
					'www-authenticate': `Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="${scopes.join(' ')}"`,
				},
			},
		);
		(shape.body as any).error.errors[0].message = 'Insufficient Permission';
		return shape;
	},
	storageQuotaExceeded: () =>
		driveError(403, 'storageQuotaExceeded', "The user's Drive storage quota has been exceeded.", {
			domain: 'usageLimits',
			status: 'PERMISSION_DENIED',
		}),
	dailyLimitExceeded: () =>
		driveError(403, 'dailyLimitExceeded', 'Daily Limit Exceeded', {
			domain: 'usageLimits',
			status: 'PERMISSION_DENIED',
		}),
	userRateLimitExceeded: () =>
		driveError(403, 'userRateLimitExceeded', 'User Rate Limit Exceeded', {
			domain: 'usageLimits',
			status: 'PERMISSION_DENIED',
		}),
	rateLimit429: () =>
		driveError(429, 'rateLimitExceeded', 'Rate Limit Exceeded', {
			domain: 'usageLimits',
			status: 'RESOURCE_EXHAUSTED',
		}),
	backendError: (code = 500) =>
		driveError(code, 'backendError', 'Backend Error', { status: 'INTERNAL' }),
	fileNotDownloadable: () =>
		driveError(
			403,
			'fileNotDownloadable',
			'Only files with binary content can be downloaded. Use Export with Docs Editors files.',
			{
				location: 'alt',
				status: 'PERMISSION_DENIED',
			},
		),
	/** files.export of anything but a Docs Editors file (native.ts). */
	fileNotExportable: () =>
		driveError(403, 'fileNotExportable', 'Export only supports Docs Editors files.', {
			status: 'PERMISSION_DENIED',
		}),
	/** files.export reference: exported content is limited to 10 MB. */
	exportSizeLimitExceeded: () =>
		driveError(403, 'exportSizeLimitExceeded', 'This file is too large to be exported.', {
			status: 'PERMISSION_DENIED',
		}),
	conversionNotSupported: () =>
		driveError(400, 'badRequest', 'The requested conversion is not supported.', {
			location: 'convertTo',
			status: 'INVALID_ARGUMENT',
		}),
	insufficientFilePermissions: (id: string) =>
		driveError(
			403,
			'insufficientFilePermissions',
			`The user does not have sufficient permissions for file ${id}.`,
			{
				status: 'PERMISSION_DENIED',
			},
		),
	rangeNotSatisfiable: () =>
		driveError(416, 'requestedRangeNotSatisfiable', 'Request range not satisfiable', {}),
};
