import type { ExportState } from '../state/exportState';
import type { ChangeBatch } from '../types/remote';

/**
 * State saved by an earlier release names some files and folders by their former id (local items before their ids
 * carried the birth time). An item the batch shows under its former id is the same item: its record or cached
 * folder takes today's id, so the planner matches it as before instead of taking it for deleted (a cached folder
 * taken for deleted would stop its documents). Pure; returns `state` itself when nothing names a former id.
 */
export function withCurrentIds(state: ExportState, batch: ChangeBatch): ExportState {
	const currentByFormer = new Map<string, string>();
	for (const change of batch.changes) {
		if (change.type === 'upsert' && change.item.formerId !== undefined)
			currentByFormer.set(change.item.formerId, change.item.id);
	}
	if (currentByFormer.size === 0) return state;
	let records: ExportState['records'] | undefined;
	for (const [key, record] of state.records) {
		const current = currentByFormer.get(record.id);
		if (current === undefined) continue;
		records ??= new Map(state.records);
		records.set(key, { ...record, id: current });
	}
	let folders: ExportState['folders'] | undefined;
	state.folders.forEach((folder, index) => {
		const current = folder && currentByFormer.get(folder.id);
		if (!folder || current === undefined) return;
		folders ??= [...state.folders];
		folders[index] = { ...folder, id: current };
	});
	if (!records && !folders) return state;
	return { ...state, ...(records && { records }), ...(folders && { folders }) };
}
