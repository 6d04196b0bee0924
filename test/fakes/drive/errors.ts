import type { ErrorShape } from '../common/server';

/** Google's v1 error envelope (errors[0].reason is what clients key on) plus the modern `status`. */
export function driveError(
	code: number,
	reason: string,
	message: string,
	extra: { domain?: string; status?: string; location?: string; locationType?: string; headers?: Record<string, string> } = {},
): ErrorShape {
	const item: Record<string, string> = { domain: extra.domain ?? 'global', reason, message };
	if (extra.location) {
		item.locationType = extra.locationType ?? 'parameter';
		item.location = extra.location;
	}
	return {
		status: code,
		headers: extra.headers,
		body: { error: { code, message, errors: [item], ...(extra.status ? { status: extra.status } : {}) } },
	};
}

export const DriveErrors = {
	notFound: (id: string) =>
		driveError(404, 'notFound', `File not found: ${id}.`, { location: 'fileId', status: 'NOT_FOUND' }),
	invalid: (message: string, location?: string) =>
		driveError(400, 'invalid', message, { location, status: 'INVALID_ARGUMENT' }),
	badRequest: (message: string) => driveError(400, 'badRequest', message, { status: 'INVALID_ARGUMENT' }),
	invalidQuery: () => driveError(400, 'invalid', 'Invalid Value', { location: 'q', status: 'INVALID_ARGUMENT' }),
	invalidFields: (message: string) =>
		driveError(400, 'invalidParameter', message, { location: 'fields', status: 'INVALID_ARGUMENT' }),
	invalidPageToken: () =>
		driveError(400, 'invalid', 'Invalid Value', { location: 'pageToken', status: 'INVALID_ARGUMENT' }),
	unknownParameter: (name: string) =>
		driveError(
			400,
			'invalid',
			`Invalid JSON payload received. Unknown name "${name}": Cannot bind query parameter. Field '${name}' could not be found in request message.`,
			{ status: 'INVALID_ARGUMENT' },
		),
	required: (name: string) =>
		driveError(400, 'required', `Required parameter: ${name}`, { location: name, status: 'INVALID_ARGUMENT' }),
	authInvalid: () =>
		driveError(
			401,
			'authError',
			'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
			{
				location: 'Authorization',
				locationType: 'header',
				status: 'UNAUTHENTICATED',
				headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
			},
		),
	authMissing: () =>
		driveError(
			401,
			'required',
			'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
			{
				location: 'Authorization',
				locationType: 'header',
				status: 'UNAUTHENTICATED',
				headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' },
			},
		),
	insufficientScopes: (scopes: string[]) => {
		const shape = driveError(403, 'insufficientPermissions', 'Request had insufficient authentication scopes.', {
			status: 'PERMISSION_DENIED',
			headers: {
				'www-authenticate': `Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="${scopes.join(' ')}"`,
			},
		});
		(shape.body as any).error.errors[0].message = 'Insufficient Permission';
		return shape;
	},
	storageQuotaExceeded: () =>
		driveError(403, 'storageQuotaExceeded', 'The user\'s Drive storage quota has been exceeded.', {
			domain: 'usageLimits',
			status: 'PERMISSION_DENIED',
		}),
	dailyLimitExceeded: () =>
		driveError(403, 'dailyLimitExceeded', 'Daily Limit Exceeded', { domain: 'usageLimits', status: 'PERMISSION_DENIED' }),
	userRateLimitExceeded: () =>
		driveError(403, 'userRateLimitExceeded', 'User Rate Limit Exceeded', { domain: 'usageLimits', status: 'PERMISSION_DENIED' }),
	rateLimit429: () =>
		driveError(429, 'rateLimitExceeded', 'Rate Limit Exceeded', { domain: 'usageLimits', status: 'RESOURCE_EXHAUSTED' }),
	backendError: (code = 500) => driveError(code, 'backendError', 'Backend Error', { status: 'INTERNAL' }),
	fileNotDownloadable: () =>
		driveError(403, 'fileNotDownloadable', 'Only files with binary content can be downloaded. Use Export with Docs Editors files.', {
			location: 'alt',
			status: 'PERMISSION_DENIED',
		}),
	insufficientFilePermissions: (id: string) =>
		driveError(403, 'insufficientFilePermissions', `The user does not have sufficient permissions for file ${id}.`, {
			status: 'PERMISSION_DENIED',
		}),
	rangeNotSatisfiable: () => driveError(416, 'requestedRangeNotSatisfiable', 'Request range not satisfiable', {}),
};
