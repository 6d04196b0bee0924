import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import {
	isNetworkError,
	Pacer,
	parseRetryAfter,
	RetryBudgetExceededError,
} from '../../nodes/shared/transport/pacer';
import { RequestStats } from '../../nodes/shared/transport/stats';
import { Transport } from '../../nodes/shared/transport/transport';
import type { Wire, WireRequest, WireResponse } from '../../nodes/shared/transport/wire';
import { CLOUD_WIRES, type CloudName } from '../support/cloudWires';

/** A wire that answers from a script and records what was sent. */
class ScriptedWire implements Wire {
	readonly sent: WireRequest[] = [];
	refreshes = 0;
	constructor(private readonly script: Array<Partial<WireResponse> & { json?: unknown }>) {}

	async send(request: WireRequest): Promise<WireResponse> {
		this.sent.push(request);
		const next = this.script.shift() ?? { status: 200 };
		const body =
			next.json !== undefined
				? Buffer.from(JSON.stringify(next.json))
				: (next.body ?? Buffer.alloc(0));
		return { status: next.status ?? 200, headers: next.headers ?? {}, body };
	}

	async refreshAccessToken(): Promise<void> {
		this.refreshes++;
	}
}

function googleError(status: number, reason: string) {
	return {
		status,
		headers: { 'content-type': 'application/json' },
		json: {
			error: {
				code: status,
				message: reason,
				errors: [{ domain: 'usageLimits', reason, message: reason }],
			},
		},
	};
}

/** A transport whose pacer records its waits instead of sleeping. */
function scripted(
	provider: CloudName,
	script: ConstructorParameters<typeof ScriptedWire>[0],
	maxAttempts = 5,
) {
	const waits: number[] = [];
	const wire = new ScriptedWire(script);
	const stats = new RequestStats();
	const pacer = new Pacer({
		maxAttempts,
		baseDelayMs: 100,
		maxDelayMs: 1000,
		random: () => 0.5,
		sleep: async (ms) => void waits.push(ms),
	});
	const transport = new Transport(wire, { cloud: CLOUD_WIRES[provider], pacer, stats });
	return { wire, waits, stats, transport };
}

const GET: WireRequest = { method: 'GET', url: 'https://www.googleapis.com/drive/v3/files' };

