import type { ErrorShape } from './server';

/** Google's v1 error envelope (errors[0].reason is what clients key on) plus the modern `status`; Drive and Calendar send the same. */
export function googleError(
	code: number,
	reason: string,
	message: string,
	extra: {
		domain?: string;
		status?: string;
		location?: string;
		locationType?: string;
		headers?: Record<string, string>;
	} = {},
): ErrorShape {
	const item: Record<string, string> = { domain: extra.domain ?? 'global', reason, message };
	if (extra.location) {
		item.locationType = extra.locationType ?? 'parameter';
		item.location = extra.location;
	}
	return {
		status: code,
		headers: extra.headers,
		body: {
			error: { code, message, errors: [item], ...(extra.status ? { status: extra.status } : {}) },
		},
	};
}

/** The errors every Google API answers alike: bad arguments and missing or invalid OAuth tokens. */
export const GoogleErrors = {
	invalid: (message: string, location?: string) =>
		googleError(400, 'invalid', message, { location, status: 'INVALID_ARGUMENT' }),
	badRequest: (message: string) =>
		googleError(400, 'badRequest', message, { status: 'INVALID_ARGUMENT' }),
	unknownParameter: (name: string) =>
		googleError(
			400,
			'invalid',
			`Invalid JSON payload received. Unknown name "${name}": Cannot bind query parameter. Field '${name}' could not be found in request message.`,
			{ status: 'INVALID_ARGUMENT' },
		),
	authInvalid: () =>
		googleError(
			401,
			'authError',
			'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
			{
				location: 'Authorization',
				locationType: 'header',
				status: 'UNAUTHENTICATED',
				headers: {
					'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"',
				},
			},
		),
	authMissing: () =>
		googleError(
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
};
