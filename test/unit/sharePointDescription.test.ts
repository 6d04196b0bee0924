import type { INodeProperties } from 'n8n-workflow';
import { CollectNewFiles } from '../../nodes/CollectNewFiles/CollectNewFiles.node';
import { ExportToFolder } from '../../nodes/ExportToFolder/ExportToFolder.node';

/** The SharePoint choice in both file nodes: Site and Document Library shown only for SharePoint, then the folder. */
describe.each([
	['Export to Folder', new ExportToFolder(), 'destination', 'export', 'rootFolder'],
	['Collect New Files', new CollectNewFiles(), 'source', 'collect', 'folder'],
] as const)('%s: SharePoint', (_name, node, storage, operation, folder) => {
	const properties = node.description.properties;
	const named = (name: string) => properties.filter((p: INodeProperties) => p.name === name);

	it('offers SharePoint in the storage selector, with the Microsoft credential', () => {
		const selector = named(storage)[0];
		expect(selector.options).toContainEqual(expect.objectContaining({ value: 'sharePoint' }));
		const microsoft = node.description.credentials!.find(
			(c) => c.name === 'cloudSyncMicrosoftOneDriveOAuth2Api',
		)!;
		expect(microsoft.displayOptions?.show?.[storage]).toEqual(['oneDrive', 'sharePoint']);
	});

	it('shows Site (list, URL, ID) and Document Library (list, name, ID) only for SharePoint, before the folder', () => {
		const [site] = named('sharePointSite');
		const [library] = named('sharePointLibrary');
		for (const property of [site, library]) {
			expect(property.type).toBe('resourceLocator');
			expect(property.displayOptions).toEqual({
				show: { operation: [operation], [storage]: ['sharePoint'] },
			});
		}
		expect(site.modes!.map((m) => m.name)).toEqual(['list', 'url', 'id']);
		expect(library.modes!.map((m) => m.name)).toEqual(['list', 'name', 'id']);
		expect(site.modes![0].typeOptions?.searchListMethod).toBe('searchSharePointSites');
		expect(library.modes![0].typeOptions?.searchListMethod).toBe('searchSharePointLibraries');
		const index = (name: string) => properties.findIndex((p) => p.name === name);
		expect(index('sharePointLibrary')).toBeLessThan(index(folder));
		const sharePointFolder = named(folder).find((p) =>
			(p.displayOptions?.show?.[storage] ?? []).includes('sharePoint'),
		);
		expect(sharePointFolder?.modes?.map((m) => m.name)).toEqual(['list', 'url', 'id', 'path']);
		expect(node.methods.listSearch.searchSharePointSites).toBeInstanceOf(Function);
		expect(node.methods.listSearch.searchSharePointLibraries).toBeInstanceOf(Function);
	});
});
