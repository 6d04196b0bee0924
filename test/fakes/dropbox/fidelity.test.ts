import { FakeAuth } from '../common/auth';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET } from '../oauth';
import { ALL_SCOPES, FakeDropbox } from './index';

/**
 * Deviations an independent client (rclone's Dropbox backend, issue 15) found between this fake and Dropbox, each
 * through plain HTTP as the client sends it. Every one of these failed on the fake before the fix.
 */
describe('FakeDropbox answers as Dropbox does for what rclone sends', () => {
	let auth: FakeAuth;
	let fake: FakeDropbox;
	let token: string;
	let refreshToken: string;
	beforeEach(async () => {
		auth = new FakeAuth();
		fake = new FakeDropbox(auth);
		await fake.start();
		const issued = auth.issue('dropbox', ALL_SCOPES);
		token = issued.access_token;
		refreshToken = issued.refresh_token;
	});
	afterEach(async () => fake.stop());

	const rpc = async (
		route: string,
		body: unknown,
		headers: Record<string, string> = { authorization: `Bearer ${token}` },
	) => {
		const response = await fetch(`${fake.baseUrl}/2/${route}`, {
			method: 'POST',
			headers: { ...headers, 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		const text = await response.text();
		return {
			status: response.status,
			text,
			json: (() => {
				try {
					return JSON.parse(text);
				} catch {
					return undefined;
				}
			})(),
		};
	};
	const content = async (route: string, arg: unknown, body: Buffer) => {
		const response = await fetch(`${fake.baseUrl}/2/${route}`, {
			method: 'POST',
			headers: {
				authorization: `Bearer ${token}`,
				'dropbox-api-arg': JSON.stringify(arg),
				'content-type': 'application/octet-stream',
			},
			body,
		});
		return { status: response.status, json: await response.json().catch(() => undefined) };
	};

	it('refreshes a token at /1/oauth2/token, the token URL rclone uses', async () => {
		const response = await fetch(`${fake.baseUrl}/1/oauth2/token`, {
			method: 'POST',
			headers: {
				authorization: `Basic ${Buffer.from(`${FAKE_CLIENT_ID}:${FAKE_CLIENT_SECRET}`).toString('base64')}`,
				'content-type': 'application/x-www-form-urlencoded',
			},
			body: new URLSearchParams({
				grant_type: 'refresh_token',
				refresh_token: refreshToken,
			}).toString(),
		});
		expect(response.status).toBe(200);
		expect(((await response.json()) as { access_token: string }).access_token).toMatch(
			/^fake-dropbox-at-/,
		);
	});

	it('commits closed upload sessions with upload_session/finish_batch_v2, one result per entry', async () => {
		const started = await content(
			'files/upload_session/start',
			{ close: true },
			Buffer.from('hello'),
		);
		const open = await content(
			'files/upload_session/start',
			{ close: false },
			Buffer.from('still open'),
		);
		const batch = await rpc('files/upload_session/finish_batch_v2', {
			entries: [
				{
					cursor: { session_id: started.json.session_id, offset: 5 },
					commit: { path: '/suite/a.txt', mode: 'add', client_modified: '2019-03-01T09:00:00Z' },
				},
				{
					cursor: { session_id: open.json.session_id, offset: 10 },
					commit: { path: '/suite/b.txt' },
				},
			],
		});
		expect(batch.status).toBe(200);
		expect(batch.json.entries[0]).toMatchObject({
			'.tag': 'success',
			path_display: '/suite/a.txt',
			size: 5,
			client_modified: '2019-03-01T09:00:00Z',
		});
		expect(batch.json.entries[1]).toMatchObject({
			'.tag': 'failure',
			failure: { '.tag': 'lookup_failed', lookup_failed: { '.tag': 'not_closed' } },
		});
		expect((await fake.readFile('/suite/a.txt'))!.toString()).toBe('hello');
		expect(await fake.readFile('/suite/b.txt')).toBeUndefined();
	});

	it('takes a path with a doubled leading slash, as rclone lists every folder below the root ("//x")', async () => {
		await fake.userWrite('/x/f.txt', Buffer.from('f'));
		const listed = await rpc('files/list_folder', { path: '//x' });
		expect(listed.status).toBe(200);
		expect(
			listed.json.entries.map((entry: { path_display: string }) => entry.path_display),
		).toEqual(['/x/f.txt']);
		// Dot segments and a doubled slash inside a path stay malformed.
		expect((await rpc('files/list_folder', { path: '/x/../x' })).status).toBe(409);
		expect((await rpc('files/list_folder', { path: '/x//y' })).status).toBe(409);
	});

	it('answers 501 naming the route for what it does not model (copy_v2), not a generic 404', async () => {
		await fake.userWrite('/a.txt', Buffer.from('a'));
		const copy = await rpc('files/copy_v2', { from_path: '/a.txt', to_path: '/b.txt' });
		expect(copy.status).toBe(501);
		expect(copy.text).toContain('not modelled by this fake: POST /2/files/copy_v2');
	});

	it('answers list_folder/longpoll without a bearer: changes true once something changed under the cursor', async () => {
		await fake.userCreateFolder('/watched');
		const { json } = await rpc('files/list_folder/get_latest_cursor', { path: '/watched' });
		const waiting = rpc('files/list_folder/longpoll', { cursor: json.cursor, timeout: 30 }, {});
		await new Promise((resolve) => setTimeout(resolve, 300));
		await fake.userWrite('/watched/new.txt', Buffer.from('x'));
		const answer = await waiting;
		expect(answer.status).toBe(200);
		expect(answer.json).toEqual({ changes: true });
		const bad = await rpc('files/list_folder/longpoll', { cursor: json.cursor, timeout: 10 }, {});
		expect(bad.status).toBe(400);
	});

	it('mints ids as Dropbox does: "id:", the namespace\'s 8 bytes and a counter of its items (Content Access Guide: a file "id:a4ayc_80_OEAAAAAAAAAXw" and its folder "id:a4ayc_80_OEAAAAAAAAAXz")', async () => {
		await fake.userCreateFolder('/a');
		await fake.userWrite('/a/f.txt', Buffer.from('a'));
		await fake.userWrite('/a/g.txt', Buffer.from('b'));
		const { json } = await rpc('files/list_folder', { path: '/a' });
		const ids = [
			(await rpc('files/get_metadata', { path: '/a' })).json.id,
			...json.entries.map((entry: { id: string }) => entry.id),
		] as string[];
		for (const id of ids) expect(id).toMatch(/^id:[A-Za-z0-9_-]{22}$/);
		const bytes = ids.map((id) => Buffer.from(id.slice(3), 'base64url'));
		expect(new Set(bytes.map((b) => b.subarray(0, 8).toString('hex'))).size).toBe(1);
		const counters = bytes.map((b) => Number(b.readBigUInt64BE(8))).sort((x, y) => x - y);
		expect(counters[2] - counters[0]).toBe(2);
	});
});
