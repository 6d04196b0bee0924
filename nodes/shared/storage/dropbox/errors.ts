import { isNetworkError } from '../../transport/pacer';
import { CloudError, HINTS, type CloudErrorReason } from '../../types/cloudError';

/** An error answer from Dropbox as the SDK (DropboxResponseError) or a raw request hands it over. */
export interface DropboxErrorAnswer {
	status: number;
	/** Parsed JSON ({error_summary, error}) or the plain text of a 400/5xx. */
	error: unknown;
	retryAfterHeader?: string;
}

type Tagged = Record<string, unknown> & { '.tag'?: string };

/**
 * The tag chain of a Dropbox error union ("path", "conflict", "file"). Reads the structure, never error_summary
 * (whose trailing dots are random). Union-of-union nests under the tag name; union-of-struct (UploadWriteFailed)
 * carries the inner union as `reason`.
 */
export function dropboxErrorTags(error: unknown): string[] {
	const tags: string[] = [];
	let current = (error as { error?: unknown } | undefined)?.error;
	for (let depth = 0; current && typeof current === 'object' && depth < 8; depth++) {
		const tag = (current as Tagged)['.tag'];
		if (typeof tag === 'string') {
			tags.push(tag);
			current = (current as Tagged)[tag] ?? (current as Tagged).reason;
		} else {
			// 429 bodies put the union under `reason` without a tag of their own.
			current = (current as Tagged).reason;
		}
	}
	return tags;
}

/** The correct offset of an incorrect_offset answer (append_v2 inline, finish under lookup_failed). */
export function incorrectOffset(answer: DropboxErrorAnswer): number | undefined {
	if (answer.status !== 409) return undefined;
	let current = (answer.error as { error?: unknown } | undefined)?.error as Tagged | undefined;
	for (let depth = 0; current && depth < 4; depth++) {
		if (current['.tag'] === 'incorrect_offset' && typeof current.correct_offset === 'number')
			return current.correct_offset;
		current = current[current['.tag'] as string] as Tagged | undefined;
	}
	return undefined;
}

export function isDropboxAnswer(
	error: unknown,
): error is { status: number; error: unknown; headers?: unknown } {
	return (
		!!error &&
		typeof error === 'object' &&
		typeof (error as { status?: unknown }).status === 'number' &&
		'error' in (error as object) &&
		(error as { name?: string }).name !== 'CloudError'
	);
}

/** From the SDK's DropboxResponseError (headers are a fetch Headers object there). */
export function answerFromSdkError(error: {
	status: number;
	error: unknown;
	headers?: unknown;
}): DropboxErrorAnswer {
	const headers = error.headers as { get?: (name: string) => string | null } | undefined;
	return {
		status: error.status,
		error: error.error,
		retryAfterHeader:
			typeof headers?.get === 'function' ? (headers.get('retry-after') ?? undefined) : undefined,
	};
}

