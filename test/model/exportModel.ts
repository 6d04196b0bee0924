/**
 * The model of a user's intent for Export to Folder, and a history runner that replays random commands against
 * the real node (n8n's engine, the fakes or a real local folder) and checks the user's promise after every
 * production run. The model knows nothing of how the node works: it holds the documents the source has, what was
 * exported, and the files the user put in the drive.
 */
import fc from 'fast-check';
import { rename } from 'fs/promises';
import { join } from 'path';
import type { IDataObject } from 'n8n-workflow';
import type { RemoteItem, StorageKind } from '../../nodes/shared/storage/types';
import type { AuthFlavour, FakeAuth } from '../fakes/common/auth';
import type { FaultRule } from '../fakes/common/server';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, FakeOAuth } from '../fakes/oauth';
import { ALL_SCOPES as DROPBOX_SCOPES, type FakeDropbox } from '../fakes/dropbox';
import { sdkFor } from '../fakes/dropbox/sdkClient';
import type { GraphDrive } from '../fakes/graph';
import {
	cloudDestination,
	exportWorkflow,
	localDestination,
	type Doc,
	type ExportDestination,
	type ExportWorkflow,
} from '../nodes/support/exportWorkflow';

/** Names banks and suppliers really use, with case and Unicode (NFC / NFD) variants of the same name. */
export const NAMES = [
	'invoice.pdf',
	'receipt.pdf',
	'Invoice.pdf',
	'INVOICE.PDF',
	'Re\u00e7u.pdf',
	'Rec\u0327u.pdf',
];
export const KEYS = ['k0', 'k1', 'k2', 'k3', 'k4'];
/** Folder values of the custom layout ('a' is 'A' on a case-insensitive cloud). */
export const FOLDERS = ['A', 'B', 'a'];

export type Command =
	/** A record appears in the source, or changes name, folder and content. */
	| { t: 'put'; key: number; name: number; folder: number }
	/** A record's content changes. */
	| { t: 'edit'; key: number }
	/** An export run over all records (subset null) or some of them (bit mask over KEYS). */
	| { t: 'run'; manual: boolean; subset: number | null }
	/** The workflow's static data is gone (a copied workflow, an import). */
	| { t: 'loseState' }
	/** The user deletes (or trashes) the file a record was exported to. */
	| { t: 'userDelete'; key: number; trash?: boolean }
	/** The user deletes (or trashes) a folder the export wrote into: records mapping into it stop (the default policy). */
	| { t: 'userDeleteFolder'; folder: number; trash?: boolean }
	/** The user restores a folder they deleted, with what was in it (Drive: untrash; OneDrive: recycle bin; Dropbox: deleted files; local: moved back). */
	| { t: 'userRestoreFolder'; which: number }
	/** The user puts an own file in the drive under a name that may collide with a record's. */
	| { t: 'userCreate'; name: number; folder: number }
	/** The user renames an exported file inside the root (to a colliding name when it is free). */
	| { t: 'userRename'; key: number; name: number }
	/** The user moves an exported file to another folder inside the root. */
	| { t: 'userMove'; key: number; folder: number }
	/** Two production runs started together from the same stored state (two webhook calls). */
	| { t: 'overlap' }
	/** A fault at the cloud during the next run: a 429 with Retry-After, an access token expiring, a cut upload. */
	| { t: 'fault'; fault: 'rateLimit' | 'expireToken' | 'cutUpload' }
	/** The next production run stops half-way (the storage is full after `after` more writes). */
	| { t: 'failHalfway'; after: number }
	/** The user restores a file of ours they trashed (Drive: untrash; OneDrive: the recycle bin; Dropbox: files/restore; local: moved back). */
	| { t: 'userRestore'; which: number }
	/** A 5xx at the cloud during the next production run, on a listing, an upload or a folder create. */
	| { t: 'serverError'; on: ServerErrorOn; skip: number; times: number }
	/** The user renames a folder the export wrote into (inside the root): its documents go back to the layout's folder. */
	| { t: 'userRenameFolder'; folder: number }
	/**
	 * Dropbox (writes go by path): the user renames the root folder the export was pointed at, a production run
	 * follows, then the user renames it back and production runs go on. The export follows the folder, never its
	 * old path.
	 */
	| { t: 'userRenameRoot' };

export type ServerErrorOn = 'list' | 'upload' | 'folder';

export const commandArb: fc.Arbitrary<Command> = fc.oneof(
	{
		weight: 4,
		arbitrary: fc.record({
			t: fc.constant('put' as const),
			key: fc.nat(KEYS.length - 1),
			name: fc.nat(NAMES.length - 1),
			folder: fc.nat(FOLDERS.length - 1),
		}),
	},
	{
		weight: 2,
		arbitrary: fc.record({ t: fc.constant('edit' as const), key: fc.nat(KEYS.length - 1) }),
	},
	{
		weight: 4,
		arbitrary: fc.record({
			t: fc.constant('run' as const),
			// Mostly production runs; shrinks towards one.
			manual: fc.constantFrom(false, false, false, true),
			subset: fc.option(fc.integer({ min: 1, max: 31 }), { freq: 2 }),
		}),
	},
	{ weight: 1, arbitrary: fc.constant({ t: 'loseState' as const }) },
	{
		weight: 1,
		arbitrary: fc.record({
			t: fc.constant('userDelete' as const),
			key: fc.nat(KEYS.length - 1),
			trash: fc.boolean(),
		}),
	},
	{
		weight: 1,
		arbitrary: fc.record({
			t: fc.constant('userDeleteFolder' as const),
			folder: fc.nat(FOLDERS.length - 1),
			trash: fc.boolean(),
		}),
	},
	{
		weight: 1,
		arbitrary: fc.record({ t: fc.constant('userRestoreFolder' as const), which: fc.nat(2) }),
	},
	{
		weight: 2,
		arbitrary: fc.record({
			t: fc.constant('userCreate' as const),
			name: fc.nat(NAMES.length - 1),
			folder: fc.nat(FOLDERS.length - 1),
		}),
	},
	{
		weight: 1,
		arbitrary: fc.record({
			t: fc.constant('userRename' as const),
			key: fc.nat(KEYS.length - 1),
			name: fc.nat(NAMES.length),
		}),
	},
	{
		weight: 1,
		arbitrary: fc.record({
			t: fc.constant('userMove' as const),
			key: fc.nat(KEYS.length - 1),
			folder: fc.nat(FOLDERS.length - 1),
		}),
	},
	{ weight: 1, arbitrary: fc.constant({ t: 'overlap' as const }) },
	{
		weight: 1,
		arbitrary: fc.record({
			t: fc.constant('fault' as const),
			fault: fc.constantFrom('rateLimit' as const, 'expireToken' as const, 'cutUpload' as const),
		}),
	},
	{ weight: 1, arbitrary: fc.record({ t: fc.constant('failHalfway' as const), after: fc.nat(2) }) },
	{ weight: 1, arbitrary: fc.record({ t: fc.constant('userRestore' as const), which: fc.nat(3) }) },
	{
		weight: 1,
		arbitrary: fc.record({
			t: fc.constant('serverError' as const),
			on: fc.constantFrom('list' as const, 'upload' as const, 'folder' as const),
			skip: fc.nat(2),
			times: fc.integer({ min: 1, max: 3 }),
		}),
	},
	{
		weight: 1,
		arbitrary: fc.record({
			t: fc.constant('userRenameFolder' as const),
			folder: fc.nat(FOLDERS.length - 1),
		}),
	},
	{ weight: 1, arbitrary: fc.constant({ t: 'userRenameRoot' as const }) },
);

export type Layout = 'flat' | 'folders';

