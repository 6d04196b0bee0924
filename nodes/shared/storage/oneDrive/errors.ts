import { isNetworkError, parseRetryAfter, RetryBudgetExceededError } from '../../transport/pacer';
import { CloudError, HINTS } from '../../types/cloudError';

/** What the failed call was doing: a 403 on a write means the credential lacks write scope. */
export type Operation = 'read' | 'write';

export interface GraphFailure {
	status: number;
	code?: string;
	message?: string;
	retryAfter?: string;
}

/** Parse a Graph error envelope from a raw response body. */
export function failureFromBody(
	status: number,
	body: Buffer | undefined,
	headers: Record<string, string> = {},
): GraphFailure {
	let code: string | undefined;
	let message: string | undefined;
	try {
		const parsed = JSON.parse(body?.toString('utf8') ?? '');
		code = parsed?.error?.code;
		message = parsed?.error?.message;
	} catch {
		// not JSON: keep the status
	}
	return { status, code, message, retryAfter: headers['retry-after'] };
}

/** How messages name the drive: a OneDrive, or a SharePoint library (same Graph API, other words and scopes). */
export type GraphService = 'OneDrive' | 'SharePoint';

const SHAREPOINT_READ_HINT =
	'The signed-in user may not open this library, or the credential lacks SharePoint ' +
	'access: set "SharePoint Access" to "All Sites" (Sites.ReadWrite.All), ' +
	'or with "Selected Sites" (Sites.Selected) ask an administrator to grant the app this ' +
	'site.';
const SHAREPOINT_WRITE_HINT =
	'The signed-in user may not change this library, ' +
	'or the credential lacks write access to it: "SharePoint Access" "All Sites" ' +
	'(Sites.ReadWrite.All), or with "Selected Sites" a write grant on this site for the app.';

/** Turn a Graph answer into the CloudError the nodes understand, naming `target` and what the user can do. */
export function cloudErrorFromFailure(
	failure: GraphFailure,
	operation: Operation,
	target: string | undefined,
	service: GraphService,
): CloudError {
	const sharePoint = service === 'SharePoint';
	const { status, code } = failure;
	const about = target ? ` (${target})` : '';
	const details = { status, providerCode: code, target };
	const text = failure.message ? `: ${failure.message}` : '';
	if (status === 401) {
		return new CloudError('auth', `${service} rejected the credential${about}${text}`, {
			...details,
			hint: HINTS.auth,
		});
	}
	if (status === 403) {
		if (operation === 'write') {
			return new CloudError('scope', `${service} denied the change${about}${text}`, {
				...details,
				hint: sharePoint
					? SHAREPOINT_WRITE_HINT
					: HINTS.scope('Files.ReadWrite (Files.ReadWrite.All for drives shared with you)'),
			});
		}
		return new CloudError('permission', `${service} denied access${about}${text}`, {
			...details,
			hint: sharePoint
				? SHAREPOINT_READ_HINT
				: 'The account may not read this item. ' +
					`${HINTS.scope('Files.Read.All (or Files.ReadWrite.All) for items shared with you')}`,
		});
	}
	if (status === 404) {
		return new CloudError('notFound', `Not found in ${service}${about}${text}`, {
			...details,
			hint: 'Check that the item still exists and that the credential belongs to the account that owns it.',
		});
	}
	if (status === 409 || status === 412) {
		return new CloudError('conflict', `${service} reported a conflict${about}${text}`, details);
	}
	if (status === 410) {
		return new CloudError('cursorReset', `${service} needs a full resync${about}`, {
			...details,
			hint: HINTS.cursorReset,
		});
	}
	if (status === 423) {
		// A file checked out to another user (SharePoint's "Require Check Out", or a check-out by hand), or locked by
		// an app editing it: Graph answers 423 notAllowed / resourceLocked. Only whoever holds it can release it.
		return new CloudError(
			'other',
			sharePoint
				? `The SharePoint file${about} is checked out to someone else (locked)${text}`
				: `The OneDrive file${about} is locked (open for editing elsewhere)${text}`,
			{
				...details,
				hint: sharePoint
					? 'Ask whoever has it checked out to check it in (or discard the check-out) ' +
						"in the library (the file's ... menu > More > Check in), then run again: " +
						'the other files went on, and this one is tried again on the next run.'
					: 'Close the file where it is being edited, then run again: ' +
						'the other files went on, and this one is tried again on the next run.',
			},
		);
	}
	if (status === 507) {
		return new CloudError(
			'quota',
			`${sharePoint ? "The SharePoint site's storage is full" : 'The OneDrive is full'}${about}`,
			{
				...details,
				hint: HINTS.quota,
			},
		);
	}
	if (status === 429 || status === 503) {
		return new CloudError('rateLimited', `${service} is throttling requests${about}`, {
			...details,
			hint: HINTS.rateLimited,
			retryAfterMs: parseRetryAfter(failure.retryAfter),
		});
	}
	if (status === 400 || status === 413 || status === 416) {
		return new CloudError(
			'invalidRequest',
			`${service} refused the request${about}${text}`,
			details,
		);
	}
	if (status >= 500)
		return new CloudError('transient', `${service} had a server error${about}${text}`, details);
	return new CloudError('other', `${service} answered ${status}${about}${text}`, details);
}

/** Errors that never became an HTTP answer: pacer budget, lost connections, a refresh that failed. */
export function cloudErrorFromThrown(
	error: unknown,
	target: string | undefined,
	service: GraphService,
): CloudError {
	if (error instanceof CloudError) return error;
	const about = target ? ` (${target})` : '';
	if (
		error instanceof RetryBudgetExceededError ||
		(error as Error)?.name === 'RetryBudgetExceededError'
	) {
		return new CloudError('rateLimited', (error as Error).message, {
			target,
			hint: HINTS.rateLimited,
			retryAfterMs: (error as RetryBudgetExceededError).retryAfterMs,
			cause: error,
		});
	}
	const message = String((error as Error)?.message ?? error);
	if ((error as { code?: string })?.code === 'invalid_grant' || /invalid_grant/.test(message)) {
		return new CloudError('auth', `The ${service} credential could not be refreshed${about}`, {
			target,
			hint: HINTS.auth,
			cause: error,
		});
	}
	if (isNetworkError(error)) {
		return new CloudError('transient', `The connection to ${service} failed${about}: ${message}`, {
			target,
			cause: error,
		});
	}
	return new CloudError('other', `${service} call failed${about}: ${message}`, {
		target,
		cause: error,
	});
}
