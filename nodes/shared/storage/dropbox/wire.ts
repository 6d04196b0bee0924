import type { RetryDecision } from '../../transport/pacer';
import { bodyText, type CloudWire, type ShouldRetry } from '../../transport/transport';
import type { ApiHostsDeclaration } from '../../transport/hosts';

/** The RPC endpoints and the content (upload/download) endpoints. */
export const DROPBOX_API_ORIGIN = 'https://api.dropboxapi.com';
export const DROPBOX_CONTENT_ORIGIN = 'https://content.dropboxapi.com';
export const DROPBOX_API_HOSTS: ApiHostsDeclaration = {
	origins: [DROPBOX_API_ORIGIN, DROPBOX_CONTENT_ORIGIN],
};

/** Dropbox answers concurrent writes in one namespace with 409 too_many_write_operations: wait and retry. */
export const dropboxShouldRetry: ShouldRetry = (
	response,
	retryAfterMs,
): RetryDecision | undefined => {
	if (response.status === 409 && bodyText(response.body).includes('too_many_write_operations')) {
		return {
			retry: true,
			reason: 'Dropbox too_many_write_operations',
			retryAfterMs,
			status: response.status,
		};
	}
	return undefined;
};

export const DROPBOX_WIRE: CloudWire = {
	name: 'dropbox',
	hosts: DROPBOX_API_HOSTS,
	shouldRetry: dropboxShouldRetry,
};