/** A folder the user deleted, with what was in it: records' files (by key) and the user's own files. */
interface BinnedFolder {
	path: string;
	id: string;
	/** Local folder: where it was moved out of the root. */
	outside?: string;
	ours: Array<{ key: string; content: string; path: string }>;
	users: Array<{ path: string; content: string }>;
	/** Production runs before the deletion: a later count means a run saw the folder gone. */
	runsBefore: number;
	/** The export had already stopped at this path: a deletion and restore no run saw leave it stopped. */
	stoppedBefore: boolean;
}

/** What each fake offers to restore a folder (each as the user does it in the cloud's own UI). */
interface FolderRestoringFake {
	userUntrash(id: string): void;
	userRestore(id: string, name?: string): void;
	userRestoreFolder(path: string): Promise<Array<{ pathDisplay: string; id: string }>>;
}

interface SourceRecord {
	name: string;
	folder: string;
	content: string;
}

interface FileSeen {
	item: RemoteItem;
	path: string;
	content: string;
}

const CASE_INSENSITIVE: Record<StorageKind, boolean> = {
	localFolder: false,
	googleDrive: false,
	oneDrive: true,
	sharePoint: true,
	dropbox: true,
};

export class ExportHistory {
	private readonly records = new Map<string, SourceRecord>();
	/** What a run wrote for each record (its latest content); gone when the user deleted the file. */
	private readonly exported = new Map<string, string>();
	/** Files the user created, by path: never changed or deleted by the node. */
	private readonly userFiles = new Map<string, string>();
	private versions = 0;
	/** Deletions since the last production run: kept below the mass-delete guard's threshold (3). */
	private deletions = 0;
	private readonly lastPath = new Map<string, string>();
	readonly flow: ExportWorkflow;

	constructor(
		readonly destination: ExportDestination,
		readonly layout: Layout,
	) {
		this.flow = exportWorkflow(
			destination,
			layout === 'flat'
				? { fileName: '={{ $json.name }}' }
				: {
						fileName: '={{ $json.name }}',
						folderStructure: 'custom',
						folderTemplate: '={{ $json.folder }}',
					},
		);
	}

	private get ci(): boolean {
		return CASE_INSENSITIVE[this.destination.kind];
	}

	/** The cloud's name equality for paths (NFC everywhere, case folded where the cloud folds case). */
	sameKey(path: string): string {
		const nfc = path.normalize('NFC');
		return this.ci ? nfc.toLowerCase() : nfc;
	}

	async apply(command: Command): Promise<void> {
		switch (command.t) {
			case 'put': {
				const key = KEYS[command.key];
				this.records.set(key, {
					name: NAMES[command.name],
					folder: FOLDERS[command.folder],
					content: `${key} v${++this.versions}`,
				});
				this.newVersion(key);
				return;
			}
			case 'edit': {
				const key = KEYS[command.key];
				const record = this.records.get(key);
				if (record) this.records.set(key, { ...record, content: `${key} v${++this.versions}` });
				this.newVersion(key);
				return;
			}
			case 'loseState':
				this.flow.harness.staticData = {};
				for (const key of this.exported.keys()) this.forgotten.add(key);
				this.savedFileIds.clear();
				this.forgetWhichIsRestored();
				this.knownFolders.clear();
				// The stopped folders were in the state too: without it the export recreates them (nothing is lost).
				this.stopped.clear();
				// So were the restored-but-unseen stops: a folder deleted after the lost state is one the new state
				// never saw, and the export recreates it (soak seed 9601, OneDrive and Drive folders).
				this.restoredUnseen.clear();
				this.restoredOurs.clear();
				return;
			case 'userDelete':
				return await this.userDelete(KEYS[command.key], command.trash === true);
			case 'userDeleteFolder':
				return await this.userDeleteFolder(FOLDERS[command.folder], command.trash === true);
			case 'userRestoreFolder':
				return await this.userRestoreFolder(command.which);
			case 'userCreate':
				return await this.userCreate(NAMES[command.name], FOLDERS[command.folder]);
			case 'run':
				return await this.run(command.manual, command.subset);
			case 'userRename':
				return await this.userRename(
					KEYS[command.key],
					command.name < NAMES.length ? NAMES[command.name] : `renamed ${++this.versions}.pdf`,
				);
			case 'userMove':
				return await this.userMove(KEYS[command.key], FOLDERS[command.folder]);
			case 'overlap':
				return await this.overlap();
			case 'fault':
				return await this.fault(command.fault);
			case 'failHalfway':
				return await this.failHalfway(command.after);
			case 'userRestore':
				return await this.userRestore(command.which);
			case 'serverError':
				return await this.serverError(command.on, command.skip, command.times);
			case 'userRenameFolder':
				return await this.userRenameFolder(FOLDERS[command.folder]);
			case 'userRenameRoot':
				return await this.userRenameRoot();
		}
	}

	/**
	 * The user renames an exported folder inside the root to a new name. Its files (ours and the user's) go with
	 * it; the user's keep their new paths. A folder holding something the user trashed (restorable to its old
	 * path) or a folder that stopped is left alone: those stories have their own commands.
	 */
	private async userRenameFolder(folder: string): Promise<void> {
		if (this.layout === 'flat') return;
		const existing = (await this.folders()).find((d) => this.sameKey(d) === this.sameKey(folder));
		if (existing === undefined || this.stopped.has(this.sameKey(existing))) return;
		const below = (path: string) => this.sameKey(path).startsWith(`${this.sameKey(existing)}/`);
		if (this.binned.some((entry) => below(entry.path))) return;
		if (this.binnedFolders.some((entry) => this.sameKey(entry.path) === this.sameKey(existing)))
			return;
		const renamed = `moved ${++this.versions}`;
		await this.destination.fixture.user.rename(existing, renamed);
		// Dropbox gives a restored folder new ids: renamed before any run saw it back, the next run sees the folder
		// it knew gone and an unknown folder elsewhere, so the folder stays stopped (README, "A folder you restore";
		// soak seed 819567872 expected the export to resume into a folder it cannot recognise).
		if (this.destination.kind === 'dropbox' && this.restoredUnseen.delete(this.sameKey(existing)))
			this.stopped.add(this.sameKey(existing));
		const moved = (path: string) => `${renamed}/${path.slice(existing.length + 1)}`;
		for (const [path, content] of [...this.userFiles]) {
			if (!below(path)) continue;
			this.userFiles.delete(path);
			this.userFiles.set(moved(path), content);
			const id = this.restoredIds.get(path);
			if (id === undefined) continue;
			this.restoredIds.delete(path);
			this.restoredIds.set(moved(path), id);
		}
	}

	/** See Command 'userRenameRoot'. */
	private async userRenameRoot(): Promise<void> {
		if (this.destination.kind !== 'dropbox') return;
		const { fake, rootPath } = this.destination.fixture as unknown as {
			fake: FakeDropbox;
			rootPath: string;
		};
		const name = rootPath.slice(rootPath.lastIndexOf('/') + 1);
		const away = `${rootPath.slice(0, rootPath.lastIndexOf('/'))}/${name} moved`;
		fake.userRename(rootPath, `${name} moved`);
		try {
			await this.run(false, null);
		} finally {
			fake.userRename(away, name);
		}
	}

	private get fake(): { inject(rule: FaultRule): void; clearFaults(): void } | undefined {
		return (
			this.destination.fixture as unknown as {
				fake?: { inject(rule: FaultRule): void; clearFaults(): void };
			}
		).fake;
	}

