import type { Readable } from 'stream';
import { contentHasher } from '../knownHash';
import type { Transport } from '../../transport/transport';
import { wholeSource } from '../chunkedSource';
import { CloudError, HINTS, isCloudError } from '../../types/cloudError';
import type { Client } from '@microsoft/microsoft-graph-client';
import { scopeChanges } from './changes';
import { CheckIns } from './checkIn';
import { DownloadUrls, downloadStream } from './download';
import type { GraphService, Operation } from './errors';
import { GraphCaller } from './graphClient';
import {
	DOWNLOAD_URL,
	encodePath,
	ITEM_FIELDS,
	LISTING_FIELDS,
	parseFolderUrl,
	pathFromRoot,
	splitPath,
	toRemoteItem,
	type DriveItemJson,
} from './items';
import { uploadInSession, validFragmentSize, verify } from './upload';
import { MICROSOFT_GLOBAL_CLOUD } from './wire';
import type {
	ChangeBatch,
	FolderRef,
	HashKind,
	ProviderFeatures,
	RemoteItem,
	StorageProvider,
	UploadSource,
	UploadTarget,
} from '../types';

export interface OneDriveOptions {
	/** Which drive: the user's own (default) or one by id (Business/SharePoint document libraries). */
	drive?: '/me/drive' | `/drives/${string}`;
	/**
	 * Where `drive` is a remembered answer (a library chosen by name, its drive id cached): looks the drive up again
	 * and returns its id. Asked at most once a run, when a read answers 404 and the drive itself is gone.
	 */
	relocate?: () => Promise<string>;
	/** What the drive is to the user: their OneDrive (default) or a SharePoint site's document library. */
	kind?: GraphDriveKind;
	/** Upload-session fragment size; rounded down to a multiple of 320 KiB. Default from the link model: 13.1 MiB. */
	chunkSize?: number;
	/** Files up to this size go in one PUT. Default 4 MiB; at most Graph's 250 MB. Tests lower it. */
	simpleUploadLimit?: number;
	/** Children per listing page ($top). Default 200. */
	pageSize?: number;
}

/** At or below this, one PUT; above, an upload session (Graph docs recommend sessions beyond 4 MiB). */
const SIMPLE_UPLOAD_LIMIT = 4 * 1024 * 1024;
const MAX_SIMPLE_UPLOAD = 250 * 1024 * 1024;
const GRAPH_ROOT = `${MICROSOFT_GLOBAL_CLOUD.graph}/v1.0`;
const PAGE_SIZE = 200;
const MAX_PAGE_SIZE = 1000;
/** Delta takes $top like children; Graph serves up to 1000 items a page (research/api-brief.md 2.4). */
const DELTA_PAGE_SIZE = 1000;
/** Folders searchSearch visits at most (there is no folder search in the fakes; a bounded walk stands in). */
const SEARCH_VISIT_LIMIT = 500;
const CURSOR_PREFIX = 'od1:';
const CONFLICT_KEY = '@microsoft.graph.conflictBehavior';

/** The storages that are Graph drives. */
export type GraphDriveKind = 'oneDrive' | 'sharePoint';

/** How messages name each kind of drive. */
const SERVICE: Record<GraphDriveKind, GraphService> = {
	oneDrive: 'OneDrive',
	sharePoint: 'SharePoint',
};

/** Whether a drive of each kind can keep writes checked out ("Require Check Out" is a library setting). */
const CHECK_OUT: Record<GraphDriveKind, boolean> = {
	oneDrive: false,
	sharePoint: true,
};

/**
 * What each kind of drive takes as a folder's address (a library's
 * is read against the chosen site), and says of another.
 */
const FOLDER_ADDRESS: Record<
	GraphDriveKind,
	{ inChosenLibrary: boolean; refused: string; hint: string }
> = {
	oneDrive: {
		inChosenLibrary: false,
		refused: 'Not a OneDrive or SharePoint folder URL',
		hint: 'Paste the address of the folder as the browser shows it, or choose "By Path" or "By ID".',
	},
	sharePoint: {
		inChosenLibrary: true,
		refused: 'Not the address of a folder in the chosen SharePoint library',
		hint: 'Paste the address of a folder of the chosen library as the browser shows it, or choose "By Path" or "By ID".',
	},
};

