import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';
import { createStorage, storageFeatures } from '../shared/storage/registry';
import type { FolderRef, StorageKind, StorageProvider } from '../shared/storage/types';
import { libraryChoiceOf } from '../ui/sharePoint';

type Context = IExecuteFunctions | ILoadOptionsFunctions;

/**
 * The storage provider of a source, with the node's credential. The local folder has no credential and no
 * drive: the chosen folder itself (an absolute path on the n8n host) is its root, jailed and checked against
 * n8n's file-access rules. A SharePoint source is the library the node's Site and Document Library name.
 */
export async function openStorage(
	ctx: Context,
	kind: StorageKind,
	folder?: FolderRef,
): Promise<StorageProvider> {
	return await createStorage(
		ctx,
		kind,
		storageFeatures(kind).rootIsHostPath
			? { localBaseDir: folder?.value }
			: { library: libraryChoiceOf(ctx, kind) },
	);
}
