import { ROUTE_FIELDS, boolArg, intArg, pathArg, unionTag } from './args';
import type { Blob, BlobStore } from './blobs';
import { badRequest, endpointError, fail, lookupError, type Tagged } from './errors';
import { lower, nowSeconds, TreeError, type Node, type Tree } from './tree';

/**
 * Deleted files' revisions, and the two routes that reach them (kept out of fakeDropbox.ts, which owns listing and
 * cursors):
 *
 * - files/list_revisions (https://www.dropbox.com/developers/documentation/http/documentation#files-list_revisions;
 *   dropbox-api-spec files.stone ListRevisionsArg/ListRevisionsResult): `path` mode (default) lists the revisions
 *   at the path of the latest file entry there, `id` mode those of one file id; `is_deleted` says the latest one
 *   is deleted, `server_deleted` when; `entries` hold only revisions that are not deleted, newest first; `limit`
 *   1-100, default 10; an unknown path or id is path/not_found.
 * - files/restore (same page, #files-restore; RestoreArg {path, rev} -> FileMetadata, RestoreError): restores the
 *   revision's content at `path` (any path: the old one or another), creating missing parent folders as every
 *   Dropbox write does, and answers the file's metadata. The restored file is a write like any other: list_folder
 *   and list_folder/continue show it as a file entry at the path. A folder at the path is path_write/conflict/folder;
 *   a file there gets the content as a new revision (restore is also how a client reverts a live file). A rev that
 *   is not a revision this account has is invalid_revision; a malformed one (the spec's pattern: 9+ hex digits) a 400.
 *
 * What the fake keeps: the revision each file had when it was deleted (deleted with its folder too), not the older
 * revisions an overwrite replaced (their content is released at once), and forever (Dropbox: 30 or 180 days).
 * Unverified against the live service: the id of a restored file. The spec says ids follow a file across moves and
 * renames and says nothing of restores; the fake gives the restored file a new id, the harder case for a client
 * (it cannot recognise the file by the id it knew).
 */

ROUTE_FIELDS['files/list_revisions'] = {
	allowed: ['path', 'mode', 'limit', 'before_rev', 'include_restorable_info'],
	required: ['path'],
};
ROUTE_FIELDS['files/restore'] = { allowed: ['path', 'rev'], required: ['path', 'rev'] };

interface DeletedRevision {
	/** The file as it was when deleted (path, id, rev, content). */
	node: Node;
	deletedAt: string;
}

type Metadata = Record<string, unknown>;

/** What the routes need from the fake: its tree and blobs, and its own path and metadata rules (app folders). */
export interface RevisionHost {
	tree: Tree;
	blobs: BlobStore;
	locate(
		value: string,
		route: string,
		wrapper: string,
	): { absolute: string; node?: Node; isRoot: boolean };
	meta(node: Node, withTag: boolean): Metadata;
	visible(pathLower: string): boolean;
}

export class DeletedRevisions {
	/** By lower-cased path, newest first. */
	private readonly byPath = new Map<string, DeletedRevision[]>();
	private readonly byRev = new Map<string, DeletedRevision>();

	/** Called by the tree for each file it deletes: true = the content is kept here (not released). */
	keep(node: Node): boolean {
		if (node.isFolder || !node.blob || !node.rev) return false;
		const revision: DeletedRevision = { node: { ...node }, deletedAt: nowSeconds() };
		this.byPath.set(node.pathLower, [revision, ...(this.byPath.get(node.pathLower) ?? [])]);
		this.byRev.set(node.rev, revision);
		return true;
	}

	/** Bench only: forgets every deleted revision and returns their content, for the caller to release. */
	purge(): Blob[] {
		const blobs = [...this.byRev.values()].flatMap((r) => (r.node.blob ? [r.node.blob] : []));
		this.byPath.clear();
		this.byRev.clear();
		return blobs;
	}

	byRevision(rev: string): DeletedRevision | undefined {
		return this.byRev.get(rev);
	}

	atPath(pathLower: string): DeletedRevision[] {
		return this.byPath.get(pathLower) ?? [];
	}

	withId(id: string): DeletedRevision[] {
		return [...this.byRev.values()]
			.filter((r) => r.node.id === id)
			.sort((a, b) => (a.node.rev! < b.node.rev! ? 1 : -1));
	}

	/** The latest deleted revision of every path at or below `pathLower` (a folder the user restores whole). */
	latestBelow(pathLower: string): DeletedRevision[] {
		const found: DeletedRevision[] = [];
		for (const [path, revisions] of this.byPath) {
			if (path === pathLower || path.startsWith(`${pathLower}/`)) found.push(revisions[0]);
		}
		return found.sort((a, b) => (a.node.pathLower < b.node.pathLower ? -1 : 1));
	}
}

