import type { ServerResponse } from 'http';
import { pipeline } from 'stream/promises';
import type { FakeAuth } from '../common/auth';
import { FakeServer, type ErrorShape, type FakeRequest } from '../common/server';
import { parseRange } from '../common/range';
import { ContentStore, readBlob, type Blob } from './content';
import { decodeToken, deltaPage, encodeToken, type DeltaToken } from './delta';
import { GraphDrive, guessMimeType, SIGNED_IN_USER, type DriveType, type GraphItem } from './drive';
import {
	CONFLICT_KEY,
	conflictBehaviorOf,
	fileSystemInfoOf,
	LEGACY_CONFLICT_KEY,
	type ClientTimes,
} from './clientProps';
import { faults, graphError, GraphFault, throttleError } from './errors';
import { SiteDirectory, siteJson, type FakeSite } from './sites';
import { notModelled } from '../common/notModelled';
import { applySelect, parseSelect, toDriveItem, type DriveAddress } from './serialize';
import { FRAGMENT_UNIT, parseContentRange, UploadSessions, type UploadSession } from './uploads';

export interface FakeGraphOptions {
	/** Flavour of the signed-in user's drive (/me/drive). Default 'personal'. */
	driveType?: DriveType;
	/** Host in @odata.nextLink / deltaLink (always absolute https, as the SDK requires). */
	publicHost?: string;
}

/** A user-side reference to an item: a path below the drive root ("a/b.txt") or an id. */
export type ItemRef = string | { id: string };

/**
 * Delegated scopes, from the permission tables of driveitem-get, driveitem-put-content, drive-list, site-get and
 * site-search (least privileged first). Sites.Selected reaches only the sites an administrator granted the app
 * (checked per site in `checkSiteAccess`); site search does not support it (site-search.md).
 */
const READ_SCOPES = [
	'Files.Read',
	'Files.ReadWrite',
	'Files.Read.All',
	'Files.ReadWrite.All',
	'Sites.Read.All',
	'Sites.ReadWrite.All',
	'Sites.Selected',
];
const WRITE_SCOPES = [
	'Files.ReadWrite',
	'Files.ReadWrite.All',
	'Sites.ReadWrite.All',
	'Sites.Selected',
];
/** What reaches every document library the user can open (Files.Read and Files.ReadWrite cover only their own drive). */
const LIBRARY_READ = [
	'Files.Read.All',
	'Files.ReadWrite.All',
	'Sites.Read.All',
	'Sites.ReadWrite.All',
];
const LIBRARY_WRITE = ['Files.ReadWrite.All', 'Sites.ReadWrite.All'];
/** Site resources (site-get, site-getbypath) and site search need a site scope. */
const SITE_READ = ['Sites.Read.All', 'Sites.ReadWrite.All'];
/** Graph's current simple-upload limit (api-brief §2.3). */
export const SIMPLE_UPLOAD_LIMIT = 250 * 1024 * 1024;
const DEFAULT_PAGE = 200;
const MAX_PAGE = 1000;
const DOWNLOAD_URL_LIFETIME_MS = 3600 * 1000;

interface Target {
	address: DriveAddress;
	/** The addressed item when it exists. */
	item?: GraphItem;
	/** For path addressing: the item the path starts from, and the decoded segments. */
	base: GraphItem;
	segments: string[];
	/** A path that names a file someone else holds checked out and never checked in: there for writes, not reads. */
	lockedOccupant?: GraphItem;
	action?: 'children' | 'content' | 'createUploadSession' | 'delta' | 'checkin' | 'checkout';
}

/**
 * Microsoft Graph (OneDrive driveItem API) on 127.0.0.1, faithful to research/api-brief.md §2: path and id
 * addressing, paging with absolute https links, 302 downloads to pre-authenticated URLs, upload sessions,
 * delta with 410 resync, Graph error envelopes and scopes. Personal and Business flavours differ where Graph does.
 */
export class FakeGraph extends FakeServer {
	/** The benchmark's floor: a body stored like upload content (quickXorHash, sha1, spilled to disk), then dropped. */
	protected override async sink(body: AsyncIterable<Buffer>): Promise<number> {
		const writer = this.content.writer();
		for await (const chunk of body) writer.append(chunk);
		const bytes = writer.size;
		writer.discard();
		return bytes;
	}

	/** Bench only: the recycle bin's content goes (its items stay, without bytes; nothing restores them). */
	protected override async purgeDeleted(): Promise<number> {
		let freed = 0;
		for (const drive of this.drives.values()) {
			for (const item of drive.items.values()) {
				if (!item.deleted || !item.blob) continue;
				freed += item.blob.size;
				this.content.drop(item.blob);
				item.blob = undefined;
			}
		}
		return freed;
	}

	readonly name = 'graph';
	readonly content = new ContentStore();
	readonly drives = new Map<string, GraphDrive>();
	/** The signed-in user's drive (/me/drive). */
	readonly drive: GraphDrive;
	readonly uploads = new UploadSessions(this.content);
	/** SharePoint sites and their document libraries (each library is also in `drives`). */
	readonly sites = new SiteDirectory();
	publicHost: string;
	/** Above this, a simple PUT answers 413 (tests lower it instead of sending 250 MB). */
	simpleUploadLimit = SIMPLE_UPLOAD_LIMIT;
	/** Graph-specific cut: the next fragments lose their connection after N bytes; whole 320 KiB units are kept. */
	private readonly fragmentCuts: Array<{ afterBytes: number; skip: number }> = [];

	constructor(auth?: FakeAuth, options: FakeGraphOptions = {}) {
		super(auth);
		this.drive = this.addDrive(options.driveType ?? 'personal');
		this.publicHost = options.publicHost ?? 'https://graph.microsoft.com';
	}

	addDrive(driveType: DriveType): GraphDrive {
		const drive = new GraphDrive(driveType);
		this.drives.set(drive.id, drive);
		return drive;
	}

	/** A SharePoint site (server-relative path "/sites/Finance") with its default "Documents" library. */
	addSite(path: string, options: Parameters<SiteDirectory['addSite']>[1] = {}): FakeSite {
		const site = this.sites.addSite(path, options);
		for (const library of site.libraries) this.drives.set(library.id, library);
		return site;
	}

	/** Another document library on a site ("Receipts"); `requireCheckOut` as the library setting of that name. */
	addLibrary(
		site: FakeSite,
		name: string,
		urlName?: string,
		options: { requireCheckOut?: boolean } = {},
	): GraphDrive {
		const library = this.sites.addLibrary(site, name, urlName);
		library.library!.requireCheckOut = options.requireCheckOut;
		this.drives.set(library.id, library);
		return library;
	}