	private async fault(fault: 'rateLimit' | 'expireToken' | 'cutUpload'): Promise<void> {
		if (this.destination.kind === 'localFolder') return;
		// One fault pending at a time: two expiries in a row are a token that expires right after its refresh, which
		// the transport rightly reports instead of refreshing forever.
		this.fake!.clearFaults();
		if (fault === 'rateLimit') await this.destination.fixture.user.rateLimit(1, 0);
		else if (fault === 'cutUpload') await this.destination.fixture.user.cutNextUploadChunk(10);
		else this.fake!.inject({ action: { type: 'expireToken' } });
	}

	/** The storage is full after `after` more uploads: the run stops; what it wrote is recorded, nothing lost. */
	private async failHalfway(after: number): Promise<void> {
		const full = STORAGE_FULL[this.destination.kind];
		if (!full) return;
		await this.faultyRun({ ...full, skip: after, times: 1000 });
	}

	/**
	 * A 5xx on one kind of request: the run retries or stops with an error; either way what it wrote is recorded,
	 * nothing of the user's is touched, and the next run finishes the work.
	 */
	private async serverError(on: ServerErrorOn, skip: number, times: number): Promise<void> {
		if (this.destination.kind === 'localFolder') return;
		await this.faultyRun({ ...SERVER_ERROR[this.destination.kind][on], skip, times });
	}

	/** A production run with a fault rule in place that may stop it. */
	private async faultyRun(rule: FaultRule): Promise<void> {
		this.fake!.clearFaults();
		this.fake!.inject(rule);
		const keys = this.batch(null);
		try {
			if (keys.length === 0) return;
			const { result } = await this.flow.run(this.docs(keys));
			const files = await this.snapshot();
			for (const key of keys) {
				const content = this.records.get(key)!.content;
				if ([...files.values()].some((f) => f.content === content)) {
					this.exported.set(key, content);
					this.markSaved(key, content);
				}
			}
			// n8n saves the static data of a failed run too: what it wrote and the folders it saw are recorded.
			this.deletions = 0;
			await this.rememberFolders();
			if (result.status === 'success')
				await this.afterProductionRun(
					keys,
					result.output('Export').map((item) => item.json),
				);
		} finally {
			this.fake!.clearFaults();
		}
	}

	/** Two production runs together over every record; whichever state is saved last wins. */
	private async overlap(): Promise<void> {
		const keys = this.batch(null);
		if (keys.length === 0) return;
		const docs = this.docs(keys);
		const [a, b] = await Promise.all([
			this.flow.run(docs, 'webhook'),
			this.flow.run(docs, 'webhook'),
		]);
		for (const run of [a, b]) {
			expectThat(
				run.result.status === 'success',
				`an overlapping run failed: ${run.result.nodeError('Export')?.message}`,
			);
		}
		for (const key of keys)
			if (!this.isStopped(this.records.get(key)!)) {
				this.exported.set(key, this.records.get(key)!.content);
				this.markSaved(key, this.records.get(key)!.content);
			}
		this.deletions = 0;
		await this.rememberFolders();
		// Whichever run's state n8n saves last, it names the file both outputs name (the twin rule keeps one file and
		// both runs report it); where they differ the saved file is unknown (soak seed 4969786: the model forgot that
		// the state names the file, so a restored copy of it looked like the user's alone).
		keys.forEach((key, i) => {
			const ids = [a.json[i]?.fileId, b.json[i]?.fileId];
			if (typeof ids[0] === 'string' && ids[0] === ids[1]) this.savedFileIds.set(key, ids[0]);
			else this.savedFileIds.delete(key);
		});
		// Where both runs took the same files, they decided which copy is each record's as a run alone does (soak seed
		// 9801, Drive: both took the restored copy left beside the deleted re-upload; the model kept it undecided and
		// counted the record in no file).
		if (keys.every((_, i) => a.json[i]?.fileId === b.json[i]?.fileId))
			this.decideRestored(keys, a.json, await this.snapshot());
		await this.check(keys, undefined);
	}

	/** The file holding a record's exported content, if the record was exported and the file is there. */
	private async fileOf(key: string): Promise<{ file?: FileSeen; files: Map<string, FileSeen> }> {
		const files = await this.snapshot();
		const content = this.exported.get(key);
		const users = this.userIds();
		return {
			file:
				content === undefined
					? undefined
					: [...files.values()].find((f) => f.content === content && !users.has(f.item.id)),
			files,
		};
	}

	/**
	 * The user's actions here name a file by its path: where Drive holds two files at it (a restored file beside the
	 * re-upload), the action could take the other one (soak seed 9307 moved the user's restored file and blamed the
	 * export), so the model leaves such a file alone.
	 */
	private sharesPath(files: Map<string, FileSeen>, file: FileSeen): boolean {
		return [...files.values()].filter((f) => f.path === file.path).length > 1;
	}

	private taken(files: Map<string, FileSeen>, path: string): boolean {
		return [...files.values()].some((f) => this.sameKey(f.path) === this.sameKey(path));
	}

	private async userRename(key: string, name: string): Promise<void> {
		const { file, files } = await this.fileOf(key);
		if (!file || this.sharesPath(files, file)) return;
		const dir = file.path.split('/').slice(0, -1).join('/');
		if (this.taken(files, dir ? `${dir}/${name}` : name)) return;
		await this.destination.fixture.user.rename(file.path, name);
		this.movedManualCopy(key, file);
		// Renamed in place it keeps its id: only Dropbox's restored files, and files of records the saved state does
		// not hold, are recognised by name (and content).
		if (this.destination.kind === 'dropbox' || !this.heldBySavedState(key))
			this.leftRestoredFolder(file.path);
	}

	/**
	 * README ("A file a manual run wrote"): a manual run's re-upload of the content the export had already written,
	 * once the user renamed or moved it within the known folders, cannot be told from a copy the user restored, which
	 * is theirs; the next run may take it or upload the document beside it (soak seed 9201, every destination).
	 */
	private movedManualCopy(key: string, file: FileSeen): void {
		if (this.manualCopies.get(file.item.id) === key)
			this.undecided.set(file.item.id, { key, content: file.content });
	}

	/** Files manual runs re-uploaded since the last production run with the content already exported, by id. */
	private readonly manualCopies = new Map<string, string>();

	private async userMove(key: string, folder: string): Promise<void> {
		if (this.layout === 'flat') return;
		const { file, files } = await this.fileOf(key);
		if (!file || this.sharesPath(files, file)) return;
		const name = file.path.split('/').pop()!;
		const existing = (await this.folders()).find((d) => this.sameKey(d) === this.sameKey(folder));
		const target = existing ?? folder;
		if (
			this.sameKey(file.path) === this.sameKey(`${target}/${name}`) ||
			this.taken(files, `${target}/${name}`)
		)
			return;
		if (existing === undefined) await this.destination.fixture.user.createFolder(folder);
		await this.destination.fixture.user.move(file.path, target);
		this.movedManualCopy(key, file);
		this.leftRestoredFolder(file.path);
	}

	/** Folders the user deleted (cloud's name equality): records mapping into them are skipped from then on. */
	private readonly stopped = new Set<string>();
	/** Folders there at the last production run (the saved state caches them); none after a lost state. */
	/** By path, the id each had then: a folder made later at the same path is another folder (soak seed 819567872). */
	private knownFolders = new Map<string, string>();

	/** Stopped folders the user restored since the last production run: the saved state still holds them as stopped. */
	private readonly restoredUnseen = new Set<string>();
	/** For those the export must find our files in to resume: those files' records, by path as restored. */
	private readonly restoredOurs = new Map<string, Map<string, string>>();

	/** The user deleted, moved or renamed a file: a restored folder none of whose restored files of ours is left stays stopped. */
	private leftRestoredFolder(path: string): void {
		for (const [folder, files] of this.restoredOurs)
			if (files.delete(this.sameKey(path))) this.restopIfEmpty(folder, files);
	}

