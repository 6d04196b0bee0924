/**
 * Where a credential's token may go. Each cloud declares the origins its API answers on (its folder's wire.ts,
 * storage/<cloud>/ or calendar/<cloud>/); the credential's own choices (national cloud, API base URL) pick one set
 * of them, and the transport signs a request only for an origin of that set. Links a response hands out (paging
 * links, upload sessions, redirects) are held to the same rule, so a hostile or compromised answer cannot pull the
 * token away.
 */

export interface ApiHostsDeclaration {
	/** The https origins the SDK addresses in the default (global) cloud. */
	origins: readonly string[];
	/** Other clouds, by the credential's `nationalCloud` value: that cloud's origin replaces `origins`. */
	nationalClouds?: Readonly<Record<string, string>>;
}

/** The fields of a credential that choose the hosts. */
export interface HostChoice {
	apiBaseUrl?: unknown;
	nationalCloud?: unknown;
}

/** Thrown before anything is sent when a signed request would leave the credential's API hosts. */
export class TokenHostError extends Error {
	constructor(
		message: string,
		readonly url: string,
	) {
		super(message);
		this.name = 'TokenHostError';
	}
}

/** localhost, 127.0.0.0/8 and ::1: the only hosts plain http may carry a token to (the test fakes). */
export function isLoopbackHost(hostname: string): boolean {
	const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
	return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function originOf(url: string): string | undefined {
	try {
		const parsed = new URL(url);
		return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.origin : undefined;
	} catch {
		return undefined;
	}
}

/** The hosts one credential's token may go to, and the rewriting of SDK URLs onto a configured base URL. */
export class ApiHosts {
	/** Origins an SDK or a response may name; with a base URL each is re-addressed there. */
	private readonly sdkOrigins: string[];
	/** The configured base URL (no trailing slash), when the credential sets one or picks a national cloud. */
	readonly baseUrl?: string;
	/** Origins that receive the token. */
	readonly tokenOrigins: string[];
	/** Why the configured base URL may not carry a token, if it may not. */
	private readonly baseProblem?: string;

	constructor(declaration: ApiHostsDeclaration, baseUrl?: string) {
		this.sdkOrigins = [...declaration.origins, ...Object.values(declaration.nationalClouds ?? {})];
		this.baseUrl = baseUrl?.trim().replace(/\/+$/, '') || undefined;
		if (!this.baseUrl) {
			this.tokenOrigins = [...declaration.origins];
			return;
		}
		const origin = originOf(this.baseUrl);
		this.tokenOrigins = origin ? [origin] : [];
		if (!origin)
			this.baseProblem =
				`The API Base URL "${this.baseUrl}" of the credential is ` +
				'not an http(s) address: fix it in the credential';
		else if (origin.startsWith('http:') && !isLoopbackHost(new URL(origin).hostname)) {
			this.baseProblem =
				`The API Base URL "${this.baseUrl}" of the credential uses plain http, ` +
				'which would send the token unencrypted: ' +
				'use https (plain http is accepted only for a server on this machine)';
		}
	}

	/** Map an SDK URL on one of the cloud's origins onto the configured base URL; other URLs pass unchanged. */
	rewrite(url: string): string {
		if (!this.baseUrl) return url;
		for (const origin of this.sdkOrigins) {
			if (url === origin || url.startsWith(`${origin}/`) || url.startsWith(`${origin}?`))
				return this.baseUrl + url.slice(origin.length);
		}
		return url;
	}

	/** True when `url` (already rewritten) is on an origin that receives the token, over https or loopback http. */
	receivesToken(url: string): boolean {
		if (this.baseProblem) return false;
		const origin = originOf(url);
		if (!origin || !this.tokenOrigins.includes(origin)) return false;
		return origin.startsWith('https:') || isLoopbackHost(new URL(origin).hostname);
	}

	/** Throws a TokenHostError unless `url` may carry the token. */
	assertReceivesToken(url: string): void {
		if (this.receivesToken(url)) return;
		if (this.baseProblem) throw new TokenHostError(this.baseProblem, url);
		const where = originOf(url) ?? 'an address that is not http(s)';
		throw new TokenHostError(
			`Refused to send the credential's token to ${where}: only ${this.tokenOrigins.join(', ')} receive it. ` +
				'An answer pointed there (a paging link, an upload session or a redirect); ' +
				"if that host is a proxy you use, set it as the credential's API Base URL.",
			url,
		);
	}
}

/** The base URL a credential asks for: its advanced "API Base URL" field wins, then a national cloud. */
export function baseUrlFromChoice(
	declaration: ApiHostsDeclaration,
	credential: HostChoice,
): string | undefined {
	const explicit = typeof credential.apiBaseUrl === 'string' ? credential.apiBaseUrl.trim() : '';
	if (explicit) return explicit;
	if (typeof credential.nationalCloud === 'string')
		return declaration.nationalClouds?.[credential.nationalCloud];
	return undefined;
}

/** The hosts of one credential: its cloud's declaration narrowed by its national cloud and API base URL. */
export function apiHostsFor(declaration: ApiHostsDeclaration, credential: HostChoice): ApiHosts {
	return new ApiHosts(declaration, baseUrlFromChoice(declaration, credential));
}
