import { constants, type BigIntStats } from 'fs';
import { lstat, open } from 'fs/promises';
import { hashStream } from '../../hashes';
import type { RemoteItem } from '../types';

/**
 * Stable across renames and moves inside one file system; the base folder's own id is built the same way. The
 * file system hands a freed inode number to the next new file or folder (ext4 does so at once), so a file the user
 * saves where ours was deleted, or a folder made anywhere after one was deleted, can carry the old inode: every id
 * includes the birth time (statx, where the file system records one) so such an item is never taken for ours.
 * Folders too (soak seed 9304: the user deleted folder "a" and made "B", which got "a"'s inode; the export took it
 * for "a" renamed and uploaded the deleted folder's document again instead of stopping). State saved by earlier
 * releases names items by "ino:<dev>:<inode>" (formerLocalId): see exportFormerIds.ts.
 */
export function localItemId(stats: BigIntStats): string {
	const inode = `ino:${stats.dev}:${stats.ino}`;
	return stats.birthtimeNs === 0n ? inode : `${inode}:${stats.birthtimeNs.toString(36)}`;
}

/** The id earlier releases gave this file or folder ("ino:<dev>:<inode>"), when it differs from today's. */
export function formerLocalId(stats: BigIntStats): string | undefined {
	const inode = `ino:${stats.dev}:${stats.ino}`;
	return localItemId(stats) === inode ? undefined : inode;
}

/** Whether an id names this item: today's id, or an id saved by an earlier release (no birth time in it). */
export function localIdNames(id: string, stats: BigIntStats): boolean {
	return id === localItemId(stats) || id === formerLocalId(stats);
}

/** Changes with content (mtime, size) and with renames (ctime moves on rename). */
export function localVersion(stats: BigIntStats): string {
	return `${stats.mtimeNs}.${stats.ctimeNs}.${stats.size}`;
}

export function localItem(
	stats: BigIntStats,
	name: string,
	path: string,
	parentId: string | undefined,
	hash?: string,
): RemoteItem {
	const isFolder = stats.isDirectory();
	const item: RemoteItem = {
		id: localItemId(stats),
		name,
		isFolder,
		path,
		modifiedAt: new Date(Number(stats.mtimeMs)).toISOString(),
		createdAt: new Date(Number(stats.birthtimeMs || stats.ctimeMs)).toISOString(),
		version: localVersion(stats),
	};
	if (parentId !== undefined) item.parentId = parentId;
	const formerId = formerLocalId(stats);
	if (formerId !== undefined) item.formerId = formerId;
	if (!isFolder) {
		item.size = Number(stats.size);
		if (hash !== undefined) item.hash = hash;
	}
	return item;
}

/** How many digests the process remembers; ~150 bytes each. */
const HASH_CACHE_LIMIT = 100_000;

/**
 * SHA-256 of files by (id, version), shared by every provider instance in the process so that scanning an
 * unchanged folder run after run reads no content. Oldest entries go first.
 */
class LocalHashCache {
	private readonly digests = new Map<string, string>();

	get(id: string, version: string): string | undefined {
		return this.digests.get(`${id}|${version}`);
	}

	set(id: string, version: string, digest: string): void {
		const key = `${id}|${version}`;
		this.digests.delete(key);
		this.digests.set(key, digest);
		if (this.digests.size > HASH_CACHE_LIMIT)
			this.digests.delete(this.digests.keys().next().value as string);
	}
}

export const localHashCache = new LocalHashCache();

/** The file's SHA-256, from the cache when its version has not moved. */
export async function localFileHash(absolutePath: string, stats: BigIntStats): Promise<string> {
	const id = localItemId(stats);
	const version = localVersion(stats);
	const known = localHashCache.get(id, version);
	if (known !== undefined) return known;
	// Post-open identity check: the file opened (without following a final link) must be the one the scan saw,
	// so a parent folder swapped for a link meanwhile cannot have us read, and report the hash of, a file elsewhere.
	const handle = await open(absolutePath, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
	const opened = await handle.stat({ bigint: true }).catch(async (error: unknown) => {
		await handle.close();
		throw error;
	});
	if (opened.dev !== stats.dev || opened.ino !== stats.ino) {
		await handle.close();
		// ENOENT: "the file the scan saw is not there any more" (listed without a hash, like a file that vanished).
		throw Object.assign(new Error(`${absolutePath} is no longer the file that was listed`), {
			code: 'ENOENT',
		});
	}
	const digest = await hashStream('sha256', handle.createReadStream());
	// Remember it only if the file did not change while it was read.
	const after = await lstat(absolutePath, { bigint: true });
	if (localItemId(after) === id && localVersion(after) === version)
		localHashCache.set(id, version, digest);
	return digest;
}
