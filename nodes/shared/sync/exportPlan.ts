import { fingerprint } from '../state/fingerprint';
import {
	shortFingerprint,
	type ExportState,
	type StrayFile,
	type TrackedRecord,
} from '../state/exportState';
import type { ChangeBatch, RemoteItem } from '../types/remote';
import {
	analyzeChanges,
	nameFingerprint,
	parentNameKey,
	type ChangeAnalysis,
	type RemoteIndex,
	withoutNewerTwins,
} from './exportChanges';
import { documentsGone } from './exportGuard';
import { MAX_NAME_CHOICES, nameChoices, NAME_CHOICES } from './exportNames';
import { resumeRestoredFolders, type BroughtRecords } from './exportRestores';
import { nextStrays, survivingStrays } from './exportStrays';
import { isSameOrBelow, joinPath, pathKey, pathPrefixes, splitPath } from './exportPaths';

/**
 * The Export to Folder planner: from the input records, the state and the destination's changes since the last
 * run, decide per record what to do, which folders to find or create, and which folders stop. No I/O: the node
 * executes the plan and records each outcome in the returned state.
 */

export type ExportAction =
	| 'created'
	| 'updated'
	| 'unchanged'
	| 'reuploaded'
	| 'skipped_folder_deleted'
	| 'skipped_before_date'
	| 'skipped_content_changed'
	| 'skipped_file_deleted'
	/** The same record key came again later in the batch: that later item is exported instead (last wins). */
	| 'superseded'
	| 'failed';

export interface ExportRecordInput {
	/** Input item index (for pairedItem and messages). */
	index: number;
	recordKey: string;
	/** File name, already sanitised for the provider. */
	name: string;
	/** Folder path below the root, sanitised segments joined with '/'; '' = the root. */
	folder: string;
	/** The provider's native hash of the content. */
	contentHash: string;
	size: number;
	/** ISO date of the document, for the backfill filter. */
	date?: string;
}

export interface ExportPolicy {
	onContentChanged: 'replace' | 'keepBoth' | 'skip';
	onFileDeleted: 'reupload' | 'leave';
	onFolderDeleted: 'stop' | 'recreate';
	/** ISO date: documents dated before it are skipped. */
	since?: string;
	caseInsensitive: boolean;
	/** Provider allows two children with the same name (Drive): existence is checked through the index, not names. */
	duplicateNames: boolean;
	/** Stop when more than half of the tracked files look deleted, if at least this many do. */
	massDeleteMinimum: number;
	/** The user confirmed the deletions are real (one run). */
	acceptMassDeletion: boolean;
	/** Makes a derived name (a disambiguated one) valid for the destination; default: as is. */
	fitName?: (name: string) => string;
	/** The cloud tags the files we write (Drive appProperties): an untagged file is the user's, never a stray. */
	tagsOwnFiles?: boolean;
	/** A new version is a new file (a local folder): see documentsGone. */
	newVersionIsNewFile?: boolean;
}

/** What the runner does at the destination for one item, named by its `verb` (`kind` names only a storage). */
export type PlannedOp =
	/** Nothing to write. */
	| { verb: 'none' }
	/** Nothing to write; record `item` (already in the destination) in the state. */
	| { verb: 'adopt'; item: RemoteItem }
	/** Upload the content; `replaceId` = new revision of that file; `moveFirst`: it must move to the target first. */
	| { verb: 'upload'; replaceId?: string; onConflict: 'replace' | 'fail'; moveFirst?: boolean }
	/** Content unchanged, location or name changed: move the file. */
	| { verb: 'move'; id: string };

export interface PlannedItem {
	index: number;
	recordKey: string;
	keyFp: string;
	action: ExportAction;
	op: PlannedOp;
	/** Target folder (display path, '' = root) and final file name. */
	folder: string;
	name: string;
	contentFp: string;
	/** The provider's native hash of the content (to recognise a file already holding it). */
	contentHash: string;
	/** The id we already know for the file (unchanged, skipped, or the file replaced in place). */
	fileId?: string;
	/** Content changed and the old file is replaced in place or moved: its id. */
	previousId?: string;
	error?: string;
	/** superseded: the later item of the same record key that is exported instead. */
	supersededBy?: number;
}

export interface MassDeleteStop {
	deleted: number;
	tracked: number;
	examples: string[];
}

export interface ExportPlan {
	/** One decision per input item, in input order (as planned; the runner takes each through `take`). */
	items: PlannedItem[];
	/**
	 * Input indexes in the order the runner carries them out: records keeping their place first, then records
	 * being placed in the order they were given names (so a conflict can still move a later one's decision).
	 */
	order: number[];
	/** The current decision for an item, taken by the runner right before it carries it out. */
	take(index: number): PlannedItem;
	/** Folders to find or create, parents first (display paths). */
	ensureFolders: string[];
	/** Folders that stopped in this run (stop policy). */
	newlyStopped: string[];
	/** Set when the mass-delete guard tripped: nothing may be written and the state must not change. */
	massDelete?: MassDeleteStop;
	rootGone: boolean;
	/** The state with this batch's deletions applied; the executor records uploads into it. */
	state: ExportState;
	analysis: ChangeAnalysis;
	/**
	 * The world differed from what the plan assumed: a file stood at the item's name when it was uploaded or moved
	 * (`occupant`: what is there, when the runner could read it). The planner decides again: the same content is
	 * adopted, anything else keeps its file and the item takes its next name. Never overwrites.
	 */
	afterConflict(item: PlannedItem, occupant: RemoteItem | undefined): PlannedItem;
	/** The file the item was to replace or move is gone (deleted since the feed was read): decide again. */
	afterGone(item: PlannedItem): PlannedItem;
	/**
	 * A conflict showed this item's exact content in a file at another item's name, after the runner had already
	 * taken this one as a new upload (uploads run side by side): the item belongs in that file, and the runner
	 * removes the copy it uploaded. Undefined for every other item.
	 */
	handedOver(index: number): RemoteItem | undefined;
}

/** Drive keeps the record key in appProperties (key + value <= 124 bytes): long keys go as a fingerprint. */
export function recordTag(recordKey: string): string {
	return Buffer.byteLength(recordKey, 'utf8') <= 100 ? recordKey : `fp:${fingerprint(recordKey)}`;
}

/** The "keep both" name of a changed version: stable for the same content, so a rerun finds it. */
export function keepBothName(name: string, contentFp: string): string {
	const dot = name.lastIndexOf('.');
	const hasExt = dot > 0 && name.length - dot <= 10;
	const base = hasExt ? name.slice(0, dot) : name;
	const ext = hasExt ? name.slice(dot) : '';
	return `${base} (${contentFp})${ext}`;
}

