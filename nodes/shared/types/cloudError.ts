/**
 * What went wrong at a cloud, in words the node can act on. Providers translate SDK errors into this;
 * nodes translate it into NodeApiError / NodeOperationError (see ../errors.ts). Never put tokens or file
 * content in `message`.
 */
/** Why a cloud refused or failed, as the node acts on it (`kind` names only a storage in this code base). */
export type CloudErrorReason =
	| 'notFound'
	| 'auth' // invalid_grant, revoked or expired refresh token: reconnect the credential
	| 'scope' // token lacks a scope
	| 'permission' // the account may not touch this item
	| 'quota' // out of storage
	| 'dailyLimit' // API daily quota exhausted
	| 'rateLimited' // throttled beyond what one run may wait
	| 'conflict'
	| 'cursorReset'
	| 'invalidRequest'
	| 'transient'
	| 'integrity' // uploaded size or hash does not match
	| 'other';

export class CloudError extends Error {
	constructor(
		readonly reason: CloudErrorReason,
		message: string,
		readonly details: {
			status?: number;
			/** The provider's own code (Drive reason, Graph code, Dropbox error_summary head). */
			providerCode?: string;
			/** What the user can do about it. */
			hint?: string;
			/** The remote object concerned (name, path or id), for messages. */
			target?: string;
			/** Milliseconds the service asked us to wait. */
			retryAfterMs?: number;
			cause?: unknown;
		} = {},
	) {
		super(message);
		this.name = 'CloudError';
	}

	get hint(): string | undefined {
		return this.details.hint;
	}
}

export function isCloudError(error: unknown, reason?: CloudErrorReason): error is CloudError {
	return error instanceof CloudError && (reason === undefined || error.reason === reason);
}

/** Standard hints, so every provider says the same thing for the same situation. */
export const HINTS = {
	auth:
		'Reconnect the credential (open it in n8n and click "Reconnect"). ' +
		'For Google, an OAuth consent screen left in "Testing" expires ' +
		'refresh tokens after 7 days: publish the app to keep them.',
	quota:
		'The destination is out of storage: free some space or raise the storage plan, then run again.',
	dailyLimit:
		'The API daily quota of this OAuth app is used up: ' +
		'run again after the quota resets (midnight Pacific time for Google).',
	rateLimited:
		'The service is throttling requests: the run stopped without losing anything; the next run resumes.',
	cursorReset: 'The change feed was reset by the service; the node falls back to a full listing.',
	scope: (scope: string) =>
		`Reconnect the credential with the scope ${scope} (credential setting "Scope").`,
} as const;
