import { NodeConnectionTypes, type INodeProperties } from 'n8n-workflow';
import codex from '../../nodes/ExportToFolder/ExportToFolder.node.json';
import { ExportToFolder } from '../../nodes/ExportToFolder/ExportToFolder.node';

const description = new ExportToFolder().description;
const property = (name: string): INodeProperties => {
	const found = description.properties.find((p) => p.name === name);
	if (!found) throw new Error(`no parameter ${name}`);
	return found;
};
const values = (name: string) => (property(name).options as Array<{ value: string }>).map((o) => o.value);

describe('Export to Folder node description', () => {
	it('is an action node with a main input and output, usable as a tool, with an icon and a subtitle', () => {
		expect(description.name).toBe('exportToFolder');
		expect(description.inputs).toEqual([NodeConnectionTypes.Main]);
		expect(description.outputs).toEqual([NodeConnectionTypes.Main]);
		expect(description.usableAsTool).toBe(true);
		expect(description.icon).toEqual({ light: 'file:exportToFolder.svg', dark: 'file:exportToFolder.dark.svg' });
		expect(description.subtitle).toContain('$parameter["destination"]');
		expect(codex.node).toBe('n8n-nodes-cloud-sync.exportToFolder');
		expect(new ExportToFolder().methods.listSearch.searchFolders).toBeInstanceOf(Function);
	});

	it('asks for the credential of the chosen cloud only, none for the local folder', () => {
		expect(description.credentials).toEqual([
			{ name: 'cloudSyncGoogleDriveOAuth2Api', required: true, displayOptions: { show: { operation: ['export'], destination: ['googleDrive'] } } },
			{ name: 'cloudSyncMicrosoftOneDriveOAuth2Api', required: true, displayOptions: { show: { operation: ['export'], destination: ['oneDrive'] } } },
			{ name: 'cloudSyncDropboxOAuth2Api', required: true, displayOptions: { show: { operation: ['export'], destination: ['dropbox'] } } },
		]);
	});

	it('offers every parameter of the issue with the agreed defaults', () => {
		expect(values('operation')).toEqual(['export', 'resume']);
		expect(values('destination').sort()).toEqual(['dropbox', 'googleDrive', 'localFolder', 'oneDrive']);
		expect(values('rootMode')).toEqual(['name', 'folder']);
		expect((property('rootFolder').modes ?? []).map((m) => m.name)).toEqual(['list', 'url', 'id', 'path']);
		expect(property('rootFolder').modes![0].typeOptions).toMatchObject({ searchListMethod: 'searchFolders' });
		expect(values('folderStructure').sort()).toEqual(['accountPeriod', 'companyYear', 'custom', 'flat', 'perRecord']);
		for (const name of ['recordKey', 'dateField', 'fileName', 'binaryPropertyName', 'exportSince', 'folderTemplate']) expect(property(name)).toBeDefined();
		expect(property('onContentChanged').default).toBe('replace');
		expect(values('onContentChanged')).toEqual(['replace', 'keepBoth', 'skip']);
		expect(property('onFileDeleted').default).toBe('reupload');
		expect(values('onFileDeleted')).toEqual(['reupload', 'leave']);
		expect(property('onFolderDeleted').default).toBe('stop');
		expect(values('onFolderDeleted')).toEqual(['stop', 'recreate']);
		expect((property('options').options as INodeProperties[]).map((o) => o.name)).toEqual(['dryRun', 'timeZone', 'acceptMassDeletion']);
		expect(property('exportNodeName').displayOptions).toEqual({ show: { operation: ['resume'] } });
	});
});
