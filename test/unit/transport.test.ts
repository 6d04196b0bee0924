import { Readable } from 'stream';
import { Pacer } from '../../nodes/shared/transport/pacer';
import { RequestStats } from '../../nodes/shared/transport/stats';
import { Transport } from '../../nodes/shared/transport/transport';
import { GRAPH_API_HOSTS } from '../../nodes/shared/storage/oneDrive/wire';
import { apiHostsFor, isLoopbackHost, TokenHostError } from '../../nodes/shared/transport/hosts';
import type { Wire, WireRequest, WireResponse } from '../../nodes/shared/transport/wire';
import { CLOUD_WIRES, type CloudName } from '../support/cloudWires';

/** Answers from a script; a 401 until the token is refreshed when `expired` is set. */
class RecordingWire implements Wire {
	readonly sent: Array<WireRequest & { token: number }> = [];
	token = 1;
	refreshes = 0;
	expired = false;
	constructor(
		private readonly answer: (request: WireRequest) => WireResponse = () => ok({ ok: true }),
	) {}

	async send(request: WireRequest): Promise<WireResponse> {
		this.sent.push({
			...request,
			body: request.body === undefined ? undefined : Buffer.from(request.body),
			token: this.token,
		});
		if (this.expired && request.authenticated !== false) {
			return {
				status: 401,
				headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
				body: Buffer.from('{"error":"expired"}'),
			};
		}
		return this.answer(request);
	}

	async refreshAccessToken(): Promise<void> {
		this.refreshes++;
		this.token++;
		this.expired = false;
	}
}

function ok(json: unknown, headers: Record<string, string> = {}): WireResponse {
	return {
		status: 200,
		headers: { 'content-type': 'application/json', ...headers },
		body: Buffer.from(JSON.stringify(json)),
	};
}

function transportFor(provider: CloudName, wire: Wire, baseUrl?: string) {
	const stats = new RequestStats();
	const pacer = new Pacer({ sleep: async () => undefined });
	return {
		transport: new Transport(wire, { cloud: CLOUD_WIRES[provider], baseUrl, pacer, stats }),
		stats,
	};
}