/** What the service says, what it concerns, and what the user can do, as a CloudError (no tokens, no content). */
export function dropboxAnswerToCloudError(
	answer: DropboxErrorAnswer,
	action: string,
	target?: string,
): CloudError {
	const tags = dropboxErrorTags(answer.error);
	const code = tags.join('/') || undefined;
	const named = target ? ` "${target}"` : '';
	const base = { status: answer.status, providerCode: code, target };
	const make = (
		kind: CloudErrorReason,
		message: string,
		extra: Partial<CloudError['details']> = {},
	) => new CloudError(kind, message, { ...base, ...extra });

	if (answer.status === 401) {
		const tag = tags[0];
		if (tag === 'missing_scope') {
			const scope = String(
				(answer.error as { error?: { required_scope?: unknown } }).error?.required_scope ??
					'unknown',
			);
			return make(
				'scope',
				`Dropbox refused to ${action}${named}: the credential lacks the scope ${scope}`,
				{ hint: HINTS.scope(scope) },
			);
		}
		return make(
			'auth',
			`Dropbox refused to ${action}${named}: the access token is ` +
				`${tag === 'expired_access_token' ? 'expired' : 'invalid'} even after a refresh`,
			{
				hint: HINTS.auth,
			},
		);
	}
	if (
		answer.status === 429 ||
		tags.includes('too_many_write_operations') ||
		tags.includes('too_many_requests')
	) {
		const seconds = Number(
			(answer.error as { error?: { retry_after?: unknown } }).error?.retry_after ??
				answer.retryAfterHeader,
		);
		return make(
			'rateLimited',
			`Dropbox is throttling requests (while trying to ${action}${named})`,
			{
				hint: HINTS.rateLimited,
				retryAfterMs: Number.isFinite(seconds) ? seconds * 1000 : undefined,
			},
		);
	}
	if (answer.status === 400) {
		const text = typeof answer.error === 'string' ? answer.error.slice(0, 300) : 'bad request';
		return make('invalidRequest', `Dropbox rejected the request to ${action}${named}: ${text}`);
	}
	if (answer.status === 403)
		return make('permission', `Dropbox does not allow this account to ${action}${named}`);
	if (answer.status >= 500)
		return make(
			'transient',
			`Dropbox failed with ${answer.status} while trying to ${action}${named}; try again later`,
		);
	if (answer.status === 409) {
		if (tags.includes('insufficient_space')) {
			return make('quota', `The Dropbox account is out of space: could not ${action}${named}`, {
				hint: HINTS.quota,
			});
		}
		if (tags.includes('reset'))
			return make('cursorReset', 'The Dropbox change cursor was reset', {
				hint: HINTS.cursorReset,
			});
		if (tags.includes('not_found'))
			return make('notFound', `Dropbox has no${named || ' such item'} (could not ${action})`);
		if (tags.includes('conflict'))
			return make(
				'conflict',
				`Could not ${action}${named}: something with that name already exists in Dropbox`,
			);
		if (tags.includes('content_hash_mismatch'))
			return make(
				'integrity',
				`Dropbox received different bytes than were sent for${named || ' the file'}`,
			);
		if (
			tags.some((t) =>
				['no_write_permission', 'restricted_content', 'team_folder', 'no_permission'].includes(t),
			)
		) {
			return make('permission', `Dropbox does not allow this account to ${action}${named}`);
		}
		if (
			tags.some((t) =>
				[
					'malformed_path',
					'disallowed_name',
					'not_folder',
					'not_file',
					'payload_too_large',
					'too_large',
					'cant_move_folder_into_itself',
				].includes(t),
			)
		) {
			return make('invalidRequest', `Dropbox cannot ${action}${named}: ${code}`);
		}
		return make('other', `Dropbox could not ${action}${named}: ${code ?? 'conflict'}`);
	}
	return make('other', `Dropbox answered ${answer.status} while trying to ${action}${named}`);
}

/** Any failure of a Dropbox call as a CloudError. */
export function toDropboxCloudError(error: unknown, action: string, target?: string): CloudError {
	if (error instanceof CloudError) return error;
	if (isDropboxAnswer(error))
		return dropboxAnswerToCloudError(answerFromSdkError(error), action, target);
	const name = (error as { name?: string } | undefined)?.name;
	const message = error instanceof Error ? error.message : String(error);
	if (name === 'RetryBudgetExceededError') {
		const retryAfterMs = (error as { retryAfterMs?: number }).retryAfterMs;
		return new CloudError(
			'rateLimited',
			`Dropbox is throttling requests (while trying to ${action}${target ? ` "${target}"` : ''})`,
			{
				hint: HINTS.rateLimited,
				retryAfterMs,
				target,
				cause: error,
			},
		);
	}
	if (
		/invalid_grant/i.test(message) ||
		(error as { code?: string } | undefined)?.code === 'invalid_grant'
	) {
		return new CloudError(
			'auth',
			'The Dropbox credential could not be refreshed (the refresh token is invalid or revoked)',
			{
				hint: HINTS.auth,
				target,
				cause: error,
			},
		);
	}
	if (isNetworkError(error)) {
		return new CloudError(
			'transient',
			`The connection to Dropbox failed while trying to ${action}${target ? ` "${target}"` : ''}; try again`,
			{
				target,
				cause: error,
			},
		);
	}
	return new CloudError(
		'other',
		`Dropbox call failed while trying to ${action}${target ? ` "${target}"` : ''}: ${message}`,
		{ target, cause: error },
	);
}
