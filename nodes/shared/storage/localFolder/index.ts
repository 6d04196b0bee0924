import { constants, type BigIntStats } from 'fs';
import { lstat, mkdir, open, rename, rm } from 'fs/promises';
import { basename, isAbsolute, resolve, sep } from 'path';
import type { Readable } from 'stream';
import { fileURLToPath } from 'url';
import { CloudError, HINTS, isCloudError } from '../../types/cloudError';
import { localFsError, withFsErrors } from './errors';
import { formerLocalId, localFileHash, localIdNames, localItem, localItemId } from './items';
import { LocalFolderJail, type LocalPathGuard } from './jail';
import { findBlocked, scanFolder } from './scan';
import { writeAtomically } from './upload';
import type {
	ChangeBatch,
	FolderRef,
	ProviderFeatures,
	RemoteItem,
	StorageProvider,
	UploadSource,
	UploadTarget,
} from '../types';

export type { LocalPathGuard } from './jail';

export interface LocalFolderOptions {
	/** n8n's file-access check (see LocalPathGuard); without it only the base-folder jail applies. */
	guard?: LocalPathGuard;
	/** Put SHA-256 on listed files (cached per file version across runs). Default true. */
	hashListings?: boolean;
}

/** Why a listed file may have no hash: unreadable, or gone between listing and reading. */
const UNHASHABLE = new Set(['EACCES', 'EPERM', 'ENOENT', 'EBUSY']);

/** How long a complete scan vouches that an id it did not see does not exist. */
const FULL_SCAN_FRESH_MS = 30_000;

/** Cursor: format tag, watched folder id, scan time. No per-file data: every batch is a full snapshot. */
const CURSOR_PREFIX = 'local1';

interface Located {
	real: string;
	/** Relative to the base folder, '/'-separated ('' for the base). */
	path: string;
	stats: BigIntStats;
}

/**
 * A directory on the n8n host as a StorageProvider. Ids are "ino:<dev>:<inode>" plus a file's birth time (stable
 * across renames and moves inside the base folder); every path is resolved with realpath and must stay inside the
 * base folder; n8n's own file-access rules are applied through the injected guard. There is no trash and no change
 * feed: changes() returns a full scan flagged `snapshot`, which the caller diffs against what it tracks.
 */
export class LocalFolderStorage implements StorageProvider {
	readonly kind = 'localFolder' as const;
	readonly hashKind = 'sha256' as const;
	/**
	 * `scansForChanges`: every changes() call is a full scan (no server feed), so reading past our own writes costs one.
	 */
	readonly features: ProviderFeatures & { scansForChanges: true } = {
		scansForChanges: true,
		followsRenamedFolders: false,
		newVersionIsNewFile: true,
		duplicateNames: false,
		caseInsensitive: process.platform === 'darwin' || process.platform === 'win32',
		appProperties: false,
		trash: false,
		chunkSize: 1024 * 1024,
		simpleUploadLimit: Number.MAX_SAFE_INTEGER,
	};

	private readonly jail: LocalFolderJail;
	private readonly hashListings: boolean;
	/** Where each id was last seen, relative to the base; verified on use, rebuilt by a scan on a miss. */
	private readonly knownPaths = new Map<string, string>();
	/** When the last complete scan of the base folder ended (ms). */
	private lastFullScan = 0;

	constructor(
		readonly baseDir: string,
		options: LocalFolderOptions = {},
	) {
		this.jail = new LocalFolderJail(baseDir, options.guard);
		this.hashListings = options.hashListings ?? true;
	}

	async root(): Promise<RemoteItem> {
		const base = await this.jail.base();
		const stats = await withFsErrors('', () => lstat(base, { bigint: true }));
		return localItem(stats, basename(base), '', undefined);
	}

	async getItem(id: string): Promise<RemoteItem | undefined> {
		const found = await this.locate(id);
		return found && (await this.toItem(found, found.path, true));
	}

	async resolveFolder(ref: FolderRef): Promise<RemoteItem> {
		const found =
			ref.mode === 'id' || ref.mode === 'list'
				? await this.locate(ref.value)
				: await this.locatePath(ref);
		if (!found) {
			throw new CloudError('notFound', `Folder not found in the local folder: "${ref.value}"`, {
				target: ref.value,
				hint: `Paths are relative to the base folder ${this.baseDir}.`,
			});
		}
		if (!found.stats.isDirectory()) {
			throw new CloudError('invalidRequest', `"${ref.value}" is a file, not a folder`, {
				target: ref.value,
			});
		}
		return this.toItem(found, found.path, false);
	}

