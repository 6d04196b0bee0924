import { randomBytes } from 'crypto';
import type { Blob, ContentStore } from './content';
import { isDocsEditorsFile, isGoogleNative, SHORTCUT_MIME } from './native';
import type { QueryFile } from './query';

export const FOLDER_MIME = 'application/vnd.google-apps.folder';

/** One file or folder as the fake holds it (the API resource is derived from it). */
export interface DriveFile extends QueryFile {
	driveId?: string;
	explicitlyTrashed: boolean;
	trashedTime?: string;
	version: number;
	headRevisionId?: string;
	blob?: Blob;
	/** Docs Editors files: the document as the fake holds it, what files.export converts (never downloadable). */
	document?: Blob;
	/** Shortcuts: the target, as Drive reports it in shortcutDetails. */
	shortcutDetails?: { targetId: string; targetMimeType: string };
	description?: string;
	originalFilename?: string;
	/** Created through the API by this OAuth app: what the drive.file scope may see. */
	createdByApp: boolean;
	/** My Drive root or a shared drive's root: never listed, never trashed. */
	isRoot?: boolean;
}

export interface SharedDrive {
	id: string;
	name: string;
	createdTime: string;
}

export interface ChangeEntry {
	seq: number;
	fileId: string;
	time: string;
	driveId?: string;
	removed: boolean;
	createdByApp: boolean;
}

export interface NewFile {
	name: string;
	mimeType?: string;
	parentId: string;
	blob?: Blob;
	/** Docs Editors files: their document (see native.ts); a blob given for a native type becomes this. */
	document?: Blob;
	shortcutDetails?: { targetId: string; targetMimeType: string };
	appProperties?: Record<string, string>;
	properties?: Record<string, string>;
	description?: string;
	originalFilename?: string;
	createdByApp: boolean;
	modifiedTime?: string;
	createdTime?: string;
	starred?: boolean;
}

export function newId(prefix = '1'): string {
	// Drive ids: 33 characters of base64url-ish text.
	return (prefix + randomBytes(32).toString('base64url')).slice(0, 33);
}

/** Every piece of drive state, with the change log every mutation feeds. */
export class DriveStore {
	readonly files = new Map<string, DriveFile>();
	readonly drives = new Map<string, SharedDrive>();
	readonly changes: ChangeEntry[] = [];
	readonly rootId = newId('0A');
	/** Last change sequence number handed out. */
	seq = 0;
	/** Page tokens below this are no longer valid (control: invalidate page tokens). */
	tokenFloor = 1;
	private versionCounter = 1000;
	/** Children of each folder (parents change only through create, move and delete). */
	private readonly childIndex = new Map<string, Set<DriveFile>>();
	/** Creation order of each file: `files` keeps it, so children come back in it. */
	private readonly creationRank = new Map<string, number>();
	private nextRank = 0;
	/** Bytes of every stored file, kept current by each content change. */
	private storedBytes = 0;

	constructor(private readonly content: ContentStore) {
		this.add(this.rootRecord(this.rootId, 'My Drive'));
	}

	private add(file: DriveFile): void {
		this.files.set(file.id, file);
		this.creationRank.set(file.id, this.nextRank++);
		for (const parentId of file.parents) this.link(file, parentId);
		this.storedBytes += file.blob?.size ?? 0;
	}

	private link(file: DriveFile, parentId: string): void {
		let children = this.childIndex.get(parentId);
		if (!children) this.childIndex.set(parentId, (children = new Set()));
		children.add(file);
	}

	private lastTime = 0;

	/**
	 * Strictly increasing: Drive stamps createdTime when a request commits, and on the real service a request that
	 * follows another's response comes at least a round trip (tens of ms) later. In process, two requests can
	 * commit within one millisecond, one after the other, which real clients never see; equal times would make
	 * "created after" unreadable for the twin rule (issue 22) where Drive's own times tell it.
	 */
	private now(): string {
		this.lastTime = Math.max(Date.now(), this.lastTime + 1);
		return new Date(this.lastTime).toISOString();
	}

	private rootRecord(id: string, name: string, driveId?: string): DriveFile {
		const time = this.now();
		return {
			id,
			name,
			mimeType: FOLDER_MIME,
			parents: [],
			driveId,
			trashed: false,
			explicitlyTrashed: false,
			starred: false,
			createdTime: time,
			modifiedTime: time,
			appProperties: {},
			properties: {},
			version: ++this.versionCounter,
			createdByApp: false,
			isRoot: true,
		};
	}

	/** 'root' is an alias of the My Drive root folder. */
	resolve(id: string): string {
		return id === 'root' ? this.rootId : id;
	}

	get(id: string): DriveFile | undefined {
		return this.files.get(this.resolve(id));
	}

	createSharedDrive(name: string): SharedDrive {
		const id = newId('0A');
		const drive = { id, name, createdTime: this.now() };
		this.drives.set(id, drive);
		this.add(this.rootRecord(id, name, id));
		return drive;
	}

