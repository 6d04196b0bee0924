import { randomBytes } from 'crypto';
import type { Blob } from './blobs';

/** One file or folder of the account, addressed by its full path (the account root, not an app folder). */
export interface Node {
	id: string;
	name: string;
	pathLower: string;
	pathDisplay: string;
	isFolder: boolean;
	rev?: string;
	blob?: Blob;
	serverModified?: string;
	clientModified?: string;
}

/** "A path was touched at seq": the change feed is the set of touched paths, rendered as they are now. */
interface JournalEntry {
	seq: number;
	pathLower: string;
	pathDisplay: string;
	name: string;
}

export type TreeChange =
	| { kind: 'node'; node: Node }
	| { kind: 'deleted'; pathLower: string; pathDisplay: string; name: string };

export type TreeFailure =
	| 'not_found'
	| 'not_folder'
	| 'not_file'
	| 'conflict_file'
	| 'conflict_folder'
	| 'conflict_file_ancestor'
	| 'insufficient_space'
	| 'cant_move_folder_into_itself';

export class TreeError extends Error {
	constructor(readonly reason: TreeFailure) {
		super(reason);
	}
}

export type WriteMode = { tag: 'add' } | { tag: 'overwrite' } | { tag: 'update'; rev: string };

export interface WriteOptions {
	mode: WriteMode;
	autorename: boolean;
	strictConflict: boolean;
	clientModified?: string;
}

export const nowSeconds = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
export const lower = (path: string): string => path.toLowerCase();
export const parentOf = (path: string): string => path.slice(0, Math.max(0, path.lastIndexOf('/')));
export const nameOf = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** The account's namespace: files and folders by lower-cased path and by id, plus the journal behind cursors. */
export class Tree {
	private readonly byPath = new Map<string, Node>();
	private readonly byId = new Map<string, Node>();
	private readonly journal: JournalEntry[] = [];
	private readonly tombstones = new Map<string, { pathDisplay: string; name: string }>();
	/** Live files by their current rev (revs are unique: one counter for the account). */
	private readonly byRev = new Map<string, Node>();
	/** Bytes of the live files, kept current by every write and delete. */
	private usedBytes = 0;
	private revCounter = 0x1a2b3c000;
	/**
	 * File and folder ids as Dropbox mints them: "id:" and 16 bytes in base64url (22 characters), 8 bytes the
	 * namespace's own and an 8-byte counter of the items created in it, so the ids of one account share their
	 * first 11-14 characters. Seen in Dropbox's Content Access Guide (one listing: a file
	 * "id:a4ayc_80_OEAAAAAAAAAXw" and its folder "id:a4ayc_80_OEAAAAAAAAAXz",
	 * https://www.dropbox.com/developers/reference/content-access-guide), its DBX File Access Guide
	 * ("id:odTlUvbpIEAAAAAAAAABmw") and ids captured from live accounts ("id:eTyPGjL6NDAAAAAAAAABwg",
	 * "id:5wctcE_wU-AAAAAAACuD2Q": counters 450 and 2,851,801). Each fake account gets its own namespace bytes
	 * and a counter started where a used account's might be.
	 */
	private readonly idNamespace = randomBytes(8);
	private idCounter = 1000 + randomBytes(2).readUInt16BE(0);
	seq = 0;
	/** Bumped by resetCursors(): cursors minted in an older epoch answer `reset`. */
	epoch = 1;
	quota = Number.POSITIVE_INFINITY;
	/** Blobs replaced or deleted: the server releases their temp files. */
	onRelease: (blob: Blob | undefined) => void = () => undefined;
	/** Each node deleted (a folder's subtree included): true when the listener keeps its blob (revisions.ts). */
	onDeleted: (node: Node) => boolean = () => false;

	private newId(): string {
		const bytes = Buffer.alloc(16);
		this.idNamespace.copy(bytes, 0);
		bytes.writeBigUInt64BE(BigInt(++this.idCounter), 8);
		return `id:${bytes.toString('base64url')}`;
	}

