import type { BigIntStats } from 'fs';
import { lstat, readdir } from 'fs/promises';
import { join } from 'path';
import { withFsErrors } from './errors';
import { CloudError } from '../../types/cloudError';
import { localItemId } from './items';
import { MAX_PATH_DEPTH, tooDeep, type LocalFolderJail } from './jail';

/** Our own upload temp files ("." prefix, fixed shape): never listed, never reported as changes. */
export const TEMP_FILE_PATTERN = /^\.cloudsync-[0-9a-f]{16}\.tmp$/;

/** Entries one scan reads at most: a folder holding more fails clearly instead of exhausting memory or the run. */
export const MAX_SCAN_ENTRIES = 1_000_000;

function tooMany(folderPath: string): CloudError {
	return new CloudError(
		'invalidRequest',
		`The local folder "${folderPath || '.'}" holds more than ` +
			`${MAX_SCAN_ENTRIES.toLocaleString('en-US')} files and folders`,
		{
			target: folderPath,
			hint: 'Choose a smaller folder, or turn off "Include Subfolders".',
		},
	);
}

export interface ScannedEntry {
	realPath: string;
	/** Relative to the folder being scanned, '/'-separated. */
	path: string;
	name: string;
	parentId: string;
	stats: BigIntStats;
}

/**
 * Entries below `folderReal`, depth first, names sorted so scans are deterministic. Symbolic links are not
 * followed (a link could lead out of the base folder or into a cycle); entries n8n's guard refuses are left out.
 * A subfolder that cannot be read fails the scan: leaving it out would make its files look deleted.
 */
export async function* scanFolder(
	jail: LocalFolderJail,
	folderReal: string,
	folderId: string,
	recursive: boolean,
): AsyncGenerator<ScannedEntry> {
	const pending: Array<{ real: string; path: string; id: string; depth: number }> = [
		{ real: folderReal, path: '', id: folderId, depth: 0 },
	];
	let seen = 0;
	while (pending.length > 0) {
		const folder = pending.pop()!;
		if (folder.depth > MAX_PATH_DEPTH) throw tooDeep(folder.path);
		const names = await withFsErrors(folder.path, async () => (await readdir(folder.real)).sort());
		seen += names.length;
		if (seen > MAX_SCAN_ENTRIES) throw tooMany(folder.path);
		const subfolders: typeof pending = [];
		for (const name of names) {
			if (TEMP_FILE_PATTERN.test(name)) continue;
			const realPath = join(folder.real, name);
			const path = folder.path ? `${folder.path}/${name}` : name;
			let stats: BigIntStats;
			try {
				stats = await lstat(realPath, { bigint: true });
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // gone since readdir
				throw error;
			}
			if (!stats.isFile() && !stats.isDirectory()) continue;
			if (!(await jail.allowed(realPath, 'read'))) continue;
			yield { realPath, path, name, parentId: folder.id, stats };
			if (recursive && stats.isDirectory())
				subfolders.push({ real: realPath, path, id: localItemId(stats), depth: folder.depth + 1 });
		}
		// Reversed onto the stack so subfolders come out in name order.
		pending.push(...subfolders.reverse());
	}
}

/** Base-relative paths below `folderReal` that n8n's guard refuses to write (symbolic links are not followed). */
export async function* findBlocked(
	jail: LocalFolderJail,
	folderReal: string,
	folderPath: string,
): AsyncGenerator<string> {
	const pending = [{ real: folderReal, path: folderPath, depth: 0 }];
	let seen = 0;
	while (pending.length > 0) {
		const folder = pending.pop()!;
		if (folder.depth > MAX_PATH_DEPTH) throw tooDeep(folder.path);
		const entries = await withFsErrors(folder.path, () =>
			readdir(folder.real, { withFileTypes: true }),
		);
		seen += entries.length;
		if (seen > MAX_SCAN_ENTRIES) throw tooMany(folder.path);
		for (const entry of entries) {
			const real = join(folder.real, entry.name);
			const path = `${folder.path}/${entry.name}`;
			if (!(await jail.allowed(real, 'write'))) yield path;
			if (entry.isDirectory()) pending.push({ real, path, depth: folder.depth + 1 });
		}
	}
}
