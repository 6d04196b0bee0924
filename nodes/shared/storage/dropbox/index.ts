import { Dropbox, type files } from 'dropbox';
import type { Readable } from 'stream';
import { contentHasher } from '../knownHash';
import type { Transport } from '../../transport/transport';
import { readAll } from '../../transport/wire';
import { wholeSource } from '../chunkedSource';
import { chunkSizeFor } from '../chunkSize';
import { CloudError, isCloudError } from '../../types/cloudError';
import { dropboxAnswerToCloudError, toDropboxCloudError, type DropboxErrorAnswer } from './errors';
import {
	DROPBOX_ROOT_ID,
	folderArg,
	headerSafeJson,
	isFolderMeta,
	isRootId,
	joinPath,
	normalizeUserPath,
	parentPathOf,
	pathFromDropboxUrl,
	relativePath,
	ROOT_PLACE,
	toRemoteItem,
	type DropboxMeta,
	type FolderPlace,
} from './items';
import { resumableDownload, type DownloadResponse } from './download';
import {
	cursorParts,
	cursorWithPlace,
	DropboxPlaceCache,
	feedBinding,
	feedScope,
	outdatedCursor,
	provenPlace,
	watchedEntries,
} from './places';
import { uploadInSession, type ContentCall, type SessionUploadReport } from './upload';
import { DROPBOX_CONTENT_ORIGIN } from './wire';
import type {
	Change,
	ChangeBatch,
	FolderRef,
	HashKind,
	ProviderFeatures,
	RemoteItem,
	StorageProvider,
	UploadSource,
	UploadTarget,
} from '../types';

const MIB = 1024 * 1024;
/** Session chunks are multiples of 4 MiB (required for concurrent sessions, Dropbox's block size for hashing). */
const CHUNK_ALIGNMENT = 4 * MIB;
/** From the link model (chunkSize.ts): 16 MiB. */
const DEFAULT_CHUNK_SIZE = chunkSizeFor(CHUNK_ALIGNMENT);
const CONTENT_HOST = `${DROPBOX_CONTENT_ORIGIN}/2/`;
/**
 * The SDK wants a token, but never sees the real one: Transport strips the SDK's Authorization header and the wire
 * signs with the credential. Without refreshToken/clientId the SDK never refreshes by itself, and every request it
 * makes (RPC, upload, download) goes through the `fetch` we give it (dropbox 10.34 src/dropbox.js, auth.js).
 */
const PLACEHOLDER_TOKEN = 'signed-by-the-wire';

export interface DropboxStorageOptions {
	/** Upload-session chunk size; rounded down to a multiple of 4 MiB (at least 4 MiB). */
	chunkSize?: number;
	/** Entries per list_folder page (Dropbox allows 1..2000; the limit is approximate on the real service). */
	listPageSize?: number;
	/** How long a folder's remembered path is trusted (default 5 minutes). */
	placeMaxAgeMs?: number;
}

/** A folder's place, and whether it came from the cache (then a not_found below it may mean it moved). */
type KnownPlace = FolderPlace & { fromCache: boolean };

/** Dropbox API v2 as a StorageProvider (see DESIGN.md section 3 and research/api-brief.md section 3). */
export class DropboxStorage implements StorageProvider {
	readonly kind = 'dropbox' as const;
	readonly hashKind: HashKind = 'dropboxContentHash';
	readonly features: ProviderFeatures;
	/** Counters of the last session upload (tests and benchmarks read them). */
	lastSessionUpload?: SessionUploadReport;
	private readonly api: Dropbox;
	private readonly listPageSize: number;
	/** Folder id -> path: Dropbox writes by path, and asking for it before every write would double the requests. */
	private readonly places: DropboxPlaceCache;
	/** Look-ups of folder places under way: uploads side by side into one folder share one get_metadata. */
	private readonly lookingUp = new Map<string, Promise<KnownPlace>>();

