import { homedir } from 'os';
import { join, resolve, sep } from 'path';

/**
 * n8n's file-access rules (N8N_RESTRICT_FILE_ACCESS_TO, N8N_BLOCK_FILE_ACCESS_TO_N8N_FILES, N8N_BLOCK_FILE_PATTERNS),
 * read from the same settings n8n reads, checked in time linear in the path length.
 *
 * Why not n8n's own isFilePathBlocked for every path: its default pattern `^(.*\/)*\.git(\/.*)*$` backtracks
 * exponentially with the number of folders in a path that does not match (20 levels: about a second of stalled
 * event loop, 25 levels: minutes), and anyone who can write into a watched folder can nest folders. n8n's own
 * helper still judges the base folder once (see LocalFolderJail); everything below it goes through these rules.
 */

/** n8n's default N8N_BLOCK_FILE_PATTERNS (n8n 1.x and 2.x). */
export const N8N_DEFAULT_BLOCK_PATTERNS = '^(.*\\/)*\\.git(\\/.*)*$';

/** n8n 2.x's default N8N_RESTRICT_FILE_ACCESS_TO (1.x: no restriction). */
export const N8N_2_DEFAULT_ALLOWED = '~/.n8n-files';

export interface FileAccessRules {
	/** True when n8n's rules refuse `resolvedPath` (absolute, symbolic links resolved). */
	isBlocked(resolvedPath: string): boolean;
}

type Env = Record<string, string | undefined>;

/** `child` is `parent` or below it (n8n's isContainedWithin). */
function containedWithin(parent: string, child: string): boolean {
	const p = resolve(parent);
	const c = resolve(child);
	return c === p || c.startsWith(p.endsWith(sep) ? p : p + sep);
}

const expandHome = (path: string) => (path.startsWith('~') ? path.replace('~', homedir()) : path);

/** n8n's own folders (InstanceSettings.n8nFolder, staticCacheDir) and the files its environment names. */
function n8nRestrictedPaths(env: Env): string[] {
	const userHome = env.N8N_USER_FOLDER ?? homedir();
	const paths = [join(userHome, '.n8n'), join(homedir(), '.cache', 'n8n', 'public')];
	const list = (name: string, separator: string) =>
		env[name]
			? env[name]!.split(separator)
					.map((p) => p.trim())
					.filter(Boolean)
			: [];
	paths.push(...list('N8N_CONFIG_FILES', ','), ...list('N8N_CUSTOM_EXTENSIONS', ';'));
	for (const name of [
		'N8N_BINARY_DATA_STORAGE_PATH',
		'N8N_UM_EMAIL_TEMPLATES_INVITE',
		'N8N_UM_EMAIL_TEMPLATES_PWRESET',
	]) {
		if (env[name]) paths.push(env[name]!);
	}
	return paths;
}

/**
 * One pattern of N8N_BLOCK_FILE_PATTERNS as a linear-time test. n8n's default (".git" as a whole folder or file
 * name anywhere) is a segment check. Other patterns keep their meaning with the two exponential shapes rewritten
 * to equivalent optional groups: `(.*\/)*` matches exactly what `(?:.*\/)?` matches, and `(\/.*)*` what
 * `(?:\/.*)?` matches. A pattern that does not compile blocks everything, as in n8n.
 */
export function blockPattern(source: string): (normalizedPath: string) => boolean {
	if (source === N8N_DEFAULT_BLOCK_PATTERNS)
		return (path) => path.toLowerCase().split(/[/\n]/).includes('.git');
	const tamed = source.split('(.*\\/)*').join('(?:.*\\/)?').split('(\\/.*)*').join('(?:\\/.*)?');
	try {
		const regex = new RegExp(tamed, 'mi');
		return (path) => regex.test(path);
	} catch {
		return () => true;
	}
}

/**
 * The rules as n8n applies them, from the environment. `defaultAllowed` is the allowed-folders setting when the
 * variable is unset: '~/.n8n-files' on n8n 2.x, '' (anywhere) on 1.x.
 */
export function n8nFileAccessRules(
	env: Env = process.env,
	defaultAllowed = N8N_2_DEFAULT_ALLOWED,
): FileAccessRules {
	const allowed = (env.N8N_RESTRICT_FILE_ACCESS_TO ?? defaultAllowed)
		.split(';')
		.map((path) => path.trim())
		.filter(Boolean)
		.map(expandHome);
	const restricted =
		env.N8N_BLOCK_FILE_ACCESS_TO_N8N_FILES === 'false' ? [] : n8nRestrictedPaths(env);
	const patterns = (env.N8N_BLOCK_FILE_PATTERNS ?? N8N_DEFAULT_BLOCK_PATTERNS)
		.split(';')
		.map((pattern) => pattern.trim())
		.filter(Boolean)
		.map(blockPattern);
	return {
		isBlocked(resolvedPath) {
			if (restricted.some((path) => containedWithin(path, resolvedPath))) return true;
			const normalized = resolvedPath.replace(/\\/g, '/').replace(/\/{2,}/g, '/');
			if (patterns.some((blocked) => blocked(normalized))) return true;
			return allowed.length > 0 && !allowed.some((path) => containedWithin(path, resolvedPath));
		},
	};
}
