import type { Client, GraphError } from '@microsoft/microsoft-graph-client';
import { FakeAuth } from '../common/auth';
import { FakeGraph } from './index';
import { sdkClient } from './sdkClient';

/** The fake's SharePoint side (sites.ts), through the real Graph SDK as the provider speaks to it. */

interface Setup {
	fake: FakeGraph;
	auth: FakeAuth;
	client(scopes: string[]): Client;
}

async function start(): Promise<Setup> {
	const auth = new FakeAuth();
	const fake = new FakeGraph(auth);
	await fake.start();
	return {
		fake,
		auth,
		client(scopes) {
			const token = auth.issue('microsoft', scopes).access_token;
			return sdkClient(fake.baseUrl, () => token);
		},
	};
}

async function graphError(promise: Promise<unknown>): Promise<GraphError> {
	try {
		await promise;
	} catch (error) {
		return error as GraphError;
	}
	throw new Error('expected a GraphError');
}

const ALL_SITES = ['Sites.ReadWrite.All', 'offline_access'];

describe('FakeGraph: SharePoint sites and document libraries', () => {
	let setup: Setup;
	afterEach(async () => setup?.fake.stop());

	it('finds a site by search, by server-relative path and by id, with its default and other libraries', async () => {
		setup = await start();
		const { fake } = setup;
		const finance = fake.addSite('/sites/Finance', { displayName: 'Finance Team' });
		fake.addSite('/sites/News', { displayName: 'Company News', template: 'communication' });
		const receipts = fake.addLibrary(finance, 'Receipts');
		const client = setup.client(ALL_SITES);

		const found = await client.api('/sites?search=finance').get();
		expect(found.value.map((site: { id: string }) => site.id)).toEqual([finance.id]);
		expect((await client.api('/sites?search=*').get()).value).toHaveLength(2);

		const byPath = await client.api('/sites/contoso.sharepoint.com:/sites/Finance').get();
		expect(byPath).toMatchObject({
			id: finance.id,
			displayName: 'Finance Team',
			webUrl: 'https://contoso.sharepoint.com/sites/Finance',
		});
		const byId = await client.api(`/sites/${encodeURIComponent(finance.id)}`).get();
		expect(byId.id).toBe(finance.id);

		const drives = await client
			.api(`/sites/${encodeURIComponent(finance.id)}/drives`)
			.select('id,name,driveType,webUrl')
			.get();
		expect(drives.value).toEqual([
			{
				id: finance.libraries[0].id,
				name: 'Documents',
				driveType: 'documentLibrary',
				webUrl: 'https://contoso.sharepoint.com/sites/Finance/Shared%20Documents',
			},
			{
				id: receipts.id,
				name: 'Receipts',
				driveType: 'documentLibrary',
				webUrl: 'https://contoso.sharepoint.com/sites/Finance/Receipts',
			},
		]);
		const byPathDrives = await client
			.api('/sites/contoso.sharepoint.com:/sites/Finance:/drives')
			.get();
		expect(byPathDrives.value).toHaveLength(2);
		const defaultDrive = await client.api(`/sites/${encodeURIComponent(finance.id)}/drive`).get();
		expect(defaultDrive.name).toBe('Documents');

		const missing = await graphError(client.api('/sites/contoso.sharepoint.com:/sites/Nope').get());
		expect(missing.statusCode).toBe(404);
	});

	it("serves a library's items at /drives/{id} with library paths, and delta only at the library's root", async () => {
		setup = await start();
		const { fake } = setup;
		const site = fake.addSite('/sites/Finance');
		const receipts = fake.addLibrary(site, 'Receipts');
		const client = setup.client(ALL_SITES);
		const base = `/drives/${encodeURIComponent(receipts.id)}`;

		const folder = await client.api(`${base}/root/children`).post({ name: '2024', folder: {} });
		const file = await client.api(`${base}/root:/2024/r.pdf:/content`).put(Buffer.from('pdf'));
		expect(file.webUrl).toBe('https://contoso.sharepoint.com/sites/Finance/Receipts/2024/r.pdf');
		expect(file.parentReference).toMatchObject({
			id: folder.id,
			driveId: receipts.id,
			driveType: 'documentLibrary',
			path: `${base}/root:/2024`,
		});

		const delta = await client.api(`${base}/root/delta`).get();
		expect(delta.value.map((item: { name: string }) => item.name)).toEqual(
			expect.arrayContaining(['2024', 'r.pdf']),
		);
		// learn.microsoft.com/graph/api/driveitem-delta: not on other folders outside OneDrive personal.
		const refused = await graphError(client.api(`${base}/items/${folder.id}/delta`).get());
		expect(refused.statusCode).toBe(400);
		// The library is its own drive: nothing of it shows in the user's OneDrive.
		expect((await client.api('/me/drive/root/children').get()).value).toEqual([]);
	});

	it("refuses SharePoint's forbidden names and paths past 400 characters (the site's and library's part included)", async () => {
		setup = await start();
		const { fake } = setup;
		const site = fake.addSite('/sites/Finance');
		const receipts = fake.addLibrary(site, 'Receipts');
		const client = setup.client(ALL_SITES);
		const base = `/drives/${encodeURIComponent(receipts.id)}`;
		for (const name of ['CON', 'desktop.ini', '.lock', '~$draft.docx', 'a_vti_b', 'COM0']) {
			const error = await graphError(
				client.api(`${base}/root:/${encodeURIComponent(name)}:/content`).put(Buffer.from('x')),
			);
			expect([name, error.statusCode]).toEqual([name, 400]);
		}
		// "forms" only at the library's root.
		expect(
			(await graphError(client.api(`${base}/root/children`).post({ name: 'Forms', folder: {} })))
				.statusCode,
		).toBe(400);
		await client.api(`${base}/root:/2024/forms:/content`).put(Buffer.from('ok'));

		// "/sites/Finance/Receipts" is 23 characters: a 378-character name fits, 379 does not.
		const fits = 'a'.repeat(400 - '/sites/Finance/Receipts/'.length);
		await client.api(`${base}/root:/${fits}:/content`).put(Buffer.from('ok'));
		const tooLong = await graphError(
			client.api(`${base}/root:/${fits}b:/content`).put(Buffer.from('x')),
		);
		expect(tooLong.statusCode).toBe(400);
		// The same names are fine in a personal OneDrive (its own rules: the fake's validateName).
		await setup
			.client(['Files.ReadWrite'])
			.api('/me/drive/root:/desktop.ini:/content')
			.put(Buffer.from('x'));
	});

	it('scopes: Files.ReadWrite reaches only the own drive; Sites.Selected only granted sites, and cannot search', async () => {
		setup = await start();
		const { fake } = setup;
		const granted = fake.addSite('/sites/Finance');
		const other = fake.addSite('/sites/HR');
		granted.selectedGrant = 'write';
		const grantedLibrary = `/drives/${encodeURIComponent(granted.libraries[0].id)}`;
		const otherLibrary = `/drives/${encodeURIComponent(other.libraries[0].id)}`;

		const own = setup.client(['Files.ReadWrite', 'offline_access']);
		expect((await graphError(own.api(`${grantedLibrary}/root/children`).get())).statusCode).toBe(
			403,
		);
		expect((await graphError(own.api('/sites?search=*').get())).statusCode).toBe(403);

		const selected = setup.client(['Files.ReadWrite', 'Sites.Selected', 'offline_access']);
		await selected.api(`${grantedLibrary}/root:/a.txt:/content`).put(Buffer.from('a'));
		expect(
			(await selected.api(`/sites/${encodeURIComponent(granted.id)}/drives`).get()).value,
		).toHaveLength(1);
		expect((await graphError(selected.api(`${otherLibrary}/root/children`).get())).statusCode).toBe(
			403,
		);
		// site-search.md: "This method does not support the Sites.Selected application permission."
		expect((await graphError(selected.api('/sites?search=Finance').get())).statusCode).toBe(403);

		granted.selectedGrant = 'read';
		await selected.api(`${grantedLibrary}/root/children`).get();
		expect(
			(
				await graphError(
					selected.api(`${grantedLibrary}/root:/b.txt:/content`).put(Buffer.from('b')),
				)
			).statusCode,
		).toBe(403);

		const all = setup.client(['Files.ReadWrite.All', 'offline_access']);
		await all.api(`${otherLibrary}/root:/c.txt:/content`).put(Buffer.from('c'));
	});
	describe('a library that requires check-out (driveitem-checkout, driveitem-checkin)', () => {
		async function library() {
			setup = await start();
			const site = setup.fake.addSite('/sites/Finance');
			const drive = setup.fake.addLibrary(site, 'Receipts', undefined, { requireCheckOut: true });
			return {
				drive,
				client: setup.client(ALL_SITES),
				at: `/drives/${encodeURIComponent(drive.id)}`,
			};
		}

		it('an upload stays checked out to the uploader (publication "checkout", shown only when selected) until it checks it in', async () => {
			const { drive, client, at } = await library();
			const uploaded = await client.api(`${at}/root:/a.pdf:/content`).put(Buffer.from('one'));
			expect(uploaded.publication).toBeUndefined();
			expect(
				(await client.api(`${at}/items/${uploaded.id}`).select('id,publication').get()).publication,
			).toMatchObject({ level: 'checkout', checkedOutBy: { user: { displayName: 'Fake User' } } });
			// Another user does not see a file never checked in.
			expect(drive.visibleTo(drive.get(uploaded.id)!, 'Alice')).toBe(false);

			await client.api(`${at}/items/${uploaded.id}/checkin`).post({ comment: 'exported' });
			expect(
				(await client.api(`${at}/items/${uploaded.id}`).select('publication').get()).publication,
			).toEqual({ level: 'published', versionId: '1.0' });
			expect(drive.visibleTo(drive.get(uploaded.id)!, 'Alice')).toBe(true);
			// Checking in what is not checked out is refused.
			expect(
				(await graphError(client.api(`${at}/items/${uploaded.id}/checkin`).post({}))).statusCode,
			).toBe(400);
			// An update checks the file out again, until the next check-in.
			await client.api(`${at}/items/${uploaded.id}/content`).put(Buffer.from('two'));
			expect(drive.get(uploaded.id)!.checkedOutBy).toBe('Fake User');
			expect(drive.get(uploaded.id)!.neverCheckedIn).toBeUndefined();
		});

		it('a file checked out to someone else answers 423 notAllowed/resourceLocked to changes, and one they never checked in is not there for the caller', async () => {
			const { drive, client, at } = await library();
			const fake = setup.fake;
			const id = await fake.userCreateFile('kept.pdf', Buffer.from('v1'), { drive });
			fake.userCheckOut({ id }, 'Alice', drive);
			for (const write of [
				() => client.api(`${at}/items/${id}/content`).put(Buffer.from('v2')),
				() => client.api(`${at}/root:/kept.pdf:/content`).put(Buffer.from('v2')),
				() => client.api(`${at}/items/${id}`).patch({ name: 'other.pdf' }),
				() => client.api(`${at}/items/${id}`).delete(),
				() => client.api(`${at}/items/${id}/checkin`).post({}),
			]) {
				const error = await graphError(write());
				expect([error.statusCode, error.code]).toEqual([423, 'notAllowed']);
			}
			// Readers still see the checked-in version.
			expect((await client.api(`${at}/items/${id}`).get()).name).toBe('kept.pdf');

			const draft = await fake.userCreateFile('draft.pdf', Buffer.from('d'), {
				drive,
				by: 'Alice',
			});
			expect((await graphError(client.api(`${at}/items/${draft}`).get())).statusCode).toBe(404);
			const listed = await client.api(`${at}/root/children`).get();
			expect(listed.value.map((item: { name: string }) => item.name)).toEqual(['kept.pdf']);
			const first = await client.api(`${at}/root/delta`).get();
			expect(first.value.map((item: { name: string }) => item.name)).not.toContain('draft.pdf');
			const upload = await graphError(
				client.api(`${at}/root:/draft.pdf:/content`).put(Buffer.from('mine')),
			);
			expect(upload.statusCode).toBe(423);

			// Alice checks it in: the caller's feed shows it from then on.
			fake.userCheckIn({ id: draft }, 'Alice', drive);
			const next = await client.api(first['@odata.deltaLink']).get();
			expect(next.value.map((item: { name: string }) => item.name)).toContain('draft.pdf');
		});
	});
});
