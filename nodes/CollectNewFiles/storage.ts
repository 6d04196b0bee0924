import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';
import type { StorageKind, StorageProvider } from '../shared/storage/types';

type Context = IExecuteFunctions | ILoadOptionsFunctions;

// The shared factory (createStorage) lands separately; resolved at call time until then.
const FACTORY_MODULE = '../shared/storage/factory';

/** The storage provider of a source, with the node's credential (none for the local folder). */
export async function openStorage(ctx: Context, kind: StorageKind): Promise<StorageProvider> {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const factory = require(FACTORY_MODULE) as { createStorage(ctx: Context, kind: StorageKind): Promise<StorageProvider> | StorageProvider };
	return await factory.createStorage(ctx, kind);
}