/** Records are values: the plan replaces a record it changes, never edits it, so the map copy can share them. */
type ItemBase = Pick<
	PlannedItem,
	'index' | 'recordKey' | 'keyFp' | 'folder' | 'name' | 'contentFp' | 'contentHash'
>;

/**
 * A plan item: the record's base fields plus the decision. Built with Object.assign on a fresh literal because
 * `{ ...base, ...decision }` left V8's fast path here and cost about 7 µs a record, most of the time it took to
 * plan 100,000 unchanged records.
 */
function planned(
	base: ItemBase,
	decision: Pick<PlannedItem, 'action' | 'op'> & Partial<PlannedItem>,
): PlannedItem {
	const item = {
		index: base.index,
		recordKey: base.recordKey,
		keyFp: base.keyFp,
		folder: base.folder,
		name: base.name,
		contentFp: base.contentFp,
		contentHash: base.contentHash,
	};
	return Object.assign(item, decision);
}

function cloneState(state: ExportState): ExportState {
	return {
		...state,
		folders: state.folders.map((f) => (f ? { ...f } : undefined)),
		stopped: [...state.stopped],
		records: new Map(state.records),
		strays: state.strays ? [...state.strays] : undefined,
	};
}

export function planExport(
	inputs: ExportRecordInput[],
	previous: ExportState,
	batch: ChangeBatch,
	policy: ExportPolicy,
): ExportPlan {
	const ci = policy.caseInsensitive;
	const analysis = analyzeChanges(previous, batch, {
		caseInsensitive: ci,
		duplicateNames: policy.duplicateNames,
	});
	const state = cloneState(previous);

	// What this run brings per record key, built once when the guard or a restored folder needs it.
	let brought: ReturnType<typeof broughtContents> | undefined;
	const thisRunBrings = () => (brought ??= broughtContents(inputs));
	const guardTrips = (gone: number): boolean =>
		!policy.acceptMassDeletion &&
		gone >= policy.massDeleteMinimum &&
		gone * 2 > analysis.trackedLive;
	// Counted again, with what stands at each record's place, only when the quick count would stop the run.
	const newlyGone = guardTrips(analysis.goneRecords.size)
		? documentsGone(analysis, previous, thisRunBrings, ci, policy.newVersionIsNewFile === true)
		: 0;
	if (guardTrips(newlyGone)) {
		return {
			items: [],
			ensureFolders: [],
			newlyStopped: [],
			massDelete: {
				deleted: newlyGone,
				tracked: analysis.trackedLive,
				examples: analysis.goneFolderPaths.slice(0, 3),
			},
			rootGone: analysis.rootGone,
			state: previous,
			analysis,
			order: [],
			take: (index) => {
				throw new Error(`nothing to carry out after a stop (item ${index})`);
			},
			afterConflict: (item) => item,
			afterGone: (item) => item,
			handedOver: () => undefined,
		};
	}

	// Apply the deletions to the state.
	for (const [keyFp, why] of analysis.goneRecords) {
		state.records.set(keyFp, Object.assign({}, state.records.get(keyFp)!, { status: why }));
	}
	for (const index of analysis.goneFolders) state.folders[index] = undefined;
	// A folder the user moved or renamed is cached where it is now: the records in it are then out of place and
	// their files go back to the folders the layout names (created again where needed).
	for (const [index, path] of analysis.movedFolders)
		state.folders[index] = { path, id: state.folders[index]!.id };
	const newlyStopped: string[] = [];
	if (policy.onFolderDeleted === 'stop') {
		for (const path of analysis.goneFolderPaths) {
			const key = pathKey(path, ci);
			if (state.stopped.some((s) => isSameOrBelow(key, pathKey(s, ci)))) continue;
			state.stopped = state.stopped.filter((s) => !isSameOrBelow(pathKey(s, ci), key));
			state.stopped.push(path);
			newlyStopped.push(path);
		}
	}

	// Folders the destination showed at our paths (a listing after a lost state, a manual run's folders).
	const cached = new Set(
		state.folders.filter((f) => f !== undefined).map((f) => pathKey(f!.path, ci)),
	);
	for (const [key, folder] of analysis.remote.folders) {
		if (!cached.has(key) && folder.path)
			state.folders.push({ path: folder.path.replace(/^\/+|\/+$/g, ''), id: folder.id });
	}

	// A stopped folder the user restored (our files are back in it) is exported into again.
	const resumed = resumeRestoredFolders(
		state,
		previous,
		analysis,
		ci,
		() => broughtRecords(thisRunBrings(), state, policy.fitName),
		batch.snapshot === true,
	);
	if (resumed.length > 0)
		newlyStopped.splice(
			0,
			newlyStopped.length,
			...newlyStopped.filter((path) => !resumed.includes(path)),
		);

	// Files of ours earlier runs saw that no record keeps: a new record holding exactly such content adopts one.
	const strays = survivingStrays(previous.strays, batch, analysis, state, ci);
	const savedFolderIds = new Set<string>(previous.rootId === undefined ? [] : [previous.rootId]);
	for (const folder of previous.folders) if (folder) savedFolderIds.add(folder.id);
	const context = new PlanContext(state, analysis.remote, policy, strays, savedFolderIds);
	context.followMoves();
	// The same record key twice: the batch is read as items arriving one after the other, so the last one wins.
	const lastByKey = new Map<string, number>();
	const keyFps = inputs.map((input) => {
		const keyFp = fingerprint(input.recordKey);
		if (input.recordKey !== '') lastByKey.set(keyFp, input.index);
		return keyFp;
	});
	const later: Array<{ input: ExportRecordInput; keyFp: string }> = [];
	const order: number[] = [];
	inputs.forEach((input, i) => {
		const keyFp = keyFps[i];
		const last = lastByKey.get(keyFp);
		if (input.recordKey !== '' && last !== input.index) {
			context.decided(context.superseded(input, keyFp, last!));
			return;
		}
		const item = context.decideInPlace(input, keyFp);
		if (item) order.push(context.decided(item).index);
		else later.push({ input, keyFp });
	});
	// Records that need a place are placed in key order, so who gets the plain name does not depend on the order
	// the items arrived in (nor on the run: a fresh workflow places them the same way).
	later.sort((a, b) => (a.keyFp < b.keyFp ? -1 : a.keyFp > b.keyFp ? 1 : 0));
	for (const { input, keyFp } of later)
		order.push(context.decided(context.place(input, keyFp)).index);
	if (!batchShowsNoFiles(analysis) || strays.length > 0)
		for (const { input } of later) context.adoptStray(input.index);
	const items = inputs.map((input) => context.decision(input.index));
	// What this batch showed that no record keeps is remembered for the records not in this run's input.
	state.strays =
		batchShowsNoFiles(analysis) && strays.length === (previous.strays?.length ?? 0)
			? previous.strays
			: nextStrays(analysis.remote.byId.values(), strays, (id) => context.keeps(id), state, {
					caseInsensitive: ci,
					tagsOwnFiles: policy.tagsOwnFiles === true,
				});

	return {
		items,
		ensureFolders: context.foldersToEnsure(items),
		newlyStopped,
		rootGone: analysis.rootGone,
		state,
		analysis,
		order,
		take: (index) => context.take(index),
		afterConflict: (item, occupant) => context.afterConflict(item, occupant),
		afterGone: (item) => context.afterGone(item),
		handedOver: (index) => context.handedOver(index),
	};
}

