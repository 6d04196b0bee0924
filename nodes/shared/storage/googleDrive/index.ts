import { drive, type drive_v3 } from '@googleapis/drive';
import { Readable } from 'stream';
import { createHasher } from '../../hashes';
import { contentHasher } from '../knownHash';
import type { Transport } from '../../transport/transport';
import { readAll } from '../../transport/wire';
import { wholeSource } from '../chunkedSource';
import { CloudError, isCloudError } from '../../types/cloudError';
import {
	decodeCursor,
	DRIVE_FOLDER_MIME,
	encodeCursor,
	mapChanges,
	type DriveCursor,
	type TrackedFolder,
} from './cursor';
import { driveCloudError, factsOfResponse, toDriveCloudError } from './errors';
import { DriveChildIndex } from './children';
import { driveIdFromUrl, escapeQueryString } from './folderRef';
import { DRIVE_EXPORT_FORMATS, DRIVE_EXPORT_SIZE_LIMIT, nativeContent } from './native';
import { DRIVE_CHUNK_ALIGNMENT, resumableUpload } from './upload';
import { chunkSizeFor } from '../chunkSize';
import { GOOGLE_API_ORIGIN } from './wire';
import type {
	Change,
	ChangeBatch,
	FolderRef,
	ProviderFeatures,
	RemoteItem,
	StorageProvider,
	UploadSource,
	UploadTarget,
} from '../types';

export interface GoogleDriveOptions {
	/** Work inside this shared drive instead of My Drive. */
	driveId?: string;
	/** Resumable chunk size; rounded down to a multiple of 256 KiB (default from the link model: 13 MiB). */
	chunkSize?: number;
	/** Uploads up to this size go in one multipart request (default 5 MiB). */
	simpleUploadLimit?: number;
	/** files.list / changes.list page size (default 1000, Drive's maximum; tests use small pages). */
	pageSize?: number;
}

const DEFAULT_CHUNK_SIZE = chunkSizeFor(DRIVE_CHUNK_ALIGNMENT);
const SIMPLE_UPLOAD_LIMIT = 5 * 1024 * 1024;
const FILE_FIELDS =
	'id,name,mimeType,parents,size,md5Checksum,modifiedTime,createdTime,' +
	'webViewLink,version,appProperties,trashed,driveId,shortcutDetails';
const LIST_FIELDS = `nextPageToken,files(${FILE_FIELDS})`;
const CHANGE_FIELDS = `nextPageToken,newStartPageToken,changes(fileId,removed,time,file(${FILE_FIELDS}))`;
const DOWNLOAD_RESUMES = 5;

type DriveFile = drive_v3.Schema$File;

/**
 * Google Drive through @googleapis/drive. Every request, the SDK's included, goes through the transport
 * (fetchImplementation): the wire signs, the pacer retries, so the SDK gets no auth client and no retries.
 */
export class GoogleDriveStorage implements StorageProvider {
	readonly kind = 'googleDrive' as const;
	readonly hashKind = 'md5' as const;
	readonly features: ProviderFeatures;
	private readonly api: drive_v3.Drive;
	private readonly driveId?: string;
	private readonly chunkSize: number;
	private readonly pageSize: number;
	/** Child names of folders seen whole: a new small file is one request, not a name check plus the upload. */
	private readonly children = new DriveChildIndex();
	/**
	 * Listings of folders for the index under way: uploads side by side into one folder wait for the one listing
	 * instead of each listing the folder (four at once listed it four times).
	 */
	private readonly listingChildren = new Map<string, Promise<void>>();
	/**
	 * Folders whose names the export's plan has looked at (the state vouches for them, see trustFolders): the
	 * index starts them empty, and they are not content this provider saw (seenContent).
	 */
	private readonly trusted = new Set<string>();
	/** Set for every call: harmless on My Drive, required for shared-drive items. */
	private readonly shared: { supportsAllDrives: true };

