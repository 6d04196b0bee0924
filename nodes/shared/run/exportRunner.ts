import type { ExportState } from '../state/exportState';
import { feedOrListing } from './changeFeed';
import { withCurrentIds } from '../sync/exportFormerIds';
import { isCloudError } from '../types/cloudError';
import type { ChangeBatch, RemoteItem, StorageProvider, UploadSource } from '../storage/types';
import {
	afterFeedError,
	changeSource,
	cursorAfterRun,
	drainedCursor,
	placesShownByBatch,
	rootGoneStopsRun,
	shouldDrain,
	stateForRun,
	stopsTheRun,
	type ExportRoot,
} from '../sync/exportDecisions';
import { nameFingerprint } from '../sync/exportChanges';
import { NAME_CHOICES } from '../sync/exportNames';
import {
	checksFileTwins,
	decideFileTwins,
	decideFolderTwin,
	looksBeforeCreatingFolder,
	type CreatedFile,
} from '../sync/exportTwins';
import { joinPath, pathKey, splitPath } from '../sync/exportPaths';
import { withoutKeptStrays } from '../sync/exportStrays';
import { foldersVouchedAfterRun } from '../sync/exportVouch';
import {
	planExport,
	recordTag,
	type ExportAction,
	type ExportPlan,
	type ExportPolicy,
	type ExportRecordInput,
	type PlannedItem,
} from '../sync/exportPlan';

/**
 * Carries out an Export to Folder plan through a storage provider and records each outcome in the state. Decides
 * nothing: when the destination differs from what the plan assumed (a file at the name, a file gone), it tells the
 * planner what it found and carries out the planner's new decision.
 */

/** The content of one item, read once by the node; `open` gives a fresh source per upload attempt. */
export interface ExportFile {
	size: number;
	hash: string;
	mimeType?: string;
	open(): Promise<UploadSource>;
}

/** What happened to one planned item. */
export interface ItemOutcome {
	item: PlannedItem;
	action: ExportAction;
	remote?: RemoteItem;
	/** The item failed (continue on fail); `target` is the path it was written to. */
	error?: unknown;
}

/** The run stopped: an error the next items would meet too (auth, quota), or an item error without continue-on-fail. */
export interface RunStop {
	error: unknown;
	itemIndex?: number;
	target?: string;
}

class RunStopped extends Error {
	constructor(readonly stop: RunStop) {
		super('export run stopped');
	}
}

export interface RunnerOptions {
	/** Without continue-on-fail, the first failed item stops the run (what was written stays recorded). */
	stopOnItemError: boolean;
	/** Content hashes of the files the change batch showed in the destination (see goesAlongside). */
	contentInDestination?: Set<string>;
}

export interface ExportRequest {
	provider: StorageProvider;
	/** The state to start from (see startingState). */
	state: ExportState;
	root: ExportRoot;
	inputs: ExportRecordInput[];
	files: Map<number, ExportFile>;
	policy: Omit<ExportPolicy, 'caseInsensitive' | 'duplicateNames'>;
	dryRun: boolean;
	stopOnItemError: boolean;
	/** Called with the plan before anything is written; throwing stops the run there (bad input, strict mode). */
	beforeWriting?(plan: ExportPlan): void;
}

export interface ExportResult {
	plan: ExportPlan;
	outcomes: Map<number, ItemOutcome>;
	/** The state to save; undefined when nothing may change (dry run, mass-delete guard). */
	state?: ExportState;
	/** The root folder is gone and the policy says stop the run. */
	rootGone?: boolean;
	stop?: RunStop;
}

