import { basename, dirname, join } from 'path';
import type { StorageCloud, StorageContext } from '../registry';
import { LOCAL_FOLDER_NAMES } from './names';
import { N8N_2_DEFAULT_ALLOWED, n8nFileAccessRules } from './access';
import { LocalFolderStorage } from './index';
import type { LocalPathGuard } from './jail';

/** A directory on the n8n host: no credential, no account; the path the user types is the root. */
export const LOCAL_FOLDER: StorageCloud = {
	label: 'Local Folder',
	features: { rootIsHostPath: true, libraryInSite: false },
	names: LOCAL_FOLDER_NAMES,
	async open(ctx, options) {
		if (!options.localBaseDir) throw new Error('A local folder path is required');
		return new LocalFolderStorage(options.localBaseDir, { guard: n8nFileAccessGuard(ctx) });
	},
};

/**
 * n8n's own file-access rules (N8N_RESTRICT_FILE_ACCESS_TO, its blocked folders and patterns) through the
 * helpers n8n gives nodes: resolvePath + isFilePathBlocked on 2.x, isFilePathBlocked(path) on 1.x.
 */
export function n8nFileAccessGuard(ctx: StorageContext): LocalPathGuard | undefined {
	const helpers = ctx.helpers as unknown as {
		resolvePath?: (path: string) => Promise<string>;
		isFilePathBlocked?: (path: string) => boolean | Promise<boolean>;
	};
	if (typeof helpers.isFilePathBlocked !== 'function') return undefined;
	const resolve = async (path: string): Promise<string> => {
		if (typeof helpers.resolvePath !== 'function') return path;
		try {
			return await helpers.resolvePath(path);
		} catch (error) {
			// A file about to be created does not exist yet. n8n 2.x resolves its folder itself, but only when the
			// error passes its `instanceof Error` test, which fs errors fail across realms (jest, vm sandboxes).
			if ((error as NodeJS.ErrnoException)?.code !== 'ENOENT' || dirname(path) === path)
				throw error;
			return join(await resolve(dirname(path)), basename(path));
		}
	};
	const guard: LocalPathGuard = async (path) =>
		!(await helpers.isFilePathBlocked!(await resolve(path)));
	// n8n's helper judges the base folder; paths below it go through the same rules in linear time (its default
	// pattern is exponential in the path depth). 2.x (the one with resolvePath) restricts to ~/.n8n-files by default.
	guard.rulesBelowBase = n8nFileAccessRules(
		process.env,
		typeof helpers.resolvePath === 'function' ? N8N_2_DEFAULT_ALLOWED : '',
	);
	return guard;
}