	constructor(
		private readonly transport: Transport,
		options: GoogleDriveOptions = {},
	) {
		this.driveId = options.driveId;
		this.pageSize = Math.min(1000, Math.max(1, options.pageSize ?? 1000));
		const requested = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
		this.chunkSize = Math.max(
			DRIVE_CHUNK_ALIGNMENT,
			requested - (requested % DRIVE_CHUNK_ALIGNMENT),
		);
		this.features = {
			duplicateNames: true,
			caseInsensitive: false,
			appProperties: true,
			trash: true,
			chunkSize: this.chunkSize,
			simpleUploadLimit: options.simpleUploadLimit ?? SIMPLE_UPLOAD_LIMIT,
			exportFormats: DRIVE_EXPORT_FORMATS,
			exportSizeLimit: DRIVE_EXPORT_SIZE_LIMIT,
		};
		this.shared = { supportsAllDrives: true };
		// fetch-compatible by contract; gaxios' type asks for its own fetch signature.
		const sdkOptions: drive_v3.Options = {
			version: 'v3',
			fetchImplementation: transport.fetch as never,
			retry: false,
		};
		this.api = drive(sdkOptions);
	}

	/** Run an SDK call and translate whatever it throws. */
	private async call<T>(target: string | undefined, run: () => Promise<{ data: T }>): Promise<T> {
		try {
			return (await run()).data;
		} catch (error) {
			throw toDriveCloudError(error, target);
		}
	}

	private listScope(): drive_v3.Params$Resource$Files$List {
		return this.driveId
			? {
					corpora: 'drive',
					driveId: this.driveId,
					includeItemsFromAllDrives: true,
					supportsAllDrives: true,
				}
			: { corpora: 'user', supportsAllDrives: true };
	}

	toItem(file: DriveFile): RemoteItem {
		const item: RemoteItem = {
			id: file.id!,
			name: file.name ?? '',
			isFolder: file.mimeType === DRIVE_FOLDER_MIME,
		};
		if (file.parents?.[0]) item.parentId = file.parents[0];
		if (file.size !== undefined && file.size !== null) item.size = Number(file.size);
		if (file.md5Checksum) item.hash = file.md5Checksum;
		if (file.modifiedTime) item.modifiedAt = file.modifiedTime;
		if (file.createdTime) item.createdAt = file.createdTime;
		if (file.mimeType) item.mimeType = file.mimeType;
		if (file.webViewLink) item.webUrl = file.webViewLink;
		if (file.version) item.version = String(file.version);
		if (file.appProperties)
			item.appProperties = { ...(file.appProperties as Record<string, string>) };
		return Object.assign(item, nativeContent(file));
	}

	async root(): Promise<RemoteItem> {
		const file = await this.call(this.driveId ?? 'My Drive', () =>
			this.api.files.get({ fileId: this.driveId ?? 'root', fields: FILE_FIELDS, ...this.shared }),
		);
		return this.toItem(file);
	}

	/** Undefined when the item is gone or in the trash (a trashed item counts as deleted). */
	async getItem(id: string): Promise<RemoteItem | undefined> {
		try {
			const file = await this.call(id, () =>
				this.api.files.get({ fileId: id, fields: FILE_FIELDS, ...this.shared }),
			);
			return file.trashed ? undefined : this.toItem(file);
		} catch (error) {
			if (isCloudError(error, 'notFound')) return undefined;
			throw error;
		}
	}

	async resolveFolder(ref: FolderRef): Promise<RemoteItem> {
		if (ref.mode === 'path') return this.resolvePath(ref.value);
		let id = ref.value.trim();
		if (ref.mode === 'url' || /^https?:\/\//i.test(id)) {
			const parsed = driveIdFromUrl(id);
			if (!parsed) {
				throw new CloudError('invalidRequest', `Not a Google Drive folder link: ${ref.value}`, {
					target: ref.value,
					hint: 'Paste a link like https://drive.google.com/drive/folders/<id>.',
				});
			}
			id = parsed;
		}
		const item = await this.getItem(id);
		if (!item) throw notFoundFolder(ref.value);
		if (!item.isFolder) {
			throw new CloudError('invalidRequest', `${item.name} is a file, not a folder`, {
				target: ref.value,
			});
		}
		return item;
	}

	private async resolvePath(path: string): Promise<RemoteItem> {
		let current = await this.root();
		const walked: string[] = [];
		for (const part of path
			.split('/')
			.map((p) => p.trim())
			.filter(Boolean)) {
			walked.push(part);
			const next = await this.findChild(current.id, part, 'folder');
			if (!next) throw notFoundFolder(walked.join('/'));
			current = next;
		}
		return current;
	}