function batchShowsNoFiles(analysis: ChangeAnalysis): boolean {
	return analysis.remote.byId.size === 0;
}

/** A place in the destination: the folder's key and the name's fingerprint (what the state stores). */
function placeOf(folderKey: string, nameFp: string): string {
	return `${folderKey}\n${nameFp}`;
}

class PlanContext {
	private readonly ci: boolean;
	private readonly stoppedKeys: string[];
	private readonly liveFolderByKey = new Map<string, { index: number; id: string }>();
	/** pathKey of each cached folder by index (undefined for holes), computed once instead of once per record. */
	private readonly folderKeys: Array<string | undefined>;
	private readonly inputFolderKeys = new Map<string, string>();
	private readonly displayFolders = new Map<string, string>();
	/** The batch showed no files: nothing can already hold a record's content (every idle run). */
	private readonly remoteEmpty: boolean;
	/** Places this batch's records take (see claims()), and the records that kept theirs, in order. */
	private claimedPlaces?: Map<string, string>;
	private readonly inPlace: string[] = [];
	/** Files this batch's records adopted or keep, by id (two records never share one). */
	private readonly claimedIds = new Set<string>();
	/** Remembered strays this plan adopts (see keeps). */
	private readonly adoptedStrays = new Set<string>();
	/** Places the runner found taken by a file the plan did not know. */
	private readonly occupied = new Set<string>();
	/** Live tracked records by place and by file id, built only when a record needs a new place. */
	private trackedIndex?: { byPlace: Map<string, string>; byId: Map<string, string> };
	private remoteByHash?: Map<string, RemoteItem[]>;
	/** What each item was given, to decide again after a conflict. */
	// Arrays by item index (sparse where items failed before planning): cheaper than maps at 100,000 records.
	private readonly inputs: ExportRecordInput[] = [];
	private readonly decisions: PlannedItem[] = [];
	/** Items the runner has taken: their decisions can no longer change. */
	private readonly taken = new Set<number>();
	/** New files not yet carried out, by content hash: a file found at a name may turn out to be one of them. */
	private readonly pendingCreates = new Map<string, number[]>();
	/** New files already taken when a conflict found their content elsewhere (see handedOver). */
	private readonly handovers = new Map<number, RemoteItem>();

	constructor(
		private readonly state: ExportState,
		private readonly remote: RemoteIndex,
		private readonly policy: ExportPolicy,
		/** Files of ours earlier runs saw that no record keeps (exportStrays.ts). */
		private readonly strays: StrayFile[] = [],
		/** Ids of the folders the saved state knew (a folder this batch shows first was made since). */
		private readonly savedFolderIds: ReadonlySet<string> = new Set(),
	) {
		this.ci = policy.caseInsensitive;
		this.stoppedKeys = state.stopped.map((s) => pathKey(s, this.ci));
		this.folderKeys = state.folders.map((folder) =>
			folder ? pathKey(folder.path, this.ci) : undefined,
		);
		state.folders.forEach((folder, index) => {
			if (folder) this.liveFolderByKey.set(this.folderKeys[index]!, { index, id: folder.id });
		});
		this.remoteEmpty =
			remote.byId.size === 0 && remote.byPath.size === 0 && remote.byParentAndName.size === 0;
	}

	private baseOf(input: ExportRecordInput, keyFp: string): ItemBase {
		return {
			index: input.index,
			recordKey: input.recordKey,
			keyFp,
			// A folder we know is shown as the destination spells it (OneDrive and Dropbox fold case).
			folder: this.displayFolder(input.folder),
			name: input.name,
			contentFp: shortFingerprint(input.contentHash),
			contentHash: input.contentHash,
		};
	}

	/**
	 * Tracked files the batch shows at another place (the user moved or renamed them): the state records where they
	 * are now, so the output says so and the record's next export puts the file back, even when the record is not
	 * in this batch (the feed shows a move once).
	 */
	followMoves(): void {
		if (this.remoteEmpty) return;
		let byId: Map<string, TrackedRecord> | undefined;
		for (const item of this.remote.byId.values()) {
			if (item.isFolder || item.path === undefined) continue;
			if (!byId) {
				byId = new Map();
				for (const record of this.state.records.values())
					if (record.status === 'live') byId.set(record.id, record);
			}
			const record = byId.get(item.id);
			if (!record || this.contradicts(record, item, '')) continue;
			const { dir } = splitPath(item.path);
			const folder = dir === '' ? -1 : this.liveFolderByKey.get(pathKey(dir, this.ci))?.index;
			if (folder === undefined) continue;
			const nameFp = nameFingerprint(item.name, this.ci);
			if (folder === record.folder && nameFp === record.nameFp) continue;
			this.state.records.set(record.keyFp, Object.assign({}, record, { folder, nameFp }));
			this.trackedIndex = undefined;
		}
	}

	decided(item: PlannedItem): PlannedItem {
		this.decisions[item.index] = item;
		if (item.action === 'created' && item.op.verb === 'upload') {
			const list = this.pendingCreates.get(item.contentHash) ?? [];
			list.push(item.index);
			this.pendingCreates.set(item.contentHash, list);
		}
		return item;
	}

	decision(index: number): PlannedItem {
		return this.decisions[index]!;
	}

	take(index: number): PlannedItem {
		this.taken.add(index);
		return this.decisions[index]!;
	}

	superseded(input: ExportRecordInput, keyFp: string, by: number): PlannedItem {
		return planned(this.baseOf(input, keyFp), {
			action: 'superseded',
			op: { verb: 'none' },
			supersededBy: by,
		});
	}