	override async stop(): Promise<void> {
		await super.stop();
		this.content.dispose();
	}

	// ---------------------------------------------------------------- auth

	protected override authError(reason: 'missing' | 'invalid' | 'expired'): ErrorShape {
		const message =
			reason === 'missing'
				? 'Access token is empty.'
				: reason === 'expired'
					? 'Access token has expired or is not yet valid.'
					: 'CompactToken parsing failed with error code: 80049217';
		return graphError(401, 'InvalidAuthenticationToken', message, {
			headers: {
				'www-authenticate':
					'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
			},
		});
	}

	/** Upload-session and download URLs are pre-authenticated. */
	protected override requiresAuth(req: FakeRequest): boolean {
		return !req.path.startsWith('/_upload/') && !req.path.startsWith('/_download/');
	}

	protected override requiredScopes(req: FakeRequest): string[] {
		return req.method === 'GET' || req.method === 'HEAD' ? READ_SCOPES : WRITE_SCOPES;
	}

	protected override scopeError(): ErrorShape {
		return graphError(
			403,
			'accessDenied',
			'Access denied. You do not have permission to perform this action or access this resource.',
		);
	}

	/** A site owner deletes a library: its drive id answers 404 (itemNotFound) from now on. */
	removeLibrary(drive: GraphDrive): void {
		this.sites.removeLibrary(drive);
		this.drives.delete(drive.id);
	}

	// ---------------------------------------------------------------- routing

	protected async handle(req: FakeRequest, res: ServerResponse): Promise<void> {
		try {
			if (req.path.startsWith('/_upload/')) return await this.handleFragment(req, res);
			if (req.path.startsWith('/_download/')) return await this.handleDownload(req, res);
			if (req.path.startsWith('/v1.0/')) return await this.handleApi(req, res);
			throw faults.invalidRequest(`Invalid version or resource: ${req.path}`);
		} catch (error) {
			if (!(error instanceof GraphFault)) throw error;
			if (!res.headersSent) {
				await drain(req);
				this.sendError(res, error.shape);
			}
		}
	}

	private async handleApi(req: FakeRequest, res: ServerResponse): Promise<void> {
		const path = req.path.slice('/v1.0'.length);
		if (path === '/sites' || path.startsWith('/sites/')) return this.handleSites(req, res, path);
		const target = this.parseTarget(path);
		if (target) this.checkDriveAccess(req, target.address.drive, req.method !== 'GET');
		if (!target) {
			const drive = this.parseDriveOnly(req.path.slice('/v1.0'.length));
			if (!drive || req.method !== 'GET') throw this.notModelled(req);
			this.checkDriveAccess(req, drive.drive, false);
			this.allowQuery(req, ['$select']);
			return this.sendJson(
				res,
				200,
				applyFieldSelect(this.driveResource(drive), req.url.searchParams.get('$select')),
			);
		}
		const key = `${req.method} ${target.action ?? ''}`;
		switch (key) {
			case 'GET ':
				return this.getItem(req, res, target);
			case 'PATCH ':
				return this.patchItem(req, res, target);
			case 'DELETE ':
				return this.deleteItem(req, res, target);
			case 'GET children':
				return this.listChildren(req, res, target);
			case 'POST children':
				return this.createFolder(req, res, target);
			case 'GET content':
				return this.redirectToContent(req, res, target);
			case 'PUT content':
				return this.simpleUpload(req, res, target);
			case 'POST createUploadSession':
				return this.createSession(req, res, target);
			case 'GET delta':
				return this.delta(req, res, target);
			case 'POST checkin':
				return this.checkIn(req, res, target);
			case 'POST checkout':
				return this.checkOut(req, res, target);
		}
		if (target.action && !MODELLED_ACTIONS.includes(target.action)) throw this.notModelled(req);
		throw faults.methodNotAllowed();
	}

	// ---------------------------------------------------------------- SharePoint sites

	/**
	 * GET /sites?search={query} (site-search), GET /sites/{site-id} (site-get), GET /sites/{hostname}:/{path}
	 * (site-getbypath), GET /sites/{site-id}/drives (drive-list: the site's document libraries) and
	 * GET /sites/{site-id}/drive (drive-get: the default library). Items are reached through /drives/{drive-id}.
	 */
	private handleSites(req: FakeRequest, res: ServerResponse, path: string): void {
		if (req.method !== 'GET') throw this.notModelled(req);
		if (path === '/sites') {
			if (!req.url.searchParams.has('search')) throw this.notModelled(req);
			this.allowQuery(req, ['search', '$select', '$top']);
			this.requireScope(req, SITE_READ);
			const found = this.sites.search(req.url.searchParams.get('search') ?? '');
			const top = req.url.searchParams.has('$top')
				? parseTop(req.url.searchParams.get('$top'))
				: found.length;
			const select = req.url.searchParams.get('$select');
			return this.sendJson(res, 200, {
				'@odata.context': `${this.publicHost}/v1.0/$metadata#sites`,
				value: found.slice(0, top).map((site) => applyFieldSelect(siteJson(site), select)),
			});
		}
		const byPath = /^\/sites\/([^/:]+):(\/[^:]*):?(\/drives?)?$/.exec(path);
		const byId = /^\/sites\/([^/:]+)(\/drives?)?$/.exec(path);
		let site: FakeSite | undefined;
		let tail: string | undefined;
		if (byPath) {
			site = this.sites.byPath(decode(byPath[1]), decode(byPath[2]));
			tail = byPath[3];
		} else if (byId) {
			site = this.sites.byId(decode(byId[1]));
			tail = byId[2];
		} else {
			throw this.notModelled(req);
		}
		if (!site) {
			this.requireScope(req, [...SITE_READ, 'Sites.Selected', ...LIBRARY_READ]);
			throw faults.notFound('Requested site could not be found');
		}
		this.allowQuery(req, ['$select', '$top']);
		const select = req.url.searchParams.get('$select');
		if (tail === undefined) {
			this.checkSiteAccess(req, site, false, SITE_READ);
			return this.sendJson(res, 200, applyFieldSelect(siteJson(site), select));
		}
		// drive-list: Files.Read is its least privileged scope, but what it lists is the site's libraries.
		this.checkSiteAccess(req, site, false, LIBRARY_READ);
		if (tail === '/drive') {
			const library = site.libraries[0];
			return this.sendJson(
				res,
				200,
				applyFieldSelect(
					this.driveResource({ drive: library, prefix: `/drives/${library.id}` }),
					select,
				),
			);
		}
		return this.sendJson(res, 200, {
			'@odata.context': `${this.publicHost}/v1.0/$metadata#drives`,
			value: site.libraries.map((library) =>
				applyFieldSelect(
					this.driveResource({ drive: library, prefix: `/drives/${library.id}` }),
					select,
				),
			),
		});
	}

