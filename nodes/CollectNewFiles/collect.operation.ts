import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';
import { toNodeError } from '../shared/errors';
import { collectStateSchema, type CollectState } from '../shared/state/collectState';
import { collectStateWarning, type CheckedCollectState } from '../shared/state/collectValidation';
import { loadCheckedState, saveState, StateTooNewError } from '../shared/state/staticData';
import { isCloudError } from '../shared/types/cloudError';
import { flagName } from '../shared/sync/names';
import { STORAGE_LABEL, storageFeatures } from '../shared/storage/registry';
import type {
	ChangeBatch,
	FolderRef,
	RemoteItem,
	StorageKind,
	StorageProvider,
} from '../shared/storage/types';
import { feedOrListing, fullListing } from '../shared/run/changeFeed';
import { addRetries, openContent, resolveShortcuts } from '../shared/run/collectRead';
import {
	applyRun,
	claimedVerdict,
	claimsToGiveBack,
	dropRetries,
	failedAttempt,
	planCollect,
	type Candidate,
	type Outcome,
	type RunContext,
} from '../shared/sync/collectLedger';
import {
	failureHandling,
	presentBatch,
	readStep,
	refusalCode,
} from '../shared/sync/collectReading';
import {
	isEmptyState,
	placedByRun,
	previewBasis,
	type PreviewBasis,
} from '../shared/sync/collectPreview';
import {
	asClaimed,
	claimCandidates,
	claimValue,
	confirmedElsewhere,
	emitClaimValue,
	readMirror,
	recordConfirmed,
	recordMirror,
	releaseClaims,
} from './overlapGuard';
import { readCollectParameters, type CollectParameters } from './parameters';

/** How Collect's messages name the source: its cloud's label, or "Local folder" for a path on the n8n host. */
export function sourceName(kind: StorageKind): string {
	return storageFeatures(kind).rootIsHostPath ? 'Local folder' : STORAGE_LABEL[kind];
}

const PREVIEW_NOTE =
	'Manual run: a preview. Nothing was collected or recorded; the next production run collects this file.';
const PREVIEW_FROM_STORE =
	'n8n 1.x hands manual runs no saved state: this preview left out the files ' +
	"n8n's deduplication store shows production runs already placed.";
const CANNOT_TELL =
	'Manual run: n8n 1.x hands manual runs no saved state, ' +
	"and this node's first production run took more files as already there than it records " +
	'for previews, so this preview cannot tell which files are new. ' +
	'Nothing was collected or recorded. The next production run collects the files that ' +
	'arrived (or changed, if asked) since the production runs before it; ' +
	'a manual run on n8n 2.x, or the execution list after the next production run, ' +
	'shows them.';

export type OpenStorage = (
	ctx: IExecuteFunctions,
	kind: StorageKind,
	folder?: FolderRef,
) => Promise<StorageProvider>;

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
	if (state.cursor && state.drain === 'listing') {
		return {
			batch: await fullListing(provider, folderId, recursive, state.cursor),
			firstRun: false,
		};
	}
	const batch = await feedOrListing(provider, folderId, state.cursor, {
		recursive,
		recover: (error) => {
			if (!isCloudError(error, 'cursorReset')) throw error;
			return 'listing';
		},
	});
	return { batch, firstRun: !state.cursor };
}

async function resolveFolder(
	ctx: IExecuteFunctions,
	provider: StorageProvider,
	params: CollectParameters,
	state: CollectState,
): Promise<CollectState> {
	if (state.folder?.key === params.folderKey) return state;
	const hostPath = storageFeatures(params.source).rootIsHostPath;
	let folder: RemoteItem;
	try {
		// Where the root is a path on the n8n host (the local folder), the chosen folder is the root (see storage.ts).
		folder = hostPath ? await provider.root() : await provider.resolveFolder(params.folderRef);
	} catch (error) {
		throw toNodeError(ctx.getNode(), error, {
			target: params.folderRef.value,
			service: sourceName(params.source),
		});
	}
	// Another folder: its files are judged afresh by the first-run mode; the ledger keeps what was collected.
	const path = hostPath ? params.folderRef.value : folder.path;
	const next: CollectState = {
		...state,
		folder: { key: params.folderKey, id: folder.id, name: folder.name, path },
	};
	delete next.cursor;
	delete next.drain;
	delete next.moveTarget;
	return next;
}