	async searchFolders(query: string, limit = 50): Promise<RemoteItem[]> {
		const terms = [`mimeType = '${DRIVE_FOLDER_MIME}'`, 'trashed = false'];
		if (query.trim()) terms.push(`name contains '${escapeQueryString(query.trim())}'`);
		// Page by page until the limit: a search must not stop at the first page the API hands back.
		const found: RemoteItem[] = [];
		for await (const file of this.pages(terms.join(' and '))) {
			found.push(this.toItem(file));
			if (found.length >= limit) break;
		}
		return found;
	}

	/** Drive allows duplicate names and compares `name =` case-insensitively: filter exactly, oldest first. */
	async findChild(
		parentId: string,
		name: string,
		itemKind?: 'file' | 'folder',
	): Promise<RemoteItem | undefined> {
		return (await this.sameNamed(parentId, name, itemKind))[0];
	}

	/** Every child of exactly this name (Drive allows several), oldest first: how twins of a new item are found. */
	async sameNamed(
		parentId: string,
		name: string,
		itemKind?: 'file' | 'folder',
	): Promise<RemoteItem[]> {
		const terms = [
			`'${escapeQueryString(parentId)}' in parents`,
			`name = '${escapeQueryString(name)}'`,
			'trashed = false',
		];
		if (itemKind === 'folder') terms.push(`mimeType = '${DRIVE_FOLDER_MIME}'`);
		if (itemKind === 'file') terms.push(`mimeType != '${DRIVE_FOLDER_MIME}'`);
		const matches: DriveFile[] = [];
		for await (const file of this.pages(terms.join(' and '), name))
			if (file.name === name) matches.push(file);
		matches.sort(
			(a, b) =>
				(a.createdTime ?? '').localeCompare(b.createdTime ?? '') || a.id!.localeCompare(b.id!),
		);
		return matches.map((file) => this.toItem(file));
	}

	private async *pages(q: string, target?: string): AsyncIterable<DriveFile> {
		let pageToken: string | undefined;
		do {
			const data = await this.call(target, () =>
				this.api.files.list({
					...this.listScope(),
					q,
					pageSize: this.pageSize,
					pageToken,
					fields: LIST_FIELDS,
				}),
			);
			yield* data.files ?? [];
			pageToken = data.nextPageToken ?? undefined;
		} while (pageToken);
	}

	async createFolder(parentId: string, name: string): Promise<RemoteItem> {
		const file = await this.call(name, () =>
			this.api.files.create({
				requestBody: { name, mimeType: DRIVE_FOLDER_MIME, parents: [parentId] },
				fields: FILE_FIELDS,
				...this.shared,
			}),
		);
		this.children.fill(file.id!, []);
		this.children.add(parentId, { id: file.id!, name: file.name ?? name, isFolder: true });
		return this.toItem(file);
	}

	async *list(folderId: string, options: { recursive?: boolean } = {}): AsyncIterable<RemoteItem> {
		const queue: Array<{ id: string; path: string }> = [{ id: folderId, path: '' }];
		while (queue.length) {
			const folder = queue.shift()!;
			const seen: Array<{ id: string; name: string; isFolder: boolean }> = [];
			for await (const file of this.pages(
				`'${escapeQueryString(folder.id)}' in parents and trashed = false`,
				folder.id,
			)) {
				const item = this.toItem(file);
				seen.push({ id: item.id, name: item.name, isFolder: item.isFolder });
				item.path = folder.path ? `${folder.path}/${item.name}` : item.name;
				yield item;
				if (item.isFolder && options.recursive) queue.push({ id: item.id, path: item.path });
			}
			this.children.fill(folder.id, seen);
			this.trusted.delete(folder.id);
		}
	}

	private async startToken(): Promise<string> {
		const data = await this.call(undefined, () =>
			this.api.changes.getStartPageToken({
				...this.shared,
				...(this.driveId ? { driveId: this.driveId } : {}),
			}),
		);
		return data.startPageToken!;
	}

	/** The token first, then the subtree's folders: nothing that changes in between is missed. */
	async latestCursor(folderId: string, options: { recursive?: boolean } = {}): Promise<string> {
		const token = await this.startToken();
		const folders = new Map<string, TrackedFolder>();
		if (options.recursive) {
			const queue = [folderId];
			while (queue.length) {
				const parentId = queue.shift()!;
				const q = `'${escapeQueryString(parentId)}' in parents and mimeType = '${DRIVE_FOLDER_MIME}' and trashed = false`;
				for await (const folder of this.pages(q, parentId)) {
					folders.set(folder.id!, { parentId, name: folder.name ?? '' });
					queue.push(folder.id!);
				}
			}
		}
		return encodeCursor({
			token,
			rootId: folderId,
			recursive: options.recursive === true,
			folders,
		});
	}