/** One export run: root, changes, plan, then the plan carried out and the state to save. */
export async function runExport(request: ExportRequest): Promise<ExportResult> {
	const { provider } = request;
	const root = await openRoot(provider, request.state, request.root, request.dryRun);
	const batch: ChangeBatch = root.id
		? await readChanges(provider, root.id, request.state.cursor, root.created)
		: { changes: [], cursor: '', snapshot: true };
	const state = withCurrentIds(request.state, batch);
	if (root.id) state.rootId = root.id;
	const plan = planExport(request.inputs, state, batch, {
		...request.policy,
		caseInsensitive: provider.features.caseInsensitive,
		duplicateNames: provider.features.duplicateNames,
		tagsOwnFiles: provider.features.appProperties,
		newVersionIsNewFile: provider.features.newVersionIsNewFile === true,
	});
	if (plan.massDelete || request.dryRun) return { plan, outcomes: new Map() };
	request.beforeWriting?.(plan);
	const next = stateForRun(plan, batch);
	if (rootGoneStopsRun(plan, request.policy))
		return { plan, outcomes: new Map(), state: next, rootGone: true };
	const contentInDestination = new Set(
		batch.changes.flatMap((change) =>
			change.type === 'upsert' && !change.item.isFolder && change.item.hash
				? [change.item.hash]
				: [],
		),
	);
	if (next.rootId) provider.knowPlaces?.(next.rootId, placesShownByBatch(next));
	// Drive: folders whose names the state vouches for need no listing before a new file (exportVouch.ts).
	const vouchedBefore = new Set(
		root.id && !batch.snapshot ? (provider.vouchedFolders?.(batch.cursor, root.id) ?? []) : [],
	);
	// Trusted in this run: those where the batch shows no file but the state's documents at their places, so every
	// name there is a record's (the plan keeps clear of those) whatever the plan makes of the batch's paths.
	if (vouchedBefore.size > 0)
		provider.trustFolders?.(
			foldersVouchedAfterRun({
				before: state,
				after: state,
				vouchedBefore,
				changes: batch.changes,
				seenContent: () => undefined,
				caseInsensitive: provider.features.caseInsensitive,
			}),
		);
	const runner = new ExportRunner(provider, plan, next, {
		stopOnItemError: request.stopOnItemError,
		contentInDestination,
	});
	const { outcomes, stop } = await runner.run(request.files);
	// Twins are settled even after a stop: the files created before it may have them.
	next.cursor = cursorAfterRun(
		request.state.cursor,
		await runner.drain(batch.cursor, outcomes),
		stop !== undefined,
	);
	// Files a record took in this run (adopted, met at a conflict, a twin kept) are no strays any more.
	next.strays = withoutKeptStrays(next);
	if (next.cursor && next.rootId && provider.withVouchedFolders) {
		// A run that stopped keeps the cursor it found, which vouches for nothing (it did not finish its work).
		const vouched = stop
			? new Set<string>()
			: foldersVouchedAfterRun({
					before: state,
					after: next,
					vouchedBefore,
					changes: [...batch.changes, ...runner.readBack()],
					seenContent: (id) => provider.seenContent?.(id),
					caseInsensitive: provider.features.caseInsensitive,
				});
		next.cursor = provider.withVouchedFolders(
			next.cursor,
			next.rootId,
			vouchedPlaces(next, vouched, provider.features.caseInsensitive),
		);
	}
	return { plan, outcomes, state: next, stop };
}

/** The vouched folders with the parent and name each has in the state (a folder the cursor does not track yet). */
function vouchedPlaces(
	state: ExportState,
	vouched: ReadonlySet<string>,
	caseInsensitive: boolean,
): Array<{ id: string; parentId: string; name: string }> {
	const places: Array<{ id: string; parentId: string; name: string }> = [];
	if (state.rootId && vouched.has(state.rootId))
		places.push({ id: state.rootId, parentId: '', name: '' });
	const idByPath = new Map(
		state.folders.flatMap((folder) =>
			folder ? [[pathKey(folder.path, caseInsensitive), folder.id]] : [],
		),
	);
	for (const folder of state.folders) {
		if (!folder || !vouched.has(folder.id)) continue;
		const { dir, name } = splitPath(folder.path);
		const parentId = dir === '' ? state.rootId : idByPath.get(pathKey(dir, caseInsensitive));
		if (parentId !== undefined) places.push({ id: folder.id, parentId, name });
	}
	return places;
}

