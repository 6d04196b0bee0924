import { NodeConnectionTypes, type INodeProperties } from 'n8n-workflow';
import codex from '../../nodes/ExportToFolder/ExportToFolder.node.json';
import { ExportToFolder } from '../../nodes/ExportToFolder/ExportToFolder.node';

const description = new ExportToFolder().description;
const property = (name: string): INodeProperties => {
	const found = description.properties.find((p) => p.name === name);
	if (!found) throw new Error(`no parameter ${name}`);
	return found;
};
const values = (name: string) =>
	(property(name).options as Array<{ value: string }>).map((o) => o.value);

describe('Export to Folder node description', () => {
	it('is an action node with a main input and output, usable as a tool, with an icon and a subtitle', () => {
		expect(description.name).toBe('exportToFolder');
		expect(description.inputs).toEqual([NodeConnectionTypes.Main]);
		expect(description.outputs).toEqual([NodeConnectionTypes.Main]);
		expect(description.usableAsTool).toBe(true);
		expect(description.icon).toEqual({
			light: 'file:exportToFolder.svg',
			dark: 'file:exportToFolder.dark.svg',
		});
		expect(description.subtitle).toContain('$parameter["destination"]');
		expect(codex.node).toBe('n8n-nodes-cloud-sync.exportToFolder');
		expect(new ExportToFolder().methods.listSearch.searchFolders).toBeInstanceOf(Function);
	});

	it('asks for the credential of the chosen cloud only, none for the local folder', () => {
		expect(description.credentials).toEqual([
			{
				name: 'cloudSyncGoogleDriveOAuth2Api',
				required: true,
				displayOptions: { show: { operation: ['export'], destination: ['googleDrive'] } },
			},
			{
				name: 'cloudSyncMicrosoftOneDriveOAuth2Api',
				required: true,
				// OneDrive and SharePoint sign in with the same Microsoft credential: one entry for both.
				displayOptions: {
					show: { operation: ['export'], destination: ['oneDrive', 'sharePoint'] },
				},
			},
			{
				name: 'cloudSyncDropboxOAuth2Api',
				required: true,
				displayOptions: { show: { operation: ['export'], destination: ['dropbox'] } },
			},
		]);
	});

	it('offers every parameter of the issue with the agreed defaults', () => {
		expect(values('operation')).toEqual(['export', 'resume']);
		expect(values('destination').sort()).toEqual([
			'dropbox',
			'googleDrive',
			'localFolder',
			'oneDrive',
			'sharePoint',
		]);
		expect(values('rootMode')).toEqual(['name', 'folder']);
		expect((property('rootFolder').modes ?? []).map((m) => m.name)).toEqual([
			'list',
			'url',
			'id',
			'path',
		]);
		expect(property('rootFolder').modes![0].typeOptions).toMatchObject({
			searchListMethod: 'searchFolders',
		});
		expect(values('folderStructure').sort()).toEqual([
			'accountPeriod',
			'companyYear',
			'custom',
			'flat',
			'perRecord',
			'yearMonth',
		]);
		for (const name of [
			'recordKey',
			'dateField',
			'fileName',
			'binaryPropertyName',
			'exportSince',
			'folderTemplate',
		])
			expect(property(name)).toBeDefined();
		expect(property('onContentChanged').default).toBe('replace');
		expect(values('onContentChanged')).toEqual(['replace', 'keepBoth', 'skip']);
		expect(property('onFileDeleted').default).toBe('reupload');
		expect(values('onFileDeleted')).toEqual(['reupload', 'leave']);
		expect(property('onFolderDeleted').default).toBe('stop');
		expect(values('onFolderDeleted')).toEqual(['stop', 'recreate']);
		expect((property('options').options as INodeProperties[]).map((o) => o.name)).toEqual([
			'dryRun',
			'timeZone',
			'acceptMassDeletion',
			'includeInputFields',
		]);
		expect(property('exportNodeName').displayOptions).toEqual({ show: { operation: ['resume'] } });
	});

	it('version 2 is what n8n adds; version 1 keeps the defaults saved workflows rely on (issue 14)', () => {
		expect(description.version).toEqual([1, 2]);
		expect(description.defaultVersion).toBe(2);
		const byVersion = (name: string, version: number) =>
			description.properties.find(
				(p) =>
					p.name === name &&
					(p.displayOptions?.show?.['@version'] as number[] | undefined)?.includes(version),
			)?.default;
		expect(byVersion('dateField', 1)).toBe('={{ $json.date }}');
		expect(byVersion('dateField', 2)).toBe('={{ $json.date || $json.modifiedAt }}');
		expect(byVersion('companyName', 1)).toBe('={{ $json.company }}');
		// Version 2 guesses no field the input may not have: an empty, required field the editor marks.
		for (const name of ['companyName', 'accountName', 'folderTemplate'])
			expect(byVersion(name, 2)).toBe('');
	});

	it("each cloud's folder picker shows that cloud's link and ID formats only", () => {
		const lockers = description.properties.filter((p) => p.name === 'rootFolder');
		const forKind = (kind: string) =>
			lockers.find((p) => (p.displayOptions?.show?.destination as string[]).includes(kind))!;
		const placeholders = (kind: string) =>
			Object.fromEntries(forKind(kind).modes!.map((m) => [m.name, m.placeholder]));
		expect(placeholders('dropbox').url).toMatch(/^https:\/\/www\.dropbox\.com\/home/);
		expect(placeholders('dropbox').id).toMatch(/^id:/);
		expect(placeholders('googleDrive').url).toMatch(/^https:\/\/drive\.google\.com/);
		expect(placeholders('oneDrive').url).toMatch(/onedrive\.live\.com/);
		for (const kind of ['dropbox', 'oneDrive'])
			expect(placeholders(kind).url).not.toContain('drive.google.com');
		const regex = (kind: string, mode: string) =>
			new RegExp(
				`^(${(forKind(kind).modes!.find((m) => m.name === mode)!.validation![0] as unknown as { properties: { regex: string } }).properties.regex})$`,
			);
		expect(regex('dropbox', 'id').test('id:a4ayc_80_OEAAAAAAAAAXw')).toBe(true);
		expect(regex('dropbox', 'id').test('1AbCdEfGhIjKlMnOpQrStUvWxYz')).toBe(false);
		expect(
			regex('googleDrive', 'url').test('https://drive.google.com/drive/folders/1AbCdEfGhIjK'),
		).toBe(true);
		expect(regex('googleDrive', 'url').test('https://www.dropbox.com/home/Receipts')).toBe(false);
		expect(forKind('localFolder').modes![0].name).toBe('path');
	});

	it('placeholders never show n8n\'s internal "=" expression marker', () => {
		const all = description.properties.flatMap((p) => [
			p,
			...((p.options as INodeProperties[] | undefined) ?? []),
		]);
		for (const p of all)
			if (typeof p.placeholder === 'string') expect(p.placeholder.startsWith('=')).toBe(false);
	});
});
