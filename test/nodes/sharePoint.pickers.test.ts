import type { OneDriveFixture } from '../storage/fixtures/oneDrive';
import { cloudSource, type CollectSource } from './support/collectSources';
import { COLLECT, collectWorkflow } from './support/collectHarness';

/**
 * The Site and Document Library pickers ("From List") as n8n's editor calls them: the node's listSearch methods
 * on n8n-core's LoadOptionsContext, with the node's parameters and its Microsoft credential, against the Graph
 * fake's sites (WorkflowHarness.listSearch mirrors n8n's resource-locator-results endpoint).
 */
describe("SharePoint pickers through the node's listSearch (as the editor calls them)", () => {
	let source: (CollectSource & { fixture: unknown }) | undefined;
	afterEach(async () => {
		await source?.close();
		source = undefined;
	});

	async function pickers(scopes?: string[]) {
		source = await cloudSource('sharePoint', scopes ? { scopes } : {});
		const fixture = source.fixture as OneDriveFixture;
		const flow = collectWorkflow(source);
		const search = (method: string, filter?: string) =>
			flow.harness.listSearch(COLLECT, method, { filter });
		return { fixture, flow, search };
	}

	test('Site: every site for an empty search, sorted by name with its address; what the user types narrows it', async () => {
		const { fixture, search } = await pickers();
		const audit = fixture.fake.addSite('/teams/Audit', { displayName: 'Audit Team' });
		const news = fixture.fake.addSite('/sites/News', {
			displayName: 'Company News',
			template: 'communication',
		});
		const all = await search('searchSharePointSites');
		expect(all.results).toEqual([
			{
				name: 'Audit Team (contoso.sharepoint.com/teams/Audit)',
				value: audit.id,
				url: 'https://contoso.sharepoint.com/teams/Audit',
			},
			{
				name: 'Company News (contoso.sharepoint.com/sites/News)',
				value: news.id,
				url: 'https://contoso.sharepoint.com/sites/News',
			},
			{
				name: 'Finance (contoso.sharepoint.com/sites/Finance)',
				value: fixture.site!.id,
				url: 'https://contoso.sharepoint.com/sites/Finance',
			},
		]);
		expect(all.paginationToken).toBeUndefined();
		expect((await search('searchSharePointSites', 'news')).results.map((r) => r.value)).toEqual([
			news.id,
		]);
		expect((await search('searchSharePointSites', 'nothing like it')).results).toEqual([]);
	});

	test('Site: a tenant with more sites than one list shows the first 50; typing finds the others', async () => {
		const { fixture, search } = await pickers();
		for (let n = 1; n <= 60; n++)
			fixture.fake.addSite(`/sites/Client${String(n).padStart(2, '0')}`);
		expect((await search('searchSharePointSites')).results).toHaveLength(50);
		expect((await search('searchSharePointSites', 'Client59')).results.map((r) => r.name)).toEqual([
			'Client59 (contoso.sharepoint.com/sites/Client59)',
		]);
	});

	test("Document Library: the chosen site's libraries (its drive ids), whatever way the site is given; the filter keeps matching names", async () => {
		const { fixture, flow, search } = await pickers();
		const documents = fixture.site!.libraries[0];
		const expected = [
			{
				name: 'Documents',
				value: documents.id,
				url: 'https://contoso.sharepoint.com/sites/Finance/Shared%20Documents',
			},
			{
				name: 'Receipts',
				value: fixture.drive.id,
				url: 'https://contoso.sharepoint.com/sites/Finance/Receipts',
			},
		];
		expect((await search('searchSharePointLibraries')).results).toEqual(expected);
		expect((await search('searchSharePointLibraries', 'REC')).results).toEqual([expected[1]]);

		flow.setCollectParameters({
			sharePointSite: {
				__rl: true,
				mode: 'url',
				value: 'https://contoso.sharepoint.com/sites/Finance/Receipts/Forms/AllItems.aspx',
			},
		});
		expect((await search('searchSharePointLibraries')).results).toEqual(expected);

		// No site chosen yet: an empty list, no request.
		flow.setCollectParameters({ sharePointSite: { __rl: true, mode: 'list', value: '' } });
		const mark = fixture.fake.mark();
		expect((await search('searchSharePointLibraries')).results).toEqual([]);
		expect(fixture.fake.requests({ since: mark })).toHaveLength(0);
	});

	test('without SharePoint consent (Files.ReadWrite only): the editor user reads what to set or ask for', async () => {
		const { search } = await pickers(['Files.ReadWrite', 'offline_access']);
		const sites = await search('searchSharePointSites').catch((error: Error) => error);
		expect(sites).toBeInstanceOf(Error);
		expect((sites as Error).message).toContain('SharePoint refused to search sites');
		expect(String((sites as { description?: string }).description)).toContain(
			'"All Sites (Sites.ReadWrite.All)"',
		);

		const libraries = await search('searchSharePointLibraries').catch((error: Error) => error);
		expect(libraries).toBeInstanceOf(Error);
		expect((libraries as Error).message).toContain('SharePoint denied access');
		expect(String((libraries as { description?: string }).description)).toContain(
			'set "SharePoint Access" to "All Sites" (Sites.ReadWrite.All), or with "Selected Sites" (Sites.Selected) ask an administrator to grant the app this site',
		);
	});

	test('with Selected Sites (Sites.Selected): the site list says to give the site by URL or ID; a granted site lists its libraries', async () => {
		const { fixture, search } = await pickers([
			'Files.ReadWrite',
			'Sites.Selected',
			'offline_access',
		]);
		fixture.site!.selectedGrant = 'write';
		const sites = await search('searchSharePointSites').catch((error: Error) => error);
		expect((sites as Error).message).toContain('SharePoint refused to search sites');
		expect(String((sites as { description?: string }).description)).toContain(
			'With "Selected Sites (Sites.Selected)", choose the site By URL or By ID',
		);
		expect((await search('searchSharePointLibraries')).results.map((r) => r.name)).toEqual([
			'Documents',
			'Receipts',
		]);
	});
});