	async searchFolders(query: string, limit = 50): Promise<RemoteItem[]> {
		const base = await this.jail.base();
		const needle = query.normalize('NFC').toLowerCase();
		const results: RemoteItem[] = [];
		for await (const entry of scanFolder(this.jail, base, await this.rootId(), true)) {
			this.remember(entry.stats, entry.path);
			if (!entry.stats.isDirectory() || !entry.name.normalize('NFC').toLowerCase().includes(needle))
				continue;
			results.push(localItem(entry.stats, entry.name, entry.path, entry.parentId));
			if (results.length >= limit) break;
		}
		return results;
	}

	async findChild(
		parentId: string,
		name: string,
		itemKind?: 'file' | 'folder',
	): Promise<RemoteItem | undefined> {
		validateName(name);
		const parent = await this.requireFolder(parentId);
		const path = joinRelative(parent.path, name);
		const found = await this.statPath(path);
		if (
			!found ||
			(itemKind === 'file' && !found.stats.isFile()) ||
			(itemKind === 'folder' && !found.stats.isDirectory())
		) {
			return undefined;
		}
		return this.toItem(found, path, true, localItemId(parent.stats));
	}

	async createFolder(parentId: string, name: string): Promise<RemoteItem> {
		validateName(name);
		const parent = await this.requireFolder(parentId);
		const path = joinRelative(parent.path, name);
		const real = await this.jail.resolve(path, 'write');
		// Through jail.at: no parent folder can be swapped for a link between the check and the mkdir.
		const stats = await this.jail.at(path, 'write', (anchored) =>
			withFsErrors(path, async () => {
				try {
					await mkdir(anchored);
				} catch (error) {
					// Creating a folder that is already there is a no-op: callers ensure paths run after run.
					if (
						(error as NodeJS.ErrnoException).code !== 'EEXIST' ||
						!(await lstat(anchored)).isDirectory()
					)
						throw error;
				}
				return await lstat(anchored, { bigint: true });
			}),
		);
		return this.toItem({ real, path, stats }, path, false, localItemId(parent.stats));
	}

	async *list(folderId: string, options?: { recursive?: boolean }): AsyncIterable<RemoteItem> {
		const folder = await this.requireFolder(folderId);
		for await (const entry of scanFolder(
			this.jail,
			folder.real,
			localItemId(folder.stats),
			!!options?.recursive,
		)) {
			const basePath = joinRelative(folder.path, entry.path);
			const located = { real: entry.realPath, path: basePath, stats: entry.stats };
			yield await this.toItem(located, entry.path, this.hashListings, entry.parentId);
		}
	}

	async latestCursor(folderId: string): Promise<string> {
		await this.requireFolder(folderId);
		return encodeCursor(folderId);
	}

	async changes(
		folderId: string,
		cursor: string,
		options?: { recursive?: boolean },
	): Promise<ChangeBatch> {
		if (decodeCursorFolder(cursor) !== folderId) {
			throw new CloudError('cursorReset', 'The local folder cursor is not valid for this folder', {
				target: folderId,
				hint: HINTS.cursorReset,
			});
		}
		const next = encodeCursor(folderId);
		const changes: ChangeBatch['changes'] = [];
		for await (const item of this.list(folderId, options)) changes.push({ type: 'upsert', item });
		return { changes, cursor: next, snapshot: true };
	}

	async upload(target: UploadTarget, source: UploadSource): Promise<RemoteItem> {
		validateName(target.name);
		let parent = await this.requireFolder(target.parentId);
		let path = joinRelative(parent.path, target.name);
		let mode: 'create' | 'replace' = target.onConflict === 'replace' ? 'replace' : 'create';
		if (target.replaceId) {
			const existing = await this.locate(target.replaceId);
			if (!existing || !existing.stats.isFile()) {
				throw new CloudError('notFound', `The file to replace is gone: "${target.name}"`, {
					target: target.replaceId,
				});
			}
			path = existing.path;
			parent = await this.requireFolder(await this.parentIdOf(existing));
			mode = 'replace';
		} else if (target.onConflict === 'rename') {
			path = await this.freePath(parent.path, target.name);
		}
		const destinationReal = await this.jail.resolve(path, 'write');
		const hash = await this.jail.at(path, 'write', (anchored, folder) =>
			withFsErrors(path, () =>
				writeAtomically(
					{ folderReal: folder, destinationReal: anchored, target: path, mode },
					source,
				),
			),
		);
		const stats = await withFsErrors(path, () => lstat(destinationReal, { bigint: true }));
		const item = localItem(stats, basename(destinationReal), path, localItemId(parent.stats), hash);
		this.remember(stats, path);
		return item;
	}

