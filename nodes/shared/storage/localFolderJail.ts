import { realpath } from 'fs/promises';
import { basename, dirname, join, relative, sep } from 'path';
import { CloudError } from './errors';
import { withFsErrors } from './localFolderErrors';

/**
 * n8n's own file-access rules, injected by the node: true when the process may touch `resolvedPath` (absolute,
 * symlinks already resolved). In n8n: `!helpers.isFilePathBlocked(await helpers.resolvePath(path))`, which applies
 * N8N_RESTRICT_FILE_ACCESS_TO, N8N_BLOCK_FILE_ACCESS_TO_N8N_FILES and N8N_BLOCK_FILE_PATTERNS.
 */
export type LocalPathGuard = (resolvedPath: string, access: 'read' | 'write') => boolean | Promise<boolean>;

const GUARD_HINT =
	"n8n's file access rules block this path: allow the folder with N8N_RESTRICT_FILE_ACCESS_TO (n8n 2.x allows only ~/.n8n-files by default), and keep it outside n8n's own folder and N8N_BLOCK_FILE_PATTERNS.";

function outside(target: string): CloudError {
	return new CloudError('permission', `"${target}" leads outside the base folder`, {
		target,
		hint: 'Paths are relative to the base folder; ".." and symbolic links that leave it are refused.',
	});
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

	/** The base directory with symlinks resolved, checked once against the guard. */
	base(): Promise<string> {
		this.realBase ??= (async () => {
			const real = await withFsErrors('', () => realpath(this.baseDir));
			await this.check(real, '', 'read');
			return real;
		})().catch((error: unknown) => {
			this.realBase = undefined; // the folder may appear later: try again next time
			throw error;
		});
		return this.realBase;
	}

	/** '/'-separated segments of a relative path; refuses anything that climbs. */
	static segments(relativePath: string): string[] {
		const pieces = relativePath.split(sep === '\\' ? /[/\\]/ : /\//);
		if (pieces.includes('..') || relativePath.includes('\0')) throw outside(relativePath);
		return pieces.filter((piece) => piece !== '' && piece !== '.');
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

	/** Guard check for a path already known to be real and inside the base (listing entries). */
	async allowed(realPath: string, access: 'read' | 'write'): Promise<boolean> {
		return this.guard ? await this.guard(realPath, access) : true;
	}

	/** '/'-separated path of `realPath` relative to the base ('' for the base itself). */
	async relativeOf(realPath: string): Promise<string> {
		return relative(await this.base(), realPath).split(sep).join('/');
	}

	contains(base: string, candidate: string): boolean {
		return candidate === base || candidate.startsWith(base.endsWith(sep) ? base : base + sep);
	}

	private async check(realPath: string, target: string, access: 'read' | 'write'): Promise<void> {
		if (!(await this.allowed(realPath, access))) {
			throw new CloudError('permission', `Access to "${target || this.baseDir}" is not allowed`, {
				target,
				hint: GUARD_HINT,
			});
		}
	}
}