	async changes(
		folderId: string,
		cursorText: string,
		options: { recursive?: boolean } = {},
	): Promise<ChangeBatch> {
		const cursor: DriveCursor = decodeCursor(cursorText, folderId);
		if (cursor.recursive !== (options.recursive === true)) {
			throw new CloudError(
				'cursorReset',
				'The saved Google Drive cursor was made for another subfolder setting',
				{ target: folderId },
			);
		}
		const changes: Change[] = [];
		let pageToken: string | undefined = cursor.token;
		for (;;) {
			const data: drive_v3.Schema$ChangeList = await this.changePage(pageToken!);
			const raw = (data.changes ?? []).map((change) => ({
				fileId: change.fileId!,
				removed: change.removed === true,
				file: change.file
					? {
							...change.file,
							id: change.file.id!,
							name: change.file.name ?? '',
							mimeType: change.file.mimeType ?? '',
							parents: change.file.parents ?? undefined,
							trashed: change.file.trashed ?? false,
						}
					: undefined,
			}));
			changes.push(...mapChanges(cursor, raw, (file) => this.toItem(file as DriveFile)));
			if (data.newStartPageToken) {
				cursor.token = data.newStartPageToken;
				break;
			}
			if (!data.nextPageToken)
				throw new CloudError('other', 'Google Drive ended a change page without a token', {
					target: folderId,
				});
			pageToken = data.nextPageToken;
		}
		return { changes, cursor: encodeCursor(cursor) };
	}

	private async changePage(pageToken: string): Promise<drive_v3.Schema$ChangeList> {
		try {
			return await this.call(undefined, () =>
				this.api.changes.list({
					pageToken,
					pageSize: this.pageSize,
					fields: CHANGE_FIELDS,
					includeRemoved: true,
					...this.shared,
					...(this.driveId ? { driveId: this.driveId, includeItemsFromAllDrives: true } : {}),
				}),
			);
		} catch (error) {
			// Drive answers an invalid or expired page token with 400 (location pageToken) or 404/410.
			if (
				isCloudError(error) &&
				(error.details.status === 400 ||
					error.details.status === 404 ||
					error.details.status === 410)
			) {
				throw new CloudError(
					'cursorReset',
					'Google Drive no longer accepts the saved change token',
					{
						status: error.details.status,
						providerCode: error.details.providerCode,
						hint: 'The node falls back to a full listing.',
						cause: error,
					},
				);
			}
			throw error;
		}
	}

	async upload(target: UploadTarget, source: UploadSource): Promise<RemoteItem> {
		let replaceId = target.replaceId;
		let name = target.name;
		if (!replaceId && (await this.fileNameTaken(target.parentId, target.name))) {
			const policy = target.onConflict ?? 'fail';
			if (policy === 'fail') {
				throw new CloudError(
					'conflict',
					`A file named ${target.name} already exists in the folder`,
					{ target: target.name },
				);
			}
			if (policy === 'replace')
				replaceId = (await this.findChild(target.parentId, target.name, 'file'))?.id;
			else name = await this.freeName(target.parentId, target.name);
		}
		const mimeType = target.mimeType ?? 'application/octet-stream';
		const metadata: Record<string, unknown> = replaceId
			? {}
			: { name, parents: [target.parentId], mimeType };
		if (replaceId && target.name) metadata.name = name;
		if (target.appProperties) metadata.appProperties = target.appProperties;
		let file: DriveFile;
		let md5: string;
		if (source.size <= this.features.simpleUploadLimit) {
			const data = await wholeSource(source);
			const hasher = contentHasher(source, 'md5');
			hasher.update(data);
			md5 = hasher.digest();
			file = await this.call(name, () =>
				replaceId
					? this.api.files.update({
							fileId: replaceId!,
							requestBody: metadata,
							media: { mimeType, body: Readable.from([data]) },
							fields: FILE_FIELDS,
							...this.shared,
						})
					: this.api.files.create({
							requestBody: metadata,
							media: { mimeType, body: Readable.from([data]) },
							fields: FILE_FIELDS,
							...this.shared,
						}),
			);
		} else {
			const result = await resumableUpload(
				this.transport,
				{
					fileId: replaceId,
					metadata,
					mimeType,
					fields: FILE_FIELDS,
					supportsAllDrives: true,
					chunkSize: this.chunkSize,
					target: name,
				},
				source,
			);
			file = result.file as DriveFile;
			md5 = result.md5;
		}
		if (file.md5Checksum !== md5 || Number(file.size) !== source.size) {
			throw new CloudError(
				'integrity',
				`Google Drive stored different content for ${name} than was sent`,
				{
					target: name,
					hint: 'Run again: the upload is repeated.',
				},
			);
		}
		this.children.add(file.parents?.[0] ?? target.parentId, {
			id: file.id!,
			name: file.name ?? name,
			isFolder: false,
		});
		return this.toItem(file);
	}