	private tokenScopes(req: FakeRequest): string[] {
		const check = this.auth.check(req.headers.authorization);
		return check.ok ? check.scopes : [];
	}

	private requireScope(req: FakeRequest, anyOf: string[]): void {
		const scopes = this.tokenScopes(req);
		if (!anyOf.some((scope) => scopes.includes(scope))) throw faults.accessDenied();
	}

	/** A site's resources: `broad` scopes reach every site; Sites.Selected only a site granted to the app. */
	private checkSiteAccess(req: FakeRequest, site: FakeSite, write: boolean, broad: string[]): void {
		const scopes = this.tokenScopes(req);
		if (broad.some((scope) => scopes.includes(scope))) return;
		if (scopes.includes('Sites.Selected')) {
			if (site.selectedGrant === 'write' || (site.selectedGrant === 'read' && !write)) return;
		}
		throw faults.accessDenied();
	}

	/** A document library's items need a scope that reaches libraries (or a Sites.Selected grant on its site). */
	private checkDriveAccess(req: FakeRequest, drive: GraphDrive, write: boolean): void {
		if (!drive.library) return;
		const site = this.sites.siteOf(drive);
		if (!site) throw faults.notFound(`Drive '${drive.id}' not found.`);
		this.checkSiteAccess(req, site, write, write ? LIBRARY_WRITE : LIBRARY_READ);
	}

	private parseDriveOnly(path: string): DriveAddress | undefined {
		if (path === '/me/drive') return { drive: this.drive, prefix: '/me/drive' };
		const match = /^\/drives\/([^/]+)$/.exec(path);
		if (!match) return undefined;
		return this.driveById(decode(match[1]));
	}

	private driveById(id: string): DriveAddress {
		const drive = this.drives.get(id);
		if (!drive) throw faults.notFound(`Drive '${id}' not found.`);
		return { drive, prefix: `/drives/${id}` };
	}

	private parseTarget(path: string): Target | undefined {
		let address: DriveAddress;
		let tail: string;
		const me = /^\/me\/drive(\/.*)$/.exec(path);
		const byId = /^\/drives\/([^/]+)(\/.*)$/.exec(path);
		if (me) {
			address = { drive: this.drive, prefix: '/me/drive' };
			tail = me[1];
		} else if (byId) {
			address = this.driveById(decode(byId[1]));
			tail = byId[2];
		} else {
			return undefined;
		}
		const match = /^\/(?:root|items\/([^/:]+))(?::([^:]*)(:)?)?(?:\/([A-Za-z][A-Za-z.]*))?$/.exec(
			tail,
		);
		if (!match) return undefined;
		const { drive } = address;
		const base = match[1] ? drive.require(decode(match[1])) : drive.root;
		if (!drive.visibleTo(base, SIGNED_IN_USER)) throw faults.notFound('Item does not exist');
		const segments = (match[2] ?? '')
			.split('/')
			.filter(Boolean)
			.map((segment) => decode(segment));
		const item = segments.length ? drive.resolvePath(base.id, segments) : base;
		if (item && !drive.visibleTo(item, SIGNED_IN_USER))
			return {
				address,
				base,
				segments,
				lockedOccupant: item,
				action: match[4] as Target['action'],
			};
		return { address, item, base, segments, action: match[4] as Target['action'] };
	}

	/** A route Graph has and this fake does not model (copy, permissions, thumbnails, ...): 501 naming it (issue 15). */
	private notModelled(req: FakeRequest): GraphFault {
		return new GraphFault(
			notModelled(
				req.method,
				req.path,
				(message) => graphError(501, 'notImplemented', message).body,
			),
		);
	}

	private allowQuery(req: FakeRequest, allowed: string[]): void {
		for (const key of req.url.searchParams.keys()) {
			if (!allowed.includes(key)) {
				throw faults.invalidRequest(`The query parameter '${key}' is not supported.`);
			}
		}
	}

	private found(target: Target): GraphItem {
		if (!target.item) throw faults.notFound('Item not found');
		return target.item;
	}

	/** The item as Graph returns it: its default fields, or those `select` names. */
	private itemJson(
		address: DriveAddress,
		item: GraphItem,
		select?: string[],
	): Record<string, unknown> {
		return applySelect(
			toDriveItem(address, item, { downloadUrl: (file) => this.downloadUrl(file) }),
			select,
		);
	}

	// ---------------------------------------------------------------- items

	private getItem(req: FakeRequest, res: ServerResponse, target: Target): void {
		this.allowQuery(req, ['$select']);
		const select = parseSelect(req.url.searchParams.get('$select'));
		this.sendJson(res, 200, this.itemJson(target.address, this.found(target), select));
	}

	private async patchItem(req: FakeRequest, res: ServerResponse, target: Target): Promise<void> {
		this.allowQuery(req, []);
		const item = this.found(target);
		const body = await this.readJson(req, [
			'name',
			'parentReference',
			CONFLICT_KEY,
			LEGACY_CONFLICT_KEY,
			'description',
			'fileSystemInfo',
		]);
		this.checkIfMatch(req, item);
		target.address.drive.checkNotLocked(item, SIGNED_IN_USER);
		const behavior = conflictBehaviorOf(body, 'fail');
		const times = fileSystemInfoOf(body.fileSystemInfo);
		let parentId: string | undefined;
		if (body.parentReference !== undefined) {
			const reference = body.parentReference as Record<string, unknown>;
			if (typeof reference !== 'object' || reference === null)
				throw faults.invalidRequest('parentReference must be an object.');
			if (typeof reference.id === 'string') parentId = reference.id;
			else if (typeof reference.path === 'string') {
				const path = reference.path.replace(/^\/drive\/root:|^\/drives\/[^/]+\/root:/, '');
				const parent = target.address.drive.resolvePath(
					target.address.drive.rootId,
					path.split('/').filter(Boolean),
				);
				if (!parent) throw faults.notFound('The destination folder does not exist.');
				parentId = parent.id;
			} else throw faults.invalidRequest('parentReference needs an id or a path.');
		}
		if (body.name !== undefined && typeof body.name !== 'string')
			throw faults.invalidRequest('name must be a string.');
		const updated = target.address.drive.update(
			item.id,
			{ name: body.name as string | undefined, parentId },
			behavior,
		);
		setClientTimes(updated, times);
		this.sendJson(res, 200, this.itemJson(target.address, updated));
	}