	/**
	 * A record no production run saved has a new version: its file in a restored folder was recognisable only by the
	 * content the run brings (the saved state knows nothing of it), so it no longer resumes the folder.
	 */
	private newVersion(key: string): void {
		if (this.heldBySavedState(key)) return;
		for (const [folder, files] of this.restoredOurs) {
			for (const [path, owner] of [...files]) if (owner === key) files.delete(path);
			this.restopIfEmpty(folder, files);
		}
	}

	private restopIfEmpty(folder: string, files: Map<string, string>): void {
		if (files.size > 0) return;
		this.restoredOurs.delete(folder);
		this.restoredUnseen.delete(folder);
		this.stopped.add(folder);
	}

	/**
	 * Whether the export can tell a restored file of a record's as its own: the saved state holds the record, or the
	 * file holds exactly the content the record now has (as a new document adopts such a file; soak seed 9402,
	 * OneDrive: a manual run alone had exported it, then the record changed, and the model expected a resume).
	 */
	private recognisable(key: string, content: string): boolean {
		return this.heldBySavedState(key) || this.records.get(key)?.content === content;
	}

	/** Whether the saved state holds the record (a production run exported it, and no lost state since). */
	private heldBySavedState(key: string): boolean {
		return this.exportedAt.has(key) && !this.forgotten.has(key);
	}

	/** Production runs so far (failed ones too: n8n saves their state). */
	private productionRuns = 0;
	/** The production run (counted as productionRuns) that last exported each record, as its saved state says. */
	private readonly exportedAt = new Map<string, number>();
	/** The content the saved state records for each record (its last production export). */
	private readonly savedContent = new Map<string, string>();

	private markSaved(key: string, content: string): void {
		this.exportedAt.set(key, this.productionRuns + 1);
		this.savedContent.set(key, content);
		// The saved state holds the record again (overlapping and failed production runs save it too; soak seed 1201,
		// Drive folders: after a lost state and an overlap, the model took the record for one the state did not hold).
		this.forgotten.delete(key);
	}

	private async rememberFolders(): Promise<void> {
		this.productionRuns++;
		this.manualCopies.clear();
		this.restoredUnseen.clear();
		this.restoredOurs.clear();
		this.knownFolders = new Map(
			(await this.folderItems()).map((f) => [this.sameKey(f.path ?? f.name), f.id]),
		);
	}

	private isStopped(record: SourceRecord): boolean {
		return this.layout === 'folders' && this.stopped.has(this.sameKey(record.folder));
	}

	private async userDeleteFolder(folder: string, trash: boolean): Promise<void> {
		if (this.layout === 'flat') return;
		const existing = (await this.folders()).find((d) => this.sameKey(d) === this.sameKey(folder));
		if (existing === undefined) return;
		const files = [...(await this.snapshot()).values()].filter((f) =>
			this.sameKey(f.path).startsWith(`${this.sameKey(existing)}/`),
		);
		// Kept below the mass-delete guard (3 files gone at once, more than half): that stop has its own tests.
		const users = this.userIds();
		const ours = files.filter(
			(f) => [...this.exported.values()].includes(f.content) && !users.has(f.item.id),
		);
		if (this.deletions + ours.length > 2 || ours.length * 2 > this.exported.size) return;
		const folderId = (await this.folderItems()).find(
			(f) => this.sameKey(f.path ?? f.name) === this.sameKey(existing),
		)!.id;
		// Drive's trash, OneDrive's recycle bin and Dropbox's deleted files keep it; a local folder is moved out of the root.
		const restorable =
			trash || this.destination.kind === 'oneDrive' || this.destination.kind === 'dropbox';
		let outside: string | undefined;
		if (this.destination.kind === 'localFolder' && trash) {
			const { sandboxDir, baseDir } = this.destination.fixture as unknown as {
				sandboxDir: string;
				baseDir: string;
			};
			outside = join(sandboxDir, `trashed-${++this.versions}`);
			await rename(join(baseDir, 'fixture-root', ...existing.split('/')), outside);
		} else
			await (trash
				? this.destination.fixture.user.trash(existing)
				: this.destination.fixture.user.delete(existing));
		this.deletions += ours.length;
		const contents = new Map(ours.map((f) => [f.content, f.path]));
		const binned: BinnedFolder = {
			path: existing,
			id: folderId,
			outside,
			ours: [...this.exported]
				.filter(([, content]) => contents.has(content))
				.map(([key, content]) => ({ key, content, path: contents.get(content)! })),
			users: files
				.filter((f) => !ours.includes(f) && this.userFiles.get(f.path) === f.content)
				.map((f) => ({ path: f.path, content: f.content })),
			runsBefore: this.productionRuns,
			stoppedBefore: this.stopped.has(this.sameKey(existing)),
		};
		for (const file of files) {
			this.userFiles.delete(file.path);
			this.restoredIds.delete(file.path);
		}
		for (const { key } of binned.ours) this.exported.delete(key);
		if (restorable) this.binnedFolders.push(binned);
		// Only a folder the saved state knows (it was there at the last production run) stops the export, or one the
		// state still holds as stopped: restored since the last run, which no run has seen back yet.
		const key = this.sameKey(existing);
		if (this.knownFolders.get(key) === folderId || this.restoredUnseen.has(key))
			this.stopped.add(key);
	}

	/** Folders the user deleted that can come back (Drive's trash, OneDrive's recycle bin, Dropbox, a local folder moved out). */
	private readonly binnedFolders: BinnedFolder[] = [];