/** Finds or creates the export root, by cached id, a folder reference, or a name below the drive root. */
export async function openRoot(
	provider: StorageProvider,
	state: ExportState,
	root: ExportRoot,
	dryRun: boolean,
): Promise<{ id?: string; created: boolean }> {
	if (state.rootId) return { id: state.rootId, created: false };
	if (root.mode === 'folder')
		return { id: (await provider.resolveFolder(root.ref)).id, created: false };
	const driveRoot = await provider.root();
	const existing = await provider.findChild(driveRoot.id, root.name, 'folder');
	if (existing) return { id: existing.id, created: false };
	if (dryRun) return { id: undefined, created: false };
	const created = await createFolderOnce(provider, driveRoot.id, root.name);
	// Another run's root kept instead of ours (Drive twins) is not empty: it is listed like any found root.
	return { id: created.item.id, created: created.own };
}

/**
 * Changes on the root's subtree since the cursor: one request when nothing changed. Without a cursor (first run,
 * lost state) or after a reset, a full listing stands in, so existing files are adopted, not duplicated.
 */
export async function readChanges(
	provider: StorageProvider,
	rootId: string,
	cursor: string | undefined,
	justCreated: boolean,
): Promise<ChangeBatch> {
	const source = changeSource(cursor, justCreated);
	return await feedOrListing(provider, rootId, source === 'feed' ? cursor : undefined, {
		recursive: true,
		withoutCursor: source === 'cursorOnly' ? 'cursorOnly' : 'listing',
		recover: (error) => {
			const next = afterFeedError(error);
			if (next === 'rootGone')
				return { changes: [{ type: 'delete', id: rootId, isFolder: true }], cursor: '' };
			if (next === 'fail') throw error;
			return 'listing';
		},
	});
}

/** `own`: the folder this run created is the one in use (false: another run's folder of that name). */
async function createFolderOnce(
	provider: StorageProvider,
	parentId: string,
	name: string,
): Promise<{ item: RemoteItem; own: boolean }> {
	let created: RemoteItem;
	try {
		created = await provider.createFolder(parentId, name);
	} catch (error) {
		// Another run created it in the meantime: use that one, never a second folder of the same name.
		if (!isCloudError(error, 'conflict')) throw error;
		const existing = await provider.findChild(parentId, name, 'folder');
		if (!existing) throw error;
		return { item: existing, own: false };
	}
	return await settleFolderTwin(provider, parentId, created);
}

/**
 * Where a cloud allows two folders of one name (Drive), another run may have created this one too: look right
 * away, before anything goes in, and keep the one every run keeps (exportTwins.ts). Ours, when it is not kept, is
 * empty and removed; a folder this run did not create is never removed.
 */
async function settleFolderTwin(
	provider: StorageProvider,
	parentId: string,
	created: RemoteItem,
): Promise<{ item: RemoteItem; own: boolean }> {
	if (!provider.features.duplicateNames || !provider.sameNamed) return { item: created, own: true };
	const decision = decideFolderTwin(
		created,
		await provider.sameNamed(parentId, created.name, 'folder'),
	);
	if (decision.keep === 'own') return { item: created, own: true };
	// Empty unless another run took our folder in the moment before this look (it uses the oldest twin it sees):
	// what it put there moves to the kept folder first, since deleting a Drive folder deletes what is in it.
	for (const child of await contentsOf(provider, decision.removeOwn))
		await provider.move(child.id, { parentId: decision.use.id });
	await provider.delete(decision.removeOwn);
	return { item: decision.use, own: false };
}

async function contentsOf(provider: StorageProvider, folderId: string): Promise<RemoteItem[]> {
	const children: RemoteItem[] = [];
	for await (const child of provider.list(folderId)) children.push(child);
	return children;
}

/**
 * New small files in flight at once. n8n opens a new TLS connection for every request (its request helpers
 * make a fresh agent each time), so on a real link one small upload costs about 3.5 round trips (TCP, TLS,
 * request): 135-150 ms at a 40 ms round trip (measured, scenario 7 with BENCH_PEER_LATENCY_MS=40), against 5-10 ms
 * of CPU. One at a time, 1,000 files take 2.5 minutes of mostly waiting; four at a time a quarter of that. Four is
 * what rclone uses by default (--transfers 4) against these APIs' per-user write limits; memory stays at four
 * small files of at most 4 MiB.
 */
