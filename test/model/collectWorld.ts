/**
 * The world of the Collect New Files model test: one source (a fake cloud or a local folder) that a user acts on,
 * one workflow (Input -> Collect) run through n8n's engine, and the model of the user's promise: every document
 * that appears in the watched folder is handed to the workflow exactly once (on emit), nothing is handed over
 * that never appeared, no run fails because of one file, and a quiet run costs one request.
 *
 * The layout: the fixture root holds `p/w` (the watched folder, inside a parent `p`) and `out` (outside). Files are
 * identified by the id the source gave them; a Google Doc or Sheet is a document too (exported), a shortcut stands
 * for its target, forms and shortcuts to folders are never documents (reported, not delivered).
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { installDeduplicator } from '../nodes/support/collectDeduplicator';
import { collectWorkflow, FailSwitch, type CollectWorkflow } from '../nodes/support/collectHarness';
import { cloudSource, localSource, type CollectSource } from '../nodes/support/collectSources';
import type { GoogleDriveFixture } from '../storage/fixtures/googleDrive';

export type SourceKind = 'localFolder' | 'googleDrive' | 'oneDrive' | 'sharePoint' | 'dropbox';
export type Commit = 'onEmit' | 'afterConfirm';

/** What kind of thing a model file is. `doc`/`sheet`: Google-native; `shortcut`: to a file outside; others never documents. */
export type FileKind =
	| 'blob'
	| 'doc'
	| 'sheet'
	| 'shortcut'
	| 'shortcutDoc'
	| 'shortcutInside'
	| 'form'
	| 'folderShortcut';

/** 'manual': as n8n 2.x makes it (the saved static data handed over); 'manualNoState': as n8n 1.x does from the editor. */
export type RunMode = 'production' | 'manual' | 'manualNoState';

export type Action =
	| { type: 'add'; name: number; dir: number; kind: FileKind }
	| { type: 'overwrite'; file: number }
	| { type: 'rename'; file: number; name: number }
	| { type: 'move'; file: number; dir: number }
	| { type: 'moveOut'; file: number }
	| { type: 'moveIn'; file: number; dir: number }
	| { type: 'addOutside'; name: number }
	| { type: 'delete'; file: number }
	| { type: 'renameSubfolder' }
	| { type: 'renameWatched' }
	| { type: 'moveWatched' }
	| { type: 'renameParent' }
	| { type: 'run'; mode: RunMode }
	/** After Confirm only: the workflow fails between Collect and Confirm. */
	| { type: 'downstreamFailure' }
	/** Two executions started together from the same stored state (two webhook calls). */
	| { type: 'overlap' }
	/** The workflow's static data is gone (re-imported workflow, restored database). */
	| { type: 'loseState' }
	| { type: 'rateLimit'; count: number }
	/** The next request anywhere gets a 503 (retried by the pacer). */
	| { type: 'serverError' }
	/** The next download is cut after a few bytes (resumed, or the file fails and is retried on later runs). */
	| { type: 'cutDownload' }
	| { type: 'resetCursor' };

/** Download requests per cloud (as test/faults/support/faultKit.ts names them). */
const DOWNLOAD_PATHS: Record<SourceKind, RegExp> = {
	googleDrive: /alt=media|\/export\?/,
	oneDrive: /^\/_download\//,
	sharePoint: /^\/_download\//,
	dropbox: /^\/2\/files\/download/,
	localFolder: /$^/,
};

/** Names with case variants (a.pdf / A.pdf) and an NFD spelling of é. */
export const NAMES = ['a.pdf', 'A.pdf', 'b.pdf', 'caf\u00e9.pdf', 'cafe\u0301.pdf', 'c.txt'];
/** Folders below the watched one, relative to it. */
export const DIRS = ['', 'x', 'x/y'];

interface ModelFile {
	id: string;
	/** Folder path relative to the fixture root. */
	dir: string;
	name: string;
	kind: FileKind;
	/** Every content it has had (unique per write, so duplicates never arise by accident). */
	contents: string[];
	/** The id a delivery names: the file's own, or a shortcut's target. */
	documentId: string;
}

export interface RunRecord {
	mode: RunMode;
	status: string;
	error?: string;
	items: IDataObject[];
	requests: number;
}