export function listRevisions(
	host: RevisionHost,
	deleted: DeletedRevisions,
	route: string,
	args: Record<string, unknown>,
): unknown {
	const value = pathArg(args, 'path', route);
	const mode = args.mode === undefined ? 'path' : unionTag(args.mode, 'mode', route).tag;
	if (mode !== 'path' && mode !== 'id')
		fail(badRequest(route, `request body: mode: unknown tag '${mode}'`));
	const limit = intArg(args, 'limit', route, 1, 100) ?? 10;
	if (args.before_rev !== undefined)
		fail(badRequest(route, 'request body: before_rev: not modelled by this fake'));
	void boolArg(args, 'include_restorable_info', route);
	const notFound = (): never => fail(endpointError(lookupError('path', { '.tag': 'not_found' })));
	let live: Node | undefined;
	let gone: DeletedRevision[] = [];
	if (value.startsWith('id:')) {
		live = host.tree.getById(value);
		gone = deleted.withId(value);
		if (live && !host.visible(live.pathLower)) live = undefined;
		if (!live && gone.length === 0) notFound();
		// Path mode follows the path of the latest file entry for that id.
		if (mode === 'path') gone = deleted.atPath(live?.pathLower ?? gone[0].node.pathLower);
	} else {
		const located = host.locate(value, route, 'path');
		if (located.isRoot)
			fail(badRequest(route, 'request body: path: The root folder is unsupported.'));
		live = located.node;
		if (live?.isFolder) fail(endpointError(lookupError('path', { '.tag': 'not_file' })));
		gone = deleted.atPath(lower(located.absolute));
		if (mode === 'id')
			gone = live ? deleted.withId(live.id) : gone.length ? deleted.withId(gone[0].node.id) : [];
		if (!live && gone.length === 0) notFound();
	}
	const entries = [
		...(live ? [host.meta(live, false)] : []),
		...gone.map((r) => host.meta(r.node, false)),
	].slice(0, limit);
	const isDeleted = !live;
	return {
		is_deleted: isDeleted,
		...(isDeleted ? { server_deleted: gone[0].deletedAt } : {}),
		entries,
		has_more: (live ? 1 : 0) + gone.length > limit,
	};
}

export async function restore(
	host: RevisionHost,
	deleted: DeletedRevisions,
	route: string,
	args: Record<string, unknown>,
): Promise<unknown> {
	const path = pathArg(args, 'path', route, true);
	if (typeof args.rev !== 'string' || !/^[0-9a-f]{9,}$/.test(args.rev)) {
		fail(
			badRequest(
				route,
				`request body: rev: '${String(args.rev)}' did not match pattern '[0-9a-f]+' of length at least 9`,
			),
		);
	}
	const located = host.locate(path, route, 'path_lookup');
	if (located.isRoot)
		fail(badRequest(route, 'request body: path: The root folder is unsupported.'));
	const revision = deleted.byRevision(args.rev);
	const liveRev = revision ? undefined : host.tree.getByRev(args.rev);
	const source = revision?.node ?? liveRev;
	if (!source?.blob || !host.visible(source.pathLower))
		fail(endpointError({ '.tag': 'invalid_revision' }));
	// The revision stays restorable: the restored file gets a copy of its content.
	const blob = await host.blobs.fromBuffer(await host.blobs.readAll(source.blob));
	try {
		const node = host.tree.writeFile(located.absolute, blob, {
			mode: { tag: 'overwrite' },
			autorename: false,
			strictConflict: false,
			clientModified: source.clientModified,
		});
		return host.meta(node, false);
	} catch (error) {
		host.blobs.release(blob);
		if (error instanceof TreeError) fail(endpointError(restoreWriteError(error)));
		throw error;
	}
}

function restoreWriteError(error: TreeError): Tagged {
	const reason: Tagged =
		error.reason === 'conflict_folder' ||
		error.reason === 'conflict_file' ||
		error.reason === 'conflict_file_ancestor'
			? { '.tag': 'conflict', conflict: { '.tag': error.reason.slice('conflict_'.length) } }
			: error.reason === 'insufficient_space'
				? { '.tag': 'insufficient_space' }
				: { '.tag': 'other' };
	return { '.tag': 'path_write', path_write: reason };
}

/**
 * The user restores a deleted file in the Dropbox web UI (Deleted files > Restore): its last revision comes back,
 * at its path or at `toPath`. Goes through the same code as files/restore.
 */
export async function userRestoreFile(
	host: RevisionHost,
	deleted: DeletedRevisions,
	pathAbs: string,
	toPathAbs = pathAbs,
): Promise<Node> {
	const [latest] = deleted.atPath(lower(pathAbs));
	if (!latest) throw new TreeError('not_found');
	const blob = await host.blobs.fromBuffer(await host.blobs.readAll(latest.node.blob!));
	return host.tree.writeFile(toPathAbs, blob, {
		mode: { tag: 'add' },
		autorename: false,
		strictConflict: false,
		clientModified: latest.node.clientModified,
	});
}

/**
 * The user restores a deleted folder in the web UI: the folder comes back with the last revision of every file
 * that was deleted below it, each at its path (a path taken meanwhile keeps what is there). Returns what came back.
 */
export async function userRestoreFolder(
	host: RevisionHost,
	deleted: DeletedRevisions,
	pathAbs: string,
): Promise<Node[]> {
	host.tree.ensureFolder(pathAbs);
	const restored: Node[] = [];
	for (const revision of deleted.latestBelow(lower(pathAbs))) {
		if (host.tree.get(revision.node.pathLower)) continue;
		restored.push(await userRestoreFile(host, deleted, revision.node.pathDisplay));
	}
	return restored;
}
