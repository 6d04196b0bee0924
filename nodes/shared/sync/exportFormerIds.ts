import type { ExportState } from '../state/exportState';
import type { ChangeBatch } from '../types/remote';

/**
 * State saved by an earlier release names some files by their former id (local files before their ids carried the
 * birth time). A file the batch shows under its former id is the same file: its record takes today's id, so the
 * planner matches it as before instead of taking it for deleted (or re-uploading it). Pure; returns `state` itself
 * when no record names a former id.
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
	return records ? { ...state, records } : state;
}
