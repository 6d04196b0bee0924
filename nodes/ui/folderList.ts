import type { INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';
import type { RemoteItem, StorageKind, StorageProvider } from '../shared/storage/types';
import { STORAGE_LABEL } from './storageChoice';

/** Folders per page of the "From List" picker; n8n asks for the next page as the user scrolls. */
export const FOLDERS_PER_PAGE = 50;
/** How many folders one search looks at in all (pages beyond the first are cut from this). */
const SEARCH_LIMIT = 500;
/** Parent lookups a page may spend to spell out full paths (Drive knows parents only, not paths). */
const PARENT_LOOKUPS_PER_PAGE = 60;

/**
 * The "From List" entries of a folder picker: the root first (when not searching), then every folder with its full
 * path, "/Acme/2025" and "/Bakery/2025" rather than "2025" twice. Pages of FOLDERS_PER_PAGE through a search of up
 * to SEARCH_LIMIT folders; the pagination token is the offset of the next page.
 */
export async function folderListPage(
	provider: StorageProvider,
	kind: StorageKind,
	filter: string | undefined,
	paginationToken: string | undefined,
): Promise<INodeListSearchResult> {
	const offset = Number(paginationToken ?? 0) || 0;
	const needle = (filter ?? '').trim();
	const found = await provider.searchFolders(needle, SEARCH_LIMIT);
	const page = found.slice(offset, offset + FOLDERS_PER_PAGE);
	const paths = await fullPaths(provider, page);
	const results: INodeListSearchItems[] = page.map((folder, index) => ({
		name: paths[index],
		value: folder.id,
		url: folder.webUrl,
	}));
	results.sort((a, b) => a.name.localeCompare(b.name));
	if (offset === 0 && needle === '') {
		const root = await provider.root();
		results.unshift({
			name: `/ (the whole ${STORAGE_LABEL[kind]})`,
			value: root.id,
			url: root.webUrl,
		});
	}
	const next = offset + FOLDERS_PER_PAGE;
	return { results, paginationToken: next < found.length ? String(next) : undefined };
}

/** Each folder's path from the root, "/A/B"; parents looked up (and remembered) where the provider gave no path. */
async function fullPaths(provider: StorageProvider, folders: RemoteItem[]): Promise<string[]> {
	const rootId = (await provider.root()).id;
	const known = new Map<string, { name: string; parentId?: string } | null>();
	let lookups = 0;
	const parentOf = async (id: string) => {
		if (!known.has(id)) {
			if (lookups++ >= PARENT_LOOKUPS_PER_PAGE) return null;
			const item = await provider.getItem(id).catch(() => undefined);
			known.set(id, item ? { name: item.name, parentId: item.parentId } : null);
		}
		return known.get(id) ?? null;
	};
	const paths: string[] = [];
	for (const folder of folders) {
		if (folder.path) {
			paths.push(`/${folder.path.replace(/^\/+/, '')}`);
			continue;
		}
		const names = [folder.name];
		let parentId = folder.parentId;
		// Up to the root; a parent we may not see (shared with us, lookup budget spent) shows as "…".
		for (let depth = 0; parentId && parentId !== rootId && depth < 20; depth++) {
			const parent = await parentOf(parentId);
			if (!parent) {
				names.unshift('…');
				break;
			}
			names.unshift(parent.name);
			parentId = parent.parentId;
		}
		paths.push(`/${names.join('/')}`);
	}
	return paths;
}
