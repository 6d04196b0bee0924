import { FakeAuth } from '../common/auth';
import { DRIVE_SCOPES, FakeDrive } from './fakeDrive';

/**
 * Deviations an independent client (rclone's Drive backend, issue 15) found between this fake and Google Drive,
 * each through plain HTTP as the client sends it. Every one of these failed on the fake before the fix.
 */
describe('FakeDrive answers as Drive does for what rclone sends', () => {
	let fake: FakeDrive;
	let token: string;
	beforeEach(async () => {
		const auth = new FakeAuth();
		fake = new FakeDrive(auth);
		await fake.start();
		token = auth.issue('google', [DRIVE_SCOPES.drive]).access_token;
	});
	afterEach(async () => fake.stop());

	const call = (
		method: string,
		path: string,
		init: { body?: string | Buffer; headers?: Record<string, string> } = {},
	) =>
		fetch(path.startsWith('http') ? path : `${fake.baseUrl}${path}`, {
			method,
			headers: { authorization: `Bearer ${token}`, ...init.headers },
			body: init.body,
		});

	it('takes resumable chunks sent with POST to the session URI, as with PUT', async () => {
		const data = Buffer.alloc(512 * 1024, 7);
		const start = await call('POST', '/upload/drive/v3/files?uploadType=resumable&fields=id', {
			headers: {
				'content-type': 'application/json; charset=UTF-8',
				'x-upload-content-length': String(data.length),
			},
			body: JSON.stringify({ name: 'big.bin' }),
		});
		expect(start.status).toBe(200);
		const session = start.headers.get('location')!;
		const first = await call('POST', session, {
			headers: { 'content-range': `bytes 0-${256 * 1024 - 1}/${data.length}` },
			body: data.subarray(0, 256 * 1024),
		});
		expect(first.status).toBe(308);
		const last = await call('POST', session, {
			headers: { 'content-range': `bytes ${256 * 1024}-${data.length - 1}/${data.length}` },
			body: data.subarray(256 * 1024),
		});
		expect(last.status).toBe(200);
		const { id } = (await last.json()) as { id: string };
		expect((await fake.readContent(id))!.equals(data)).toBe(true);
	});

	it('treats an empty fields= as no selection (the method default), as the Go client sends it on a trash PATCH', async () => {
		const id = await fake.seedFile({ name: 'doomed.txt', content: Buffer.from('x') });
		const response = await call(
			'PATCH',
			`/drive/v3/files/${id}?alt=json&fields=&prettyPrint=false&supportsAllDrives=true`,
			{
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ trashed: true }),
			},
		);
		expect(response.status).toBe(200);
		expect(await response.json()).toMatchObject({ id, kind: 'drive#file' });
		expect(fake.tree(id).trashed).toBe(true);
	});

	it('answers 501 naming the route for what it does not model (Drive v2, files.copy), not a generic 404', async () => {
		const id = await fake.seedFile({ name: 'a.txt', content: Buffer.from('a') });
		const v2 = await call('PATCH', `/drive/v2/files/${id}?setModifiedDate=true`, {
			headers: { 'content-type': 'application/json' },
			body: '{}',
		});
		expect(v2.status).toBe(501);
		expect(await v2.text()).toContain(`not modelled by this fake: PATCH /drive/v2/files/${id}`);
		const copy = await call('POST', `/drive/v3/files/${id}/copy`, {
			headers: { 'content-type': 'application/json' },
			body: '{}',
		});
		expect(copy.status).toBe(501);
		// emptyTrash (rclone cleanup) looks like files/{id}: a 404 "File not found: trash" would mislead.
		const emptyTrash = await call('DELETE', '/drive/v3/files/trash');
		expect(emptyTrash.status).toBe(501);
	});
});
