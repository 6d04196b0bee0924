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
		version: 1,
		subtitle:
			'={{ $parameter["operation"] === "resume" ? "Resume stopped folders" : "Export to " + {"googleDrive":"Google Drive","oneDrive":"OneDrive","dropbox":"Dropbox","localFolder":"Local Folder"}[$parameter["destination"]] }}',
		description:
			'Export documents into Google Drive, OneDrive, Dropbox or a local folder once, follow their changes, re-upload files the user deleted and stop at folders the user deleted',
		defaults: { name: 'Export to Folder' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: storageCredentials('export', 'destination'),
		properties: exportToFolderProperties,
	};

	methods = {
		listSearch: {
			async searchFolders(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
				const destination = this.getNodeParameter('destination', 'googleDrive') as StorageKind;
				const localPath = destination === 'localFolder' ? String(this.getNodeParameter('localPath', '')) : undefined;
				try {
					const provider = await openDestination(this, destination, localPath);
					const folders = await provider.searchFolders(filter ?? '', 50);
					return {
						results: folders.map((folder) => ({
							name: folder.path ? `/${folder.path.replace(/^\/+/, '')}` : folder.name,
							value: folder.id,
							url: folder.webUrl,
						})),
					};
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