	/** Input checks and skips that need no place. */
	private precheck(input: ExportRecordInput, base: ItemBase): PlannedItem | undefined {
		if (input.recordKey === '') {
			return planned(base, {
				action: 'failed',
				op: { verb: 'none' },
				error:
					'The record key is empty: map "Record Key" to the document\'s stable id in its source.',
			});
		}
		if (this.policy.since && input.date && input.date < this.policy.since) {
			return planned(base, { action: 'skipped_before_date', op: { verb: 'none' } });
		}
		const folderKey = this.folderKeyOf(input.folder);
		if (this.stoppedKeys.some((stopped) => isSameOrBelow(folderKey, stopped))) {
			return planned(base, { action: 'skipped_folder_deleted', op: { verb: 'none' } });
		}
		return undefined;
	}

	/**
	 * The common case, decided at once: a record already exported to this folder under one of its names keeps
	 * that place. Anything else (new, moved by the source, deleted, or a second record claiming the same file)
	 * waits to be placed in key order.
	 */
	decideInPlace(input: ExportRecordInput, keyFp: string): PlannedItem | undefined {
		this.inputs[input.index] = input;
		const base = this.baseOf(input, keyFp);
		const early = this.precheck(input, base);
		if (early) return early;
		const tracked = this.state.records.get(keyFp);
		if (!tracked || tracked.status !== 'live') return undefined;
		const folderKey = this.folderKeyOf(input.folder);
		if (this.trackedFolderKey(tracked) !== folderKey) return undefined;
		const name = this.heldName(input, tracked);
		if (name === undefined) return undefined;
		// Two records tracked at one file (a state written before names were told apart): the later one moves out.
		if (this.claimedIds.has(tracked.id)) return undefined;
		const seen = this.remoteEmpty ? undefined : this.remote.byId.get(tracked.id);
		if (seen && this.contradicts(tracked, seen, input.contentHash)) return undefined;
		// The user moved or renamed our file inside the root: it goes back to its place (same file, no copy), which
		// is decided with the other placements (someone may have put a file there meanwhile).
		if (
			seen?.path !== undefined &&
			pathKey(seen.path, this.ci) !== pathKey(joinPath(base.folder, name), this.ci)
		)
			return undefined;
		// Its place is claimed lazily (see claims()): most runs place no record, and 100,000 map entries cost.
		this.claimedIds.add(tracked.id);
		this.inPlace.push(keyFp);
		base.name = name;
		return this.decideTracked(base, input, tracked, true);
	}

	/**
	 * The batch shows the tracked id as a file with another name and other content than we wrote: the id no longer
	 * names our file (a local folder reuses inode numbers) or the user made it theirs. Either way it is not ours.
	 */
	private contradicts(tracked: TrackedRecord, seen: RemoteItem, contentHash: string): boolean {
		if (seen.isFolder) return true;
		return (
			seen.hash !== undefined &&
			seen.hash !== contentHash &&
			shortFingerprint(seen.hash) !== tracked.contentFp &&
			nameFingerprint(seen.name, this.ci) !== tracked.nameFp
		);
	}

	/** The name the record holds in its folder, when it is one of its names. */
	private heldName(input: ExportRecordInput, tracked: TrackedRecord): string | undefined {
		if (tracked.nameFp === nameFingerprint(input.name, this.ci)) return input.name;
		// A kept-both version sits under its derived name: that is its place too (the next version derives anew).
		const keptBoth = keepBothName(input.name, tracked.contentFp);
		if (tracked.nameFp === nameFingerprint(keptBoth, this.ci)) return keptBoth;
		return this.choiceWith(input, tracked.nameFp, 1);
	}

	private choices(input: ExportRecordInput): string[] {
		return nameChoices(input.name, input.recordKey, this.policy.fitName);
	}

	/** Names `from` up to MAX_NAME_CHOICES in growing batches: the first ones are the usual case. */
	private *allChoices(input: ExportRecordInput, from = 0): Generator<string[]> {
		yield this.choices(input).slice(from);
		for (let start = NAME_CHOICES; start < MAX_NAME_CHOICES; start *= 4) {
			const end = Math.min(start * 4, MAX_NAME_CHOICES);
			yield nameChoices(input.name, input.recordKey, this.policy.fitName, end, start);
		}
	}

	/** The record's name (from the `from`th) whose fingerprint is `nameFp`, if any. */
	private choiceWith(input: ExportRecordInput, nameFp: string, from = 0): string | undefined {
		for (const names of this.allChoices(input, from)) {
			const name = names.find((n) => nameFingerprint(n, this.ci) === nameFp);
			if (name !== undefined) return name;
		}
		return undefined;
	}

	/** Places taken by this batch's records, by place: the record's key fingerprint (built on first use). */
	private claims(): Map<string, string> {
		if (!this.claimedPlaces) {
			this.claimedPlaces = new Map();
			for (const keyFp of this.inPlace) {
				const record = this.state.records.get(keyFp)!;
				this.claimedPlaces.set(placeOf(this.trackedFolderKey(record)!, record.nameFp), keyFp);
			}
		}
		return this.claimedPlaces;
	}

	private claim(place: string, keyFp: string, id?: string): void {
		this.claims().set(place, keyFp);
		if (id) this.claimedIds.add(id);
	}

