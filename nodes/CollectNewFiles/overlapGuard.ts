import type { IExecuteFunctions } from 'n8n-workflow';
import type { Candidate } from '../shared/sync/collectLedger';

/**
 * Static data has no lock: two executions started together read the same ledger and would both output the
 * same new files. n8n's deduplication store (`helpers.checkProcessedAndRecord`, a database table written
 * immediately, not at the end of the run) lets the first execution claim a file so the second sees it taken.
 * Values are "<collect node id>:<id fingerprint><content fingerprint>" in the workflow scope, so Forget
 * (another node) can release them and a changed file (new content) can be claimed again.
 */
export function claimValue(collectNodeId: string, idFp: string, contentFp: string): string {
	return `${collectNodeId}:${idFp}${contentFp}`;
}

type Helpers = Partial<Pick<IExecuteFunctions['helpers'], 'checkProcessedAndRecord' | 'removeProcessed'>>;

/** Claims the candidates; returns the id fingerprints another execution claimed first, or undefined if n8n offers no store. */
export async function claimCandidates(ctx: IExecuteFunctions, collectNodeId: string, candidates: Candidate[]): Promise<Set<string> | undefined> {
	const helpers = ctx.helpers as Helpers;
	if (candidates.length === 0 || typeof helpers.checkProcessedAndRecord !== 'function') return undefined;
	const byValue = new Map(candidates.map((c) => [claimValue(collectNodeId, c.idFp, c.contentFp), c.idFp]));
	try {
		const result = await helpers.checkProcessedAndRecord([...byValue.keys()], 'workflow', { mode: 'entries' });
		return new Set(result.processed.map((value) => byValue.get(String(value))!).filter(Boolean));
	} catch (error) {
		// Older n8n, or a host without the deduplication service: run unguarded rather than fail.
		ctx.logger?.debug?.(`Collect New Files: overlap guard unavailable (${(error as Error).message})`);
		return undefined;
	}
}

/** Gives claims back (a run that failed before output; Forget). Never fails the run. */
export async function releaseClaims(ctx: IExecuteFunctions, values: string[]): Promise<void> {
	const helpers = ctx.helpers as Helpers;
	if (values.length === 0 || typeof helpers.removeProcessed !== 'function') return;
	try {
		await helpers.removeProcessed(values, 'workflow', { mode: 'entries' });
	} catch {
		// Nothing to release where there is no store.
	}
}
