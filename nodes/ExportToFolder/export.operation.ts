import {
	NodeOperationError,
	type IBinaryData,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';
import { toNodeError } from '../shared/errors';
import { fingerprint } from '../shared/state/fingerprint';
import {
	decodeExportState,
	encodeExportState,
	exportStateSchema,
	type ExportState,
} from '../shared/state/exportState';
import { exportStateWarning } from '../shared/state/exportValidation';
import { loadCheckedState, saveState, StateTooNewError } from '../shared/state/staticData';
import {
	runExport,
	type ExportResult as RunResult,
	type ItemOutcome,
} from '../shared/run/exportRunner';
import { sanitizeName } from '../shared/sync/names';
import type { RemoteItem, StorageProvider } from '../shared/storage/types';
import { startingState, stateSlots } from '../shared/sync/exportDecisions';
import { joinPath } from '../shared/sync/exportPaths';
import type {
	ExportAction,
	ExportPlan,
	ExportRecordInput,
	PlannedItem,
} from '../shared/sync/exportPlan';
import { LayoutError } from '../shared/sync/folderLayout';
import {
	binaryOf,
	fitsOneRead,
	isStoredFile,
	readInlineFile,
	readStoredFile,
	type InputFile,
} from './binary';
import { forEachAtMost } from '../shared/run/forEachAtMost';
import {
	comparableDate,
	itemFolder,
	documentDateUse,
	readItemValues,
	readRoot,
	readRunParameters,
	type RootParameter,
	type RunParameters,
} from './parameters';
import { openDestination, serviceName } from './storage';
import { nameRulesOf } from '../shared/storage/registry';

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
	/** superseded: the input item (index) of the same record key that was exported instead. */
	supersededBy?: number;
	dryRun?: boolean;
	/** The saved state was damaged and repaired this run: what was wrong and what the node did. */
	stateWarning?: string;
}

/**
 * Small files n8n keeps outside the items (on disk in n8n 2.x) read at once: each read is a few round trips to
 * Node's file threads (exists, open, read, end, close), and one at a time an idle export waited on every one of
 * them. Each holds at most its own small file; larger files are read one at a time (binary.ts `fitsOneRead`).
 */
const SMALL_READS_AT_ONCE = 16;

interface Prepared {
	inputs: ExportRecordInput[];
	files: Map<number, InputFile>;
	/** Each item's root folder, when the root parameter is per item. */
	roots: Map<number, RootParameter>;
	/** Items that failed before planning (bad input), with their error. */
	failed: Map<number, { recordKey: string; error: Error }>;
}

/** A root's state as loaded, and the warning when it was damaged and repaired. */
interface LoadedState {
	state: ExportState;
	warning?: string;
}

/** Items going to one root folder. */
interface RootGroup {
	root: RootParameter;
	rootRef: string;
	inputs: ExportRecordInput[];
}

/** The parameters a layout error names, as the node shows them. */
const FIELD_LABELS: Record<string, string> = {
	folderTemplate: 'Folder Template',
	recordFolderName: 'Record Folder Name',
	companyName: 'Company Name',
	company: 'Company Name',
	accountName: 'Account Name',
	account: 'Account Name',
	dateField: 'Document Date',
};

export async function exportOperation(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const params = readRunParameters(ctx);
	const provider = await openDestination(ctx, params.destination, params.localPath);
	const run = new ExportRun(ctx, params, provider);
	return [await run.execute()];
}