	/** Find the record a place: its own file, a file already holding its content, or the first free name. */
	place(input: ExportRecordInput, keyFp: string): PlannedItem {
		const base = this.baseOf(input, keyFp);
		const early = this.precheck(input, base);
		if (early) return early;
		let tracked = this.state.records.get(keyFp);
		// A file another record of this batch already keeps is not this record's any more.
		if (tracked && this.claimedIds.has(tracked.id)) tracked = undefined;
		const seen = tracked && !this.remoteEmpty ? this.remote.byId.get(tracked.id) : undefined;
		if (
			tracked &&
			tracked.status === 'live' &&
			seen &&
			this.contradicts(tracked, seen, input.contentHash)
		) {
			tracked = Object.assign({}, tracked, { status: 'fileDeleted' as const });
		}
		// The file a past run saw deleted is back (the user restored it from the trash, or moved it back into the
		// root): it is the record's file again, not a reason for a second copy.
		if (
			tracked &&
			tracked.status === 'fileDeleted' &&
			seen &&
			!this.contradicts(tracked, seen, input.contentHash)
		) {
			tracked = Object.assign({}, tracked, { status: 'live' as const });
			this.state.records.set(keyFp, tracked);
		}
		// Restored with a new id (Dropbox's files/restore, a whole folder restored): the file at the record's place that
		// holds exactly the content the state recorded for it is its file again (new content then goes into it).
		const back =
			tracked && tracked.status === 'fileDeleted' && !seen
				? this.restoredAtPlace(input, tracked)
				: undefined;
		if (back) {
			tracked = Object.assign({}, tracked, { status: 'live' as const, id: back.id });
			this.state.records.set(keyFp, tracked);
			this.trackedIndex = undefined;
		}

		// Drive tags its files with the record key: without a state, the record's file wherever it is.
		let own: RemoteItem | undefined;
		if (!tracked && !this.remoteEmpty) {
			// As the batch last shows each (not deleted since), and of twins the one kept (exportTwins.ts).
			const tagged = withoutNewerTwins(
				(this.remote.byRecordTag.get(recordTag(input.recordKey)) ?? []).filter(
					(item) => this.remote.byId.get(item.id) === item,
				),
			).filter((item) => !this.claimedIds.has(item.id));
			own =
				tagged.find(
					(item) =>
						item.appProperties?.contentVersion === base.contentFp ||
						item.hash === input.contentHash,
				) ?? tagged[tagged.length - 1];
		}

		const folderKey = this.folderKeyOf(input.folder);
		const choice = this.firstFreeName(
			input,
			keyFp,
			folderKey,
			tracked?.id ?? own?.id,
			tracked,
			base.folder,
			// Followed only while it holds the latest content: an older version the user restored after a manual run
			// re-uploaded the record leaves the manual run's copy at the record's name as its file (soak seeds
			// 784932736, 4969786: the old version was followed and updated beside that copy).
			(own ?? (tracked?.status === 'live' ? seen : undefined))?.hash === input.contentHash,
		);
		if (!choice) return this.noFreeName(base, input);
		const name = choice.name;
		this.claim(
			placeOf(folderKey, nameFingerprint(name, this.ci)),
			keyFp,
			choice.existing?.id ?? tracked?.id ?? own?.id,
		);
		const at = Object.assign(base, { name });
		if (choice.existing)
			return planned(at, {
				action: 'unchanged',
				op: { verb: 'adopt', item: choice.existing },
				fileId: choice.existing.id,
			});
		if (own) {
			const inPlace =
				own.path !== undefined
					? pathKey(own.path, this.ci) === pathKey(joinPath(at.folder, name), this.ci)
					: own.name !== undefined && pathKey(own.name, this.ci) === pathKey(name, this.ci);
			const current =
				own.appProperties?.contentVersion === base.contentFp || own.hash === input.contentHash;
			if (current && inPlace)
				return planned(at, {
					action: 'unchanged',
					op: { verb: 'adopt', item: own },
					fileId: own.id,
				});
			// Our file elsewhere below the root (moved by the user, or the record's place changed): moved to its place.
			if (current)
				return planned(at, {
					action: 'updated',
					op: { verb: 'move', id: own.id },
					fileId: own.id,
					previousId: own.id,
				});
			return this.contentChanged(at, own.id, inPlace);
		}
		if (!tracked)
			return planned(at, { action: 'created', op: { verb: 'upload', onConflict: 'fail' } });
		if (tracked.status !== 'live') {
			if (tracked.status === 'fileDeleted' && this.policy.onFileDeleted === 'leave') {
				return planned(at, { action: 'skipped_file_deleted', op: { verb: 'none' } });
			}
			return planned(at, { action: 'reuploaded', op: { verb: 'upload', onConflict: 'fail' } });
		}
		const sameLocation =
			this.trackedFolderKey(tracked) === folderKey &&
			tracked.nameFp === nameFingerprint(name, this.ci) &&
			(seen?.path === undefined ||
				pathKey(seen.path, this.ci) === pathKey(joinPath(at.folder, name), this.ci));
		return this.decideTracked(at, input, tracked, sameLocation);
	}

	/** A file at the record's recorded folder and name holding its recorded content, that nobody else keeps. */
	private restoredAtPlace(
		input: ExportRecordInput,
		tracked: TrackedRecord,
	): RemoteItem | undefined {
		if (this.remoteEmpty) return undefined;
		// The recorded folder where it is now: a folder the user renamed keeps its entry, and a manual run's re-upload
		// of a deleted file in it went along (soak seed 577662262: it was uploaded again at the layout's folder).
		const folder = tracked.folder < 0 ? '' : this.state.folders[tracked.folder]?.path;
		const name = folder === undefined ? undefined : this.heldName(input, tracked);
		const there = name === undefined ? undefined : this.atPath(folder!, name);
		if (
			!there ||
			there.isFolder ||
			there.hash === undefined ||
			shortFingerprint(there.hash) !== tracked.contentFp
		)
			return undefined;
		return this.isOthers(there.id, tracked.keyFp) || this.claimedIds.has(there.id)
			? undefined
			: there;
	}

	private noFreeName(base: ItemBase, input: ExportRecordInput): PlannedItem {
		return planned(base, {
			action: 'failed',
			op: { verb: 'none' },
			error:
				`Every name this record may take in "${base.folder || '(root)'}" is taken by ` +
				`another file (${MAX_NAME_CHOICES} names, starting with "${input.name}"): ` +
				'rename or move those files, or map "File Name" to a more specific name.',
		});
	}

	/** The record's content exists and it is tracked at its place: nothing to write, move, or a new version. */
	private decideTracked(
		base: ItemBase,
		input: ExportRecordInput,
		tracked: TrackedRecord,
		sameLocation: boolean,
	): PlannedItem {
		const remoteTracked = this.remoteEmpty ? undefined : this.remote.byId.get(tracked.id);
		if (tracked.contentFp === base.contentFp || remoteTracked?.hash === input.contentHash) {
			if (!sameLocation)
				return planned(base, {
					action: 'updated',
					op: { verb: 'move', id: tracked.id },
					fileId: tracked.id,
					previousId: tracked.id,
				});
			// The feed shows our file already holding this content (a manual run replaced it): record it.
			if (remoteTracked && tracked.contentFp !== base.contentFp) {
				return planned(base, {
					action: 'unchanged',
					op: { verb: 'adopt', item: remoteTracked },
					fileId: remoteTracked.id,
				});
			}
			return planned(base, { action: 'unchanged', op: { verb: 'none' }, fileId: tracked.id });
		}
		// A file at its place already holding this content (a run whose state was not saved wrote it there).
		const atPlace = this.remoteEmpty ? undefined : this.atPath(input.folder, base.name);
		if (atPlace && atPlace.hash === input.contentHash && !this.isOthers(atPlace.id, base.keyFp)) {
			return planned(base, {
				action: 'unchanged',
				op: { verb: 'adopt', item: atPlace },
				fileId: atPlace.id,
			});
		}
		return this.contentChanged(base, tracked.id, sameLocation);
	}

