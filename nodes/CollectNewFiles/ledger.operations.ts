import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { contentFingerprint, FileRecords, idFingerprint } from '../shared/state/collectRecords';
import { collectStateSchema, type CollectState } from '../shared/state/collectState';
import { loadState, saveState } from '../shared/state/staticData';
import {
	confirmPending,
	DEFAULT_HISTORY_SIZE,
	forget,
	historyNewestFirst,
} from '../shared/sync/collectLedger';
import {
	ANY_CONTENT,
	claimValue,
	emitClaimValue,
	mirrorUnplacedMarker,
	mirrorValue,
	recordConfirmed,
	releaseClaims,
} from './overlapGuard';
import { locateCollectNodeId } from './stateLocator';

const MANUAL_NOTE =
	'Manual run: n8n does not save workflow static data after manual runs, ' +
	'so this changed nothing. Run it in production (schedule, webhook).';

function target(ctx: IExecuteFunctions): { nodeId: string; state: CollectState } {
	const nodeId = locateCollectNodeId(ctx, ctx.getNodeParameter('collectNode', 0, '') as string);
	return { nodeId, state: loadState(ctx, nodeId, collectStateSchema) };
}

/** Confirm Collected: pass the items through, committing the pending documents of this execution. */
export async function confirmOperation(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	if (ctx.getMode() === 'manual') {
		// The Collect node only previewed (nothing pending, maybe no state yet): nothing to commit, and no error.
		return [
			items.map((item, index) => ({
				...item,
				json: { ...item.json, confirmed: false, preview: true, message: MANUAL_NOTE },
				pairedItem: { item: index },
			})),
		];
	}
	const { nodeId, state } = target(ctx);
	const scope = ctx.getNodeParameter('confirmScope', 0, 'execution') as string;
	const ids =
		scope === 'inputItems'
			? items.map((item) => String(item.json.id ?? '')).filter(Boolean)
			: undefined;
	const { state: next, confirmed } = confirmPending(
		state,
		{ execution: ctx.getExecutionId(), ids, now: new Date().toISOString() },
		state.history.length > DEFAULT_HISTORY_SIZE ? state.history.length : DEFAULT_HISTORY_SIZE,
	);
	if (confirmed.length > 0) {
		saveState(ctx, nodeId, collectStateSchema, next);
		await recordConfirmed(
			ctx,
			nodeId,
			confirmed.map((entry) => ({ idFp: idFingerprint(entry.id), contentFp: entry.content })),
		);
	}
	const done = new Set(confirmed.map((entry) => entry.id));
	return [
		items.map((item, index) => ({
			...item,
			json: { ...item.json, confirmed: done.has(String(item.json.id ?? '')) },
			pairedItem: { item: index },
		})),
	];
}

export async function getHistoryOperation(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const { state } = target(ctx);
	const returnAll = ctx.getNodeParameter('returnAll', 0, false) as boolean;
	const entries = historyNewestFirst(state);
	const shown = returnAll
		? entries
		: entries.slice(0, ctx.getNodeParameter('limit', 0, 50) as number);
	const folder = state.folder?.path ?? state.folder?.name ?? null;
	return [
		shown.map((entry) => ({ json: { ...entry, folder } as IDataObject, pairedItem: { item: 0 } })),
	];
}

/** Forget: the documents become collectable again (the next run lists the folder in full to find them). */
export async function forgetOperation(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const { nodeId, state } = target(ctx);
	const by = ctx.getNodeParameter('forgetBy', 0, 'id') as string;
	const preview = ctx.getMode() === 'manual';
	const records = [new FileRecords(state.collected), new FileRecords(state.known)];
	let ids: string[] = [];
	const unknownPaths: string[] = [];
	if (by === 'id') {
		for (let i = 0; i < ctx.getInputData().length; i++) {
			ids.push(
				...String(ctx.getNodeParameter('fileId', i, ''))
					.split(',')
					.map((s) => s.trim())
					.filter(Boolean),
			);
		}
	} else if (by === 'path') {
		for (let i = 0; i < ctx.getInputData().length; i++) {
			const path = String(ctx.getNodeParameter('filePath', i, ''))
				.trim()
				.replace(/^\/+/, '');
			if (!path) continue;
			const matches = state.history
				.filter((entry) => entry.path.toLowerCase() === path.toLowerCase())
				.map((e) => e.id);
			if (matches.length === 0) unknownPaths.push(path);
			ids.push(...matches);
		}
	}
	ids = [...new Set(ids)];
	const result = by === 'all' ? forget(state, { all: true }) : forget(state, { ids });

	// The overlap guard's claims go too, or the forgotten files would look taken by another run.
	const claims: string[] = [];
	const release = (idFp: string, content: string) => {
		for (const version of [content, ANY_CONTENT]) {
			claims.push(
				claimValue(nodeId, idFp, version),
				emitClaimValue(nodeId, idFp, version),
				mirrorValue(nodeId, idFp, version),
			);
		}
	};
	// A forgotten baseline is collectable again: previews without the state need no longer say they cannot tell.
	if (by === 'all') claims.push(mirrorUnplacedMarker(nodeId));
	if (by === 'all') {
		for (const set of records) {
			const encoded = set.encode();
			for (let i = 0; i < encoded.length; i += 24)
				release(encoded.slice(i, i + 12), encoded.slice(i + 12, i + 24));
		}
	} else {
		for (const id of ids) {
			const idFp = idFingerprint(id);
			for (const set of records) {
				const content = set.contentOf(idFp);
				if (content) release(idFp, content);
			}
			const pending = state.pending.find((entry) => entry.id === id);
			if (pending) release(idFp, contentFingerprint(pending.hash));
		}
	}
	if (!preview) {
		saveState(ctx, nodeId, collectStateSchema, result.state);
		await releaseClaims(ctx, claims);
	}
	const json: IDataObject = { forgotten: result.forgotten, by };
	if (by !== 'all') json.ids = ids;
	if (unknownPaths.length) json.notInHistory = unknownPaths;
	if (preview) {
		json.preview = true;
		json.message = MANUAL_NOTE;
	}
	return [[{ json, pairedItem: { item: 0 } }]];
}
