import type { Readable } from 'stream';
import { CloudError, isCloudError } from '../types/cloudError';
import type { ChangeBatch, RemoteItem, StorageProvider } from '../storage/types';
import { failureHandling, type ReadStep } from '../sync/collectReading';

/**
 * The collect runner's reads: files to retry fetched by id, shortcuts' targets looked up, and each file's content
 * read the way the planner said (collectReading.ts). Decides nothing: what a failure means is failureHandling's.
 */

/** Whether an error must stop the whole run (the credential or the account is the problem), not just one file. */
export function stopsRun(error: unknown): boolean {
	return (
		isCloudError(error) && failureHandling(error.reason, error.details.providerCode) === 'stopRun'
	);
}

/**
 * Files that failed on an earlier run and are due for another try, fetched by id and added to the batch as
 * upserts (unless the batch mentions them already). Returns the ids that are gone (deleted, trashed).
 */
export async function addRetries(
	provider: StorageProvider,
	batch: ChangeBatch,
	retryIds: string[],
): Promise<{ batch: ChangeBatch; gone: string[] }> {
	if (retryIds.length === 0) return { batch, gone: [] };
	const mentioned = new Set(
		batch.changes.map((change) => (change.type === 'upsert' ? change.item.id : change.id)),
	);
	const added: ChangeBatch['changes'] = [];
	const gone: string[] = [];
	for (const id of retryIds) {
		if (mentioned.has(id)) continue;
		const item = await provider.getItem(id);
		if (item && !item.isFolder) added.push({ type: 'upsert', item });
		else gone.push(id);
	}
	return { batch: { ...batch, changes: [...batch.changes, ...added] }, gone };
}

/**
 * The targets of the batch's shortcuts that this credential can read (one lookup per target). Shortcuts to
 * folders are not followed; a target that is gone or forbidden is simply absent (the shortcut is then skipped
 * with its reason). Errors that concern the whole run still stop it.
 */
export async function resolveShortcuts(
	provider: StorageProvider,
	batch: ChangeBatch,
): Promise<Map<string, RemoteItem>> {
	const targets = new Map<string, RemoteItem>();
	for (const change of batch.changes) {
		if (change.type !== 'upsert' || change.item.content !== 'shortcut' || !change.item.shortcutTo)
			continue;
		const { id, isFolder } = change.item.shortcutTo;
		if (targets.has(id) || isFolder) continue;
		try {
			const target = await provider.getItem(id);
			if (target && !target.isFolder && target.content !== 'shortcut') targets.set(id, target);
		} catch (error) {
			if (stopsRun(error)) throw error;
		}
	}
	return targets;
}

/** The file's content as the read step says: a download, or an export of a native document. */
export async function openContent(
	provider: StorageProvider,
	item: RemoteItem,
	step: Exclude<ReadStep, { type: 'skip' }>,
): Promise<Readable> {
	if (step.type === 'download') return await provider.download(item.id);
	if (!provider.exportDocument) {
		throw new CloudError(
			'invalidRequest',
			`${item.name} is a native document and this source cannot export it`,
			{ target: item.name },
		);
	}
	return await provider.exportDocument(item.id, step.format.mimeType);
}