	async download(id: string): Promise<Readable> {
		const found = await this.require(id);
		if (!found.stats.isFile())
			throw new CloudError('invalidRequest', `"${found.path}" is a folder`, { target: id });
		// O_NOFOLLOW: a symlink swapped in after the check is refused, as n8n's own createReadStream does; jail.at does
		// the same for every folder on the way.
		const handle = await this.jail.at(found.path, 'read', (anchored) =>
			withFsErrors(found.path, () =>
				open(anchored, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0)),
			),
		);
		return handle.createReadStream(); // closes the handle at the end or on destroy
	}

	/** The local folder has no trash: trashing deletes. */
	async trash(id: string): Promise<void> {
		await this.delete(id);
	}

	async delete(id: string): Promise<void> {
		const found = await this.require(id);
		if (found.path === '') throw refuseBase('delete');
		const real = await this.jail.resolve(found.path, 'write');
		if (found.stats.isDirectory()) await this.refuseIfGuarded(real, found.path);
		await this.jail.at(found.path, 'write', (anchored) =>
			withFsErrors(found.path, () => rm(anchored, { recursive: true, force: false })),
		);
		this.knownPaths.delete(id);
	}

	async move(id: string, to: { parentId?: string; name?: string }): Promise<RemoteItem> {
		const found = await this.require(id);
		if (found.path === '') throw refuseBase('move');
		const parent = await this.requireFolder(to.parentId ?? (await this.parentIdOf(found)));
		const name = to.name ?? basename(found.real);
		validateName(name);
		const path = joinRelative(parent.path, name);
		const source = await this.jail.resolve(found.path, 'write');
		const destination = await this.jail.resolve(path, 'write');
		if (found.stats.isDirectory() && this.jail.contains(source, destination)) {
			throw new CloudError('invalidRequest', `Cannot move "${found.path}" into itself`, {
				target: found.path,
			});
		}
		const occupant = await this.statPath(path);
		if (occupant && !localIdNames(id, occupant.stats)) {
			throw new CloudError('conflict', `Already exists in the local folder: "${path}"`, {
				target: path,
			});
		}
		await this.jail.at(found.path, 'write', (from) =>
			this.jail.at(path, 'write', (to) => withFsErrors(path, () => rename(from, to))),
		);
		const stats = await withFsErrors(path, () => lstat(destination, { bigint: true }));
		return this.toItem({ real: destination, path, stats }, path, true, localItemId(parent.stats));
	}

	/** Deleting a folder deletes all below it: refuse when n8n's rules protect anything in there (a .git, say). */
	private async refuseIfGuarded(folderReal: string, folderPath: string): Promise<void> {
		for await (const blocked of findBlocked(this.jail, folderReal, folderPath)) {
			throw new CloudError(
				'permission',
				`Refusing to delete "${folderPath}": n8n's file access rules protect "${blocked}"`,
				{
					target: folderPath,
					hint:
						"Delete the folder outside n8n, or change n8n's file access rules " +
						'(N8N_BLOCK_FILE_PATTERNS, N8N_RESTRICT_FILE_ACCESS_TO).',
				},
			);
		}
	}

	// ---- locating items ----

	/** Where an item is, under today's id and the id state saved by earlier releases names it by. */
	private remember(stats: BigIntStats, path: string): void {
		this.knownPaths.set(localItemId(stats), path);
		const former = formerLocalId(stats);
		if (former !== undefined) this.knownPaths.set(former, path);
	}

	private async rootId(): Promise<string> {
		return (await this.root()).id;
	}

	/** The item with this id: where it was last seen if it is still there, otherwise found by a scan. */
	private async locate(id: string): Promise<Located | undefined> {
		const base = await this.jail.base();
		const rootStats = await withFsErrors('', () => lstat(base, { bigint: true }));
		if (localIdNames(id, rootStats)) return { real: base, path: '', stats: rootStats };
		if (!id.startsWith('ino:')) return undefined;
		const remembered = this.knownPaths.get(id);
		if (remembered !== undefined) {
			const found = await this.statPath(remembered);
			if (found && localIdNames(id, found.stats)) return found;
			this.knownPaths.delete(id);
		} else if (Date.now() - this.lastFullScan < FULL_SCAN_FRESH_MS) {
			// A complete scan just now did not see it: do not rescan the whole tree for every unknown id.
			return undefined;
		}
		let match: Located | undefined;
		for await (const entry of scanFolder(this.jail, base, localItemId(rootStats), true)) {
			this.remember(entry.stats, entry.path);
			if (localIdNames(id, entry.stats))
				match = { real: entry.realPath, path: entry.path, stats: entry.stats };
		}
		this.lastFullScan = Date.now();
		return match;
	}

	private async require(id: string): Promise<Located> {
		const found = await this.locate(id);
		if (!found)
			throw new CloudError('notFound', `Not found in the local folder: item ${id}`, { target: id });
		return found;
	}

	private async requireFolder(id: string): Promise<Located> {
		const found = await this.require(id);
		if (!found.stats.isDirectory()) {
			throw new CloudError('invalidRequest', `"${found.path}" is a file, not a folder`, {
				target: found.path,
			});
		}
		return found;
	}

	/** lstat of a base-relative path through the jail; undefined when nothing is there. */
	private async statPath(rawPath: string): Promise<Located | undefined> {
		const path = LocalFolderJail.segments(rawPath).join('/');
		const real = await this.jail.resolve(path, 'read').catch((error: unknown) => {
			if (isCloudError(error, 'notFound')) return undefined;
			throw error;
		});
		if (real === undefined) return undefined;
		try {
			return { real, path, stats: await lstat(real, { bigint: true }) };
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
			throw localFsError(error, path);
		}
	}

	/**
	 * A folder given by path: relative to the base ("/in/box" too, as cloud paths are written), an absolute path
	 * inside the base, or a file:// URL (which must lie inside the base).
	 */
	private async locatePath(ref: FolderRef): Promise<Located | undefined> {
		let value = ref.value.trim();
		const isUrl = ref.mode === 'url' && value.startsWith('file:');
		if (isUrl) value = fileURLToPath(value);
		if (isAbsolute(value)) {
			const base = await this.jail.base();
			// Decided on the text, so nothing outside the base is even looked at.
			const inside = [base, resolve(this.baseDir)].find((root) => this.jail.contains(root, value));
			if (inside !== undefined) value = value.slice(inside.length);
			else if (isUrl) {
				throw new CloudError('permission', `"${ref.value}" is outside the base folder`, {
					target: ref.value,
					hint: 'Give the folder relative to the base folder.',
				});
			}
		}
		return this.statPath(value.split(sep).join('/'));
	}

	private async parentIdOf(found: Located): Promise<string> {
		const parentPath = found.path.includes('/')
			? found.path.slice(0, found.path.lastIndexOf('/'))
			: '';
		const parent = await this.statPath(parentPath);
		if (!parent)
			throw new CloudError('notFound', `Parent folder of "${found.path}" is gone`, {
				target: found.path,
			});
		return localItemId(parent.stats);
	}

	/** "name.ext", then "name (1).ext", "name (2).ext", ... : the first that is free. */
	private async freePath(parentPath: string, name: string): Promise<string> {
		const dot = name.lastIndexOf('.');
		const [stem, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
		for (let attempt = 0; ; attempt++) {
			const candidate = joinRelative(
				parentPath,
				attempt === 0 ? name : `${stem} (${attempt})${extension}`,
			);
			if (!(await this.statPath(candidate))) return candidate;
		}
	}

	/** A file that cannot be read (or vanished meanwhile) is listed without a hash rather than failing the listing. */
	private async hashIfReadable(found: Located): Promise<string | undefined> {
		try {
			return await localFileHash(found.real, found.stats);
		} catch (error) {
			if (UNHASHABLE.has((error as NodeJS.ErrnoException).code ?? '')) return undefined;
			throw localFsError(error, found.path);
		}
	}

	private async toItem(
		found: Located,
		shownPath: string,
		withHash: boolean,
		parentId?: string,
	): Promise<RemoteItem> {
		const name = basename(found.real);
		const hash = withHash && found.stats.isFile() ? await this.hashIfReadable(found) : undefined;
		const resolvedParent =
			parentId ??
			(found.path === '' ? undefined : await this.parentIdOf(found).catch(() => undefined));
		this.remember(found.stats, found.path);
		return localItem(found.stats, name, shownPath, resolvedParent, hash);
	}
}

function joinRelative(parent: string, child: string): string {
	return parent ? `${parent}/${child}` : child;
}

/** Providers do not sanitise (that is the caller's policy), but a name must never act as a path. */
function validateName(name: string): void {
	if (
		name === '' ||
		name === '.' ||
		name === '..' ||
		name.includes('/') ||
		name.includes('\0') ||
		(sep === '\\' && name.includes('\\'))
	) {
		throw new CloudError('invalidRequest', `Not a valid file or folder name: "${name}"`, {
			target: name,
			hint: 'Names are sanitised by the node; a name may not contain "/" or be "." or "..".',
		});
	}
}

function refuseBase(action: string): CloudError {
	return new CloudError('permission', `Refusing to ${action} the base folder itself`, {
		target: '',
	});
}

function encodeCursor(folderId: string): string {
	return `${CURSOR_PREFIX}|${folderId}|${Date.now()}`;
}

function decodeCursorFolder(cursor: string): string | undefined {
	const [prefix, folderId, time] = cursor.split('|');
	return prefix === CURSOR_PREFIX && folderId && /^\d+$/.test(time ?? '') ? folderId : undefined;
}
