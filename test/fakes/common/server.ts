import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import { createServer as createTlsServer, type Server as TlsServer } from 'https';
import type { AddressInfo, Socket } from 'net';
import { FakeAuth } from './auth';

/** A request as the fake's handlers see it: body already read (fakes spill big bodies to disk themselves). */
export interface FakeRequest {
	method: string;
	url: URL;
	path: string;
	headers: IncomingMessage['headers'];
	raw: IncomingMessage;
}

export interface LoggedRequest {
	seq: number;
	at: number;
	method: string;
	path: string;
	query: string;
	status: number;
	authorized: boolean;
	bytesIn: number;
	/** When the answer was sent (Date.now()), for request timelines. */
	doneAt?: number;
	/** Set when a fault rule answered instead of the fake. */
	fault?: string;
}

/** What a fault does to one matching request. */
export type FaultAction =
	| { type: 'respond'; status: number; headers?: Record<string, string>; body?: unknown }
	/** Read this many request-body bytes, then drop the connection (a cut mid-upload). */
	| { type: 'cutRequest'; afterBytes: number }
	/** Let the fake answer, but drop the connection after this many response-body bytes (a cut mid-download). */
	| { type: 'cutResponse'; afterBytes: number }
	/** Expire all access tokens just before handling this request (token expiry mid-run). */
	| { type: 'expireToken' }
	/** Hold the request this long before handling it. */
	| { type: 'delay'; ms: number };

export interface FaultRule {
	id?: string;
	method?: string;
	/** Substring or regular expression (as /source/) matched against the path plus query. */
	path?: string | RegExp;
	/** Skip this many matching requests before the fault fires. */
	skip?: number;
	/** How many matching requests the fault hits; default 1. */
	times?: number;
	action: FaultAction;
}

interface ActiveFault extends Required<Pick<FaultRule, 'times' | 'skip'>> {
	rule: FaultRule;
	hits: number;
}

/** Where and how a fake listens when it stands in for a real API host (see start()). */
export interface ListenOptions {
	host?: string;
	port?: number;
	tls?: { key: string | Buffer; cert: string | Buffer };
	/** The real host name the fake answers for; its URLs (upload sessions, next links) use it. */
	publicName?: string;
}

export interface ErrorShape {
	status: number;
	headers?: Record<string, string>;
	body: unknown;
}

/**
 * Base of every fake cloud: loopback HTTP server, request log, fault injection and the generic part of the
 * control API (`/_control/...`). Subclasses implement the cloud's own routes and error shapes.
 */
export abstract class FakeServer {
	readonly log: LoggedRequest[] = [];
	private readonly faults: ActiveFault[] = [];
	private server?: Server | TlsServer;
	private readonly sockets = new Set<Socket>();
	private seq = 0;
	baseUrl = '';

	constructor(readonly auth: FakeAuth = new FakeAuth()) {}

	/** Short name used by the CLI and the control API ("drive", "graph", ...). */
	abstract readonly name: string;

	/** Serve one cloud request (auth already checked when `requiresAuth` says so). */
	protected abstract handle(req: FakeRequest, res: ServerResponse): Promise<void>;

	/** The cloud's answer to a missing, invalid or expired bearer token. */
	protected abstract authError(reason: 'missing' | 'invalid' | 'expired'): ErrorShape;

	/** Cloud-specific control routes (seed, act as the user, ...); return false when the route is unknown. */
	protected async control(_action: string, _body: any, _res: ServerResponse): Promise<boolean> {
		return false;
	}

	/**
	 * Store a raw body the way this fake stores uploaded content (hashes, spill to disk), then drop it: the floor
	 * under any upload protocol, which the benchmark compares uploads against. Returns the bytes read.
	 */
	protected async sink(body: AsyncIterable<Buffer>): Promise<number> {
		let bytes = 0;
		for await (const chunk of body) bytes += chunk.length;
		return bytes;
	}