/** A failed invariant, with the history so far (printed by fast-check with the shrunk counterexample). */
export class InvariantError extends Error {}

export class CollectWorld {
	readonly files: ModelFile[] = [];
	/** Every document id the user made, with all the contents it ever had. */
	readonly appeared = new Map<string, string[]>();
	/** Deliveries per document id (production runs only). */
	readonly delivered = new Map<string, number>();
	/** After Confirm: documents whose delivery a Confirm committed. */
	readonly confirmed = new Set<string>();
	readonly runs: RunRecord[] = [];
	/** Where the watched folder is, relative to the fixture root. */
	watched = 'p/w';
	parent = 'p';
	private counter = 0;
	/** A user action or fault since the last production run (a quiet run must then cost one request). */
	private dirty = true;
	/**
	 * After Confirm, once the static data is lost: a document emitted by a run that failed before Confirm is held
	 * back (it looks taken by another run) for Retry Failed Files (3) runs, then offered again. Until then the
	 * "everything delivered" check waits.
	 */
	graceRuns = 0;
	/** Documents reported `failed` (will be retried): runs left before they must have been delivered. */
	private readonly owed = new Map<string, number>();
	/**
	 * Documents reported `failed` and given up (every try of "Retry Failed Files" failed): the README's policy, said
	 * on the item, not a loss (soak seed 9901, Drive: four cut downloads in a row, and the model still waited for it).
	 */
	private readonly givenUp = new Set<string>();
	private faulted = false;
	private flow!: CollectWorkflow;

	private constructor(
		readonly kind: SourceKind,
		readonly source: CollectSource,
		readonly commit: Commit,
		/** Include Subfolders: off, only the files directly in the watched folder are documents to deliver. */
		readonly recursive = true,
	) {}

	static async open(
		kind: SourceKind,
		commit: Commit = 'onEmit',
		parameters: IDataObject = {},
	): Promise<CollectWorld> {
		// n8n's deduplication store, where the overlap guard claims documents (survives lost static data).
		await installDeduplicator();
		const source = kind === 'localFolder' ? await localSource() : await cloudSource(kind);
		const world = new CollectWorld(kind, source, commit, parameters.includeSubfolders !== false);
		await source.user.createFolder('out');
		const watchedId = await source.user.createFolder('p/w');
		// A folder below the watched one exists from the start for the nested moves.
		const folder = source.subfolderParameter('p/w', watchedId);
		world.flow = collectWorkflow(
			source,
			{ folder, firstRun: 'everything', commitPolicy: commit, ...parameters } as never,
			{
				confirm: commit === 'afterConfirm',
			},
		);
		return world;
	}

	get cloud(): boolean {
		return this.kind !== 'localFolder';
	}

	/** Whether the source can carry out this action at all (Docs and shortcuts exist only on Drive). */
	supports(action: Action): boolean {
		if (action.type === 'add' && action.kind !== 'blob') return this.kind === 'googleDrive';
		// A local folder is chosen by its path: renaming it or a parent is the user pointing the node nowhere.
		if (
			action.type === 'renameWatched' ||
			action.type === 'moveWatched' ||
			action.type === 'renameParent'
		)
			return this.cloud;
		if (
			action.type === 'resetCursor' ||
			action.type === 'rateLimit' ||
			action.type === 'serverError' ||
			action.type === 'cutDownload'
		)
			return this.cloud;
		if (action.type === 'downstreamFailure') return this.commit === 'afterConfirm';
		return true;
	}

	private fresh(): string {
		return `content ${++this.counter} ${Math.random().toString(36).slice(2)}`;
	}

	private pathOf(file: { dir: string; name: string }): string {
		return file.dir ? `${file.dir}/${file.name}` : file.name;
	}

	private inWatched(file: ModelFile): boolean {
		return file.dir === this.watched || file.dir.startsWith(`${this.watched}/`);
	}

	/** Case-insensitive and Unicode-normalized, so no source is asked to hold two names it would call equal. */
	private taken(dir: string, name: string): boolean {
		const key = (n: string) => n.normalize('NFC').toLowerCase();
		return this.files.some((file) => file.dir === dir && key(file.name) === key(name));
	}

	/** Whether the node watches where the file is: the watched folder, and its subfolders with Include Subfolders on. */
	private collectable(file: ModelFile): boolean {
		return this.recursive ? this.inWatched(file) : file.dir === this.watched;
	}

