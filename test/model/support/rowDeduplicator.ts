import { createHash } from 'crypto';

/**
 * n8n's deduplication store as it really behaves under concurrency (n8n 1.123.81 and 2.41.1 run the same code:
 * packages/cli/src/deduplication/deduplication-helper.ts, mode 'entries'): one row per (context, workflowId),
 * the primary key, holding an array of MD5 hashes. A check reads the row (findOne), then either INSERTs a new row
 * (answering every value "new"; a second INSERT of the same key fails with PostgreSQL's unique violation) or
 * computes new/processed against what it read and UPDATEs the whole row with that copy. removeProcessed is the
 * same read then write; clearAllProcessedItems is a DELETE. Every database statement is one step: `step` is
 * awaited before it, so a test scheduler chooses which execution's statement runs next.
 *
 * Unlike test/nodes/support/collectDeduplicator.ts (each call atomic, the store's best case), this one lets two
 * calls interleave exactly where n8n's do.
 */
export class RowDeduplicator {
	/** "context|workflowId" -> the row's hashes (a copy is taken on every read, as the ORM does). */
	readonly rows = new Map<string, string[]>();
	statements = 0;

	constructor(
		private readonly step: (label: string) => Promise<void>,
		private readonly workflowId = 'wf1',
	) {}

	private key(context: string): string {
		return `${context}|${this.workflowId}`;
	}

	private async findOne(context: string, who: string): Promise<string[] | undefined> {
		await this.step(`${who} SELECT ${context || 'workflow'}`);
		this.statements++;
		const row = this.rows.get(this.key(context));
		return row ? [...row] : undefined;
	}

	private async insert(context: string, data: string[], who: string): Promise<void> {
		await this.step(`${who} INSERT ${context || 'workflow'}`);
		this.statements++;
		if (this.rows.has(this.key(context))) {
			throw new Error('duplicate key value violates unique constraint "PK_processed_data"');
		}
		this.rows.set(this.key(context), [...data]);
	}

	private async update(context: string, data: string[], who: string): Promise<void> {
		await this.step(`${who} UPDATE ${context || 'workflow'}`);
		this.statements++;
		// UPDATE ... WHERE the key: no row, nothing written.
		if (this.rows.has(this.key(context))) this.rows.set(this.key(context), [...data]);
	}

	async checkProcessedAndRecord(
		context: string,
		items: string[],
		who: string,
	): Promise<{ new: string[]; processed: string[] }> {
		const hashed = items.map(hash);
		const row = await this.findOne(context, who);
		if (!row) {
			await this.insert(context, hashed, who);
			return { new: [...items], processed: [] };
		}
		const seen = new Set(row);
		const result = { new: [] as string[], processed: [] as string[] };
		hashed.forEach((h, i) => {
			if (seen.has(h)) result.processed.push(items[i]);
			else {
				result.new.push(items[i]);
				row.push(h);
			}
		});
		await this.update(context, row, who);
		return result;
	}

	async removeProcessed(context: string, items: string[], who: string): Promise<void> {
		const row = await this.findOne(context, who);
		if (!row) return;
		for (const h of items.map(hash)) {
			const at = row.indexOf(h);
			if (at !== -1) row.splice(at, 1);
		}
		await this.update(context, row, who);
	}

	async clear(context: string, who: string): Promise<void> {
		await this.step(`${who} DELETE ${context || 'workflow'}`);
		this.statements++;
		this.rows.delete(this.key(context));
	}

	/** Whether the workflow row holds this value now. */
	holds(value: string): boolean {
		return (this.rows.get(this.key('')) ?? []).includes(hash(value));
	}

	/**
	 * The helpers n8n hands one node of one execution (`ctx.helpers`): the workflow scope is context '', the
	 * node scope `n:<node id>`.
	 */
	helpersFor(nodeId: string, who: string) {
		const context = (scope: string) => (scope === 'node' ? `n:${nodeId}` : '');
		return {
			checkProcessedAndRecord: async (items: unknown[], scope: string) =>
				await this.checkProcessedAndRecord(context(scope), items.map(String), who),
			removeProcessed: async (items: unknown[], scope: string) =>
				await this.removeProcessed(context(scope), items.map(String), who),
			clearAllProcessedItems: async (scope: string) => await this.clear(context(scope), who),
		};
	}
}

function hash(value: string): string {
	return createHash('md5').update(value).digest('base64');
}
