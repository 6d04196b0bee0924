import { randomBytes } from 'crypto';

/** Which cloud issued a token: decides refresh-token rotation and the shape of token errors. */
export type AuthFlavour = 'google' | 'microsoft' | 'dropbox';

export interface IssuedTokens {
	access_token: string;
	refresh_token: string;
	expires_in: number;
	token_type: string;
	scope: string;
}

interface AccessRecord {
	flavour: AuthFlavour;
	scopes: string[];
	expiresAt: number;
	refreshToken: string;
}

interface RefreshRecord {
	flavour: AuthFlavour;
	scopes: string[];
	clientId: string;
	revoked: boolean;
}

export type TokenCheck =
	| { ok: true; scopes: string[]; flavour: AuthFlavour }
	| { ok: false; reason: 'missing' | 'invalid' | 'expired' };

/**
 * The token authority shared by the fake OAuth server and every fake cloud in one process:
 * the OAuth server issues and refreshes tokens, the clouds validate bearers against it.
 * Tokens are random and fake-prefixed so that a leaked one is easy to grep for in the secrets check.
 */
export class FakeAuth {
	private readonly access = new Map<string, AccessRecord>();
	private readonly refresh = new Map<string, RefreshRecord>();
	/** Every token ever issued, access and refresh, so tests can search logs and outputs for them. */
	readonly issuedSecrets = new Set<string>();
	/** Lifetime of new access tokens, in seconds. */
	accessTokenLifetime = 3600;
	refreshCount = 0;

	issue(flavour: AuthFlavour, scopes: string[], clientId = 'fake-client-id'): IssuedTokens {
		const refreshToken = this.newToken(`fake-${flavour}-rt`);
		this.refresh.set(refreshToken, { flavour, scopes, clientId, revoked: false });
		return this.issueAccess(flavour, scopes, refreshToken);
	}

	/** Exchange a refresh token. Microsoft rotates the refresh token on every refresh; Google and Dropbox do not. */
	refreshWith(
		refreshToken: string,
	): IssuedTokens | { error: 'invalid_grant'; error_description: string } {
		const record = this.refresh.get(refreshToken);
		if (!record || record.revoked) {
			return { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' };
		}
		this.refreshCount++;
		let next = refreshToken;
		if (record.flavour === 'microsoft') {
			next = this.newToken('fake-microsoft-rt');
			this.refresh.set(next, { ...record });
		}
		return this.issueAccess(record.flavour, record.scopes, next);
	}

	check(authorization: string | undefined): TokenCheck {
		if (!authorization) return { ok: false, reason: 'missing' };
		const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
		if (!match) return { ok: false, reason: 'invalid' };
		const record = this.access.get(match[1]);
		if (!record) return { ok: false, reason: 'invalid' };
		if (record.expiresAt <= Date.now()) return { ok: false, reason: 'expired' };
		return { ok: true, scopes: record.scopes, flavour: record.flavour };
	}

	/** Control: make every current access token (or one) expired, as if an hour had passed. */
	expireAccessTokens(token?: string): void {
		for (const [key, record] of this.access) {
			if (!token || key === token) record.expiresAt = 0;
		}
	}

	/** Control: revoke refresh tokens so the next refresh answers invalid_grant. */
	revokeRefreshTokens(token?: string): void {
		for (const [key, record] of this.refresh) {
			if (!token || key === token) record.revoked = true;
		}
	}

	/** Control: change the scopes behind existing tokens (insufficient-scope tests). */
	setScopes(scopes: string[]): void {
		for (const record of this.access.values()) record.scopes = scopes;
		for (const record of this.refresh.values()) record.scopes = scopes;
	}

	private issueAccess(flavour: AuthFlavour, scopes: string[], refreshToken: string): IssuedTokens {
		const accessToken = this.newToken(`fake-${flavour}-at`);
		this.access.set(accessToken, {
			flavour,
			scopes,
			expiresAt: Date.now() + this.accessTokenLifetime * 1000,
			refreshToken,
		});
		return {
			access_token: accessToken,
			refresh_token: refreshToken,
			expires_in: this.accessTokenLifetime,
			token_type: flavour === 'dropbox' ? 'bearer' : 'Bearer',
			scope: scopes.join(' '),
		};
	}

	private newToken(prefix: string): string {
		const token = `${prefix}-${randomBytes(18).toString('base64url')}`;
		this.issuedSecrets.add(token);
		return token;
	}
}
