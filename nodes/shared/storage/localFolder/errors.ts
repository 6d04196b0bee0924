import { CloudError, HINTS } from '../../types/cloudError';

/** Error codes of node:fs mapped to what the node can act on. */
export function localFsError(error: unknown, target: string): CloudError {
	if (error instanceof CloudError) return error;
	const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
	const shown = target === '' ? 'the base folder' : `"${target}"`;
	const details = { providerCode: code || undefined, target, cause: error };
	switch (code) {
		case 'ENOENT':
			return new CloudError('notFound', `Not found in the local folder: ${shown}`, details);
		case 'EACCES':
		case 'EPERM':
		case 'EROFS':
			return new CloudError('permission', `The n8n process may not access ${shown} (${code})`, {
				...details,
				hint: 'Give the user n8n runs as read/write access to this folder, or pick another folder.',
			});
		case 'ENOSPC':
		case 'EDQUOT':
			return new CloudError('quota', `No space left while writing ${shown}`, {
				...details,
				hint: HINTS.quota,
			});
		case 'EEXIST':
		case 'ENOTEMPTY':
			return new CloudError('conflict', `Already exists in the local folder: ${shown}`, details);
		case 'ENOTDIR':
		case 'EISDIR':
		case 'ENAMETOOLONG':
		case 'EINVAL':
		case 'ELOOP':
			return new CloudError(
				'invalidRequest',
				`Cannot use ${shown} in the local folder (${code})`,
				details,
			);
		case 'EMFILE':
		case 'ENFILE':
		case 'EBUSY':
		case 'EAGAIN':
		case 'EIO':
			return new CloudError(
				'transient',
				`Temporary file system error on ${shown} (${code})`,
				details,
			);
		default:
			return new CloudError(
				'other',
				`File system error on ${shown}${code ? ` (${code})` : ''}`,
				details,
			);
	}
}

/** Runs `action`, turning any file-system error into a CloudError about `target`. */
export async function withFsErrors<T>(target: string, action: () => Promise<T>): Promise<T> {
	try {
		return await action();
	} catch (error) {
		throw localFsError(error, target);
	}
}