/**
 * Any Graph drive: OneDrive (Personal and Business) or a SharePoint document library, chosen by `drive`, through
 * Microsoft Graph with the official SDK for the JSON calls and raw transport requests where Graph hands out
 * pre-authenticated URLs (upload-session fragments, downloads). Both speak the same driveItem API; the differences
 * that matter here (delta only at a drive's root, item ids) hold for OneDrive for Business already.
 */
export class OneDriveStorage implements StorageProvider {
	readonly kind: GraphDriveKind;
	readonly hashKind: HashKind = 'quickXorHash';
	readonly features: ProviderFeatures;
	private readonly client: Client;
	private readonly graph: GraphCaller;
	private readonly service: GraphService;
	/** Changes only when a remembered library is found gone and looked up again (see `relocated`). */
	private drive: string;
	private readonly relocate?: () => Promise<string>;
	/** A read succeeded on `drive` this run (or it was looked up): a 404 is then about the item, never the drive. */
	private driveConfirmed = false;
	private readonly fragmentSize: number;
	private readonly simpleUploadLimit: number;
	private readonly pageSize: number;
	/** Download URLs from this run's listings and delta pages. */
	private readonly downloadUrls = new DownloadUrls();
	/** Check-ins after writes, in libraries that require check-out. */
	private readonly checkIns: CheckIns;

	constructor(
		private readonly transport: Transport,
		options: OneDriveOptions = {},
	) {
		this.drive = options.drive ?? '/me/drive';
		this.relocate = options.relocate;
		this.kind = options.kind ?? 'oneDrive';
		this.service = SERVICE[this.kind];
		this.fragmentSize = validFragmentSize(options.chunkSize);
		this.simpleUploadLimit = Math.min(
			Math.max(0, options.simpleUploadLimit ?? SIMPLE_UPLOAD_LIMIT),
			MAX_SIMPLE_UPLOAD,
		);
		this.pageSize = Math.min(Math.max(1, Math.floor(options.pageSize ?? PAGE_SIZE)), MAX_PAGE_SIZE);
		this.graph = new GraphCaller(transport, this.service);
		this.client = this.graph.client;
		this.checkIns = new CheckIns(this.graph, (id) => this.itemPath(id), CHECK_OUT[this.kind]);
		this.features = {
			duplicateNames: false,
			caseInsensitive: true,
			appProperties: false,
			trash: false,
			chunkSize: this.fragmentSize,
			simpleUploadLimit: this.simpleUploadLimit,
		};
	}

	// ---------------------------------------------------------------- reading

	async root(): Promise<RemoteItem> {
		return toRemoteItem(
			await this.get(`${this.drive}/root?$select=${ITEM_FIELDS}`, 'read', 'the drive root'),
		);
	}

	async getItem(id: string): Promise<RemoteItem | undefined> {
		const json = await this.getOrUndefined(this.itemPath(id), id);
		return json && toRemoteItem(json);
	}

	async resolveFolder(ref: FolderRef): Promise<RemoteItem> {
		let json: DriveItemJson | undefined;
		let described = ref.value;
		if (ref.mode === 'id' || ref.mode === 'list') {
			json = await this.getOrUndefined(this.itemPath(ref.value), ref.value);
		} else if (ref.mode === 'path') {
			json = await this.byPath(ref.value);
		} else {
			const address = FOLDER_ADDRESS[this.kind];
			const parsed = address.inChosenLibrary
				? await this.libraryUrl(ref.value)
				: parseFolderUrl(ref.value);
			if (!parsed) {
				throw new CloudError('invalidRequest', `${address.refused}: ${ref.value}`, {
					target: ref.value,
					hint: address.hint,
				});
			}
			if ('id' in parsed) {
				json = await this.getOrUndefined(this.itemPath(parsed.id), parsed.id);
				described = parsed.id;
			} else {
				json = await this.byPath(parsed.path);
				described = parsed.path;
			}
		}
		if (!json) {
			throw new CloudError('notFound', `The ${this.service} folder "${described}" does not exist`, {
				status: 404,
				target: described,
				hint: 'Check the folder, or let the node create it (path mode).',
			});
		}
		if (!json.folder && !json.root) {
			throw new CloudError('invalidRequest', `"${described}" is a file, not a folder`, {
				target: described,
			});
		}
		return toRemoteItem(json, '');
	}

	async searchFolders(query: string, limit = 50): Promise<RemoteItem[]> {
		const wanted = query.toLowerCase();
		const found: RemoteItem[] = [];
		let visited = 0;
		for await (const item of this.walk((await this.root()).id, true, true)) {
			if (++visited > SEARCH_VISIT_LIMIT || found.length >= limit) break;
			if (item.isFolder && item.name.toLowerCase().includes(wanted)) found.push(item);
		}
		return found;
	}

