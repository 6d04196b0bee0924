import type { ChangeBatch, StorageProvider } from '../storage/types';

/**
 * A full listing of the folder as a snapshot batch (anything tracked and not in it is gone). Its cursor is
 * `cursor`, or "now" taken before listing, so nothing that changes during the listing falls between the two.
 */
export async function fullListing(
	provider: StorageProvider,
	folderId: string,
	recursive: boolean,
	cursor?: string,
): Promise<ChangeBatch> {
	const next = cursor ?? (await provider.latestCursor(folderId, { recursive }));
	const changes: ChangeBatch['changes'] = [];
	for await (const item of provider.list(folderId, { recursive }))
		changes.push({ type: 'upsert', item });
	return { changes, cursor: next, snapshot: true };
}

/**
 * The one feed-or-full-listing routine of the file nodes: the change feed since `cursor` (one request when
 * nothing changed); without a cursor, or when `recover` turns a feed error into 'listing' (a reset cursor), a
 * full listing. `recover` may also answer with a batch of its own, or rethrow. `withoutCursor: 'cursorOnly'`
 * takes only a cursor where there is nothing to list yet (a folder created this run).
 */
export async function feedOrListing(
	provider: StorageProvider,
	folderId: string,
	cursor: string | undefined,
	options: {
		recursive: boolean;
		recover: (error: unknown) => ChangeBatch | 'listing';
		withoutCursor?: 'listing' | 'cursorOnly';
	},
): Promise<ChangeBatch> {
	const { recursive } = options;
	if (cursor) {
		try {
			return await provider.changes(folderId, cursor, { recursive });
		} catch (error) {
			const recovered = options.recover(error);
			if (recovered !== 'listing') return recovered;
		}
		return await fullListing(provider, folderId, recursive);
	}
	if (options.withoutCursor === 'cursorOnly')
		return {
			changes: [],
			cursor: await provider.latestCursor(folderId, { recursive }),
			snapshot: true,
		};
	return await fullListing(provider, folderId, recursive);
}
