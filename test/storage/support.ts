import { createHash } from 'crypto';
import { Readable } from 'stream';
import type { ChangeBatch, RemoteItem, StorageProvider } from '../../nodes/shared/storage/types';

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
	const out: T[] = [];
	for await (const item of items) out.push(item);
	return out;
}

export async function readAll(stream: Readable): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream)
		chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
	return Buffer.concat(chunks);
}

/** Pattern period: a prime, so the repetition never lines up with chunk or block boundaries. */
const PERIOD = 1_048_583;
const tiles = new Map<string, Buffer>();

/** One period of pseudo-random bytes for `seed` (SHA-256 in counter mode), made once per seed. */
function tile(seed: string): Buffer {
	let found = tiles.get(seed);
	if (!found) {
		found = Buffer.alloc(PERIOD);
		for (let i = 0, offset = 0; offset < PERIOD; i++) {
			offset += createHash('sha256').update(`${seed}:${i}`).digest().copy(found, offset);
		}
		tiles.set(seed, found);
	}
	return found;
}

/** `size` deterministic bytes starting at offset `start` of the endless pattern named by `seed`. */
export function patternBytes(size: number, seed: string, start = 0): Buffer {
	const pattern = tile(seed);
	const out = Buffer.alloc(size);
	for (let offset = 0; offset < size;) {
		offset += pattern.copy(out, offset, (start + offset) % PERIOD);
	}
	return out;
}

/** The same bytes as patternBytes, streamed from a generator in `chunk`-sized pieces: never held in memory. */
export function patternStream(size: number, seed: string, chunk = 256 * 1024): Readable {
	async function* generate(): AsyncGenerator<Buffer> {
		for (let offset = 0; offset < size; offset += chunk)
			yield patternBytes(Math.min(chunk, size - offset), seed, offset);
	}
	return Readable.from(generate(), { objectMode: false });
}

/** Finds or creates each folder of `segments` under `rootId`, as the export node does: idempotent. */
export async function ensurePath(
	provider: StorageProvider,
	rootId: string,
	segments: string[],
): Promise<RemoteItem> {
	let parent = await provider.getItem(rootId);
	if (!parent) throw new Error(`root ${rootId} is gone`);
	for (const name of segments) {
		parent =
			(await provider.findChild(parent.id, name, 'folder')) ??
			(await provider.createFolder(parent.id, name));
	}
	return parent;
}

/**
 * What a caller knows about a watched folder after applying change batches: deltas by id (or by path, for
 * Dropbox deletions), snapshots by replacing everything.
 */
export class ChangeTracker {
	readonly byId = new Map<string, RemoteItem>();

	constructor(initial: RemoteItem[] = []) {
		for (const item of initial) this.byId.set(item.id, item);
	}

	apply(batch: ChangeBatch): void {
		if (batch.snapshot) this.byId.clear();
		for (const change of batch.changes) {
			if (change.type === 'upsert') {
				this.byId.set(change.item.id, change.item);
				continue;
			}
			if (change.id !== undefined) this.removeWithDescendants(change.id);
			if (change.path !== undefined) {
				const gone = change.path.toLowerCase();
				for (const [id, item] of this.byId) {
					const path = (item.path ?? '').toLowerCase();
					if (path === gone || path.startsWith(`${gone}/`)) this.byId.delete(id);
				}
			}
		}
	}

	byPath(path: string): RemoteItem | undefined {
		return [...this.byId.values()].find((item) => item.path === path);
	}

	paths(): string[] {
		return [...this.byId.values()].map((item) => item.path ?? item.name).sort();
	}

	private removeWithDescendants(id: string): void {
		const item = this.byId.get(id);
		this.byId.delete(id);
		if (item?.isFolder && item.path) {
			for (const [otherId, other] of this.byId) {
				if (other.path?.startsWith(`${item.path}/`)) this.byId.delete(otherId);
			}
		}
	}
}
