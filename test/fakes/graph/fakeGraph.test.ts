import type { Client, GraphError } from '@microsoft/microsoft-graph-client';
import { randomBytes } from 'crypto';
import { quickXorHash } from '../common/quickXorHash';
import { FakeAuth } from '../common/auth';
import { FakeGraph, FRAGMENT_UNIT } from './index';
import { sdkClient } from './sdkClient';

const WRITE = ['Files.ReadWrite', 'offline_access'];

interface Setup {
	fake: FakeGraph;
	client: Client;
	auth: FakeAuth;
	token: { value: string };
}

async function start(
	driveType: 'personal' | 'business' = 'personal',
	scopes = WRITE,
): Promise<Setup> {
	const auth = new FakeAuth();
	const fake = new FakeGraph(auth, { driveType });
	await fake.start();
	const token = { value: auth.issue('microsoft', scopes).access_token };
	return { fake, auth, token, client: sdkClient(fake.baseUrl, () => token.value) };
}

async function graphError(promise: Promise<unknown>): Promise<GraphError> {
	try {
		await promise;
	} catch (error) {
		return error as GraphError;
	}
	throw new Error('expected a GraphError');
}

describe('FakeGraph through the real Graph SDK', () => {
	let setup: Setup;
	afterEach(async () => setup?.fake.stop());

	it('addresses items by path, by id, relative to an item and through /drives/{id}', async () => {
		setup = await start();
		const { client, fake } = setup;
		const folder = await client
			.api('/me/drive/root/children')
			.post({ name: 'Reports 2024', folder: {} });
		const uploaded = await client
			.api(
				`/me/drive/root:/${encodeURIComponent('Reports 2024')}/${encodeURIComponent('a b#c.txt')}:/content`,
			)
			.header('Content-Type', 'text/plain')
			.put(Buffer.from('hello world'));
		expect(uploaded.parentReference.id).toBe(folder.id);
		const byPath = await client.api(`/me/drive/root:/Reports%202024/a%20b%23c.txt:`).get();
		const byId = await client.api(`/drives/${fake.drive.id}/items/${uploaded.id}`).get();
		const relative = await client.api(`/me/drive/items/${folder.id}:/a%20b%23c.txt:`).get();
		expect([byPath.id, byId.id, relative.id]).toEqual([uploaded.id, uploaded.id, uploaded.id]);
		expect(byId.parentReference.path).toBe(`/drives/${fake.drive.id}/root:/Reports 2024`);
		expect(byPath.parentReference.path).toBe('/drive/root:/Reports 2024');
		const children = await client.api(`/me/drive/root:/Reports%202024:/children`).get();
		expect(children.value.map((item: { name: string }) => item.name)).toEqual(['a b#c.txt']);
		// Names are case-insensitive.
		expect((await client.api('/me/drive/root:/reports 2024/A B%23C.TXT:').get()).id).toBe(
			uploaded.id,
		);
		const missing = await graphError(client.api('/me/drive/root:/nope.txt:').get());
		expect([missing.statusCode, missing.code]).toEqual([404, 'itemNotFound']);
	});

	it('pages past names the collation holds equal (composed and decomposed) without skipping either', async () => {
		// Export model soak seed 9308: a page ending at one "Reçu.pdf" skipped the other (a skip token of the name
		// alone), so a listing lost a file. Graph's skip tokens are opaque and skip nothing.
		setup = await start();
		const { client, fake } = setup;
		const composed = 'Re\u00e7u.pdf';
		const decomposed = 'Rec\u0327u.pdf';
		for (const name of ['a.pdf', composed, decomposed, 'z.pdf'])
			await fake.userCreateFile(`same/${name}`, Buffer.from(name));
		for (const top of [1, 2, 3]) {
			let page = await client.api('/me/drive/root:/same:/children').top(top).get();
			const names: string[] = [];
			for (;;) {
				names.push(...page.value.map((item: { name: string }) => item.name));
				if (!page['@odata.nextLink']) break;
				page = await client.api(page['@odata.nextLink']).get();
			}
			expect(names).toEqual(['a.pdf', composed, decomposed, 'z.pdf']);
		}
	});

	it('pages children with $top/$select and absolute https nextLinks the SDK can follow', async () => {
		setup = await start();
		const { client, fake } = setup;
		for (const name of ['e', 'a', 'c', 'b', 'd'])
			await fake.userCreateFile(`list/${name}.txt`, Buffer.from(name));
		let page = await client
			.api('/me/drive/root:/list:/children')
			.top(2)
			.select(['id', 'name'])
			.get();
		const names: string[] = [];
		let pages = 0;
		for (;;) {
			pages++;
			for (const item of page.value) {
				expect(Object.keys(item).sort()).toEqual(['id', 'name']);
				names.push(item.name);
			}
			const next = page['@odata.nextLink'];
			if (!next) break;
			expect(next).toMatch(
				/^https:\/\/graph\.microsoft\.com\/v1\.0\/me\/drive\/items\/.+\/children\?/,
			);
			page = await client.api(next).get();
		}
		expect(names).toEqual(['a.txt', 'b.txt', 'c.txt', 'd.txt', 'e.txt']);
		expect(pages).toBe(3);
		const badSelect = await graphError(
			client.api('/me/drive/root/children').select('nonsense').get(),
		);
		expect([badSelect.statusCode, badSelect.code]).toEqual([400, 'invalidRequest']);
		const unknown = await graphError(
			client.api('/me/drive/root/children').query({ foo: 'bar' }).get(),
		);
		expect([unknown.statusCode, unknown.code]).toEqual([400, 'invalidRequest']);
	});

	it('creates folders with 201 and honours conflictBehavior fail/rename/replace', async () => {
		setup = await start();
		const { client } = setup;
		const first = await client.api('/me/drive/root/children').post({ name: 'Inbox', folder: {} });
		const clash = await graphError(
			client.api('/me/drive/root/children').post({ name: 'inbox', folder: {} }),
		);
		expect([clash.statusCode, clash.code]).toEqual([409, 'nameAlreadyExists']);
		const renamed = await client
			.api('/me/drive/root/children')
			.post({ name: 'Inbox', folder: {}, '@microsoft.graph.conflictBehavior': 'rename' });
		expect(renamed.name).toBe('Inbox 1');
		const replaced = await client
			.api('/me/drive/root/children')
			.post({ name: 'Inbox', folder: {}, '@microsoft.graph.conflictBehavior': 'replace' });
		expect(replaced.id).not.toBe(first.id);
		expect((await graphError(client.api(`/me/drive/items/${first.id}`).get())).statusCode).toBe(
			404,
		);
		const malformed = await graphError(
			client.api('/me/drive/root/children').post({ name: 'x', folder: {}, bogus: 1 }),
		);
		expect([malformed.statusCode, malformed.code]).toEqual([400, 'invalidRequest']);
		const noFacet = await graphError(client.api('/me/drive/root/children').post({ name: 'x' }));
		expect(noFacet.statusCode).toBe(400);
	});

	it('simple PUT replaces by default (same id), fails or renames on request, and stops at the size limit', async () => {
		setup = await start();
		const { client, fake } = setup;
		const put = (query = '', body = Buffer.from('v1')) =>
			client
				.api(`/me/drive/root:/doc.txt:/content${query}`)
				.header('Content-Type', 'text/plain')
				.put(body);
		const created = await put();
		const replaced = await put('', Buffer.from('version two'));
		expect(replaced.id).toBe(created.id);
		expect(replaced.size).toBe(11);
		expect(replaced.file.hashes.quickXorHash).toBe(quickXorHash(Buffer.from('version two')));
		const failed = await graphError(put('?@microsoft.graph.conflictBehavior=fail'));
		expect([failed.statusCode, failed.code]).toEqual([409, 'nameAlreadyExists']);
		const renamed = await put('?@microsoft.graph.conflictBehavior=rename');
		expect(renamed.name).toBe('doc 1.txt');
		fake.simpleUploadLimit = 1000;
		const tooLarge = await graphError(put('', Buffer.alloc(1001)));
		expect(tooLarge.statusCode).toBe(413);
	});

	it('runs upload sessions: 320 KiB alignment, sequential fragments, 202 ranges, status, overlap, commit', async () => {
		setup = await start();
		const { client, fake } = setup;
		const data = randomBytes(FRAGMENT_UNIT * 3 + 1234);
		const session = await client
			.api('/me/drive/root:/big/file.bin:/createUploadSession')
			.post({ item: { '@microsoft.graph.conflictBehavior': 'rename' } });
		expect(session.uploadUrl.startsWith(`${fake.baseUrl}/_upload/`)).toBe(true);
		expect(session.nextExpectedRanges).toEqual(['0-']);
		const put = (start: number, end: number, total = data.length) =>
			fetch(session.uploadUrl, {
				method: 'PUT',
				headers: { 'Content-Range': `bytes ${start}-${end}/${total}` },
				body: data.subarray(start, end + 1),
			});
		expect((await put(0, 1000)).status).toBe(400); // not a multiple of 320 KiB
		const first = await put(0, FRAGMENT_UNIT * 2 - 1);
		expect(first.status).toBe(202);
		expect((await first.json()).nextExpectedRanges).toEqual([`${FRAGMENT_UNIT * 2}-`]);
		const overlap = await put(FRAGMENT_UNIT, FRAGMENT_UNIT * 2 - 1);
		expect(overlap.status).toBe(416);
		expect((await overlap.json()).error.code).toBe('invalidRange');
		expect((await put(FRAGMENT_UNIT * 3, data.length - 1)).status).toBe(416); // a gap is not sequential
		expect((await put(FRAGMENT_UNIT * 2, FRAGMENT_UNIT * 3 - 1, data.length + 1)).status).toBe(400); // total changed
		const status = await (await fetch(session.uploadUrl)).json();
		expect(status.nextExpectedRanges).toEqual([`${FRAGMENT_UNIT * 2}-`]);
		// Pre-authenticated: none of the fragment requests carried a bearer, and none was refused for it.
		expect(await put(FRAGMENT_UNIT * 2, FRAGMENT_UNIT * 3 - 1).then((r) => r.status)).toBe(202);
		const done = await put(FRAGMENT_UNIT * 3, data.length - 1);
		expect(done.status).toBe(201);
		const item = await done.json();
		expect(item.size).toBe(data.length);
		expect(item.file.hashes.quickXorHash).toBe(quickXorHash(data));
		expect(item.file.hashes.sha1Hash).toMatch(/^[0-9A-F]{40}$/);
		expect((await fake.readFile('big/file.bin'))!.equals(data)).toBe(true);
		expect((await fetch(session.uploadUrl)).status).toBe(404); // finished sessions are gone
	});

	it('cancels, expires, conflicts at commit and refuses sessions over quota', async () => {
		setup = await start();
		const { client, fake } = setup;
		const open = (name: string, behavior = 'fail') =>
			client
				.api(`/me/drive/root:/${name}:/createUploadSession`)
				.post({ item: { '@microsoft.graph.conflictBehavior': behavior } });
		const cancelled = await open('a.bin');
		expect((await fetch(cancelled.uploadUrl, { method: 'DELETE' })).status).toBe(204);
		expect((await fetch(cancelled.uploadUrl)).status).toBe(404);
		const expiring = await open('b.bin');
		fake.expireUploadSessions();
		const expired = await fetch(expiring.uploadUrl);
		expect([expired.status, (await expired.json()).error.code]).toEqual([404, 'itemNotFound']);
		const conflicting = await open('c.bin');
		await fake.userCreateFile('c.bin', Buffer.from('already here'));
		const commit = await fetch(conflicting.uploadUrl, {
			method: 'PUT',
			headers: { 'Content-Range': 'bytes 0-2/3' },
			body: 'abc',
		});
		expect([commit.status, (await commit.json()).error.code]).toEqual([409, 'nameAlreadyExists']);
		fake.setQuota({ total: 10_000 });
		const overQuota = await graphError(
			client.api('/me/drive/root:/d.bin:/createUploadSession').post({ item: { fileSize: 20_000 } }),
		);
		expect([overQuota.statusCode, overQuota.code]).toEqual([507, 'quotaLimitReached']);
		const late = await open('e.bin');
		const fragment = await fetch(late.uploadUrl, {
			method: 'PUT',
			headers: { 'Content-Range': `bytes 0-${FRAGMENT_UNIT - 1}/${FRAGMENT_UNIT}` },
			body: Buffer.alloc(FRAGMENT_UNIT),
		});
		expect(fragment.status).toBe(507);
	});

	it('keeps whole 320 KiB units of a fragment cut mid-way and reports them in nextExpectedRanges', async () => {
		setup = await start();
		const { client, fake } = setup;
		const data = randomBytes(FRAGMENT_UNIT * 4);
		const session = await client.api('/me/drive/root:/cut.bin:/createUploadSession').post({});
		fake.cutNextUploadFragment(FRAGMENT_UNIT * 2 + 5000);
		await expect(
			fetch(session.uploadUrl, {
				method: 'PUT',
				headers: { 'Content-Range': `bytes 0-${data.length - 1}/${data.length}` },
				body: data,
			}),
		).rejects.toThrow();
		const status = await (await fetch(session.uploadUrl)).json();
		expect(status.nextExpectedRanges).toEqual([`${FRAGMENT_UNIT * 2}-`]);
		const rest = await fetch(session.uploadUrl, {
			method: 'PUT',
			headers: { 'Content-Range': `bytes ${FRAGMENT_UNIT * 2}-${data.length - 1}/${data.length}` },
			body: data.subarray(FRAGMENT_UNIT * 2),
		});
		expect(rest.status).toBe(201);
		expect((await fake.readFile('cut.bin'))!.equals(data)).toBe(true);
		expect(fake.content.isOnDisk(fake.blobOf('cut.bin')!)).toBe(true); // over 1 MiB: not in the heap
	});

	it('downloads through a 302 to a pre-authenticated URL (no bearer) that supports Range', async () => {
		setup = await start();
		const { client, fake } = setup;
		const data = randomBytes(5000);
		const id = await fake.userCreateFile('dl.bin', data);
		const mark = fake.mark();
		const body = await client.api(`/me/drive/items/${id}/content`).getStream();
		const chunks: Buffer[] = [];
		for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
		expect(Buffer.concat(chunks).equals(data)).toBe(true);
		const log = fake.requests({ since: mark });
		expect(log.map((entry) => [entry.path.split('/')[1], entry.status])).toEqual([
			['v1.0', 302],
			['_download', 200],
		]);
		const redirect = await fetch(`${fake.baseUrl}/v1.0/me/drive/items/${id}/content`, {
			redirect: 'manual',
			headers: { authorization: `Bearer ${setup.token.value}` },
		});
		expect(redirect.status).toBe(302);
		const partial = await fetch(redirect.headers.get('location')!, {
			headers: { range: 'bytes=1000-1999' },
		});
		expect(partial.status).toBe(206);
		expect(partial.headers.get('content-range')).toBe('bytes 1000-1999/5000');
		expect(Buffer.from(await partial.arrayBuffer()).equals(data.subarray(1000, 2000))).toBe(true);
		const beyond = await fetch(redirect.headers.get('location')!, {
			headers: { range: 'bytes=6000-' },
		});
		expect(beyond.status).toBe(416);
	});

	it('deletes to the recycle bin (204, then 404) and guards PATCH and DELETE with If-Match (412)', async () => {
		setup = await start();
		const { client, fake } = setup;
		const id = await fake.userCreateFile('a/x.txt', Buffer.from('x'));
		const target = fake.userCreateFolder('b');
		const item = await client.api(`/me/drive/items/${id}`).get();
		const stale = await graphError(
			client.api(`/me/drive/items/${id}`).header('If-Match', '"{nope},1"').patch({ name: 'y.txt' }),
		);
		expect([stale.statusCode, stale.code]).toEqual([412, 'resourceModified']);
		const moved = await client
			.api(`/me/drive/items/${id}`)
			.header('If-Match', item.eTag)
			.patch({ name: 'y.txt', parentReference: { id: target } });
		expect([moved.id, moved.name, moved.parentReference.path]).toEqual([
			id,
			'y.txt',
			'/drive/root:/b',
		]);
		const staleDelete = await graphError(
			client.api(`/me/drive/items/${id}`).header('If-Match', item.eTag).delete(),
		);
		expect(staleDelete.statusCode).toBe(412);
		await client.api(`/me/drive/items/${id}`).delete();
		const gone = await graphError(client.api(`/me/drive/items/${id}`).get());
		expect([gone.statusCode, gone.code]).toEqual([404, 'itemNotFound']);
	});

	it('a folder restored from the recycle bin comes back with the files deleted with it (same ids, each in delta), not with one deleted before', async () => {
		setup = await start();
		const { client, fake } = setup;
		const a = await fake.userCreateFile('Client/a.txt', Buffer.from('a'));
		await fake.userCreateFile('Client/b.txt', Buffer.from('b'));
		const folderId = fake.item('Client')!.id;
		fake.userDelete('Client/b.txt');
		fake.userDelete('Client');
		const latest = await client.api('/me/drive/root/delta').query({ token: 'latest' }).get();
		fake.userRestore(folderId);
		const changes = await client.api(latest['@odata.deltaLink']).get();
		expect(
			changes.value
				.filter((item: any) => item.id !== fake.drive.rootId)
				.map((item: any) => item.name)
				.sort(),
		).toEqual(['Client', 'a.txt']);
		expect(fake.item('Client/a.txt')!.id).toBe(a);
		expect(fake.item('Client/b.txt')).toBeUndefined();
	});

	it('delta: full enumeration in pages, token=latest, latest state once, deleted facet, no paths, 410 resync', async () => {
		setup = await start();
		const { client, fake } = setup;
		for (let i = 0; i < 5; i++) await fake.userCreateFile(`d/f${i}.txt`, Buffer.from(`${i}`));
		let page = await client.api('/me/drive/root/delta').top(3).get();
		const seen = new Map<string, any>();
		let pages = 0;
		while (page['@odata.nextLink']) {
			pages++;
			expect(page['@odata.nextLink']).toMatch(
				/^https:\/\/graph\.microsoft\.com\/v1\.0\/me\/drive\/root\/delta\?token=/,
			);
			for (const item of page.value) seen.set(item.id, item);
			page = await client.api(page['@odata.nextLink']).get();
		}
		for (const item of page.value) seen.set(item.id, item);
		expect(pages).toBeGreaterThanOrEqual(2);
		expect(seen.size).toBe(7); // root, d, five files
		for (const item of seen.values()) expect(item.parentReference.path).toBeUndefined();
		const deltaLink: string = page['@odata.deltaLink'];
		expect(deltaLink).toMatch(
			/^https:\/\/graph\.microsoft\.com\/v1\.0\/me\/drive\/root\/delta\?token=/,
		);

		const latest = await client.api('/me/drive/root/delta').query({ token: 'latest' }).get();
		expect(latest.value).toEqual([]);
		fake.userRename('d/f1.txt', 'renamed-once.txt');
		fake.userRename('d/renamed-once.txt', 'renamed-twice.txt');
		fake.userDelete('d/f2.txt');
		const changes = await client.api(latest['@odata.deltaLink']).get();
		const byName = changes.value.filter((item: any) => !item.folder);
		expect(byName.map((item: any) => item.name ?? null).sort()).toEqual([
			'f2.txt',
			'renamed-twice.txt',
		]);
		const deleted = changes.value.find((item: any) => item.deleted);
		expect(deleted.size).toBeUndefined(); // personal omits size on deleted items
		expect(deleted.cTag).toBeUndefined();

		fake.invalidateDeltaTokens();
		const resync = await graphError(client.api(deltaLink).get());
		expect([resync.statusCode, resync.code]).toEqual([410, 'resyncRequired']);
		expect(resync.headers?.get('location')).toBe(
			'https://graph.microsoft.com/v1.0/me/drive/root/delta',
		);
	});

	it('business drives: no cTag on folders, no name on deleted items, no sha1, delta on root only', async () => {
		setup = await start('business');
		const { client, fake } = setup;
		const folderId = fake.userCreateFolder('docs');
		await fake.userCreateFile('docs/a.txt', Buffer.from('a'));
		const drive = await client.api('/me/drive').get();
		expect(drive.driveType).toBe('business');
		const folder = await client.api(`/me/drive/items/${folderId}`).get();
		expect(folder.cTag).toBeUndefined();
		const file = await client.api('/me/drive/root:/docs/a.txt:').get();
		expect(file.file.hashes.sha1Hash).toBeUndefined();
		expect(file.file.hashes.quickXorHash).toBe(quickXorHash(Buffer.from('a')));
		const latest = await client.api('/me/drive/root/delta?token=latest').get();
		fake.userDelete('docs/a.txt');
		const changes = await client.api(latest['@odata.deltaLink']).get();
		const deleted = changes.value.find((item: any) => item.deleted);
		expect(deleted.id).toBe(file.id);
		expect(deleted.name).toBeUndefined();
		const folderDelta = await graphError(client.api(`/me/drive/items/${folderId}/delta`).get());
		expect(folderDelta.statusCode).toBe(400);
	});

	it('folder-scoped delta on personal reports a move out of the folder as deleted', async () => {
		setup = await start();
		const { client, fake } = setup;
		const watched = fake.userCreateFolder('watched');
		fake.userCreateFolder('elsewhere');
		const id = await fake.userCreateFile('watched/a.txt', Buffer.from('a'));
		await fake.userCreateFile('elsewhere/noise.txt', Buffer.from('n'));
		const initial = await client.api(`/me/drive/items/${watched}/delta`).get();
		expect(initial.value.map((item: any) => item.name).sort()).toEqual(['a.txt', 'watched']);
		fake.userMove('watched/a.txt', 'elsewhere');
		const changes = await client.api(initial['@odata.deltaLink']).get();
		const entry = changes.value.find((item: any) => item.id === id);
		expect(entry.deleted).toEqual({ state: 'deleted' });
	});

	it('answers 401 InvalidAuthenticationToken with WWW-Authenticate, 403 for read-only scopes, 429 with Retry-After', async () => {
		setup = await start('personal', ['Files.Read']);
		const { client, fake, auth } = setup;
		await fake.userCreateFile('r.txt', Buffer.from('r'));
		expect((await client.api('/me/drive/root:/r.txt:').get()).name).toBe('r.txt');
		const denied = await graphError(
			client.api('/me/drive/root/children').post({ name: 'x', folder: {} }),
		);
		expect([denied.statusCode, denied.code]).toEqual([403, 'accessDenied']);
		auth.expireAccessTokens();
		const expired = await graphError(client.api('/me/drive/root').get());
		expect([expired.statusCode, expired.code]).toEqual([401, 'InvalidAuthenticationToken']);
		expect(expired.headers?.get('www-authenticate')).toMatch(/^Bearer /);
		setup.token.value = auth.issue('microsoft', ['Files.Read']).access_token;
		fake.throttle(1, 0);
		const mark = fake.mark();
		expect((await client.api('/me/drive/root').get()).root).toEqual({});
		const log = fake.requests({ since: mark });
		expect(log.map((entry) => entry.status)).toEqual([429, 200]); // the SDK's RetryHandler honoured Retry-After
		fake.throttle(1, 0);
		const raw = await fetch(`${fake.baseUrl}/v1.0/me/drive/root`, {
			headers: { authorization: `Bearer ${setup.token.value}` },
		});
		expect([raw.status, raw.headers.get('retry-after'), (await raw.json()).error.code]).toEqual([
			429,
			'0',
			'activityLimitReached',
		]);
	});

	it('answers 507 quotaLimitReached on a simple upload over quota and serves the tree over the control API', async () => {
		setup = await start();
		const { client, fake } = setup;
		await fake.userCreateFile('x/keep.txt', Buffer.from('keep'));
		fake.setQuota({ total: 100 });
		const full = await graphError(
			client
				.api('/me/drive/root:/big.txt:/content')
				.header('Content-Type', 'text/plain')
				.put(Buffer.alloc(200)),
		);
		expect([full.statusCode, full.code]).toEqual([507, 'quotaLimitReached']);
		const tree = await (await fetch(`${fake.baseUrl}/_control/tree`, { method: 'POST' })).json();
		expect(tree.children.map((child: any) => child.name)).toEqual(['x']);
		const created = await (
			await fetch(`${fake.baseUrl}/_control/create-file`, {
				method: 'POST',
				body: JSON.stringify({ path: 'x/y.txt', text: 'yy' }),
			})
		).json();
		expect(fake.item({ id: created.id })?.name).toBe('y.txt');
	});
});
