import type { Transport } from '../../transport/transport';
import { CloudError, isCloudError } from '../../types/cloudError';
import { GraphCaller } from './graphClient';

/**
 * SharePoint sites and their document libraries, looked up through Graph (learn.microsoft.com/graph/api:
 * site-search, site-get, site-getbypath, drive-list). A library is a drive: once its drive id is known, the one
 * Graph drive provider (index.ts) serves it at /drives/{drive-id}, exactly as it serves /me/drive.
 */

/** How the node names the site: picked from the search list, pasted as a URL, or typed as an id. */
export interface SiteRef {
	mode: string;
	value: string;
}

/** How the node names the library: picked from the site's libraries (its drive id), typed by name, or by drive id. */
export interface LibraryRef {
	mode: string;
	value: string;
}

export interface LibraryChoice {
	site: SiteRef;
	library: LibraryRef;
}

export interface SiteSummary {
	id: string;
	displayName: string;
	webUrl: string;
}

export interface LibrarySummary {
	id: string;
	name: string;
	webUrl?: string;
}

interface SiteJson {
	id: string;
	name?: string;
	displayName?: string;
	webUrl?: string;
}

interface DriveJson {
	id: string;
	name?: string;
	webUrl?: string;
	driveType?: string;
}

const SITE_FIELDS = 'id,name,displayName,webUrl';
const DRIVE_FIELDS = 'id,name,webUrl,driveType';

/**
 * "https://contoso.sharepoint.com/sites/Finance/Receipts/Forms/AllItems.aspx" -> host and site path
 * ("/sites/Finance"); a URL outside /sites/ and /teams/ is the tenant's root site ("/"). Undefined when not a
 * SharePoint address.
 */
export function parseSiteUrl(value: string): { hostname: string; path: string } | undefined {
	let url: URL;
	try {
		url = new URL(value.trim());
	} catch {
		return undefined;
	}
	if (url.protocol !== 'https:' || !/\.sharepoint\.(com|us|cn|de)$/i.test(url.hostname))
		return undefined;
	const segments = decodeURIComponent(url.pathname).split('/').filter(Boolean);
	const managed = segments[0]?.toLowerCase();
	const path =
		(managed === 'sites' || managed === 'teams') && segments[1]
			? `/${segments[0]}/${segments[1]}`
			: '/';
	return { hostname: url.hostname, path };
}

/** Site and library lookups with the node's Microsoft credential. */
export class SharePointSites {
	private readonly graph: GraphCaller;

	constructor(transport: Transport) {
		this.graph = new GraphCaller(transport, 'SharePoint');
	}

	/** Sites whose name matches `query` ("*" for all). Site search needs Sites.Read.All: Sites.Selected cannot search. */
	async searchSites(query: string, limit = 50): Promise<SiteSummary[]> {
		const search = encodeURIComponent(query.trim() || '*');
		try {
			const page: { value: SiteJson[] } = await this.graph.get(
				`/sites?search=${search}&$select=${SITE_FIELDS}`,
				'read',
				'the SharePoint site search',
			);
			return page.value.slice(0, limit).map(siteSummary);
		} catch (error) {
			if (isCloudError(error, 'permission') || isCloudError(error, 'scope')) {
				throw new CloudError('permission', 'SharePoint refused to search sites', {
					...error.details,
					hint:
						'Searching sites needs the credential\'s SharePoint access "All Sites ' +
						'(Sites.ReadWrite.All)". With "Selected Sites (Sites.Selected)", ' +
						'choose the site By URL or By ID.',
				});
			}
			throw error;
		}
	}

	/** The site by the node's reference; CloudError notFound names it when it does not exist. */
	async site(ref: SiteRef): Promise<SiteSummary> {
		const value = ref.value.trim();
		if (!value) throw emptySite();
		let address: string;
		if (ref.mode === 'url') {
			const parsed = parseSiteUrl(value);
			if (!parsed) {
				throw new CloudError('invalidRequest', `Not a SharePoint site URL: ${value}`, {
					target: value,
					hint:
						'Paste the address of the site as the browser shows it ' +
						'(https://contoso.sharepoint.com/sites/Finance), or choose "By ID".',
				});
			}
			address =
				parsed.path === '/'
					? `/sites/${parsed.hostname}`
					: `/sites/${parsed.hostname}:${encodeSitePath(parsed.path)}`;
		} else {
			address = `/sites/${encodeURIComponent(value)}`;
		}
		const json: SiteJson | undefined = await this.graph.getOrUndefined(
			`${address}?$select=${SITE_FIELDS}`,
			value,
		);
		if (!json) {
			throw new CloudError('notFound', `The SharePoint site "${value}" does not exist`, {
				status: 404,
				target: value,
				hint: 'Check the site address, or that the account (and, with Sites.Selected, the app) may open it.',
			});
		}
		return siteSummary(json);
	}

	/** The site's document libraries (GET /sites/{site-id}/drives), in the order Graph lists them. */
	async libraries(site: SiteRef): Promise<LibrarySummary[]> {
		const siteId = await this.siteId(site);
		const page: { value: DriveJson[] } = await this.graph.get(
			`/sites/${encodeURIComponent(siteId)}/drives?$select=${DRIVE_FIELDS}`,
			'read',
			site.value,
		);
		return page.value
			.filter((drive) => !drive.driveType || drive.driveType === 'documentLibrary')
			.map((drive) => ({ id: drive.id, name: drive.name ?? drive.id, webUrl: drive.webUrl }));
	}

	/**
	 * The drive id of the chosen library. Picked from the list or typed as an id, the value is the drive id itself:
	 * no request. By name, the site's libraries are listed once (one request, two for a site given by URL).
	 */
	async libraryDriveId(choice: LibraryChoice): Promise<string> {
		const value = choice.library.value.trim();
		if (!value) {
			throw new CloudError('invalidRequest', 'No SharePoint document library is chosen', {
				hint: 'Choose the site, then its document library (for example "Documents").',
			});
		}
		if (choice.library.mode !== 'name') return value;
		const libraries = await this.libraries(choice.site);
		const wanted = value.toLowerCase();
		const found = libraries.find((library) => library.name.toLowerCase() === wanted);
		if (!found) {
			const names = libraries.map((library) => `"${library.name}"`).join(', ');
			throw new CloudError(
				'notFound',
				`The SharePoint site has no document library named "${value}"`,
				{
					status: 404,
					target: value,
					hint: names
						? `Its libraries are ${names}. Pick one from the list.`
						: 'The site has no document library the account may open.',
				},
			);
		}
		return found.id;
	}

	/** A site id: the value itself unless the site is given by URL. */
	private async siteId(ref: SiteRef): Promise<string> {
		if (ref.mode !== 'url') {
			if (!ref.value.trim()) throw emptySite();
			return ref.value.trim();
		}
		return (await this.site(ref)).id;
	}
}

function siteSummary(json: SiteJson): SiteSummary {
	return {
		id: json.id,
		displayName: json.displayName || json.name || json.id,
		webUrl: json.webUrl ?? '',
	};
}

function encodeSitePath(path: string): string {
	return path
		.split('/')
		.map((segment) => encodeURIComponent(segment))
		.join('/');
}

function emptySite(): CloudError {
	return new CloudError('invalidRequest', 'No SharePoint site is chosen', {
		hint: 'Choose the site from the list, or give its URL (https://contoso.sharepoint.com/sites/Finance).',
	});
}
