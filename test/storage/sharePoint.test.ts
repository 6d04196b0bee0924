import { isCloudError, type CloudError } from '../../nodes/shared/types/cloudError';
import { OneDriveStorage } from '../../nodes/shared/storage/oneDrive';
import { SharePointSites, parseSiteUrl } from '../../nodes/shared/storage/oneDrive/sharePoint';
import { createOneDriveFixture, type OneDriveFixture } from './fixtures/oneDrive';
import { collect, patternStream } from './support';

/** The Graph drive provider on a SharePoint library, and the site and library lookups the node's pickers use. */

async function failure(promise: Promise<unknown>): Promise<CloudError> {
	try {
		await promise;
	} catch (error) {
		if (isCloudError(error)) return error;
		throw error;
	}
	throw new Error('expected a CloudError');
}

describe('SharePoint libraries through the one Graph drive provider', () => {
	let fixture: OneDriveFixture;
	afterEach(async () => fixture?.close());

	it('finds sites by search, URL and id, lists their libraries, and resolves a library by name without a request for list or id', async () => {
		fixture = await createOneDriveFixture({ sharePoint: true });
		const { fake, site, drive, transport } = fixture;
		fake.addSite('/teams/Audit', { displayName: 'Audit Team' });
		const sites = new SharePointSites(transport);

		expect((await sites.searchSites('finance')).map((found) => found.id)).toEqual([site!.id]);
		expect(await sites.searchSites('')).toHaveLength(2);
		const byUrl = await sites.site({
			mode: 'url',
			value: 'https://contoso.sharepoint.com/sites/Finance/Receipts/Forms/AllItems.aspx',
		});
		expect(byUrl.id).toBe(site!.id);
		expect((await sites.site({ mode: 'id', value: site!.id })).webUrl).toBe(
			'https://contoso.sharepoint.com/sites/Finance',
		);
		expect(
			(await sites.libraries({ mode: 'id', value: site!.id })).map((library) => library.name),
		).toEqual(['Documents', 'Receipts']);

		const mark = fake.mark();
		expect(
			await sites.libraryDriveId({
				site: { mode: 'id', value: site!.id },
				library: { mode: 'list', value: drive.id },
			}),
		).toBe(drive.id);
		expect(fake.requests({ since: mark })).toHaveLength(0);
		expect(
			await sites.libraryDriveId({
				site: { mode: 'url', value: 'https://contoso.sharepoint.com/sites/Finance' },
				library: { mode: 'name', value: 'receipts' },
			}),
		).toBe(drive.id);

		const wrong = await failure(
			sites.libraryDriveId({
				site: { mode: 'id', value: site!.id },
				library: { mode: 'name', value: 'Invoices' },
			}),
		);
		expect(wrong.reason).toBe('notFound');
		expect(wrong.details.hint).toContain('"Documents", "Receipts"');
		const noSite = await failure(
			sites.site({ mode: 'url', value: 'https://contoso.sharepoint.com/sites/Nope' }),
		);
		expect(noSite.reason).toBe('notFound');
		expect(
			(await failure(sites.site({ mode: 'url', value: 'https://example.com/x' }))).reason,
		).toBe('invalidRequest');
	});

	it('with Sites.Selected: searching sites fails with a hint to give the site by URL; the granted library works', async () => {
		fixture = await createOneDriveFixture({
			sharePoint: true,
			scopes: ['Files.ReadWrite', 'Sites.Selected', 'offline_access'],
		});
		const { site, provider, transport } = fixture;
		site!.selectedGrant = 'write';
		const sites = new SharePointSites(transport);
		const refused = await failure(sites.searchSites('Finance'));
		expect(refused.reason).toBe('permission');
		expect(refused.details.hint).toContain('By URL');
		expect(
			(await sites.site({ mode: 'url', value: 'https://contoso.sharepoint.com/sites/Finance' })).id,
		).toBe(site!.id);
		const root = await provider.root();
		await provider.createFolder(root.id, 'Granted');
		site!.selectedGrant = undefined;
		const denied = await failure(provider.root());
		expect(denied.reason).toBe('permission');
		expect(denied.message).toContain('SharePoint denied access');
		expect(denied.details.hint).toContain('Sites.Selected');
	});

	it("takes the library's own root as a root, and folder links of a library that is not Documents", async () => {
		fixture = await createOneDriveFixture({ sharePoint: true });
		const { provider, fake, drive } = fixture;
		expect(provider.kind).toBe('sharePoint');
		const year = fake.userCreateFolder('Acme/2024', drive);
		await fake.userCreateFile('Acme/2024/r.pdf', Buffer.from('r'), { drive });

		const root = await provider.resolveFolder({ mode: 'path', value: '/' });
		expect(root.id).toBe(drive.rootId);
		const viaView = await provider.resolveFolder({
			mode: 'url',
			value: 'https://contoso.sharepoint.com/sites/Finance/Receipts/Forms/AllItems.aspx',
		});
		expect(viaView.id).toBe(drive.rootId);
		const viaPath = await provider.resolveFolder({
			mode: 'url',
			value: 'https://contoso.sharepoint.com/sites/Finance/Receipts/Acme/2024',
		});
		expect(viaPath.id).toBe(year);
		const viaIdParam = await provider.resolveFolder({
			mode: 'url',
			value:
				'https://contoso.sharepoint.com/sites/Finance/Receipts/Forms/AllItems.aspx?id=%2Fsites%2FFinance%2FReceipts%2FAcme%2F2024',
		});
		expect(viaIdParam.id).toBe(year);
		const elsewhere = await failure(
			provider.resolveFolder({
				mode: 'url',
				value: 'https://contoso.sharepoint.com/sites/Finance/Shared%20Documents/Acme',
			}),
		);
		expect(elsewhere.reason).toBe('invalidRequest');
		expect(elsewhere.message).toContain('SharePoint library');

		// The change feed at the library's root, scoped to a folder below it, as on OneDrive for Business.
		const cursor = await provider.latestCursor(year, { recursive: true });
		fake.userDelete('Acme/2024/r.pdf', drive);
		const batch = await provider.changes(year, cursor, { recursive: true });
		expect(batch.changes).toEqual([expect.objectContaining({ type: 'delete', isFolder: false })]);
		expect((await collect(provider.list(root.id, { recursive: true }))).map((i) => i.path)).toEqual(
			['Acme', 'fixture-root', 'Acme/2024'],
		);
	});

	it('names SharePoint, not OneDrive, when a large upload into a library fails part way', async () => {
		fixture = await createOneDriveFixture({ sharePoint: true });
		const { provider, rootId, fake } = fixture;
		// The session's URL answers 404 (expired) to the fragment and to the status request that follows.
		fake.inject({
			path: '/_upload/',
			times: 10,
			action: { type: 'respond', status: 404, body: {} },
		});
		const size = 9 * 1024 * 1024;
		const error = await failure(
			provider.upload(
				{ parentId: rootId, name: 'big.pdf' },
				{ size, stream: patternStream(size, 'sp') },
			),
		);
		expect(error.message).toBe(
			'The SharePoint upload session for big.pdf expired; the next run uploads it again',
		);
	});

	describe('a library remembered by its drive id (chosen by name)', () => {
		function remembered(driveId: string, relocate: () => Promise<string>): OneDriveStorage {
			return new OneDriveStorage(fixture.transport, {
				drive: `/drives/${encodeURIComponent(driveId)}`,
				kind: 'sharePoint',
				relocate,
			});
		}

		it('a deleted library is looked up again once, and the read repeated in the library that now has the name', async () => {
			fixture = await createOneDriveFixture({ sharePoint: true });
			const { fake, site, drive } = fixture;
			const gone = drive.id;
			fake.removeLibrary(drive);
			const again = fake.addLibrary(site!, 'Receipts');
			const relocate = jest.fn(async () => again.id);
			const provider = remembered(gone, relocate);
			const mark = fake.mark();
			expect((await provider.root()).id).toBe(again.rootId);
			expect(relocate).toHaveBeenCalledTimes(1);
			// The read (404), the drive itself (404), the read again in the other library.
			expect(fake.requests({ since: mark }).map((r) => `${r.method} ${r.status}`)).toEqual([
				'GET 404',
				'GET 404',
				'GET 200',
			]);
			await provider.root();
			expect(relocate).toHaveBeenCalledTimes(1);
		});

		it('a 404 about an item in a library that is there costs one look at the drive, once a run, and no look-up', async () => {
			fixture = await createOneDriveFixture({ sharePoint: true });
			const relocate = jest.fn(async () => 'never');
			const provider = remembered(fixture.drive.id, relocate);
			const mark = fixture.fake.mark();
			expect(await provider.getItem('01MISSING')).toBeUndefined();
			expect(await provider.getItem('01MISSING2')).toBeUndefined();
			expect(relocate).not.toHaveBeenCalled();
			expect(fixture.fake.requests({ since: mark })).toHaveLength(3);
			// A library that answers from the first read is never looked at.
			const healthy = remembered(fixture.drive.id, relocate);
			const next = fixture.fake.mark();
			await healthy.root();
			expect(await healthy.getItem('01MISSING')).toBeUndefined();
			expect(fixture.fake.requests({ since: next })).toHaveLength(2);
		});
	});

	describe('a library set to "Require Check Out"', () => {
		const checkIns = (since: number) =>
			fixture.fake.requests({ method: 'POST', path: /\/checkin$/, since }).length;
		const publicationReads = (since: number) =>
			fixture.fake.requests({ method: 'GET', path: /publication/, since }).length;

		it('checks in what it uploads or updates, small or in a session: everyone sees it; one read of the first write, then one check-in per write', async () => {
			fixture = await createOneDriveFixture({ sharePoint: true, requireCheckOut: true });
			const { provider, rootId, drive, fake } = fixture;
			const mark = fake.mark();
			const small = await provider.upload(
				{ parentId: rootId, name: 'a.pdf' },
				{ size: 3, data: Buffer.from('one') },
			);
			const large = await provider.upload(
				{ parentId: rootId, name: 'big.bin' },
				{ size: 2_000_000, stream: patternStream(2_000_000, 'co') },
			);
			const updated = await provider.upload(
				{ parentId: rootId, name: 'a.pdf', replaceId: small.id },
				{ size: 3, data: Buffer.from('two') },
			);
			expect(updated.id).toBe(small.id);
			for (const id of [small.id, large.id]) {
				expect(drive.get(id)!.checkedOutBy).toBeUndefined();
				expect(drive.visibleTo(drive.get(id)!, 'Another User')).toBe(true);
			}
			expect(publicationReads(mark)).toBe(1);
			expect(checkIns(mark)).toBe(3);
		});

		it('an ordinary library: one read after the first write of a run, never a check-in', async () => {
			fixture = await createOneDriveFixture({ sharePoint: true });
			const { provider, rootId, fake } = fixture;
			const mark = fake.mark();
			for (const name of ['a.pdf', 'b.pdf'])
				await provider.upload({ parentId: rootId, name }, { size: 1, data: Buffer.from('x') });
			expect(publicationReads(mark)).toBe(1);
			expect(checkIns(mark)).toBe(0);
		});

		it('a file checked out to someone else: the update fails naming the file and what to do, and the file is as they left it', async () => {
			fixture = await createOneDriveFixture({ sharePoint: true, requireCheckOut: true });
			const { provider, rootId, drive, fake } = fixture;
			const file = await provider.upload(
				{ parentId: rootId, name: 'receipt.pdf' },
				{ size: 2, data: Buffer.from('v1') },
			);
			fake.userCheckOut({ id: file.id }, 'Alice', drive);
			const error = await failure(
				provider.upload(
					{ parentId: rootId, name: 'receipt.pdf', replaceId: file.id },
					{ size: 2, data: Buffer.from('v2') },
				),
			);
			expect(error.reason).toBe('other');
			expect(error.details.status).toBe(423);
			expect(error.message).toContain(
				'The SharePoint file (receipt.pdf) is checked out to someone else',
			);
			expect(error.hint).toContain('check it in');
			expect(await fake.readFile({ id: file.id }, drive)).toEqual(Buffer.from('v1'));
			expect(drive.get(file.id)!.checkedOutBy).toBe('Alice');
		});
	});

	it('parses site addresses: team, communication and the root site', () => {
		expect(parseSiteUrl('https://contoso.sharepoint.com/sites/Finance/Shared%20Documents')).toEqual(
			{
				hostname: 'contoso.sharepoint.com',
				path: '/sites/Finance',
			},
		);
		expect(parseSiteUrl('https://contoso.sharepoint.com/teams/Audit')).toEqual({
			hostname: 'contoso.sharepoint.com',
			path: '/teams/Audit',
		});
		expect(parseSiteUrl('https://contoso.sharepoint.com/')).toEqual({
			hostname: 'contoso.sharepoint.com',
			path: '/',
		});
		expect(parseSiteUrl('https://example.com/sites/x')).toBeUndefined();
	});
});
