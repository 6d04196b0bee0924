import { randomBytes } from 'crypto';
import { chmod, link, lstat, open, rename, unlink } from 'fs/promises';
import { join } from 'path';
import { createHasher } from '../../hashes';
import { CloudError } from '../../types/cloudError';
import type { UploadSource } from '../types';

/** Hard links are not available everywhere (FAT, some network shares): then an exclusive placeholder and a rename. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

export interface AtomicWrite {
	folderReal: string;
	destinationReal: string;
	/** For messages: the destination relative to the base folder. */
	target: string;
	/** 'create' never overwrites (a file that appeared meanwhile is a conflict); 'replace' swaps atomically. */
	mode: 'create' | 'replace';
}

async function writeAll(handle: import('fs/promises').FileHandle, chunk: Buffer): Promise<void> {
	for (let offset = 0; offset < chunk.length;) {
		const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
		offset += bytesWritten;
	}
}

/**
 * Streams the source into a temp file in the destination folder (same file system, so the final rename is
 * atomic), computing SHA-256 on the way, then moves it into place. Readers never see a half-written file.
 * Returns the hex SHA-256. Memory stays at one chunk whatever the size.
 */
export async function writeAtomically(write: AtomicWrite, source: UploadSource): Promise<string> {
	const temp = join(write.folderReal, `.cloudsync-${randomBytes(8).toString('hex')}.tmp`);
	const hasher = createHasher('sha256');
	let written = 0;
	const handle = await open(temp, 'wx');
	try {
		try {
			const chunks: AsyncIterable<Buffer | string> | Buffer[] =
				'data' in source ? [source.data] : source.stream;
			for await (const piece of chunks) {
				const chunk = Buffer.isBuffer(piece) ? piece : Buffer.from(piece);
				hasher.update(chunk);
				await writeAll(handle, chunk);
				written += chunk.length;
			}
			if (written !== source.size) {
				throw new CloudError(
					'integrity',
					`"${write.target}": expected ${source.size} bytes, got ${written}`,
					{
						target: write.target,
					},
				);
			}
			await handle.sync();
		} finally {
			await handle.close();
		}
		await moveIntoPlace(temp, write);
	} catch (error) {
		await unlink(temp).catch(() => undefined);
		throw error;
	}
	return hasher.digest();
}

async function moveIntoPlace(temp: string, write: AtomicWrite): Promise<void> {
	if (write.mode === 'replace') {
		// Keep the replaced file's permissions; the inode (and so the id) is new, as with any atomic replace.
		const previous = await lstat(write.destinationReal).catch(() => undefined);
		if (previous) await chmod(temp, previous.mode & 0o7777);
		await rename(temp, write.destinationReal);
		return;
	}
	try {
		// link() fails with EEXIST instead of overwriting: no window in which another writer's file is clobbered.
		await link(temp, write.destinationReal);
		await unlink(temp);
	} catch (error) {
		if (!NO_HARD_LINKS.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
		// Reserve the name with an exclusive create (fails with EEXIST like link()), then put the file over our own
		// placeholder: two overlapping runs cannot both take the name (issue 22); a reader may see it empty a moment.
		await (await open(write.destinationReal, 'wx')).close();
		await rename(temp, write.destinationReal);
	}
}
