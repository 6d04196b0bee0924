import { randomUUID } from 'crypto';
import type { ErrorShape } from '../common/server';

/** Graph's error envelope (api-brief §2.5): the SDK maps code, message and innerError.request-id. */
export function graphError(
	status: number,
	code: string,
	message: string,
	options: { headers?: Record<string, string>; innerCode?: string } = {},
): ErrorShape {
	const innerError: Record<string, unknown> = {
		date: new Date().toISOString().replace(/\.\d+Z$/, ''),
		'request-id': randomUUID(),
		'client-request-id': randomUUID(),
	};
	if (options.innerCode) innerError.code = options.innerCode;
	return { status, headers: options.headers, body: { error: { code, message, innerError } } };
}

/** Thrown inside handlers; the router turns it into the envelope. */
export class GraphFault extends Error {
	constructor(readonly shape: ErrorShape) {
		super(`${shape.status}`);
	}
}

export const faults = {
	invalidRequest: (message: string) => new GraphFault(graphError(400, 'invalidRequest', message)),
	notFound: (what = 'The resource could not be found.') =>
		new GraphFault(graphError(404, 'itemNotFound', what)),
	nameAlreadyExists: (name: string) =>
		new GraphFault(
			graphError(409, 'nameAlreadyExists', `An item with the name '${name}' already exists.`),
		),
	accessDenied: (
		message = 'Access denied. You do not have permission to perform this action or access this resource.',
	) => new GraphFault(graphError(403, 'accessDenied', message)),
	preconditionFailed: () =>
		new GraphFault(
			graphError(412, 'resourceModified', "ETag does not match current item's value", {
				innerCode: 'entityTagDoesNotMatch',
			}),
		),
	/** A file checked out to someone else (see GraphDrive.checkNotLocked for the sources). */
	locked: () =>
		new GraphFault(
			graphError(423, 'notAllowed', 'The resource you are attempting to access is locked', {
				innerCode: 'resourceLocked',
			}),
		),
	invalidRange: (message: string, innerCode = 'fragmentOverlap') =>
		new GraphFault(graphError(416, 'invalidRange', message, { innerCode })),
	quota: () =>
		new GraphFault(
			graphError(507, 'quotaLimitReached', 'Insufficient Space Available', {
				innerCode: 'storageQuotaExceeded',
			}),
		),
	tooLarge: () =>
		new GraphFault(
			graphError(
				413,
				'requestTooLarge',
				'The request is larger than the maximum allowed for a simple upload. Use an upload session.',
			),
		),
	resyncRequired: (location: string) =>
		new GraphFault(
			graphError(
				410,
				'resyncRequired',
				"Resync required. Replace any local items with the server's version (including deletes) if you're sure that the service was up to date with your local changes when you last sync'd. Upload any local changes that the server doesn't know about.",
				{
					headers: { location },
					innerCode: 'resyncChangesApplyDifferences',
				},
			),
		),
	methodNotAllowed: () =>
		new GraphFault(
			graphError(405, 'invalidRequest', 'The HTTP method is not allowed for this resource.'),
		),
};

export function throttleError(retryAfterSeconds: number, status: 429 | 503 = 429): ErrorShape {
	return status === 429
		? graphError(429, 'activityLimitReached', 'The request has been throttled', {
				headers: { 'retry-after': String(retryAfterSeconds) },
				innerCode: 'throttledRequest',
			})
		: graphError(503, 'serviceNotAvailable', 'Service unavailable', {
				headers: { 'retry-after': String(retryAfterSeconds) },
			});
}
