import { constants, existsSync } from 'fs';
import { open, readlink, realpath } from 'fs/promises';
import { basename, dirname, join, relative, sep } from 'path';
import { CloudError } from '../../types/cloudError';
import type { FileAccessRules } from './access';
import { withFsErrors } from './errors';

/**
 * n8n's own file-access rules, injected by the node: true when the process may touch `resolvedPath` (absolute,
 * symlinks already resolved). In n8n: `!helpers.isFilePathBlocked(await helpers.resolvePath(path))`, which applies
 * N8N_RESTRICT_FILE_ACCESS_TO, N8N_BLOCK_FILE_ACCESS_TO_N8N_FILES and N8N_BLOCK_FILE_PATTERNS.
 */
export type LocalPathGuard = ((
	resolvedPath: string,
	access: 'read' | 'write',
) => boolean | Promise<boolean>) & {
	/**
	 * The same rules in linear time (localFolderAccess.ts), for every path below the base folder: then the guard
	 * itself, whose default pattern is exponential in the path depth, judges the base folder only.
	 */
	rulesBelowBase?: FileAccessRules;
};

/** Folders below the base a path may have: templates and scans deeper than this are refused with a clear error. */
export const MAX_PATH_DEPTH = 128;

/** n8n's helper is asked about the base folder only when it is at most this deep (its cost doubles per level). */
const GUARD_MAX_DEPTH = 16;

/** Linux: a path through an open directory's fd, so a renamed or swapped parent cannot redirect the operation. */
const FD_PATHS = process.platform === 'linux' && existsSync('/proc/self/fd');
const DIRECTORY_FLAGS = constants.O_RDONLY | (constants.O_DIRECTORY ?? 0);

const GUARD_HINT =
	"n8n's file access rules block this path: allow the folder with " +
	'N8N_RESTRICT_FILE_ACCESS_TO (n8n 2.x allows only ~/.n8n-files by default), ' +
	"and keep it outside n8n's own folder and N8N_BLOCK_FILE_PATTERNS.";

function outside(target: string): CloudError {
	return new CloudError('permission', `"${target}" leads outside the base folder`, {
		target,
		hint: 'Paths are relative to the base folder; ".." and symbolic links that leave it are refused.',
	});
}

export function tooDeep(target: string): CloudError {
	return new CloudError(
		'invalidRequest',
		`"${target}" is more than ${MAX_PATH_DEPTH} folders deep`,
		{
			target,
			hint:
				'Shorten the folder structure (template) or choose a folder with fewer than ' +
				`${MAX_PATH_DEPTH} levels of subfolders.`,
		},
	);
}

/**
 * Keeps every path inside the base directory: lexical checks first ('..', absolute paths), then realpath so a
 * symbolic link cannot lead out, then n8n's guard.
 */
export class LocalFolderJail {
	private realBase?: Promise<string>;

	constructor(
		private readonly baseDir: string,
		private readonly guard?: LocalPathGuard,
	) {}

	/** The base directory with symlinks resolved, checked once against the guard (and its linear rules). */
	base(): Promise<string> {
		this.realBase ??= (async () => {
			const real = await withFsErrors('', () => realpath(this.baseDir));
			const rules = this.guard?.rulesBelowBase;
			if (rules?.isBlocked(real)) throw this.refused('');
			if (this.guard && (!rules || real.split(sep).length <= GUARD_MAX_DEPTH)) {
				if (!(await this.guard(real, 'read'))) throw this.refused('');
			}
			return real;
		})().catch((error: unknown) => {
			this.realBase = undefined; // the folder may appear later: try again next time
			throw error;
		});
		return this.realBase;
	}