async function moveTargetId(
	provider: StorageProvider,
	state: CollectState,
	folderId: string,
	name: string,
): Promise<string> {
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
		// A document collected through a shortcut lives elsewhere: only
		// the shortcut in the watched folder is moved or deleted.
		const id = item.via?.id ?? item.id;
		if (params.afterCollecting === 'delete') {
			await provider.trash(id);
			return { afterCollecting: 'deleted' };
		}
		const parentId = await moveTargetId(provider, state, folderId, params.moveToSubfolder);
		if (item.parentId !== parentId) await provider.move(id, { parentId });
		return { afterCollecting: 'moved' };
	} catch (error) {
		return { afterCollecting: 'failed', afterCollectingError: (error as Error).message };
	}
}

/** A generic type says nothing: let n8n derive it from the file name instead. */
function usefulMimeType(mimeType: string | undefined): string | undefined {
	return mimeType && mimeType !== 'application/octet-stream' ? mimeType : undefined;
}

function describeItem(
	item: RemoteItem,
	params: CollectParameters,
	state: CollectState,
	collectedAt: string,
): IDataObject {
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
		...(item.via ? { shortcut: { id: item.via.id, name: item.via.name } } : {}),
		...nameWarning(item.name),
	};
}

const HIDDEN_KINDS = {
	bidi: 'a right-to-left or other direction override',
	control: 'a control character',
} as const;

/**
 * A name whose displayed form can differ from what it is (issue 18): `invoice<U+202E>fdp.exe` shows as
 * "invoiceexe.pdf". Flagged on the item, with the name made visible, so a workflow can hold such files back.
 */
function nameWarning(name: string): IDataObject {
	const flags = flagName(name);
	if (!flags) return {};
	const kinds = flags.reasons.map((reason) => HIDDEN_KINDS[reason]).join(' and ');
	return {
		nameWarning:
			`The file name contains ${kinds}, so it may show as something it is not: ` +
			`it is "${flags.visible}". Check the file before opening it.`,
		visibleName: flags.visible,
	};
}

/**
 * One file could not be read: what that means for it (failureHandling) and the output item saying so. Only a
 * failure of the credential or the account stops the run (state untouched, claims given back).
 */
async function fileFailure(
	ctx: IExecuteFunctions,
	provider: StorageProvider,
	params: CollectParameters,
	state: CollectState,
	candidate: Candidate,
	json: IDataObject,
	error: unknown,
	claimed: string[],
): Promise<{ outcome: Outcome; json: IDataObject }> {
	const { item } = candidate;
	const cloud = isCloudError(error) ? error : undefined;
	const handling = failureHandling(cloud?.reason, cloud?.details.providerCode);
	if (handling === 'stopRun') {
		await releaseClaims(ctx, claimed);
		throw toNodeError(ctx.getNode(), error, {
			target: item.path ?? item.name,
			service: sourceName(params.source),
		});
	}
	if (handling === 'vanished') {
		// Gone between listing and download (deleted or moved away): say so, and carry on.
		return {
			outcome: 'vanished',
			json: {
				...json,
				status: 'vanished',
				vanished: true,
				message: 'The file disappeared between listing and download; not collected.',
			},
		};
	}
	const message = (error as Error).message;
	if (handling === 'skip') {
		const tooLarge = refusalCode(cloud?.details.providerCode) === 'tooLarge';
		const limit = Math.round((provider.features.exportSizeLimit ?? 0) / (1024 * 1024));
		const reason = tooLarge
			? `Too large to export: ${sourceName(params.source)} exports at most ${limit} MB ` +
				'per document. Download it from there in another way, or split it.'
			: `${sourceName(params.source)} refused to hand out this file: ${message}`;
		return { outcome: 'skipped', json: { ...json, status: 'skipped', reason } };
	}
	const { attempts, givingUp } = failedAttempt(state, item.id, params.ledger);
	const tries = params.ledger.retryFailed + 1;
	const next = givingUp
		? `Given up after ${attempts} of ${tries} tries (option Retry Failed Files).`
		: `Tried again on the next run (try ${attempts} of ${tries}).`;
	return {
		outcome: 'failed',
		json: {
			...json,
			status: 'failed',
			reason: `Reading the file from ${sourceName(params.source)} failed: ${message}. ${next}`,
			error: message,
			attempts,
			willRetry: !givingUp,
		},
	};
}

