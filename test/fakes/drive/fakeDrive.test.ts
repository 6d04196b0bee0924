import { createHash } from 'crypto';
import { Readable } from 'stream';
import { DRIVE_SCOPES, FOLDER_MIME } from '.';
import { failure, startDriveClient, type DriveTestClient } from './testClient';

const KiB = 1024;

describe('FakeDrive through @googleapis/drive', () => {
	let c: DriveTestClient;
	beforeEach(async () => {
		c = await startDriveClient();
	});
	afterEach(async () => {
		await c.close();
	});

	const folder = async (name: string, parent = 'root') =>
		(
			await c.sdk.files.create({
				requestBody: { name, mimeType: FOLDER_MIME, parents: [parent] },
				fields: 'id',
			})
		).data.id!;

	test('default partial response is kind,id,name,mimeType; fields selects; unknown fields are a 400', async () => {
		const id = await c.fake.seedFile({ name: 'a.txt', content: Buffer.from('abc') });
		const plain = await c.sdk.files.get({ fileId: id });
		expect(Object.keys(plain.data).sort()).toEqual(['id', 'kind', 'mimeType', 'name']);
		const picked = await c.sdk.files.get({ fileId: id, fields: 'id,size,md5Checksum,parents' });
		expect(picked.data).toEqual({
			id,
			size: '3',
			md5Checksum: createHash('md5').update('abc').digest('hex'),
			parents: [c.fake.rootId],
		});
		const listed = await c.sdk.files.list({ fields: 'files(id,name)' });
		expect(listed.data).toEqual({ files: [{ id, name: 'a.txt' }] });
		expect(await failure(c.sdk.files.get({ fileId: id, fields: 'id,sizeInBytes' }))).toMatchObject({
			status: 400,
			reason: 'invalidParameter',
		});
		expect(await failure(c.sdk.files.list({ fields: 'files(id' }))).toMatchObject({ status: 400 });
	});

	test('q: and/or/not/parentheses, trashed listed unless excluded, case-insensitive name =, word-prefix contains, appProperties has', async () => {
		const parent = await folder('P');
		const report = await c.fake.seedFile({
			parentId: parent,
			name: 'Report 2024.pdf',
			appProperties: { sourceId: 'abc' },
		});
		const notes = await c.fake.seedFile({ parentId: parent, name: 'notes.txt' });
		const old = await c.fake.seedFile({ parentId: parent, name: 'old.txt' });
		c.fake.userTrash(old);
		const ids = async (q: string) =>
			((await c.sdk.files.list({ q, fields: 'files(id)' })).data.files ?? [])
				.map((f) => f.id)
				.sort();
		expect(await ids(`'${parent}' in parents`)).toEqual([report, notes, old].sort());
		expect(await ids(`'${parent}' in parents and trashed = false`)).toEqual([report, notes].sort());
		expect(await ids(`name = 'REPORT 2024.PDF'`)).toEqual([report]);
		expect(await ids(`name contains 'port'`)).toEqual([]);
		expect(await ids(`name contains '2024'`)).toEqual([report]);
		expect(await ids(`appProperties has { key='sourceId' and value='abc' }`)).toEqual([report]);
		expect(
			await ids(`'${parent}' in parents and not (name = 'notes.txt' or trashed = true)`),
		).toEqual([report]);
		expect(await ids(`name = 'it\\'s'`)).toEqual([]);
		expect(await failure(c.sdk.files.list({ q: `size > 3` }))).toMatchObject({
			status: 400,
			reason: 'invalid',
		});
		expect(await failure(c.sdk.files.list({ q: `name = 'x' and` }))).toMatchObject({
			status: 400,
			reason: 'invalid',
		});
	});

	test('pageSize defaults to 100, max 1000; opaque nextPageToken bound to its query', async () => {
		for (let i = 0; i < 105; i++) await c.fake.seedFile({ name: `f${i}` });
		const first = await c.sdk.files.list({ fields: 'nextPageToken,files(id)' });
		expect(first.data.files).toHaveLength(100);
		expect(first.data.nextPageToken).toBeTruthy();
		const second = await c.sdk.files.list({
			pageToken: first.data.nextPageToken!,
			fields: 'nextPageToken,files(id)',
		});
		expect(second.data.files).toHaveLength(5);
		expect(second.data.nextPageToken).toBeUndefined();
		expect(await failure(c.sdk.files.list({ pageSize: 1001 }))).toMatchObject({ status: 400 });
		expect(
			await failure(c.sdk.files.list({ pageToken: first.data.nextPageToken!, q: "name = 'f1'" })),
		).toMatchObject({ status: 400 });
		expect(await failure(c.sdk.files.list({ pageToken: 'garbage' }))).toMatchObject({
			status: 400,
		});
	});

	test('unknown query parameters are a 400, never ignored', async () => {
		const response = await c.raw('GET', '/drive/v3/files?includeTrashed=true');
		expect(response.status).toBe(400);
		expect((await response.json()).error.message).toMatch(/Unknown name "includeTrashed"/);
		expect((await c.raw('GET', '/drive/v3/files?supportsAllDrives=yes')).status).toBe(400);
	});

	test('multipart upload without Content-Length; media upload; update keeps the id and bumps version', async () => {
		const created = await c.sdk.files.create({
			requestBody: { name: 'm.bin', appProperties: { k: 'v' } },
			media: {
				mimeType: 'application/pdf',
				body: Readable.from([Buffer.from('hello '), Buffer.from('world')]),
			},
			fields: 'id,size,md5Checksum,mimeType,version,appProperties,headRevisionId',
		});
		expect(created.data).toMatchObject({
			size: '11',
			mimeType: 'application/pdf',
			appProperties: { k: 'v' },
		});
		const media = await c.sdk.files.create({
			media: { mimeType: 'text/plain', body: 'raw' },
			fields: 'name,size',
		});
		expect(media.data).toEqual({ name: 'Untitled', size: '3' });
		const updated = await c.sdk.files.update({
			fileId: created.data.id!,
			requestBody: { appProperties: { k: null, n: '1' } as never },
			media: { mimeType: 'application/pdf', body: 'second' },
			fields: 'id,size,version,appProperties,headRevisionId',
		});
		expect(updated.data.id).toBe(created.data.id);
		expect(updated.data.appProperties).toEqual({ n: '1' });
		expect(Number(updated.data.version)).toBeGreaterThan(Number(created.data.version));
		expect(updated.data.headRevisionId).not.toBe(created.data.headRevisionId);
	});

	test('update: addParents/removeParents move, parents in the body is fieldNotWritable, trashed:true trashes children', async () => {
		const a = await folder('A');
		const b = await folder('B');
		const inner = await c.fake.seedFile({ parentId: a, name: 'x' });
		const moved = await c.sdk.files.update({
			fileId: inner,
			addParents: b,
			removeParents: a,
			fields: 'parents',
		});
		expect(moved.data.parents).toEqual([b]);
		expect(
			await failure(c.sdk.files.update({ fileId: inner, requestBody: { parents: [a] } })),
		).toMatchObject({ status: 403, reason: 'fieldNotWritable' });
		expect(await failure(c.sdk.files.update({ fileId: inner, addParents: a }))).toMatchObject({
			status: 403,
			reason: 'cannotAddParent',
		});
		expect(
			await failure(c.sdk.files.update({ fileId: b, addParents: b, removeParents: c.fake.rootId })),
		).toMatchObject({ status: 400 });
		await c.sdk.files.update({ fileId: b, requestBody: { trashed: true } });
		const child = await c.sdk.files.get({ fileId: inner, fields: 'trashed,explicitlyTrashed' });
		expect(child.data).toEqual({ trashed: true, explicitlyTrashed: false });
	});

	test('download: alt=media streams, Range gives 206 with Content-Range, folders are fileNotDownloadable', async () => {
		const id = await c.fake.seedFile({ name: 'r.bin', content: Buffer.from('0123456789') });
		const whole = await c.sdk.files.get({ fileId: id, alt: 'media' }, { responseType: 'text' });
		expect(whole.data).toBe('0123456789');
		const part = await c.raw('GET', `/drive/v3/files/${id}?alt=media`, {
			headers: { range: 'bytes=3-5' },
		});
		expect(part.status).toBe(206);
		expect(part.headers.get('content-range')).toBe('bytes 3-5/10');
		expect(await part.text()).toBe('345');
		expect(
			(await c.raw('GET', `/drive/v3/files/${id}?alt=media`, { headers: { range: 'bytes=20-' } }))
				.status,
		).toBe(416);
		const f = await folder('F');
		expect((await c.raw('GET', `/drive/v3/files/${f}?alt=media`)).status).toBe(403);
	});

	test('delete answers 204 and the id is gone (404 notFound)', async () => {
		const id = await c.fake.seedFile({ name: 'd' });
		const response = await c.sdk.files.delete({ fileId: id });
		expect(response.status).toBe(204);
		expect(await failure(c.sdk.files.get({ fileId: id }))).toMatchObject({
			status: 404,
			reason: 'notFound',
		});
	});

	describe('resumable uploads', () => {
		const initiate = async (total: number) => {
			const response = await c.raw(
				'POST',
				'/upload/drive/v3/files?uploadType=resumable&fields=id,size,md5Checksum',
				{
					headers: {
						'content-type': 'application/json; charset=UTF-8',
						'x-upload-content-length': String(total),
					},
					body: JSON.stringify({ name: 'big.bin' }),
				},
			);
			expect(response.status).toBe(200);
			return response.headers.get('location')!;
		};
		const put = (url: string, range: string, body: Buffer) =>
			fetch(url, { method: 'PUT', headers: { 'content-range': range }, body, redirect: 'manual' });

		test('308 with Range and never Location; Range absent while empty; probe; final 200 with the file', async () => {
			const data = Buffer.alloc(600 * KiB, 7);
			const url = await initiate(data.length);
			const empty = await put(url, `bytes */${data.length}`, Buffer.alloc(0));
			expect(empty.status).toBe(308);
			expect(empty.headers.get('range')).toBeNull();
			expect(empty.headers.get('location')).toBeNull();
			const first = await put(
				url,
				`bytes 0-${256 * KiB - 1}/${data.length}`,
				data.subarray(0, 256 * KiB),
			);
			expect(first.status).toBe(308);
			expect(first.headers.get('range')).toBe(`bytes=0-${256 * KiB - 1}`);
			// An unaligned intermediate chunk: Drive keeps whole 256 KiB units only.
			const unaligned = await put(
				url,
				`bytes ${256 * KiB}-${300 * KiB + 256 * KiB - 1}/*`,
				data.subarray(256 * KiB, 556 * KiB),
			);
			expect(unaligned.headers.get('range')).toBe(`bytes=0-${512 * KiB - 1}`);
			const probe = await put(url, `bytes */${data.length}`, Buffer.alloc(0));
			expect(probe.headers.get('range')).toBe(`bytes=0-${512 * KiB - 1}`);
			const last = await put(
				url,
				`bytes ${512 * KiB}-${data.length - 1}/${data.length}`,
				data.subarray(512 * KiB),
			);
			expect(last.status).toBe(200);
			expect(await last.json()).toMatchObject({
				size: String(data.length),
				md5Checksum: createHash('md5').update(data).digest('hex'),
			});
		});

		test('a cut keeps the aligned part; offsets beyond it are a 400; unknown and expired sessions are 404', async () => {
			const data = Buffer.alloc(1024 * KiB, 3);
			const url = await initiate(data.length);
			c.fake.cutNextUploadChunk(700 * KiB);
			await expect(put(url, `bytes 0-${data.length - 1}/${data.length}`, data)).rejects.toThrow();
			const probe = await put(url, `bytes */${data.length}`, Buffer.alloc(0));
			expect(probe.headers.get('range')).toBe(`bytes=0-${512 * KiB - 1}`);
			expect(
				(
					await put(
						url,
						`bytes ${768 * KiB}-${data.length - 1}/${data.length}`,
						data.subarray(768 * KiB),
					)
				).status,
			).toBe(400);
			expect(
				(
					await put(
						url.replace(/upload_id=[^&]+/, 'upload_id=nope'),
						`bytes */${data.length}`,
						Buffer.alloc(0),
					)
				).status,
			).toBe(404);
			c.fake.expireUploadSessions();
			expect((await put(url, `bytes */${data.length}`, Buffer.alloc(0))).status).toBe(404);
		});
	});

	describe('changes', () => {
		test('coalesced per file, newStartPageToken only on the last page, removed vs trashed', async () => {
			const start = (await c.sdk.changes.getStartPageToken({})).data.startPageToken!;
			const a = await c.fake.seedFile({ name: 'a' });
			c.fake.userRename(a, 'a2');
			c.fake.userRename(a, 'a3');
			const b = await c.fake.seedFile({ name: 'b' });
			c.fake.userTrash(b);
			const d = await c.fake.seedFile({ name: 'd' });
			await c.fake.userDelete(d);
			const fields = 'nextPageToken,newStartPageToken,changes(fileId,removed,file(name,trashed))';
			const page1 = await c.sdk.changes.list({ pageToken: start, pageSize: 2, fields });
			expect(page1.data.newStartPageToken).toBeUndefined();
			expect(page1.data.changes).toEqual([
				{ fileId: a, removed: false, file: { name: 'a3', trashed: false } },
				{ fileId: b, removed: false, file: { name: 'b', trashed: true } },
			]);
			const page2 = await c.sdk.changes.list({
				pageToken: page1.data.nextPageToken!,
				pageSize: 2,
				fields,
			});
			expect(page2.data.changes).toEqual([{ fileId: d, removed: true }]);
			expect(page2.data.nextPageToken).toBeUndefined();
			expect(page2.data.newStartPageToken).toBeTruthy();
			const quiet = await c.sdk.changes.list({ pageToken: page2.data.newStartPageToken!, fields });
			expect(quiet.data.changes).toEqual([]);
		});

		test('invalidated page tokens get the 400 for an invalid pageToken; a missing token is required', async () => {
			const start = (await c.sdk.changes.getStartPageToken({})).data.startPageToken!;
			c.fake.invalidatePageTokens();
			expect(await failure(c.sdk.changes.list({ pageToken: start }))).toMatchObject({
				status: 400,
				reason: 'invalid',
			});
			expect((await c.raw('GET', '/drive/v3/changes')).status).toBe(400);
			const fresh = (await c.sdk.changes.getStartPageToken({})).data.startPageToken!;
			expect((await c.sdk.changes.list({ pageToken: fresh })).status).toBe(200);
		});
	});

	test('shared drives: items are 404 without supportsAllDrives, listed only with the drive corpora flags', async () => {
		const driveId = c.fake.createSharedDrive('Team');
		const id = await c.fake.seedFile({ parentId: driveId, name: 'team.txt' });
		expect(await failure(c.sdk.files.get({ fileId: id }))).toMatchObject({
			status: 404,
			reason: 'notFound',
		});
		expect(
			(await c.sdk.files.get({ fileId: id, supportsAllDrives: true, fields: 'driveId' })).data
				.driveId,
		).toBe(driveId);
		expect((await c.sdk.files.list({ fields: 'files(id)' })).data.files).toEqual([]);
		expect(await failure(c.sdk.files.list({ corpora: 'drive', driveId }))).toMatchObject({
			status: 400,
		});
		const listed = await c.sdk.files.list({
			corpora: 'drive',
			driveId,
			includeItemsFromAllDrives: true,
			supportsAllDrives: true,
			fields: 'files(id)',
		});
		expect(listed.data.files).toEqual([{ id }]);
		const start = (await c.sdk.changes.getStartPageToken({ driveId, supportsAllDrives: true })).data
			.startPageToken!;
		c.fake.userRename(id, 'renamed.txt');
		await c.fake.seedFile({ name: 'my-drive.txt' });
		const changes = await c.sdk.changes.list({
			pageToken: start,
			driveId,
			supportsAllDrives: true,
			includeItemsFromAllDrives: true,
			fields: 'changes(fileId,driveId)',
		});
		expect(changes.data.changes).toEqual([{ fileId: id, driveId }]);
	});

	test('quota exceeded and daily limit answer their 403 reasons', async () => {
		c.fake.storageQuotaExceeded = true;
		expect(
			await failure(c.sdk.files.create({ requestBody: { name: 'q' }, media: { body: 'x' } })),
		).toMatchObject({ status: 403, reason: 'storageQuotaExceeded' });
		c.fake.storageQuotaExceeded = false;
		c.fake.dailyLimitExceeded = true;
		expect(await failure(c.sdk.files.list({}))).toMatchObject({
			status: 403,
			reason: 'dailyLimitExceeded',
		});
	});

	test('about.get requires fields', async () => {
		expect(await failure(c.sdk.about.get({}))).toMatchObject({ status: 400, reason: 'required' });
		expect((await c.sdk.about.get({ fields: 'user(emailAddress)' })).data).toEqual({
			user: { emailAddress: 'fake.user@example.com' },
		});
	});

	test('401 with WWW-Authenticate for an expired token; missing token says required', async () => {
		c.fake.auth.expireAccessTokens();
		const expired = await c.raw('GET', '/drive/v3/files');
		expect(expired.status).toBe(401);
		expect(expired.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
		expect((await expired.json()).error.errors[0]).toMatchObject({
			reason: 'authError',
			location: 'Authorization',
			locationType: 'header',
		});
		const missing = await c.raw('GET', '/drive/v3/files', { auth: false });
		expect((await missing.json()).error.errors[0].reason).toBe('required');
	});

	test('control API over HTTP: seed, act as the user, tree dump', async () => {
		const post = async (action: string, body: unknown) =>
			(
				await fetch(`${c.fake.baseUrl}/_control/${action}`, {
					method: 'POST',
					body: JSON.stringify(body),
				})
			).json();
		const { id: folderId } = await post('seed-folder', { name: 'Inbox' });
		const { id } = await post('seed-file', {
			parentId: folderId,
			name: 'a.txt',
			contentBase64: Buffer.from('hi').toString('base64'),
		});
		await post('rename', { id, name: 'b.txt' });
		const tree = await post('tree', { id: folderId });
		expect(tree).toMatchObject({
			name: 'Inbox',
			folder: true,
			children: [{ id, name: 'b.txt', size: 2 }],
		});
		expect((await fetch(`${c.fake.baseUrl}/_control/nope`, { method: 'POST' })).status).toBe(404);
	});
});

describe('FakeDrive scopes', () => {
	test('drive.readonly reads but writes get 403 insufficientPermissions naming the scopes', async () => {
		const c = await startDriveClient([DRIVE_SCOPES.readonly]);
		try {
			await c.fake.seedFile({ name: 'r.txt' });
			expect((await c.sdk.files.list({ fields: 'files(name)' })).data.files).toEqual([
				{ name: 'r.txt' },
			]);
			const response = await c.raw('POST', '/drive/v3/files', {
				headers: { 'content-type': 'application/json' },
				body: '{"name":"x"}',
			});
			expect(response.status).toBe(403);
			expect(response.headers.get('www-authenticate')).toMatch(/insufficient_scope/);
			expect((await response.json()).error.errors[0].reason).toBe('insufficientPermissions');
		} finally {
			await c.close();
		}
	});

	test('drive.file sees only files this app created', async () => {
		const c = await startDriveClient([DRIVE_SCOPES.file]);
		try {
			const userFile = await c.fake.seedFile({ name: 'user.txt' });
			const mine = await c.sdk.files.create({
				requestBody: { name: 'mine.txt' },
				media: { body: 'm' },
				fields: 'id',
			});
			expect((await c.sdk.files.list({ fields: 'files(id)' })).data.files).toEqual([
				{ id: mine.data.id },
			]);
			expect(await failure(c.sdk.files.get({ fileId: userFile }))).toMatchObject({ status: 404 });
			expect(
				await failure(c.sdk.files.update({ fileId: userFile, requestBody: { name: 'x' } })),
			).toMatchObject({ status: 404 });
		} finally {
			await c.close();
		}
	});
});

describe('FakeDrive Google-native files (Docs Editors, shortcuts, forms)', () => {
	let c: DriveTestClient;
	beforeEach(async () => {
		c = await startDriveClient();
	});
	afterEach(async () => {
		await c.close();
	});
	const DOC = 'application/vnd.google-apps.document';
	const SHEET = 'application/vnd.google-apps.spreadsheet';
	const bytes = async (promise: Promise<{ data: unknown }>) =>
		Buffer.from((await promise).data as ArrayBuffer);

	test('a Doc has no blob: no md5, a size, alt=media is 403 fileNotDownloadable, files.export converts it', async () => {
		const id = await c.fake.seedFile({
			name: 'Minutes',
			mimeType: DOC,
			content: Buffer.from('hello'),
		});
		const meta = await c.sdk.files.get({
			fileId: id,
			fields: 'id,mimeType,md5Checksum,sha256Checksum,size,exportLinks',
		});
		expect(meta.data.md5Checksum).toBeUndefined();
		expect(meta.data.sha256Checksum).toBeUndefined();
		expect(meta.data.size).toBe('5');
		expect(Object.keys(meta.data.exportLinks!)).toContain('application/pdf');
		expect(
			await failure(c.sdk.files.get({ fileId: id, alt: 'media' }, { responseType: 'arraybuffer' })),
		).toMatchObject({
			status: 403,
			reason: 'fileNotDownloadable',
		});
		const pdf = await bytes(
			c.sdk.files.export(
				{ fileId: id, mimeType: 'application/pdf' },
				{ responseType: 'arraybuffer' },
			),
		);
		expect(pdf.toString()).toMatch(/^%PDF-1\.4\nMinutes \(v\d+\)\nhello\n%%EOF\n$/);
		const docx = await bytes(
			c.sdk.files.export(
				{
					fileId: id,
					mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
				},
				{ responseType: 'arraybuffer' },
			),
		);
		expect(docx.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
		expect(await failure(c.sdk.files.export({ fileId: id, mimeType: 'text/csv' }))).toMatchObject({
			status: 400,
			reason: 'badRequest',
		});
	});

	test('export over 10 MB is 403 exportSizeLimitExceeded; a blob file is 403 fileNotExportable; mimeType is required', async () => {
		const big = await c.fake.seedFile({
			name: 'Huge',
			mimeType: SHEET,
			generated: { size: 10 * 1024 * 1024 },
		});
		expect(
			await failure(c.sdk.files.export({ fileId: big, mimeType: 'application/pdf' })),
		).toMatchObject({
			status: 403,
			reason: 'exportSizeLimitExceeded',
		});
		const blob = await c.fake.seedFile({ name: 'a.pdf', content: Buffer.from('%PDF') });
		expect(
			await failure(c.sdk.files.export({ fileId: blob, mimeType: 'application/pdf' })),
		).toMatchObject({ status: 403, reason: 'fileNotExportable' });
		const response = await c.raw('GET', `/drive/v3/files/${blob}/export`);
		expect(response.status).toBe(400);
		expect((await response.json()).error.errors[0].reason).toBe('required');
	});

	test('a Doc edited by the user is a new version (same id, new modifiedTime) and exports the new text', async () => {
		const id = await c.fake.seedFile({ name: 'Notes', mimeType: DOC, content: Buffer.from('one') });
		const before = (await c.sdk.files.get({ fileId: id, fields: 'version,modifiedTime' })).data;
		await c.fake.userEdit(id, Buffer.from('two'), '2030-01-01T00:00:00.000Z');
		const after = (
			await c.sdk.files.get({ fileId: id, fields: 'version,modifiedTime,md5Checksum' })
		).data;
		expect(Number(after.version)).toBeGreaterThan(Number(before.version));
		expect(after.modifiedTime).toBe('2030-01-01T00:00:00.000Z');
		expect(after.md5Checksum).toBeUndefined();
		const text = await bytes(
			c.sdk.files.export({ fileId: id, mimeType: 'text/plain' }, { responseType: 'arraybuffer' }),
		);
		expect(text.toString()).toMatch(/two$/);
	});

	test('shortcuts carry shortcutDetails (seeded or created through the API), have no size, cannot be downloaded or exported', async () => {
		const target = await c.fake.seedFile({
			name: 'target.pdf',
			mimeType: 'application/pdf',
			content: Buffer.from('%PDF-x'),
		});
		const seeded = c.fake.seedShortcut({ name: 'link to target', targetId: target });
		const created = await c.sdk.files.create({
			requestBody: {
				name: 'api link',
				mimeType: 'application/vnd.google-apps.shortcut',
				shortcutDetails: { targetId: target },
			},
			fields: 'id',
		});
		for (const id of [seeded, created.data.id!]) {
			const meta = (
				await c.sdk.files.get({ fileId: id, fields: 'mimeType,shortcutDetails,size,md5Checksum' })
			).data;
			expect(meta).toEqual({
				mimeType: 'application/vnd.google-apps.shortcut',
				shortcutDetails: { targetId: target, targetMimeType: 'application/pdf' },
			});
			expect(await failure(c.sdk.files.get({ fileId: id, alt: 'media' }))).toMatchObject({
				status: 403,
				reason: 'fileNotDownloadable',
			});
			expect(
				await failure(c.sdk.files.export({ fileId: id, mimeType: 'application/pdf' })),
			).toMatchObject({ status: 403, reason: 'fileNotExportable' });
		}
	});

	test('forms, sites and maps: no blob, no export', async () => {
		const form = await c.fake.seedFile({
			name: 'Survey',
			mimeType: 'application/vnd.google-apps.form',
		});
		expect((await c.sdk.files.get({ fileId: form, fields: 'size,md5Checksum' })).data).toEqual({});
		expect(await failure(c.sdk.files.get({ fileId: form, alt: 'media' }))).toMatchObject({
			status: 403,
			reason: 'fileNotDownloadable',
		});
		expect(
			await failure(c.sdk.files.export({ fileId: form, mimeType: 'application/pdf' })),
		).toMatchObject({ status: 403, reason: 'fileNotExportable' });
	});
});

describe('FakeDrive: two items of one name in one folder, as Drive allows', () => {
	let c: DriveTestClient;
	beforeEach(async () => {
		c = await startDriveClient();
	});
	afterEach(async () => {
		await c.close();
	});

	// "Drive ... allows multiple files with the same name in the same folder": files and folders are identified by
	// ID, a name is only metadata (https://developers.google.com/drive/api/guides/about-files). Two creates of one
	// name both succeed, and a name query lists both, each with its own createdTime (what the export's twin rule
	// reads: nodes/shared/sync/exportTwins.ts).
	test('two creates of one folder name and of one file name both succeed; name = lists both with createdTime', async () => {
		const create = async (name: string, mimeType: string, parent: string) =>
			(
				await c.sdk.files.create({
					requestBody: { name, mimeType, parents: [parent] },
					fields: 'id,createdTime',
				})
			).data;
		const f1 = await create('Accounting', FOLDER_MIME, 'root');
		const f2 = await create('Accounting', FOLDER_MIME, 'root');
		expect(f1.id).not.toBe(f2.id);
		const q = (name: string, parent: string) =>
			`name = '${name}' and '${parent}' in parents and trashed = false`;
		const folders =
			(
				await c.sdk.files.list({
					q: `${q('Accounting', c.fake.rootId)} and mimeType = '${FOLDER_MIME}'`,
					fields: 'files(id,name,createdTime)',
				})
			).data.files ?? [];
		expect(folders.map((f) => f.id).sort()).toEqual([f1.id, f2.id].sort());
		for (const folder of folders) expect(Date.parse(folder.createdTime!)).not.toBeNaN();

		const a = await create('invoice.pdf', 'application/pdf', f1.id!);
		const b = await create('invoice.pdf', 'application/pdf', f1.id!);
		const files =
			(await c.sdk.files.list({ q: q('invoice.pdf', f1.id!), fields: 'files(id,createdTime)' }))
				.data.files ?? [];
		expect(files.map((f) => f.id).sort()).toEqual([a.id, b.id].sort());
		expect(files.every((f) => f.createdTime && Date.parse(f.createdTime) <= Date.now())).toBe(true);
		// Trashed twins drop out of the query (the twin rule only sees live items).
		await c.sdk.files.update({ fileId: b.id!, requestBody: { trashed: true } });
		expect(
			(
				(await c.sdk.files.list({ q: q('invoice.pdf', f1.id!), fields: 'files(id)' })).data.files ??
				[]
			).map((f) => f.id),
		).toEqual([a.id]);
	});
});