	/**
	 * The user restores a deleted folder with everything that was in it. The README's promise: the export resumes into
	 * it (its documents are exported again, into the restored files, never a second copy), and the user's files in it
	 * are theirs as before. Only where nothing stands at its path now (the cloud would rename or refuse it).
	 */
	private async userRestoreFolder(which: number): Promise<void> {
		if (this.binnedFolders.length === 0) return;
		const [chosen] = this.binnedFolders.splice(which % this.binnedFolders.length, 1);
		let entry = chosen;
		const taken = [
			...(await this.folders()),
			...[...(await this.snapshot()).values()].map((f) => f.path),
		].some((p) => this.sameKey(p) === this.sameKey(entry.path));
		if (taken) {
			this.binnedFolders.push(chosen);
			return;
		}
		const fixture = this.destination.fixture as unknown as {
			fake: FolderRestoringFake;
			rootPath: string;
			baseDir: string;
		};
		/** Dropbox gives restored files new ids: by path. */
		let restoredIds = new Map<string, string>();
		if (this.destination.kind === 'googleDrive') fixture.fake.userUntrash(entry.id);
		else if (this.destination.kind === 'oneDrive') fixture.fake.userRestore(entry.id);
		else if (this.destination.kind === 'dropbox') {
			const back = await fixture.fake.userRestoreFolder(`${fixture.rootPath}/${entry.path}`);
			restoredIds = new Map(
				back.map((node) => [node.pathDisplay.slice(fixture.rootPath.length + 1), node.id]),
			);
			// Dropbox restores by path the latest deleted version of each file below it, whichever deletion that
			// was: what comes back is what the restored files hold (soak seed 9203: the folder deleted first held a
			// file of the user's, the one deleted later a record's file at the same name, and that one came back).
			entry = await this.restoredByPath(entry, restoredIds);
			// Files deleted one by one below it before the folder come back too (soak seed 9401, Dropbox: a record's
			// file deleted, then its folder; the folder's restore brought the file back and the export resumed into
			// it, while the model kept the folder stopped).
			const now = await this.snapshot();
			for (const file of [...this.binned]) {
				if (!this.sameKey(file.path).startsWith(`${this.sameKey(entry.path)}/`)) continue;
				if (!restoredIds.has(file.path) || now.get(file.path)?.content !== file.content) continue;
				this.binned.splice(this.binned.indexOf(file), 1);
				if (!entry.ours.some((o) => o.path === file.path))
					entry.ours.push({ key: file.key, content: file.content, path: file.path });
			}
		} else {
			if (!entry.outside) return;
			await rename(entry.outside, join(fixture.baseDir, 'fixture-root', ...entry.path.split('/')));
		}
		// The export resumes only when files of ours come back with the folder (README, "A folder you restore"): a
		// restored folder holding none of ours stays stopped until Resume. Unless no run saw it gone: a deletion and
		// a restore between two runs cancel out where the folder keeps its id, but not on Dropbox (new ids).
		const seenGone = this.productionRuns > entry.runsBefore;
		// (The folder the saved state knows, by id: another folder the user made and deleted at that path meanwhile
		// does not undo the stop; soak seed 1136299687, OneDrive.)
		// A file of a record a run exported elsewhere since the deletion is no longer the record's (it is the user's,
		// below), so it resumes nothing: the export resumes for records still stopped with the folder (soak seed
		// 9102, OneDrive: the record had moved to another folder and was exported there).
		const stillStopped = entry.ours.filter(
			({ key, content }) =>
				(this.exportedAt.get(key) ?? 0) <= entry.runsBefore && this.recognisable(key, content),
		);
		const resumes =
			stillStopped.length > 0 ||
			// (Nor one at a path the export had already stopped at: soak seed 9104, Drive: the user's own folder made
			// at a stopped path, trashed and restored between two runs, was taken as undoing the stop.)
			(!seenGone &&
				!entry.stoppedBefore &&
				this.destination.kind !== 'dropbox' &&
				this.knownFolders.get(this.sameKey(entry.path)) === entry.id);
		if (resumes && this.stopped.delete(this.sameKey(entry.path))) {
			this.restoredUnseen.add(this.sameKey(entry.path));
			// What resumes the export is our files in it (by id where a run saw the folder gone, by name and content
			// on Dropbox, whose restored folder is a new one): once the user deletes, moves or renames all of them
			// before a run sees them, the folder stays stopped (README, "A folder you restore"; soak seed 9401,
			// Dropbox: the restored record's file deleted, the model expected the export to resume).
			if (seenGone || this.destination.kind === 'dropbox')
				this.restoredOurs.set(
					this.sameKey(entry.path),
					new Map(stillStopped.map(({ path, key }) => [this.sameKey(path), key])),
				);
		}
		for (const { key, content, path } of entry.ours) {
			// Nothing of ours holds the record now: the restored file is its file again. If a run exported the record
			// elsewhere meanwhile (it moved to another folder), the restored copy is the user's, like a restored file.
			if (!this.exported.has(key)) this.exported.set(key, content);
			else {
				const files = await this.snapshot();
				const id =
					restoredIds.get(path) ?? [...files.values()].find((f) => f.path === path)!.item.id;
				// As for a restored file (userRestore): one the saved state still names as the record's (the re-upload
				// was a manual run's) may be taken as the record's; the run decides (soak seed 9101, local folder).
				if (
					(this.forgotten.has(key) || this.savedFileIds.get(key) === id) &&
					this.exported.get(key) === content
				) {
					this.undecided.set(id, { key, content });
					continue;
				}
				this.userFiles.set(path, content);
				this.restoredIds.set(path, id);
				this.restoredOwners.set(id, key);
			}
		}
		for (const { path, content } of entry.users) this.userFiles.set(path, content);
	}

	/** A Dropbox folder restore merges every deletion at its path: the files that came back, by their content. */
	private async restoredByPath(
		chosen: BinnedFolder,
		restoredIds: Map<string, string>,
	): Promise<BinnedFolder> {
		const same = this.binnedFolders.filter(
			(e) => this.sameKey(e.path) === this.sameKey(chosen.path),
		);
		for (const e of same) this.binnedFolders.splice(this.binnedFolders.indexOf(e), 1);
		const files = await this.snapshot();
		const back = (path: string, content: string) =>
			restoredIds.has(path) && files.get(path)?.content === content;
		// Newest deletion first: a record's file restored from a later deletion counts against that deletion's runs.
		const all = [chosen, ...same].sort((a, b) => b.runsBefore - a.runsBefore);
		const ours: BinnedFolder['ours'] = [];
		for (const e of all)
			for (const o of e.ours)
				if (back(o.path, o.content) && !ours.some((x) => x.path === o.path)) ours.push(o);
		return {
			...chosen,
			runsBefore: Math.max(...all.map((e) => e.runsBefore)),
			ours,
			users: all.flatMap((e) => e.users.filter((u) => back(u.path, u.content))),
		};
	}

	private async folderItems(): Promise<RemoteItem[]> {
		const { provider, rootId } = this.destination.fixture;
		const items: RemoteItem[] = [];
		for await (const item of provider.list(rootId, { recursive: true }))
			if (item.isFolder) items.push(item);
		return items;
	}

	private async userDelete(key: string, trash: boolean): Promise<void> {
		const path = this.lastPath.get(key);
		if (!path || this.deletions >= 2 || !this.exported.has(key)) return;
		const files = await this.snapshot();
		const users = this.userIds();
		const file = [...files.values()].find(
			(f) => f.content === this.exported.get(key) && !users.has(f.item.id),
		);
		if (!file) return;
		if (this.destination.kind === 'localFolder' && trash) await this.localTrash(file);
		else if (this.destination.kind === 'googleDrive') {
			// Drive holds two files of one name (a restored file beside the re-upload): the user deletes the one they
			// picked, not whichever a path names (soak seed 1633592411 deleted the user's restored file that way).
			const fake = (
				this.destination.fixture as unknown as {
					fake: { userTrash(id: string): void; userDelete(id: string): Promise<void> };
				}
			).fake;
			await (trash ? fake.userTrash(file.item.id) : fake.userDelete(file.item.id));
		} else
			await (trash
				? this.destination.fixture.user.trash(file.path)
				: this.destination.fixture.user.delete(file.path));
		this.deletions++;
		this.exported.delete(key);
		this.leftRestoredFolder(file.path);
		// Drive keeps a restored file beside the re-upload under one name. Once the user deletes the re-upload, the
		// restored copy at the document's place holding the content the export wrote cannot be told from the
		// document's own file restored (README, "A file you restore"); the run may take it (soak seed 1203, Drive:
		// the model expected an upload beside it).
		const restoredBeside = this.restoredIds.get(file.path);
		if (
			this.destination.kind === 'googleDrive' &&
			restoredBeside !== undefined &&
			this.userFiles.get(file.path) === file.content
		) {
			this.restoredIds.delete(file.path);
			this.userFiles.delete(file.path);
			this.undecided.set(restoredBeside, { key, content: file.content });
		}
		// Drive's trash, OneDrive's recycle bin and Dropbox's deleted files keep what the user deletes (the local folder's
		// "trash" is a move out of the root).
		if (trash || this.destination.kind === 'oneDrive' || this.destination.kind === 'dropbox')
			this.binned.push({ key, id: file.item.id, path: file.path, content: file.content });
	}

	/** Files of ours the user trashed, restorable (Drive's trash, OneDrive's recycle bin, a local folder outside the root). */
	private readonly binned: Array<{
		key: string;
		id: string;
		path: string;
		content: string;
		outside?: string;
	}> = [];