	/**
	 * The benchmark's between-repetitions clean-up (`/_control/purge-deleted`): the content of deleted files the
	 * fake still keeps for a restore (Dropbox revisions, the Graph recycle bin) is dropped, so repeated 2 GiB
	 * uploads do not pile up in the temp directory. Returns the bytes freed. No cloud route reaches it.
	 */
	protected async purgeDeleted(): Promise<number> {
		return 0;
	}

	/** Routes that carry no bearer (upload-session URLs, pre-authenticated downloads, token endpoints). */
	protected requiresAuth(_req: FakeRequest): boolean {
		return true;
	}

	/** Scopes a route needs; a token without any of them gets `scopeError`. Empty means any token will do. */
	protected requiredScopes(_req: FakeRequest): string[] {
		return [];
	}

	protected scopeError(required: string[]): ErrorShape {
		return { status: 403, body: { error: 'insufficient_scope', required } };
	}

	/**
	 * Listen on loopback HTTP (a port number, the default), or as the options say: an address, TLS with a test
	 * certificate, and the public host name the fake answers for (then baseUrl is https://<publicName>).
	 */
	async start(options: number | ListenOptions = 0): Promise<string> {
		const {
			host = '127.0.0.1',
			port = 0,
			tls,
			publicName,
		} = typeof options === 'number' ? { port: options } : options;
		this.server = tls
			? createTlsServer({ key: tls.key, cert: tls.cert }, this.serve)
			: createServer(this.serve);
		this.server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
		const address = this.server.address() as AddressInfo;
		this.baseUrl = tls
			? `https://${publicName ?? host}${address.port === 443 ? '' : `:${address.port}`}`
			: `http://127.0.0.1:${address.port}`;
		return this.baseUrl;
	}

	/** The request listener behind start(); a front end that serves several fakes under one host name calls it. */
	readonly serve = (req: IncomingMessage, res: ServerResponse): void => {
		this.dispatch(req, res).catch((error: unknown) => {
			if (!res.headersSent) {
				res.writeHead(500, { 'content-type': 'text/plain' });
				res.end(`fake ${this.name} crashed: ${(error as Error).stack ?? String(error)}`);
			} else {
				res.destroy();
			}
		});
	};

