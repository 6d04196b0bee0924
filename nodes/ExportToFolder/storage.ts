import {
	NodeOperationError,
	type IExecuteFunctions,
	type ILoadOptionsFunctions,
} from 'n8n-workflow';
import { createStorage, storageFeatures } from '../shared/storage/registry';
import type { StorageKind, StorageProvider } from '../shared/storage/types';
import { libraryChoiceOf } from '../ui/sharePoint';

export const SERVICE_NAMES: Record<StorageKind, string> = {
	googleDrive: 'Google Drive',
	oneDrive: 'OneDrive',
	sharePoint: 'SharePoint',
	dropbox: 'Dropbox',
	localFolder: 'the local folder',
};

/** The destination's storage provider, with the node's credential (none for the local folder) and library (SharePoint). */
export async function openDestination(
	ctx: IExecuteFunctions | ILoadOptionsFunctions,
	kind: StorageKind,
	localPath?: string,
): Promise<StorageProvider> {
	if (storageFeatures(kind).rootIsHostPath && !localPath) {
		throw new NodeOperationError(ctx.getNode(), 'Local Folder Path is empty', {
			description: 'Give a directory on the n8n host that n8n may write to.',
		});
	}
	return await createStorage(ctx, kind, {
		localBaseDir: localPath,
		library: libraryChoiceOf(ctx, kind),
	});
}
