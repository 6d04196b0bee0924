import { FakeAuth } from '../common/auth';
import { FakeGraph } from './index';

/**
 * Deviations an independent client (rclone's OneDrive backend, issue 15) found between this fake and Microsoft
 * Graph, each through plain HTTP as the client sends it. Every one of these failed on the fake before the fix.
 */
describe('FakeGraph answers as Graph does for what rclone sends', () => {
	let fake: FakeGraph;
	let token: string;
	beforeEach(async () => {
		const auth = new FakeAuth();
		fake = new FakeGraph(auth);
		await fake.start();
		token = auth.issue('microsoft', ['Files.ReadWrite.All']).access_token;
	});
	afterEach(async () => fake.stop());

	const call = (method: string, path: string, body?: unknown) =>
		fetch(`${fake.baseUrl}/v1.0${path}`, {
			method,
			headers: {
				authorization: `Bearer ${token}`,
				...(body !== undefined ? { 'content-type': 'application/json' } : {}),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});

	it('creates a folder whose body carries @name.conflictBehavior (the OneDrive API annotation rclone sends)', async () => {
		const response = await call('POST', '/me/drive/root/children', {
			name: 'suite',
			folder: {},
			'@name.conflictBehavior': 'fail',
		});
		expect(response.status).toBe(201);
		const again = await call('POST', '/me/drive/root/children', {
			name: 'suite',
			folder: {},
			'@name.conflictBehavior': 'fail',
		});
		expect(again.status).toBe(409);
	});

	it('replaces an existing file when an upload session addresses its path without a conflict behaviour', async () => {
		const oldId = await fake.userCreateFile('docs/report.txt', Buffer.from('old'));
		const session = await call('POST', '/me/drive/root:/docs/report.txt:/createUploadSession', {
			item: {},
		});
		expect(session.status).toBe(200);
		const { uploadUrl } = (await session.json()) as { uploadUrl: string };
		const put = await fetch(uploadUrl, {
			method: 'PUT',
			headers: { 'content-range': 'bytes 0-2/3' },
			body: 'new',
		});
		expect(put.status).toBe(200);
		expect(((await put.json()) as { id: string }).id).toBe(oldId);
		expect((await fake.readFile('docs/report.txt'))!.toString()).toBe('new');
	});

	it('still refuses to overwrite when the session says fail', async () => {
		await fake.userCreateFile('docs/report.txt', Buffer.from('old'));
		const session = await call('POST', '/me/drive/root:/docs/report.txt:/createUploadSession', {
			item: { '@microsoft.graph.conflictBehavior': 'fail' },
		});
		const { uploadUrl } = (await session.json()) as { uploadUrl: string };
		const put = await fetch(uploadUrl, {
			method: 'PUT',
			headers: { 'content-range': 'bytes 0-2/3' },
			body: 'new',
		});
		expect(put.status).toBe(409);
		expect((await fake.readFile('docs/report.txt'))!.toString()).toBe('old');
	});

	it('stores the fileSystemInfo of an upload session, a PATCH and a new folder, and returns it', async () => {
		const taken = {
			createdDateTime: '2019-03-01T09:00:00Z',
			lastModifiedDateTime: '2019-03-02T10:30:00Z',
		};
		const session = await call('POST', '/me/drive/root:/photo.jpg:/createUploadSession', {
			item: { fileSystemInfo: taken },
		});
		const { uploadUrl } = (await session.json()) as { uploadUrl: string };
		const put = await fetch(uploadUrl, {
			method: 'PUT',
			headers: { 'content-range': 'bytes 0-1/2' },
			body: 'hi',
		});
		const item = (await put.json()) as {
			id: string;
			fileSystemInfo: typeof taken;
			lastModifiedDateTime: string;
		};
		expect(item.fileSystemInfo).toEqual(taken);
		expect(item.lastModifiedDateTime).not.toBe(taken.lastModifiedDateTime);

		const later = { lastModifiedDateTime: '2020-01-01T00:00:00Z' };
		const patched = (await (
			await call('PATCH', `/me/drive/items/${item.id}`, { fileSystemInfo: later })
		).json()) as { fileSystemInfo: typeof taken };
		expect(patched.fileSystemInfo).toEqual({
			createdDateTime: taken.createdDateTime,
			lastModifiedDateTime: later.lastModifiedDateTime,
		});
		const read = (await (await call('GET', `/me/drive/items/${item.id}`)).json()) as {
			fileSystemInfo: typeof taken;
		};
		expect(read.fileSystemInfo).toEqual(patched.fileSystemInfo);

		const folder = (await (
			await call('POST', '/me/drive/root/children', {
				name: 'old',
				folder: {},
				fileSystemInfo: taken,
			})
		).json()) as { fileSystemInfo: typeof taken };
		expect(folder.fileSystemInfo).toEqual(taken);
	});

	it('refuses a fileSystemInfo that is not a pair of dates', async () => {
		const response = await call('POST', '/me/drive/root/children', {
			name: 'x',
			folder: {},
			fileSystemInfo: { lastModifiedDateTime: 'yesterday' },
		});
		expect(response.status).toBe(400);
	});

	it('answers 501 naming the route for what it does not model (server-side copy), not a generic error', async () => {
		const id = await fake.userCreateFile('a.txt', Buffer.from('a'));
		const response = await call('POST', `/me/drive/items/${id}/copy`, { name: 'b.txt' });
		expect(response.status).toBe(501);
		expect(JSON.stringify(await response.json())).toContain(
			`not modelled by this fake: POST /v1.0/me/drive/items/${id}/copy`,
		);
	});
});

/**
 * Item ids of the shapes Graph mints (see GraphDrive.newId for the sources): what a client stores per file, so the
 * project's state is measured on them (issue 17).
 */
describe('FakeGraph mints item ids as Graph does', () => {
	const ids = async (driveType: 'personal' | 'business') => {
		const auth = new FakeAuth();
		const fake = new FakeGraph(auth, { driveType });
		await fake.start();
		try {
			const token = auth.issue('microsoft', ['Files.ReadWrite.All']).access_token;
			const root = await fetch(`${fake.baseUrl}/v1.0/me/drive/root`, {
				headers: { authorization: `Bearer ${token}` },
			});
			const files = [
				await fake.userCreateFile('a/one.txt', Buffer.from('1')),
				await fake.userCreateFile('a/two.txt', Buffer.from('2')),
			];
			return { root: ((await root.json()) as { id: string }).id, files };
		} finally {
			await fake.stop();
		}
	};

	it('personal, on the current backend: the drive id, "!s" and a GUID in hex; the root "!sea8cc6beffdb43d7976fbc7da445c639"', async () => {
		const { root, files } = await ids('personal');
		expect(root).toMatch(/^[0-9A-F]{16}!sea8cc6beffdb43d7976fbc7da445c639$/);
		const drive = root.slice(0, 16);
		for (const id of files) expect(id).toMatch(new RegExp(`^${drive}!s[0-9a-f]{32}$`));
	});

	it('business: "01" and 32 base32 characters, the first 8 the same for every item of the drive', async () => {
		const { root, files } = await ids('business');
		for (const id of [root, ...files]) {
			expect(id).toMatch(/^01[A-Z2-7]{32}$/);
			expect(id.slice(0, 8)).toBe(root.slice(0, 8));
		}
	});
});
