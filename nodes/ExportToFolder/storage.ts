import {
	NodeOperationError,
	type IExecuteFunctions,
	type ILoadOptionsFunctions,
} from 'n8n-workflow';
import { createStorage, STORAGE_LABEL, storageFeatures } from '../shared/storage/registry';
import type { StorageKind, StorageProvider } from '../shared/storage/types';
import { libraryChoiceOf } from '../ui/sharePoint';

/** How Export's messages name the destination: its cloud's label, or "the local folder" for a path on the n8n host. */
export function serviceName(kind: StorageKind): string {
	return storageFeatures(kind).rootIsHostPath ? 'the local folder' : STORAGE_LABEL[kind];
}

/**
 * The destination's storage provider, with the node's credential (none for the local folder) and library (SharePoint).
 */
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