	/**
	 * Whether a file of this name is in the folder. Asked of the index; a folder not seen whole yet is listed once
	 * (names only, 1000 a page), which pays for itself from the second upload into it.
	 */
	private async fileNameTaken(parentId: string, name: string): Promise<boolean> {
		const known = this.children.has(parentId, name, 'file');
		if (known !== undefined) return known;
		let listing = this.listingChildren.get(parentId);
		if (!listing) {
			listing = this.listChildren(parentId, name).finally(() =>
				this.listingChildren.delete(parentId),
			);
			this.listingChildren.set(parentId, listing);
		}
		await listing;
		return this.children.has(parentId, name, 'file') ?? false;
	}

	/** The folder's names, 1000 a page, into the index. */
	private async listChildren(parentId: string, target: string): Promise<void> {
		const seen: Array<{ id: string; name: string; isFolder: boolean }> = [];
		let pageToken: string | undefined;
		do {
			const data = await this.call(target, () =>
				this.api.files.list({
					...this.listScope(),
					q: `'${escapeQueryString(parentId)}' in parents and trashed = false`,
					pageSize: 1000,
					pageToken,
					fields: 'nextPageToken,files(id,name,mimeType)',
				}),
			);
			for (const file of data.files ?? [])
				seen.push({
					id: file.id!,
					name: file.name ?? '',
					isFolder: file.mimeType === DRIVE_FOLDER_MIME,
				});
			pageToken = data.nextPageToken ?? undefined;
		} while (pageToken);
		this.children.fill(parentId, seen);
		this.trusted.delete(parentId);
	}

	vouchedFolders(cursorText: string, rootId: string): string[] {
		const cursor = decodeCursorOrUndefined(cursorText, rootId);
		if (!cursor?.vouched) return [];
		return [...cursor.vouched].filter((id) => id === rootId || cursor.folders.has(id));
	}

	withVouchedFolders(
		cursorText: string,
		rootId: string,
		folders: ReadonlyArray<{ id: string; parentId: string; name: string }>,
	): string {
		const cursor = decodeCursorOrUndefined(cursorText, rootId);
		if (!cursor) return cursorText;
		const vouched = new Set<string>();
		const tracked = (id: string) => id === rootId || cursor.folders.has(id);
		// A folder this run created is not in a cursor taken before it: tracked now (parents first), it is
		// vouched from the start; the next feed shows its creation under the same parent and name.
		let pending: Array<(typeof folders)[number]> = [];
		for (const folder of folders) {
			if (tracked(folder.id)) vouched.add(folder.id);
			else pending.push(folder);
		}
		for (let added = true; added && cursor.recursive;) {
			added = false;
			pending = pending.filter((folder) => {
				if (!tracked(folder.parentId)) return true;
				cursor.folders.set(folder.id, { parentId: folder.parentId, name: folder.name });
				vouched.add(folder.id);
				added = true;
				return false;
			});
		}
		cursor.vouched = vouched;
		return encodeCursor(cursor);
	}

	trustFolders(folderIds: Iterable<string>): void {
		for (const id of folderIds) {
			if (this.children.content(id) !== undefined) continue;
			this.children.fill(id, []);
			this.trusted.add(id);
		}
	}

	seenContent(
		folderId: string,
	): Array<{ id: string; name: string; isFolder: boolean }> | undefined {
		return this.trusted.has(folderId) ? undefined : this.children.content(folderId);
	}

