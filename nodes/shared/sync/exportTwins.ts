import type { RemoteItem } from '../types/remote';

/**
 * Twins on a cloud that allows two items of one name in one folder (Google Drive): two overlapping executions
 * that both found a name free and both created the same folder, or the same record's file, side by side. No
 * request can create "only if absent" there, so the rule is convergent instead (pure, the same in every execution):
 *
 * - every execution that created an item looks afterwards at the items of that name (and, for files, that record)
 *   in that folder, and keeps the oldest (createdTime, then id);
 * - an execution whose own new item is not the one kept removes it and uses the kept one; it never removes an item
 *   it did not create in this run.
 *
 * Why it settles to one: of two twins, the newer was created after the older, so the check its creator makes
 * after creating it sees the older one and removes the newer. The creator of the oldest keeps it whatever it
 * sees. Twins created within the same millisecond were both created before either check, so both executions see
 * both and pick the same one by id.
 *
 * Folders are checked right after they are created, before anything is put in them, so a folder removed this way
 * is empty and nothing ever has to move between twin folders. Files are checked once at the end of the run, from
 * one change-feed read that shows everything created in the root since the run began.
 */

/** An item as the twin rule needs it. */
export interface TwinCandidate {
	id: string;
	createdAt?: string;
}

/** The one every execution keeps: the oldest by createdTime, ties by id. */
export function twinKeeper<T extends TwinCandidate>(twins: readonly T[]): T | undefined {
	let keeper: T | undefined;
	for (const twin of twins) {
		if (!keeper || olderThan(twin, keeper)) keeper = twin;
	}
	return keeper;
}

function olderThan(a: TwinCandidate, b: TwinCandidate): boolean {
	// An item without a readable createdTime (never one from Drive itself) sorts last.
	const at = timeOf(a);
	const bt = timeOf(b);
	return at !== bt ? at < bt : a.id < b.id;
}

function timeOf(item: TwinCandidate): number {
	const time = item.createdAt ? Date.parse(item.createdAt) : NaN;
	return Number.isNaN(time) ? Infinity : time;
}

/** What to do with a folder this run just created, given every folder of that name in the parent (own included). */
export type FolderTwinDecision =
	{ keep: 'own' } | { keep: 'other'; use: RemoteItem; removeOwn: string };

export function decideFolderTwin(
	own: RemoteItem,
	sameNamed: readonly RemoteItem[],
): FolderTwinDecision {
	const all = sameNamed.some((f) => f.id === own.id) ? sameNamed : [...sameNamed, own];
	const keeper = twinKeeper(all.filter((f) => f.isFolder && f.name === own.name))!;
	return keeper.id === own.id ? { keep: 'own' } : { keep: 'other', use: keeper, removeOwn: own.id };
}

/** A file this run created (not a new revision of an existing one). */
export interface CreatedFile {
	id: string;
	parentId: string;
	name: string;
	/** The record tag written in its appProperties. */
	recordKey: string;
	createdAt?: string;
}

/** An own file that is not the one kept: remove it and take `use` for its record. */
export interface FileTwinDecision {
	removeOwn: string;
	use: RemoteItem;
}

/**
 * Decisions for the files this run created, from the items seen afterwards (the change feed since the run began).
 * A twin is a file in the same folder with the same name (Drive's names are exact strings) and the same record
 * tag: a user's file or another record's file is never a twin, whatever its name.
 */
export function decideFileTwins(
	created: readonly CreatedFile[],
	seen: readonly RemoteItem[],
	recordKeyOf: (item: RemoteItem) => string | undefined,
): FileTwinDecision[] {
	const decisions: FileTwinDecision[] = [];
	const groups = new Map<string, RemoteItem[]>();
	const groupKey = (parentId: string, name: string, recordKey: string) =>
		JSON.stringify([parentId, name, recordKey]);
	for (const item of seen) {
		const recordKey = item.isFolder || !item.parentId ? undefined : recordKeyOf(item);
		if (recordKey === undefined) continue;
		const key = groupKey(item.parentId!, item.name, recordKey);
		const group = groups.get(key) ?? [];
		// The feed may list one file more than once (created, then updated): the latest entry stands.
		const at = group.findIndex((g) => g.id === item.id);
		if (at >= 0) group[at] = item;
		else group.push(item);
		groups.set(key, group);
	}
	for (const file of created) {
		const group = groups.get(groupKey(file.parentId, file.name, file.recordKey)) ?? [];
		const mine: RemoteItem = group.find((g) => g.id === file.id) ?? {
			id: file.id,
			name: file.name,
			isFolder: false,
			parentId: file.parentId,
			createdAt: file.createdAt,
		};
		const keeper = twinKeeper(group.some((g) => g.id === file.id) ? group : [...group, mine])!;
		if (keeper.id !== file.id) decisions.push({ removeOwn: file.id, use: keeper });
	}
	return decisions;
}

/** Whether the run reads the feed once more to look for twins of the files it created. */
export function checksFileTwins(
	features: { duplicateNames: boolean },
	createdFiles: number,
): boolean {
	return features.duplicateNames && createdFiles > 0;
}

/**
 * Whether a folder the state does not know is looked up before it is created. Not where twins are possible: the
 * look after creating finds an existing folder as well (the oldest is kept, ours removed), so looking first would
 * be a third request per new folder instead of two.
 */
export function looksBeforeCreatingFolder(features: { duplicateNames: boolean }): boolean {
	return !features.duplicateNames;
}
