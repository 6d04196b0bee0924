import type {
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeListSearchResult,
	INodeProperties,
} from 'n8n-workflow';
import { toNodeError } from '../shared/errors';
import { openSharePointSites } from '../shared/storage/oneDrive/cloud';
import { parseSiteUrl, type LibraryChoice } from '../shared/storage/oneDrive/sharePoint';
import { STORAGE_CLOUDS, storageFeatures } from '../shared/storage/registry';
import type { StorageKind } from '../shared/storage/types';

/** Parameter names (stored in workflows: never rename). */
export const SITE_PARAMETER = 'sharePointSite';
export const LIBRARY_PARAMETER = 'sharePointLibrary';

/**
 * The Site and Document Library parameters, shown only while the storage parameter names a storage that is a
 * library of a site (SharePoint); the folder parameter follows them and is looked for inside the library.
 */
export function sharePointProperties(
	show: Record<string, Array<string | number | boolean>>,
	storageParameter: string,
): INodeProperties[] {
	// The storages that are a library of a site (SharePoint), as the registry declares them.
	const libraryKinds = (Object.keys(STORAGE_CLOUDS) as StorageKind[]).filter(
		(kind) => storageFeatures(kind).libraryInSite,
	);
	const when = { show: { ...show, [storageParameter]: libraryKinds } };
	return [
		{
			displayName: 'Site',
			name: SITE_PARAMETER,
			type: 'resourceLocator',
			default: { mode: 'list', value: '' },
			required: true,
			description: 'The SharePoint site (team site or communication site) whose library to use',
			displayOptions: when,
			modes: [
				{
					displayName: 'From List',
					name: 'list',
					type: 'list',
					placeholder: 'Select a site...',
					typeOptions: { searchListMethod: 'searchSharePointSites', searchable: true },
				},
				{
					displayName: 'By URL',
					name: 'url',
					type: 'string',
					placeholder: 'https://contoso.sharepoint.com/sites/Finance',
					validation: [
						{
							type: 'regex',
							properties: {
								regex: 'https://([\\w-]+\\.)*sharepoint\\.(com|us|cn|de)(/.*)?',
								errorMessage:
									'Not a SharePoint site link (https://contoso.sharepoint.com/sites/...)',
							},
						},
					],
				},
				{
					displayName: 'By ID',
					name: 'id',
					type: 'string',
					placeholder:
						'contoso.sharepoint.com,2C712604-1370-44E7-A1F5-426573FDA80A,2D2244C3-251A-49EA-93A8-39E1C3A060FE',
				},
			],
		},
		{
			displayName: 'Document Library',
			name: LIBRARY_PARAMETER,
			type: 'resourceLocator',
			default: { mode: 'list', value: '' },
			required: true,
			description: 'One of the site\'s document libraries: "Documents" or any other',
			displayOptions: when,
			modes: [
				{
					displayName: 'From List',
					name: 'list',
					type: 'list',
					placeholder: 'Select a library...',
					typeOptions: { searchListMethod: 'searchSharePointLibraries', searchable: true },
				},
				{
					displayName: 'By Name',
					name: 'name',
					type: 'string',
					placeholder: 'Receipts',
				},
				{
					displayName: 'By ID',
					name: 'id',
					type: 'string',
					placeholder: 'b!t18F8ybsHUq1z3LTz8xvZqP8zaSWjkFNhsME-Fepo75dTf9vQKfeRblBZjoSQrd7',
					validation: [
						{
							type: 'regex',
							properties: {
								regex: '[\\w!-]{10,}',
								errorMessage: 'Not a drive ID (b!... as Graph reports a library)',
							},
						},
					],
				},
			],
		},
	];
}

/** A resource locator's value as the node stored it (a plain string from old or hand-written workflows: an id). */
function locatorOf(
	ctx: IExecuteFunctions | ILoadOptionsFunctions,
	name: string,
	itemIndex: number,
): { mode: string; value: string } {
	// Executions read per item; the editor's list and search calls have no item.
	const raw = (
		'getInputData' in ctx
			? ctx.getNodeParameter(name, itemIndex, undefined, { extractValue: false })
			: ctx.getNodeParameter(name, undefined, { extractValue: false })
	) as { mode?: string; value?: unknown } | string | undefined;
	const ref = typeof raw === 'object' && raw ? raw : { mode: 'id', value: raw };
	return { mode: String(ref.mode ?? 'id'), value: String(ref.value ?? '').trim() };
}

/** The site and library the node chose, where the storage is a library of a site; undefined elsewhere. */
export function libraryChoiceOf(
	ctx: IExecuteFunctions | ILoadOptionsFunctions,
	kind: StorageKind,
	itemIndex = 0,
): LibraryChoice | undefined {
	if (!storageFeatures(kind).libraryInSite) return undefined;
	return {
		site: locatorOf(ctx, SITE_PARAMETER, itemIndex),
		library: locatorOf(ctx, LIBRARY_PARAMETER, itemIndex),
	};
}

/**
 * What identifies the library in a state key: its drive id, or the site and the name it was given by. Another
 * library is another place: its state starts fresh, as for another root folder.
 */
export function libraryKey(choice: LibraryChoice | undefined): string[] {
	if (!choice) return [];
	return choice.library.mode === 'name'
		? [choice.site.value, choice.library.value.toLowerCase()]
		: [choice.library.value];
}

/** listSearch: the sites whose name matches what the user types (Graph site search). */
export async function searchSharePointSites(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	try {
		const sites = await (await openSharePointSites(this)).searchSites(filter ?? '');
		return {
			results: sites
				.map((site) => ({
					name: `${site.displayName} (${siteAddress(site.webUrl)})`,
					value: site.id,
					url: site.webUrl,
				}))
				.sort((a, b) => a.name.localeCompare(b.name)),
		};
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	}
}

/** listSearch: the chosen site's document libraries (their drive ids), filtered by what the user types. */
export async function searchSharePointLibraries(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	try {
		const site = locatorOf(this, SITE_PARAMETER, 0);
		if (!site.value) return { results: [] };
		const libraries = await (await openSharePointSites(this)).libraries(site);
		const needle = (filter ?? '').trim().toLowerCase();
		return {
			results: libraries
				.filter((library) => library.name.toLowerCase().includes(needle))
				.map((library) => ({ name: library.name, value: library.id, url: library.webUrl })),
		};
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	}
}

/** "contoso.sharepoint.com/sites/Finance" for a site's address. */
function siteAddress(webUrl: string): string {
	const parsed = parseSiteUrl(webUrl);
	return parsed ? `${parsed.hostname}${parsed.path === '/' ? '' : parsed.path}` : webUrl;
}
