import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { toNodeError } from '../shared/errors';
import { storageFeatures } from '../shared/storage/registry';
import type { StorageKind } from '../shared/storage/types';
import { STORAGE_LABEL_EXPRESSION, storageCredentials } from '../ui/storageChoice';
import { searchFoldersMethod } from '../ui/listSearch';
import { searchSharePointLibraries, searchSharePointSites } from '../ui/sharePoint';
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
			'={{ $parameter["operation"] === "resume" ? "Resume stopped folders" : ' +
			`"Export to " + ${STORAGE_LABEL_EXPRESSION}[$parameter["destination"]] }}`,
		description:
			'Put documents into a Google Drive, OneDrive, SharePoint, ' +
			'Dropbox or local folder once, keep them up to date, ' +
			'and put back files someone deleted',
		defaults: { name: 'Export to Folder' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: storageCredentials('export', 'destination'),
		properties: exportToFolderProperties,
	};

	methods = {
		listSearch: {
			searchFolders: searchFoldersMethod(async (ctx) => {
				const kind = ctx.getNodeParameter('destination', 'googleDrive') as StorageKind;
				const localPath = storageFeatures(kind).rootIsHostPath
					? String(ctx.getNodeParameter('localPath', ''))
					: undefined;
				return { kind, provider: await openDestination(ctx, kind, localPath) };
			}),
			searchSharePointSites,
			searchSharePointLibraries,
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
