import { randomUUID } from 'crypto';
import { GraphDrive } from './drive';
import { faults } from './errors';

/**
 * SharePoint sites and their document libraries, as Graph serves them (learn.microsoft.com/graph/api/resources/site,
 * site-get, site-getbypath, site-search, drive-list, drive-get). Pure state: no HTTP here.
 *
 * - A site's id is "{hostname},{site collection id},{web id}" (resources/site.md, "id").
 * - Every site has a default library ("Documents", server-relative ".../Shared Documents"), the one
 *   GET /sites/{id}/drive returns; GET /sites/{id}/drives lists every library of the site.
 * - A team site lives under /sites/ or /teams/ and a communication site under /sites/; both have libraries, and
 *   Graph addresses both the same way, so the fake stores which one only for display.
 */
export interface FakeSite {
	id: string;
	hostname: string;
	/** Server-relative path: "/sites/Finance". */
	path: string;
	/** The last path segment ("Finance"). */
	name: string;
	displayName: string;
	description: string;
	template: 'team' | 'communication';
	createdAt: string;
	/** Libraries in creation order; the first is the default ("Documents"). */
	libraries: GraphDrive[];
	/**
	 * Sites.Selected: what an administrator granted the app on this site (site-post-permissions). A token whose only
	 * site scope is Sites.Selected reaches this site's libraries only with a grant (write for writes).
	 */
	selectedGrant?: 'read' | 'write';
}

export class SiteDirectory {
	readonly sites: FakeSite[] = [];

	constructor(readonly hostname = 'contoso.sharepoint.com') {}

	/** A site with its default "Documents" library. `path` is server-relative ("/sites/Finance"). */
	addSite(
		path: string,
		options: { displayName?: string; description?: string; template?: FakeSite['template'] } = {},
	): FakeSite {
		const normalised = `/${path.split('/').filter(Boolean).join('/')}`;
		if (this.byPath(this.hostname, normalised)) throw new Error(`fake graph: site ${path} exists`);
		const name = normalised.split('/').pop() ?? '';
		const site: FakeSite = {
			id: `${this.hostname},${randomUUID()},${randomUUID()}`,
			hostname: this.hostname,
			path: normalised,
			name,
			displayName: options.displayName ?? name,
			description: options.description ?? '',
			template: options.template ?? 'team',
			createdAt: new Date().toISOString(),
			libraries: [],
		};
		this.sites.push(site);
		this.addLibrary(site, 'Documents', 'Shared Documents');
		return site;
	}

	/** A document library on `site`; its URL name defaults to its display name. */
	addLibrary(site: FakeSite, name: string, urlName = name): GraphDrive {
		if (
			site.libraries.some((library) => library.library!.name.toLowerCase() === name.toLowerCase())
		)
			throw new Error(`fake graph: library ${name} exists on ${site.path}`);
		const serverRelativePath = `${site.path}/${urlName}`;
		const drive = new GraphDrive('documentLibrary', {
			library: {
				name,
				siteId: site.id,
				webUrl: `https://${site.hostname}${encodePath(serverRelativePath)}`,
				serverRelativePath,
				createdAt: new Date().toISOString(),
			},
		});
		site.libraries.push(drive);
		return drive;
	}

	/** The library goes to the site's recycle bin with everything in it: its drive id answers 404 from now on. */
	removeLibrary(drive: GraphDrive): void {
		const site = this.siteOf(drive);
		if (!site) throw new Error('fake graph: not a library');
		site.libraries = site.libraries.filter((library) => library !== drive);
	}

	byId(id: string): FakeSite | undefined {
		return this.sites.find((site) => site.id.toLowerCase() === id.toLowerCase());
	}

	byPath(hostname: string, path: string): FakeSite | undefined {
		const wanted = `/${path.split('/').filter(Boolean).join('/')}`.toLowerCase();
		return this.sites.find(
			(site) =>
				site.hostname.toLowerCase() === hostname.toLowerCase() &&
				site.path.toLowerCase() === wanted,
		);
	}

	requireById(id: string): FakeSite {
		const site = this.byId(id);
		if (!site) throw faults.notFound('Requested site could not be found');
		return site;
	}

	/**
	 * site-search: "a free text search that uses multiple properties" (site-search.md). Modelled as a
	 * case-insensitive match of every word in the display name, name or description; "*" (and an empty query,
	 * as the service answers it) lists every site.
	 */
	search(query: string): FakeSite[] {
		const words = query
			.toLowerCase()
			.split(/\s+/)
			.map((word) => word.replace(/\*$/, ''))
			.filter(Boolean);
		return this.sites.filter((site) => {
			const text = `${site.displayName} ${site.name} ${site.description}`.toLowerCase();
			return words.every((word) => text.includes(word));
		});
	}

	/** The site a library belongs to. */
	siteOf(drive: GraphDrive): FakeSite | undefined {
		return drive.library ? this.byId(drive.library.siteId) : undefined;
	}
}

/** The site resource as Graph returns it (resources/site.md). */
export function siteJson(site: FakeSite): Record<string, unknown> {
	return {
		id: site.id,
		name: site.name,
		displayName: site.displayName,
		description: site.description,
		createdDateTime: site.createdAt,
		lastModifiedDateTime: site.createdAt,
		webUrl: `https://${site.hostname}${encodePath(site.path)}`,
		siteCollection: { hostname: site.hostname },
	};
}

function encodePath(path: string): string {
	return path
		.split('/')
		.map((segment) => encodeURIComponent(segment))
		.join('/');
}
