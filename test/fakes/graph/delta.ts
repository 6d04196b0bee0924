import { SIGNED_IN_USER, type GraphDrive, type GraphItem } from './drive';
import { faults } from './errors';

/**
 * A delta token: changes after `since` up to `upto` (the drive's sequence when the round started), resuming after
 * item sequence `after` within the round. `epoch` lets the control API invalidate every token (410).
 */
export interface DeltaToken {
	epoch: number;
	since: number;
	upto?: number;
	after?: number;
	/** The scope folder: a token is only valid for the folder it was issued for. */
	scope: string;
}

export function encodeToken(token: DeltaToken): string {
	return Buffer.from(
		JSON.stringify([token.epoch, token.since, token.upto ?? -1, token.after ?? -1, token.scope]),
	).toString('base64url');
}

export function decodeToken(text: string): DeltaToken | undefined {
	try {
		const [epoch, since, upto, after, scope] = JSON.parse(
			Buffer.from(text, 'base64url').toString('utf8'),
		);
		if (![epoch, since, upto, after].every((n) => Number.isInteger(n)) || typeof scope !== 'string')
			return undefined;
		return {
			epoch,
			since,
			upto: upto < 0 ? undefined : upto,
			after: after < 0 ? undefined : after,
			scope,
		};
	} catch {
		return undefined;
	}
}

export interface DeltaEntry {
	item: GraphItem;
	/** Deleted, or moved out of the scope folder. */
	asDeleted: boolean;
}

export interface DeltaPage {
	entries: DeltaEntry[];
	/** Set when more pages follow in this round. */
	next?: DeltaToken;
	/** Set on the last page: the token for the next round. */
	deltaLink?: DeltaToken;
}

/**
 * One page of changes: the latest state of every item changed in (since, upto], in change order. The first round
 * (since 0) enumerates what exists and skips tombstones. A folder-scoped round also reports items that left the
 * folder as deleted.
 */
export function deltaPage(drive: GraphDrive, token: DeltaToken, top: number): DeltaPage {
	if (token.epoch !== drive.epoch) throw faults.invalidRequest('stale token');
	const scope = drive.items.get(token.scope);
	if (!scope || scope.deleted) throw faults.notFound('The delta scope no longer exists.');
	const upto = token.upto ?? drive.seq;
	const after = Math.max(token.since, token.after ?? token.since);
	const entries: DeltaEntry[] = [];
	let more = false;
	for (const item of drive.changedBetween(after, upto)) {
		const entry = classify(drive, item, token);
		if (!entry) continue;
		// One entry past the page is enough to know another page follows.
		if (entries.length === top) {
			more = true;
			break;
		}
		entries.push(entry);
	}
	if (more) {
		return { entries, next: { ...token, upto, after: entries[entries.length - 1].item.changeSeq } };
	}
	return { entries, deltaLink: { epoch: token.epoch, since: upto, scope: token.scope } };
}

function classify(drive: GraphDrive, item: GraphItem, token: DeltaToken): DeltaEntry | undefined {
	const initial = token.since === 0;
	// A file someone else holds checked out and never checked in does not exist for the caller yet.
	if (!drive.visibleTo(item, SIGNED_IN_USER)) return undefined;
	const inside = drive.isWithin(item, token.scope);
	if (inside) {
		if (item.deleted && initial) return undefined;
		// A folder scope lists the folder itself but not its ancestors.
		return { item, asDeleted: item.deleted };
	}
	if (initial) return undefined;
	const left = item.departures.some(
		(departure) =>
			departure.seq > token.since &&
			drive.isWithin(drive.items.get(departure.parentId)!, token.scope),
	);
	return left ? { item, asDeleted: true } : undefined;
}