	async findChild(
		parentId: string,
		name: string,
		itemKind?: 'file' | 'folder',
	): Promise<RemoteItem | undefined> {
		const json = await this.getOrUndefined(
			`${this.childPath(parentId, name)}?$select=${ITEM_FIELDS}`,
			name,
		);
		if (!json || json.name?.toLowerCase() !== name.toLowerCase()) return undefined;
		const item = toRemoteItem(json, json.name);
		if (itemKind === 'file' && item.isFolder) return undefined;
		if (itemKind === 'folder' && !item.isFolder) return undefined;
		return item;
	}

	list(folderId: string, options: { recursive?: boolean } = {}): AsyncIterable<RemoteItem> {
		return this.walk(folderId, options.recursive ?? false, false);
	}

	/** Breadth-first listing with paging; `path` relative to the listed folder. */
	private async *walk(
		folderId: string,
		recursive: boolean,
		foldersOnly: boolean,
	): AsyncGenerator<RemoteItem> {
		const queue: Array<{ id: string; path: string }> = [{ id: folderId, path: '' }];
		while (queue.length > 0) {
			const folder = queue.shift()!;
			let url: string | undefined =
				`${this.itemPath(folder.id)}/children?$top=${this.pageSize}&$select=${LISTING_FIELDS}`;
			while (url) {
				const page: { value: DriveItemJson[]; '@odata.nextLink'?: string } = await this.get(
					url,
					'read',
					folder.path || folder.id,
				);
				for (const json of page.value) {
					this.downloadUrls.remember(json.id, json[DOWNLOAD_URL]);
					const path = folder.path ? `${folder.path}/${json.name}` : (json.name ?? '');
					const item = toRemoteItem(json, path);
					if (item.isFolder && recursive) queue.push({ id: item.id, path });
					if (!foldersOnly || item.isFolder) yield item;
				}
				url = page['@odata.nextLink'];
			}
		}
	}

	// ---------------------------------------------------------------- change feed

	async latestCursor(_folderId: string, _options?: { recursive?: boolean }): Promise<string> {
		const page = await this.get(`${this.drive}/root/delta?token=latest`, 'read', 'the change feed');
		return CURSOR_PREFIX + tokenOf(page['@odata.deltaLink']);
	}

	/**
	 * Graph delta on the drive root (Business supports no other), tracked by item id and scoped to the folder's
	 * subtree through parent ids. A 410 resyncRequired becomes CloudError 'cursorReset'.
	 */
	async changes(
		folderId: string,
		cursor: string,
		options: { recursive?: boolean } = {},
	): Promise<ChangeBatch> {
		if (!cursor.startsWith(CURSOR_PREFIX)) {
			throw new CloudError(
				'cursorReset',
				`The stored ${this.service} cursor is not one this node wrote`,
				{
					hint: 'The node falls back to a full listing.',
				},
			);
		}
		const token = cursor.slice(CURSOR_PREFIX.length);
		const latest = new Map<string, DriveItemJson>();
		let url: string | undefined =
			`${this.drive}/root/delta?token=${encodeURIComponent(token)}&$top=${DELTA_PAGE_SIZE}&$select=${LISTING_FIELDS}`;
		let deltaLink: string | undefined;
		const driveAtStart = this.drive;
		while (url) {
			const page: {
				value: DriveItemJson[];
				'@odata.nextLink'?: string;
				'@odata.deltaLink'?: string;
			} = await this.get(url, 'read', 'the change feed').catch((error: unknown) => {
				// A remembered library found deleted: the one that now has its name has a feed of its own.
				if (this.drive === driveAtStart) throw error;
				throw new CloudError(
					'cursorReset',
					`The ${this.service} library was deleted and another one now has its name: its change feed starts over`,
					{ hint: HINTS.cursorReset, cause: error },
				);
			});
			// An item may appear more than once: the last occurrence is its latest state.
			for (const json of page.value) {
				latest.delete(json.id);
				latest.set(json.id, json);
			}
			url = page['@odata.nextLink'];
			deltaLink = page['@odata.deltaLink'];
		}
		const next = CURSOR_PREFIX + tokenOf(deltaLink);
		// Nothing new anywhere in the drive: one request, no lookups.
		if (latest.size === 0) return { changes: [], cursor: next };
		const changes = await scopeChanges(
			[...latest.values()],
			{ folderId, recursive: options.recursive ?? false },
			{
				folder: (id) =>
					this.getOrUndefined(
						`${this.itemPath(id)}?$select=id,name,parentReference,root,folder`,
						id,
					),
				watchedPath: async () => {
					const folder = await this.getOrUndefined(
						`${this.itemPath(folderId)}?$select=id,name,parentReference,root,folder`,
						folderId,
					);
					if (!folder) {
						throw new CloudError(
							'notFound',
							`The watched ${this.service} folder (${folderId}) no longer exists`,
							{
								status: 404,
								target: folderId,
								hint: 'Choose the folder again in the node.',
							},
						);
					}
					return pathFromRoot(folder) ?? '';
				},
			},
		);
		// Only files of the watched scope keep their URL: the drive-wide delta may carry many more.
		for (const change of changes)
			if (change.type === 'upsert')
				this.downloadUrls.remember(change.item.id, latest.get(change.item.id)?.[DOWNLOAD_URL]);
		return { changes, cursor: next };
	}

