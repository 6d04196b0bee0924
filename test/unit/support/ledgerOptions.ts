import type { LedgerOptions } from '../../../nodes/shared/sync/collectLedger';

/** Collect's options as a new node has them (everything on the first run, no cap, on-emit), for planner tests. */
export function ledgerOptions(extra: Partial<LedgerOptions> = {}): LedgerOptions {
	return {
		includeSubfolders: true,
		filters: { extensions: [] },
		firstRun: { mode: 'everything' },
		maxFiles: 0,
		collectOnChange: false,
		skipIdentical: true,
		commit: 'onEmit',
		historySize: 1000,
		retryFailed: 3,
		...extra,
	};
}
