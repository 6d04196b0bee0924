import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';
import { toNodeError } from '../shared/errors';
import { fingerprint } from '../shared/state/fingerprint';
import {
	decodeExportState,
	emptyExportState,
	encodeExportState,
	exportStateSchema,
	type ExportState,
} from '../shared/state/exportState';
import { loadState, saveState } from '../shared/state/staticData';
import { isCloudError } from '../shared/storage/errors';
import { sanitizeName } from '../shared/storage/names';
import type { ChangeBatch, RemoteItem, StorageProvider } from '../shared/storage/types';
import { analyzeChanges, nameFingerprint } from '../shared/sync/exportChanges';
import { joinPath, pathKey, splitPath } from '../shared/sync/exportPaths';
import { planExport, recordTag, type ExportAction, type ExportPlan, type ExportRecordInput, type PlannedItem } from '../shared/sync/exportPlan';
import { folderPathFor, LayoutError } from '../shared/sync/folderLayout';
import { binaryOf, readInputFile, type InputFile } from './binary';
import { comparableDate, needsDocumentDate, readItemValues, readRunParameters, type RunParameters } from './parameters';
import { recoverFrom } from './recover';
import { openDestination, SERVICE_NAMES } from './storage';

/**
 * From this many writes on, the run reads its own writes back from the feed at the end, so the next run still
 * needs one change-feed request; below it, they fit in the next run's first page anyway.
 */
const DRAIN_AFTER_WRITES = 100;

/** One output item per input. */
export interface ExportResult {
	action: ExportAction;
	recordKey: string;
	fileId?: string;
	path?: string;
	webUrl?: string;
	size?: number;
	hash?: string;
	error?: string;
	dryRun?: boolean;
}

interface Prepared {
	inputs: ExportRecordInput[];
	files: Map<number, InputFile>;
	/** Items that failed before planning (bad input), with their error. */
	failed: Map<number, { recordKey: string; error: Error }>;
}

export async function exportOperation(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const params = readRunParameters(ctx);
	const provider = await openDestination(ctx, params.destination, params.localPath);
	const run = new ExportRun(ctx, params, provider);
	return [await run.execute()];
}