	// ---------------------------------------------------------------- writing

	async createFolder(parentId: string, name: string): Promise<RemoteItem> {
		try {
			const json: DriveItemJson = await this.call('write', name, () =>
				this.client
					.api(`${this.itemPath(parentId)}/children`)
					.post({ name, folder: {}, [CONFLICT_KEY]: 'fail' }),
			);
			return toRemoteItem(json, name);
		} catch (error) {
			// Creating is idempotent: a folder of that name already there is the folder we wanted.
			if (!isCloudError(error, 'conflict')) throw error;
			const existing = await this.findChild(parentId, name);
			if (existing?.isFolder) return existing;
			throw error;
		}
	}

	async upload(target: UploadTarget, source: UploadSource): Promise<RemoteItem> {
		const label = target.name;
		const behavior = target.replaceId ? 'replace' : (target.onConflict ?? 'fail');
		const base = target.replaceId
			? this.itemPath(target.replaceId)
			: this.childPath(target.parentId, target.name);
		let json: DriveItemJson;
		if (source.size <= this.simpleUploadLimit || source.size === 0) {
			const data = await wholeSource(source);
			const query = target.replaceId ? '' : `?${CONFLICT_KEY}=${behavior}`;
			json = await this.call('write', label, () =>
				this.client
					.api(`${base}/content${query}`)
					.header('Content-Type', target.mimeType ?? 'application/octet-stream')
					.put(data),
			);
			const hasher = contentHasher(source, 'quickXorHash');
			hasher.update(data);
			verify(json, data.length, hasher.digest(), label);
		} else {
			json = await uploadInSession(
				{
					transport: this.transport,
					fragmentSize: this.fragmentSize,
					target: label,
					service: this.service,
					createSession: () =>
						this.call('write', label, () =>
							this.client.api(`${base}/createUploadSession`).post({
								item: {
									[CONFLICT_KEY]: behavior,
									...(target.replaceId ? {} : { name: target.name }),
								},
							}),
						),
				},
				source,
			);
		}
		await this.checkIns.afterWrite(json.id, label);
		return toRemoteItem(json, json.name);
	}

	async download(id: string): Promise<Readable> {
		return downloadStream({
			transport: this.transport,
			contentUrl: `${GRAPH_ROOT}${this.itemPath(id)}/content`,
			service: this.service,
			target: id,
			knownUrl: this.downloadUrls.take(id),
		});
	}

	/** OneDrive's delete is the recycle bin; items there are no longer addressable. */
	async trash(id: string): Promise<void> {
		await this.delete(id);
	}

	async delete(id: string): Promise<void> {
		await this.call('write', id, () => this.client.api(this.itemPath(id)).delete());
	}

	async move(id: string, to: { parentId?: string; name?: string }): Promise<RemoteItem> {
		const body: Record<string, unknown> = { [CONFLICT_KEY]: 'fail' };
		if (to.parentId) body.parentReference = { id: to.parentId };
		if (to.name) body.name = to.name;
		const json: DriveItemJson = await this.call('write', to.name ?? id, () =>
			this.client.api(this.itemPath(id)).patch(body),
		);
		return toRemoteItem(json);
	}

	// ---------------------------------------------------------------- plumbing

