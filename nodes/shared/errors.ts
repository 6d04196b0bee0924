import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';
import { CloudError, HINTS, type CloudErrorReason } from './types/cloudError';
import { TokenHostError } from './transport/hosts';
import { RetryBudgetExceededError } from './transport/pacer';
import { redactKnownSecrets } from './transport/secrets';

/**
 * Turns anything the engine throws into the error n8n shows: the message names the item and the remote object,
 * the description says what to do. Messages are scrubbed of tokens and secrets, and never carry a response
 * body or file content; the original error is not attached as a cause, so nothing leaks through it either.
 */

export interface ErrorContext {
	itemIndex?: number;
	/** The remote object or field concerned: a path, a file name, a folder ID, a parameter name. */
	target?: string;
	/** The service, for messages ("Google Drive", "OneDrive", "Dropbox", "Google Calendar"). */
	service?: string;
}

export type NodeError = NodeApiError | NodeOperationError;

const MAX_MESSAGE_LENGTH = 300;

/**
 * Remove every secret of the credentials in use (by value, see transport/secrets.ts) and anything that looks like
 * a credential from a text meant for users or logs.
 */
export function scrubSecrets(text: string): string {
	return (
		redactKnownSecrets(text)
			// Authorization headers, whatever the scheme.
			.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]')
			// Our fakes' tokens: fake-<flavour>-at-… / fake-<flavour>-rt-…
			.replace(/\bfake-[a-z]+-(?:at|rt)-[A-Za-z0-9_-]+/g, '[redacted]')
			// Form and query parameters that carry secrets.
			.replace(
				/\b(refresh_token|access_token|client_secret|id_token|client_assertion|password)=([^&\s"',;]+)/gi,
				'$1=[redacted]',
			)
			// An authorization code, in a URL or a form body.
			.replace(/([?&])code=[^&\s"',;]+/g, '$1code=[redacted]')
			// The same in JSON.
			.replace(
				/"(refresh_token|access_token|client_secret|id_token|accessToken|refreshToken|clientSecret)"\s*:\s*"[^"]*"/g,
				'"$1":"[redacted]"',
			)
			// Real providers' token shapes: JWTs, Google ya29./1// tokens, Dropbox sl. tokens.
			.replace(/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, '[redacted]')
			.replace(/\b(?:ya29\.|1\/\/)[A-Za-z0-9._-]{10,}/g, '[redacted]')
			.replace(/\bsl\.[A-Za-z0-9_-]{20,}/g, '[redacted]')
			// Microsoft's opaque consumer tokens (EwA…/EwB…/EwC…, base64).
			.replace(/\bEw[A-Za-z0-9+/]{60,}={0,2}/g, '[redacted]')
	);
}

function clip(text: string): string {
	const clean = scrubSecrets(text).replace(/\s+/g, ' ').trim();
	return clean.length > MAX_MESSAGE_LENGTH ? `${clean.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : clean;
}

/** What the user can do, per reason (the provider's own hint wins when it gave one). */
const REASON_HINTS: Record<CloudErrorReason, string> = {
	notFound:
		"Check that the file or folder still exists and that the credential's account can see it, then run again.",
	auth: HINTS.auth,
	scope: 'Reconnect the credential with a wider scope (credential settings), then run again.',
	permission:
		"Share the item with the credential's account, or choose a folder that account may write to.",
	quota: HINTS.quota,
	dailyLimit: HINTS.dailyLimit,
	rateLimited: HINTS.rateLimited,
	conflict: 'Another change to the same item happened at the same time: run again.',
	cursorReset: HINTS.cursorReset,
	invalidRequest:
		'The service rejected the request: check the node parameters (names, paths, IDs).',
	transient: 'A temporary problem at the service: run again later; nothing is lost.',
	integrity:
		'The uploaded size or checksum did not match the source: nothing was recorded; run again.',
	other: 'Run again; if it keeps failing, check the credential and the node parameters.',
};

const REASON_HEADLINES: Record<CloudErrorReason, string> = {
	notFound: 'Not found',
	auth: 'The credential is no longer accepted',
	scope: 'The credential lacks a permission (scope)',
	permission: 'Permission denied',
	quota: 'Out of storage',
	dailyLimit: 'Daily API quota used up',
	rateLimited: 'Throttled by the service',
	conflict: 'Conflicting change',
	cursorReset: 'Change feed reset',
	invalidRequest: 'Request rejected',
	transient: 'Temporary service error',
	integrity: 'Upload verification failed',
	other: 'Request failed',
};

const REASON_HTTP_CODES: Partial<Record<CloudErrorReason, string>> = {
	notFound: '404',
	auth: '401',
	scope: '403',
	permission: '403',
	quota: '507',
	dailyLimit: '403',
	rateLimited: '429',
	conflict: '409',
	invalidRequest: '400',
	transient: '503',
};

/** Kinds that are about the remote service (NodeApiError); the rest are about our own checks (NodeOperationError). */
const OPERATION_REASONS = new Set<CloudErrorReason>(['integrity', 'cursorReset', 'other']);

/** "Out of storage: reports/2026/a.pdf (item 3)". */
function headline(base: string, context: ErrorContext, detail?: string): string {
	const service = context.service ? `${context.service}: ` : '';
	const target = context.target ? ` for "${context.target}"` : '';
	const item = context.itemIndex !== undefined ? ` (item ${context.itemIndex})` : '';
	const extra = detail ? ` - ${detail}` : '';
	return clip(`${service}${base}${target}${item}${extra}`);
}

function apiError(
	node: INode,
	message: string,
	description: string,
	context: ErrorContext,
	httpCode?: string,
): NodeApiError {
	// A clean response object: NodeApiError copies fields of what it is given into its context.
	const response: JsonObject = { message };
	if (httpCode) response.httpCode = httpCode;
	return new NodeApiError(node, response, {
		message,
		description: clip(description),
		httpCode,
		itemIndex: context.itemIndex,
	});
}

function operationError(
	node: INode,
	message: string,
	description: string,
	context: ErrorContext,
): NodeOperationError {
	return new NodeOperationError(node, message, {
		description: clip(description),
		itemIndex: context.itemIndex,
	});
}

export interface OAuthFailure {
	/** The OAuth error code: invalid_grant, invalid_client, ... */
	code: string;
}

/**
 * A failed token refresh, as n8n surfaces it: @n8n/client-oauth2 throws an AuthError (code 'EAUTH') whose
 * `body` is the token endpoint's JSON ({error: 'invalid_grant', ...}); 'OAuth credentials not connected' when
 * there are no tokens at all. Other wires (TestWire) set `code` to the OAuth error. Looks through causes too
 * (an SDK that gets the thrown refresh error from its fetch wraps it: gaxios keeps it in `error`).
 */
export function oauthFailure(error: unknown): OAuthFailure | undefined {
	let current: any = error;
	for (let depth = 0; current && typeof current === 'object' && depth < 6; depth++) {
		const bodyError = current.body?.error ?? current.errorResponse?.body?.error;
		if (
			typeof bodyError === 'string' &&
			/^(invalid_grant|invalid_client|unauthorized_client|invalid_scope)$/.test(bodyError)
		) {
			return { code: bodyError };
		}
		if (typeof current.code === 'string' && /^(invalid_grant|invalid_client)$/.test(current.code)) {
			return { code: current.code };
		}
		const message =
			`${typeof current.message === 'string' ? current.message : ''} ` +
			`${typeof current.body === 'string' ? current.body : ''}`;
		if (/OAuth credentials not connected/i.test(message)) return { code: 'not_connected' };
		// client-oauth2's wording for invalid_grant: what survives when an SDK keeps only the text (Graph client).
		if (
			/\binvalid_grant\b/.test(message) ||
			/authorization grant \(e\.g\., authorization code, resource owner credentials\) or refresh token is invalid/.test(
				message,
			)
		) {
			return { code: 'invalid_grant' };
		}
		if (/Client authentication failed \(e\.g\., unknown client/.test(message))
			return { code: 'invalid_client' };
		// Causes: Error.cause, the error gaxios and the Graph client keep in `.error`, n8n's `errorResponse`.
		const wrapped = current.error && typeof current.error === 'object' ? current.error : undefined;
		current = current.cause ?? wrapped ?? current.errorResponse;
	}
	return undefined;
}

const OAUTH_MESSAGES: Record<string, { message: string; hint: string }> = {
	invalid_grant: {
		message: 'The refresh token was refused (invalid_grant): the connection expired or was revoked',
		hint: HINTS.auth,
	},
	not_connected: {
		message: 'The credential is not connected yet',
		hint: 'Open the credential in n8n and click "Connect my account" (or "Sign in with ..."), then run again.',
	},
	invalid_client: {
		message: 'The OAuth app was refused (invalid_client): client ID or client secret is wrong',
		hint:
			'Copy the client ID and secret of the OAuth app again into the credential ' +
			'(a new secret may have replaced the old one), then reconnect.',
	},
	unauthorized_client: {
		message: 'The OAuth app may not use this grant (unauthorized_client)',
		hint: 'Check the OAuth app settings at the provider (platform type "Web", redirect URL of n8n), then reconnect.',
	},
	invalid_scope: {
		message: 'The scopes were refused (invalid_scope)',
		hint: 'Enable the APIs and scopes listed in the README for this OAuth app, then reconnect.',
	},
};

/** Map an error into NodeApiError / NodeOperationError with a message that names what failed and a hint. */
export function toNodeError(node: INode, error: unknown, context: ErrorContext = {}): NodeError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.message = clip(error.message);
		if (error.description) error.description = clip(error.description);
		if (context.itemIndex !== undefined && error.context.itemIndex === undefined)
			error.context.itemIndex = context.itemIndex;
		return error;
	}

	// Before the CloudError mapping: a provider that wrapped a failed token refresh still means "reconnect".
	const oauth = oauthFailure(error);
	if (oauth) {
		const known = OAUTH_MESSAGES[oauth.code] ?? OAUTH_MESSAGES.invalid_grant;
		return apiError(
			node,
			headline(known.message, context),
			known.hint,
			context,
			oauth.code === 'not_connected' ? undefined : '401',
		);
	}

	const refused = tokenHostErrorIn(error);
	if (refused) {
		return operationError(
			node,
			headline("Refused to send the credential's token to another host", context, refused.message),
			"Nothing was sent there. The service's answer pointed outside this credential's API " +
				'hosts (a paging link, an upload session or a redirect): run again; ' +
				'if it keeps happening and that host is a proxy you use, ' +
				"set it as the credential's API Base URL.",
			context,
		);
	}

	if (error instanceof CloudError) return fromCloudError(node, error, context);

	if (error instanceof RetryBudgetExceededError) {
		return apiError(
			node,
			headline(REASON_HEADLINES.rateLimited, context, error.message),
			HINTS.rateLimited,
			context,
			'429',
		);
	}

	return operationError(
		node,
		headline('Failed', context, plainMessage(error)),
		REASON_HINTS.other,
		context,
	);
}

/** A TokenHostError, thrown directly or kept as the cause of a provider's CloudError. */
function tokenHostErrorIn(error: unknown): TokenHostError | undefined {
	let current: unknown = error;
	for (let depth = 0; current && typeof current === 'object' && depth < 4; depth++) {
		if (current instanceof TokenHostError || (current as Error).name === 'TokenHostError')
			return current as TokenHostError;
		current = (current as CloudError).details?.cause ?? (current as { cause?: unknown }).cause;
	}
	return undefined;
}

/**
 * The text of anything thrown. Duck-typed, not `instanceof Error`: errors from another realm (Node's own modules
 * under jest, vm sandboxes, a second copy of a library) are not instances of this realm's Error, and calling them
 * "Unknown error" hides the bug. The class name stays when it says something (TypeError, SyntaxError...).
 */
export function plainMessage(error: unknown): string {
	if (typeof error === 'string') return error || 'Unknown error';
	if (!error || typeof error !== 'object')
		return error === undefined || error === null ? 'Unknown error' : String(error);
	const { name, message, code } = error as { name?: unknown; message?: unknown; code?: unknown };
	const text = typeof message === 'string' && message.trim() !== '' ? message : undefined;
	const label = typeof name === 'string' && name !== '' && name !== 'Error' ? name : undefined;
	const errno =
		typeof code === 'string' && code !== '' && !(text ?? '').includes(code) ? ` (${code})` : '';
	if (text) return `${label ? `${label}: ` : ''}${text}${errno}`;
	if (label) return `${label}${errno}`;
	// A thrown object without a message is not serialised: it could be a response body.
	return errno ? `Error${errno}` : 'Unknown error';
}

function fromCloudError(node: INode, error: CloudError, context: ErrorContext): NodeError {
	const target = context.target ?? error.details.target;
	const merged: ErrorContext = { ...context, target };
	const hint = error.hint ?? REASON_HINTS[error.reason];
	const code = error.details.providerCode ? ` (${error.details.providerCode})` : '';
	const message = headline(`${REASON_HEADLINES[error.reason]}${code}`, merged, error.message);
	if (OPERATION_REASONS.has(error.reason)) return operationError(node, message, hint, merged);
	const httpCode =
		error.details.status !== undefined
			? String(error.details.status)
			: REASON_HTTP_CODES[error.reason];
	return apiError(node, message, hint, merged, httpCode);
}
