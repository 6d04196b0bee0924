/**
 * Calls `work` once for every entry, with at most `width` calls pending at once, and resolves when all are done.
 * `work` must handle its own errors: one that throws rejects the whole at once while the others run on.
 */
export async function forEachAtMost<T>(
	entries: readonly T[],
	width: number,
	work: (entry: T) => Promise<void>,
): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < entries.length) await work(entries[next++]);
	};
	await Promise.all(Array.from({ length: Math.min(width, entries.length) }, worker));
}
