import { Dropbox, DropboxResponseError } from 'dropbox';
import { request as httpRequest } from 'http';
import { FakeAuth } from '../common/auth';
import { contentHashOf } from './contentHash';
import { ALL_SCOPES, FakeDropbox } from './index';
import { sdkFor } from './sdkClient';
import { peakHeldGrowth } from '../../support/liveMemory';

/** The fake as the real SDK sees it: one test per tricky point of research/api-brief.md section 3 and 7. */
describe('FakeDropbox with the real dropbox SDK', () => {
	let auth: FakeAuth;
	let fake: FakeDropbox;
	let token: string;
	let dbx: Dropbox;

	beforeEach(async () => {
		auth = new FakeAuth();
		fake = new FakeDropbox(auth);
		await fake.start();
		token = auth.issue('dropbox', ALL_SCOPES).access_token;
		dbx = sdkFor(fake, token);
	});

	afterEach(async () => {
		await fake.stop();
	});

	/** A raw call, for what the SDK would hide (headers, plain-text bodies, union spellings). */
	async function raw(
		route: string,
		options: {
			arg?: unknown;
			json?: unknown;
			body?: Buffer;
			headers?: Record<string, string>;
			query?: string;
		} = {},
	) {
		const headers: Record<string, string> = {
			authorization: `Bearer ${token}`,
			...options.headers,
		};
		if (options.arg !== undefined)
			headers['dropbox-api-arg'] = JSON.stringify(options.arg).replace(
				/[\u007f-\uffff]/g,
				(c) => `\\u${`000${c.charCodeAt(0).toString(16)}`.slice(-4)}`,
			);
		let body: Buffer | string | undefined = options.body;
		if (options.json !== undefined) {
			body = JSON.stringify(options.json);
			headers['content-type'] ??= 'application/json';
		} else if (options.body) headers['content-type'] ??= 'application/octet-stream';
		const response = await fetch(`${fake.baseUrl}/2/${route}${options.query ?? ''}`, {
			method: 'POST',
			headers,
			body,
		});
		const buffer = Buffer.from(await response.arrayBuffer());
		let parsed: any;
		try {
			parsed = JSON.parse(buffer.toString('utf8'));
		} catch {
			parsed = undefined;
		}
		return {
			status: response.status,
			headers: response.headers,
			text: buffer.toString('utf8'),
			buffer,
			json: parsed,
		};
	}

	async function sdkError(promise: Promise<unknown>): Promise<DropboxResponseError<any>> {
		try {
			await promise;
		} catch (error) {
			if (error instanceof DropboxResponseError) return error;
			throw error;
		}
		throw new Error('expected a DropboxResponseError');
	}

	it('carries non-ASCII arguments in the escaped Dropbox-API-Arg header and answers with a header-safe Dropbox-API-Result (SDK res.buffer() download path)', async () => {
		const path = '/Ünïcödé/файл 📄.txt';
		const content = Buffer.from('grüße');
		const uploaded = await dbx.filesUpload({ path, contents: content });
		expect(uploaded.result.path_display).toBe(path);

		const downloaded = await dbx.filesDownload({ path });
		const result = downloaded.result as typeof downloaded.result & { fileBinary: Buffer };
		expect(Buffer.isBuffer(result.fileBinary)).toBe(true);
		expect(result.fileBinary.equals(content)).toBe(true);
		expect(result.path_display).toBe(path);

		const plain = await raw('files/download', { arg: { path } });
		const header = plain.headers.get('dropbox-api-result')!;
		expect(/^[\x20-\x7e]*$/.test(header)).toBe(true);
		expect(JSON.parse(header).name).toBe('файл 📄.txt');
	});

	it('accepts the argument as an `arg` query parameter', async () => {
		await fake.userWrite('/q.txt', Buffer.from('query'));
		const response = await raw('files/download', {
			query: `?arg=${encodeURIComponent(JSON.stringify({ path: '/q.txt' }))}`,
		});
		expect(response.status).toBe(200);
		expect(response.text).toBe('query');
	});

	it('puts .tag on Metadata unions only (list, get_metadata, delete_v2), not on upload, finish or create_folder_v2 results', async () => {
		const upload = await raw('files/upload', { arg: { path: '/a.txt' }, body: Buffer.from('x') });
		expect(upload.json['.tag']).toBeUndefined();
		expect(upload.json.id).toMatch(/^id:/);
		const folder = await dbx.filesCreateFolderV2({ path: '/F' });
		expect((folder.result.metadata as any)['.tag']).toBeUndefined();
		const meta = await dbx.filesGetMetadata({ path: '/a.txt' });
		expect(meta.result['.tag']).toBe('file');
		const list = await dbx.filesListFolder({ path: '' });
		expect(list.result.entries.map((e) => e['.tag']).sort()).toEqual(['file', 'folder']);
		const start = await dbx.filesUploadSessionStart({ contents: Buffer.from('abc') });
		const finish = await raw('files/upload_session/finish', {
			arg: {
				cursor: { session_id: start.result.session_id, offset: 3 },
				commit: { path: '/b.txt' },
			},
			body: Buffer.alloc(0),
		});
		expect(finish.status).toBe(200);
		expect(finish.json['.tag']).toBeUndefined();
		const deleted = await dbx.filesDeleteV2({ path: '/a.txt' });
		expect(deleted.result.metadata['.tag']).toBe('file');
	});

	it('accepts union values as {".tag": ...} or as a plain string', async () => {
		await fake.userWrite('/u.txt', Buffer.from('one'));
		const asString = await raw('files/upload', {
			arg: { path: '/u.txt', mode: 'overwrite' },
			body: Buffer.from('two'),
		});
		expect(asString.status).toBe(200);
		const asObject = await raw('files/upload', {
			arg: { path: '/u.txt', mode: { '.tag': 'overwrite' } },
			body: Buffer.from('three'),
		});
		expect(asObject.status).toBe(200);
		expect((await fake.readFile('/u.txt'))!.toString()).toBe('three');
		const update = await raw('files/upload', {
			arg: { path: '/u.txt', mode: { '.tag': 'update', update: asObject.json.rev } },
			body: Buffer.from('four'),
		});
		expect(update.status).toBe(200);
		expect(update.json.id).toBe(asString.json.id);
	});

	it('treats paths case-insensitively, keyed by path_lower, keeping the display casing', async () => {
		await dbx.filesUpload({ path: '/Docs/Report.PDF', contents: Buffer.from('r') });
		const meta = await dbx.filesGetMetadata({ path: '/docs/REPORT.pdf' });
		expect(meta.result.path_display).toBe('/Docs/Report.PDF');
		expect(meta.result.path_lower).toBe('/docs/report.pdf');
		const again = await sdkError(dbx.filesCreateFolderV2({ path: '/DOCS' }));
		expect(again.status).toBe(409);
		expect(again.error.error_summary).toMatch(/^path\/conflict\/folder\/\.+$/);
		expect(again.error.error).toEqual({
			'.tag': 'path',
			path: { '.tag': 'conflict', conflict: { '.tag': 'folder' } },
		});
	});

	it('reports id, hex rev, content_hash and second-precision timestamps', async () => {
		const result = (await dbx.filesUpload({ path: '/h.txt', contents: Buffer.from('hello world') }))
			.result;
		expect(result.id).toMatch(/^id:.{10,}/);
		expect(result.rev).toMatch(/^[0-9a-f]{9,}$/);
		expect(result.content_hash).toBe(
			'bc62d4b80d9e36da29c16c5d4d9f11731f36052c72401a76c23c0fb5a9b74423',
		);
		expect(result.server_modified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
		expect(result.client_modified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
		const big = Buffer.alloc(4 * 1024 * 1024 + 1, 'A');
		const bigResult = (await dbx.filesUpload({ path: '/big.bin', contents: big })).result;
		expect(bigResult.content_hash).toBe(contentHashOf(big));
		expect(bigResult.content_hash!.startsWith('8f553da8')).toBe(true);
	});

	it('upload modes: identical content in add mode is no conflict, different content is, autorename and stale update revs', async () => {
		const first = (await dbx.filesUpload({ path: '/m.txt', contents: Buffer.from('same') })).result;
		const same = (await dbx.filesUpload({ path: '/m.txt', contents: Buffer.from('same') })).result;
		expect(same.rev).toBe(first.rev);
		const conflict = await sdkError(
			dbx.filesUpload({ path: '/m.txt', contents: Buffer.from('other') }),
		);
		expect(conflict.status).toBe(409);
		expect(conflict.error.error['.tag']).toBe('path');
		expect(conflict.error.error.reason).toEqual({
			'.tag': 'conflict',
			conflict: { '.tag': 'file' },
		});
		expect(conflict.error.error.upload_session_id).toEqual(expect.any(String));
		const renamed = (
			await dbx.filesUpload({ path: '/m.txt', contents: Buffer.from('other'), autorename: true })
		).result;
		expect(renamed.name).toBe('m (1).txt');
		const updated = (
			await dbx.filesUpload({
				path: '/m.txt',
				contents: Buffer.from('v2'),
				mode: { '.tag': 'update', update: first.rev },
			})
		).result;
		expect(updated.id).toBe(first.id);
		expect(updated.rev).not.toBe(first.rev);
		const stale = await sdkError(
			dbx.filesUpload({
				path: '/m.txt',
				contents: Buffer.from('v3'),
				mode: { '.tag': 'update', update: first.rev },
			}),
		);
		expect(stale.error.error.reason.conflict['.tag']).toBe('file');
		const strict = await sdkError(
			dbx.filesUpload({
				path: '/m.txt',
				contents: Buffer.from('v2'),
				mode: { '.tag': 'update', update: first.rev },
				strict_conflict: true,
			}),
		);
		expect(strict.status).toBe(409);
		const lenient = (
			await dbx.filesUpload({
				path: '/m.txt',
				contents: Buffer.from('v2'),
				mode: { '.tag': 'update', update: first.rev },
			})
		).result;
		expect(lenient.rev).toBe(updated.rev);
	});

	it('ends error_summary with a random number of dots', async () => {
		const summaries = new Set<string>();
		for (let i = 0; i < 24; i++) {
			const error = await sdkError(dbx.filesGetMetadata({ path: `/missing-${i}` }));
			expect(error.error.error).toEqual({ '.tag': 'path', path: { '.tag': 'not_found' } });
			expect(error.error.error_summary).toMatch(/^path\/not_found\/\.+$/);
			summaries.add(error.error.error_summary);
		}
		expect(summaries.size).toBeGreaterThan(1);
	});

	it('answers malformed arguments and unknown fields with 400 plain text', async () => {
		const unknown = await raw('files/list_folder', { json: { path: '', colour: 'blue' } });
		expect(unknown.status).toBe(400);
		expect(unknown.headers.get('content-type')).toMatch(/text\/plain/);
		expect(unknown.text).toContain("unknown field 'colour'");
		const viaSdk = await sdkError(dbx.filesListFolder({ path: 'no-slash' }));
		expect(viaSdk.status).toBe(400);
		expect(typeof viaSdk.error).toBe('string');
		expect(viaSdk.error).toContain('did not match pattern');
		const badHeader = await raw('files/upload', {
			headers: { 'dropbox-api-arg': '{not json' },
			body: Buffer.from('x'),
		});
		expect(badHeader.status).toBe(400);
		expect(badHeader.text).toContain('could not decode input as JSON');
		const badType = await raw('files/list_folder', {
			json: { path: '' },
			headers: { 'content-type': 'text/plain' },
		});
		expect(badType.status).toBe(400);
		expect(badType.text).toContain('Content-Type');
	});

	it('answers 401 expired_access_token, invalid_access_token and missing_scope with required_scope', async () => {
		auth.expireAccessTokens();
		const expired = await sdkError(dbx.filesListFolder({ path: '' }));
		expect(expired.status).toBe(401);
		expect(expired.error.error).toEqual({ '.tag': 'expired_access_token' });
		const invalid = await sdkError(sdkFor(fake, 'not-a-token').filesListFolder({ path: '' }));
		expect(invalid.error.error['.tag']).toBe('invalid_access_token');
		const readOnly = sdkFor(
			fake,
			auth.issue('dropbox', ['files.metadata.read', 'files.content.read']).access_token,
		);
		await expect(readOnly.filesListFolder({ path: '' })).resolves.toBeDefined();
		const missing = await sdkError(
			readOnly.filesUpload({ path: '/x', contents: Buffer.from('x') }),
		);
		expect(missing.status).toBe(401);
		expect(missing.error.error).toEqual({
			'.tag': 'missing_scope',
			required_scope: 'files.content.write',
		});
		expect(missing.error.error_summary).toMatch(/^missing_scope\//);
	});

	it('answers missing_scope as 401 JSON on content endpoints too (download needs files.content.read)', async () => {
		const file = await fake.userWrite('/r.txt', Buffer.from('r'));
		const writeOnly = sdkFor(
			fake,
			auth.issue('dropbox', ['files.metadata.read', 'files.content.write']).access_token,
		);
		const missing = await sdkError(writeOnly.filesDownload({ path: file.id }));
		expect(missing.status).toBe(401);
		expect(missing.error.error).toEqual({
			'.tag': 'missing_scope',
			required_scope: 'files.content.read',
		});
		expect(missing.error.error_summary).toMatch(/^missing_scope\//);
	});

	it('serves the refresh grant at /oauth2/token on the API host, always in JSON (form body or SDK query string)', async () => {
		const issued = auth.issue('dropbox', ALL_SCOPES);
		const post = async (query: string, body?: string) => {
			const response = await fetch(`${fake.baseUrl}/oauth2/token${query}`, {
				method: 'POST',
				headers:
					body === undefined
						? { 'content-type': 'application/json' }
						: { 'content-type': 'application/x-www-form-urlencoded' },
				body,
			});
			expect(response.headers.get('content-type')).toMatch(/^application\/json/);
			return { status: response.status, body: (await response.json()) as Record<string, unknown> };
		};
		const client = 'client_id=fake-client-id&client_secret=fake-client-secret';
		const form = await post(
			'',
			`grant_type=refresh_token&refresh_token=${issued.refresh_token}&${client}`,
		);
		expect(form.status).toBe(200);
		expect(form.body).toMatchObject({ token_type: 'bearer', expires_in: expect.any(Number) });
		expect(form.body.refresh_token).toBeUndefined();
		await expect(
			sdkFor(fake, form.body.access_token as string).filesListFolder({ path: '' }),
		).resolves.toBeDefined();
		const query = await post(
			`?grant_type=refresh_token&refresh_token=${issued.refresh_token}&${client}`,
		);
		expect(query.status).toBe(200);
		expect(
			(
				await post(
					'',
					`grant_type=refresh_token&refresh_token=${issued.refresh_token}&client_id=fake-client-id&client_secret=wrong`,
				)
			).body.error,
		).toBe('invalid_client');
		auth.revokeRefreshTokens();
		const revoked = await post(
			'',
			`grant_type=refresh_token&refresh_token=${issued.refresh_token}&${client}`,
		);
		expect(revoked).toEqual({
			status: 400,
			body: { error: 'invalid_grant', error_description: 'refresh token is invalid or revoked' },
		});
	});

	it('throttles with 429, a Retry-After header and retry_after in the body', async () => {
		fake.rateLimit(1, 3);
		const throttled = await sdkError(dbx.filesListFolder({ path: '' }));
		expect(throttled.status).toBe(429);
		expect(throttled.headers.get('retry-after')).toBe('3');
		expect(throttled.error.error).toEqual({
			reason: { '.tag': 'too_many_requests' },
			retry_after: 3,
		});
		await expect(dbx.filesListFolder({ path: '' })).resolves.toBeDefined();
	});

	it('lists recursively with limit paging and include_deleted, the listed folder included', async () => {
		await fake.seed({
			folders: ['/W/sub'],
			files: Array.from({ length: 7 }, (_, i) => ({
				path: `/W/${i % 2 ? 'sub/' : ''}f${i}.txt`,
				text: `${i}`,
			})),
		});
		await fake.userWrite('/W/gone.txt', Buffer.from('g'));
		fake.userDelete('/W/gone.txt');
		const paths: string[] = [];
		let page = (
			await dbx.filesListFolder({ path: '/w', recursive: true, limit: 3, include_deleted: true })
		).result;
		let pages = 1;
		page.entries.forEach((e) => paths.push(`${e['.tag']}:${e.path_display}`));
		while (page.has_more) {
			page = (await dbx.filesListFolderContinue({ cursor: page.cursor })).result;
			page.entries.forEach((e) => paths.push(`${e['.tag']}:${e.path_display}`));
			pages++;
		}
		expect(pages).toBe(4);
		expect(paths).toContain('folder:/W');
		expect(paths).toContain('folder:/W/sub');
		expect(paths).toContain('file:/W/sub/f1.txt');
		expect(paths).toContain('deleted:/W/gone.txt');
		expect(paths.filter((p) => p.startsWith('file:'))).toHaveLength(7);
		const flat = (await dbx.filesListFolder({ path: '/W' })).result.entries
			.map((e) => e.name)
			.sort();
		expect(flat).toEqual(['f0.txt', 'f2.txt', 'f4.txt', 'f6.txt', 'sub']);
	});

	it('list_folder/continue reports changes: deleted entries without id, moves as delete + add with the same id, a deleted folder standing for its children', async () => {
		await fake.seed({
			folders: ['/Base/Old', '/Base/Dest'],
			files: [
				{ path: '/Base/Old/a.txt', text: 'a' },
				{ path: '/Base/keep.txt', text: 'k' },
				{ path: '/Base/mv.txt', text: 'm' },
			],
		});
		const cursor = (await dbx.filesListFolderGetLatestCursor({ path: '/Base', recursive: true }))
			.result.cursor;
		const mvId = ((await dbx.filesGetMetadata({ path: '/Base/mv.txt' })).result as { id: string })
			.id;
		await fake.userWrite('/Base/new.txt', Buffer.from('n'));
		await fake.userWrite('/Base/keep.txt', Buffer.from('k2'));
		fake.userMove('/Base/mv.txt', '/Base/Dest');
		fake.userDelete('/Base/Old');
		const changes = (await dbx.filesListFolderContinue({ cursor })).result;
		const byPath = new Map(changes.entries.map((e) => [e.path_lower, e as any]));
		expect(byPath.get('/base/new.txt')['.tag']).toBe('file');
		expect(byPath.get('/base/keep.txt').content_hash).toBe(contentHashOf(Buffer.from('k2')));
		expect(byPath.get('/base/mv.txt')).toEqual({
			'.tag': 'deleted',
			name: 'mv.txt',
			path_lower: '/base/mv.txt',
			path_display: '/Base/mv.txt',
		});
		expect(byPath.get('/base/dest/mv.txt').id).toBe(mvId);
		expect(byPath.get('/base/old')['.tag']).toBe('deleted');
		expect(byPath.get('/base/old').id).toBeUndefined();
		expect(byPath.has('/base/old/a.txt')).toBe(false);
		const quiet = (await dbx.filesListFolderContinue({ cursor: changes.cursor })).result;
		expect(quiet.entries).toEqual([]);
		expect(quiet.has_more).toBe(false);
	});

	it('answers 409 reset for an invalidated cursor', async () => {
		const cursor = (await dbx.filesListFolderGetLatestCursor({ path: '' })).result.cursor;
		fake.resetCursors();
		const reset = await sdkError(dbx.filesListFolderContinue({ cursor }));
		expect(reset.status).toBe(409);
		expect(reset.error.error).toEqual({ '.tag': 'reset' });
		expect(reset.error.error_summary).toMatch(/^reset\/\.+$/);
	});

	it('get_metadata rejects the root, knows not_found, and include_deleted shows deleted metadata', async () => {
		expect((await raw('files/get_metadata', { json: { path: '' } })).status).toBe(400);
		await fake.userWrite('/d.txt', Buffer.from('d'));
		fake.userDelete('/d.txt');
		const deleted = await dbx.filesGetMetadata({ path: '/d.txt', include_deleted: true });
		expect(deleted.result['.tag']).toBe('deleted');
		const missing = await sdkError(dbx.filesDeleteV2({ path: '/d.txt' }));
		expect(missing.error.error).toEqual({
			'.tag': 'path_lookup',
			path_lookup: { '.tag': 'not_found' },
		});
	});

	it('move_v2 keeps the id and refuses to overwrite', async () => {
		const a = (await dbx.filesUpload({ path: '/a.txt', contents: Buffer.from('a') })).result;
		await dbx.filesUpload({ path: '/b.txt', contents: Buffer.from('b') });
		const conflict = await sdkError(dbx.filesMoveV2({ from_path: '/a.txt', to_path: '/B.txt' }));
		expect(conflict.error.error).toEqual({
			'.tag': 'to',
			to: { '.tag': 'conflict', conflict: { '.tag': 'file' } },
		});
		const moved = (await dbx.filesMoveV2({ from_path: a.id, to_path: '/New/A2.txt' })).result
			.metadata;
		expect((moved as { id: string }).id).toBe(a.id);
		expect(moved.path_display).toBe('/New/A2.txt');
		const missing = await sdkError(dbx.filesMoveV2({ from_path: '/nope', to_path: '/x' }));
		expect(missing.error.error['.tag']).toBe('from_lookup');
	});

	it('upload sessions: incorrect_offset names the correct offset, unknown sessions are not_found, closed sessions refuse appends', async () => {
		const start = await dbx.filesUploadSessionStart({ contents: Buffer.from('0123') });
		const session_id = start.result.session_id;
		const wrong = await sdkError(
			dbx.filesUploadSessionAppendV2({
				cursor: { session_id, offset: 2 },
				contents: Buffer.from('xx'),
			}),
		);
		expect(wrong.status).toBe(409);
		expect(wrong.error.error).toEqual({ '.tag': 'incorrect_offset', correct_offset: 4 });
		await dbx.filesUploadSessionAppendV2({
			cursor: { session_id, offset: 4 },
			contents: Buffer.from('4567'),
			close: true,
		});
		const closed = await sdkError(
			dbx.filesUploadSessionAppendV2({
				cursor: { session_id, offset: 8 },
				contents: Buffer.from('8'),
			}),
		);
		expect(closed.error.error['.tag']).toBe('closed');
		const wrongFinish = await sdkError(
			dbx.filesUploadSessionFinish({
				cursor: { session_id, offset: 7 },
				commit: { path: '/s.txt' },
				contents: Buffer.alloc(0),
			}),
		);
		expect(wrongFinish.error.error).toEqual({
			'.tag': 'lookup_failed',
			lookup_failed: { '.tag': 'incorrect_offset', correct_offset: 8 },
		});
		const done = (
			await dbx.filesUploadSessionFinish({
				cursor: { session_id, offset: 8 },
				commit: { path: '/s.txt' },
				contents: Buffer.alloc(0),
			})
		).result;
		expect(done.size).toBe(8);
		expect((await fake.readFile('/s.txt'))!.toString()).toBe('01234567');
		const unknown = await sdkError(
			dbx.filesUploadSessionAppendV2({
				cursor: { session_id, offset: 8 },
				contents: Buffer.from('x'),
			}),
		);
		expect(unknown.error.error['.tag']).toBe('not_found');
	});

	it('keeps the bytes received before a cut when asked, so the next append meets incorrect_offset', async () => {
		const session_id = (await dbx.filesUploadSessionStart({ contents: Buffer.alloc(0) })).result
			.session_id;
		fake.cutUpload({ route: 'append_v2', afterBytes: 1000, keepReceived: true });
		await expect(
			dbx.filesUploadSessionAppendV2({
				cursor: { session_id, offset: 0 },
				contents: Buffer.alloc(5000, 1),
			}),
		).rejects.toThrow();
		const retry = await sdkError(
			dbx.filesUploadSessionAppendV2({
				cursor: { session_id, offset: 0 },
				contents: Buffer.alloc(5000, 1),
			}),
		);
		expect(retry.error.error).toEqual({ '.tag': 'incorrect_offset', correct_offset: 1000 });
	});

	it('downloads a byte range', async () => {
		await fake.userWrite('/r.bin', Buffer.from('0123456789'));
		const partial = await raw('files/download', {
			arg: { path: '/r.bin' },
			headers: { range: 'bytes=3-' },
		});
		expect(partial.status).toBe(206);
		expect(partial.text).toBe('3456789');
		expect(partial.headers.get('content-range')).toBe('bytes 3-9/10');
		const missing = await sdkError(dbx.filesDownload({ path: '/nothing' }));
		expect(missing.error.error).toEqual({ '.tag': 'path', path: { '.tag': 'not_found' } });
	});

	it('refuses writes beyond the quota with path/insufficient_space', async () => {
		fake.setQuota(10);
		await dbx.filesUpload({ path: '/small', contents: Buffer.alloc(8) });
		const full = await sdkError(dbx.filesUpload({ path: '/more', contents: Buffer.alloc(8) }));
		expect(full.error.error_summary).toMatch(/^path\/insufficient_space\//);
		expect(full.error.error.reason).toEqual({ '.tag': 'insufficient_space' });
		const session_id = (await dbx.filesUploadSessionStart({ contents: Buffer.alloc(8) })).result
			.session_id;
		const finish = await sdkError(
			dbx.filesUploadSessionFinish({
				cursor: { session_id, offset: 8 },
				commit: { path: '/s' },
				contents: Buffer.alloc(0),
			}),
		);
		expect(finish.error.error).toEqual({ '.tag': 'path', path: { '.tag': 'insufficient_space' } });
	});

	it('confines an app-folder app to /Apps/<name>, with paths relative to it', async () => {
		await fake.userWrite('/outside.txt', Buffer.from('o'));
		fake.appFolder = 'Cloud Sync';
		const up = (await dbx.filesUpload({ path: '/inside.txt', contents: Buffer.from('i') })).result;
		expect(up.path_display).toBe('/inside.txt');
		expect(await fake.readFile('/Apps/Cloud Sync/inside.txt')).toEqual(Buffer.from('i'));
		const names = (await dbx.filesListFolder({ path: '' })).result.entries.map((e) => e.name);
		expect(names).toEqual(['inside.txt']);
		const outsideId = fake.tree.get('/outside.txt')!.id;
		const hidden = await sdkError(dbx.filesGetMetadata({ path: outsideId }));
		expect(hidden.status).toBe(409);
	});

	it('serves the HTTP control API: seed, act as the user, dump the tree', async () => {
		const post = (action: string, body: unknown) =>
			fetch(`${fake.baseUrl}/_control/${action}`, {
				method: 'POST',
				body: JSON.stringify(body),
			}).then((r) => r.json() as Promise<any>);
		await post('seed', { folders: ['/C'], files: [{ path: '/C/x.txt', text: 'x' }] });
		await post('rename', { path: '/C/x.txt', name: 'y.txt' });
		await post('write', { path: '/C/z.txt', size: 10 });
		const tree = await post('tree', {});
		expect(tree.entries.map((e: any) => e.path)).toEqual(['/C', '/C/y.txt', '/C/z.txt']);
		expect(fake.requests()).toHaveLength(0);
	});

	it('streams 256 MiB through an upload session and a download without holding content in the heap', async () => {
		const chunk = 128 * 1024 * 1024;
		const slice = Buffer.alloc(1024 * 1024, 7);
		const send = (route: string, arg: unknown, bytes: number) =>
			new Promise<{ status: number; body: string }>((resolve, reject) => {
				const req = httpRequest(`${fake.baseUrl}/2/${route}`, {
					method: 'POST',
					headers: {
						authorization: `Bearer ${token}`,
						'dropbox-api-arg': JSON.stringify(arg),
						'content-type': 'application/octet-stream',
						'content-length': String(bytes),
					},
				});
				req.on('response', (res) => {
					let body = '';
					res.on('data', (d) => (body += d));
					res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
				});
				req.on('error', reject);
				(async () => {
					for (let sent = 0; sent < bytes; sent += slice.length) {
						if (!req.write(slice)) await new Promise((r) => req.once('drain', r));
					}
					req.end();
				})().catch(reject);
			});
		const limit = 64 * 1024 * 1024;
		const growth = await peakHeldGrowth(async () => {
			const start = await send('files/upload_session/start', {}, chunk);
			const session_id = JSON.parse(start.body).session_id;
			await send(
				'files/upload_session/append_v2',
				{ cursor: { session_id, offset: chunk } },
				chunk,
			);
			const finish = await send(
				'files/upload_session/finish',
				{ cursor: { session_id, offset: 2 * chunk }, commit: { path: '/huge.bin' } },
				0,
			);
			expect(finish.status).toBe(200);
			expect(JSON.parse(finish.body).size).toBe(256 * 1024 * 1024);
			const response = await fetch(`${fake.baseUrl}/2/files/download`, {
				method: 'POST',
				headers: {
					authorization: `Bearer ${token}`,
					'dropbox-api-arg': JSON.stringify({ path: '/huge.bin' }),
				},
			});
			let received = 0;
			for await (const part of response.body as unknown as AsyncIterable<Uint8Array>)
				received += part.length;
			expect(received).toBe(256 * 1024 * 1024);
		}, limit);
		expect(growth).toBeLessThan(limit);
	});
});