	/** '/'-separated segments of a relative path; refuses anything that climbs, and paths deeper than MAX_PATH_DEPTH. */
	static segments(relativePath: string): string[] {
		const pieces = relativePath.split(sep === '\\' ? /[/\\]/ : /\//);
		if (pieces.includes('..') || relativePath.includes('\0')) throw outside(relativePath);
		const segments = pieces.filter((piece) => piece !== '' && piece !== '.');
		if (segments.length > MAX_PATH_DEPTH) throw tooDeep(`${segments.slice(0, 3).join('/')}/…`);
		return segments;
	}

	/** Real absolute path of `relativePath`, verified inside the base; the last segment may not exist yet. */
	async resolve(relativePath: string, access: 'read' | 'write'): Promise<string> {
		const base = await this.base();
		const lexical = join(base, ...LocalFolderJail.segments(relativePath));
		const real = await withFsErrors(relativePath, async () => {
			try {
				return await realpath(lexical);
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || lexical === base) throw error;
				return join(await realpath(dirname(lexical)), basename(lexical));
			}
		});
		if (!this.contains(base, real)) throw outside(relativePath);
		await this.check(real, relativePath, access);
		return real;
	}

	/** Guard check for a path already known to be real and inside the base (listing entries). Linear with n8n's guard. */
	async allowed(realPath: string, access: 'read' | 'write'): Promise<boolean> {
		if (!this.guard) return true;
		if (this.guard.rulesBelowBase) return !this.guard.rulesBelowBase.isBlocked(realPath);
		return await this.guard(realPath, access);
	}

	/**
	 * Runs `operation` on `relativePath` so that no folder on the way can be swapped for a symbolic link between
	 * the check and the use: the parent folder is opened, the kernel's own record of what was opened
	 * (/proc/self/fd/N) must be exactly the checked path inside the base (a link anywhere on the way, or a parent
	 * swapped before the open, shows up there as another path), and `operation` gets paths through that descriptor
	 * (/proc/self/fd/N/name), which keep pointing into the verified folder whatever happens to the names meanwhile.
	 * The last segment is handed over as a name: the operation itself must not follow it (O_NOFOLLOW, O_EXCL,
	 * rename, rm). Without /proc/self/fd it falls back to the realpath check of resolve() (a narrow race remains).
	 */
	async at<T>(
		relativePath: string,
		access: 'read' | 'write',
		operation: (path: string, folder: string) => Promise<T>,
	): Promise<T> {
		const segments = LocalFolderJail.segments(relativePath);
		const base = await this.base();
		if (segments.length === 0 || !FD_PATHS) {
			const real = await this.resolve(relativePath, access);
			return await operation(real, dirname(real));
		}
		// Links are never followed below the base, so the checked real path is the lexical one.
		await this.check(join(base, ...segments), relativePath, access);
		const parentReal = join(base, ...segments.slice(0, -1));
		const folder = await withFsErrors(relativePath, () => open(parentReal, DIRECTORY_FLAGS));
		try {
			const anchor = `/proc/self/fd/${folder.fd}`;
			if ((await readlink(anchor)) !== parentReal) {
				throw new CloudError(
					'permission',
					`"${relativePath}" goes through a symbolic link or a folder that moved, which the local folder does not follow`,
					{
						target: relativePath,
						hint: 'Use the real folder instead of a link (links could lead outside the base folder), then run again.',
					},
				);
			}
			return await operation(`${anchor}/${segments[segments.length - 1]}`, anchor);
		} finally {
			await folder.close();
		}
	}

	/** '/'-separated path of `realPath` relative to the base ('' for the base itself). */
	async relativeOf(realPath: string): Promise<string> {
		return relative(await this.base(), realPath)
			.split(sep)
			.join('/');
	}

	contains(base: string, candidate: string): boolean {
		return candidate === base || candidate.startsWith(base.endsWith(sep) ? base : base + sep);
	}

	private async check(realPath: string, target: string, access: 'read' | 'write'): Promise<void> {
		if (!(await this.allowed(realPath, access))) throw this.refused(target);
	}

	private refused(target: string): CloudError {
		return new CloudError('permission', `Access to "${target || this.baseDir}" is not allowed`, {
			target,
			hint: GUARD_HINT,
		});
	}
}