class ExportRun {
	private readonly nodeId: string;
	private readonly service: string;
	/** Per input item: the warning of its root's state, when that state was damaged and repaired. */
	private readonly stateWarnings = new Map<number, string>();

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly params: RunParameters,
		private readonly provider: StorageProvider,
	) {
		this.nodeId = ctx.getNode().id;
		this.service = serviceName(params.destination);
	}

	async execute(): Promise<INodeExecutionData[]> {
		const items = this.ctx.getInputData();
		const prepared = await this.prepare(items);
		const planned = new Map<number, PlannedItem>();
		const outcomes = new Map<number, ItemOutcome>();
		const groups = this.byRoot(prepared);
		// Kept for the root that uses the node's own key, so a large state is read and checked once per run.
		const main = this.loadState(this.nodeId);
		const mainRef = main.state.rootRef;
		const slots = stateSlots(
			groups.map((group) => group.rootRef),
			mainRef,
			this.params.rootPerItem,
		);
		// Bad input stops a strict run before anything is written in any root.
		if (!this.ctx.continueOnFail()) this.failFast(prepared, undefined);
		for (const group of groups) {
			const ownKey = slots.get(group.rootRef) === 'main';
			const stateId = ownKey ? this.nodeId : `${this.nodeId}@${group.rootRef}`;
			const result = await this.exportInto(group, stateId, prepared, ownKey ? main : undefined);
			for (const item of result.plan.items) planned.set(item.index, item);
			for (const [index, outcome] of result.outcomes) outcomes.set(index, outcome);
		}
		return this.output(items.length, prepared, planned, outcomes, this.params.dryRun);
	}

	/** The prepared items by root folder, in the order their roots first appear. */
	private byRoot(prepared: Prepared): RootGroup[] {
		const groups = new Map<string, RootGroup>();
		// A root's reference by its JSON text: without a root per item every item has the same one, fingerprinted
		// once (hashing it again for each item was 3% of an idle export at 100,000 records).
		const refs = new Map<string, string>();
		const refOf = (root: RootParameter): string => {
			const text = JSON.stringify([
				this.params.destination,
				this.params.localPath ?? '',
				root,
				...this.params.libraryKey,
			]);
			let rootRef = refs.get(text);
			if (rootRef === undefined) refs.set(text, (rootRef = fingerprint(text)));
			return rootRef;
		};
		let sharedRef: string | undefined;
		for (const input of prepared.inputs) {
			const own = prepared.roots.get(input.index);
			const root = own ?? this.params.root;
			const rootRef = own ? refOf(own) : (sharedRef ??= refOf(root));
			const group = groups.get(rootRef) ?? { root, rootRef, inputs: [] };
			group.inputs.push(input);
			groups.set(rootRef, group);
		}
		if (groups.size === 0) {
			const rootRef = refOf(this.params.root);
			groups.set(rootRef, { root: this.params.root, rootRef, inputs: [] });
		}
		return [...groups.values()];
	}

	/** One root's export: its state, its plan, carried out; its state saved even when the run stops. */
	private async exportInto(
		group: RootGroup,
		stateId: string,
		prepared: Prepared,
		preloaded?: LoadedState,
	): Promise<RunResult> {
		const kind = this.params.destination;
		const { root } = group;
		const loaded = preloaded ?? this.loadState(stateId);
		if (loaded.warning) {
			for (const input of group.inputs) this.stateWarnings.set(input.index, loaded.warning);
			this.ctx.logger?.warn(loaded.warning);
		}
		const result = await runExport({
			provider: this.provider,
			state: startingState(loaded.state, group.rootRef, this.ctx.getNode().name),
			root:
				root.mode === 'name'
					? { mode: 'name', name: sanitizeName(root.name, nameRulesOf(kind)) }
					: root,
			inputs: group.inputs,
			files: prepared.files,
			policy: { ...this.params.policy, fitName: (name) => sanitizeName(name, nameRulesOf(kind)) },
			dryRun: this.params.dryRun,
			stopOnItemError: !this.ctx.continueOnFail(),
			beforeWriting: (plan) => {
				if (!this.ctx.continueOnFail()) this.failFast(prepared, plan);
			},
		});
		if (result.plan.massDelete) throw this.massDeleteError(result.plan);
		// Saved even when the run stops: what was uploaded is recorded, so nothing is uploaded twice.
		if (result.state)
			saveState(this.ctx, stateId, exportStateSchema, encodeExportState(result.state));
		if (result.rootGone) throw this.rootGoneError();
		if (result.stop) {
			const { error, itemIndex, target } = result.stop;
			throw toNodeError(this.ctx.getNode(), error, { itemIndex, target, service: this.service });
		}
		return result;
	}

	/**
	 * A root's state, checked (issue 18): damaged parts are dropped and rebuilt from the destination, with a warning
	 * for the output; a state from a newer version of the package stops the run and is left as it is.
	 */
	private loadState(stateId: string): LoadedState {
		try {
			const checked = loadCheckedState(this.ctx, stateId, exportStateSchema);
			const warning =
				checked.problems.length > 0
					? exportStateWarning(this.ctx.getNode().name, checked.problems)
					: undefined;
			return { state: decodeExportState(checked.state), warning };
		} catch (error) {
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- not ours: execute() converts it
			if (!(error instanceof StateTooNewError)) throw error;
			throw new NodeOperationError(
				this.ctx.getNode(),
				`Export to Folder "${this.ctx.getNode().name}" cannot read its saved state`,
				{
					description: error.message,
				},
			);
		}
	}

	/** Evaluate each item's parameters, read and hash its file. Bad input fails that item only. */
	private async prepare(items: INodeExecutionData[]): Promise<Prepared> {
		// By item index, so that the planner sees the items in input order whenever their files were read.
		const records = new Array<ExportRecordInput | undefined>(items.length);
		const stored: Array<{ record: ExportRecordInput; binary: IBinaryData & { id: string } }> = [];
		const files = new Map<number, InputFile>();
		const roots = new Map<number, RootParameter>();
		const failed = new Map<number, { recordKey: string; error: Error }>();
		const kind = this.params.destination;
		const hashKind = this.provider.hashKind;
		const dateUse = documentDateUse(this.params);
		const accept = (record: ExportRecordInput, file: InputFile) => {
			record.contentHash = file.hash;
			record.size = file.size;
			files.set(record.index, file);
			records[record.index] = record;
		};
		for (let index = 0; index < items.length; index++) {
			let recordKey = '';
			try {
				if (this.params.rootPerItem) roots.set(index, readRoot(this.ctx, index));
				const values = readItemValues(
					this.ctx,
					index,
					this.params.layout,
					dateUse,
					this.params.timeZone,
				);
				recordKey = values.recordKey;
				if (!recordKey) {
					throw new NodeOperationError(
						this.ctx.getNode(),
						`Item ${index} has an empty record key`,
						{
							itemIndex: index,
							description:
								'Map "Record Key" to the document\'s stable ID in its source (e.g. {{ $json.id }}).',
						},
					);
				}
				const binary = binaryOf(this.ctx, items[index], index, values.binaryProperty);
				const folder = itemFolder(this.ctx, this.params.layout, values.layout, kind);
				const name = sanitizeName(
					values.fileName || binary.fileName || recordKey,
					nameRulesOf(kind),
				);
				const record: ExportRecordInput = {
					index,
					recordKey,
					name,
					folder,
					contentHash: '',
					size: 0,
					// Only the backfill date compares it (the planner's only reader of `date`).
					date: values.date && this.params.policy.since ? comparableDate(values.date) : undefined,
				};
				if (isStoredFile(binary)) stored.push({ record, binary });
				else accept(record, readInlineFile(binary, hashKind));
			} catch (error) {
				failed.set(index, { recordKey, error: this.itemError(error, index) });
			}
		}
		const readStored = async ({ record, binary }: (typeof stored)[number]) => {
			try {
				accept(record, await readStoredFile(this.ctx, binary, binary.id, hashKind));
			} catch (error) {
				const { index, recordKey } = record;
				failed.set(index, { recordKey, error: this.itemError(error, index) });
			}
		};
		const small = stored.filter(({ binary }) => fitsOneRead(binary));
		await forEachAtMost(small, SMALL_READS_AT_ONCE, readStored);
		await forEachAtMost(
			stored.filter(({ binary }) => !fitsOneRead(binary)),
			1,
			readStored,
		);
		const inputs = records.filter((record): record is ExportRecordInput => record !== undefined);
		return { inputs, files, failed, roots };
	}

	private itemError(error: unknown, itemIndex: number): Error {
		if (error instanceof LayoutError) {
			const field = FIELD_LABELS[error.field] ?? error.field;
			return new NodeOperationError(this.ctx.getNode(), `Item ${itemIndex}: ${error.message}`, {
				itemIndex,
				description: `Check the parameter "${field}" for this item.`,
			});
		}
		return toNodeError(this.ctx.getNode(), error, { itemIndex, service: this.service });
	}

	private result(
		item: PlannedItem,
		file: InputFile | undefined,
		remote?: RemoteItem,
		action: ExportAction = item.action,
	): ExportResult {
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

	private outcomeResult(outcome: ItemOutcome, file: InputFile | undefined): ExportResult {
		if (outcome.error === undefined)
			return this.result(outcome.item, file, outcome.remote, outcome.action);
		const item = outcome.item;
		const error = toNodeError(this.ctx.getNode(), outcome.error, {
			itemIndex: item.index,
			target: joinPath(item.folder, item.name),
			service: this.service,
		});
		return {
			...this.result(item, file),
			action: 'failed',
			fileId: undefined,
			error: describe(error),
		};
	}

	/** The root is gone and the policy stops the run: what happens next. */
	private rootGoneError(): NodeOperationError {
		return new NodeOperationError(
			this.ctx.getNode(),
			`The export's root folder is gone from ${this.service}`,
			{
				description:
					this.params.root.mode === 'name'
						? 'It was deleted, trashed or moved out of reach of the credential. ' +
							'The next run creates it again and exports everything into it.'
						: 'It was deleted, trashed or moved out of reach of the credential. Restore it, or choose another root folder.',
			},
		);
	}

	/** Without continueOnFail, bad input stops the run before anything is written. */
	private failFast(prepared: Prepared, plan: ExportPlan | undefined): void {
		const first = [...prepared.failed.entries()].sort(([a], [b]) => a - b)[0];
		if (first) throw first[1].error;
		const invalid = plan?.items.find((item) => item.action === 'failed');
		if (invalid)
			throw new NodeOperationError(this.ctx.getNode(), `Item ${invalid.index}: ${invalid.error}`, {
				itemIndex: invalid.index,
			});
	}

	private massDeleteError(plan: ExportPlan): NodeOperationError {
		const stop = plan.massDelete!;
		const where = stop.examples.length
			? ` (for example the folder "${stop.examples[0] || '(root)'}")`
			: '';
		return new NodeOperationError(
			this.ctx.getNode(),
			`${stop.deleted} of the ${stop.tracked} exported files look deleted from ` +
				`${this.service}${where}: nothing was uploaded and nothing changed`,
			{
				description:
					'A lost permission, a credential for another account or a listing fault looks ' +
					'exactly like this, so the run stopped instead of uploading everything again or ' +
					'stopping every folder. Check the credential and the root folder. ' +
					'If the files really were deleted, turn on Options > ' +
					'"Go On When Most Files Look Deleted" for one run.',
			},
		);
	}

	private output(
		count: number,
		prepared: Prepared,
		planned: Map<number, PlannedItem>,
		outcomes: Map<number, ItemOutcome>,
		dryRun: boolean,
	): INodeExecutionData[] {
		const out: INodeExecutionData[] = [];
		// Options > "Include Input Fields": the input item's fields first, the export result's win on a clash.
		const options = this.ctx.getNodeParameter('options', 0, {}) as IDataObject;
		const inputs = options.includeInputFields === true ? this.ctx.getInputData() : undefined;
		for (let index = 0; index < count; index++) {
			const failed = prepared.failed.get(index);
			let json: ExportResult;
			if (failed) {
				if (!this.ctx.continueOnFail()) throw failed.error;
				json = { action: 'failed', recordKey: failed.recordKey, error: describe(failed.error) };
			} else {
				const item = planned.get(index)!;
				const file = prepared.files.get(index);
				const outcome = outcomes.get(index);
				if (dryRun) json = { ...this.result(item, file), dryRun: true };
				else if (item.action === 'superseded')
					json = {
						action: 'superseded',
						recordKey: item.recordKey,
						supersededBy: item.supersededBy,
					};
				else json = outcome ? this.outcomeResult(outcome, file) : this.result(item, file);
				const warning = this.stateWarnings.get(index);
				if (warning) json.stateWarning = warning;
				if (item.action === 'failed' && !json.error) {
					if (!this.ctx.continueOnFail()) {
						throw new NodeOperationError(this.ctx.getNode(), `Item ${index}: ${item.error}`, {
							itemIndex: index,
						});
					}
					json.error = item.error;
				}
			}
			out.push({
				// Without input fields the cleaned result is the item's json as it is (no copy per item).
				json: inputs ? { ...(inputs[index]?.json ?? {}), ...clean(json) } : clean(json),
				pairedItem: { item: index },
			});
		}
		return out;
	}
}

function describe(error: Error): string {
	const description = (error as { description?: string }).description;
	return description ? `${error.message}. ${description}` : error.message;
}

function clean(result: ExportResult): IDataObject {
	const json: IDataObject = {};
	// for...in, not Object.entries: no array of pairs per output item (the results are plain objects).
	for (const key in result) {
		const value = result[key as keyof ExportResult];
		if (value !== undefined) json[key] = value;
	}
	return json;
}