	private contentChanged(base: ItemBase, previousId: string, sameLocation: boolean): PlannedItem {
		switch (this.policy.onContentChanged) {
			case 'skip':
				return planned(base, {
					action: 'skipped_content_changed',
					op: { verb: 'none' },
					fileId: previousId,
				});
			case 'keepBoth':
				return planned(base, {
					// Derived from the record's own name (not from a kept-both name it holds now).
					name: sameLocation
						? keepBothName(this.inputs[base.index]?.name ?? base.name, base.contentFp)
						: base.name,
					action: 'created',
					op: { verb: 'upload', onConflict: 'fail' },
					previousId,
				});
			case 'replace':
				return planned(base, {
					action: 'updated',
					op: sameLocation
						? { verb: 'upload', replaceId: previousId, onConflict: 'replace' }
						: { verb: 'upload', replaceId: previousId, onConflict: 'replace', moveFirst: true },
					fileId: previousId,
					previousId,
				});
		}
	}

	/**
	 * The first of the record's names that is free in the folder, or that already holds this record's file or its
	 * content. Taken: by another record of this batch, by a tracked record, by a file the plan does not know as
	 * this record's (the user's own, or another record's after a lost state), or found taken by the runner.
	 */
	private firstFreeName(
		input: ExportRecordInput,
		keyFp: string,
		folderKey: string,
		ownId: string | undefined,
		tracked: TrackedRecord | undefined,
		folder: string,
		ownSeen = false,
	): { name: string; existing?: RemoteItem } | undefined {
		// A deleted or moved record comes back under the name it had, when that is still one of its names.
		const had =
			tracked && this.trackedFolderKey(tracked) === folderKey
				? this.choiceWith(input, tracked.nameFp)
				: undefined;
		if (had !== undefined) {
			const first = this.freeAmong([had], input, keyFp, folderKey, ownId, folder, ownSeen);
			if (first) return first;
		}
		// All the first names taken (the user's files, versions left beside after lost states): the next numbered
		// ones; each taken name is a file in the way (soak seed 4242: four names taken, the document failed every run).
		for (const names of this.allChoices(input)) {
			const free = this.freeAmong(
				names.filter((n) => n !== had),
				input,
				keyFp,
				folderKey,
				ownId,
				folder,
				ownSeen,
			);
			if (free) return free;
		}
		return undefined;
	}

	private freeAmong(
		names: string[],
		input: ExportRecordInput,
		keyFp: string,
		folderKey: string,
		ownId: string | undefined,
		folder: string,
		ownSeen: boolean,
	): { name: string; existing?: RemoteItem } | undefined {
		for (const name of names) {
			const place = placeOf(folderKey, nameFingerprint(name, this.ci));
			if (this.occupied.has(place)) continue;
			const claimer = this.claims().get(place);
			if (claimer !== undefined && claimer !== keyFp) continue;
			const holder = this.tracked().byPlace.get(place);
			if (holder !== undefined && holder !== keyFp) continue;
			const there = this.remoteEmpty ? undefined : this.atPath(folder, name);
			if (!there) return { name };
			if (ownId !== undefined && there.id === ownId) return { name };
			// The batch shows the record's own file alive elsewhere (the user moved or renamed it): that file is
			// the record's, and another file holding the same content is not (a file the user restored after a run
			// re-uploaded the record is theirs, README; soak seed 1201889272 took the restored one).
			if (
				!ownSeen &&
				there.hash === input.contentHash &&
				!this.isOthers(there.id, keyFp) &&
				!this.claimedIds.has(there.id)
			)
				return { name, existing: there };
		}
		return undefined;
	}

	/**
	 * A file met at a conflict, seen just now, carries the id another record holds (and claimed) but neither that
	 * record's name nor its content: the id no longer names that record's file. A local folder reuses inode numbers,
	 * so an overlapping run's new file may get the inode another record's replaced file had (soak seed 481111957:
	 * "invoice (k1 2).pdf" beside "invoice (k1).pdf").
	 */
	private staleOthersId(seen: RemoteItem, keyFp: string): boolean {
		const owner = this.tracked().byId.get(seen.id);
		if (owner === undefined || owner === keyFp) return false;
		const record = this.state.records.get(owner);
		return record !== undefined && this.contradicts(record, seen, '');
	}

	/** A file that is a tracked record's other than this one. */
	private isOthers(id: string, keyFp: string): boolean {
		const owner = this.tracked().byId.get(id);
		return owner !== undefined && owner !== keyFp;
	}

	private tracked(): { byPlace: Map<string, string>; byId: Map<string, string> } {
		if (!this.trackedIndex) {
			const byPlace = new Map<string, string>();
			const byId = new Map<string, string>();
			for (const record of this.state.records.values()) {
				if (record.status !== 'live') continue;
				const folderKey = this.trackedFolderKey(record);
				if (folderKey !== undefined && !byPlace.has(placeOf(folderKey, record.nameFp)))
					byPlace.set(placeOf(folderKey, record.nameFp), record.keyFp);
				// An id the batch shows as a file of another name and content is no longer this record's (inode reuse).
				const seen = this.remoteEmpty ? undefined : this.remote.byId.get(record.id);
				if (!seen || !this.contradicts(record, seen, '')) byId.set(record.id, record.keyFp);
			}
			this.trackedIndex = { byPlace, byId };
		}
		return this.trackedIndex;
	}

	/**
	 * After every record found its place: a new record with no state and no tag whose exact content the batch shows
	 * in a file nobody keeps (a run whose state was lost wrote it; the user may have moved it since) takes that file
	 * to its place instead of uploading a copy. So does a record whose file looks gone when the batch shows its new
	 * content (not the content the state recorded) in a file nobody keeps: a run whose state was not saved wrote it
	 * (a manual run; on a local folder its new version is a new inode), and the user may have renamed or moved it
	 * since (soak seed 607765169). A file holding the recorded content is not taken: that may be the user's copy, or
	 * a restored file the README gives to the user.
	 */
	adoptStray(index: number): void {
		const item = this.decisions[index]!;
		if (item.previousId !== undefined) return;
		const record = this.state.records.get(item.keyFp);
		const recordedContent = item.action === 'reuploaded' && record?.contentFp === item.contentFp;
		if (item.action !== 'created' && item.action !== 'reuploaded') return;
		const found = recordedContent
			? this.manualRunCopy(item, record!)
			: this.fileHolding(item.contentHash, item.keyFp);
		const stray =
			found || recordedContent ? undefined : this.strayHolding(item.contentFp, item.keyFp);
		const id = found?.id ?? stray?.id;
		if (id === undefined) return;
		this.claimedIds.add(id);
		this.pendingCreates.set(
			item.contentHash,
			(this.pendingCreates.get(item.contentHash) ?? []).filter((i) => i !== index),
		);
		if (stray) this.adoptedStrays.add(stray.id);
		const kept = stray ? this.strayPlace(item, stray) : undefined;
		// A stray already at one of the record's names stays there (a record keeps the name it got); the move to
		// its own place costs one request and gives the runner the file as it is now.
		this.decisions[index] = planned(kept ? Object.assign({}, item, { name: kept }) : item, {
			action: kept ? 'unchanged' : 'updated',
			op: { verb: 'move', id },
			fileId: id,
			previousId: id,
		});
	}

