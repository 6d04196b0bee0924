import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type ILoadOptionsFunctions,
	type INodeExecutionData,
	type INodeListSearchResult,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { toNodeError } from '../shared/errors';
import type { StorageKind } from '../shared/storage/types';
import { folderListPage } from '../shared/ui/folderList';
import { storageCredentials } from '../shared/ui/storageChoice';
import { exportToFolderProperties } from './description';
import { exportOperation } from './export.operation';
import { resumeOperation } from './resume.operation';
import { openDestination } from './storage';

export class ExportToFolder implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Export to Folder',
		name: 'exportToFolder',
		icon: { light: 'file:exportToFolder.svg', dark: 'file:exportToFolder.dark.svg' },
		group: ['output'],
		// 2: defaults that fit Collect New Files (Document Date falls back to modifiedAt; no company, account or template
		// expressions that resolve to nothing). Version-1 nodes keep their defaults.
		version: [1, 2],
		defaultVersion: 2,
		subtitle:
			'={{ $parameter["operation"] === "resume" ? "Resume stopped folders" : "Export to " + {"googleDrive":"Google Drive","oneDrive":"OneDrive","dropbox":"Dropbox","localFolder":"Local Folder"}[$parameter["destination"]] }}',
		description:
			'Put documents into a Google Drive, OneDrive, Dropbox or local folder once, keep them up to date, and put back files someone deleted',
		defaults: { name: 'Export to Folder' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: storageCredentials('export', 'destination'),
		properties: exportToFolderProperties,
	};

	methods = {
		listSearch: {
			async searchFolders(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
				const destination = this.getNodeParameter('destination', 'googleDrive') as StorageKind;
				const localPath = destination === 'localFolder' ? String(this.getNodeParameter('localPath', '')) : undefined;
				try {
					const provider = await openDestination(this, destination, localPath);
					return await folderListPage(provider, destination, filter, paginationToken);
				} catch (error) {
					throw toNodeError(this.getNode(), error);
				}
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0, 'export') as string;
		try {
			if (operation === 'resume') return await resumeOperation(this);
			return await exportOperation(this);
		} catch (error) {
			throw toNodeError(this.getNode(), error);
		}
	}
}