	/** The local folder has no trash: the user moves the file out of the root (to restore it later by moving it back). */
	private async localTrash(file: FileSeen): Promise<void> {
		const { sandboxDir, baseDir } = this.destination.fixture as unknown as {
			sandboxDir: string;
			baseDir: string;
		};
		const outside = join(sandboxDir, `trashed-${++this.versions}`);
		await rename(join(baseDir, 'fixture-root', ...file.path.split('/')), outside);
		this.binned.push({
			key: KEYS.find((k) => this.exported.get(k) === file.content)!,
			id: file.item.id,
			path: file.path,
			content: file.content,
			outside,
		});
	}

	/**
	 * The user restores a trashed file of ours: where the cloud allows two items of one name (Drive) it comes back
	 * as it was; elsewhere under a free name when its own is taken (as the recycle bin or the user moving it back would).
	 */
	private async userRestore(which: number): Promise<void> {
		if (this.binned.length === 0) return;
		const [entry] = this.binned.splice(which % this.binned.length, 1);
		const files = await this.snapshot();
		const folders = await this.folders();
		const dir = entry.path.split('/').slice(0, -1).join('/');
		// Its folder must still be there (a deleted folder's files are not restored one by one here).
		if (dir !== '' && !folders.includes(dir)) return;
		const name = entry.path.split('/').pop()!;
		const fake = (
			this.destination.fixture as unknown as {
				fake: {
					userUntrash(id: string): void;
					userRestore(id: string, name?: string): void;
					store?: { get(id: string): { parents: string[]; trashed?: boolean } | undefined };
				};
			}
		).fake;
		// On Drive the folder at that path may be another one, the file's own still in the trash: untrashed, the file
		// would stay inside that trashed folder, out of sight (CE6, soak seed 9304: the model counted it restored).
		if (this.destination.kind === 'googleDrive') {
			const parentId = fake.store?.get(entry.id)?.parents[0];
			if (parentId === undefined || fake.store?.get(parentId)?.trashed) return;
		}
		const free =
			this.destination.kind === 'googleDrive' || !this.taken(files, entry.path)
				? name
				: `restored ${++this.versions} ${name}`;
		let restoredId = entry.id;
		if (this.destination.kind === 'googleDrive') fake.userUntrash(entry.id);
		else if (this.destination.kind === 'oneDrive') {
			// Its folder at that path may be another one (the old one deleted, a run made it again): the item's own
			// parent is gone and the recycle bin will not restore it there (soak seed 9305: the fake's 404 ended the
			// history). The user's restore then does not happen.
			try {
				fake.userRestore(entry.id, free === name ? undefined : free);
			} catch {
				this.binned.push(entry);
				return;
			}
		} else if (this.destination.kind === 'dropbox')
			restoredId = await this.dropboxRestore(entry.id, dir ? `${dir}/${free}` : free);
		else if (this.destination.kind === 'localFolder') {
			// Deleted for good (not moved aside as a trash): there is nothing to bring back.
			if (!entry.outside) return;
			const { baseDir } = this.destination.fixture as unknown as { baseDir: string };
			await rename(
				entry.outside!,
				join(baseDir, 'fixture-root', ...(dir ? dir.split('/') : []), free),
			);
		} else return;
		// A restored file is the user's deliberate act: from then on it is the user's, like a file they put there
		// (never changed, moved or removed). When the run re-uploaded the record meanwhile, the record stays in that
		// file; if not, the record has no file and the next run uploads it again (the restored one is left alone).
		const at = dir ? `${dir}/${free}` : free;
		// The record's file is in a folder the user deleted and may restore: the saved state still names that file, so
		// an older one restored is the user's (soak seed 9801, local and Drive folders: the model took it for the
		// record's file, and the restored folder's file, which the export rightly kept, for the user's).
		const inBinnedFolder = this.binnedFolders.some((folder) =>
			folder.ours.some(({ key }) => key === entry.key),
		);
		if (!this.exported.has(entry.key) && !inBinnedFolder) {
			// Nothing of ours holds the record now: the restored file is its file again.
			this.exported.set(entry.key, entry.content);
			this.resumeOnRestoredFile(entry.key, restoredId, dir, at);
			return;
		}
		// The saved state no longer knows the record's file (lost, and no production run has exported the record
		// since): the restored copy holding exactly its content cannot be told from it (see undecided).
		// So can a restored file the saved state still names as the record's (the re-upload was a manual run's, its
		// state not saved; OneDrive and Drive keep the id): the export follows the id it knows (soak seed 1616,
		// OneDrive, flat), as it follows a file the user moved. Either is the record's; the run decides.
		if (
			(this.forgotten.has(entry.key) || this.savedFileIds.get(entry.key) === restoredId) &&
			this.exported.get(entry.key) === entry.content
		) {
			this.undecided.set(restoredId, { key: entry.key, content: entry.content });
			return;
		}
		this.userFiles.set(at, entry.content);
		this.restoredIds.set(at, restoredId);
		this.restoredOwners.set(restoredId, entry.key);
	}

	/**
	 * A local folder is listed in full on every run, so our file the user moved back below a stopped folder's path
	 * (the file the saved state names for its record) is found there by its id on the next run, as a file in a
	 * restored folder is, and the export resumes into that folder (CE6, soak seed 9304: the run after the deletion
	 * kept the stop, and the quiet run after it resumed and moved the file; now the first run resumes).
	 */
	private resumeOnRestoredFile(key: string, id: string, dir: string, at: string): void {
		if (this.destination.kind !== 'localFolder' || this.layout !== 'folders' || dir === '') return;
		const folder = this.sameKey(dir);
		if (!this.stopped.has(folder) || this.savedFileIds.get(key) !== id) return;
		if (!this.heldBySavedState(key)) return;
		this.stopped.delete(folder);
		this.restoredUnseen.add(folder);
		this.restoredOurs.set(folder, new Map([[this.sameKey(at), key]]));
	}

	/**
	 * Dropbox: the user's other app restores the deleted file through the API, as the web UI does (the revision it had
	 * from files/list_revisions, then files/restore to a free path); the restored file has an id of its own. The
	 * revisions are those of the deleted file's id: by path they would be those of whatever file is at that path now
	 * (soak seed 627995587 "restored" the record that had taken the name since, and blamed the export).
	 */
	private async dropboxRestore(id: string, to: string): Promise<string> {
		const { fake, rootPath } = this.destination.fixture as unknown as {
			fake: FakeDropbox;
			rootPath: string;
		};
		const dbx = sdkFor(fake, fake.auth.issue('dropbox', DROPBOX_SCOPES).access_token);
		const { result } = await dbx.filesListRevisions({ path: id, mode: { '.tag': 'id' } });
		const restored = await dbx.filesRestore({
			path: `${rootPath}/${to}`,
			rev: result.entries[0].rev,
		});
		return restored.result.id;
	}

	/** The ids of restored files by path (Drive may hold a restored file beside ours under the same name). */
	private readonly restoredIds = new Map<string, string>();
	/** The record whose file each restored file was (Drive's tags on it still say so). */
	private readonly restoredOwners = new Map<string, string>();

	/**
	 * Restored files of the user's holding exactly a record's exported content, when the state is lost: the node can
	 * no longer tell them from the record's own file (README: without a state, a file at a document's name holding
	 * exactly its content counts as the document's). Either may become the record's; the next production run that
	 * exports the record decides, and the other file is the user's from then on (soak seed 1201889272, Dropbox: the
	 * model expected the export to know which copy the user had restored after the state that said so was gone).
	 */
	private readonly undecided = new Map<string, { key: string; content: string }>();
	/** The file id the saved state holds for each record (the last production run's output). */
	private readonly savedFileIds = new Map<string, string>();
	/** Records whose file the saved state does not know: lost, and no production run has exported them since. */
	private readonly forgotten = new Set<string>();

	/** Files the record's content check leaves out: the user's restored copies, and those not decided yet. */
	private userIds(): Set<string> {
		return new Set([...this.restoredIds.values(), ...this.undecided.keys()]);
	}