	/**
	 * A deleted record's copy a manual run re-uploaded into a folder it made (the user had renamed or moved the
	 * record's folder), which the user then renamed or moved: exactly the recorded content, under the record's name,
	 * in a folder the saved state does not know (soak seed 1136299687: the next run uploaded the record beside it).
	 * A file holding the recorded content in a folder the state knows may be one the user restored after a run
	 * re-uploaded the record, which the README gives to the user, so it is not taken.
	 */
	private manualRunCopy(item: PlannedItem, record: TrackedRecord): RemoteItem | undefined {
		const file = this.fileHolding(item.contentHash, item.keyFp);
		if (!file || nameFingerprint(file.name, this.ci) !== record.nameFp) return undefined;
		const parent = this.remote.byId.get(file.parentId ?? '') ?? this.folderAt(file.path);
		return parent !== undefined && parent.isFolder && !this.savedFolderIds.has(parent.id)
			? file
			: undefined;
	}

	/** The folder the batch shows holding a file at this path. */
	private folderAt(path: string | undefined): RemoteItem | undefined {
		if (path === undefined) return undefined;
		const { dir } = splitPath(path);
		return dir === '' ? undefined : this.remote.folders.get(pathKey(dir, this.ci));
	}

	/** A stray file (seen by an earlier run) holding exactly this content that no other record keeps. */
	private strayHolding(contentFp: string, keyFp: string): StrayFile | undefined {
		return this.strays.find(
			(stray) =>
				stray.contentFp === contentFp &&
				!this.claimedIds.has(stray.id) &&
				!this.isOthers(stray.id, keyFp),
		);
	}

	/**
	 * The stray's own name when it stands in the item's folder under one of the record's names that no other record
	 * takes: the item takes that name instead of the one it was given.
	 */
	private strayPlace(item: PlannedItem, stray: StrayFile): string | undefined {
		const input = this.inputs[item.index]!;
		const folderKey = this.folderKeyOf(input.folder);
		if ((stray.folder < 0 ? '' : this.folderKeys[stray.folder]) !== folderKey) return undefined;
		const name = this.choiceWith(input, stray.nameFp);
		if (name === undefined) return undefined;
		const place = placeOf(folderKey, stray.nameFp);
		const claimer = this.claims().get(place);
		const holder = this.tracked().byPlace.get(place);
		if ((claimer ?? item.keyFp) !== item.keyFp || (holder ?? item.keyFp) !== item.keyFp)
			return undefined;
		this.claims().delete(placeOf(folderKey, nameFingerprint(item.name, this.ci)));
		this.claim(place, item.keyFp, stray.id);
		return name;
	}

	/** A file the batch showed holding exactly this content that no other record tracks or keeps. */
	private fileHolding(contentHash: string, keyFp: string): RemoteItem | undefined {
		if (this.remoteEmpty) return undefined;
		if (!this.remoteByHash) {
			this.remoteByHash = new Map();
			for (const item of this.remote.byId.values()) {
				if (!item.hash || item.isFolder) continue;
				const list = this.remoteByHash.get(item.hash) ?? [];
				list.push(item);
				this.remoteByHash.set(item.hash, list);
			}
		}
		return this.remoteByHash
			.get(contentHash)
			?.find((item) => !this.claimedIds.has(item.id) && !this.isOthers(item.id, keyFp));
	}

	/**
	 * Whether a record keeps the file after this plan (the usual batch shows only files of records kept in place,
	 * so the tracked index is rarely built). A remembered stray this plan adopts stays remembered until the runner
	 * records it (withoutKeptStrays): a run that stops first must not forget it, and no batch shows it again.
	 */
	keeps(id: string): boolean {
		if (this.adoptedStrays.has(id)) return false;
		return this.claimedIds.has(id) || this.tracked().byId.has(id);
	}

	afterConflict(item: PlannedItem, occupant: RemoteItem | undefined): PlannedItem {
		// Its content was already found in a file at another item's name (handTo): that file is the record's. The
		// file met at its own name is another run's copy, which that run may remove as its own hand-over (export
		// model seed 173065525: the state kept the id of that removed copy).
		const handed = this.handovers.get(item.index);
		if (handed) {
			this.handovers.delete(item.index);
			return this.decided(
				planned(Object.assign({}, item, { name: handed.name }), {
					action: 'unchanged',
					op: { verb: 'adopt', item: handed },
					fileId: handed.id,
				}),
			);
		}
		const input = this.inputs[item.index]!;
		const folderKey = this.folderKeyOf(input.folder);
		const place = placeOf(folderKey, nameFingerprint(item.name, this.ci));
		// Our own file is already there (an overlapping run moved it first): replace it in place, or keep it as it is.
		// So is the file the state still names as the record's, met at the record's place although the plan took it
		// for gone (soak seed 9204: a manual run had moved it out of a folder the user then deleted).
		const ownId =
			item.op.verb === 'move'
				? item.op.id
				: item.op.verb === 'upload'
					? (item.op.replaceId ?? item.previousId ?? this.state.records.get(item.keyFp)?.id)
					: undefined;
		if (occupant && ownId !== undefined && occupant.id === ownId) {
			if (occupant.hash === input.contentHash)
				return this.decided(
					planned(item, {
						action: item.action,
						op: { verb: 'adopt', item: occupant },
						fileId: occupant.id,
					}),
				);
			return this.decided(
				planned(item, {
					action: item.action,
					op: { verb: 'upload', replaceId: occupant.id, onConflict: 'replace' },
					fileId: occupant.id,
				}),
			);
		}
		const usable =
			occupant !== undefined &&
			!occupant.isFolder &&
			(this.staleOthersId(occupant, item.keyFp) ||
				(!this.isOthers(occupant.id, item.keyFp) && !this.claimedIds.has(occupant.id)));
		if (usable && occupant.hash === input.contentHash) {
			this.claimedIds.add(occupant.id);
			return this.decided(
				planned(item, {
					action: 'unchanged',
					op: { verb: 'adopt', item: occupant },
					fileId: occupant.id,
				}),
			);
		}
		this.occupied.add(place);
		this.claims().delete(place);
		// The file there may be another new record's, written by a run whose state was not saved: that one adopts it.
		if (usable) this.handTo(occupant, folderKey);
		const base = this.baseOf(input, item.keyFp);
		const choice = this.firstFreeName(
			input,
			item.keyFp,
			folderKey,
			item.op.verb === 'move' ? item.op.id : item.previousId,
			undefined,
			base.folder,
		);
		if (!choice) return this.noFreeName(base, input);
		this.claim(
			placeOf(folderKey, nameFingerprint(choice.name, this.ci)),
			item.keyFp,
			choice.existing?.id,
		);
		const at = Object.assign(base, { name: choice.name });
		if (choice.existing)
			return this.decided(
				planned(at, {
					action: 'unchanged',
					op: { verb: 'adopt', item: choice.existing },
					fileId: choice.existing.id,
				}),
			);
		// A move that met a file keeps moving (to the next name); an upload uploads there.
		const op: PlannedOp =
			item.op.verb === 'move'
				? item.op
				: item.op.verb === 'upload' && item.op.replaceId
					? { ...item.op, moveFirst: true }
					: { verb: 'upload', onConflict: 'fail' };
		return this.decided(
			planned(at, { action: item.action, op, fileId: item.fileId, previousId: item.previousId }),
		);
	}