	create(input: NewFile): DriveFile {
		const parent = this.get(input.parentId);
		if (!parent) throw new Error(`no parent ${input.parentId}`);
		const time = this.now();
		const file: DriveFile = {
			id: newId(),
			name: input.name,
			mimeType:
				input.mimeType ?? (input.blob ? 'application/octet-stream' : 'application/octet-stream'),
			parents: [parent.id],
			driveId: parent.driveId,
			trashed: false,
			explicitlyTrashed: false,
			starred: input.starred ?? false,
			createdTime: input.createdTime ?? input.modifiedTime ?? time,
			modifiedTime: input.modifiedTime ?? time,
			appProperties: { ...(input.appProperties ?? {}) },
			properties: { ...(input.properties ?? {}) },
			description: input.description,
			originalFilename: input.blob ? (input.originalFilename ?? input.name) : undefined,
			version: ++this.versionCounter,
			// Google-native types (folders, Docs, shortcuts...) have no blob: see native.ts.
			blob:
				isGoogleNative(input.mimeType ?? '') || input.mimeType === FOLDER_MIME
					? undefined
					: input.blob,
			headRevisionId: undefined,
			createdByApp: input.createdByApp,
		};
		if (isDocsEditorsFile(file.mimeType)) file.document = input.document ?? input.blob;
		if (file.mimeType === SHORTCUT_MIME && input.shortcutDetails)
			file.shortcutDetails = { ...input.shortcutDetails };
		if (file.mimeType !== FOLDER_MIME && !isGoogleNative(file.mimeType)) {
			file.blob ??= {
				size: 0,
				md5: 'd41d8cd98f00b204e9800998ecf8427e',
				sha1: 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
				sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
				data: Buffer.alloc(0),
			};
			file.headRevisionId = newId('0B');
		}
		this.add(file);
		this.record(file);
		return file;
	}

	/** Bump version and modifiedTime and log a change. */
	touch(file: DriveFile, modifiedTime?: string): void {
		file.version = ++this.versionCounter;
		file.modifiedTime = modifiedTime ?? this.now();
		this.record(file);
	}

	async setContent(file: DriveFile, blob: Blob, modifiedTime?: string): Promise<void> {
		if (file.document) {
			// A Docs Editors file edited in its editor: a new version of the document, still no blob.
			const previous = file.document;
			file.document = blob;
			this.touch(file, modifiedTime);
			if (previous !== blob) await this.content.release(previous);
			return;
		}
		const old = file.blob;
		this.storedBytes += blob.size - (old?.size ?? 0);
		file.blob = blob;
		file.headRevisionId = newId('0B');
		this.touch(file, modifiedTime);
		if (old && old !== blob) await this.content.release(old);
	}

	/** In creation order, as a scan of `files` would find them. */
	children(id: string): DriveFile[] {
		const result = [...(this.childIndex.get(id) ?? [])];
		// A file moved in joined the set last; only then is a sort needed.
		const rank = (file: DriveFile) => this.creationRank.get(file.id)!;
		for (let i = 1; i < result.length; i++) {
			if (rank(result[i - 1]) > rank(result[i])) return result.sort((a, b) => rank(a) - rank(b));
		}
		return result;
	}

	descendants(id: string): DriveFile[] {
		const result: DriveFile[] = [];
		const queue = [id];
		while (queue.length) {
			const next = queue.shift()!;
			for (const child of this.children(next)) {
				result.push(child);
				queue.push(child.id);
			}
		}
		return result;
	}

	isAncestorOrSelf(ancestorId: string, id: string): boolean {
		for (
			let current: DriveFile | undefined = this.get(id);
			current;
			current = this.get(current.parents[0] ?? '')
		) {
			if (current.id === ancestorId) return true;
		}
		return false;
	}

	/** Trashing a folder trashes its descendants implicitly (explicitlyTrashed false). */
	trash(file: DriveFile): void {
		const time = this.now();
		file.trashed = true;
		file.explicitlyTrashed = true;
		file.trashedTime = time;
		this.touch(file);
		for (const child of this.descendants(file.id)) {
			if (child.trashed) continue;
			child.trashed = true;
			child.explicitlyTrashed = false;
			child.trashedTime = time;
			this.touch(child);
		}
	}

	untrash(file: DriveFile): void {
		file.trashed = false;
		file.explicitlyTrashed = false;
		file.trashedTime = undefined;
		this.touch(file);
		for (const child of this.descendants(file.id)) {
			if (!child.trashed || child.explicitlyTrashed) continue;
			child.trashed = false;
			child.trashedTime = undefined;
			this.touch(child);
		}
	}

	/** Permanent deletion of the file and everything below it. */
	async delete(file: DriveFile): Promise<void> {
		for (const victim of [...this.descendants(file.id).reverse(), file]) {
			this.files.delete(victim.id);
			this.creationRank.delete(victim.id);
			for (const parentId of victim.parents) this.childIndex.get(parentId)?.delete(victim);
			this.childIndex.delete(victim.id);
			this.storedBytes -= victim.blob?.size ?? 0;
			this.recordRemoval(victim);
			await this.content.release(victim.blob);
			await this.content.release(victim.document);
		}
	}

	move(file: DriveFile, newParentId: string): void {
		const parent = this.get(newParentId)!;
		for (const parentId of file.parents) this.childIndex.get(parentId)?.delete(file);
		file.parents = [parent.id];
		this.link(file, parent.id);
		const driveChanged = file.driveId !== parent.driveId;
		file.driveId = parent.driveId;
		if (driveChanged) for (const child of this.descendants(file.id)) child.driveId = parent.driveId;
	}

	usage(): number {
		return this.storedBytes;
	}

	/** Everything at or after this token is in the feed; the current token is seq + 1. */
	startPageToken(): string {
		return String(this.seq + 1);
	}

	/** Old tokens stop working: they get the API's answer for an invalid pageToken. */
	invalidateTokens(): void {
		this.seq += 1000;
		this.tokenFloor = this.seq + 1;
	}

	private record(file: DriveFile): void {
		this.changes.push({
			seq: ++this.seq,
			fileId: file.id,
			time: this.now(),
			driveId: file.driveId,
			removed: false,
			createdByApp: file.createdByApp,
		});
	}

	private recordRemoval(file: DriveFile): void {
		this.changes.push({
			seq: ++this.seq,
			fileId: file.id,
			time: this.now(),
			driveId: file.driveId,
			removed: true,
			createdByApp: file.createdByApp,
		});
	}
}