	private watchedFiles(): ModelFile[] {
		return this.files.filter((file) => this.inWatched(file));
	}

	private outsideFiles(): ModelFile[] {
		return this.files.filter((file) => !this.inWatched(file));
	}

	private dirPath(index: number): string {
		const sub = DIRS[index % DIRS.length];
		return sub ? `${this.watched}/${sub}` : this.watched;
	}

	private async ensureDir(dir: string): Promise<void> {
		await this.source.user.createFolder(dir);
	}

	private touch(): void {
		this.dirty = true;
	}

	private fake(): { inject(rule: unknown): void } {
		return (this.source as unknown as { fixture: { fake: { inject(rule: unknown): void } } })
			.fixture.fake;
	}

	private drive(): GoogleDriveFixture {
		return (this.source as unknown as { fixture: GoogleDriveFixture }).fixture;
	}

	private async createNative(
		dir: string,
		name: string,
		kind: FileKind,
		content: string,
	): Promise<{ id: string; documentId: string } | undefined> {
		const fixture = this.drive();
		const parentId = (await this.source.user.createFolder(dir)) || fixture.rootId;
		const mime: Partial<Record<FileKind, string>> = {
			doc: 'application/vnd.google-apps.document',
			sheet: 'application/vnd.google-apps.spreadsheet',
			form: 'application/vnd.google-apps.form',
		};
		if (kind === 'shortcutInside') {
			// A second way to the same document: a shortcut to a file already in the watched folder.
			const target = this.watchedFiles().find(
				(file) => file.kind === 'blob' || file.kind === 'doc' || file.kind === 'sheet',
			);
			if (!target) return undefined;
			const id = fixture.fake.seedShortcut({
				parentId,
				name: name.replace(/\.\w+$/, ''),
				targetId: target.id,
			});
			return { id, documentId: target.documentId };
		}
		if (kind === 'shortcut' || kind === 'shortcutDoc' || kind === 'folderShortcut') {
			// The target lives outside the watched folder: a shortcut is how it shows up inside.
			const out = await this.source.user.createFolder('out');
			const targetId =
				kind === 'shortcut'
					? await fixture.fake.seedFile({
							parentId: out,
							name: `target ${this.counter}.pdf`,
							mimeType: 'application/pdf',
							content: Buffer.from(content),
						})
					: kind === 'shortcutDoc'
						? await fixture.fake.seedFile({
								parentId: out,
								name: `target doc ${this.counter}`,
								mimeType: 'application/vnd.google-apps.document',
								content: Buffer.from(content),
							})
						: await this.source.user.createFolder(`out/folder ${this.counter}`);
			const id = fixture.fake.seedShortcut({
				parentId,
				name: name.replace(/\.\w+$/, ''),
				targetId,
			});
			return { id, documentId: kind === 'folderShortcut' ? id : targetId };
		}
		const id = await fixture.fake.seedFile({
			parentId,
			name: name.replace(/\.\w+$/, ''),
			mimeType: mime[kind],
			content: Buffer.from(content),
		});
		return { id, documentId: id };
	}