	async stop(): Promise<void> {
		if (!this.server) return;
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => this.server!.close(() => resolve()));
		this.server = undefined;
	}

	// ---- faults and log (programmatic control; the HTTP control API maps onto these) ----

	inject(rule: FaultRule): void {
		this.faults.push({ rule, times: rule.times ?? 1, skip: rule.skip ?? 0, hits: 0 });
	}

	clearFaults(): void {
		this.faults.length = 0;
	}

	/** Requests that reached the cloud API (control calls are not logged). */
	requests(filter?: { method?: string; path?: string | RegExp; since?: number }): LoggedRequest[] {
		return this.log.filter(
			(entry) =>
				(!filter?.method || entry.method === filter.method) &&
				(filter?.since === undefined || entry.seq > filter.since) &&
				(!filter?.path ||
					matches(filter.path, entry.path + (entry.query ? `?${entry.query}` : ''))),
		);
	}

	/** The sequence number of the last logged request: pass it as `since` to count what a run did. */
	mark(): number {
		return this.seq;
	}

	// ---- helpers for subclasses ----

	protected sendJson(
		res: ServerResponse,
		status: number,
		body: unknown,
		headers: Record<string, string> = {},
	): void {
		const text = body === undefined ? '' : JSON.stringify(body);
		res.writeHead(status, {
			...(text ? { 'content-type': 'application/json; charset=UTF-8' } : {}),
			'content-length': String(Buffer.byteLength(text)),
			...headers,
		});
		res.end(text);
	}

	protected sendError(res: ServerResponse, error: ErrorShape): void {
		if (typeof error.body === 'string' || Buffer.isBuffer(error.body)) {
			res.writeHead(error.status, {
				'content-type': 'text/plain; charset=utf-8',
				...error.headers,
			});
			res.end(error.body);
			return;
		}
		this.sendJson(res, error.status, error.body, error.headers);
	}

	/** Read the whole request body (use only for bodies known to be small, or for chunks). */
	protected async readBody(req: FakeRequest, limit = 256 * 1024 * 1024): Promise<Buffer> {
		const chunks: Buffer[] = [];
		let total = 0;
		for await (const chunk of req.raw) {
			total += (chunk as Buffer).length;
			if (total > limit) throw new Error(`request body over ${limit} bytes`);
			chunks.push(chunk as Buffer);
		}
		return Buffer.concat(chunks);
	}

	private async dispatch(raw: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(raw.url ?? '/', this.baseUrl || 'http://127.0.0.1');
		if (url.pathname === '/_control/sink') {
			// The benchmark's plain PUT: the body goes where this fake keeps uploaded bytes, no protocol around it.
			this.sendJson(res, 200, { bytes: await this.sink(raw) });
			return;
		}
		if (url.pathname.startsWith('/_control/')) {
			await this.dispatchControl(url.pathname.slice('/_control/'.length), raw, res);
			return;
		}
		const req: FakeRequest = {
			method: raw.method ?? 'GET',
			url,
			path: url.pathname,
			headers: raw.headers,
			raw,
		};
		const entry: LoggedRequest = {
			seq: ++this.seq,
			at: Date.now(),
			method: req.method,
			path: url.pathname,
			query: url.search.replace(/^\?/, ''),
			status: 0,
			authorized: false,
			bytesIn: 0,
		};
		this.log.push(entry);
		raw.on('data', (chunk: Buffer) => (entry.bytesIn += chunk.length));
		// A 'data' listener switches the stream to flowing mode: without this pause, body bytes that arrive while
		// dispatch awaits (a fault rule, an async auth step) would reach only the counter, never the handler.
		raw.pause();
		res.on('finish', () => {
			entry.status = res.statusCode;
			entry.doneAt = Date.now();
		});
		res.on('close', () => (entry.status ||= res.statusCode));

		const fault = this.takeFault(req);
		if (fault) {
			entry.fault = fault.type;
			const handled = await this.applyFault(fault, req, res);
			if (handled) return;
		}

		if (this.requiresAuth(req)) {
			const check = this.auth.check(req.headers.authorization);
			if (!check.ok) {
				// Like a real front end, read what the client sent before refusing it (the log counts those bytes).
				await drain(req);
				this.sendError(res, this.authError(check.reason));
				return;
			}
			const needed = this.requiredScopes(req);
			if (needed.length > 0 && !needed.some((scope) => check.scopes.includes(scope))) {
				await drain(req);
				this.sendError(res, this.scopeError(needed));
				return;
			}
			entry.authorized = true;
		}
		await this.handle(req, res);
	}

	private takeFault(req: FakeRequest): FaultAction | undefined {
		const target = req.path + req.url.search;
		for (const fault of this.faults) {
			if (fault.times <= 0) continue;
			if (fault.rule.method && fault.rule.method !== req.method) continue;
			if (fault.rule.path && !matches(fault.rule.path, target)) continue;
			if (fault.skip > 0) {
				fault.skip--;
				continue;
			}
			fault.times--;
			fault.hits++;
			return fault.rule.action;
		}
		return undefined;
	}

	/** Returns true when the fault produced the whole answer. */
	private async applyFault(
		action: FaultAction,
		req: FakeRequest,
		res: ServerResponse,
	): Promise<boolean> {
		switch (action.type) {
			case 'respond':
				// Drain the body first so the client sees the answer, not a reset.
				await this.readBody(req).catch(() => undefined);
				this.sendError(res, {
					status: action.status,
					headers: action.headers,
					body: action.body ?? '',
				});
				return true;
			case 'cutRequest': {
				let seen = 0;
				await new Promise<void>((resolve) => {
					const onData = (chunk: Buffer) => {
						seen += chunk.length;
						if (seen >= action.afterBytes) {
							req.raw.off('data', onData);
							req.raw.socket.destroy();
							resolve();
						}
					};
					req.raw.on('data', onData);
					req.raw.resume();
					req.raw.on('end', () => {
						req.raw.socket.destroy();
						resolve();
					});
				});
				return true;
			}
			case 'cutResponse': {
				cutResponseAfter(res, action.afterBytes);
				return false;
			}
			case 'expireToken':
				this.auth.expireAccessTokens();
				return false;
			case 'delay':
				await new Promise((resolve) => setTimeout(resolve, action.ms));
				return false;
		}
	}

	private async dispatchControl(
		action: string,
		raw: IncomingMessage,
		res: ServerResponse,
	): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const chunk of raw) chunks.push(chunk as Buffer);
		const text = Buffer.concat(chunks).toString('utf8');
		const body = text ? JSON.parse(text) : {};
		switch (action) {
			case 'log':
				this.sendJson(res, 200, {
					requests: this.requests(body.since === undefined ? undefined : { since: body.since }),
				});
				return;
			case 'faults':
				if (raw.method === 'DELETE') this.clearFaults();
				else for (const rule of Array.isArray(body) ? body : [body]) this.inject(reviveRule(rule));
				this.sendJson(res, 200, { ok: true });
				return;
			case 'expire-tokens':
				this.auth.expireAccessTokens(body.token);
				this.sendJson(res, 200, { ok: true });
				return;
			case 'revoke-refresh-tokens':
				this.auth.revokeRefreshTokens(body.token);
				this.sendJson(res, 200, { ok: true });
				return;
			case 'issue-token':
				this.sendJson(res, 200, this.auth.issue(body.flavour, body.scopes ?? [], body.clientId));
				return;
			case 'purge-deleted':
				this.sendJson(res, 200, { freedBytes: await this.purgeDeleted() });
				return;
		}
		if (!(await this.control(action, body, res))) {
			this.sendJson(res, 404, { error: `unknown control action ${action}` });
		}
	}
}