	/** A file found at a name holds the content of a new record not carried out yet: that record adopts it. */
	private handTo(occupant: RemoteItem, folderKey: string): void {
		const candidates = (this.pendingCreates.get(occupant.hash ?? '') ?? []).filter(
			(index) => this.folderKeyOf(this.inputs[index]!.folder) === folderKey,
		);
		const waiting = candidates.find((index) => !this.taken.has(index));
		if (waiting === undefined) {
			// Taken already (it went up beside the item that met the conflict): it takes the file all the same.
			const late = candidates.find(
				(index) =>
					!this.handovers.has(index) &&
					this.decisions[index]!.action === 'created' &&
					this.decisions[index]!.op.verb === 'upload',
			);
			if (late === undefined) return;
			this.claimedIds.add(occupant.id);
			this.claim(
				placeOf(folderKey, nameFingerprint(occupant.name, this.ci)),
				this.decisions[late]!.keyFp,
				occupant.id,
			);
			this.handovers.set(late, occupant);
			return;
		}
		const item = this.decisions[waiting]!;
		this.claims().delete(placeOf(folderKey, nameFingerprint(item.name, this.ci)));
		this.claim(
			placeOf(folderKey, nameFingerprint(occupant.name, this.ci)),
			item.keyFp,
			occupant.id,
		);
		this.decisions[waiting] = planned(Object.assign({}, item, { name: occupant.name }), {
			action: 'unchanged',
			op: { verb: 'adopt', item: occupant },
			fileId: occupant.id,
		});
	}

	handedOver(index: number): RemoteItem | undefined {
		return this.handovers.get(index);
	}

	afterGone(item: PlannedItem): PlannedItem {
		const base = Object.assign(this.baseOf(this.inputs[item.index]!, item.keyFp), {
			name: item.name,
		});
		// The old id is kept: if an overlapping run only moved the file, the conflict at the name shows it as ours.
		return this.decided(
			planned(base, {
				action: 'reuploaded',
				op: { verb: 'upload', onConflict: 'fail' },
				previousId: item.previousId ?? item.fileId,
			}),
		);
	}

	/** Inputs share a few dozen folders: their keys are worked out once each. */
	private folderKeyOf(folder: string): string {
		let key = this.inputFolderKeys.get(folder);
		if (key === undefined) {
			key = pathKey(folder, this.ci);
			this.inputFolderKeys.set(folder, key);
		}
		return key;
	}

	private displayFolder(folder: string): string {
		if (folder === '') return folder;
		let display = this.displayFolders.get(folder);
		if (display === undefined) {
			const known = this.liveFolderByKey.get(this.folderKeyOf(folder));
			display = known ? this.state.folders[known.index]!.path : folder;
			this.displayFolders.set(folder, display);
		}
		return display;
	}

	private trackedFolderKey(record: TrackedRecord): string | undefined {
		if (record.folder < 0) return '';
		return this.folderKeys[record.folder];
	}

	private atPath(folder: string, name: string): RemoteItem | undefined {
		const byPath = this.remote.byPath.get(pathKey(joinPath(folder, name), this.ci));
		if (byPath) return byPath;
		const parentId =
			folder === '' ? this.state.rootId : this.liveFolderByKey.get(this.folderKeyOf(folder))?.id;
		return parentId
			? this.remote.byParentAndName.get(parentNameKey(parentId, name, this.ci))
			: undefined;
	}

	/** Folders the uploads and moves need that are not cached (or were deleted and must be recreated). */
	foldersToEnsure(items: PlannedItem[]): string[] {
		const needed = new Map<string, string>();
		for (const item of items) {
			if (item.op.verb !== 'upload' && item.op.verb !== 'move') continue;
			for (const prefix of pathPrefixes(item.folder)) {
				const key = pathKey(prefix, this.ci);
				if (!this.liveFolderByKey.has(key) && !needed.has(key)) needed.set(key, prefix);
			}
		}
		return [...needed.values()].sort((a, b) => a.split('/').length - b.split('/').length);
	}
}

/** The content each record key brings in this run (the last item of a key wins), by key fingerprint. */
function broughtContents(
	inputs: ExportRecordInput[],
): Map<string, { contentFp: string; input: ExportRecordInput }> {
	const brought = new Map<string, { contentFp: string; input: ExportRecordInput }>();
	for (const input of inputs)
		if (input.recordKey !== '')
			brought.set(fingerprint(input.recordKey), {
				contentFp: shortFingerprint(input.contentHash),
				input,
			});
	return brought;
}

/** What this run brings, and the records among them the saved state does not hold yet. */
function broughtRecords(
	contents: ReturnType<typeof broughtContents>,
	state: ExportState,
	fitName: ExportPolicy['fitName'],
): BroughtRecords {
	const fresh: Array<BroughtRecords['fresh'][number]> = [];
	for (const [keyFp, { contentFp, input }] of contents)
		if (!state.records.has(keyFp))
			fresh.push({
				folder: input.folder,
				names: nameChoices(input.name, input.recordKey, fitName),
				contentFp,
			});
	return { contents, fresh };
}
