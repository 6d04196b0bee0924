import { googleError as calendarError, GoogleErrors } from '../common/googleErrors';

/** Calendar answers in Google's common envelope, with the common errors below and its own. */
export { calendarError };

export const CalendarErrors = {
	...GoogleErrors,
	notFound: () => calendarError(404, 'notFound', 'Not Found', { status: 'NOT_FOUND' }),
	required: (message: string, location?: string) =>
		calendarError(400, 'required', message, { location, status: 'INVALID_ARGUMENT' }),
	timeRangeEmpty: (location?: string) =>
		calendarError(400, 'timeRangeEmpty', 'The specified time range is empty.', {
			domain: 'calendar',
			location,
			status: 'INVALID_ARGUMENT',
		}),
	notWithSyncToken: (name: string) =>
		calendarError(400, 'invalid', `The parameter ${name} cannot be used together with syncToken.`, {
			location: name,
			status: 'INVALID_ARGUMENT',
		}),
	invalidSyncToken: () =>
		calendarError(400, 'invalid', 'Invalid sync token value.', {
			location: 'syncToken',
			status: 'INVALID_ARGUMENT',
		}),
	invalidPageToken: () =>
		calendarError(400, 'invalid', 'Invalid page token value.', {
			location: 'pageToken',
			status: 'INVALID_ARGUMENT',
		}),
	fullSyncRequired: () =>
		calendarError(
			410,
			'fullSyncRequired',
			'Sync token is no longer valid, a full sync is required.',
			{
				domain: 'calendar',
				location: 'syncToken',
				status: 'GONE',
			},
		),
	updatedMinTooLongAgo: () =>
		calendarError(
			410,
			'updatedMinTooLongAgo',
			'The requested minimum modification time lies too far in the past.',
			{
				domain: 'calendar',
				location: 'updatedMin',
				status: 'GONE',
			},
		),
	deleted: () => calendarError(410, 'deleted', 'Resource has been deleted', { status: 'GONE' }),
	duplicate: () =>
		calendarError(409, 'duplicate', 'The requested identifier already exists.', {
			status: 'ALREADY_EXISTS',
		}),
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
	/** An attendee changing what only the organiser may change (https://developers.google.com/calendar/api/guides/errors). */
	forbiddenForNonOrganizer: () =>
		calendarError(
			403,
			'forbiddenForNonOrganizer',
			'Shared properties can only be changed by the organizer of the event.',
			{
				domain: 'calendar',
				status: 'PERMISSION_DENIED',
			},
		),
	insufficientScopes: () =>
		calendarError(
			403,
			'insufficientPermissions',
			'Request had insufficient authentication scopes.',
			{
				status: 'PERMISSION_DENIED',
			},
		),
	methodNotAllowed: () => calendarError(405, 'httpMethodNotAllowed', 'Method not allowed', {}),
	rateLimited: () =>
		calendarError(429, 'rateLimitExceeded', 'Rate Limit Exceeded', {
			domain: 'usageLimits',
			status: 'RESOURCE_EXHAUSTED',
		}),
	userRateLimited: () =>
		calendarError(403, 'userRateLimitExceeded', 'User Rate Limit Exceeded', {
			domain: 'usageLimits',
			status: 'PERMISSION_DENIED',
		}),
	quotaExceeded: () =>
		calendarError(403, 'quotaExceeded', 'Calendar usage limits exceeded.', {
			domain: 'usageLimits',
			status: 'PERMISSION_DENIED',
		}),
	backendError: () => calendarError(500, 'backendError', 'Backend Error', { status: 'INTERNAL' }),
};