	get(pathLower: string): Node | undefined {
		return this.byPath.get(pathLower);
	}

	getById(id: string): Node | undefined {
		return this.byId.get(id);
	}

	getByRev(rev: string): Node | undefined {
		return this.byRev.get(rev);
	}

	tombstone(pathLower: string): { pathDisplay: string; name: string } | undefined {
		return this.byPath.has(pathLower) ? undefined : this.tombstones.get(pathLower);
	}

	used(): number {
		return this.usedBytes;
	}

	all(): Node[] {
		return [...this.byPath.values()].sort((a, b) => (a.pathLower < b.pathLower ? -1 : 1));
	}

	/** Nodes below `scope` (itself included when recursive and not the root), sorted so parents come first. */
	listing(scopeLower: string, recursive: boolean, includeDeleted: boolean): TreeChange[] {
		const result: TreeChange[] = [];
		for (const node of this.all()) {
			if (inScope(node.pathLower, scopeLower, recursive)) result.push({ kind: 'node', node });
		}
		if (includeDeleted) {
			for (const [pathLower, stone] of this.tombstones) {
				if (!this.byPath.has(pathLower) && inScope(pathLower, scopeLower, recursive)) {
					result.push({ kind: 'deleted', pathLower, ...stone });
				}
			}
		}
		return result;
	}

	/**
	 * What changed below `scope` since `since`: every touched path as it is now; a path that is gone becomes a
	 * deleted entry, unless an ancestor's deleted entry already stands for it.
	 */
	changesSince(since: number, scopeLower: string, recursive: boolean): TreeChange[] {
		const latest = new Map<string, JournalEntry>();
		for (let i = this.journal.length - 1; i >= 0 && this.journal[i].seq > since; i--) {
			const entry = this.journal[i];
			if (!latest.has(entry.pathLower) && inScope(entry.pathLower, scopeLower, recursive))
				latest.set(entry.pathLower, entry);
		}
		const ordered = [...latest.values()].sort((a, b) => a.seq - b.seq);
		const gone = new Set(
			ordered.filter((e) => !this.byPath.has(e.pathLower)).map((e) => e.pathLower),
		);
		const result: TreeChange[] = [];
		for (const entry of ordered) {
			const node = this.byPath.get(entry.pathLower);
			if (node) {
				result.push({ kind: 'node', node });
				continue;
			}
			let ancestor = parentOf(entry.pathLower);
			let implied = false;
			while (ancestor && !implied) {
				implied = gone.has(ancestor);
				ancestor = parentOf(ancestor);
			}
			if (!implied)
				result.push({
					kind: 'deleted',
					pathLower: entry.pathLower,
					pathDisplay: entry.pathDisplay,
					name: entry.name,
				});
		}
		return result;
	}

	/** Create the folder and any missing ancestors; returns the folder (existing or new). */
	ensureFolder(pathDisplay: string): Node | undefined {
		if (pathDisplay === '') return undefined;
		const existing = this.byPath.get(lower(pathDisplay));
		if (existing) {
			if (!existing.isFolder) throw new TreeError('conflict_file_ancestor');
			return existing;
		}
		this.ensureFolder(this.parentDisplay(pathDisplay));
		return this.insert({
			pathDisplay: this.parentDisplay(pathDisplay) + '/' + nameOf(pathDisplay),
			isFolder: true,
		});
	}

	createFolder(pathDisplay: string, autorename: boolean): Node {
		let target = pathDisplay;
		const existing = this.byPath.get(lower(target));
		if (existing) {
			if (!autorename) throw new TreeError(existing.isFolder ? 'conflict_folder' : 'conflict_file');
			target = this.freeName(target);
		}
		this.ensureFolder(this.parentDisplay(target));
		return this.insert({
			pathDisplay: this.parentDisplay(target) + '/' + nameOf(target),
			isFolder: true,
		});
	}