export const UPLOAD_CONCURRENCY = 4;
/** Files up to this size go up side by side (each held whole): four of them stay below two upload chunks. */
const ALONGSIDE_MAX_BYTES = 4 * 1024 * 1024;

export class ExportRunner {
	/** Uploads, moves and folders created in this run (each shows up in the change feed). */
	private writes = 0;
	private readonly ci: boolean;
	private readonly folderErrors = new Map<string, unknown>();
	/** Files this run created (not new revisions): the only ones the twin check may remove. */
	private readonly created: CreatedFile[] = [];
	/** The changes read back after the writes (see drain), if they were. */
	private drained: ChangeBatch['changes'] = [];

	constructor(
		private readonly provider: StorageProvider,
		private readonly plan: ExportPlan,
		private readonly state: ExportState,
		private readonly options: RunnerOptions,
	) {
		this.ci = provider.features.caseInsensitive;
	}

	/**
	 * Folders first, then every item; a stop ends the run where it is (the state holds what was done). New small
	 * files go up UPLOAD_CONCURRENCY at a time; anything else (a replace, a move, a session upload) waits until
	 * nothing is in flight and runs alone.
	 */
	async run(
		files: Map<number, ExportFile>,
	): Promise<{ outcomes: Map<number, ItemOutcome>; stop?: RunStop }> {
		const outcomes = new Map<number, ItemOutcome>();
		const inFlight = new Set<Promise<void>>();
		let stop: RunStop | undefined;
		const settle = (item: PlannedItem, outcome: ItemOutcome) => {
			outcomes.set(item.index, outcome);
			if (outcome.error !== undefined && this.options.stopOnItemError && !stop) {
				stop = {
					error: outcome.error,
					itemIndex: item.index,
					target: joinPath(outcome.item.folder, outcome.item.name),
				};
			}
		};
		const carry = async (item: PlannedItem, file: ExportFile | undefined) => {
			try {
				settle(item, await this.carryOut(item, file));
			} catch (error) {
				stop ??= error instanceof RunStopped ? error.stop : { error };
			}
		};
		const drain = async () => {
			while (inFlight.size > 0) await Promise.race(inFlight);
		};
		try {
			await this.ensureFolders(this.plan.ensureFolders);
		} catch (error) {
			return { outcomes, stop: error instanceof RunStopped ? error.stop : { error } };
		}
		for (const index of this.plan.order) {
			const file = files.get(index);
			// An item that runs alone waits for the others before it is taken: their conflicts may still change its decision.
			if (!this.goesAlongside(this.plan.items[index], file)) await drain();
			while (inFlight.size >= UPLOAD_CONCURRENCY && !stop) await Promise.race(inFlight);
			if (stop) break;
			// Taken now, not before: a conflict met by an earlier item may have changed this one's decision.
			const item = this.plan.take(index);
			if (item.action === 'failed' || item.action === 'superseded') continue;
			if (!this.goesAlongside(item, file)) {
				await drain();
				if (stop) break;
				await carry(item, file);
				continue;
			}
			const running: Promise<void> = carry(item, file).finally(() => inFlight.delete(running));
			inFlight.add(running);
		}
		// Work already on the wire finishes and is recorded, whatever stopped the run.
		await drain();
		try {
			await this.handOver(outcomes);
		} catch (error) {
			stop ??= { error };
		}
		return stop ? { outcomes, stop } : { outcomes };
	}

	/**
	 * New files the planner gave to a file found at another item's name after they had gone up (see
	 * ExportPlan.handedOver): the record takes that file and the copy this run uploaded is removed.
	 */
	private async handOver(outcomes: Map<number, ItemOutcome>): Promise<void> {
		for (const [index, outcome] of outcomes) {
			const found = this.plan.handedOver(index);
			if (
				!found ||
				outcome.error !== undefined ||
				outcome.action !== 'created' ||
				!outcome.remote ||
				outcome.remote.id === found.id
			)
				continue;
			try {
				await this.provider.delete(outcome.remote.id);
			} catch (error) {
				// The copy stays and stays recorded; nothing is lost.
				if (stopsTheRun(error) || !isCloudError(error)) throw error;
				continue;
			}
			const copyId = outcome.remote.id;
			const twin = this.created.findIndex((created) => created.id === copyId);
			if (twin >= 0) this.created.splice(twin, 1);
			const item = { ...outcome.item, name: found.name };
			this.record(item, found.id);
			outcomes.set(index, { item, action: 'unchanged', remote: found });
		}
	}