	private forgetWhichIsRestored(): void {
		for (const [path, id] of [...this.restoredIds]) {
			const content = this.userFiles.get(path);
			// Drive recognises its own files by their tags when the state is lost, whatever they hold (README, "When
			// the node has no state"): a restored file of a record's may be taken as its file again (soak seed 1201,
			// Drive folders: the restored file took the record's new version, and the model blamed the export).
			const owner =
				this.destination.kind === 'googleDrive' ? this.restoredOwners.get(id) : undefined;
			// And without a state a file below the root holding exactly a document's content is taken as its file,
			// also when the user had deleted the document's own file before (soak seed 9304 CE5, local, OneDrive and
			// Dropbox: the restored copy was adopted, the model had kept it the user's).
			const key =
				owner ??
				[...this.exported].find(([, exported]) => exported === content)?.[0] ??
				[...this.records].find(([, record]) => record.content === content)?.[0];
			if (content === undefined || key === undefined) continue;
			this.restoredIds.delete(path);
			this.userFiles.delete(path);
			this.undecided.set(id, { key, content });
		}
	}

	/** After a production run that exported the record: the file it took is the record's, the other the user's. */
	private decideRestored(keys: string[], json: IDataObject[], files: Map<string, FileSeen>): void {
		for (const [id, { key, content }] of [...this.undecided]) {
			const i = keys.indexOf(key);
			if (i < 0 || this.isStopped(this.records.get(key)!)) continue;
			this.undecided.delete(id);
			const users = this.userIds();
			const taken = json[i].fileId;
			const same = this.exported.get(key) === content;
			for (const file of files.values()) {
				if (users.has(file.item.id) || file.item.id === taken) continue;
				// The restored copy the record did not take is the user's again; if it took that one, the record's
				// former file holding the same content is the user's copy from then on. Either must stay as it was.
				if (file.item.id === id || (same && taken === id && file.content === content)) {
					this.userFiles.set(file.path, content);
					this.restoredIds.set(file.path, file.item.id);
				}
			}
		}
	}

	private async userCreate(name: string, folder: string): Promise<void> {
		const dir = this.layout === 'flat' ? '' : folder;
		const path = dir ? `${dir}/${name}` : name;
		// (A local folder deleted and made again gets a new id even where it gets its old inode back: ids carry the
		// birth time, so the export stops there as on every cloud; soak seed 9304.)
		const files = await this.snapshot();
		// One file per name (with the cloud's equality), in a folder that is there or that the user creates.
		if ([...files.keys()].some((p) => this.sameKey(p) === this.sameKey(path))) return;
		const existingDir = [...(await this.folders())].find(
			(d) => this.sameKey(d) === this.sameKey(dir),
		);
		if (dir !== '' && existingDir === undefined)
			await this.destination.fixture.user.createFolder(dir);
		const at = existingDir ? `${existingDir}/${name}` : path;
		const content = `user file ${++this.versions}`;
		await this.destination.fixture.user.createFile(at, Buffer.from(content));
		this.userFiles.set(at, content);
	}

	/** Every folder below the root, by path. */
	private async folders(): Promise<string[]> {
		const { provider, rootId } = this.destination.fixture;
		const paths: string[] = [];
		for await (const item of provider.list(rootId, { recursive: true }))
			if (item.isFolder) paths.push(item.path ?? item.name);
		return paths;
	}

	/** Every file below the root with its content (read by id, through the fixture's own provider). */
	async snapshot(): Promise<Map<string, FileSeen>> {
		const { provider, rootId } = this.destination.fixture;
		const files = new Map<string, FileSeen>();
		for await (const item of provider.list(rootId, { recursive: true })) {
			if (item.isFolder) continue;
			const chunks: Buffer[] = [];
			for await (const chunk of await provider.download(item.id)) chunks.push(chunk as Buffer);
			const path = item.path ?? item.name;
			// Drive may hold two files of one name: the second gets its id appended so neither hides the other.
			files.set(files.has(path) ? `${path}#${item.id}` : path, {
				item,
				path,
				content: Buffer.concat(chunks).toString(),
			});
		}
		return files;
	}

	private batch(subset: number | null): string[] {
		const keys = KEYS.filter(
			(key, i) => this.records.has(key) && (subset === null || (subset & (1 << i)) !== 0),
		);
		return keys;
	}

	private docs(keys: string[]): Doc[] {
		return keys.map((key) => {
			const record = this.records.get(key)!;
			return {
				id: key,
				content: record.content,
				fileName: record.name,
				json: { name: record.name, folder: record.folder },
			};
		});
	}

	private async run(manual: boolean, subset: number | null): Promise<void> {
		const keys = this.batch(subset);
		if (keys.length === 0) return;
		const docs = this.docs(keys);
		const { result, json } = await this.flow.run(docs, manual ? 'manual' : 'trigger');
		if (result.status !== 'success')
			throw new Error(
				`the ${manual ? 'manual' : 'production'} run failed: ${result.nodeError('Export')?.message ?? result.error?.message}`,
			);
		keys.forEach((key, i) => {
			const record = this.records.get(key)!;
			if (this.isStopped(record)) {
				expectThat(
					json[i].action === 'skipped_folder_deleted',
					`${key}: its folder "${record.folder}" was deleted, yet the action is ${String(json[i].action)}`,
				);
				return;
			}
			expectThat(
				['created', 'updated', 'unchanged', 'reuploaded'].includes(json[i].action as string),
				`${key}: action ${String(json[i].action)} ${String(json[i].error ?? '')}`,
			);
			if (
				manual &&
				json[i].action === 'reuploaded' &&
				this.savedContent.get(key) === record.content &&
				typeof json[i].fileId === 'string'
			)
				this.manualCopies.set(json[i].fileId as string, key);
			this.exported.set(key, record.content);
			if (!manual) this.markSaved(key, record.content);
			this.lastPath.set(key, json[i].path as string);
		});
		if (manual) return;
		for (const key of keys) this.forgotten.delete(key);
		await this.afterProductionRun(keys, json);
	}

	private async afterProductionRun(keys: string[], json: IDataObject[]): Promise<void> {
		this.deletions = 0;
		await this.rememberFolders();
		const files = await this.check(keys, json);
		keys.forEach((key, i) => {
			if (typeof json[i].fileId === 'string') this.savedFileIds.set(key, json[i].fileId as string);
		});
		await this.quietRun(this.docs(keys), files);
	}

	/** The user's promise after a production run. */
	private async check(
		keys: string[],
		json: IDataObject[] | undefined,
	): Promise<Map<string, FileSeen>> {
		const files = await this.snapshot();
		const all = [...files.values()];
		if (json) this.decideRestored(keys, json, files);
		// Each record's latest content exists exactly once under the root (so no two records share a file); a copy
		// the node cannot tell from the user's restored one (undecided) is not counted until a run decides.
		const users = this.userIds();
		for (const [key, content] of this.exported) {
			const holders = all.filter((f) => f.content === content && !users.has(f.item.id));
			expectThat(
				holders.length === 1,
				`${key}: its content "${content}" is in ${holders.length} files (${holders.map((f) => f.path).join(', ')})`,
			);
		}
		// Every output path and fileId is where the file really is.
		keys.forEach((key, i) => {
			if (!json || this.isStopped(this.records.get(key)!)) return;
			const out = json[i];
			const holder = all.find((f) => f.content === this.exported.get(key) && !users.has(f.item.id));
			expectThat(
				holder !== undefined && holder.item.id === out.fileId,
				`${key}: output fileId ${String(out.fileId)} is not the file holding its content (${holder?.item.id})`,
			);
			expectThat(
				holder !== undefined && this.sameKey(holder.path) === this.sameKey(String(out.path)),
				`${key}: output path "${String(out.path)}" but the file is at "${holder?.path}"`,
			);
		});
		// No file the user put in the drive was changed or deleted.
		for (const [path, content] of this.userFiles) {
			const id = this.restoredIds.get(path);
			const file = all.find(
				(f) => f.path === path && f.content === content && (id === undefined || f.item.id === id),
			);
			expectThat(
				file !== undefined,
				`the user's file "${path}" was changed or deleted (now: ${JSON.stringify(all.filter((f) => f.path === path).map((f) => f.content))})`,
			);
		}
		return files;
	}

