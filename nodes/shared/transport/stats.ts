/**
 * Request counters that tests and benchmarks read. "logical" counts each request once however often the
 * pacer retried it; "attempt" counts what actually went on the wire.
 */
export class RequestStats {
	private counts = new Map<string, number>();

	count(provider: string, kind: 'logical' | 'attempt'): void {
		const key = `${provider}:${kind}`;
		this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
	}

	get(provider: string, kind: 'logical' | 'attempt' = 'logical'): number {
		return this.counts.get(`${provider}:${kind}`) ?? 0;
	}

	total(kind: 'logical' | 'attempt' = 'logical'): number {
		let sum = 0;
		for (const [key, value] of this.counts) if (key.endsWith(`:${kind}`)) sum += value;
		return sum;
	}

	reset(): void {
		this.counts = new Map();
	}
}

/** Process-wide counters (one n8n process runs many nodes; tests reset them between runs). */
export const requestStats = new RequestStats();