	/**
	 * A new file small enough for one request: nothing else in the run depends on its outcome before it lands,
	 * and it holds at most its own bytes in memory. Replaces, moves and session uploads (two chunks of memory
	 * each) run alone.
	 */
	private goesAlongside(item: PlannedItem | undefined, file: ExportFile | undefined): boolean {
		const op = item?.op;
		if (op?.verb !== 'upload' || op.replaceId !== undefined || op.moveFirst || file === undefined)
			return false;
		// A file with this content is already in the destination: a conflict of another item may hand it to this
		// one (the planner's handTo), which only works while this one waits untaken.
		return (
			file.size <= Math.min(ALONGSIDE_MAX_BYTES, this.provider.features.simpleUploadLimit) &&
			!this.options.contentInDestination?.has(file.hash)
		);
	}

	/**
	 * Reads the feed once more after the writes: to settle twins of the files this run created (Drive), and, when
	 * there were many writes, to read past them so the next run still needs one feed request.
	 */
	async drain(cursor: string, outcomes: Map<number, ItemOutcome>): Promise<string> {
		const twins = checksFileTwins(this.provider.features, this.created.length);
		const drain = shouldDrain(this.writes, this.provider.features);
		if ((!twins && !drain) || !this.state.rootId) return cursor;
		try {
			const own = await this.provider.changes(this.state.rootId, cursor, { recursive: true });
			this.drained = own.changes;
			if (twins) await this.settleFileTwins(own, outcomes);
			return drain ? drainedCursor(this.state, own, cursor, this.provider.features) : cursor;
		} catch (error) {
			// The next run reads the same changes again: nothing is lost by keeping the cursor.
			if (isCloudError(error)) return cursor;
			throw error;
		}
	}

	/** The changes the run read back after its writes (none when it did not). */
	readBack(): ChangeBatch['changes'] {
		return this.drained;
	}

	/**
	 * Our new files that another run created too: ours goes when it is not the one kept, the record takes the kept one.
	 */
	private async settleFileTwins(
		feed: ChangeBatch,
		outcomes: Map<number, ItemOutcome>,
	): Promise<void> {
		const seen = feed.changes.flatMap((change) => (change.type === 'upsert' ? [change.item] : []));
		for (const decision of decideFileTwins(
			this.created,
			seen,
			(item) => item.appProperties?.recordKey,
		)) {
			await this.provider.delete(decision.removeOwn);
			for (const record of this.state.records.values()) {
				if (record?.id !== decision.removeOwn) continue;
				record.id = decision.use.id;
				// The kept file may hold another content version (the record changed between the two runs).
				record.contentFp = decision.use.appProperties?.contentVersion ?? record.contentFp;
			}
			for (const outcome of outcomes.values())
				if (outcome.remote?.id === decision.removeOwn) outcome.remote = decision.use;
		}
	}

	/** Find or create each folder (parents first); a failed folder fails the items that need it. */
	private async ensureFolders(paths: string[]): Promise<void> {
		for (const path of paths) {
			const { dir, name } = splitPath(path);
			const key = pathKey(path, this.ci);
			const dirKey = pathKey(dir, this.ci);
			const parentError = [...this.folderErrors.keys()].find(
				(failed) => dirKey === failed || dirKey.startsWith(`${failed}/`),
			);
			if (parentError !== undefined) {
				this.folderErrors.set(key, this.folderErrors.get(parentError));
				continue;
			}
			try {
				const parentId = this.folderId(dir);
				if (!parentId) throw new Error(`The parent folder of "${path}" is unknown`);
				const existing = looksBeforeCreatingFolder(this.provider.features)
					? await this.provider.findChild(parentId, name, 'folder')
					: undefined;
				const folder = existing ?? (await createFolderOnce(this.provider, parentId, name)).item;
				this.writes++;
				this.state.folders.push({ path, id: folder.id });
			} catch (error) {
				if (stopsTheRun(error)) throw new RunStopped({ error, target: path });
				this.folderErrors.set(key, error);
			}
		}
	}

