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
import { collectOperation } from './collect.operation';
import { collectNewFilesProperties } from './description';
import { confirmOperation, forgetOperation, getHistoryOperation } from './ledger.operations';
import { openStorage } from './storage';

export class CollectNewFiles implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Collect New Files',
		name: 'collectNewFiles',
		icon: { light: 'file:collectNewFiles.svg', dark: 'file:collectNewFiles.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle:
			`={{ {"collect": "Collect from " + ${STORAGE_LABEL_EXPRESSION}[$parameter["source"]], ` +
			'"confirm": "Confirm collected files", "forget": "Forget collected files", ' +
			'"getHistory": "Collection history"}[$parameter["operation"]] }}',
		description:
			'Collect each new document of a Dropbox, Google Drive, OneDrive, ' +
			'SharePoint or local folder exactly once, even when it stays, moves or is renamed',
		defaults: { name: 'Collect New Files' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: storageCredentials('collect', 'source'),
		properties: collectNewFilesProperties,
	};

	methods = {
		listSearch: {
			searchFolders: searchFoldersMethod(async (ctx) => {
				const kind = ctx.getNodeParameter('source', 'dropbox') as StorageKind;
				// A folder typed as a path on the n8n host (the local folder): there is no account to search.
				if (storageFeatures(kind).rootIsHostPath) return undefined;
				return { kind, provider: await openStorage(ctx, kind) };
			}),
			searchSharePointSites,
			searchSharePointLibraries,
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0, 'collect') as string;
		try {
			if (operation === 'confirm') return await confirmOperation(this);
			if (operation === 'getHistory') return await getHistoryOperation(this);
			if (operation === 'forget') return await forgetOperation(this);
			return await collectOperation(this, openStorage);
		} catch (error) {
			throw toNodeError(this.getNode(), error);
		}
	}
}