	/** Upload semantics of files/upload and upload_session/finish. The caller owns `blob` until this returns. */
	writeFile(pathDisplay: string, blob: Blob, options: WriteOptions): Node {
		const existing = this.byPath.get(lower(pathDisplay));
		let target = pathDisplay;
		if (existing?.isFolder) {
			if (!options.autorename) throw new TreeError('conflict_folder');
			target = this.freeName(pathDisplay);
		} else if (existing) {
			const same =
				existing.blob?.contentHash === blob.contentHash && existing.blob?.size === blob.size;
			const mode = options.mode;
			if (mode.tag === 'add') {
				// Identical content in add mode is not a conflict: the existing file answers, no new revision.
				if (same) return this.unchanged(existing, blob);
				if (!options.autorename) throw new TreeError('conflict_file');
				target = this.freeName(pathDisplay);
			} else if (mode.tag === 'update' && mode.rev !== existing.rev) {
				if (same && !options.strictConflict) return this.unchanged(existing, blob);
				if (!options.autorename) throw new TreeError('conflict_file');
				target = this.conflictedCopyName(pathDisplay);
			} else {
				if (same) return this.unchanged(existing, blob);
				this.checkQuota(blob.size - (existing.blob?.size ?? 0));
				this.onRelease(existing.blob);
				this.usedBytes += blob.size - (existing.blob?.size ?? 0);
				existing.blob = blob;
				this.setRev(existing, this.nextRev());
				existing.serverModified = nowSeconds();
				existing.clientModified = options.clientModified ?? existing.serverModified;
				this.touch(existing);
				return existing;
			}
		} else if (options.mode.tag === 'update' && options.strictConflict) {
			throw new TreeError('conflict_file');
		}
		this.checkQuota(blob.size);
		this.ensureFolder(this.parentDisplay(target));
		return this.insert({
			pathDisplay: this.parentDisplay(target) + '/' + nameOf(target),
			isFolder: false,
			blob,
			clientModified: options.clientModified,
		});
	}

	/** Remove a node and its subtree; returns the node as it was. */
	delete(pathLower: string): Node {
		const node = this.byPath.get(pathLower);
		if (!node) throw new TreeError('not_found');
		for (const victim of this.subtree(node)) {
			this.byPath.delete(victim.pathLower);
			this.byId.delete(victim.id);
			if (victim.rev) this.byRev.delete(victim.rev);
			this.usedBytes -= victim.blob?.size ?? 0;
			this.tombstones.set(victim.pathLower, { pathDisplay: victim.pathDisplay, name: victim.name });
			if (!this.onDeleted(victim)) this.onRelease(victim.blob);
			this.touchPath(victim.pathLower, victim.pathDisplay, victim.name);
		}
		return { ...node };
	}

	/** Move or rename (ids stay); the feed sees the old paths deleted and the new ones added. */
	move(fromLower: string, toDisplay: string, autorename: boolean): Node {
		const node = this.byPath.get(fromLower);
		if (!node) throw new TreeError('not_found');
		const toLower = lower(toDisplay);
		if (node.isFolder && toLower.startsWith(fromLower + '/'))
			throw new TreeError('cant_move_folder_into_itself');
		let target = toDisplay;
		const existing = this.byPath.get(toLower);
		if (existing && existing !== node) {
			if (!autorename) throw new TreeError(existing.isFolder ? 'conflict_folder' : 'conflict_file');
			target = this.freeName(toDisplay);
		}
		const parent = this.ensureFolder(this.parentDisplay(target));
		const newDisplay = (parent?.pathDisplay ?? '') + '/' + nameOf(target);
		const moved = this.subtree(node);
		const oldDisplay = node.pathDisplay;
		for (const victim of moved) {
			this.byPath.delete(victim.pathLower);
			this.touchPath(victim.pathLower, victim.pathDisplay, victim.name);
		}
		for (const victim of moved) {
			victim.pathDisplay = newDisplay + victim.pathDisplay.slice(oldDisplay.length);
			victim.pathLower = lower(victim.pathDisplay);
			victim.name = nameOf(victim.pathDisplay);
			this.tombstones.delete(victim.pathLower);
			this.byPath.set(victim.pathLower, victim);
			this.touch(victim);
		}
		if (!node.isFolder) {
			// A rename or move is a new revision of a file.
			this.setRev(node, this.nextRev());
		}
		return node;
	}

