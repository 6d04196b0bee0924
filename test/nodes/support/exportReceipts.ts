import type { IDataObject } from 'n8n-workflow';
import { decodeExportState, type StoredExportState } from '../../../nodes/shared/state/exportState';
import type { Doc } from './exportWorkflow';

/** keyFp -> status:id of every record a stored state tracks. */
export function trackedIds(state: IDataObject | undefined): Record<string, string> {
	const records = decodeExportState(state as unknown as StoredExportState).records;
	return Object.fromEntries([...records].map(([key, r]) => [key, `${r.status}:${r.id}`]));
}

/** Two accounts, three months, two receipts a month per account: 12 receipts. */
export function receipts(): Doc[] {
	const docs: Doc[] = [];
	for (const account of ['Main', 'Savings']) {
		for (const month of ['09', '10', '11']) {
			for (const day of ['05', '20']) {
				const id = `${account}-2026-${month}-${day}`;
				docs.push({
					id,
					content: `receipt ${id}`,
					json: { account, date: `2026-${month}-${day}T10:00:00Z` },
				});
			}
		}
	}
	return docs;
}

/** The Qonto layout: <account>/<YYYY-MM>. */
export const qontoLayout = {
	folderStructure: 'accountPeriod',
	accountName: '={{ $json.account }}',
};