	constructor(
		private readonly transport: Transport,
		options: DropboxStorageOptions = {},
	) {
		const chunkSize = Math.max(
			CHUNK_ALIGNMENT,
			Math.floor((options.chunkSize ?? DEFAULT_CHUNK_SIZE) / CHUNK_ALIGNMENT) * CHUNK_ALIGNMENT,
		);
		this.features = {
			duplicateNames: false,
			caseInsensitive: true,
			appProperties: false,
			// Deleted files stay restorable in Dropbox, but not addressable by id through the API.
			trash: false,
			chunkSize,
			simpleUploadLimit: chunkSize,
		};
		this.listPageSize = Math.min(2000, Math.max(1, options.listPageSize ?? 2000));
		this.places = new DropboxPlaceCache(options.placeMaxAgeMs);
		this.api = new Dropbox({ accessToken: PLACEHOLDER_TOKEN, fetch: transport.fetch });
	}

	async root(): Promise<RemoteItem> {
		return { id: DROPBOX_ROOT_ID, name: '', isFolder: true, path: '' };
	}

	async getItem(id: string): Promise<RemoteItem | undefined> {
		if (isRootId(id)) return this.root();
		const meta = await this.lookup(id);
		return meta ? toRemoteItem(meta) : undefined;
	}

	async resolveFolder(ref: FolderRef): Promise<RemoteItem> {
		let pathOrId: string;
		if (ref.mode === 'url') {
			const path = pathFromDropboxUrl(ref.value);
			if (path === undefined) {
				throw new CloudError('invalidRequest', `"${ref.value}" is not a Dropbox folder link`, {
					target: ref.value,
					hint: 'Use a link of the form https://www.dropbox.com/home/<folder path>, or choose the folder by path.',
				});
			}
			pathOrId = path;
		} else if (ref.mode === 'path') {
			pathOrId = normalizeUserPath(ref.value);
		} else {
			const value = ref.value.trim();
			pathOrId =
				value.startsWith('id:') || isRootId(value) ? folderArg(value) : normalizeUserPath(value);
		}
		if (pathOrId === '') return this.root();
		const meta = await this.lookup(pathOrId);
		if (!meta) {
			throw new CloudError('notFound', `The Dropbox folder "${ref.value}" does not exist`, {
				target: ref.value,
				hint: 'Check the folder path or pick the folder again from the list.',
			});
		}
		if (!isFolderMeta(meta))
			throw new CloudError('invalidRequest', `"${meta.path_display}" is a file, not a folder`, {
				target: meta.path_display,
			});
		return toRemoteItem(meta, { path: '' });
	}