export async function collectOperation(
	ctx: IExecuteFunctions,
	openStorage: OpenStorage,
): Promise<INodeExecutionData[][]> {
	const node = ctx.getNode();
	const params = readCollectParameters(ctx);
	// n8n never saves static data after a manual run: preview what would be collected and consume nothing.
	const preview = ctx.getMode() === 'manual';
	const service = sourceName(params.source);
	const provider = await openStorage(ctx, params.source, params.folderRef);

	const checked = loadChecked(ctx);
	const stateWarning =
		checked.problems.length > 0 ? collectStateWarning(node.name, checked) : undefined;
	if (stateWarning) ctx.logger?.warn(stateWarning);
	// The ledger cannot tell delivered files from new ones: this run takes the folder as it is now, as a first run
	// in "from now" mode would (the validator removed the cursor so the folder is listed), and delivers nothing.
	if (checked.startOver) params.ledger.firstRun = { mode: 'now' };
	let state = checked.state;
	state = await resolveFolder(ctx, provider, params, state);
	const folderId = state.folder!.id;

	let changes: { batch: ChangeBatch; firstRun: boolean };
	try {
		changes = await readChanges(provider, state, folderId, params.ledger.includeSubfolders);
	} catch (error) {
		const where = state.folder?.path || state.folder?.name || params.folderRef.value;
		if (isCloudError(error, 'notFound')) {
			// Nothing is recorded: once the folder is back (or chosen again), the next run starts where this one would have.
			throw new NodeOperationError(node, `${service}: the watched folder "${where}" is gone`, {
				description:
					provider.features.followsRenamedFolders === false
						? 'A local folder is watched by its path: it was renamed, moved or deleted. ' +
							'Choose it again in "Folder" (or put it back), then run again.'
						: 'It was deleted, or the connected account lost access to it. ' +
							'Choose the folder again in "Folder", then run again.',
			});
		}
		throw toNodeError(node, error, { target: where, service });
	}
	const run: RunContext = {
		execution: ctx.getExecutionId(),
		now: new Date().toISOString(),
		firstRun: changes.firstRun,
	};
	let batch: ChangeBatch;
	try {
		// Files that failed on earlier runs come back by id; shortcuts stand for their targets; Docs for their exports.
		const retried = await addRetries(
			provider,
			changes.batch,
			(state.retry ?? []).map((entry) => entry.id),
		);
		state = dropRetries(state, retried.gone);
		const targets = await resolveShortcuts(provider, retried.batch);
		batch = presentBatch(retried.batch, targets, provider.features, params.exportFormat);
	} catch (error) {
		throw toNodeError(node, error, {
			target: state.folder?.path || state.folder?.name || params.folderRef.value,
			service,
		});
	}
	// A preview leaves out, before the per-run cap, what the preview mirror says production runs placed; on n8n 1.x
	// (no state handed to a manual run) the mirror is all it can go by.
	let basis: PreviewBasis = 'ownState';
	let placedElsewhere = new Set<string>();
	if (preview && params.overlapGuard) {
		const uncapped = planCollect(
			state,
			batch,
			{ ...run, firstRun: false },
			{ ...params.ledger, maxFiles: 0 },
		);
		const looked = asClaimed(
			uncapped.collect.filter((c) => c.reason !== 'redelivery'),
			params.ledger.collectOnChange,
		);
		const mirror = await readMirror(ctx, node.id, looked);
		basis = previewBasis({ stateEmpty: isEmptyState(state), mirror: mirror.state });
		placedElsewhere = mirror.placed;
	}
	if (basis === 'cannotTell')
		return [
			[
				{
					json: { preview: true, collected: 0, wouldCollect: 'unknown', message: CANNOT_TELL },
					pairedItem: { item: 0 },
				},
			],
		];
	// With the mirror standing in for the state, the node's first run is long past: no baseline to take.
	const plan = planCollect(
		state,
		batch,
		basis === 'storeMirror' ? { ...run, firstRun: false } : run,
		params.ledger,
		placedElsewhere,
	);

	const outcomes = new Map<string, Outcome>();
	let candidates: Candidate[] = plan.collect;
	// After Confirm, a document a Confirm recorded as done is done whatever this copy of the state says: another
	// execution delivered and confirmed it while n8n saved this copy last, or the state was lost since. Its emit claim
	// tells nothing then: a run whose download of it failed gives that claim back, even after the other's Confirm
	// (soak seed 9601, Drive: delivered again after its Confirm). The store knows; the document is settled.
	if (!preview && params.overlapGuard && params.ledger.commit === 'afterConfirm') {
		const done = await confirmedElsewhere(
			ctx,
			node.id,
			asClaimed(candidates, params.ledger.collectOnChange),
		);
		for (const idFp of done) outcomes.set(idFp, 'confirmedElsewhere');
		if (done.size > 0) candidates = candidates.filter((c) => !done.has(c.idFp));
	}
	let toDeliver: Candidate[] = candidates;
	let claimed: string[] = [];
	// Both commit policies: a document version is claimed once in n8n's deduplication store, so two runs started
	// together (or a run after the static data was lost) never hand out the same document. A redelivery (after
	// Confirm) was claimed by the run that first emitted it, and is not claimed again.
	if (!preview && params.overlapGuard) {
		const fresh = asClaimed(
			candidates.filter((c) => c.reason !== 'redelivery'),
			params.ledger.collectOnChange,
		);
		const afterConfirm = params.ledger.commit === 'afterConfirm';
		const takenElsewhere = await claimCandidates(
			ctx,
			node.id,
			fresh,
			afterConfirm ? emitClaimValue : claimValue,
		);
		if (takenElsewhere) {
			const taken = fresh.filter((c) => takenElsewhere.has(c.idFp));
			// After Confirm, "taken" is only final once confirmed; otherwise wait a few runs for the other run's Confirm,
			// then offer it anyway (at least once: that run may have failed and its state been lost or overwritten).
			// On emit, "taken" is final once the other run placed the file (its mirror entry, written after its reads) or
			// when a later run sees the claim again; otherwise that run may still fail to read it and give it back.
			const done = afterConfirm
				? await confirmedElsewhere(ctx, node.id, taken)
				: (await readMirror(ctx, node.id, taken)).placed;
			const skip = new Set<string>();
			for (const candidate of taken) {
				const verdict = claimedVerdict(
					state,
					candidate.item.id,
					done.has(candidate.idFp),
					params.ledger,
				);
				if (verdict === 'offer') continue;
				outcomes.set(candidate.idFp, verdict);
				skip.add(candidate.idFp);
			}
			claimed = fresh
				.filter((c) => !skip.has(c.idFp))
				.map((c) => (afterConfirm ? emitClaimValue : claimValue)(node.id, c.idFp, c.contentFp));
			toDeliver = candidates.filter((c) => !skip.has(c.idFp));
		}
	}

	const output: INodeExecutionData[] = [];
	const workingState: CollectState = { ...state };
	for (const candidate of toDeliver) {
		const { item } = candidate;
		const json = describeItem(item, params, state, run.now);
		if (candidate.reason === 'redelivery') json.redelivery = true;
		if (candidate.reason === 'changed') json.changed = true;
		if (preview) {
			// Nothing was collected: the item says what the next production run would do, and carries no collectedAt.
			delete json.collectedAt;
			json.preview = true;
			json.message =
				basis === 'storeMirror' ? `${PREVIEW_NOTE} ${PREVIEW_FROM_STORE}` : PREVIEW_NOTE;
		}
		const step = readStep(item, provider.features, params.exportFormat);
		if (step.type === 'skip') {
			// Nothing to read, now or later: reported once (per content version), never retried.
			outcomes.set(candidate.idFp, 'skipped');
			output.push({
				json: { ...json, status: 'skipped', reason: step.reason },
				pairedItem: { item: 0 },
			});
			continue;
		}
		const result: INodeExecutionData = { json, pairedItem: { item: 0 } };
		try {
			if (params.downloadContent) {
				const stream = await openContent(provider, item, step);
				result.binary = {
					[params.binaryPropertyName]: await ctx.helpers.prepareBinaryData(
						stream,
						item.name,
						usefulMimeType(item.mimeType),
					),
				};
				const size = result.binary[params.binaryPropertyName].fileSize;
				if (step.type === 'export' && json.size === null && size) json.size = Number(size) || null;
			}
		} catch (error) {
			const failed = await fileFailure(
				ctx,
				provider,
				params,
				state,
				candidate,
				json,
				error,
				claimed,
			);
			outcomes.set(candidate.idFp, failed.outcome);
			output.push({ json: failed.json, pairedItem: { item: 0 } });
			continue;
		}
		outcomes.set(candidate.idFp, 'emitted');
		json.status = preview ? 'wouldCollect' : 'collected';
		if (step.type === 'export') json.exportedFrom = item.nativeMimeType ?? null;
		if (!preview)
			Object.assign(json, await afterCollecting(provider, params, workingState, folderId, item));
		output.push(result);
	}

	if (!preview) {
		// A file that failed or vanished is not collected: give its claim back, or a retry (or its return) would
		// find it "claimed by another run" and never deliver it.
		const unclaim = claimsToGiveBack(toDeliver, outcomes);
		const value = params.ledger.commit === 'afterConfirm' ? emitClaimValue : claimValue;
		const unclaimed = asClaimed(unclaim, params.ledger.collectOnChange).map((c) =>
			value(node.id, c.idFp, c.contentFp),
		);
		if (params.overlapGuard) await releaseClaims(ctx, unclaimed);
		if (params.overlapGuard && params.ledger.commit === 'afterConfirm') {
			// Nothing to confirm for a file that cannot be read: it is done, for overlapping runs and lost state alike.
			const skipped = toDeliver.filter((c) => outcomes.get(c.idFp) === 'skipped');
			await recordConfirmed(ctx, node.id, skipped);
		}
		const next = applyRun(workingState, { plan, outcomes }, run, params.ledger);
		saveState(ctx, node.id, collectStateSchema, { ...next, node: node.name });
		if (params.overlapGuard) {
			// For previews on n8n 1.x. The marker goes with the first run only: from then on the mirror holds everything
			// the ledger placed, so a preview may go by it. An idle run writes nothing.
			const mirrored = placedByRun(plan, outcomes, params.ledger);
			const placed = asClaimed(mirrored.placed, params.ledger.collectOnChange);
			await recordMirror(ctx, node.id, placed, {
				state: run.firstRun,
				baselineUnplaced: mirrored.baselineUnplaced,
			});
		}
	}
	if (preview && output.length === 0) {
		output.push({
			json: {
				preview: true,
				collected: 0,
				message:
					'Manual run: nothing new to collect. Manual runs only preview; production runs collect.',
			},
			pairedItem: { item: 0 },
		});
	}
	if (stateWarning) {
		// Said on every item, and on a note of its own when the run delivered nothing (a start-over never does).
		if (output.length === 0)
			output.push({ json: { collected: 0, message: stateWarning }, pairedItem: { item: 0 } });
		for (const item of output) item.json.stateWarning = stateWarning;
	}
	return [output];
}

/** The node's state, checked (issue 18); a state written by a newer version stops the run and is left as it is. */
function loadChecked(ctx: IExecuteFunctions): CheckedCollectState {
	const node = ctx.getNode();
	try {
		return loadCheckedState(ctx, node.id, collectStateSchema) as CheckedCollectState;
	} catch (error) {
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- not ours: execute() converts it
		if (!(error instanceof StateTooNewError)) throw error;
		throw new NodeOperationError(
			node,
			`Collect New Files "${node.name}" cannot read its saved state`,
			{ description: error.message },
		);
	}
}
