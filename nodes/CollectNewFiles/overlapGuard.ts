import type { IExecuteFunctions } from 'n8n-workflow';
import type { Candidate } from '../shared/sync/collectLedger';
import { withStoreLock } from './storeLock';

/**
 * Static data has no lock: two executions started together read the same ledger and would both output the
 * same new files. n8n's deduplication store (`helpers.checkProcessedAndRecord`, a database table written
 * immediately, not at the end of the run) lets the first execution claim a file so the second sees it taken.
 * Values are "<collect node id>:<id fingerprint><content fingerprint>" in the workflow scope, so Forget
 * (another node) can release them and a changed file (new content) can be claimed again.
 *
 * That store is a read-modify-write of one database row per scope, so on its own two claims at once both win and
 * the later write drops the earlier one's values (issue 22). Every call below therefore runs under the node's lock
 * in the same store (storeLock.ts): one execution at a time reads and writes the workflow row.
 */
export function claimValue(collectNodeId: string, idFp: string, contentFp: string): string {
	return `${collectNodeId}:${idFp}${contentFp}`;
}

/**
 * Without "Collect Again When Content Changes" a document is done whatever its content becomes: claims then name
 * the id with this in place of the content fingerprint (a lost static data must not make an edited file new).
 */
export const ANY_CONTENT = '*';

/** The candidates as the guard claims them: with their content version, or any version. */
export function asClaimed<T extends { contentFp: string }>(
	candidates: T[],
	perContentVersion: boolean,
): T[] {
	return perContentVersion ? candidates : candidates.map((c) => ({ ...c, contentFp: ANY_CONTENT }));
}

/**
 * After Confirm, a run claims what it emits under this value ("emitted, not confirmed yet"), and Confirm records
 * claimValue ("done"). A document another run emitted but never confirmed (it failed before Confirm and its state
 * was lost or overwritten) is then told apart from one that is done.
 */
export function emitClaimValue(collectNodeId: string, idFp: string, contentFp: string): string {
	return `${collectNodeId}:e:${idFp}${contentFp}`;
}

type Helpers = Partial<
	Pick<IExecuteFunctions['helpers'], 'checkProcessedAndRecord' | 'removeProcessed'>
>;

/**
 * Claims the candidates; returns the id fingerprints another
 * execution claimed first, or undefined if n8n offers no store.
 */
export async function claimCandidates(
	ctx: IExecuteFunctions,
	collectNodeId: string,
	candidates: Candidate[],
	value: typeof claimValue = claimValue,
): Promise<Set<string> | undefined> {
	if (candidates.length === 0) return undefined;
	return await withStoreLock(
		ctx,
		async () => await claimUnlocked(ctx, collectNodeId, candidates, value),
	);
}

async function claimUnlocked(
	ctx: IExecuteFunctions,
	collectNodeId: string,
	candidates: Candidate[],
	value: typeof claimValue,
): Promise<Set<string> | undefined> {
	const helpers = ctx.helpers as Helpers;
	if (candidates.length === 0 || typeof helpers.checkProcessedAndRecord !== 'function')
		return undefined;
	const byValue = new Map(
		candidates.map((c) => [value(collectNodeId, c.idFp, c.contentFp), c.idFp]),
	);
	try {
		const result = await helpers.checkProcessedAndRecord([...byValue.keys()], 'workflow', {
			mode: 'entries',
		});
		return new Set(result.processed.map((value) => byValue.get(String(value))!).filter(Boolean));
	} catch (error) {
		// Older n8n, or a host without the deduplication service: run unguarded rather than fail.
		ctx.logger?.debug?.(
			`Collect New Files: overlap guard unavailable (${(error as Error).message})`,
		);
		return undefined;
	}
}

/** Gives claims back (a run that failed before output; Forget). Never fails the run. */
export async function releaseClaims(ctx: IExecuteFunctions, values: string[]): Promise<void> {
	if (values.length === 0) return;
	await withStoreLock(ctx, async () => await releaseUnlocked(ctx, values));
}

async function releaseUnlocked(ctx: IExecuteFunctions, values: string[]): Promise<void> {
	const helpers = ctx.helpers as Helpers;
	if (values.length === 0 || typeof helpers.removeProcessed !== 'function') return;
	try {
		await helpers.removeProcessed(values, 'workflow', { mode: 'entries' });
	} catch {
		// Nothing to release where there is no store.
	}
}

/**
 * Which of these documents a Confirm recorded as done. The store has no read-only check: values it did not hold
 * are recorded by the check and removed again at once (the window is one round trip of n8n's own database).
 */