	/**
	 * A folder URL inside this library: the library's own address (GET /drives/{id} webUrl, one request) followed
	 * by the folder's path ("https://contoso.sharepoint.com/sites/Finance/Receipts/2024" -> "2024"), or the same
	 * path in the "?id=" parameter SharePoint's folder views carry. Library names other than "Documents" work too.
	 */
	private async libraryUrl(value: string): Promise<{ path: string } | undefined> {
		let url: URL;
		try {
			url = new URL(value.trim());
		} catch {
			return undefined;
		}
		const drive: { webUrl?: string } = await this.get(
			`${this.drive}?$select=webUrl`,
			'read',
			'the SharePoint library',
		);
		if (!drive.webUrl) return undefined;
		const library = new URL(drive.webUrl);
		if (library.hostname.toLowerCase() !== url.hostname.toLowerCase()) return undefined;
		const base = decodeURIComponent(library.pathname).replace(/\/+$/, '').toLowerCase();
		const idParam = url.searchParams.get('id');
		const full = (idParam ?? decodeURIComponent(url.pathname)).replace(/\/+$/, '');
		if (full.toLowerCase() !== base && !full.toLowerCase().startsWith(`${base}/`)) return undefined;
		const rest = splitPath(full.slice(base.length));
		// A library view ("/Forms/AllItems.aspx") is the library's root.
		if (rest[0]?.toLowerCase() === 'forms' && rest.length === 2 && /\.aspx$/i.test(rest[1]))
			return { path: '' };
		return { path: rest.join('/') };
	}

	private itemPath(id: string): string {
		return `${this.drive}/items/${encodeURIComponent(id)}`;
	}

	/** …/items/{parentId}:/{name}: — path addressing relative to an item. */
	private childPath(parentId: string, name: string): string {
		return `${this.itemPath(parentId)}:/${encodeURIComponent(name)}:`;
	}

	private async byPath(path: string): Promise<DriveItemJson | undefined> {
		const segments = splitPath(path);
		const address = segments.length
			? `${this.drive}/root:/${encodePath(path)}:`
			: `${this.drive}/root`;
		return this.getOrUndefined(`${address}?$select=${ITEM_FIELDS}`, path || '/');
	}

	private async get(url: string, operation: Operation, target: string): Promise<any> {
		return this.onDrive(url, (address) => this.graph.get(address, operation, target));
	}

	private async getOrUndefined(url: string, target: string): Promise<DriveItemJson | undefined> {
		const withSelect = url.includes('?') ? url : `${url}?$select=${ITEM_FIELDS}`;
		return this.onDrive(withSelect, (address) => this.graph.getOrUndefined(address, target));
	}

	/**
	 * A read on this drive. Its first success confirms the drive; before that, a 404 (thrown or as undefined) on a
	 * remembered library asks whether the drive itself is gone, and if so the library is looked up again and the
	 * read repeated there. Costs nothing while the drive answers; one request for a 404 about an item.
	 */
	private async onDrive<T>(url: string, read: (url: string) => Promise<T>): Promise<T> {
		const before = this.drive;
		// Absolute links (next pages) come from an answer, so the drive was confirmed before them.
		const onThisDrive = url.startsWith(`${before}/`) || url.startsWith(`${before}?`);
		let result: T;
		try {
			result = await read(url);
		} catch (error) {
			if (!onThisDrive || !isCloudError(error, 'notFound') || !(await this.relocated()))
				throw error;
			return read(this.drive + url.slice(before.length));
		}
		if (result !== undefined) this.driveConfirmed = true;
		else if (onThisDrive && (await this.relocated()))
			return read(this.drive + url.slice(before.length));
		return result;
	}

	/** True when the remembered drive is gone and `drive` now names the library looked up again. */
	private async relocated(): Promise<boolean> {
		if (this.driveConfirmed || !this.relocate) return false;
		this.driveConfirmed = true;
		const drive = await this.graph.getOrUndefined(
			`${this.drive}?$select=id`,
			'the SharePoint library',
		);
		if (drive) return false;
		const moved = `/drives/${encodeURIComponent(await this.relocate())}` as const;
		if (moved === this.drive) return false;
		this.drive = moved;
		return true;
	}

	private async call<T>(operation: Operation, target: string, run: () => Promise<T>): Promise<T> {
		return this.graph.call(operation, target, run);
	}
}

/** The token of an @odata.deltaLink ("…/delta?token=XYZ"); state stays small and host-independent. */
function tokenOf(link: string | undefined): string {
	const token = link ? new URL(link).searchParams.get('token') : null;
	if (!token)
		throw new CloudError(
			'other',
			'Microsoft Graph returned a change feed page without a delta link',
		);
	return token;
}