	private async freeName(parentId: string, name: string): Promise<string> {
		const dot = name.lastIndexOf('.');
		const [base, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
		for (let n = 1; n < 1000; n++) {
			const candidate = `${base} (${n})${ext}`;
			const taken =
				this.children.has(parentId, candidate) ??
				Boolean(await this.findChild(parentId, candidate));
			if (!taken) return candidate;
		}
		throw new CloudError('conflict', `No free name for ${name}`, { target: name });
	}

	async download(id: string): Promise<Readable> {
		const first = await this.openDownload(id, 0);
		const reopen = (offset: number) => this.openDownload(id, offset);
		async function* pump(): AsyncGenerator<Buffer> {
			let received = 0;
			let body: Readable = first;
			const hasher = createHasher('md5');
			for (let resumes = 0; ;) {
				try {
					for await (const chunk of body) {
						const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
						received += buffer.length;
						hasher.update(buffer);
						yield buffer;
					}
					return;
				} catch (error) {
					if (++resumes > DOWNLOAD_RESUMES) throw toDriveCloudError(error, id);
					body = await reopen(received);
				}
			}
		}
		return Readable.from(pump(), { objectMode: false });
	}

	/** files.export of a Docs Editors file (at most 10 MB; Drive answers 403 exportSizeLimitExceeded beyond). */
	async exportDocument(id: string, mimeType: string): Promise<Readable> {
		const url =
			`${GOOGLE_API_ORIGIN}/drive/v3/files/${encodeURIComponent(id)}/export` +
			`?mimeType=${encodeURIComponent(mimeType)}`;
		let response;
		try {
			response = await this.transport.request({ method: 'GET', url, responseType: 'stream' });
		} catch (error) {
			throw toDriveCloudError(error, id);
		}
		if (response.status !== 200) {
			const body = await readAll(response.body);
			throw driveCloudError(factsOfResponse(response.status, response.headers, body), id);
		}
		return response.body as Readable;
	}

	/** GET alt=media as a stream, from `offset` on (Range) after a cut. */
	private async openDownload(id: string, offset: number): Promise<Readable> {
		const url = `${GOOGLE_API_ORIGIN}/drive/v3/files/${encodeURIComponent(id)}?alt=media&supportsAllDrives=true`;
		let response;
		try {
			response = await this.transport.request({
				method: 'GET',
				url,
				headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
				responseType: 'stream',
			});
		} catch (error) {
			throw toDriveCloudError(error, id);
		}
		if (response.status !== 200 && response.status !== 206) {
			const body = await readAll(response.body);
			throw driveCloudError(factsOfResponse(response.status, response.headers, body), id);
		}
		if (offset > 0 && response.status !== 206) {
			(response.body as Readable).destroy();
			throw new CloudError('transient', `Google Drive did not resume the download of ${id}`, {
				target: id,
			});
		}
		return response.body as Readable;
	}

	async trash(id: string): Promise<void> {
		await this.call(id, () =>
			this.api.files.update({
				fileId: id,
				requestBody: { trashed: true },
				fields: 'id',
				...this.shared,
			}),
		);
		this.children.remove(id);
	}

	async delete(id: string): Promise<void> {
		await this.call(id, () => this.api.files.delete({ fileId: id, ...this.shared }));
		this.children.remove(id);
	}

	async move(id: string, to: { parentId?: string; name?: string }): Promise<RemoteItem> {
		let addParents: string | undefined;
		let removeParents: string | undefined;
		if (to.parentId) {
			const current = await this.call(id, () =>
				this.api.files.get({ fileId: id, fields: 'id,parents', ...this.shared }),
			);
			const parents = current.parents ?? [];
			if (!parents.includes(to.parentId)) {
				addParents = to.parentId;
				removeParents = parents.join(',') || undefined;
			}
		}
		const file = await this.call(id, () =>
			this.api.files.update({
				fileId: id,
				requestBody: to.name ? { name: to.name } : {},
				addParents,
				removeParents,
				fields: FILE_FIELDS,
				...this.shared,
			}),
		);
		this.children.remove(id);
		const parent = file.parents?.[0];
		if (parent)
			this.children.add(parent, {
				id: file.id!,
				name: file.name ?? '',
				isFolder: file.mimeType === DRIVE_FOLDER_MIME,
			});
		return this.toItem(file);
	}
}

function decodeCursorOrUndefined(text: string, rootId: string): DriveCursor | undefined {
	try {
		return decodeCursor(text, rootId);
	} catch {
		return undefined;
	}
}

function notFoundFolder(target: string): CloudError {
	return new CloudError('notFound', `Google Drive folder not found: ${target}`, {
		target,
		status: 404,
		hint: 'Check the folder link, ID or path, and that the connected account (and its scope) can see it.',
	});
}
