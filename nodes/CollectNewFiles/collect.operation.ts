import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { toNodeError } from '../shared/errors';
import { collectStateSchema, type CollectState } from '../shared/state/collectState';
import { loadState, saveState } from '../shared/state/staticData';
import { isCloudError } from '../shared/storage/errors';
import type { ChangeBatch, FolderRef, RemoteItem, StorageKind, StorageProvider } from '../shared/storage/types';
import { applyRun, planCollect, type Candidate, type Outcome, type RunContext } from '../shared/sync/collectLedger';
import { claimCandidates, claimValue, releaseClaims } from './overlapGuard';
import { readCollectParameters, type CollectParameters } from './parameters';

export const SOURCE_NAMES: Record<StorageKind, string> = {
	dropbox: 'Dropbox',
	googleDrive: 'Google Drive',
	oneDrive: 'OneDrive',
	localFolder: 'Local folder',
};

export type OpenStorage = (ctx: IExecuteFunctions, kind: StorageKind, folder?: FolderRef) => Promise<StorageProvider>;

async function listAll(provider: StorageProvider, folderId: string, recursive: boolean): Promise<RemoteItem[]> {
	const items: RemoteItem[] = [];
	for await (const item of provider.list(folderId, { recursive })) items.push(item);
	return items;
}

function asSnapshot(items: RemoteItem[], cursor: string): ChangeBatch {
	return { changes: items.map((item) => ({ type: 'upsert' as const, item })), cursor, snapshot: true };
}

/**
 * The change batch of this run: the feed since the stored cursor, or a full listing on the first run, while
 * draining a capped listing, and when the service reset the feed (reconciled against the ledger, so a reset
 * neither duplicates nor misses). The cursor for "now" is taken before listing, so nothing falls in between.
 */
async function readChanges(
	provider: StorageProvider,
	state: CollectState,
	folderId: string,
	recursive: boolean,
): Promise<{ batch: ChangeBatch; firstRun: boolean }> {
	if (!state.cursor) {
		const cursor = await provider.latestCursor(folderId, { recursive });
		return { batch: asSnapshot(await listAll(provider, folderId, recursive), cursor), firstRun: true };
	}
	if (state.drain === 'listing') {
		return { batch: asSnapshot(await listAll(provider, folderId, recursive), state.cursor), firstRun: false };
	}
	try {
		return { batch: await provider.changes(folderId, state.cursor, { recursive }), firstRun: false };
	} catch (error) {
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- an unexpected error: the node's execute() converts it with toNodeError
		if (!isCloudError(error, 'cursorReset')) throw error;
		const cursor = await provider.latestCursor(folderId, { recursive });
		return { batch: asSnapshot(await listAll(provider, folderId, recursive), cursor), firstRun: false };
	}
}

async function resolveFolder(
	ctx: IExecuteFunctions,
	provider: StorageProvider,
	params: CollectParameters,
	state: CollectState,
): Promise<CollectState> {
	if (state.folder?.key === params.folderKey) return state;
	let folder: RemoteItem;
	try {
		// The local folder's root is the chosen folder itself (see storage.ts).
		folder = params.source === 'localFolder' ? await provider.root() : await provider.resolveFolder(params.folderRef);
	} catch (error) {
		throw toNodeError(ctx.getNode(), error, { target: params.folderRef.value, service: SOURCE_NAMES[params.source] });
	}
	// Another folder: its files are judged afresh by the first-run mode; the ledger keeps what was collected.
	const path = params.source === 'localFolder' ? params.folderRef.value : folder.path;
	const next: CollectState = { ...state, folder: { key: params.folderKey, id: folder.id, name: folder.name, path } };
	delete next.cursor;
	delete next.drain;
	delete next.moveTarget;
	return next;
}

async function moveTargetId(provider: StorageProvider, state: CollectState, folderId: string, name: string): Promise<string> {
	if (state.moveTarget?.name === name) return state.moveTarget.id;
	const existing = await provider.findChild(folderId, name, 'folder');
	const target = existing ?? (await provider.createFolder(folderId, name));
	state.moveTarget = { name, id: target.id };
	return target.id;
}

/** Move or delete a collected file as asked; a failure is reported on the item, never stops the run. */
async function afterCollecting(
	provider: StorageProvider,
	params: CollectParameters,
	state: CollectState,
	folderId: string,
	item: RemoteItem,
): Promise<IDataObject | undefined> {
	if (params.afterCollecting === 'leave') return undefined;
	try {
		if (params.afterCollecting === 'delete') {
			await provider.trash(item.id);
			return { afterCollecting: 'deleted' };
		}
		const parentId = await moveTargetId(provider, state, folderId, params.moveToSubfolder);
		if (item.parentId !== parentId) await provider.move(item.id, { parentId });
		return { afterCollecting: 'moved' };
	} catch (error) {
		return { afterCollecting: 'failed', afterCollectingError: (error as Error).message };
	}
}