export async function confirmedElsewhere(
	ctx: IExecuteFunctions,
	collectNodeId: string,
	candidates: Candidate[],
): Promise<Set<string>> {
	if (candidates.length === 0) return new Set();
	// Check and give back under one lock: no other execution sees the values recorded in between.
	return await withStoreLock(ctx, async () => {
		const done = await claimUnlocked(ctx, collectNodeId, candidates, claimValue);
		if (!done) return new Set<string>();
		const notDone = candidates
			.filter((c) => !done.has(c.idFp))
			.map((c) => claimValue(collectNodeId, c.idFp, c.contentFp));
		await releaseUnlocked(ctx, notDone);
		return done;
	});
}

/** Confirm: the documents are done; a later run (or one after lost static data) finds them so. */
export async function recordConfirmed(
	ctx: IExecuteFunctions,
	collectNodeId: string,
	done: Array<{ idFp: string; contentFp: string }>,
): Promise<void> {
	const helpers = ctx.helpers as Helpers;
	if (done.length === 0 || typeof helpers.checkProcessedAndRecord !== 'function') return;
	try {
		// Both forms: Confirm does not know whether the Collect node collects again on change. The preview mirror too.
		const values = done.flatMap((d) =>
			[d.contentFp, ANY_CONTENT].flatMap((version) => [
				claimValue(collectNodeId, d.idFp, version),
				mirrorValue(collectNodeId, d.idFp, version),
			]),
		);
		await withStoreLock(
			ctx,
			async () => await helpers.checkProcessedAndRecord!(values, 'workflow', { mode: 'entries' }),
		);
	} catch {
		// No store: the static data alone records the confirmation.
	}
}

/**
 * The preview mirror (issue 13): production runs record here, in the same workflow scope but under values the
 * overlap guard never decides on, every file they placed, plus a marker "this node has a saved state". A manual
 * run on n8n 1.x is handed no static data; it reads the mirror instead. n8n's store has no read-only check, so a
 * preview's look-up records and removes values, but only mirror values: a production run never takes a file as
 * claimed because a preview looked at it.
 */
export function mirrorValue(collectNodeId: string, idFp: string, contentFp: string): string {
	return `${collectNodeId}:m:${idFp}${contentFp}`;
}
export const mirrorMarker = (collectNodeId: string) => `${collectNodeId}:m:state`;
export const mirrorUnplacedMarker = (collectNodeId: string) =>
	`${collectNodeId}:m:baseline-unplaced`;

/** A production run's mirror entries; never fails the run (without a store, previews go by their own state). */
export async function recordMirror(
	ctx: IExecuteFunctions,
	collectNodeId: string,
	placed: Array<{ idFp: string; contentFp: string }>,
	markers: { state: boolean; baselineUnplaced: boolean },
): Promise<void> {
	const helpers = ctx.helpers as Helpers;
	const values = placed.map((p) => mirrorValue(collectNodeId, p.idFp, p.contentFp));
	if (markers.state) values.push(mirrorMarker(collectNodeId));
	if (markers.baselineUnplaced) values.push(mirrorUnplacedMarker(collectNodeId));
	if (values.length === 0 || typeof helpers.checkProcessedAndRecord !== 'function') return;
	try {
		await withStoreLock(
			ctx,
			async () => await helpers.checkProcessedAndRecord!(values, 'workflow', { mode: 'entries' }),
		);
	} catch {
		// No store: nothing to mirror into.
	}
}

/** A preview's look-up: which markers and candidates the mirror holds. Values it did not hold are removed again. */
export async function readMirror(
	ctx: IExecuteFunctions,
	collectNodeId: string,
	candidates: Array<{ idFp: string; contentFp: string }>,
): Promise<{ state: 'none' | 'placed' | 'baselineUnplaced'; placed: Set<string> }> {
	const helpers = ctx.helpers as Helpers;
	const empty = { state: 'none' as const, placed: new Set<string>() };
	if (typeof helpers.checkProcessedAndRecord !== 'function') return empty;
	const marker = mirrorMarker(collectNodeId);
	const unplaced = mirrorUnplacedMarker(collectNodeId);
	const byValue = new Map(
		candidates.map((c) => [mirrorValue(collectNodeId, c.idFp, c.contentFp), c.idFp]),
	);
	try {
		const result = await withStoreLock(ctx, async () => {
			const answer = await helpers.checkProcessedAndRecord!(
				[marker, unplaced, ...byValue.keys()],
				'workflow',
				{ mode: 'entries' },
			);
			await releaseUnlocked(ctx, answer.new.map(String));
			return answer;
		});
		const held = new Set(result.processed.map(String));
		const placed = new Set(
			[...byValue].filter(([value]) => held.has(value)).map(([, idFp]) => idFp),
		);
		const state = held.has(unplaced) ? 'baselineUnplaced' : held.has(marker) ? 'placed' : 'none';
		return { state, placed };
	} catch {
		return empty;
	}
}