	private folderId(path: string): string | undefined {
		if (path === '') return this.state.rootId;
		const key = pathKey(path, this.ci);
		return this.state.folders.find((f) => f && pathKey(f.path, this.ci) === key)?.id;
	}

	private folderIndex(path: string): number {
		if (path === '') return -1;
		const key = pathKey(path, this.ci);
		return this.state.folders.findIndex((f) => f !== undefined && pathKey(f.path, this.ci) === key);
	}

	private record(item: PlannedItem, id: string): void {
		this.state.records.set(item.keyFp, {
			keyFp: item.keyFp,
			contentFp: item.contentFp,
			nameFp: nameFingerprint(item.name, this.ci),
			folder: this.folderIndex(item.folder),
			status: 'live',
			id,
		});
	}

	/** One item, deciding again with the planner (at most once per name it may take) when the world differs. */
	private async carryOut(first: PlannedItem, file: ExportFile | undefined): Promise<ItemOutcome> {
		let item = first;
		for (let attempt = 0; ; attempt++) {
			try {
				return await this.attempt(item, file);
			} catch (error) {
				if (stopsTheRun(error))
					throw new RunStopped({
						error,
						itemIndex: item.index,
						target: joinPath(item.folder, item.name),
					});
				const retry = attempt <= NAME_CHOICES ? await this.decideAgain(item, error) : undefined;
				if (!retry) return { item, action: 'failed', error };
				if (retry.action === 'failed')
					return { item: retry, action: 'failed', error: new Error(retry.error) };
				item = retry;
			}
		}
	}

	/** The planner's new decision after a conflict or a vanished file; undefined when the error is not one of those. */
	private async decideAgain(item: PlannedItem, error: unknown): Promise<PlannedItem | undefined> {
		const op = item.op;
		const replaces = op.verb === 'upload' && op.replaceId !== undefined && !op.moveFirst;
		if (isCloudError(error, 'conflict') && !replaces) {
			const parentId = this.folderId(item.folder);
			const occupant = parentId
				? await this.provider.findChild(parentId, item.name, 'file').catch(() => undefined)
				: undefined;
			return this.plan.afterConflict(item, occupant);
		}
		if (
			isCloudError(error, 'notFound') &&
			(op.verb === 'move' || (op.verb === 'upload' && op.replaceId))
		)
			return this.plan.afterGone(item);
		return undefined;
	}

	private async attempt(item: PlannedItem, file: ExportFile | undefined): Promise<ItemOutcome> {
		const op = item.op;
		if (op.verb === 'none') return { item, action: item.action };
		if (op.verb === 'adopt') {
			this.record(item, op.item.id);
			return { item, action: item.action, remote: op.item };
		}
		const folderError = this.folderErrors.get(pathKey(item.folder, this.ci));
		if (folderError !== undefined) throw folderError;
		const parentId = this.folderId(item.folder)!;
		if (op.verb === 'move' || (op.verb === 'upload' && op.moveFirst && op.replaceId)) {
			const id = op.verb === 'move' ? op.id : op.replaceId!;
			const moved = await this.provider.move(id, { parentId, name: item.name });
			this.writes++;
			if (op.verb === 'move') {
				this.record(item, moved.id);
				return { item, action: item.action, remote: moved };
			}
		}
		const uploaded = await this.provider.upload(
			{
				parentId,
				name: item.name,
				mimeType: file!.mimeType,
				appProperties: { recordKey: recordTag(item.recordKey), contentVersion: item.contentFp },
				replaceId: op.replaceId,
				// As planned: 'fail' for every new file, so a file at the name is reported back to the planner.
				onConflict: op.onConflict,
			},
			await file!.open(),
		);
		this.writes++;
		this.record(item, uploaded.id);
		if (!op.replaceId) {
			this.created.push({
				id: uploaded.id,
				parentId,
				name: uploaded.name,
				recordKey: recordTag(item.recordKey),
				createdAt: uploaded.createdAt,
			});
		}
		return { item, action: item.action, remote: uploaded };
	}
}