	async apply(action: Action): Promise<void> {
		if (!this.supports(action)) return;
		const user = this.source.user;
		const inside = this.watchedFiles();
		const pick = (list: ModelFile[], index: number) =>
			list.length ? list[index % list.length] : undefined;
		switch (action.type) {
			case 'add': {
				const dir = this.dirPath(action.dir);
				const name = NAMES[action.name % NAMES.length];
				const storedName = action.kind === 'blob' ? name : name.replace(/\.\w+$/, '');
				if (this.taken(dir, storedName)) return;
				await this.ensureDir(dir);
				const content = this.fresh();
				let id: string;
				let documentId: string;
				if (action.kind === 'blob') {
					id = await user.createFile(this.pathOf({ dir, name }), Buffer.from(content));
					documentId = id;
				} else {
					const made = await this.createNative(dir, name, action.kind, content);
					if (!made) return;
					({ id, documentId } = made);
				}
				this.files.push({
					id,
					dir,
					name: storedName,
					kind: action.kind,
					contents: [content],
					documentId,
				});
				if (
					action.kind !== 'form' &&
					action.kind !== 'folderShortcut' &&
					action.kind !== 'shortcutInside'
				)
					this.appeared.set(documentId, [content]);
				break;
			}
			case 'addOutside': {
				const name = NAMES[action.name % NAMES.length];
				if (this.taken('out', name)) return;
				const content = this.fresh();
				const id = await user.createFile(`out/${name}`, Buffer.from(content));
				this.files.push({
					id,
					dir: 'out',
					name,
					kind: 'blob',
					contents: [content],
					documentId: id,
				});
				this.appeared.set(id, [content]);
				break;
			}
			case 'overwrite': {
				const file = pick(
					inside.filter((f) => f.kind === 'blob' || f.kind === 'doc' || f.kind === 'sheet'),
					action.file,
				);
				if (!file) return;
				const content = this.fresh();
				if (file.kind === 'blob') await user.editFile(this.pathOf(file), Buffer.from(content));
				else await this.drive().fake.userEdit(file.id, Buffer.from(content));
				file.contents.push(content);
				this.appeared.get(file.documentId)?.push(content);
				break;
			}
			case 'rename': {
				const file = pick(inside, action.file);
				if (!file) return;
				const name = NAMES[action.name % NAMES.length];
				if (this.taken(file.dir, name) || file.kind !== 'blob') return;
				await user.rename(this.pathOf(file), name);
				file.name = name;
				break;
			}
			case 'move': {
				const file = pick(inside, action.file);
				const dir = this.dirPath(action.dir);
				if (!file || file.dir === dir || this.taken(dir, file.name)) return;
				await this.ensureDir(dir);
				await user.move(this.pathOf(file), dir);
				file.dir = dir;
				break;
			}
			case 'moveOut': {
				const file = pick(inside, action.file);
				if (!file || this.taken('out', file.name)) return;
				await user.move(this.pathOf(file), 'out');
				file.dir = 'out';
				break;
			}
			case 'moveIn': {
				const file = pick(
					this.outsideFiles().filter((f) => f.dir === 'out'),
					action.file,
				);
				const dir = this.dirPath(action.dir);
				if (!file || this.taken(dir, file.name)) return;
				await this.ensureDir(dir);
				await user.move(this.pathOf(file), dir);
				file.dir = dir;
				break;
			}
			case 'delete': {
				const file = pick(inside, action.file);
				if (!file) return;
				await user.trash(this.pathOf(file));
				this.files.splice(this.files.indexOf(file), 1);
				// Shortcuts to it now point at the trash: they stand for no document any more.
				for (const other of this.files)
					if (other.kind === 'shortcutInside' && other.documentId === file.id)
						other.documentId = other.id;
				break;
			}
			case 'renameSubfolder': {
				const from = `${this.watched}/x`;
				if (!this.files.some((f) => f.dir === from || f.dir.startsWith(`${from}/`))) return;
				const to = `${this.watched}/x${++this.counter}`;
				await user.rename(from, to.split('/').pop()!);
				await this.ensureDir(from);
				this.rebase(from, to);
				break;
			}
			case 'renameWatched': {
				const slash = this.watched.lastIndexOf('/');
				const to = `${slash > 0 ? this.watched.slice(0, slash + 1) : ''}w${++this.counter}`;
				await user.rename(this.watched, to.split('/').pop()!);
				this.rebase(this.watched, to);
				this.watched = to;
				break;
			}
			case 'moveWatched': {
				// Out of its parent to the fixture root, or back under the parent.
				const name = this.watched.split('/').pop()!;
				const to = this.watched.includes('/') ? name : `${this.parent}/${name}`;
				await user.move(this.watched, this.watched.includes('/') ? '' : this.parent);
				this.rebase(this.watched, to);
				this.watched = to;
				break;
			}
			case 'renameParent': {
				const to = `p${++this.counter}`;
				await user.rename(this.parent, to);
				this.rebase(this.parent, to);
				if (this.watched.startsWith(`${this.parent}/`))
					this.watched = `${to}${this.watched.slice(this.parent.length)}`;
				this.parent = to;
				break;
			}
			case 'rateLimit':
				// Within the pacer's retry budget: throttling that outlasts it is allowed to fail the run.
				if (this.faulted) return;
				await user.rateLimit(action.count, 0);
				this.faulted = true;
				return;
			case 'serverError':
				if (this.faulted) return;
				this.fake().inject({
					path: /./,
					times: 1,
					action: { type: 'respond', status: 503, body: { error: 'unavailable' } },
				});
				this.faulted = true;
				return;
			case 'cutDownload':
				this.fake().inject({
					path: DOWNLOAD_PATHS[this.kind],
					times: 1,
					action: { type: 'cutResponse', afterBytes: 8 },
				});
				this.faulted = true;
				return;
			case 'resetCursor':
				await user.resetCursors();
				this.faulted = true;
				return;
			case 'run':
				await this.run(action.mode);
				return;
			case 'downstreamFailure':
				await this.run('production', { downstreamFailure: true });
				return;
			case 'overlap':
				await this.overlap();
				return;
			case 'loseState':
				this.flow.harness.staticData = {};
				if (this.commit === 'afterConfirm') this.graceRuns = 4;
				break;
		}
		this.touch();
	}