describe('Transport', () => {
	it('refreshes once on 401 and resends the same body bytes', async () => {
		const wire = new RecordingWire();
		wire.expired = true;
		const { transport, stats } = transportFor('dropbox', wire);
		const body = Buffer.from(JSON.stringify({ path: '/Reports/ä.pdf', mode: 'overwrite' }));
		const response = await transport.request({
			method: 'POST',
			url: 'https://api.dropboxapi.com/2/files/get_metadata',
			body,
		});
		expect(response.status).toBe(200);
		expect(wire.refreshes).toBe(1);
		expect(wire.sent).toHaveLength(2);
		expect(wire.sent.map((s) => s.token)).toEqual([1, 2]);
		expect(Buffer.compare(wire.sent[0].body as Buffer, body)).toBe(0);
		expect(Buffer.compare(wire.sent[1].body as Buffer, body)).toBe(0);
		expect(stats.get('dropbox', 'logical')).toBe(1);
		expect(stats.get('dropbox', 'attempt')).toBe(2);
	});

	it('refreshes at most once per request: a second 401 goes back to the caller', async () => {
		const wire = new RecordingWire(() => ({ status: 401, headers: {}, body: Buffer.from('{}') }));
		const { transport } = transportFor('googleDrive', wire);
		const response = await transport.request({
			method: 'GET',
			url: 'https://www.googleapis.com/drive/v3/about',
		});
		expect(response.status).toBe(401);
		expect(wire.refreshes).toBe(1);
		expect(wire.sent).toHaveLength(2);
	});

	it('never refreshes for pre-authenticated URLs (upload sessions)', async () => {
		const wire = new RecordingWire(() => ({ status: 401, headers: {}, body: Buffer.alloc(0) }));
		const { transport } = transportFor('oneDrive', wire);
		const response = await transport.request({
			method: 'PUT',
			url: 'https://upload.example/session/1',
			authenticated: false,
			body: Buffer.from('x'),
		});
		expect(response.status).toBe(401);
		expect(wire.refreshes).toBe(0);
	});

	it('propagates a failed refresh (invalid_grant) instead of resending', async () => {
		const wire = new RecordingWire();
		wire.expired = true;
		wire.refreshAccessToken = async () => {
			throw Object.assign(new Error('invalid_grant'), { code: 'invalid_grant' });
		};
		const { transport } = transportFor('googleDrive', wire);
		await expect(
			transport.request({ method: 'GET', url: 'https://www.googleapis.com/drive/v3/about' }),
		).rejects.toMatchObject({ code: 'invalid_grant' });
		expect(wire.sent).toHaveLength(1);
	});

	it.each([
		[
			'googleDrive',
			'https://www.googleapis.com/upload/drive/v3/files?uploadType=resumable',
			'http://127.0.0.1:1/upload/drive/v3/files?uploadType=resumable',
		],
		[
			'googleCalendar',
			'https://www.googleapis.com/calendar/v3/calendars/primary/events',
			'http://127.0.0.1:1/calendar/v3/calendars/primary/events',
		],
		[
			'oneDrive',
			'https://graph.microsoft.com/v1.0/me/drive/root/delta',
			'http://127.0.0.1:1/v1.0/me/drive/root/delta',
		],
		['oneDrive', 'https://graph.microsoft.us/v1.0/me/drive', 'http://127.0.0.1:1/v1.0/me/drive'],
		[
			'dropbox',
			'https://api.dropboxapi.com/2/files/list_folder',
			'http://127.0.0.1:1/2/files/list_folder',
		],
		[
			'dropbox',
			'https://content.dropboxapi.com/2/files/upload',
			'http://127.0.0.1:1/2/files/upload',
		],
	] as const)('rewrites %s default host %s', (provider, url, expected) => {
		const { transport } = transportFor(provider, new RecordingWire(), 'http://127.0.0.1:1/');
		expect(transport.rewrite(url)).toBe(expected);
	});

	it.each([
		['googleDrive', 'https://oauth2.googleapis.com/token'],
		['googleDrive', 'https://www.googleapis.com.evil.example/drive/v3/files'],
		['googleDrive', 'https://graph.microsoft.com/v1.0/me'],
		[
			'oneDrive',
			'https://my-tenant.sharepoint.com/_api/v2.0/drives/x/items/y/uploadSession?guid=1',
		],
		['dropbox', 'https://www.googleapis.com/drive/v3/files'],
	] as const)('leaves %s URLs on other hosts alone: %s', (provider, url) => {
		const { transport } = transportFor(provider, new RecordingWire(), 'http://127.0.0.1:1');
		expect(transport.rewrite(url)).toBe(url);
	});

	it('leaves every URL alone without a base URL', () => {
		const { transport } = transportFor('dropbox', new RecordingWire());
		expect(transport.rewrite('https://api.dropboxapi.com/2/files/list_folder')).toBe(
			'https://api.dropboxapi.com/2/files/list_folder',
		);
	});
});

