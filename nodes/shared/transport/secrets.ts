/**
 * The secret values of the credentials this process has used (access, refresh and id tokens, client secrets),
 * so every text meant for users or logs can be scrubbed by value, whatever the token looks like: opaque
 * tokens, JWTs, prefixed tokens, the test fakes' tokens. Shape patterns miss some of these;
 * values do not. Bounded: the most recently used values only (tokens rotate hourly; a busy n8n uses many).
 */

const MAX_KNOWN = 512;
/** Shorter values are not redacted by value (they could be ordinary words); the shape patterns still apply. */
const MIN_LENGTH = 12;
/** A run of token characters this long that is part of a known secret is redacted too (an echo cut short). */
const MIN_FRAGMENT = 24;

const SECRET_TOKEN_KEYS = [
	'access_token',
	'refresh_token',
	'id_token',
	'accessToken',
	'refreshToken',
];
const SECRET_CREDENTIAL_KEYS = ['clientSecret', 'password', 'apiKey'];

/** Insertion-ordered: the oldest entry is evicted first; a value seen again moves to the end. */
const known = new Map<string, string[]>();

function forms(value: string): string[] {
	const all = new Set([
		value,
		encodeURIComponent(value),
		value.replace(/\//g, '\\/'),
		encodeURIComponent(encodeURIComponent(value)),
	]);
	return [...all];
}

/** Remember one secret value (and its URL- and JSON-escaped forms). */
export function rememberSecret(value: unknown): void {
	if (typeof value !== 'string' || value.length < MIN_LENGTH) return;
	known.delete(value);
	known.set(value, forms(value));
	while (known.size > MAX_KNOWN) known.delete(known.keys().next().value as string);
}

/** Remember every secret a decrypted OAuth2 credential holds. */
export function rememberCredentialSecrets(credential: Record<string, unknown> | undefined): void {
	if (!credential) return;
	for (const key of SECRET_CREDENTIAL_KEYS) rememberSecret(credential[key]);
	const tokens = credential.oauthTokenData as Record<string, unknown> | undefined;
	if (tokens && typeof tokens === 'object')
		for (const key of SECRET_TOKEN_KEYS) rememberSecret(tokens[key]);
}

/** For tests: forget everything. */
export function forgetSecrets(): void {
	known.clear();
}

const TOKEN_RUN = /[A-Za-z0-9._~+/=%-]{24,}/g;

/** `text` with every known secret, in any of its forms, and any long fragment of one, replaced by [redacted]. */
export function redactKnownSecrets(text: string): string {
	if (known.size === 0 || text.length < MIN_LENGTH) return text;
	let result = text;
	for (const variants of known.values()) {
		for (const variant of variants)
			if (result.includes(variant)) result = result.split(variant).join('[redacted]');
	}
	// An echo cut short (a service quoting the first 100 characters): any long run of token characters that
	// is part of a secret goes too.
	return result.replace(TOKEN_RUN, (run) => {
		// "…sl.Babc..." cut with an ellipsis, or a padded base64 tail: compare the core of the run.
		const core = run.replace(/^[.~%-]+|[.~%=-]+$/g, '');
		if (core.length < MIN_FRAGMENT) return run;
		for (const value of known.keys()) if (value.includes(core)) return '[redacted]';
		return run;
	});
}