	private rebase(from: string, to: string): void {
		for (const file of this.files) {
			if (file.dir === from) file.dir = to;
			else if (file.dir.startsWith(`${from}/`)) file.dir = to + file.dir.slice(from.length);
		}
	}

	private fail(message: string): never {
		throw new InvariantError(
			`${this.kind}: ${message}\nruns: ${JSON.stringify(this.runs.map((r) => ({ ...r, items: r.items.map(brief) })))}`,
		);
	}

	async run(mode: RunMode, options: { downstreamFailure?: boolean } = {}): Promise<RunRecord> {
		// Quiet: nothing happened since the last run, and no failed file is due for a retry.
		const quiet = !this.dirty && !this.faulted && this.owed.size === 0;
		const before = this.source.requestCount();
		if (options.downstreamFailure) FailSwitch.failNext = true;
		let outcome: Awaited<ReturnType<CollectWorkflow['run']>>;
		// n8n 1.x hands a manual run from the editor no static data (issue 13): the node gets none; the saved stays.
		const saved = this.flow.harness.staticData;
		if (mode === 'manualNoState') this.flow.harness.staticData = {};
		try {
			outcome = await this.flow.run(mode === 'production' ? 'trigger' : 'manual');
		} finally {
			FailSwitch.failNext = false;
			if (mode === 'manualNoState') this.flow.harness.staticData = saved;
		}
		const { result, items } = outcome;
		const record: RunRecord = {
			mode,
			status: result.status,
			error: result.error?.message,
			items: items.map((item) => item.json),
			requests: this.source.requestCount() - before,
		};
		this.runs.push(record);
		// No run fails because of one file (nor for any reason the user caused); a downstream failure is the test's.
		const collectError = result.nodeError('Collect');
		if (collectError)
			this.fail(`the Collect node failed in a ${mode} run: ${collectError.message}`);
		if (result.status !== 'success' && !options.downstreamFailure)
			this.fail(`a ${mode} run failed: ${record.error}`);
		this.check(
			mode === 'production' ? 'production' : 'manual',
			items,
			result.status === 'success' && !options.downstreamFailure,
		);
		if (mode !== 'production') return record;
		const inGrace = this.graceRuns > 0;
		if (inGrace) this.graceRuns--;
		else if (!options.downstreamFailure) this.checkAllDelivered();
		// A quiet run costs one request.
		if (quiet && !inGrace && record.requests > 1)
			this.fail(`a quiet run made ${record.requests} requests`);
		this.dirty = !!options.downstreamFailure;
		this.faulted = false;
		return record;
	}

	/** Two executions from the same stored state: together they deliver each new document once. */
	private async overlap(): Promise<void> {
		const results = await this.flow.harness.runConcurrently(2, { mode: 'trigger' });
		// Neither run comes after the other: a document both offer again (pending after a failed run) was offered before
		// either Confirm, which at-least-once allows; what counts is that nothing confirmed before is offered again.
		const confirmedNow: string[] = [];
		for (const result of results) {
			const items = result.output('Collect');
			this.runs.push({
				mode: 'production',
				status: result.status,
				error: result.error?.message,
				items: items.map((i) => i.json),
				requests: 0,
			});
			if (result.status !== 'success')
				this.fail(`an overlapping run failed: ${result.error?.message}`);
			this.check('production', items, false, true);
			confirmedNow.push(...items.filter(hasContent).map((item) => String(item.json.id)));
		}
		for (const id of confirmedNow) this.confirmed.add(id);
		if (this.graceRuns === 0) this.checkAllDelivered();
		this.dirty = true;
	}

