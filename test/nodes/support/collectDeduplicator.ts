import { DataDeduplicationService } from 'n8n-core';
import type {
	DeduplicationItemTypes,
	DeduplicationScope,
	ICheckProcessedContextData,
	IDataDeduplicator,
	IDeduplicationOutput,
} from 'n8n-workflow';

/**
 * n8n's deduplication store (the `processed_data` table behind helpers.checkProcessedAndRecord) as an in-memory
 * map with the same contexts: "w:<workflow id>" or "n:<node id>". n8n's own store is a database read-modify-write
 * without a lock; this one answers each call atomically, which is the best case of that store.
 */
export class MemoryDeduplicator implements IDataDeduplicator {
	readonly contexts = new Map<string, Set<string>>();
	calls = 0;

	private context(scope: DeduplicationScope, data: ICheckProcessedContextData): Set<string> {
		const key = scope === 'node' ? `n:${data.node?.id}` : `w:${data.workflow.id}`;
		let set = this.contexts.get(key);
		if (!set) this.contexts.set(key, (set = new Set()));
		return set;
	}

	async checkProcessedAndRecord(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		data: ICheckProcessedContextData,
	): Promise<IDeduplicationOutput> {
		this.calls++;
		const set = this.context(scope, data);
		const output: IDeduplicationOutput = { new: [], processed: [] };
		for (const item of items) {
			const value = String(item);
			if (set.has(value)) output.processed.push(item);
			else {
				set.add(value);
				output.new.push(item);
			}
		}
		return output;
	}

	async removeProcessed(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		data: ICheckProcessedContextData,
	): Promise<void> {
		const set = this.context(scope, data);
		for (const item of items) set.delete(String(item));
	}

	async clearAllProcessedItems(
		scope: DeduplicationScope,
		data: ICheckProcessedContextData,
	): Promise<void> {
		this.context(scope, data).clear();
	}

	async getProcessedDataCount(
		scope: DeduplicationScope,
		data: ICheckProcessedContextData,
	): Promise<number> {
		return this.context(scope, data).size;
	}
}

let installed: MemoryDeduplicator | undefined;

/** Installs the store once per test file (n8n-core allows one instance per process). */
export async function installDeduplicator(): Promise<MemoryDeduplicator> {
	if (!installed) {
		installed = new MemoryDeduplicator();
		await DataDeduplicationService.init(installed);
	}
	return installed;
}