	/** Invalidate every cursor handed out so far. */
	resetCursors(): void {
		this.epoch++;
	}

	private subtree(node: Node): Node[] {
		if (!node.isFolder) return [node];
		const prefix = node.pathLower + '/';
		return this.all().filter((n) => n === node || n.pathLower.startsWith(prefix));
	}

	private insert(spec: {
		pathDisplay: string;
		isFolder: boolean;
		blob?: Blob;
		clientModified?: string;
	}): Node {
		const now = nowSeconds();
		const node: Node = {
			id: this.newId(),
			name: nameOf(spec.pathDisplay),
			pathDisplay: spec.pathDisplay,
			pathLower: lower(spec.pathDisplay),
			isFolder: spec.isFolder,
		};
		if (!spec.isFolder) {
			node.blob = spec.blob;
			this.usedBytes += spec.blob?.size ?? 0;
			this.setRev(node, this.nextRev());
			node.serverModified = now;
			node.clientModified = spec.clientModified ?? now;
		}
		this.byPath.set(node.pathLower, node);
		this.byId.set(node.id, node);
		this.tombstones.delete(node.pathLower);
		this.touch(node);
		return node;
	}

	private unchanged(existing: Node, blob: Blob): Node {
		this.onRelease(blob);
		return existing;
	}

	/** The parent path with the casing the account already has (Dropbox keeps the first casing of a folder). */
	private parentDisplay(pathDisplay: string): string {
		const parent = parentOf(pathDisplay);
		return this.byPath.get(lower(parent))?.pathDisplay ?? parent;
	}

	private checkQuota(extra: number): void {
		if (extra > 0 && this.used() + extra > this.quota) throw new TreeError('insufficient_space');
	}

	private freeName(pathDisplay: string): string {
		const parent = parentOf(pathDisplay);
		const name = nameOf(pathDisplay);
		const dot = name.lastIndexOf('.');
		const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
		for (let n = 1; ; n++) {
			const candidate = `${parent}/${stem} (${n})${ext}`;
			if (!this.byPath.has(lower(candidate))) return candidate;
		}
	}

	private conflictedCopyName(pathDisplay: string): string {
		const name = nameOf(pathDisplay);
		const dot = name.lastIndexOf('.');
		const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
		return this.freeName(`${parentOf(pathDisplay)}/${stem} (conflicted copy)${ext}`);
	}

	private setRev(node: Node, rev: string): void {
		if (node.rev) this.byRev.delete(node.rev);
		node.rev = rev;
		this.byRev.set(rev, node);
	}

	private nextRev(): string {
		return (++this.revCounter).toString(16).padStart(12, '0');
	}

	private touch(node: Node): void {
		this.touchPath(node.pathLower, node.pathDisplay, node.name);
	}

	private touchPath(pathLower: string, pathDisplay: string, name: string): void {
		this.journal.push({ seq: ++this.seq, pathLower, pathDisplay, name });
	}
}

/** Is `path` inside the listing of `scope`? The root is "", every other path starts with "/". */
export function inScope(pathLower: string, scopeLower: string, recursive: boolean): boolean {
	if (scopeLower !== '' && pathLower === scopeLower) return recursive;
	if (!pathLower.startsWith(scopeLower + '/')) return false;
	return recursive || !pathLower.slice(scopeLower.length + 1).includes('/');
}
