import type { ErrorShape } from '../common/server';

/** Google's v1 error envelope, as Calendar sends it (same shape as Drive's; clients key on errors[0].reason). */
export function calendarError(
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

export const CalendarErrors = {
	notFound: () => calendarError(404, 'notFound', 'Not Found', { status: 'NOT_FOUND' }),
	invalid: (message: string, location?: string) =>
		calendarError(400, 'invalid', message, { location, status: 'INVALID_ARGUMENT' }),
	badRequest: (message: string) => calendarError(400, 'badRequest', message, { status: 'INVALID_ARGUMENT' }),
	required: (message: string, location?: string) =>
		calendarError(400, 'required', message, { location, status: 'INVALID_ARGUMENT' }),
	timeRangeEmpty: (location?: string) =>
		calendarError(400, 'timeRangeEmpty', 'The specified time range is empty.', {
			domain: 'calendar',
			location,
			status: 'INVALID_ARGUMENT',
		}),
	unknownParameter: (name: string) =>
		calendarError(
			400,
			'invalid',
			`Invalid JSON payload received. Unknown name "${name}": Cannot bind query parameter. Field '${name}' could not be found in request message.`,
			{ status: 'INVALID_ARGUMENT' },
		),
	notWithSyncToken: (name: string) =>
		calendarError(400, 'invalid', `The parameter ${name} cannot be used together with syncToken.`, {
			location: name,
			status: 'INVALID_ARGUMENT',
		}),
	invalidSyncToken: () =>
		calendarError(400, 'invalid', 'Invalid sync token value.', { location: 'syncToken', status: 'INVALID_ARGUMENT' }),
	invalidPageToken: () =>
		calendarError(400, 'invalid', 'Invalid page token value.', { location: 'pageToken', status: 'INVALID_ARGUMENT' }),
	fullSyncRequired: () =>
		calendarError(410, 'fullSyncRequired', 'Sync token is no longer valid, a full sync is required.', {
			domain: 'calendar',
			location: 'syncToken',
			status: 'GONE',
		}),
	updatedMinTooLongAgo: () =>
		calendarError(410, 'updatedMinTooLongAgo', 'The requested minimum modification time lies too far in the past.', {
			domain: 'calendar',
			location: 'updatedMin',
			status: 'GONE',
		}),
	deleted: () => calendarError(410, 'deleted', 'Resource has been deleted', { status: 'GONE' }),
	duplicate: () => calendarError(409, 'duplicate', 'The requested identifier already exists.', { status: 'ALREADY_EXISTS' }),
	conditionNotMet: () =>
		calendarError(412, 'conditionNotMet', 'Precondition Failed', {
			location: 'If-Match',
			locationType: 'header',
			status: 'FAILED_PRECONDITION',
		}),
	writerAccess: () =>
		calendarError(403, 'requiredAccessLevel', 'You need to have writer access to this calendar.', {
			status: 'PERMISSION_DENIED',
		}),
	insufficientScopes: () =>
		calendarError(403, 'insufficientPermissions', 'Request had insufficient authentication scopes.', {
			status: 'PERMISSION_DENIED',
		}),
	authInvalid: () =>
		calendarError(
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
		calendarError(
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
	methodNotAllowed: () => calendarError(405, 'httpMethodNotAllowed', 'Method not allowed', {}),
	rateLimited: () => calendarError(429, 'rateLimitExceeded', 'Rate Limit Exceeded', { domain: 'usageLimits', status: 'RESOURCE_EXHAUSTED' }),
	userRateLimited: () =>
		calendarError(403, 'userRateLimitExceeded', 'User Rate Limit Exceeded', { domain: 'usageLimits', status: 'PERMISSION_DENIED' }),
	quotaExceeded: () =>
		calendarError(403, 'quotaExceeded', 'Calendar usage limits exceeded.', { domain: 'usageLimits', status: 'PERMISSION_DENIED' }),
	backendError: () => calendarError(500, 'backendError', 'Backend Error', { status: 'INTERNAL' }),
};
