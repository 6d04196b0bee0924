import type { ClientTimes } from './clientProps';
import { randomBytes } from 'crypto';
import type { Blob } from './content';
import { faults } from './errors';

/** The root folder's GUID on every personal OneDrive on the current backend (see GraphDrive.newId). */
const PERSONAL_ROOT_GUID = 'ea8cc6beffdb43d7976fbc7da445c639';

/** RFC 4648 base32 without padding (Business item ids). */
function base32(bytes: Buffer): string {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	let text = '';
	let bits = 0;
	let value = 0;
	for (const byte of bytes) {
		value = (value << 8) | byte;
		bits += 8;
		while (bits >= 5) {
			text += alphabet[(value >>> (bits - 5)) & 31];
			bits -= 5;
		}
		value &= (1 << bits) - 1;
	}
	return bits > 0 ? text + alphabet[(value << (5 - bits)) & 31] : text;
}

/** 'documentLibrary': a SharePoint site's document library, served as a drive (Graph resources/drive.md, driveType). */
export type DriveType = 'personal' | 'business' | 'documentLibrary';

/** What a document library knows of its site (drives of driveType 'documentLibrary' only). */
export interface LibraryInfo {
	/** The library's display name ("Documents", "Receipts"). */
	name: string;
	siteId: string;
	/** The library's address: https://{host}{site path}/{library url name}. */
	webUrl: string;
	/** The library's server-relative path ("/sites/Finance/Receipts"): counts towards the 400-character limit. */
	serverRelativePath: string;
	createdAt: string;
	/**
	 * The library setting "Require documents to be checked out before they can be edited" (Library settings ->
	 * Versioning settings). A file a client uploads or changes is then checked out to it until it checks it in
	 * (see GraphDrive.recordWrite).
	 */
	requireCheckOut?: boolean;
}

/** Who the fake's API caller is: the signed-in account (the name serialize.ts gives as createdBy). */
export const SIGNED_IN_USER = 'Fake User';
export type ConflictBehavior = 'fail' | 'replace' | 'rename';

export interface GraphItem {
	id: string;
	name: string;
	/** Absent only for the root. */
	parentId?: string;
	isFolder: boolean;
	blob?: Blob;
	mimeType?: string;
	createdAt: string;
	modifiedAt: string;
	/** fileSystemInfo as the client set it (clientProps.ts); absent fields report createdAt / modifiedAt. */
	clientTimes?: ClientTimes;
	/** eTag version: any change (name, parent, content). */
	version: number;
	/** cTag version: content changes (and, for folders, changes below them). */
	contentVersion: number;
	/** Drive sequence of the last change: delta reports items whose changeSeq is past the token. */
	changeSeq: number;
	deleted: boolean;
	/** In the recycle bin as part of this item's deletion (a folder's descendants): restored with it. */
	deletedWith?: string;
	/** Parents this item left, so a folder-scoped delta can report a move out of the folder as a deletion. */
	departures: Array<{ seq: number; parentId: string }>;
	/** SharePoint check-out (driveitem-checkout, driveitem-checkin): the user who holds the file. */
	checkedOutBy?: string;
	/** No version of the file was ever checked in: nobody but `checkedOutBy` sees it. */
	neverCheckedIn?: boolean;
}