/** Consume a request body without keeping it. */
async function drain(req: FakeRequest): Promise<void> {
	try {
		for await (const _chunk of req.raw) {
			// discard
		}
	} catch {
		// the client went away: nothing to drain
	}
}

function matches(pattern: string | RegExp, value: string): boolean {
	return typeof pattern === 'string' ? value.includes(pattern) : pattern.test(value);
}

/** Over HTTP a regular expression travels as "/source/flags". */
function reviveRule(rule: FaultRule): FaultRule {
	if (typeof rule.path === 'string') {
		const match = /^\/(.+)\/([a-z]*)$/.exec(rule.path);
		if (match) return { ...rule, path: new RegExp(match[1], match[2]) };
	}
	return rule;
}

/** Wrap res.write/end so the socket dies once `limit` body bytes have gone out. */
function cutResponseAfter(res: ServerResponse, limit: number): void {
	let sent = 0;
	const write = res.write.bind(res) as (chunk: any, ...rest: any[]) => boolean;
	const end = res.end.bind(res) as (...args: any[]) => ServerResponse;
	const cut = () => setImmediate(() => res.socket?.destroy());
	res.write = ((chunk: any, ...rest: any[]) => {
		const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
		if (sent + buffer.length >= limit) {
			write(buffer.subarray(0, Math.max(0, limit - sent)));
			sent = limit;
			cut();
			return false;
		}
		sent += buffer.length;
		return write(buffer, ...rest);
	}) as typeof res.write;
	res.end = ((chunk?: any, ...rest: any[]) => {
		if (chunk && typeof chunk !== 'function') {
			res.write(chunk);
			if (sent >= limit) return res;
		}
		if (sent >= limit) return res;
		return end(
			...(chunk && typeof chunk !== 'function'
				? []
				: [chunk, ...rest].filter((x) => x !== undefined)),
		);
	}) as typeof res.end;
}