	private async deleteItem(req: FakeRequest, res: ServerResponse, target: Target): Promise<void> {
		this.allowQuery(req, []);
		const item = this.found(target);
		this.checkIfMatch(req, item);
		target.address.drive.checkNotLocked(item, SIGNED_IN_USER);
		await drain(req);
		target.address.drive.remove(item.id);
		this.sendJson(res, 204, undefined);
	}

	private checkIfMatch(req: FakeRequest, item: GraphItem): void {
		const expected = req.headers['if-match'];
		if (!expected || expected === '*') return;
		const etag = `"{${item.id}},${item.version}"`;
		const ctag = `"c:{${item.id}},${item.contentVersion}"`;
		if (expected !== etag && expected !== ctag) throw faults.preconditionFailed();
	}

	private listChildren(req: FakeRequest, res: ServerResponse, target: Target): void {
		this.allowQuery(req, ['$top', '$select', '$skiptoken']);
		const folder = this.found(target);
		const select = parseSelect(req.url.searchParams.get('$select'));
		const top = parseTop(req.url.searchParams.get('$top'));
		const skip = req.url.searchParams.get('$skiptoken');
		let after: { name: string; rank: number } | undefined;
		if (skip !== null) {
			const [name, rank] = Buffer.from(skip, 'base64url').toString('utf8').split('\u0000');
			if (!name || !/^\d+$/.test(rank ?? '')) throw faults.invalidRequest('Invalid $skiptoken.');
			after = { name, rank: Number(rank) };
		}
		const { page, more } = folder.isFolder
			? target.address.drive.childrenPage(folder.id, after, top)
			: { page: [], more: false };
		const body: Record<string, unknown> = {
			'@odata.context': `${this.publicHost}/v1.0/$metadata#drives('${target.address.drive.id}')/items('${folder.id}')/children`,
			value: page
				.filter((child) => target.address.drive.visibleTo(child, SIGNED_IN_USER))
				.map((child) => this.itemJson(target.address, child, select)),
		};
		if (more) {
			const params = new URLSearchParams();
			if (req.url.searchParams.has('$top')) params.set('$top', String(top));
			const query = [...params].map(([k, v]) => `${k}=${v}`);
			if (select) query.push(`$select=${select.map(encodeURIComponent).join(',')}`);
			const position = target.address.drive.pagePosition(page[page.length - 1]);
			query.push(
				`$skiptoken=${Buffer.from(`${position.name}\u0000${position.rank}`).toString('base64url')}`,
			);
			body['@odata.nextLink'] =
				`${this.publicHost}/v1.0${target.address.prefix}/items/${encodeURIComponent(folder.id)}/children?${query.join('&')}`;
		}
		this.sendJson(res, 200, body);
	}

	private async createFolder(req: FakeRequest, res: ServerResponse, target: Target): Promise<void> {
		this.allowQuery(req, []);
		const parent = this.found(target);
		const body = await this.readJson(req, [
			'name',
			'folder',
			CONFLICT_KEY,
			LEGACY_CONFLICT_KEY,
			'description',
			'fileSystemInfo',
		]);
		const times = fileSystemInfoOf(body.fileSystemInfo);
		if (typeof body.folder !== 'object' || body.folder === null) {
			throw faults.invalidRequest('Creating an item under children needs the folder facet.');
		}
		const behavior = conflictBehaviorOf(body, 'fail');
		const created = target.address.drive.createFolder(parent.id, body.name as string, behavior);
		setClientTimes(created, times);
		this.sendJson(res, 201, this.itemJson(target.address, created));
	}

	// ---------------------------------------------------------------- content

	private redirectToContent(req: FakeRequest, res: ServerResponse, target: Target): void {
		this.allowQuery(req, []);
		const item = this.found(target);
		if (item.isFolder) throw faults.invalidRequest('Cannot download a folder.');
		const known = req.headers['if-none-match'];
		if (
			known &&
			(known === `"{${item.id}},${item.version}"` ||
				known === `"c:{${item.id}},${item.contentVersion}"`)
		) {
			res.writeHead(304);
			res.end();
			return;
		}
		res.writeHead(302, { location: this.downloadUrl(item), 'content-length': '0' });
		res.end();
	}

	downloadUrl(item: GraphItem): string {
		const expires = Date.now() + DOWNLOAD_URL_LIFETIME_MS;
		return `${this.baseUrl}/_download/${item.blob!.id}?expires=${expires}`;
	}

	private async handleDownload(req: FakeRequest, res: ServerResponse): Promise<void> {
		if (req.method !== 'GET' && req.method !== 'HEAD') throw faults.methodNotAllowed();
		const blob = this.content.get(decode(req.path.slice('/_download/'.length)));
		const expires = Number(req.url.searchParams.get('expires'));
		if (!blob) throw faults.notFound();
		if (!(expires > Date.now())) {
			throw new GraphFault(
				graphError(401, 'unauthenticated', 'The pre-authenticated download URL has expired.'),
			);
		}
		const range = parseRange(req.headers.range, blob.size);
		if (range === 'unsatisfiable') {
			res.writeHead(416, { 'content-range': `bytes */${blob.size}`, 'content-length': '0' });
			res.end();
			return;
		}
		const [start, end] = range ?? [0, blob.size - 1];
		const headers: Record<string, string> = {
			'content-type': 'application/octet-stream',
			'content-length': String(Math.max(0, end - start + 1)),
			'accept-ranges': 'bytes',
		};
		if (range) headers['content-range'] = `bytes ${start}-${end}/${blob.size}`;
		res.writeHead(range ? 206 : 200, headers);
		if (req.method === 'HEAD' || blob.size === 0) {
			res.end();
			return;
		}
		await pipeline(blob.read(start, end), res).catch(() => res.destroy());
	}

	private async simpleUpload(req: FakeRequest, res: ServerResponse, target: Target): Promise<void> {
		this.allowQuery(req, [CONFLICT_KEY, LEGACY_CONFLICT_KEY]);
		const behavior = conflictBehaviorOf(Object.fromEntries(req.url.searchParams), 'replace');
		const declared = Number(req.headers['content-length'] ?? NaN);
		if (declared > this.simpleUploadLimit) throw faults.tooLarge();
		const { drive } = target.address;
		// Check the destination before reading the bytes, so a bad request does not cost a body.
		if (target.item?.isFolder) throw faults.invalidRequest('Cannot upload content to a folder.');
		if (target.lockedOccupant) throw faults.locked();
		if (!target.item && target.segments.length === 0) throw faults.notFound();
		const replacing =
			target.item && (target.segments.length === 0 || behavior === 'replace')
				? target.item
				: undefined;
		if (replacing) drive.checkNotLocked(replacing, SIGNED_IN_USER);
		const blob = await this.content.fromStream(limited(req, this.simpleUploadLimit));
		if (blob.size - (replacing?.blob?.size ?? 0) > drive.remainingBytes()) throw faults.quota();
		if (replacing) {
			const item = drive.replaceContent(replacing.id, blob);
			drive.recordWrite(item, SIGNED_IN_USER, false);
			return this.sendJson(res, 200, this.itemJson(target.address, item));
		}
		const parent = drive.ensureFolders(target.base.id, target.segments.slice(0, -1));
		const name = target.segments[target.segments.length - 1];
		const { item, created } = drive.putFile(parent.id, name, blob, behavior, guessMimeType(name));
		drive.recordWrite(item, SIGNED_IN_USER, created);
		this.sendJson(res, created ? 201 : 200, this.itemJson(target.address, item));
	}