	/** A second run with the same input writes nothing and says so. */
	private async quietRun(docs: Doc[], before: Map<string, FileSeen>): Promise<void> {
		const counts = this.destination.counts();
		const { result, json } = await this.flow.run(docs);
		expectThat(
			result.status === 'success',
			`the quiet run failed: ${result.nodeError('Export')?.message}`,
		);
		const actions = json.map((j) => j.action);
		expectThat(
			actions.every((a) => a === 'unchanged' || a === 'skipped_folder_deleted'),
			`the quiet run did ${JSON.stringify(actions)}`,
		);
		expectThat(this.destination.counts().uploads === counts.uploads, 'the quiet run uploaded');
		const after = await this.snapshot();
		const shape = (files: Map<string, FileSeen>) =>
			[...files.values()].map((f) => `${f.path}|${f.item.id}|${f.content}`).sort();
		expectThat(
			JSON.stringify(shape(after)) === JSON.stringify(shape(before)),
			`the quiet run changed the drive: ${JSON.stringify(shape(before))} -> ${JSON.stringify(shape(after))}`,
		);
	}
}

/** Each cloud's "storage full" answer on an upload (research/api-brief.md), a fault that stops a run. */
const STORAGE_FULL: Partial<Record<StorageKind, Omit<FaultRule, 'skip' | 'times'>>> = {
	googleDrive: {
		path: '/upload/drive/v3/files',
		action: {
			type: 'respond',
			status: 403,
			body: {
				error: {
					code: 403,
					message: 'The user has exceeded their Drive storage quota',
					errors: [{ domain: 'global', reason: 'storageQuotaExceeded', message: 'quota' }],
				},
			},
		},
	},
	oneDrive: {
		path: /\/content|createUploadSession/,
		action: {
			type: 'respond',
			status: 507,
			body: { error: { code: 'quotaLimitReached', message: 'Insufficient Storage' } },
		},
	},
};

const GOOGLE_503 = {
	error: {
		code: 503,
		message: 'The service is currently unavailable.',
		errors: [{ domain: 'global', reason: 'backendError', message: 'Backend Error' }],
	},
};
const GRAPH_503 = {
	error: { code: 'serviceNotAvailable', message: 'The service is temporarily unavailable.' },
};

/** A 5xx on a listing, an upload or a folder create, as each cloud answers it (research/api-brief.md). */
const SERVER_ERROR: Record<
	Exclude<StorageKind, 'localFolder'>,
	Record<ServerErrorOn, Omit<FaultRule, 'skip' | 'times'>>
> = {
	googleDrive: {
		list: {
			method: 'GET',
			path: /^\/drive\/v3\/(files|changes)\?/,
			action: { type: 'respond', status: 503, body: GOOGLE_503 },
		},
		upload: {
			path: '/upload/drive/v3/files',
			action: { type: 'respond', status: 503, body: GOOGLE_503 },
		},
		folder: {
			method: 'POST',
			path: /^\/drive\/v3\/files(\?|$)/,
			action: { type: 'respond', status: 503, body: GOOGLE_503 },
		},
	},
	oneDrive: {
		list: {
			method: 'GET',
			path: /\/(children|delta)/,
			action: { type: 'respond', status: 503, headers: { 'retry-after': '0' }, body: GRAPH_503 },
		},
		upload: {
			path: /\/content|createUploadSession/,
			action: {
				type: 'respond',
				status: 500,
				body: {
					error: { code: 'generalException', message: 'An unspecified error has occurred.' },
				},
			},
		},
		folder: {
			method: 'POST',
			path: /\/children/,
			action: { type: 'respond', status: 502, body: GRAPH_503 },
		},
	},
	dropbox: {
		list: {
			path: /list_folder/,
			action: { type: 'respond', status: 503, body: 'Service Unavailable' },
		},
		upload: {
			path: /\/files\/upload/,
			action: { type: 'respond', status: 500, body: 'Internal Server Error' },
		},
		folder: {
			path: /create_folder/,
			action: { type: 'respond', status: 503, body: 'Service Unavailable' },
		},
	},
	get sharePoint() {
		// A SharePoint library answers as OneDrive does: the same Graph drive API.
		return SERVER_ERROR.oneDrive;
	},
};

function expectThat(ok: boolean, message: string): asserts ok {
	if (!ok) throw new Error(message);
}

export async function openDestination(kind: StorageKind): Promise<ExportDestination> {
	return kind === 'localFolder' ? await localDestination() : await cloudDestination(kind);
}

const FLAVOURS: Record<Exclude<StorageKind, 'localFolder'>, AuthFlavour> = {
	googleDrive: 'google',
	oneDrive: 'microsoft',
	sharePoint: 'microsoft',
	dropbox: 'dropbox',
};

/**
 * The node's credential refreshes at a real OAuth token endpoint (the fake one, sharing the cloud's token store),
 * so an access token expiring mid-history goes through n8n's own refresh path.
 */
async function withTokenEndpoint(
	destination: ExportDestination,
	flow: ExportWorkflow,
): Promise<() => Promise<void>> {
	if (destination.kind === 'localFolder') return async () => undefined;
	const fake = (destination.fixture as unknown as { fake: { auth: FakeAuth } }).fake;
	const oauth = new FakeOAuth(fake.auth);
	await oauth.start();
	const id = `cred-${destination.kind}`;
	const stored = flow.harness.credentials.get(id);
	flow.harness.credentials.add({
		...stored,
		data: {
			...stored.data,
			accessTokenUrl: oauth.tokenUrl(FLAVOURS[destination.kind]),
			clientId: FAKE_CLIENT_ID,
			clientSecret: FAKE_CLIENT_SECRET,
		},
	});
	return async () => await oauth.stop();
}

/** Replays one history on a fresh destination. */
export async function replay(
	kind: StorageKind,
	layout: Layout,
	commands: Command[],
	options: {
		/** SharePoint: the library has "Require Check Out" (uploads stay checked out until checked in). */
		requireCheckOut?: boolean;
	} = {},
): Promise<void> {
	const destination = await openDestination(kind);
	let stopOAuth = async (): Promise<void> => undefined;
	try {
		const library = (destination.fixture as unknown as { drive?: GraphDrive } | undefined)?.drive;
		if (options.requireCheckOut) library!.library!.requireCheckOut = true;
		const history = new ExportHistory(destination, layout);
		stopOAuth = await withTokenEndpoint(destination, history.flow);
		for (const command of commands) await history.apply(command);
		// Every history ends with a production run over everything, so its last commands are checked too.
		await history.apply({ t: 'run', manual: false, subset: null });
		// In a library that requires check-out, what the export wrote is checked in: everyone sees it.
		if (options.requireCheckOut) {
			const held = [...library!.items.values()].filter(
				(item) => !item.deleted && item.checkedOutBy !== undefined,
			);
			expectThat(
				held.length === 0,
				`files left checked out after the last run: ${held.map((item) => library!.pathOf(item)).join(', ')}`,
			);
		}
	} finally {
		await stopOAuth();
		await destination.close();
	}
}
