import type { INodeCredentialDescription, INodePropertyMode, INodePropertyOptions } from 'n8n-workflow';
import { STORAGE_CREDENTIAL } from '../storage/registry';
import type { StorageKind } from '../storage/types';

/** The storages a file node can read or write; the values are stored in workflows: never rename. */
export const STORAGE_KIND_OPTIONS: INodePropertyOptions[] = [
	{ name: 'Dropbox', value: 'dropbox' },
	{ name: 'Google Drive', value: 'googleDrive' },
	{ name: 'Local Folder', value: 'localFolder' },
	{ name: 'OneDrive', value: 'oneDrive' },
];

/**
 * The credential of each cloud, asked for only while `operation` is chosen and the storage parameter
 * (`storageParameter`) names that cloud; the local folder needs none.
 */
export function storageCredentials(operation: string, storageParameter: string): INodeCredentialDescription[] {
	return (Object.entries(STORAGE_CREDENTIAL) as Array<[StorageKind, string]>).map(([kind, name]) => ({
		name,
		required: true,
		displayOptions: { show: { operation: [operation], [storageParameter]: [kind] } },
	}));
}

/** How a folder can be picked in any storage: from the searchFolders list, by URL, ID or path. */
export function folderLocatorModes(pathPlaceholder: string): INodePropertyMode[] {
	/* eslint-disable n8n-nodes-base/node-param-default-missing -- modes take no default; the rule knows them only under a literal "modes:" key */
	return [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a folder...',
			typeOptions: { searchListMethod: 'searchFolders', searchable: true },
		},
		{
			displayName: 'By URL',
			name: 'url',
			type: 'string',
			placeholder: 'https://drive.google.com/drive/folders/1AbC...',
			validation: [{ type: 'regex', properties: { regex: 'https?://.+', errorMessage: 'Not a URL' } }],
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: '1AbCdEf... / 01ABCDEF... / id:a4ayc_80_OEAAAAAAAAAXw',
		},
		{ displayName: 'By Path', name: 'path', type: 'string', placeholder: pathPlaceholder },
	];
	/* eslint-enable n8n-nodes-base/node-param-default-missing */
}