	// ---------------------------------------------------------------- upload sessions

	private async createSession(
		req: FakeRequest,
		res: ServerResponse,
		target: Target,
	): Promise<void> {
		this.allowQuery(req, []);
		const body = await this.readJson(req, ['item', 'deferCommit']);
		const itemProps = (body.item ?? {}) as Record<string, unknown>;
		if (typeof itemProps !== 'object' || itemProps === null)
			throw faults.invalidRequest('item must be an object.');
		for (const key of Object.keys(itemProps)) {
			if (
				![
					CONFLICT_KEY,
					LEGACY_CONFLICT_KEY,
					'name',
					'fileSize',
					'description',
					'fileSystemInfo',
					'@odata.type',
				].includes(key)
			) {
				throw faults.invalidRequest(
					`The property '${key}' does not exist on type 'microsoft.graph.driveItemUploadableProperties'.`,
				);
			}
		}
		// Addressing an existing file's path updates it ("To update an existing file, specify the ID or path of the
		// file to update": https://learn.microsoft.com/onedrive/developer/rest-api/api/driveitem_createuploadsession),
		// so with no behaviour given the session replaces, as PUT content does ("The default for PUT is replace":
		// driveItem resource). rclone overwrites this way, sending no behaviour (CreateUploadRequest, issue 15).
		// Callers that must not overwrite send "fail" (nodes/shared/storage/oneDrive.ts always states one).
		const behavior = conflictBehaviorOf(itemProps, 'replace');
		const clientTimes = fileSystemInfoOf(itemProps.fileSystemInfo);
		const { drive } = target.address;
		if (typeof itemProps.fileSize === 'number' && itemProps.fileSize > drive.remainingBytes())
			throw faults.quota();
		let session: UploadSession;
		const common = {
			drive,
			prefix: target.address.prefix,
			behavior,
			deferCommit: body.deferCommit === true,
			clientTimes,
		};
		if (target.lockedOccupant) throw faults.locked();
		if (target.item && (target.segments.length === 0 || behavior === 'replace'))
			drive.checkNotLocked(target.item, SIGNED_IN_USER);
		if (target.segments.length === 0) {
			const item = this.found(target);
			if (item.isFolder) throw faults.invalidRequest('Cannot upload content to a folder.');
			session = this.uploads.create({ ...common, target: { kind: 'replace', itemId: item.id } });
		} else if (target.item && behavior === 'replace') {
			if (target.item.isFolder) throw faults.nameAlreadyExists(target.item.name);
			session = this.uploads.create({
				...common,
				target: { kind: 'replace', itemId: target.item.id },
			});
		} else {
			const parent = drive.ensureFolders(target.base.id, target.segments.slice(0, -1));
			const name = target.segments[target.segments.length - 1];
			session = this.uploads.create({
				...common,
				target: { kind: 'new', parentId: parent.id, name },
			});
		}
		this.sendJson(res, 200, {
			'@odata.context': `${this.publicHost}/v1.0/$metadata#microsoft.graph.uploadSession`,
			uploadUrl: `${this.baseUrl}/_upload/${session.id}`,
			...this.uploads.status(session),
		});
	}

	private async handleFragment(req: FakeRequest, res: ServerResponse): Promise<void> {
		const session = this.uploads.get(decode(req.path.slice('/_upload/'.length)));
		switch (req.method) {
			case 'GET':
				return this.sendJson(res, 200, this.uploads.status(session));
			case 'DELETE':
				await drain(req);
				this.uploads.drop(session);
				return this.sendJson(res, 204, undefined);
			case 'POST':
				await drain(req);
				if (session.total === undefined || session.received !== session.total) {
					throw faults.invalidRequest('The upload session is not complete.');
				}
				return this.commit(session, res);
			case 'PUT':
				break;
			default:
				throw faults.methodNotAllowed();
		}
		const header = parseContentRange(req.headers['content-range'], req.headers['content-length']);
		this.uploads.checkFragment(session, header);
		const complete = await this.receiveFragment(req, session, header.length);
		if (!complete) return; // the connection is gone; whole units already kept
		if (session.received < session.total!) {
			return this.sendJson(res, 202, this.uploads.status(session));
		}
		if (session.deferCommit) return this.sendJson(res, 202, this.uploads.status(session));
		return this.commit(session, res);
	}

	/**
	 * Reads one fragment into the session. Whole 320 KiB units are kept as they arrive, so a cut mid-fragment
	 * leaves the session at the last whole unit; the unaligned tail is kept only once the fragment is complete.
	 */
	private async receiveFragment(
		req: FakeRequest,
		session: UploadSession,
		length: number,
	): Promise<boolean> {
		const cutAfter = this.takeFragmentCut();
		let pending: Buffer[] = [];
		let pendingBytes = 0;
		let read = 0;
		const keepUnits = () => {
			if (pendingBytes < FRAGMENT_UNIT) return;
			const all = Buffer.concat(pending);
			const whole = all.length - (all.length % FRAGMENT_UNIT);
			session.writer.append(all.subarray(0, whole));
			session.received += whole;
			pending = whole < all.length ? [all.subarray(whole)] : [];
			pendingBytes = all.length - whole;
		};
		try {
			for await (const raw of req.raw) {
				let chunk = raw as Buffer;
				if (read + chunk.length > length)
					throw faults.invalidRequest('The fragment is longer than its Content-Range.');
				const cutting = cutAfter !== undefined && read + chunk.length >= cutAfter;
				if (cutting) chunk = chunk.subarray(0, cutAfter! - read);
				pending.push(chunk);
				pendingBytes += chunk.length;
				read += chunk.length;
				keepUnits();
				if (cutting) {
					req.raw.socket.destroy();
					return false;
				}
			}
		} catch (error) {
			if (error instanceof GraphFault) throw error;
			return false; // client went away: keep what is whole
		}
		if (read !== length) return false;
		for (const part of pending) session.writer.append(part);
		session.received += pendingBytes;
		return true;
	}

