import type { RetryDecision } from '../../transport/pacer';
import { bodyText, type CloudWire, type ShouldRetry } from '../../transport/transport';
import type { ApiHostsDeclaration } from '../../transport/hosts';
import type { WireResponse } from '../../transport/wire';

/** Every Google API this package calls (Drive, Calendar) answers on one origin. */
export const GOOGLE_API_ORIGIN = 'https://www.googleapis.com';
export const GOOGLE_API_HOSTS: ApiHostsDeclaration = { origins: [GOOGLE_API_ORIGIN] };

/** `error.errors[0].reason` of a Google error envelope. */
export function googleErrorReason(body: WireResponse['body']): string | undefined {
	try {
		const parsed = JSON.parse(bodyText(body));
		return parsed?.error?.errors?.[0]?.reason ?? parsed?.error?.status;
	} catch {
		return undefined;
	}
}

/**
 * Google's APIs say "slow down" with a 403 as well as a 429: userRateLimitExceeded and rateLimitExceeded are
 * retried (Drive's "Resolve errors" guide); a daily quota is not (the provider turns it into a clean stop).
 */
export const googleShouldRetry: ShouldRetry = (
	response,
	retryAfterMs,
): RetryDecision | undefined => {
	if (response.status !== 403) return undefined;
	const reason = googleErrorReason(response.body);
	if (reason === 'userRateLimitExceeded' || reason === 'rateLimitExceeded') {
		return { retry: true, reason: `Google ${reason}`, retryAfterMs, status: response.status };
	}
	return undefined;
};

export const GOOGLE_DRIVE_WIRE: CloudWire = {
	name: 'googleDrive',
	hosts: GOOGLE_API_HOSTS,
	shouldRetry: googleShouldRetry,
};