describe('Transport.fetch (what the SDKs call)', () => {
	it('a JSON call: rewritten URL, method, headers without the SDK bearer, body; JSON response', async () => {
		const wire = new RecordingWire(() => ok({ id: 'f1', name: 'a.pdf' }, { etag: '"1"' }));
		const { transport } = transportFor('googleDrive', wire, 'http://127.0.0.1:9');
		const response = await transport.fetch('https://www.googleapis.com/drive/v3/files?fields=id', {
			method: 'post',
			headers: new Headers({
				Authorization: 'Bearer sdk-placeholder',
				'Content-Type': 'application/json',
				'X-Goog-Api-Client': 'gdcl/1',
			}),
			body: JSON.stringify({ name: 'a.pdf' }),
		});
		expect(response.status).toBe(200);
		expect(response.ok).toBe(true);
		expect(response.headers.get('etag')).toBe('"1"');
		expect(await response.json()).toEqual({ id: 'f1', name: 'a.pdf' });
		const sent = wire.sent[0];
		expect(sent.method).toBe('POST');
		expect(sent.url).toBe('http://127.0.0.1:9/drive/v3/files?fields=id');
		expect(sent.headers?.authorization).toBeUndefined();
		expect(sent.headers?.['content-type']).toBe('application/json');
		expect(JSON.parse((sent.body as Buffer).toString())).toEqual({ name: 'a.pdf' });
	});

	it('a multipart stream body is collected, so the resend after a refresh carries every byte', async () => {
		const wire = new RecordingWire(() => ok({ id: 'new' }));
		wire.expired = true;
		const { transport } = transportFor('googleDrive', wire);
		const parts = [
			'--b\r\ncontent-type: application/json\r\n\r\n{"name":"x.bin"}\r\n',
			'--b\r\n\r\n',
			Buffer.alloc(300_000, 7),
			'\r\n--b--',
		];
		const expected = Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
		const response = await transport.fetch(
			'https://www.googleapis.com/upload/drive/v3/files?uploadType=multipart',
			{
				method: 'POST',
				headers: { 'content-type': 'multipart/related; boundary=b' },
				body: Readable.from(parts),
			},
		);
		expect(response.status).toBe(200);
		expect(wire.refreshes).toBe(1);
		expect(wire.sent).toHaveLength(2);
		for (const sent of wire.sent) expect(Buffer.compare(sent.body as Buffer, expected)).toBe(0);
	});

	it('a WHATWG ReadableStream body and URLSearchParams bodies are supported', async () => {
		const wire = new RecordingWire();
		const { transport } = transportFor('dropbox', wire);
		await transport.fetch('https://api.dropboxapi.com/oauth2/token', {
			method: 'POST',
			body: new URLSearchParams({ a: '1', b: 'x y' }),
		});
		await transport.fetch('https://content.dropboxapi.com/2/files/upload', {
			method: 'POST',
			body: new Blob(['abc']).stream(),
		});
		expect((wire.sent[0].body as Buffer).toString()).toBe('a=1&b=x+y');
		expect((wire.sent[1].body as Buffer).toString()).toBe('abc');
	});

	it('a 204 has no body and does not throw', async () => {
		const wire = new RecordingWire(() => ({ status: 204, headers: {}, body: Buffer.alloc(0) }));
		const { transport } = transportFor('googleDrive', wire);
		const response = await transport.fetch('https://www.googleapis.com/drive/v3/files/f1', {
			method: 'DELETE',
		});
		expect(response.status).toBe(204);
		expect(response.body).toBeNull();
		expect(await response.text()).toBe('');
	});

	it("provides node-fetch's buffer() (Dropbox downloads) and keeps error statuses for the SDK", async () => {
		const content = Buffer.from([0, 1, 2, 250, 255]);
		const wire = new RecordingWire((request): WireResponse =>
			request.url.endsWith('/download')
				? { status: 200, headers: { 'dropbox-api-result': '{"name":"a.bin"}' }, body: content }
				: {
						status: 409,
						headers: { 'content-type': 'application/json' },
						body: Buffer.from('{"error_summary":"path/not_found/.."}'),
					},
		);
		const { transport } = transportFor('dropbox', wire);
		const download = (await transport.fetch('https://content.dropboxapi.com/2/files/download', {
			method: 'POST',
		})) as Response & {
			buffer: () => Promise<Buffer>;
		};
		expect(Buffer.compare(await download.buffer(), content)).toBe(0);
		expect(download.headers.get('dropbox-api-result')).toBe('{"name":"a.bin"}');
		const missing = await transport.fetch('https://api.dropboxapi.com/2/files/get_metadata', {
			method: 'POST',
		});
		expect(missing.status).toBe(409);
		expect(missing.ok).toBe(false);
		expect(await missing.json()).toEqual({ error_summary: 'path/not_found/..' });
	});

	it('accepts a URL object and a Request-like input; redirect: manual hands the redirect back (the wire never follows)', async () => {
		const wire = new RecordingWire((request) =>
			request.url.endsWith('/content')
				? { status: 302, headers: { location: 'https://cdn.example/1' }, body: Buffer.alloc(0) }
				: ok({}),
		);
		const { transport } = transportFor('oneDrive', wire);
		await transport.fetch(new URL('https://graph.microsoft.com/v1.0/me'));
		const manual = await transport.fetch(
			{ url: 'https://graph.microsoft.com/v1.0/me/drive/items/1/content' },
			{ redirect: 'manual' },
		);
		expect(manual.status).toBe(302);
		expect(wire.sent.map((s) => [s.method, s.url, s.followRedirects])).toEqual([
			['GET', 'https://graph.microsoft.com/v1.0/me', false],
			['GET', 'https://graph.microsoft.com/v1.0/me/drive/items/1/content', false],
		]);
	});
});

