/** How long a folder's child names are trusted before they are listed again. */
const DEFAULT_MAX_AGE_MS = 5 * 60 * 1000;

interface Child {
	name: string;
	isFolder: boolean;
}

interface KnownFolder {
	at: number;
	/** child id -> name and kind */
	children: Map<string, Child>;
	/** name -> how many files and folders carry it (Drive allows duplicates) */
	names: Map<string, { files: number; folders: number }>;
}

function count(folder: KnownFolder, child: Child, delta: 1 | -1): void {
	const entry = folder.names.get(child.name) ?? { files: 0, folders: 0 };
	if (child.isFolder) entry.folders += delta;
	else entry.files += delta;
	if (entry.files <= 0 && entry.folders <= 0) folder.names.delete(child.name);
	else folder.names.set(child.name, entry);
}

/**
 * The names in folders whose whole content this provider instance has seen (created empty, listed, or listed
 * for an upload), kept up to date by its own writes. Drive allows duplicate names, so an upload must ask whether
 * the name is free; asking the index instead of the server makes a new small file one request. Lives in one
 * provider instance (one run) and expires, so changes by others are seen again by the next listing; a file added
 * by someone else in between can at worst become a same-named sibling, which Drive allows.
 */
export class DriveChildIndex {
	private readonly folders = new Map<string, KnownFolder>();
	/** child id -> the known folder it is in */
	private readonly parentOf = new Map<string, string>();

	constructor(
		private readonly maxAgeMs = DEFAULT_MAX_AGE_MS,
		private readonly now: () => number = Date.now,
	) {}

	/** Whether a child of that name (and kind) is in the folder; undefined when the folder's content is not known. */
	has(folderId: string, name: string, itemKind?: 'file' | 'folder'): boolean | undefined {
		const folder = this.known(folderId);
		if (!folder) return undefined;
		const entry = folder.names.get(name);
		if (!entry) return false;
		if (itemKind === 'file') return entry.files > 0;
		if (itemKind === 'folder') return entry.folders > 0;
		return true;
	}

	/** The children of a folder whose whole content is known (see has), or undefined. */
	content(folderId: string): Array<{ id: string } & Child> | undefined {
		const folder = this.known(folderId);
		return folder && [...folder.children].map(([id, child]) => ({ id, ...child }));
	}

	/** The whole content of a folder, as just listed (or [] for a folder just created). */
	fill(folderId: string, children: Array<{ id: string } & Child>): void {
		this.forgetFolder(folderId);
		const folder: KnownFolder = { at: this.now(), children: new Map(), names: new Map() };
		this.folders.set(folderId, folder);
		for (const child of children) this.put(folder, folderId, child);
	}

	/** A child written by us (created, uploaded, moved in); ignored when the folder's content is not known. */
	add(folderId: string, child: { id: string } & Child): void {
		this.detach(child.id);
		const folder = this.known(folderId);
		if (folder) this.put(folder, folderId, child);
	}

	/** A child trashed or deleted (a folder's own content goes with it). */
	remove(id: string): void {
		this.detach(id);
		this.forgetFolder(id);
	}

	/** Out of the folder it was in. */
	private detach(id: string): void {
		const parent = this.parentOf.get(id);
		const folder = parent === undefined ? undefined : this.folders.get(parent);
		const child = folder?.children.get(id);
		if (folder && child) {
			folder.children.delete(id);
			count(folder, child, -1);
		}
		this.parentOf.delete(id);
	}

	private put(folder: KnownFolder, folderId: string, child: { id: string } & Child): void {
		if (this.parentOf.has(child.id) && this.parentOf.get(child.id) !== folderId)
			this.detach(child.id);
		const previous = folder.children.get(child.id);
		if (previous) count(folder, previous, -1);
		const entry = { name: child.name, isFolder: child.isFolder };
		folder.children.set(child.id, entry);
		count(folder, entry, 1);
		this.parentOf.set(child.id, folderId);
	}

	private known(folderId: string): KnownFolder | undefined {
		const folder = this.folders.get(folderId);
		if (folder && this.now() - folder.at > this.maxAgeMs) {
			this.forgetFolder(folderId);
			return undefined;
		}
		return folder;
	}

	private forgetFolder(folderId: string): void {
		const folder = this.folders.get(folderId);
		if (!folder) return;
		for (const id of folder.children.keys())
			if (this.parentOf.get(id) === folderId) this.parentOf.delete(id);
		this.folders.delete(folderId);
	}
}
