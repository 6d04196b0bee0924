import type { FakeAuth } from '../../fakes/common/auth';
import type { FaultAction, FaultRule, LoggedRequest } from '../../fakes/common/server';

/**
 * One vocabulary of faults over the three fake clouds: each method injects the cloud's own answer (status, body,
 * headers as research/api-brief.md describes them) through the fakes' control API.
 */

export type CloudKind = 'googleDrive' | 'oneDrive' | 'dropbox';

export interface FakeCloud {
	auth: FakeAuth;
	baseUrl: string;
	inject(rule: FaultRule): void;
	clearFaults(): void;
	mark(): number;
	requests(filter?: { method?: string; path?: string | RegExp; since?: number }): LoggedRequest[];
}

/** Request paths by role, per cloud. */
const PATHS: Record<CloudKind, { api: RegExp; upload: RegExp; listing: RegExp; download: RegExp }> =
	{
		googleDrive: {
			api: /^\/(drive|upload)\//,
			upload: /^\/upload\/drive\/v3\/files/,
			listing: /^\/drive\/v3\/(changes|files)(\?|$)/,
			download: /alt=media/,
		},
		oneDrive: {
			api: /^\/(v1\.0|_upload|_download)\//,
			upload: /(\/content(\?|$)|createUploadSession|^\/_upload\/)/,
			listing: /(\/children|\/delta)(\?|$)/,
			download: /^\/_download\//,
		},
		dropbox: {
			api: /^\/2\//,
			upload: /^\/2\/files\/upload/,
			listing: /^\/2\/files\/list_folder/,
			download: /^\/2\/files\/download/,
		},
	};

/** Scopes that read but cannot write, and scopes that cannot even read, per cloud (what a narrow consent grants). */
export const NARROW_SCOPES: Record<
	CloudKind,
	{ readOnly: string[]; none: string[]; writeScope: string; readScope: string }
> = {
	googleDrive: {
		readOnly: ['https://www.googleapis.com/auth/drive.readonly'],
		none: ['https://www.googleapis.com/auth/drive.appdata'],
		writeScope: 'drive',
		readScope: 'drive',
	},
	oneDrive: {
		readOnly: ['Files.Read', 'offline_access'],
		none: ['User.Read', 'offline_access'],
		writeScope: 'Files.ReadWrite',
		readScope: 'Files.Read',
	},
	dropbox: {
		readOnly: ['account_info.read', 'files.metadata.read', 'files.content.read'],
		none: ['account_info.read', 'files.metadata.read'],
		writeScope: 'files.content.write',
		readScope: 'files.content.read',
	},
};

export class FaultKit {
	constructor(
		readonly kind: CloudKind,
		readonly fake: FakeCloud,
	) {}

	private get paths() {
		return PATHS[this.kind];
	}

	private rule(path: RegExp, action: FaultAction, times = 1, skip = 0, method?: string): void {
		this.fake.inject({ path, action, times, skip, method });
	}

	/** The cloud's 429 with Retry-After on the next `count` API requests. */
	rateLimit(count: number, retryAfterSeconds: number, skip = 0): void {
		const headers = { 'retry-after': String(retryAfterSeconds) };
		const body =
			this.kind === 'googleDrive'
				? {
						error: {
							code: 429,
							message: 'Rate Limit Exceeded',
							errors: [
								{
									domain: 'usageLimits',
									reason: 'rateLimitExceeded',
									message: 'Rate Limit Exceeded',
								},
							],
							status: 'RESOURCE_EXHAUSTED',
						},
					}
				: this.kind === 'oneDrive'
					? { error: { code: 'activityLimitReached', message: 'The request has been throttled' } }
					: {
							error_summary: 'too_many_requests/..',
							error: { reason: { '.tag': 'too_many_requests' }, retry_after: retryAfterSeconds },
						};
		this.rule(this.paths.api, { type: 'respond', status: 429, headers, body }, count, skip);
	}

	/** A burst of 5xx answers on API requests. */
	serverErrors(count: number, status = 503, skip = 0): void {
		const body =
			this.kind === 'googleDrive'
				? {
						error: {
							code: status,
							message: 'Backend Error',
							errors: [{ domain: 'global', reason: 'backendError', message: 'Backend Error' }],
						},
					}
				: this.kind === 'oneDrive'
					? { error: { code: 'serviceNotAvailable', message: 'Service unavailable' } }
					: 'Service unavailable';
		this.rule(this.paths.api, { type: 'respond', status, body }, count, skip);
	}

	/** Every access token expires just before the `skip+1`th upload (or listing) request. */
	expireTokenBefore(role: 'upload' | 'listing' | 'download', skip = 0): void {
		this.rule(this.paths[role], { type: 'expireToken' }, 1, skip);
	}

	/** The download answer is cut after `afterBytes` body bytes. */
	cutDownload(afterBytes: number, times = 1): void {
		this.rule(this.paths.download, { type: 'cutResponse', afterBytes }, times);
	}

	/** A request of this role is cut after `afterBytes` request-body bytes. */
	cutRequest(role: 'upload', afterBytes: number, skip = 0): void {
		this.rule(this.paths[role], { type: 'cutRequest', afterBytes }, 1, skip);
	}

	/** The credential's refresh token is revoked and its access token expired: the next request needs a refresh that fails. */
	revoke(tokens: { access_token: string; refresh_token: string }): void {
		this.fake.auth.revokeRefreshTokens(tokens.refresh_token);
		this.fake.auth.expireAccessTokens(tokens.access_token);
	}

	/**
	 * Out of storage the cloud's own way once `afterUploads` more documents of `docBytes` are stored: Drive's 403
	 * storageQuotaExceeded (a rule on uploads), Graph's 507 and Dropbox's path/insufficient_space (the fakes' quotas).
	 */
	storageFull(afterUploads: number, docBytes: number): void {
		const room = afterUploads * docBytes + Math.floor(docBytes / 2);
		const fake = this.fake as unknown as {
			drive: { usedBytes(): number };
			setQuota(quota: unknown): void;
			tree: { used(): number };
		};
		if (this.kind === 'googleDrive') {
			const body = {
				error: {
					code: 403,
					message: "The user's Drive storage quota has been exceeded.",
					errors: [
						{
							domain: 'usageLimits',
							reason: 'storageQuotaExceeded',
							message: "The user's Drive storage quota has been exceeded.",
						},
					],
				},
			};
			this.rule(
				this.paths.upload,
				{ type: 'respond', status: 403, body },
				1000,
				afterUploads,
				'POST',
			);
		} else if (this.kind === 'oneDrive') {
			fake.setQuota({ total: fake.drive.usedBytes() + room });
		} else {
			fake.setQuota(fake.tree.used() + room);
		}
	}

	storageFreed(): void {
		const fake = this.fake as unknown as { setQuota(quota: unknown): void };
		if (this.kind === 'googleDrive') this.fake.clearFaults();
		else if (this.kind === 'oneDrive') fake.setQuota({ total: 5 * 1024 ** 3 });
		else fake.setQuota(undefined);
	}

	/** Requests of a role made since `mark`. */
	count(role: keyof (typeof PATHS)['googleDrive'], since: number): number {
		return this.fake.requests({ since, path: this.paths[role] }).length;
	}
}