const INVALID_NAME = /["*:<>?/\\|]/;
const GIB = 1024 ** 3;
/** The default-locale collation of String#localeCompare, without its per-call setup. */
const collator = new Intl.Collator();

/**
 * One drive's items and change sequence. Pure state: no HTTP here. Mutations bump the drive's sequence and stamp
 * the item (and its parent) so that delta can report the latest state of everything changed since a token.
 */
export class GraphDrive {
	readonly id: string;
	readonly rootId: string;
	readonly items = new Map<string, GraphItem>();
	/** Set for SharePoint document libraries. */
	readonly library?: LibraryInfo;
	seq = 0;
	/** Delta tokens carry the epoch they were issued in; invalidating bumps it and old tokens answer 410. */
	epoch = 1;
	quotaTotal = 5 * GIB;
	/** Bytes counted as used besides the files (the user's other content). */
	quotaExtraUsed = 0;
	/** The 4 bytes every Business item id of this drive starts with (see newId). */
	private readonly idPrefix = randomBytes(4);
	/** Live children of each folder by case-folded name (OneDrive names are unique that way within a folder). */
	private readonly childIndex = new Map<string, Map<string, GraphItem>>();
	/** Each folder's children in listing order, dropped whenever its children or their names change. */
	private readonly sortedChildren = new Map<string, GraphItem[]>();
	/** Creation order of each item: the tie-break of the listing sort, as a stable sort of `items` would have. */
	private readonly creationRank = new Map<string, number>();
	/** Every change in sequence order; an entry is current while its item's changeSeq still equals its seq. */
	private readonly changeLog: Array<{ seq: number; item: GraphItem }> = [];
	/** Bytes of the live files, kept current by every content change. */
	private fileBytes = 0;

	constructor(
		readonly driveType: DriveType,
		options: { id?: string; library?: LibraryInfo } = {},
	) {
		this.library = options.library;
		this.id =
			options.id ??
			(driveType === 'personal'
				? randomBytes(8).toString('hex')
				: `b!${randomBytes(48).toString('base64url')}`);
		const now = new Date().toISOString();
		this.rootId = this.newId(true);
		const root: GraphItem = {
			id: this.rootId,
			name: 'root',
			isFolder: true,
			createdAt: now,
			modifiedAt: now,
			version: 1,
			contentVersion: 1,
			changeSeq: ++this.seq,
			deleted: false,
			departures: [],
		};
		this.items.set(root.id, root);
		this.creationRank.set(root.id, this.creationRank.size);
		this.changeLog.push({ seq: root.changeSeq, item: root });
	}

	get root(): GraphItem {
		return this.items.get(this.rootId)!;
	}

	/**
	 * Item ids as Graph mints them today.
	 * - Personal (OneDrive accounts on the current backend, 2025 on): the drive id, "!s" and the item's GUID in 32
	 *   lower-case hex digits; the root is always "!sea8cc6beffdb43d7976fbc7da445c639". Seen in
	 *   OneDrive/onedrive-api-docs issue 1890 (root "7DDA670C5E7F91DF!sea8cc6b..."), a file created 2026-02-19
	 *   ("F097864E0CFEA42!sa466b4459868496abe59bb1479272d27", a client library's test fixture) and shared links
	 *   ("610EB9716D20BAFC!s59034a55031349b09ec703e0a3390cec"). Items made before an account moved keep the older
	 *   "drive!number" form; new files, which are what an export writes, get the GUID.
	 * - Business and SharePoint: "01" and 32 base32 characters of 20 bytes, 4 the drive's (every id of a drive starts
	 *   with the same 8 characters, as the Graph docs' examples "01BYE5RZ6QN3ZWBTUFOFD3GSPGOHDJD36K",
	 *   "01BYE5RZ5MYLM2QQXHRBF3ZTPJX2VH7JLN" show) and 16 the item's GUID: the personal root's business-style id
	 *   "01NWGNQTF6Y2GOVW7725BZO354PWSELRRZ" (issue 1890's webUrl) decodes to 6d8cd84c and the root GUID above.
	 */
	private newId(root = false): string {
		if (this.driveType === 'personal')
			return `${this.id.toUpperCase()}!s${root ? PERSONAL_ROOT_GUID : randomBytes(16).toString('hex')}`;
		return `01${base32(Buffer.concat([this.idPrefix, randomBytes(16)]))}`;
	}

	get(id: string): GraphItem | undefined {
		const item = this.items.get(id);
		return item && !item.deleted ? item : undefined;
	}

	require(id: string): GraphItem {
		const item = this.get(id);
		if (!item) throw faults.notFound('Item does not exist');
		return item;
	}

	/** Live children by case-insensitive name (ties in creation order). */
	children(folderId: string): GraphItem[] {
		return [...this.sortedChildrenOf(folderId)];
	}

	/**
	 * Up to `top` children listed after the position `after` (a children page's $skiptoken: the last item's
	 * case-folded name and creation rank), and whether more follow: a binary search in the listing order instead of a
	 * scan per page. The rank breaks ties: names the collation holds equal (`Reçu.pdf` composed and decomposed) are
	 * two items, and a page ending at one of them must not skip the other (the export model's snapshot lost a file
	 * that way, soak seed 9308); Graph's own skip tokens are opaque and skip nothing.
	 */
	childrenPage(
		folderId: string,
		after: { name: string; rank: number } | undefined,
		top: number,
	): { page: GraphItem[]; more: boolean } {
		const sorted = this.sortedChildrenOf(folderId);
		let low = 0;
		if (after !== undefined) {
			let high = sorted.length;
			while (low < high) {
				const middle = (low + high) >>> 1;
				const order =
					collator.compare(sorted[middle].name.toLowerCase(), after.name) ||
					this.creationRank.get(sorted[middle].id)! - after.rank;
				if (order > 0) high = middle;
				else low = middle + 1;
			}
		}
		return { page: sorted.slice(low, low + top), more: sorted.length - low > top };
	}

	/** Where a children page ended, as its $skiptoken carries it. */
	pagePosition(item: GraphItem): { name: string; rank: number } {
		return { name: item.name.toLowerCase(), rank: this.creationRank.get(item.id)! };
	}

	childCount(folderId: string): number {
		return this.childIndex.get(folderId)?.size ?? 0;
	}

	/** OneDrive names are case-insensitive within a folder. */
	childByName(parentId: string, name: string): GraphItem | undefined {
		return this.childIndex.get(parentId)?.get(name.toLowerCase());
	}

	/** Items whose latest change is in (after, upto], in change order: the delta feed without rescanning the drive. */
	*changedBetween(after: number, upto: number): Generator<GraphItem> {
		let low = 0;
		let high = this.changeLog.length;
		while (low < high) {
			const middle = (low + high) >>> 1;
			if (this.changeLog[middle].seq <= after) low = middle + 1;
			else high = middle;
		}
		for (let i = low; i < this.changeLog.length && this.changeLog[i].seq <= upto; i++) {
			const { seq, item } = this.changeLog[i];
			if (item.changeSeq === seq) yield item;
		}
	}

	resolvePath(startId: string, segments: string[]): GraphItem | undefined {
		let current = this.get(startId);
		for (const segment of segments) {
			if (!current || !current.isFolder) return undefined;
			current = this.childByName(current.id, segment);
		}
		return current;
	}

	/** Path from the root, "/a/b" ("" for the root itself). */
	pathOf(item: GraphItem): string {
		const names: string[] = [];
		let current: GraphItem | undefined = item;
		while (current && current.parentId) {
			names.unshift(current.name);
			current = this.items.get(current.parentId);
		}
		return names.length ? `/${names.join('/')}` : '';
	}

	/** True when `ancestorId` is `item` itself or above it (deleted items keep their parent link). */
	isWithin(item: GraphItem, ancestorId: string): boolean {
		let current: GraphItem | undefined = item;
		for (let depth = 0; current && depth < 10_000; depth++) {
			if (current.id === ancestorId) return true;
			current = current.parentId ? this.items.get(current.parentId) : undefined;
		}
		return false;
	}

	folderSize(item: GraphItem): number {
		if (!item.isFolder) return item.blob?.size ?? 0;
		let total = 0;
		for (const child of this.childIndex.get(item.id)?.values() ?? [])
			total += this.folderSize(child);
		return total;
	}

	usedBytes(): number {
		return this.quotaExtraUsed + this.fileBytes;
	}

	remainingBytes(): number {
		return Math.max(0, this.quotaTotal - this.usedBytes());
	}

	// ---- mutations ----

	createFolder(parentId: string, name: string, behavior: ConflictBehavior): GraphItem {
		const parent = this.requireFolder(parentId);
		const finalName = this.settleName(parent.id, name, behavior, true);
		return this.insert(parent, finalName, true);
	}

	/** Folders along `segments` below `startId`, created when missing (path-based uploads create them). */
	ensureFolders(startId: string, segments: string[]): GraphItem {
		let current = this.requireFolder(startId);
		for (const segment of segments) {
			this.checkName(current, segment);
			const existing = this.childByName(current.id, segment);
			if (existing && !existing.isFolder) throw faults.nameAlreadyExists(segment);
			current = existing ?? this.insert(current, segment, true);
		}
		return current;
	}

	/**
	 * New content under a name. An existing file is replaced in place (same id) with 'replace'; 'fail' answers
	 * 409; 'rename' picks "name 1.ext". Returns whether a new item was created.
	 */
	putFile(
		parentId: string,
		name: string,
		blob: Blob,
		behavior: ConflictBehavior,
		mimeType?: string,
	): { item: GraphItem; created: boolean } {
		const parent = this.requireFolder(parentId);
		this.checkName(parent, name);
		const existing = this.childByName(parent.id, name);
		if (existing && behavior === 'replace') {
			if (existing.isFolder) throw faults.nameAlreadyExists(name);
			return { item: this.replaceContent(existing.id, blob), created: false };
		}
		const finalName = this.settleName(parent.id, name, behavior, false);
		const item = this.insert(parent, finalName, false);
		item.blob = blob;
		this.fileBytes += blob.size;
		item.mimeType = mimeType ?? guessMimeType(finalName);
		return { item, created: true };
	}

	replaceContent(id: string, blob: Blob): GraphItem {
		const item = this.require(id);
		if (item.isFolder) throw faults.invalidRequest('Cannot upload content to a folder.');
		this.fileBytes += blob.size - (item.blob?.size ?? 0);
		item.blob = blob;
		item.modifiedAt = new Date().toISOString();
		// New content without a client time: the file system time is the upload's, as Graph reports it.
		if (item.clientTimes) item.clientTimes = { createdAt: item.clientTimes.createdAt };
		item.contentVersion++;
		this.touch(item);
		this.touchParent(item);
		return item;
	}

	/** Rename and/or move. */
	update(
		id: string,
		change: { name?: string; parentId?: string },
		behavior: ConflictBehavior = 'fail',
	): GraphItem {
		const item = this.require(id);
		if (!item.parentId) throw faults.invalidRequest('Cannot rename or move the root.');
		const newParent = change.parentId
			? this.requireFolder(change.parentId)
			: this.items.get(item.parentId)!;
		if (newParent.id !== item.parentId && item.isFolder && this.isWithin(newParent, item.id)) {
			throw faults.invalidRequest('Cannot move a folder into itself or one of its subfolders.');
		}
		const newName = change.name ?? item.name;
		this.checkName(newParent, newName);
		const clash = this.childByName(newParent.id, newName);
		let finalName = newName;
		if (clash && clash.id !== item.id) {
			if (behavior === 'replace') this.remove(clash.id);
			else finalName = this.settleName(newParent.id, newName, behavior, item.isFolder);
		}
		const oldParent = this.items.get(item.parentId)!;
		this.unlink(item);
		if (newParent.id !== oldParent.id) {
			this.touch(oldParent);
			item.departures.push({ seq: this.seq, parentId: oldParent.id });
			item.parentId = newParent.id;
			this.touch(newParent);
		}
		item.name = finalName;
		this.link(item);
		item.modifiedAt = new Date().toISOString();
		this.touch(item);
		return item;
	}

	/** To the recycle bin: the item and everything below it stop being addressable. */
	remove(id: string): void {
		const item = this.require(id);
		if (!item.parentId) throw faults.accessDenied('The root of a drive cannot be deleted.');
		const doomed = [item];
		while (doomed.length) {
			const next = doomed.pop()!;
			if (next.isFolder) doomed.push(...this.children(next.id));
			// Only the item itself gets a new change: Graph may not list the descendants of a deleted folder.
			next.deleted = true;
			next.deletedWith = item.id;
			this.unlink(next);
			this.fileBytes -= next.blob?.size ?? 0;
		}
		this.touch(item);
		this.touchParent(item);
	}

	/**
	 * A file or folder back from the recycle bin (driveItem: restore, https://learn.microsoft.com/en-us/graph/api/driveitem-restore):
	 * the same id in its old folder, under `name` when given; 409 nameAlreadyExists when that name is taken there.
	 * Only what was deleted itself is in the bin: a file deleted with its folder comes back with the folder.
	 */
	restore(id: string, name?: string): GraphItem {
		const item = this.items.get(id);
		if (!item || !item.deleted || item.deletedWith !== item.id) throw faults.notFound();
		const parent = this.items.get(item.parentId!);
		if (!parent || parent.deleted)
			throw faults.notFound('The original location of the item no longer exists.');
		const finalName = name ?? item.name;
		this.checkName(parent, finalName);
		if (this.childByName(parent.id, finalName)) throw faults.nameAlreadyExists(finalName);
		item.name = finalName;
		// A folder comes back with what was deleted with it (same ids), not with what was deleted from it before. Each
		// restored item is a change in delta: delta is how OneDrive's own sync clients learn of items, so items back in
		// a folder must show there (unverified against the service: what delta lists for a restored folder).
		const restored = item.isFolder
			? [...this.items.values()].filter((i) => i.deleted && i.deletedWith === item.id)
			: [item];
		restored.sort((a, b) => (a === item ? -1 : b === item ? 1 : 0));
		for (const back of restored) {
			back.deleted = false;
			back.deletedWith = undefined;
			this.link(back);
			this.fileBytes += back.blob?.size ?? 0;
			this.touch(back);
		}
		this.touchParent(item);
		return item;
	}

	// ---- SharePoint check-out ----
	//
	// learn.microsoft.com/graph/api/driveitem-checkout ("prevent others from editing the document, and prevent your
	// changes from being visible until the document is checked in") and driveitem-checkin ("makes the version of
	// the document available to others"; body { comment, checkInAs }, 204 No Content). A file that is checked out
	// to someone else answers 423 Locked to changes: error code notAllowed, inner code resourceLocked, "The resource
	// you are attempting to access is locked" (a response quoted on Stack Exchange; learn.microsoft.com/graph/errors
	// lists 423 as "The resource that is being accessed is locked"). In a library that requires check-out, a new
	// file is checked out to its uploader ("New files are auto-checked out to the creator", Microsoft Q&A 8270845),
	// and a file never checked in is seen by nobody else.

	/** False for a file only its holder may see: checked out to someone else and never checked in. */
	visibleTo(item: GraphItem, viewer: string): boolean {
		return !(item.neverCheckedIn && item.checkedOutBy && item.checkedOutBy !== viewer);
	}

	/** 423 when `item` is checked out to someone other than `by` (changes, renames, moves, deletes alike). */
	checkNotLocked(item: GraphItem, by: string): void {
		if (item.checkedOutBy && item.checkedOutBy !== by) throw faults.locked();
	}

	/**
	 * After `by` wrote a file's content: in a library that requires check-out the file is (or stays) checked out to
	 * them, and a file they just created has no version anyone else can see until they check it in.
	 */
	recordWrite(item: GraphItem, by: string, created: boolean): void {
		if (!this.library?.requireCheckOut || item.isFolder) return;
		if (created) item.neverCheckedIn = true;
		item.checkedOutBy = by;
	}

	checkOut(id: string, by: string): GraphItem {
		const item = this.require(id);
		if (item.isFolder) throw faults.invalidRequest('Only files can be checked out.');
		this.checkNotLocked(item, by);
		item.checkedOutBy = by;
		this.touch(item);
		return item;
	}

	/** A new version everyone sees; a file checked in for the first time appears to others (in their delta too). */
	checkIn(id: string, by: string): GraphItem {
		const item = this.require(id);
		// Unverified against the service: the status and code Graph gives a check-in of a file nobody checked out.
		if (item.isFolder || !item.checkedOutBy)
			throw faults.invalidRequest('The file is not checked out.');
		this.checkNotLocked(item, by);
		item.checkedOutBy = undefined;
		item.neverCheckedIn = undefined;
		this.touch(item);
		return item;
	}

	// ---- helpers ----

	/** A name Graph accepts in `parent`: the common rules, and SharePoint's own in a document library. */
	private checkName(parent: GraphItem, name: unknown): asserts name is string {
		validateName(name);
		if (!this.library) return;
		validateSharePointName(name, parent.id === this.rootId);
		// The whole decoded path counts, the site's and the library's part included.
		const path = `${this.library.serverRelativePath}${this.pathOf(parent)}/${name}`;
		if (path.length > SHAREPOINT_MAX_PATH) {
			throw faults.invalidRequest(
				`The path '${path.slice(0, 60)}...' is ${path.length} characters long; SharePoint allows ${SHAREPOINT_MAX_PATH}.`,
			);
		}
	}

	private requireFolder(id: string): GraphItem {
		const item = this.require(id);
		if (!item.isFolder) throw faults.invalidRequest('The parent item is not a folder.');
		return item;
	}

	private insert(parent: GraphItem, name: string, isFolder: boolean): GraphItem {
		const now = new Date().toISOString();
		const item: GraphItem = {
			id: this.newId(),
			name,
			parentId: parent.id,
			isFolder,
			createdAt: now,
			modifiedAt: now,
			version: 1,
			contentVersion: 1,
			changeSeq: 0,
			deleted: false,
			departures: [],
		};
		this.items.set(item.id, item);
		this.creationRank.set(item.id, this.creationRank.size);
		this.link(item);
		this.touch(item);
		this.touchParent(item);
		return item;
	}

	private link(item: GraphItem): void {
		const parentId = item.parentId!;
		let named = this.childIndex.get(parentId);
		if (!named) this.childIndex.set(parentId, (named = new Map()));
		named.set(item.name.toLowerCase(), item);
		this.sortedChildren.delete(parentId);
	}

	private unlink(item: GraphItem): void {
		const parentId = item.parentId!;
		const named = this.childIndex.get(parentId);
		const key = item.name.toLowerCase();
		if (named?.get(key) === item) named.delete(key);
		this.sortedChildren.delete(parentId);
	}

	private sortedChildrenOf(folderId: string): GraphItem[] {
		let sorted = this.sortedChildren.get(folderId);
		if (!sorted) {
			const keyed = [...(this.childIndex.get(folderId)?.values() ?? [])].map((item) => ({
				item,
				key: item.name.toLowerCase(),
				rank: this.creationRank.get(item.id)!,
			}));
			keyed.sort((a, b) => collator.compare(a.key, b.key) || a.rank - b.rank);
			sorted = keyed.map((entry) => entry.item);
			this.sortedChildren.set(folderId, sorted);
		}
		return sorted;
	}

	private settleName(
		parentId: string,
		name: string,
		behavior: ConflictBehavior,
		isFolder: boolean,
	): string {
		this.checkName(this.require(parentId), name);
		const existing = this.childByName(parentId, name);
		if (!existing) return name;
		if (behavior === 'fail') throw faults.nameAlreadyExists(name);
		if (behavior === 'replace') {
			this.remove(existing.id);
			return name;
		}
		const dot = isFolder ? -1 : name.lastIndexOf('.');
		const stem = dot > 0 ? name.slice(0, dot) : name;
		const ext = dot > 0 ? name.slice(dot) : '';
		for (let n = 1; ; n++) {
			const candidate = `${stem} ${n}${ext}`;
			if (!this.childByName(parentId, candidate)) return candidate;
		}
	}

	touch(item: GraphItem): void {
		item.version++;
		item.changeSeq = ++this.seq;
		this.changeLog.push({ seq: item.changeSeq, item });
	}

	private touchParent(item: GraphItem): void {
		const parent = item.parentId ? this.items.get(item.parentId) : undefined;
		if (!parent) return;
		parent.contentVersion++;
		this.touch(parent);
	}
}

export function validateName(name: unknown): asserts name is string {
	if (typeof name !== 'string' || name.trim() === '' || name === '.' || name === '..') {
		throw faults.invalidRequest('The name is empty or invalid.');
	}
	if (INVALID_NAME.test(name) || name.length > 400 || /[. ]$/.test(name) || /^ /.test(name)) {
		throw faults.invalidRequest(`The name '${name}' contains invalid characters.`);
	}
}

/**
 * SharePoint's restrictions (support.microsoft.com "Restrictions and limitations in OneDrive and SharePoint",
 * "Invalid file names and file types" and "File name and path lengths"): besides " * : < > ? / \ | and leading or
 * trailing spaces (validateName), these names are refused for files and folders: .lock, CON, PRN, AUX, NUL,
 * COM0-COM9, LPT0-LPT9, desktop.ini, any name starting with ~$; "_vti_" anywhere in a name; "forms" as a folder at
 * a library's root. The entire decoded path, file name included, is at most 400 characters.
 */
const SHAREPOINT_RESERVED = /^(\.lock|con|prn|aux|nul|com[0-9]|lpt[0-9]|desktop\.ini)$/i;
const SHAREPOINT_MAX_PATH = 400;

function validateSharePointName(name: string, atLibraryRoot: boolean): void {
	const refused =
		SHAREPOINT_RESERVED.test(name) ||
		name.startsWith('~$') ||
		/_vti_/i.test(name) ||
		(atLibraryRoot && name.toLowerCase() === 'forms');
	if (refused) throw faults.invalidRequest(`The name '${name}' is not allowed in SharePoint.`);
}

const MIME_TYPES: Record<string, string> = {
	txt: 'text/plain',
	pdf: 'application/pdf',
	json: 'application/json',
	csv: 'text/csv',
	png: 'image/png',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	xml: 'application/xml',
	zip: 'application/zip',
};

export function guessMimeType(name: string): string {
	const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : '';
	return MIME_TYPES[ext] ?? 'application/octet-stream';
}