	private commit(session: UploadSession, res: ServerResponse): void {
		const { drive } = session;
		const address: DriveAddress = { drive, prefix: session.prefix };
		const blob = session.writer.finish();
		this.uploads.drop(session, true);
		const replacedSize =
			session.target.kind === 'replace' ? (drive.get(session.target.itemId)?.blob?.size ?? 0) : 0;
		if (blob.size - replacedSize > drive.remainingBytes()) throw faults.quota();
		// Someone may have checked the file out while the session ran.
		const occupant =
			session.target.kind === 'replace'
				? drive.get(session.target.itemId)
				: drive.childByName(session.target.parentId, session.target.name);
		if (occupant && (session.target.kind === 'replace' || session.behavior === 'replace'))
			drive.checkNotLocked(occupant, SIGNED_IN_USER);
		if (session.target.kind === 'replace') {
			const item = drive.replaceContent(session.target.itemId, blob);
			setClientTimes(item, session.clientTimes);
			drive.recordWrite(item, SIGNED_IN_USER, false);
			return this.sendJson(res, 200, this.itemJson(address, item));
		}
		const { item, created } = drive.putFile(
			session.target.parentId,
			session.target.name,
			blob,
			session.behavior,
		);
		setClientTimes(item, session.clientTimes);
		drive.recordWrite(item, SIGNED_IN_USER, created);
		this.sendJson(res, created ? 201 : 200, this.itemJson(address, item));
	}

	// ---------------------------------------------------------------- check-out (SharePoint)

	/** driveitem-checkin: body { comment, checkInAs: "published" or unspecified }; 204 No Content. */
	private async checkIn(req: FakeRequest, res: ServerResponse, target: Target): Promise<void> {
		this.allowQuery(req, []);
		if (target.lockedOccupant) throw faults.locked();
		const item = this.found(target);
		const body = await this.readJson(req, ['comment', 'checkInAs']);
		if (body.comment !== undefined && typeof body.comment !== 'string')
			throw faults.invalidRequest('comment must be a string.');
		if (
			body.checkInAs !== undefined &&
			!['published', 'unspecified'].includes(String(body.checkInAs))
		)
			throw faults.invalidRequest(`Invalid checkInAs value '${String(body.checkInAs)}'.`);
		target.address.drive.checkIn(item.id, SIGNED_IN_USER);
		this.sendJson(res, 204, undefined);
	}

	/** driveitem-checkout: no body; 204 No Content. */
	private async checkOut(req: FakeRequest, res: ServerResponse, target: Target): Promise<void> {
		this.allowQuery(req, []);
		if (target.lockedOccupant) throw faults.locked();
		const item = this.found(target);
		await drain(req);
		target.address.drive.checkOut(item.id, SIGNED_IN_USER);
		this.sendJson(res, 204, undefined);
	}

	// ---------------------------------------------------------------- delta

	private delta(req: FakeRequest, res: ServerResponse, target: Target): void {
		this.allowQuery(req, ['token', '$top', '$select']);
		const folder = this.found(target);
		const { drive, prefix } = target.address;
		if (!folder.isFolder) throw faults.invalidRequest('Delta is only supported on folders.');
		// "In OneDrive for Business and SharePoint, delta is only supported on the root folder, not on other folders
		// within a drive" (learn.microsoft.com/graph/api/driveitem-delta, Remarks).
		if (drive.driveType !== 'personal' && folder.id !== drive.rootId) {
			throw faults.invalidRequest(
				'Delta is only supported on the root folder of a OneDrive for Business drive or a SharePoint library.',
			);
		}
		const select = parseSelect(req.url.searchParams.get('$select'));
		const top = parseTop(req.url.searchParams.get('$top'));
		const scopePath =
			folder.id === drive.rootId ? 'root' : `items/${encodeURIComponent(folder.id)}`;
		const link = (token: DeltaToken) => {
			const query = [`token=${encodeToken(token)}`];
			if (req.url.searchParams.has('$top')) query.push(`$top=${top}`);
			if (select) query.push(`$select=${select.map(encodeURIComponent).join(',')}`);
			return `${this.publicHost}/v1.0${prefix}/${scopePath}/delta?${query.join('&')}`;
		};
		const tokenText = req.url.searchParams.get('token');
		const context = `${this.publicHost}/v1.0/$metadata#Collection(driveItem)`;
		if (tokenText === 'latest') {
			return this.sendJson(res, 200, {
				'@odata.context': context,
				value: [],
				'@odata.deltaLink': link({ epoch: drive.epoch, since: drive.seq, scope: folder.id }),
			});
		}
		let token: DeltaToken = { epoch: drive.epoch, since: 0, scope: folder.id };
		if (tokenText !== null) {
			const decoded = decodeToken(tokenText);
			if (!decoded || decoded.scope !== folder.id)
				throw faults.invalidRequest('Invalid delta token.');
			if (decoded.epoch !== drive.epoch) {
				throw faults.resyncRequired(`${this.publicHost}/v1.0${prefix}/${scopePath}/delta`);
			}
			token = decoded;
		}
		const page = deltaPage(drive, token, top);
		const body: Record<string, unknown> = {
			'@odata.context': context,
			value: page.entries.map(({ item, asDeleted }) =>
				// Delta entries carry the download URL as item reads do (selected by name under $select).
				applySelect(
					toDriveItem(target.address, item, {
						inDelta: true,
						asDeleted,
						downloadUrl: (file) => this.downloadUrl(file),
					}),
					select,
				),
			),
		};
		if (page.next) body['@odata.nextLink'] = link(page.next);
		else body['@odata.deltaLink'] = link(page.deltaLink!);
		this.sendJson(res, 200, body);
	}

	private driveResource(address: DriveAddress): Record<string, unknown> {
		const { drive } = address;
		const used = drive.usedBytes();
		// A library carries its name, address and creation time (drive-list.md's example response).
		const library = drive.library
			? {
					name: drive.library.name,
					description: '',
					webUrl: drive.library.webUrl,
					createdDateTime: drive.library.createdAt,
				}
			: {};
		return {
			id: drive.id,
			...library,
			driveType: drive.driveType,
			owner: { user: { displayName: 'Fake User' } },
			quota: {
				total: drive.quotaTotal,
				used,
				remaining: drive.remainingBytes(),
				deleted: 0,
				state: used >= drive.quotaTotal ? 'exceeded' : 'normal',
			},
		};
	}

	// ---------------------------------------------------------------- request helpers