describe('pacer through the transport', () => {
	let server: Server;
	let hits: number[];

	beforeAll(async () => {
		hits = [];
		// A tiny real server: the first request gets 429 with Retry-After: 2, the next one 200.
		server = createServer((req, res) => {
			hits.push(Date.now());
			req.resume();
			if (hits.length === 1) {
				res.writeHead(429, { 'retry-after': '2', 'content-type': 'application/json' });
				res.end('{"error":{"code":429,"message":"Rate Limit Exceeded"}}');
			} else {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end('{"ok":true}');
			}
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	});
	afterAll(async () => {
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	});

	it('waits about 2 s for a 429 with Retry-After: 2 (measured on a real socket), then succeeds', async () => {
		const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		const { TestWireLike } = await import('./support/plainWire');
		const stats = new RequestStats();
		const transport = new Transport(new TestWireLike(), {
			cloud: CLOUD_WIRES.oneDrive,
			baseUrl: base,
			stats,
		});
		const started = Date.now();
		const response = await transport.request({
			method: 'GET',
			url: 'https://graph.microsoft.com/v1.0/me/drive',
		});
		const elapsed = Date.now() - started;
		expect(response.status).toBe(200);
		expect(hits).toHaveLength(2);
		const gap = hits[1] - hits[0];
		expect(gap).toBeGreaterThanOrEqual(1950);
		expect(gap).toBeLessThan(3000);
		expect(elapsed).toBeGreaterThanOrEqual(1950);
		expect(stats.get('oneDrive', 'logical')).toBe(1);
		expect(stats.get('oneDrive', 'attempt')).toBe(2);
	});

	it('retries 5xx with growing backoff, then succeeds', async () => {
		const { transport, waits, wire } = scripted('dropbox', [
			{ status: 500 },
			{ status: 502 },
			{ status: 503 },
			{ status: 200 },
		]);
		const response = await transport.request({
			method: 'POST',
			url: 'https://api.dropboxapi.com/2/files/list_folder',
			body: Buffer.from('{}'),
		});
		expect(response.status).toBe(200);
		expect(wire.sent).toHaveLength(4);
		// random 0.5 -> 3/4 of each step: 100, 200, 400 ms steps.
		expect(waits).toEqual([75, 150, 300]);
	});

	it.each(['userRateLimitExceeded', 'rateLimitExceeded'])(
		'retries Drive 403 %s',
		async (reason) => {
			const { transport, wire, waits } = scripted('googleDrive', [
				googleError(403, reason),
				googleError(403, reason),
				{ status: 200, json: {} },
			]);
			const response = await transport.request(GET);
			expect(response.status).toBe(200);
			expect(wire.sent).toHaveLength(3);
			expect(waits).toHaveLength(2);
		},
	);

	it.each(['dailyLimitExceeded', 'storageQuotaExceeded', 'insufficientFilePermissions'])(
		'returns Drive 403 %s at once (one attempt) for the provider to raise a clear error',
		async (reason) => {
			const { transport, wire, waits, stats } = scripted('googleDrive', [
				googleError(403, reason),
				{ status: 200 },
			]);
			const response = await transport.request(GET);
			expect(response.status).toBe(403);
			expect(JSON.parse((response.body as Buffer).toString()).error.errors[0].reason).toBe(reason);
			expect(wire.sent).toHaveLength(1);
			expect(waits).toEqual([]);
			expect(stats.get('googleDrive', 'attempt')).toBe(1);
		},
	);

	it('does not treat a Dropbox or Graph 403 as a rate limit', async () => {
		const { transport, wire } = scripted('oneDrive', [
			{ status: 403, json: { error: { code: 'accessDenied', message: 'rateLimitExceeded' } } },
		]);
		expect(
			(await transport.request({ method: 'GET', url: 'https://graph.microsoft.com/v1.0/me' }))
				.status,
		).toBe(403);
		expect(wire.sent).toHaveLength(1);
	});

	it('throws RetryBudgetExceededError at once when Retry-After is longer than a run may wait', async () => {
		const { transport, wire, waits } = scripted('oneDrive', [
			{ status: 429, headers: { 'retry-after': '600' } },
		]);
		const error = await transport
			.request({ method: 'GET', url: 'https://graph.microsoft.com/v1.0/me/drive' })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(RetryBudgetExceededError);
		expect((error as RetryBudgetExceededError).retryAfterMs).toBe(600_000);
		expect((error as RetryBudgetExceededError).lastStatus).toBe(429);
		expect(wire.sent).toHaveLength(1);
		expect(waits).toEqual([]);
	});

	it('bounds the attempts and hands back the last answer', async () => {
		const { transport, wire, waits, stats } = scripted(
			'googleCalendar',
			Array.from({ length: 10 }, () => ({ status: 503 })),
			4,
		);
		const response = await transport.request({
			method: 'GET',
			url: 'https://www.googleapis.com/calendar/v3/users/me/calendarList',
		});
		expect(response.status).toBe(503);
		expect(wire.sent).toHaveLength(4);
		expect(waits).toHaveLength(3);
		expect(stats.get('googleCalendar', 'logical')).toBe(1);
		expect(stats.get('googleCalendar', 'attempt')).toBe(4);
	});

	it('honours Retry-After on a 503 and on Dropbox too_many_write_operations (409)', async () => {
		const { transport, waits } = scripted('dropbox', [
			{ status: 503, headers: { 'retry-after': '1' } },
			{ status: 409, json: { error_summary: 'path/too_many_write_operations/..', error: {} } },
			{ status: 200 },
		]);
		expect(
			(
				await transport.request({
					method: 'POST',
					url: 'https://api.dropboxapi.com/2/files/delete_v2',
				})
			).status,
		).toBe(200);
		expect(waits).toEqual([1000, 150]);
	});

	it('counts each logical request once, and attempts separately', async () => {
		const { transport, stats } = scripted('googleDrive', [
			{ status: 500 },
			{ status: 200 },
			{ status: 200 },
			{ status: 401 },
			{ status: 200 },
		]);
		await transport.request(GET);
		await transport.request(GET);
		await transport.request(GET);
		expect(stats.get('googleDrive', 'logical')).toBe(3);
		expect(stats.get('googleDrive', 'attempt')).toBe(5);
		expect(stats.total('logical')).toBe(3);
	});

	it('retries network errors, but not other exceptions', async () => {
		const waits: number[] = [];
		let calls = 0;
		const pacer = new Pacer({
			maxAttempts: 3,
			sleep: async (ms) => void waits.push(ms),
			random: () => 0,
		});
		const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
		const result = await pacer.run(
			async () => {
				calls++;
				if (calls < 3) throw reset;
				return 'ok';
			},
			() => ({ retry: false }),
			isNetworkError,
		);
		expect(result).toBe('ok');
		expect(waits).toEqual([250, 500]);
		await expect(
			pacer.run(
				async () => Promise.reject(new TypeError('bug')),
				() => ({ retry: false }),
				isNetworkError,
			),
		).rejects.toThrow('bug');
	});

	it('parses Retry-After as seconds or an HTTP date', () => {
		expect(parseRetryAfter('2')).toBe(2000);
		expect(parseRetryAfter('0.5')).toBe(500);
		expect(
			parseRetryAfter(new Date(Date.UTC(2030, 0, 1, 0, 0, 30)).toUTCString(), Date.UTC(2030, 0, 1)),
		).toBe(30_000);
		expect(parseRetryAfter('soon')).toBeUndefined();
	});

	it('keeps every backoff between half and all of its step, capped', () => {
		for (const random of [0, 0.3, 0.999]) {
			const pacer = new Pacer({ baseDelayMs: 500, maxDelayMs: 4000, random: () => random });
			for (let attempt = 1; attempt <= 8; attempt++) {
				const step = Math.min(4000, 500 * 2 ** (attempt - 1));
				const wait = pacer.backoff(attempt);
				expect(wait).toBeGreaterThanOrEqual(step / 2);
				expect(wait).toBeLessThanOrEqual(step);
			}
		}
	});
});