class ExportRun {
	private readonly ci: boolean;
	private readonly nodeId: string;
	private readonly service: string;
	/** Uploads, moves and folders created in this run (each shows up in the change feed). */
	private writes = 0;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly params: RunParameters,
		private readonly provider: StorageProvider,
	) {
		this.ci = provider.features.caseInsensitive;
		this.nodeId = ctx.getNode().id;
		this.service = SERVICE_NAMES[params.destination];
	}

	async execute(): Promise<INodeExecutionData[]> {
		const items = this.ctx.getInputData();
		const prepared = await this.prepare(items);

		const rootRef = fingerprint(JSON.stringify([this.params.destination, this.params.localPath ?? '', this.params.root]));
		let state = decodeExportState(loadState(this.ctx, this.nodeId, exportStateSchema));
		if (state.rootRef !== rootRef) state = { ...emptyExportState(), rootRef };
		state.node = this.ctx.getNode().name;

		const root = await this.resolveRoot(state);
		const batch: ChangeBatch = root.id
			? await this.readChanges(root.id, state.cursor, root.created)
			: { changes: [], cursor: '', snapshot: true };
		if (root.id) state.rootId = root.id;

		const plan = planExport(prepared.inputs, state, batch, {
			...this.params.policy,
			caseInsensitive: this.ci,
			duplicateNames: this.provider.features.duplicateNames,
		});
		if (plan.massDelete) throw this.massDeleteError(plan);

		if (this.params.dryRun) return this.output(items.length, prepared, plan, new Map(), true);
		if (!this.ctx.continueOnFail()) this.failFast(prepared, plan);

		const next = plan.state;
		next.cursor = batch.cursor || next.cursor;
		if (plan.rootGone) {
			// Everything below the root is gone (the guard let it through: accepted, or too few files to tell).
			// The next run resolves the root again: by name it is created anew, by ID it fails naming the folder.
			next.rootId = undefined;
			next.cursor = undefined;
		}
		const results = new Map<number, ExportResult>();
		let stopError: unknown;
		try {
			const rootGone = plan.rootGone ? this.rootGoneError() : undefined;
			if (rootGone) throw rootGone;
			const folderErrors = await this.ensureFolders(next, plan.ensureFolders);
			for (const item of plan.items) {
				if (item.duplicateOf !== undefined) continue;
				results.set(item.index, await this.executeItem(next, item, prepared.files.get(item.index), folderErrors));
			}
		} catch (error) {
			stopError = error;
		}
		// The local folder has no feed (every batch is a full scan): nothing to drain there.
		const hasFeed = this.provider.kind !== 'localFolder';
		if (!stopError && hasFeed && this.writes >= DRAIN_AFTER_WRITES) next.cursor = await this.drainOwnChanges(next, batch.cursor);
		// Saved even when the run stops: what was uploaded is recorded, so nothing is uploaded twice.
		saveState(this.ctx, this.nodeId, exportStateSchema, encodeExportState(next));
		if (stopError) throw stopError;
		return this.output(items.length, prepared, plan, results, false);
	}

	/** Evaluate each item's parameters, read and hash its file. Bad input fails that item only. */
	private async prepare(items: INodeExecutionData[]): Promise<Prepared> {
		const inputs: ExportRecordInput[] = [];
		const files = new Map<number, InputFile>();
		const failed = new Map<number, { recordKey: string; error: Error }>();
		const kind = this.params.destination;
		const needsDate = needsDocumentDate(this.params);
		for (let index = 0; index < items.length; index++) {
			let recordKey = '';
			try {
				const values = readItemValues(this.ctx, index, this.params.layout, needsDate);
				recordKey = values.recordKey;
				if (!recordKey) {
					throw new NodeOperationError(this.ctx.getNode(), `Item ${index} has an empty record key`, {
						itemIndex: index,
						description: 'Map "Record Key" to the document\'s stable ID in its source (e.g. {{ $json.id }}).',
					});
				}
				const binary = binaryOf(this.ctx, items[index], index, values.binaryProperty);
				const folder = folderPathFor(this.params.layout, values.layout, kind);
				const name = sanitizeName(values.fileName || binary.fileName || recordKey, kind);
				const file = await readInputFile(this.ctx, binary, this.provider.hashKind);
				files.set(index, file);
				inputs.push({
					index,
					recordKey,
					name,
					folder,
					contentHash: file.hash,
					size: file.size,
					date: values.date ? comparableDate(values.date) : undefined,
				});
			} catch (error) {
				failed.set(index, { recordKey, error: this.itemError(error, index) });
			}
		}
		return { inputs, files, failed };
	}

	private itemError(error: unknown, itemIndex: number): Error {
		if (error instanceof LayoutError) {
			return new NodeOperationError(this.ctx.getNode(), `Item ${itemIndex}: ${error.message}`, {
				itemIndex,
				description: `Check the parameter "${error.field}" for this item.`,
			});
		}
		return toNodeError(this.ctx.getNode(), error, { itemIndex, service: this.service });
	}

	/** The root folder: cached in the state (no request), else resolved, or created by name unless dry run. */
	private async resolveRoot(state: ExportState): Promise<{ id?: string; created: boolean }> {
		if (state.rootId) return { id: state.rootId, created: false };
		const root = this.params.root;
		if (root.mode === 'folder') return { id: (await this.provider.resolveFolder(root.ref)).id, created: false };
		const driveRoot = await this.provider.root();
		const name = sanitizeName(root.name, this.params.destination);
		const existing = await this.provider.findChild(driveRoot.id, name, 'folder');
		if (existing) return { id: existing.id, created: false };
		if (this.params.dryRun) return { id: undefined, created: false };
		const created = await this.createFolderOnce(driveRoot.id, name);
		return { id: created.id, created: true };
	}

	/**
	 * Changes on the root's subtree since the cursor: one request when nothing changed. Without a cursor (first
	 * run, lost state) or after a reset, a full listing stands in, so existing files are adopted, not duplicated.
	 */
	private async readChanges(rootId: string, cursor: string | undefined, justCreated: boolean): Promise<ChangeBatch> {
		const options = { recursive: true };
		if (cursor) {
			const delta = await recoverFrom<ChangeBatch | undefined>(
				async () => await this.provider.changes(rootId, cursor, options),
				(error) => isCloudError(error, 'cursorReset') || isCloudError(error, 'notFound'),
				// A feed on a folder that no longer exists answers "not found": the root itself is gone.
				(error) => (isCloudError(error, 'notFound') ? { changes: [{ type: 'delete', id: rootId, isFolder: true }], cursor: '' } : undefined),
			);
			if (delta) return delta;
		}
		const next = await this.provider.latestCursor(rootId, options);
		const changes: ChangeBatch['changes'] = [];
		if (!justCreated) {
			for await (const item of this.provider.list(rootId, options)) changes.push({ type: 'upsert', item });
		}
		return { changes, cursor: next, snapshot: true };
	}

	/**
	 * Our own uploads show up in the feed; reading past them now keeps the next run at one request. If the user
	 * deleted something meanwhile, the cursor stays where it was so the next run sees (and handles) it.
	 */
	private async drainOwnChanges(state: ExportState, cursor: string): Promise<string> {
		return await recoverFrom(
			async () => {
				const own = await this.provider.changes(state.rootId!, cursor, { recursive: true });
				if (own.snapshot) return cursor;
				const analysis = analyzeChanges(state, own, { caseInsensitive: this.ci });
				return analysis.goneRecords.size === 0 && analysis.goneFolders.size === 0 && !analysis.rootGone ? own.cursor : cursor;
			},
			// The next run reads the same changes again: nothing is lost by keeping the cursor.
			(error) => isCloudError(error),
			() => cursor,
		);
	}

	private async createFolderOnce(parentId: string, name: string): Promise<RemoteItem> {
		return await recoverFrom(
			async () => await this.provider.createFolder(parentId, name),
			// Another run created it in the meantime: use that one, never a second folder of the same name.
			(error) => isCloudError(error, 'conflict'),
			async (error) => (await this.provider.findChild(parentId, name, 'folder')) ?? (await Promise.reject(error)),
		);
	}

	/** Find or create each folder (parents first); a failed folder fails the items that need it. */
	private async ensureFolders(state: ExportState, paths: string[]): Promise<Map<string, Error>> {
		const errors = new Map<string, Error>();
		for (const path of paths) {
			const { dir, name } = splitPath(path);
			const parentError = [...errors.keys()].find((failed) => pathKey(dir, this.ci) === failed || pathKey(dir, this.ci).startsWith(`${failed}/`));
			if (parentError !== undefined) {
				errors.set(pathKey(path, this.ci), errors.get(parentError)!);
				continue;
			}
			try {
				const parentId = this.folderId(state, dir);
				if (!parentId) throw new Error(`The parent folder of "${path}" is unknown`);
				const folder = (await this.provider.findChild(parentId, name, 'folder')) ?? (await this.createFolderOnce(parentId, name));
				this.writes++;
				state.folders.push({ path, id: folder.id });
			} catch (error) {
				if (isFatal(error)) throw toNodeError(this.ctx.getNode(), error, { target: path, service: this.service });
				errors.set(pathKey(path, this.ci), toNodeError(this.ctx.getNode(), error, { target: path, service: this.service }));
			}
		}
		return errors;
	}

	private folderId(state: ExportState, path: string): string | undefined {
		if (path === '') return state.rootId;
		const key = pathKey(path, this.ci);
		return state.folders.find((f) => f && pathKey(f.path, this.ci) === key)?.id;
	}

	private folderIndex(state: ExportState, path: string): number {
		if (path === '') return -1;
		const key = pathKey(path, this.ci);
		return state.folders.findIndex((f) => f !== undefined && pathKey(f.path, this.ci) === key);
	}

	private record(state: ExportState, item: PlannedItem, id: string): void {
		state.records.set(item.keyFp, {
			keyFp: item.keyFp,
			contentFp: item.contentFp,
			nameFp: nameFingerprint(item.name, this.ci),
			folder: this.folderIndex(state, item.folder),
			status: 'live',
			id,
		});
	}

	private result(item: PlannedItem, file: InputFile | undefined, remote?: RemoteItem, action: ExportAction = item.action): ExportResult {
		return {
			action,
			recordKey: item.recordKey,
			fileId: remote?.id ?? item.fileId,
			path: joinPath(item.folder, remote?.name ?? item.name),
			webUrl: remote?.webUrl,
			size: file?.size,
			hash: file?.hash,
		};
	}

	private async executeItem(
		state: ExportState,
		item: PlannedItem,
		file: InputFile | undefined,
		folderErrors: Map<string, Error>,
	): Promise<ExportResult> {
		const op = item.op;
		try {
			if (op.kind === 'none') return this.result(item, file);
			if (op.kind === 'adopt') {
				this.record(state, item, op.item.id);
				return this.result(item, file, op.item);
			}
			const folderError = folderErrors.get(pathKey(item.folder, this.ci));
			if (folderError) throw folderError;
			const parentId = this.folderId(state, item.folder)!;
			if (op.kind === 'move' || (op.kind === 'upload' && op.moveFirst && op.replaceId)) {
				const id = op.kind === 'move' ? op.id : op.replaceId!;
				const moved = await this.provider.move(id, { parentId, name: item.name });
				this.writes++;
				if (op.kind === 'move') {
					this.record(state, item, moved.id);
					return this.result(item, file, moved);
				}
			}
			return await this.upload(state, item, file!, parentId);
		} catch (error) {
			if (isFatal(error)) throw toNodeError(this.ctx.getNode(), error, { itemIndex: item.index, target: joinPath(item.folder, item.name), service: this.service });
			const nodeError = toNodeError(this.ctx.getNode(), error, { itemIndex: item.index, target: joinPath(item.folder, item.name), service: this.service });
			if (!this.ctx.continueOnFail()) throw nodeError;
			return { ...this.result(item, file), action: 'failed', fileId: undefined, error: describe(nodeError) };
		}
	}

	private async upload(state: ExportState, item: PlannedItem, file: InputFile, parentId: string): Promise<ExportResult> {
		const op = item.op as Extract<PlannedItem['op'], { kind: 'upload' }>;
		const target = {
			parentId,
			name: item.name,
			mimeType: file.mimeType,
			appProperties: { recordKey: recordTag(item.recordKey), contentVersion: item.contentFp },
		};
		type Outcome = { uploaded: RemoteItem; action: ExportAction } | { result: ExportResult };
		const outcome = await recoverFrom<Outcome>(
			async () => ({
				uploaded: await this.provider.upload({ ...target, replaceId: op.replaceId, onConflict: op.onConflict }, await file.open()),
				action: item.action,
			}),
			(error) => (op.replaceId ? isCloudError(error, 'notFound') : isCloudError(error, 'conflict')),
			async (error) => {
				if (op.replaceId) {
					// Deleted by the user since the feed was read: upload it again.
					return { uploaded: await this.provider.upload({ ...target, onConflict: 'replace' }, await file.open()), action: 'reuploaded' };
				}
				// A file of that name is already there (not ours, or from a run whose state was lost).
				const existing = await this.provider.findChild(parentId, item.name, 'file');
				if (!existing) return await Promise.reject(error);
				if (existing.hash === file.hash) {
					this.record(state, item, existing.id);
					return { result: this.result(item, file, existing, 'unchanged') };
				}
				if (this.params.policy.onContentChanged === 'skip') return { result: this.result(item, file, existing, 'skipped_content_changed') };
				const replaced = await this.provider.upload({ ...target, replaceId: existing.id, onConflict: 'replace' }, await file.open());
				return { uploaded: replaced, action: 'updated' };
			},
		);
		if ('result' in outcome) return outcome.result;
		const { uploaded, action } = outcome;
		this.writes++;
		this.record(state, item, uploaded.id);
		return this.result(item, file, uploaded, action);
	}

	/** The root is gone: with "stop" every record is skipped and the run succeeds; with "recreate" it says what happens next. */
	private rootGoneError(): NodeOperationError | undefined {
		if (this.params.policy.onFolderDeleted === 'stop') return undefined;
		return new NodeOperationError(this.ctx.getNode(), `The export's root folder is gone from ${this.service}`, {
			description:
				this.params.root.mode === 'name'
					? 'It was deleted, trashed or moved out of reach of the credential. The next run creates it again and exports everything into it.'
					: 'It was deleted, trashed or moved out of reach of the credential. Restore it, or choose another root folder.',
		});
	}

	/** Without continueOnFail, bad input stops the run before anything is written. */
	private failFast(prepared: Prepared, plan: ExportPlan): void {
		const first = [...prepared.failed.entries()].sort(([a], [b]) => a - b)[0];
		if (first) throw first[1].error;
		const invalid = plan.items.find((item) => item.action === 'failed');
		if (invalid) throw new NodeOperationError(this.ctx.getNode(), `Item ${invalid.index}: ${invalid.error}`, { itemIndex: invalid.index });
	}

	private massDeleteError(plan: ExportPlan): NodeOperationError {
		const stop = plan.massDelete!;
		const where = stop.examples.length ? ` (for example the folder "${stop.examples[0] || '(root)'}")` : '';
		return new NodeOperationError(
			this.ctx.getNode(),
			`${stop.deleted} of the ${stop.tracked} exported files look deleted from ${this.service}${where}: nothing was uploaded and nothing changed`,
			{
				description:
					'A lost permission, a credential for another account or a listing fault looks exactly like this, so the run stopped instead of uploading everything again or stopping every folder. Check the credential and the root folder. If the files really were deleted, turn on Options > "Accept Mass Deletion" for one run.',
			},
		);
	}

	private output(
		count: number,
		prepared: Prepared,
		plan: ExportPlan,
		results: Map<number, ExportResult>,
		dryRun: boolean,
	): INodeExecutionData[] {
		const planned = new Map(plan.items.map((item) => [item.index, item]));
		const out: INodeExecutionData[] = [];
		for (let index = 0; index < count; index++) {
			const failed = prepared.failed.get(index);
			let json: ExportResult;
			if (failed) {
				if (!this.ctx.continueOnFail()) throw failed.error;
				json = { action: 'failed', recordKey: failed.recordKey, error: describe(failed.error) };
			} else {
				const item = planned.get(index)!;
				const file = prepared.files.get(index);
				if (dryRun) json = { ...this.result(item, file), dryRun: true };
				else if (item.duplicateOf !== undefined) json = { ...(results.get(item.duplicateOf) ?? this.result(item, file)), action: 'unchanged' };
				else json = results.get(index) ?? this.result(item, file);
				if (item.action === 'failed' && !json.error) {
					if (!this.ctx.continueOnFail()) {
						throw new NodeOperationError(this.ctx.getNode(), `Item ${index}: ${item.error}`, { itemIndex: index });
					}
					json.error = item.error;
				}
			}
			out.push({ json: clean(json), pairedItem: { item: index } });
		}
		return out;
	}
}

/** Errors that stop the whole run whatever continueOnFail says: the next items would fail the same way. */
function isFatal(error: unknown): boolean {
	return isCloudError(error) && ['auth', 'scope', 'quota', 'dailyLimit', 'rateLimited'].includes(error.kind);
}

function describe(error: Error): string {
	const description = (error as { description?: string }).description;
	return description ? `${error.message}. ${description}` : error.message;
}

function clean(result: ExportResult): IDataObject {
	const json: IDataObject = {};
	for (const [key, value] of Object.entries(result)) if (value !== undefined) json[key] = value;
	return json;
}
