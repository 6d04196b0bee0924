import { createGoogleDriveFixture } from '../storage/fixtures/googleDrive';
import { folderListPage, FOLDERS_PER_PAGE } from '../../nodes/ui/folderList';

/**
 * Issue 14: the "From List" folder picker names folders by their full path (two companies' "2025" folders told
 * apart), starts with the root, and pages on past the first page of the API (Google Drive: parents only, no paths).
 */
describe('folder picker list (Google Drive fake)', () => {
	it('full paths, the root first, and pages beyond the first', async () => {
		const fixture = await createGoogleDriveFixture();
		try {
			await fixture.user.createFolder('Clients');
			await fixture.user.createFolder('Clients/Acme');
			await fixture.user.createFolder('Clients/Acme/2025');
			await fixture.user.createFolder('Clients/Bakery');
			await fixture.user.createFolder('Clients/Bakery/2025');
			for (let i = 0; i < FOLDERS_PER_PAGE + 5; i++)
				await fixture.user.createFolder(`Bulk ${String(i).padStart(2, '0')}`);
			const root = (await fixture.provider.getItem(fixture.rootId))!.name;

			const twins = await folderListPage(fixture.provider, 'googleDrive', '2025', undefined);
			expect(twins.results.map((r) => r.name).sort()).toEqual([
				`/${root}/Clients/Acme/2025`,
				`/${root}/Clients/Bakery/2025`,
			]);

			const first = await folderListPage(fixture.provider, 'googleDrive', '', undefined);
			expect(first.results[0]).toMatchObject({
				name: '/ (the whole Google Drive)',
				value: (await fixture.provider.root()).id,
			});
			expect(first.paginationToken).toBeDefined();
			const second = await folderListPage(
				fixture.provider,
				'googleDrive',
				'',
				first.paginationToken as string,
			);
			const all = [...first.results, ...second.results].map((r) => r.name);
			// Every folder once over the pages (the fixture's root, Clients, Acme, Bakery, two 2025s, the bulk).
			expect(new Set(all).size).toBe(all.length);
			expect(all.filter((name) => name.startsWith(`/${root}/Bulk `))).toHaveLength(
				FOLDERS_PER_PAGE + 5,
			);
		} finally {
			await fixture.close();
		}
	});
});