	private async readJson(
		req: FakeRequest,
		allowedKeys: string[],
	): Promise<Record<string, unknown>> {
		const text = (await this.readBody(req, 1024 * 1024)).toString('utf8');
		if (!text.trim()) return {};
		let body: unknown;
		try {
			body = JSON.parse(text);
		} catch {
			throw faults.invalidRequest('The request body is not valid JSON.');
		}
		if (typeof body !== 'object' || body === null || Array.isArray(body)) {
			throw faults.invalidRequest('The request body must be a JSON object.');
		}
		for (const key of Object.keys(body)) {
			if (!allowedKeys.includes(key) && !key.startsWith('@odata.')) {
				throw faults.invalidRequest(
					`The property '${key}' does not exist on type 'microsoft.graph.driveItem'.`,
				);
			}
		}
		return body as Record<string, unknown>;
	}

	// ---------------------------------------------------------------- control: act as the user

	private resolveRef(ref: ItemRef, drive = this.drive): GraphItem | undefined {
		if (typeof ref !== 'string') return drive.get(ref.id);
		return drive.resolvePath(drive.rootId, ref.split('/').filter(Boolean));
	}

	private requireRef(ref: ItemRef, drive = this.drive): GraphItem {
		const item = this.resolveRef(ref, drive);
		if (!item) throw new Error(`fake graph: no item at ${typeof ref === 'string' ? ref : ref.id}`);
		return item;
	}

	/** The user uploads (or overwrites) a file at a path below the drive root; folders are created. Returns its id. */
	async userCreateFile(
		path: string,
		content: Buffer | AsyncIterable<Buffer>,
		options: { modifiedAt?: string; drive?: GraphDrive; by?: string } = {},
	): Promise<string> {
		const drive = options.drive ?? this.drive;
		const segments = path.split('/').filter(Boolean);
		const blob = Buffer.isBuffer(content)
			? this.content.fromBuffer(content)
			: await this.content.fromStream(content);
		const parent = drive.ensureFolders(drive.rootId, segments.slice(0, -1));
		const { item, created } = drive.putFile(
			parent.id,
			segments[segments.length - 1],
			blob,
			'replace',
		);
		if (options.modifiedAt) item.modifiedAt = options.modifiedAt;
		// Another user's upload into a library that requires check-out stays theirs until they check it in.
		if (options.by) drive.recordWrite(item, options.by, created);
		return item.id;
	}

	/** Another user (`by`, a display name) checks a file out, as SharePoint's "Check Out" does. */
	userCheckOut(ref: ItemRef, by: string, drive = this.drive): void {
		drive.checkOut(this.requireRef(ref, drive).id, by);
	}

	/** The user holding a file's check-out checks it in: everyone sees that version from now on. */
	userCheckIn(ref: ItemRef, by: string, drive = this.drive): void {
		drive.checkIn(this.requireRef(ref, drive).id, by);
	}

	userCreateFolder(path: string, drive = this.drive): string {
		return drive.ensureFolders(drive.rootId, path.split('/').filter(Boolean)).id;
	}

	userEditFile(ref: ItemRef, content: Buffer, drive = this.drive): void {
		drive.replaceContent(this.requireRef(ref, drive).id, this.content.fromBuffer(content));
	}

	userRename(ref: ItemRef, name: string, drive = this.drive): void {
		drive.update(this.requireRef(ref, drive).id, { name });
	}

	userMove(ref: ItemRef, newParent: ItemRef, drive = this.drive): void {
		drive.update(this.requireRef(ref, drive).id, {
			parentId: this.requireRef(newParent, drive).id,
		});
	}

	userDelete(ref: ItemRef, drive = this.drive): void {
		drive.remove(this.requireRef(ref, drive).id);
	}

	/** The user restores a deleted file from the recycle bin (same id; a new name when the old one is taken). */
	userRestore(id: string, name?: string, drive = this.drive): void {
		drive.restore(id, name);
	}

	item(ref: ItemRef, drive = this.drive): GraphItem | undefined {
		return this.resolveRef(ref, drive);
	}

	async readFile(ref: ItemRef, drive = this.drive): Promise<Buffer | undefined> {
		const item = this.resolveRef(ref, drive);
		return item?.blob ? readBlob(item.blob) : undefined;
	}

	blobOf(ref: ItemRef, drive = this.drive): Blob | undefined {
		return this.resolveRef(ref, drive)?.blob;
	}

	setQuota(quota: { total?: number; used?: number }, drive = this.drive): void {
		if (quota.total !== undefined) drive.quotaTotal = quota.total;
		if (quota.used !== undefined)
			drive.quotaExtraUsed = Math.max(0, quota.used - (drive.usedBytes() - drive.quotaExtraUsed));
	}

	/** Every delta token handed out so far answers 410 resyncRequired. */
	invalidateDeltaTokens(drive = this.drive): void {
		drive.epoch++;
	}

	/** An upload fragment (the next one, or the one after `skipFragments` more) loses its connection after `afterBytes` bytes. */
	cutNextUploadFragment(afterBytes: number, skipFragments = 0): void {
		this.fragmentCuts.push({ afterBytes, skip: skipFragments });
	}

	private takeFragmentCut(): number | undefined {
		const next = this.fragmentCuts[0];
		if (!next) return undefined;
		if (next.skip > 0) {
			next.skip--;
			return undefined;
		}
		this.fragmentCuts.shift();
		return next.afterBytes;
	}

	expireUploadSessions(): void {
		this.uploads.expireAll();
	}

	/** The next `count` requests (API, uploads, downloads) are throttled with Retry-After. */
	throttle(count: number, retryAfterSeconds: number, status: 429 | 503 = 429): void {
		const shape = throttleError(retryAfterSeconds, status);
		this.inject({
			path: /^\/(v1\.0|_upload|_download)\//,
			times: count,
			action: { type: 'respond', status: shape.status, headers: shape.headers, body: shape.body },
		});
	}

	dumpTree(drive = this.drive): TreeNode {
		const walk = (item: GraphItem): TreeNode => ({
			id: item.id,
			name: item.parentId ? item.name : 'root',
			...(item.isFolder
				? { children: drive.children(item.id).map(walk) }
				: { size: item.blob!.size, quickXorHash: item.blob!.quickXorHash }),
		});
		return walk(drive.root);
	}

