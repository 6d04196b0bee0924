import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { toNodeError } from '../shared/errors';
import type { StorageKind, StorageProvider } from '../shared/storage/types';
import { folderListPage } from './folderList';

/**
 * What a node's folder picker searches: its storage, opened from the node's parameters; undefined: nothing to search.
 */
export type OpenForSearch = (
	ctx: ILoadOptionsFunctions,
) => Promise<{ kind: StorageKind; provider: StorageProvider } | undefined>;

/**
 * The `searchFolders` listSearch method of every file node: one page of the folder picker, every failure
 * converted at the node boundary like the node's own (toNodeError). Each node only says how to open its storage.
 */
export function searchFoldersMethod(open: OpenForSearch) {
	return async function searchFolders(
		this: ILoadOptionsFunctions,
		filter?: string,
		paginationToken?: string,
	): Promise<INodeListSearchResult> {
		try {
			const opened = await open(this);
			if (!opened) return { results: [] };
			return await folderListPage(opened.provider, opened.kind, filter, paginationToken);
		} catch (error) {
			throw toNodeError(this.getNode(), error);
		}
	};
}
