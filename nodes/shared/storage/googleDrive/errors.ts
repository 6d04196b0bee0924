import { RetryBudgetExceededError } from '../../transport/pacer';
import { isNetworkError } from '../../transport/pacer';
import { CloudError, HINTS, isCloudError } from '../../types/cloudError';

const FULL_SCOPE = 'https://www.googleapis.com/auth/drive';

interface DriveErrorFacts {
	status?: number;
	reason?: string;
	message?: string;
	wwwAuthenticate?: string;
}

/** Pull status, reason and message out of a GaxiosError (or anything shaped like it). */
function factsOfSdkError(error: any): DriveErrorFacts {
	const response = error?.response;
	let data = response?.data;
	if (typeof data === 'string') {
		try {
			data = JSON.parse(data);
		} catch {
			data = undefined;
		}
	}
	const headers = response?.headers;
	const wwwAuthenticate =
		typeof headers?.get === 'function'
			? headers.get('www-authenticate')
			: headers?.['www-authenticate'];
	return {
		status: error?.status ?? response?.status,
		reason: data?.error?.errors?.[0]?.reason ?? data?.error?.status,
		message: data?.error?.message ?? error?.message,
		wwwAuthenticate: wwwAuthenticate ?? undefined,
	};
}

/** Facts of a raw Drive answer (upload sessions, downloads). */
export function factsOfResponse(
	status: number,
	headers: Record<string, string>,
	body: Buffer | undefined,
): DriveErrorFacts {
	let parsed: any;
	try {
		parsed = body && body.length ? JSON.parse(body.toString('utf8')) : undefined;
	} catch {
		parsed = undefined;
	}
	return {
		status,
		reason: parsed?.error?.errors?.[0]?.reason ?? parsed?.error?.status,
		message: parsed?.error?.message ?? `HTTP ${status}`,
		wwwAuthenticate: headers['www-authenticate'],
	};
}

/** The scope Google asked for in `WWW-Authenticate: ... scope="..."`, or the full Drive scope. */
function requiredScope(header: string | undefined): string {
	const match = /scope="([^"]+)"/.exec(header ?? '');
	return match ? match[1].split(' ')[0] : FULL_SCOPE;
}

/** Translate Drive facts into a CloudError with the standard hint (pure). */
export function driveCloudError(
	facts: DriveErrorFacts,
	target?: string,
	cause?: unknown,
): CloudError {
	const { status, reason } = facts;
	const message = facts.message ?? 'Google Drive request failed';
	const details = { status, providerCode: reason, target, cause };
	if (status === 401)
		return new CloudError('auth', `Google Drive rejected the credential: ${message}`, {
			...details,
			hint: HINTS.auth,
		});
	if (
		reason === 'insufficientPermissions' ||
		reason === 'ACCESS_TOKEN_SCOPE_INSUFFICIENT' ||
		reason === 'insufficientScopes'
	) {
		const scope = requiredScope(facts.wwwAuthenticate);
		return new CloudError('scope', `The Google Drive credential lacks the scope ${scope}`, {
			...details,
			hint: HINTS.scope(scope),
		});
	}
	if (reason === 'storageQuotaExceeded' || reason === 'quotaExceeded') {
		return new CloudError(
			'quota',
			`Google Drive storage is full${target ? ` (uploading ${target})` : ''}`,
			{ ...details, hint: HINTS.quota },
		);
	}
	if (reason === 'dailyLimitExceeded' || reason === 'dailyLimitExceededUnreg') {
		return new CloudError('dailyLimit', 'The Google Drive API daily limit is exhausted', {
			...details,
			hint: HINTS.dailyLimit,
		});
	}
	if (status === 429 || reason === 'userRateLimitExceeded' || reason === 'rateLimitExceeded') {
		return new CloudError('rateLimited', 'Google Drive is throttling requests', {
			...details,
			hint: HINTS.rateLimited,
		});
	}
	if (status === 404 || reason === 'notFound') {
		return new CloudError(
			'notFound',
			`Not found in Google Drive: ${target ?? 'the requested item'}`,
			{
				...details,
				hint:
					'Check that the item still exists, is not in another account, ' +
					'and that the credential can see it (the "files created by this app" scope cannot ' +
					'see files made elsewhere).',
			},
		);
	}
	if (status === 403) {
		return new CloudError(
			'permission',
			`Google Drive refused access${target ? ` to ${target}` : ''}: ${message}`,
			{
				...details,
				hint: 'Make sure the connected account may edit this item.',
			},
		);
	}
	if (status === 400)
		return new CloudError(
			'invalidRequest',
			`Google Drive rejected the request: ${message}`,
			details,
		);
	if (status !== undefined && status >= 500)
		return new CloudError('transient', `Google Drive is unavailable (${status})`, details);
	return new CloudError('other', `Google Drive request failed: ${message}`, details);
}

/** Any error from the SDK, the transport or the wire, as a CloudError. */
export function toDriveCloudError(error: unknown, target?: string): CloudError {
	if (isCloudError(error)) return error;
	if (error instanceof RetryBudgetExceededError) {
		return new CloudError('rateLimited', error.message, {
			retryAfterMs: error.retryAfterMs,
			hint: HINTS.rateLimited,
			target,
			cause: error,
		});
	}
	const code = (error as { code?: string })?.code;
	if (code === 'invalid_grant' || /invalid_grant/.test((error as Error)?.message ?? '')) {
		return new CloudError(
			'auth',
			'The Google credential can no longer be refreshed (invalid_grant)',
			{ hint: HINTS.auth, target, cause: error },
		);
	}
	const facts = factsOfSdkError(error);
	if (facts.status === undefined) {
		const cause = (error as { cause?: unknown })?.cause ?? error;
		if (isCloudError(cause)) return cause;
		if (cause instanceof RetryBudgetExceededError) return toDriveCloudError(cause, target);
		if (isNetworkError(error))
			return new CloudError('transient', 'The connection to Google Drive failed', {
				target,
				cause: error,
			});
		return new CloudError(
			'other',
			`Google Drive request failed: ${(error as Error)?.message ?? String(error)}`,
			{ target, cause: error },
		);
	}
	return driveCloudError(facts, target, error);
}