	async searchFolders(query: string, limit = 50): Promise<RemoteItem[]> {
		const text = query.trim();
		if (text === '') {
			const found: RemoteItem[] = [];
			for await (const item of this.list(DROPBOX_ROOT_ID, { recursive: true })) {
				if (item.isFolder) found.push(item);
				if (found.length >= limit) break;
			}
			return found;
		}
		const result = await this.sdk('search folders', text, () =>
			this.api.filesSearchV2({
				query: text,
				options: { max_results: Math.min(limit, 1000), file_categories: [{ '.tag': 'folder' }] },
			}),
		);
		return result.matches
			.map((match) => (match.metadata as { metadata?: DropboxMeta }).metadata)
			.filter((meta): meta is DropboxMeta => !!meta && isFolderMeta(meta))
			.slice(0, limit)
			.map((meta) => {
				this.places.remember({ ...meta, '.tag': 'folder' });
				return meta;
			})
			.map((meta) => toRemoteItem(meta, { path: meta.path_display?.replace(/^\//, '') }));
	}

	async findChild(
		parentId: string,
		name: string,
		itemKind?: 'file' | 'folder',
	): Promise<RemoteItem | undefined> {
		let parent = await this.place(parentId);
		let meta = await this.lookup(joinPath(parent.pathDisplay, name));
		if (!meta && parent.fromCache && !this.places.isConfirmed(parentId)) {
			// Nothing there, or the parent moved since we saw it: only a fresh look at the parent tells (once a run:
			// a parent read by its id stays trusted, so creating many folders in one place costs no extra lookups).
			const fresh = await this.place(parentId, { fresh: true });
			if (fresh.pathLower !== parent.pathLower)
				meta = await this.lookup(joinPath(fresh.pathDisplay, name));
			parent = fresh;
		}
		if (!meta) return undefined;
		const item = toRemoteItem(meta, { parentId: parent.id, path: meta.name });
		if (itemKind && item.isFolder !== (itemKind === 'folder')) return undefined;
		return item;
	}

	async createFolder(parentId: string, name: string): Promise<RemoteItem> {
		const parent = await this.place(parentId);
		const path = joinPath(parent.pathDisplay, name);
		try {
			const result = await this.sdk('create the folder', path, () =>
				this.api.filesCreateFolderV2({ path, autorename: false }),
			);
			this.places.remember({ ...(result.metadata as DropboxMeta), '.tag': 'folder' });
			return toRemoteItem(
				{ ...(result.metadata as DropboxMeta), '.tag': 'folder' },
				{ parentId: parent.id, path: name },
			);
		} catch (error) {
			if (!isCloudError(error, 'conflict')) throw error;
			// Creating a folder that is already there is a success (runs are idempotent); a file in the way is not.
			const existing = await this.lookup(path);
			if (existing && isFolderMeta(existing))
				return toRemoteItem(existing, { parentId: parent.id, path: name });
			throw error;
		}
	}

	async *list(folderId: string, options?: { recursive?: boolean }): AsyncIterable<RemoteItem> {
		let folder = await this.place(folderId);
		const parents = new Map<string, string>([[folder.pathLower, folder.id]]);
		// By id, so the listing is right even when the remembered path is not.
		let page = await this.sdk('list', folder.pathDisplay || '/', () =>
			this.api.filesListFolder({
				path: folderArg(folderId),
				recursive: !!options?.recursive,
				include_deleted: false,
				limit: this.listPageSize,
			}),
		);
		for (;;) {
			for (const entry of page.entries as DropboxMeta[]) {
				if (entry['.tag'] === 'deleted') continue;
				this.places.remember(entry);
				if (relativePath(folder, entry) === undefined && folder.fromCache) {
					// Every entry of a listing is inside the folder: one outside means the folder moved since we saw it.
					folder = await this.place(folderId, { fresh: true });
					parents.set(folder.pathLower, folder.id);
				}
				const path = relativePath(folder, entry);
				if (!path) continue; // the folder itself (recursive listings include it) or outside it
				const lowerPath = entry.path_lower ?? '';
				if (entry['.tag'] === 'folder' && entry.id) parents.set(lowerPath, entry.id);
				yield toRemoteItem(entry, { path, parentId: parents.get(parentPathOf(lowerPath)) });
			}
			if (!page.has_more) return;
			const cursor = page.cursor;
			page = await this.sdk('list', folder.pathDisplay || '/', () =>
				this.api.filesListFolderContinue({ cursor }),
			);
		}
	}

	/**
	 * The cursor is bound to the folder's path at this moment, so it always carries that place (see changes()):
	 * taken before the cursor, so a move in between costs one listing more, never a miss. Usually remembered from
	 * this run (the folder was just resolved or listed); after a cursor reset it is the one lookup the listing
	 * that follows would make anyway.
	 */
	async latestCursor(folderId: string, options?: { recursive?: boolean }): Promise<string> {
		const place = isRootId(folderId) ? undefined : await this.place(folderId);
		const scope = feedScope(isRootId(folderId), !!options?.recursive);
		const result = await this.sdk('read the change cursor of', folderId || '/', () =>
			this.api.filesListFolderGetLatestCursor({
				path: folderArg(folderId),
				recursive: scope.recursive,
				include_deleted: false,
			}),
		);
		return cursorWithPlace(result.cursor, place, scope.childrenOnly);
	}

	/**
	 * The cursor remembers whether it is recursive; `options.recursive === false` only tells an outdated cursor
	 * (outdatedCursor) from a current one. An idle feed costs one request. Where the folder is (for relative
	 * paths) comes from the cursor (where it was when the cursor was issued) or from this run; it is asked again
	 * only when the batch contradicts it (an entry outside it) or could (a deletion: the folder itself may be gone
	 * or renamed), or when neither knows it.
	 */
	async changes(
		folderId: string,
		storedCursor: string,
		options?: { recursive?: boolean },
	): Promise<ChangeBatch> {
		const stored = cursorParts(storedCursor);
		const { cursor, place: carried } = stored;
		const childrenOnly = !!stored.childrenOnly;
		if (outdatedCursor(stored, isRootId(folderId), options?.recursive)) {
			throw new CloudError(
				'cursorReset',
				'The saved Dropbox change cursor of this folder cannot tell when the folder is renamed or moved',
				{
					target: folderId,
					hint: 'The node lists the folder once (nothing collected twice) and follows it with a cursor that can.',
				},
			);
		}
		const hint = carried?.id === folderId ? carried : undefined;
		const entries: DropboxMeta[] = [];
		let next = cursor;
		for (;;) {
			const from = next;
			const page = await this.feedPage(folderId, from);
			entries.push(...(page.entries as DropboxMeta[]));
			next = page.cursor;
			if (!page.has_more) break;
		}
		if (entries.length === 0) {
			// Nothing changed at the cursor's path: where it is proven to be the folder's, the folder is still there
			// now, and a write into it (or below it) needs no look-up first.
			const proven = provenPlace(stored, folderId, entries);
			if (proven) this.places.remember(folderMetaAt(proven));
			return {
				changes: [],
				cursor: cursorWithPlace(
					next,
					hint ?? this.places.place(folderId),
					childrenOnly,
					proven !== undefined,
				),
			};
		}
		for (const entry of entries) this.places.remember(entry);
		const cached = this.places.place(folderId);
		let folder: KnownPlace = cached
			? { ...cached, fromCache: true }
			: hint
				? { ...hint, fromCache: true }
				: await this.place(folderId);
		// A feed only holds entries inside the folder: one outside means the folder moved since that place was seen.
		const contradicted = entries.some(
			(entry) => entry['.tag'] === 'deleted' || relativePath(folder, entry) === undefined,
		);
		if (folder.fromCache && contradicted) folder = await this.place(folderId, { fresh: true });
		// The cursor follows the path it was made for (`hint`: where the folder was then), not the folder.
		const binding = feedBinding(hint, folder, entries);
		if (!binding.follows) {
			// Only a new listing at the new place sees what happens there; the ledger knows the files by id.
			const from = binding.boundTo
				? `moved from "${binding.boundTo.pathDisplay}" to "${folder.pathDisplay}"`
				: `is now at "${folder.pathDisplay}", not where its change cursor looks`;
			throw new CloudError('cursorReset', `The watched Dropbox folder ${from}`, {
				target: folder.pathDisplay,
				hint: 'The node lists the folder at its new place once (nothing collected twice) and follows it from there.',
			});
		}
		// Entries below the place the cursor carries, and that place is where the folder is: both proven.
		if (hint) this.places.remember(folderMetaAt(folder));
		return {
			changes: await this.toChanges(folder, watchedEntries(folder, entries, childrenOnly)),
			cursor: cursorWithPlace(next, folder, childrenOnly, hint !== undefined),
		};
	}

	/**
	 * One page of the feed. list_folder/continue may also answer that the cursor's path is not found
	 * (ListFolderContinueError.path): when the folder itself is still there by id, it moved, and is listed again at
	 * its new place; otherwise it is gone.
	 */
	private async feedPage(folderId: string, cursor: string): Promise<files.ListFolderResult> {
		try {
			return await this.sdk('read changes of', isRootId(folderId) ? '/' : folderId, () =>
				this.api.filesListFolderContinue({ cursor }),
			);
		} catch (error) {
			if (!isCloudError(error, 'notFound') || isRootId(folderId) || !(await this.lookup(folderId)))
				throw error;
			throw new CloudError(
				'cursorReset',
				'The watched Dropbox folder is no longer where its change cursor looks',
				{
					target: folderId,
					hint: 'The node lists the folder at its new place once (nothing collected twice) and follows it from there.',
				},
			);
		}
	}

	/** Feed entries as changes relative to `folder`, each upsert with its parent's id. */
	private async toChanges(folder: FolderPlace, entries: DropboxMeta[]): Promise<Change[]> {
		const changes: Change[] = [];
		// Dropbox metadata names no parent: folders of the batch, the watched folder and known folders say where things are.
		const folderIds = new Map<string, string>([[folder.pathLower, folder.id]]);
		const upserts: Array<{ item: RemoteItem; parentLower: string }> = [];
		for (const entry of entries) {
			const path = relativePath(folder, entry);
			if (!path) continue;
			if (entry['.tag'] === 'deleted') {
				// Deleted entries carry no id; a deleted folder stands for everything below it.
				changes.push({ type: 'delete', path });
				continue;
			}
			const lowerPath = entry.path_lower ?? '';
			if (entry['.tag'] === 'folder' && entry.id) folderIds.set(lowerPath, entry.id);
			const item = toRemoteItem(entry, { path });
			upserts.push({ item, parentLower: parentPathOf(lowerPath) });
			changes.push({ type: 'upsert', item });
		}
		for (const { item, parentLower } of upserts) {
			if (!folderIds.has(parentLower)) {
				const known = this.places.idAt(parentLower) ?? (await this.lookup(parentLower))?.id;
				if (known) folderIds.set(parentLower, known);
			}
			const parentId = folderIds.get(parentLower);
			if (parentId !== undefined) item.parentId = parentId;
		}
		return changes;
	}

	async upload(target: UploadTarget, source: UploadSource): Promise<RemoteItem> {
		const placement = await this.placement(target);
		const commit = {
			path: placement.path,
			mode: placement.mode,
			autorename: placement.autorename,
			mute: true,
			strict_conflict: false,
		};
		// The content hash compared at the end: the caller's, or computed here as the bytes go out.
		const hasher = contentHasher(source, 'dropboxContentHash');
		let result: DropboxMeta;
		if (source.size <= this.features.simpleUploadLimit) {
			const data = await wholeSource(source);
			hasher.update(data);
			result = (await this.sdk('upload', placement.path, () =>
				this.api.filesUpload({ ...commit, contents: data } as files.UploadArg),
			)) as DropboxMeta;
		} else {
			const report: SessionUploadReport = { chunks: 0, bytesSent: 0, resumes: 0 };
			this.lastSessionUpload = report;
			result = await uploadInSession(
				{
					call: this.contentCall,
					lookup: (path) => this.lookup(path),
					backoff: (attempt) =>
						this.transport.pacer.options.sleep(this.transport.pacer.backoff(attempt)),
					chunkSize: this.features.chunkSize,
				},
				source,
				commit,
				hasher,
				report,
			);
		}
		const expected = hasher.digest();
		if (result.content_hash !== expected) {
			throw new CloudError(
				'integrity',
				`Dropbox stored different bytes for "${placement.path}" than were sent (content hash mismatch)`,
				{
					target: placement.path,
					hint: 'Run again; the file will be uploaded again.',
				},
			);
		}
		return toRemoteItem(
			{ ...result, '.tag': 'file' },
			{ parentId: placement.parentId, path: result.name },
		);
	}

	async download(id: string): Promise<Readable> {
		return resumableDownload({
			target: id,
			backoff: (attempt) =>
				this.transport.pacer.options.sleep(this.transport.pacer.backoff(attempt)),
			open: (offset, rev) => this.openDownload(rev ? `rev:${rev}` : id, offset, id),
		});
	}

	/** Dropbox keeps deleted files restorable for 30+ days: deleting is its trash. */
	async trash(id: string): Promise<void> {
		await this.delete(id);
	}

	async delete(id: string): Promise<void> {
		if (isRootId(id))
			throw new CloudError('invalidRequest', 'The Dropbox root folder cannot be deleted');
		await this.sdk('delete', id, () => this.api.filesDeleteV2({ path: id }));
	}

	async move(id: string, to: { parentId?: string; name?: string }): Promise<RemoteItem> {
		const current = await this.lookup(id);
		if (!current?.path_display)
			throw new CloudError('notFound', `Dropbox has no item "${id}" to move`, { target: id });
		const parentPath =
			to.parentId !== undefined
				? (await this.place(to.parentId)).pathDisplay
				: parentPathOf(current.path_display);
		const toPath = joinPath(parentPath, to.name ?? current.name);
		if (toPath === current.path_display) return toRemoteItem(current);
		const result = await this.sdk('move', current.path_display, () =>
			this.api.filesMoveV2({ from_path: id, to_path: toPath, autorename: false }),
		);
		this.places.remember(result.metadata as DropboxMeta);
		return toRemoteItem(result.metadata as DropboxMeta, { parentId: to.parentId });
	}

	/**
	 * Folders the run's change batch showed at these paths below the root (see StorageProvider.knowPlaces): their
	 * places follow from the root's, when this run has seen where the root is (a feed batch that proved it, a
	 * listing, a look-up). A folder already seen in this run keeps what was seen.
	 */
	knowPlaces(rootId: string, folders: ReadonlyArray<{ id: string; path: string }>): void {
		const root = isRootId(rootId) ? ROOT_PLACE : this.places.place(rootId);
		if (!root) return;
		for (const folder of folders) {
			if (isRootId(folder.id) || folder.path === '' || this.places.place(folder.id)) continue;
			const pathDisplay = joinPath(root.pathDisplay, folder.path);
			const pathLower = pathDisplay.toLowerCase();
			if (this.places.idAt(pathLower) !== undefined) continue;
			this.places.remember(folderMetaAt({ id: folder.id, pathLower, pathDisplay }));
		}
	}

	// ---------------------------------------------------------------- helpers

	private async sdk<T>(
		action: string,
		target: string | undefined,
		run: () => Promise<{ result: T }>,
	): Promise<T> {
		try {
			return (await run()).result;
		} catch (error) {
			throw toDropboxCloudError(error, action, target);
		}
	}

	/** Metadata by path or id; undefined when Dropbox has nothing there. */
	private async lookup(pathOrId: string): Promise<DropboxMeta | undefined> {
		try {
			const meta = (await this.sdk('look up', pathOrId, () =>
				this.api.filesGetMetadata({ path: pathOrId }),
			)) as DropboxMeta;
			this.places.remember(meta);
			if (meta.id === pathOrId) this.places.confirm(meta.id);
			return meta;
		} catch (error) {
			if (isCloudError(error, 'notFound')) {
				if (pathOrId.startsWith('id:')) this.places.forgetId(pathOrId);
				return undefined;
			}
			throw error;
		}
	}

	/**
	 * Where a folder id is (paths change when the user renames; ids do not): remembered from earlier metadata, or
	 * asked with get_metadata when unknown or when `fresh` (a remembered path turned out wrong).
	 */
	private async place(folderId: string, options: { fresh?: boolean } = {}): Promise<KnownPlace> {
		if (isRootId(folderId)) return { ...ROOT_PLACE, fromCache: false };
		const known = options.fresh ? undefined : this.places.place(folderId);
		if (known) return { ...known, fromCache: true };
		if (options.fresh) return await this.lookUpPlace(folderId);
		let pending = this.lookingUp.get(folderId);
		if (!pending) {
			pending = this.lookUpPlace(folderId).finally(() => this.lookingUp.delete(folderId));
			this.lookingUp.set(folderId, pending);
		}
		return await pending;
	}

	private async lookUpPlace(folderId: string): Promise<KnownPlace> {
		const meta = await this.lookup(folderId);
		if (!meta?.path_lower || !meta.path_display) {
			throw new CloudError('notFound', `The Dropbox folder "${folderId}" no longer exists`, {
				target: folderId,
				hint: 'The folder was deleted or moved out of reach; choose the folder again.',
			});
		}
		if (!isFolderMeta(meta))
			throw new CloudError('invalidRequest', `"${meta.path_display}" is a file, not a folder`, {
				target: meta.path_display,
			});
		return {
			id: folderId,
			pathLower: meta.path_lower,
			pathDisplay: meta.path_display,
			fromCache: false,
		};
	}

	/** The path and write mode of an upload: replaceId overwrites that file where it is now, keeping its id. */
	private async placement(
		target: UploadTarget,
	): Promise<{ path: string; parentId?: string; mode: unknown; autorename: boolean }> {
		if (target.replaceId) {
			const current = await this.lookup(target.replaceId);
			if (current?.path_display && !isFolderMeta(current)) {
				const mode = current.rev
					? { '.tag': 'update', update: current.rev }
					: { '.tag': 'overwrite' };
				return { path: current.path_display, mode, autorename: false };
			}
		}
		const parent = await this.place(target.parentId);
		const path = joinPath(parent.pathDisplay, target.name);
		const onConflict = target.replaceId ? 'replace' : (target.onConflict ?? 'fail');
		if (onConflict === 'replace')
			return { path, parentId: parent.id, mode: { '.tag': 'overwrite' }, autorename: false };
		return {
			path,
			parentId: parent.id,
			mode: { '.tag': 'add' },
			autorename: onConflict === 'rename',
		};
	}

	/** Upload-session requests go raw through the transport, so a cut chunk is not resent whole (see dropboxUpload). */
	private readonly contentCall: ContentCall = async (route, arg, body, options) => {
		const response = await this.transport.request(
			{
				method: 'POST',
				url: CONTENT_HOST + route,
				headers: {
					'Content-Type': 'application/octet-stream',
					'Dropbox-API-Arg': headerSafeJson(arg),
				},
				body,
			},
			{ retryNetworkErrors: options?.retryNetworkErrors },
		);
		const text = (response.body as Buffer).toString('utf8');
		if (response.status >= 200 && response.status < 300)
			return { ok: true, json: text ? JSON.parse(text) : null };
		return { ok: false, answer: answerOf(response.status, text, response.headers) };
	};

	private async openDownload(
		path: string,
		offset: number,
		target: string,
	): Promise<DownloadResponse> {
		const headers: Record<string, string> = { 'Dropbox-API-Arg': headerSafeJson({ path }) };
		if (offset > 0) headers.Range = `bytes=${offset}-`;
		let response;
		try {
			response = await this.transport.request({
				method: 'POST',
				url: CONTENT_HOST + 'files/download',
				headers,
				responseType: 'stream',
			});
		} catch (error) {
			throw toDropboxCloudError(error, 'download', target);
		}
		if (response.status >= 300) {
			const text = (await readAll(response.body)).toString('utf8');
			throw dropboxAnswerToCloudError(
				answerOf(response.status, text, response.headers),
				'download',
				target,
			);
		}
		return response as DownloadResponse;
	}
}

function answerOf(
	status: number,
	text: string,
	headers: Record<string, string>,
): DropboxErrorAnswer {
	let error: unknown = text;
	try {
		error = JSON.parse(text);
	} catch {
		// 400 and 5xx answers are plain text
	}
	return { status, error, retryAfterHeader: headers['retry-after'] };
}

/** A folder's metadata as the place cache learns it. */
function folderMetaAt(place: FolderPlace): DropboxMeta {
	return {
		'.tag': 'folder',
		id: place.id,
		name: place.pathDisplay.slice(place.pathDisplay.lastIndexOf('/') + 1),
		path_lower: place.pathLower,
		path_display: place.pathDisplay,
	};
}