describe('Transport: the token goes only to the API hosts of the credential (issue 18)', () => {
	const FAKE = 'http://127.0.0.1:9000';

	it.each([
		[
			'another host named by a paging link',
			'https://graph.evil.example/v1.0/me/drive/root/children?$skiptoken=x',
		],
		['a look-alike host', 'https://graph.microsoft.com.evil.example/v1.0/me'],
		['a second loopback address', 'http://127.0.0.2:9000/v1.0/me/drive/root/delta?token=x'],
		['another port of the same address', 'http://127.0.0.1:9001/v1.0/me/drive/root/delta?token=x'],
		['https to the configured http host (another origin)', 'https://127.0.0.1:9000/v1.0/me'],
		['another scheme', 'ftp://127.0.0.1:9000/v1.0/me'],
	])('refuses to sign a request to %s, before anything is sent', async (_what, url) => {
		const wire = new RecordingWire();
		const { transport } = transportFor('oneDrive', wire, FAKE);
		await expect(transport.request({ method: 'GET', url })).rejects.toBeInstanceOf(TokenHostError);
		await expect(transport.fetch(url)).rejects.toThrow(
			/Refused to send the credential's token to .*only http:\/\/127\.0\.0\.1:9000 receive it/,
		);
		expect(wire.sent).toHaveLength(0);
	});

	it("signs the configured base URL and the SDK's own hosts re-addressed there", async () => {
		const wire = new RecordingWire();
		const { transport } = transportFor('oneDrive', wire, FAKE);
		await transport.request({ method: 'GET', url: `${FAKE}/v1.0/me/drive` });
		await transport.request({
			method: 'GET',
			url: 'https://graph.microsoft.com/v1.0/me/drive/root/delta?token=abc',
		});
		expect(wire.sent.map((s) => [s.url, s.authenticated])).toEqual([
			[`${FAKE}/v1.0/me/drive`, undefined],
			[`${FAKE}/v1.0/me/drive/root/delta?token=abc`, undefined],
		]);
	});

	it('without a base URL: https on the cloud hosts only (Dropbox has two), never plain http', async () => {
		const wire = new RecordingWire();
		const { transport } = transportFor('dropbox', wire);
		await transport.request({
			method: 'POST',
			url: 'https://api.dropboxapi.com/2/files/list_folder',
		});
		await transport.request({
			method: 'POST',
			url: 'https://content.dropboxapi.com/2/files/upload',
		});
		await expect(
			transport.request({ method: 'POST', url: 'http://api.dropboxapi.com/2/files/list_folder' }),
		).rejects.toBeInstanceOf(TokenHostError);
		await expect(
			transport.request({ method: 'POST', url: 'https://www.dropbox.com/2/files/list_folder' }),
		).rejects.toBeInstanceOf(TokenHostError);
		expect(wire.sent).toHaveLength(2);
	});

	it('a national cloud receives its token alone: a US Government credential never signs for graph.microsoft.com links, nor the global one for .us', async () => {
		const usGov = new Transport(new RecordingWire(), {
			cloud: CLOUD_WIRES.oneDrive,
			hosts: apiHostsFor(GRAPH_API_HOSTS, { nationalCloud: 'usGov' }),
		});
		expect(usGov.hosts.tokenOrigins).toEqual(['https://graph.microsoft.us']);
		// An SDK URL on the global host is re-addressed to the chosen cloud, as before.
		expect(usGov.rewrite('https://graph.microsoft.com/v1.0/me')).toBe(
			'https://graph.microsoft.us/v1.0/me',
		);
		expect(usGov.hosts.receivesToken('https://dod-graph.microsoft.us/v1.0/me')).toBe(false);
		const global = new Transport(new RecordingWire(), {
			cloud: CLOUD_WIRES.oneDrive,
			hosts: apiHostsFor(GRAPH_API_HOSTS, { nationalCloud: 'global' }),
		});
		expect(global.hosts.tokenOrigins).toEqual(['https://graph.microsoft.com']);
		expect(global.hosts.receivesToken('https://graph.microsoft.us/v1.0/me')).toBe(false);
	});

	it('a plain-http base URL off this machine carries no token, with an error that says to use https', async () => {
		const wire = new RecordingWire();
		const { transport } = transportFor('googleDrive', wire, 'http://proxy.example:8080');
		await expect(
			transport.request({ method: 'GET', url: 'https://www.googleapis.com/drive/v3/about' }),
		).rejects.toThrow(/plain http.*use https/);
		expect(wire.sent).toHaveLength(0);
		expect(['localhost', '127.0.0.1', '127.8.9.10', '[::1]'].every(isLoopbackHost)).toBe(true);
		expect(
			['127.0.0.1.evil.example', '10.0.0.1', 'localhost.evil.example', '0.0.0.0'].some(
				isLoopbackHost,
			),
		).toBe(false);
	});

	it('pre-authenticated URLs (OneDrive upload sessions and downloads) go anywhere, unsigned, as before', async () => {
		const wire = new RecordingWire();
		const { transport } = transportFor('oneDrive', wire, FAKE);
		await transport.request({
			method: 'PUT',
			url: 'https://tenant.sharepoint.com/_api/v2.0/uploadSession?guid=1',
			authenticated: false,
			body: Buffer.from('x'),
		});
		expect(wire.sent.map((s) => [s.url, s.authenticated])).toEqual([
			['https://tenant.sharepoint.com/_api/v2.0/uploadSession?guid=1', false],
		]);
	});
});