	protected override async control(
		action: string,
		body: any,
		res: ServerResponse,
	): Promise<boolean> {
		const drive = body.drive ? this.drives.get(body.drive) : this.drive;
		if (!drive) {
			this.sendJson(res, 404, { error: `unknown drive ${body.drive}` });
			return true;
		}
		const ref: ItemRef = body.id ? { id: body.id } : body.path;
		const ok = (extra: Record<string, unknown> = {}) =>
			this.sendJson(res, 200, { ok: true, ...extra });
		try {
			switch (action) {
				case 'seed':
					for (const entry of Array.isArray(body.items) ? body.items : []) {
						if (entry.folder) this.userCreateFolder(entry.path, drive);
						else
							await this.userCreateFile(entry.path, controlContent(entry), {
								drive,
								modifiedAt: entry.modifiedAt,
							});
					}
					return (ok(), true);
				case 'create-file':
					return (
						ok({
							id: await this.userCreateFile(body.path, controlContent(body), {
								drive,
								modifiedAt: body.modifiedAt,
							}),
						}),
						true
					);
				case 'create-folder':
					return (ok({ id: this.userCreateFolder(body.path, drive) }), true);
				case 'edit-file':
					return (this.userEditFile(ref, controlContent(body), drive), ok(), true);
				case 'rename':
					return (this.userRename(ref, body.name, drive), ok(), true);
				case 'move':
					return (
						this.userMove(ref, body.parentId ? { id: body.parentId } : body.parentPath, drive),
						ok(),
						true
					);
				case 'delete':
					return (this.userDelete(ref, drive), ok(), true);
				case 'quota':
					return (
						this.setQuota(body, drive),
						ok(this.driveResource({ drive, prefix: '/me/drive' })),
						true
					);
				case 'check-out':
					return (this.userCheckOut(ref, String(body.user ?? 'Another User'), drive), ok(), true);
				case 'check-in':
					return (this.userCheckIn(ref, String(body.user ?? 'Another User'), drive), ok(), true);
				case 'invalidate-delta':
					return (this.invalidateDeltaTokens(drive), ok(), true);
				case 'tree':
					return (this.sendJson(res, 200, this.dumpTree(drive)), true);
				case 'add-site': {
					// A SharePoint site (or the one already at that path) with the named libraries besides Documents.
					const site =
						this.sites.byPath(this.sites.hostname, String(body.path ?? '')) ??
						this.addSite(String(body.path ?? ''), { displayName: body.displayName });
					for (const name of Array.isArray(body.libraries) ? body.libraries : [])
						if (!site.libraries.some((library) => library.library!.name === name))
							this.addLibrary(site, String(name));
					if (body.grant === 'read' || body.grant === 'write') site.selectedGrant = body.grant;
					// Libraries (by name) with the setting "Require documents to be checked out before they can be edited".
					for (const name of Array.isArray(body.requireCheckOut) ? body.requireCheckOut : [])
						for (const library of site.libraries)
							if (library.library!.name === name) library.library!.requireCheckOut = true;
					return (
						ok({
							id: site.id,
							webUrl: `https://${site.hostname}${site.path}`,
							libraries: site.libraries.map((library) => ({
								id: library.id,
								name: library.library!.name,
							})),
						}),
						true
					);
				}
				case 'add-drive': {
					const added = this.addDrive(body.driveType === 'business' ? 'business' : 'personal');
					return (ok({ id: added.id }), true);
				}
				case 'cut-upload':
					return (
						this.cutNextUploadFragment(Number(body.afterBytes), Number(body.skip ?? 0)),
						ok(),
						true
					);
				case 'expire-upload-sessions':
					return (this.expireUploadSessions(), ok(), true);
				case 'throttle':
					return (
						this.throttle(
							Number(body.count ?? 1),
							Number(body.retryAfter ?? 1),
							body.status === 503 ? 503 : 429,
						),
						ok(),
						true
					);
			}
		} catch (error) {
			const shape =
				error instanceof GraphFault
					? error.shape
					: { status: 400, body: { error: (error as Error).message } };
			this.sendJson(res, shape.status, shape.body);
			return true;
		}
		return false;
	}
}

export interface TreeNode {
	id: string;
	name: string;
	size?: number;
	quickXorHash?: string;
	children?: TreeNode[];
}

function controlContent(body: { content?: string; text?: string }): Buffer {
	if (typeof body.content === 'string') return Buffer.from(body.content, 'base64');
	return Buffer.from(body.text ?? '', 'utf8');
}

/** Graph's modelled item actions; any other (copy, permissions, thumbnails, ...) answers 501. */
const MODELLED_ACTIONS = [
	'children',
	'content',
	'createUploadSession',
	'delta',
	'checkin',
	'checkout',
];

/** Store the times a client set through fileSystemInfo (clientProps.ts); fields it left out keep theirs. */
function setClientTimes(item: GraphItem, times: ClientTimes | undefined): void {
	if (!times) return;
	item.clientTimes = {
		...item.clientTimes,
		...Object.fromEntries(Object.entries(times).filter(([, value]) => value !== undefined)),
	};
}

/** $select over a site or drive resource (their fields are not driveItem fields: no check against SELECTABLE). */
function applyFieldSelect(
	json: Record<string, unknown>,
	select: string | null,
): Record<string, unknown> {
	if (select === null) return json;
	const fields = select
		.split(',')
		.map((field) => field.trim())
		.filter(Boolean);
	for (const field of fields)
		if (!(field in json) && !KNOWN_RESOURCE_FIELDS.has(field))
			throw faults.invalidRequest(`Could not find a property named '${field}'.`);
	return Object.fromEntries(
		fields.filter((field) => field in json).map((field) => [field, json[field]]),
	);
}

/** Site and drive fields Graph has that the fake may leave out of a resource. */
const KNOWN_RESOURCE_FIELDS = new Set([
	'id',
	'name',
	'displayName',
	'description',
	'webUrl',
	'createdDateTime',
	'lastModifiedDateTime',
	'siteCollection',
	'driveType',
	'owner',
	'quota',
]);

function parseTop(value: string | null): number {
	if (value === null) return DEFAULT_PAGE;
	const top = Number(value);
	if (!/^\d+$/.test(value) || top < 1 || top > MAX_PAGE)
		throw faults.invalidRequest(`Invalid $top value '${value}'.`);
	return top;
}

function decode(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		throw faults.invalidRequest('The path contains malformed percent-encoding.');
	}
}

async function drain(req: FakeRequest): Promise<void> {
	if (req.raw.readableEnded) return;
	try {
		for await (const _chunk of req.raw) {
			// discard
		}
	} catch {
		// the client went away
	}
}

/** The request body, failing with 413 once it passes `limit` bytes. */
async function* limited(req: FakeRequest, limit: number): AsyncIterable<Buffer> {
	let total = 0;
	for await (const chunk of req.raw) {
		total += (chunk as Buffer).length;
		if (total > limit) throw faults.tooLarge();
		yield chunk as Buffer;
	}
}