/** A generic type says nothing: let n8n derive it from the file name instead. */
function usefulMimeType(mimeType: string | undefined): string | undefined {
	return mimeType && mimeType !== 'application/octet-stream' ? mimeType : undefined;
}

function describeItem(item: RemoteItem, params: CollectParameters, state: CollectState, collectedAt: string): IDataObject {
	return {
		id: item.id,
		name: item.name,
		path: item.path ?? item.name,
		size: item.size ?? null,
		contentHash: item.hash ?? null,
		modifiedAt: item.modifiedAt ?? null,
		collectedAt,
		source: params.source,
		folder: state.folder?.path || state.folder?.name || params.folderRef.value,
	};
}

export async function collectOperation(ctx: IExecuteFunctions, openStorage: OpenStorage): Promise<INodeExecutionData[][]> {
	const node = ctx.getNode();
	const params = readCollectParameters(ctx);
	// n8n never saves static data after a manual run: preview what would be collected and consume nothing.
	const preview = ctx.getMode() === 'manual';
	const service = SOURCE_NAMES[params.source];
	const provider = await openStorage(ctx, params.source, params.folderRef);

	let state = loadState(ctx, node.id, collectStateSchema);
	state = await resolveFolder(ctx, provider, params, state);
	const folderId = state.folder!.id;

	let changes: { batch: ChangeBatch; firstRun: boolean };
	try {
		changes = await readChanges(provider, state, folderId, params.ledger.includeSubfolders);
	} catch (error) {
		throw toNodeError(node, error, { target: state.folder?.path || state.folder?.name || params.folderRef.value, service });
	}
	const run: RunContext = { execution: ctx.getExecutionId(), now: new Date().toISOString(), firstRun: changes.firstRun };
	const plan = planCollect(state, changes.batch, run, params.ledger);

	const outcomes = new Map<string, Outcome>();
	let toDeliver: Candidate[] = plan.collect;
	let claimed: string[] = [];
	if (!preview && params.overlapGuard && params.ledger.commit === 'onEmit') {
		const fresh = plan.collect.filter((c) => c.reason !== 'redelivery');
		const takenElsewhere = await claimCandidates(ctx, node.id, fresh);
		if (takenElsewhere) {
			for (const idFp of takenElsewhere) outcomes.set(idFp, 'claimedElsewhere');
			claimed = fresh.filter((c) => !takenElsewhere.has(c.idFp)).map((c) => claimValue(node.id, c.idFp, c.contentFp));
			toDeliver = plan.collect.filter((c) => !takenElsewhere.has(c.idFp));
		}
	}

	const output: INodeExecutionData[] = [];
	const workingState: CollectState = { ...state };
	for (const candidate of toDeliver) {
		const { item } = candidate;
		const json = describeItem(item, params, state, run.now);
		if (candidate.reason === 'redelivery') json.redelivery = true;
		if (candidate.reason === 'changed') json.changed = true;
		if (preview) json.preview = true;
		const result: INodeExecutionData = { json, pairedItem: { item: 0 } };
		try {
			if (params.downloadContent) {
				const stream = await provider.download(item.id);
				result.binary = {
					[params.binaryPropertyName]: await ctx.helpers.prepareBinaryData(stream, item.name, usefulMimeType(item.mimeType)),
				};
			}
		} catch (error) {
			if (isCloudError(error, 'notFound')) {
				// Gone between listing and download (deleted or moved away): say so, and carry on.
				outcomes.set(candidate.idFp, 'vanished');
				output.push({
					json: { ...json, vanished: true, message: 'The file disappeared between listing and download; not collected.' },
					pairedItem: { item: 0 },
				});
				continue;
			}
			const nodeError = toNodeError(node, error, { target: item.path ?? item.name, service });
			if (!ctx.continueOnFail()) {
				// Nothing of this run is recorded (state untouched, claims given back): the next run starts here again.
				await releaseClaims(ctx, claimed);
				throw nodeError;
			}
			outcomes.set(candidate.idFp, 'failed');
			output.push({ json: { ...json, error: nodeError.message }, pairedItem: { item: 0 } });
			continue;
		}
		outcomes.set(candidate.idFp, 'emitted');
		if (!preview) Object.assign(json, await afterCollecting(provider, params, workingState, folderId, item));
		output.push(result);
	}

	if (!preview) {
		const next = applyRun(workingState, { plan, outcomes }, run, params.ledger);
		saveState(ctx, node.id, collectStateSchema, { ...next, node: node.name });
	}
	if (preview && output.length === 0) {
		output.push({
			json: {
				preview: true,
				collected: 0,
				message: 'Manual run: nothing new to collect. Manual runs only preview; production runs collect.',
			},
			pairedItem: { item: 0 },
		});
	}
	return [output];
}