	/** Per run: nothing delivered that never appeared; nothing twice (on emit) or after its Confirm (after Confirm). */
	private check(
		mode: 'production' | 'manual',
		items: INodeExecutionData[],
		confirmedNow: boolean,
		concurrent = false,
	): void {
		if (mode === 'production') {
			for (const [id, left] of this.owed) {
				if (left <= 1) this.owed.delete(id);
				else this.owed.set(id, left - 1);
			}
			// A file that failed after the retries is owed: Retry Failed Files (3) more runs to come through.
			for (const item of items)
				if (item.json.status === 'failed' && item.json.willRetry === true)
					this.owed.set(String(item.json.id), 4);
				else if (item.json.status === 'failed') this.givenUp.add(String(item.json.id));
		}
		for (const item of items.filter(hasContent)) {
			const id = String(item.json.id);
			const contents = this.appeared.get(id);
			if (!contents)
				this.fail(
					`delivered ${id} (${String(item.json.name)}), which the user never made a document`,
				);
			const body = Buffer.from(Object.values(item.binary!)[0].data, 'base64').toString();
			if (!contents.some((content) => body.includes(content)))
				this.fail(
					`delivered ${String(item.json.name)} with content the user never wrote: ${body.slice(0, 80)}`,
				);
			if (mode === 'manual') {
				// A preview shows only what the next production run would collect.
				if (this.done(id))
					this.fail(`a manual run showed ${String(item.json.name)}, already collected, as new`);
				continue;
			}
			if (this.commit === 'afterConfirm') {
				if (this.confirmed.has(id))
					this.fail(`${String(item.json.name)} (${id}) delivered again after its Confirm`);
			} else if (this.delivered.has(id) && !(concurrent && this.redelivered(item))) {
				this.fail(`${String(item.json.name)} (${id}) delivered twice`);
			}
			this.delivered.set(id, (this.delivered.get(id) ?? 0) + 1);
			if (confirmedNow) this.confirmed.add(id);
		}
	}

	get owing(): boolean {
		return this.owed.size > 0;
	}

	private redelivered(item: INodeExecutionData): boolean {
		return item.json.redelivery === true;
	}

	private done(id: string): boolean {
		return this.commit === 'afterConfirm' ? this.confirmed.has(id) : this.delivered.has(id);
	}

	/** Every document in the watched folder now has been delivered (and confirmed, after Confirm). */
	private checkAllDelivered(): void {
		for (const file of this.watchedFiles().filter((f) => this.collectable(f))) {
			if (!this.appeared.has(file.documentId) || this.owed.has(file.documentId)) continue;
			if (this.givenUp.has(file.documentId)) continue;
			if (!this.done(file.documentId))
				this.fail(
					`${this.pathOf(file)} (${file.kind}) is in the watched folder and was never delivered${this.commit === 'afterConfirm' ? ' and confirmed' : ''}`,
				);
		}
	}

	async close(): Promise<void> {
		await this.source.close();
	}
}

function hasContent(item: INodeExecutionData): boolean {
	return !!item.binary && Object.keys(item.binary).length > 0;
}

function brief(json: IDataObject): IDataObject {
	const { id, name, path, status, reason, error, preview } = json;
	return Object.fromEntries(
		Object.entries({ id, name, path, status, reason, error, preview }).filter(
			([, v]) => v !== undefined,
		),
	);
}

/** Replays one history on a fresh world; two production runs at the end make sure every invariant is looked at. */
export async function replay(
	kind: SourceKind,
	actions: Action[],
	commit: Commit = 'onEmit',
	parameters: IDataObject = {},
): Promise<CollectWorld> {
	const world = await CollectWorld.open(kind, commit, parameters);
	try {
		for (const action of actions) await world.apply(action);
		while (world.graceRuns > 0 || world.owing)
			await world.apply({ type: 'run', mode: 'production' });
		await world.apply({ type: 'run', mode: 'production' });
		await world.apply({ type: 'run', mode: 'production' });
		return world;
	} finally {
		await world.close();
	}
}