describe('Transport: redirects never carry the token to another host (issue 18)', () => {
	const FAKE = 'http://127.0.0.1:9000';
	const redirect = (status: number, location: string): WireResponse => ({
		status,
		headers: { location },
		body: Buffer.alloc(0),
	});

	it.each([301, 302, 307, 308])(
		'a %s to another host is followed unsigned; the wire itself never follows',
		async (status) => {
			const wire = new RecordingWire((request) =>
				request.url.startsWith(FAKE)
					? redirect(status, 'http://127.0.0.2:9000/elsewhere')
					: ok({ there: true }),
			);
			const { transport } = transportFor('dropbox', wire, FAKE);
			const response = await transport.request({
				method: 'POST',
				url: 'https://api.dropboxapi.com/2/files/get_metadata',
				body: Buffer.from('{}'),
			});
			expect(response.status).toBe(200);
			expect(wire.sent.map((s) => [s.url, s.authenticated, s.followRedirects])).toEqual([
				[`${FAKE}/2/files/get_metadata`, undefined, false],
				['http://127.0.0.2:9000/elsewhere', false, false],
			]);
		},
	);

	it('a redirect on the same host keeps the token, method and body (307); a 303 becomes a bodiless GET', async () => {
		const wire = new RecordingWire((request) =>
			request.url.endsWith('/a')
				? redirect(307, '/b')
				: request.url.endsWith('/b')
					? redirect(303, `${FAKE}/c`)
					: ok({ done: true }),
		);
		const { transport } = transportFor('dropbox', wire, FAKE);
		await transport.request({
			method: 'POST',
			url: `${FAKE}/a`,
			body: Buffer.from('{"x":1}'),
			headers: { 'content-type': 'application/json' },
		});
		expect(
			wire.sent.map((s) => [
				s.method,
				s.url,
				s.authenticated,
				s.body?.toString() ?? null,
				s.headers?.['content-type'] ?? null,
			]),
		).toEqual([
			['POST', `${FAKE}/a`, undefined, '{"x":1}', 'application/json'],
			['POST', `${FAKE}/b`, true, '{"x":1}', 'application/json'],
			['GET', `${FAKE}/c`, true, null, null],
		]);
	});

	it('a pre-authenticated request stays unsigned across redirects, and followRedirects: false hands the redirect back', async () => {
		const wire = new RecordingWire((request) =>
			request.url.endsWith('/content') ? redirect(302, `${FAKE}/_download/1`) : ok({}),
		);
		const { transport } = transportFor('oneDrive', wire, FAKE);
		const located = await transport.request({
			method: 'GET',
			url: `${FAKE}/v1.0/me/drive/items/1/content`,
			followRedirects: false,
		});
		expect(located.status).toBe(302);
		await transport.request({ method: 'GET', url: 'https://cdn.example/x', authenticated: false });
		expect(wire.sent.map((s) => s.authenticated)).toEqual([undefined, false]);
	});
});
