import { Readable } from 'stream';
import { createHasher } from '../../hashes';
import { isNetworkError } from '../../transport/pacer';
import { CloudError } from '../../types/cloudError';
import type { DropboxMeta } from './items';

export interface DownloadResponse {
	status: number;
	headers: Record<string, string>;
	body: Readable;
}

export interface ResumableDownloadDeps {
	/** Open the file's bytes from `offset` (Range), pinned to `rev` once known. Error answers throw CloudError. */
	open: (offset: number, rev?: string) => Promise<DownloadResponse>;
	backoff: (attempt: number) => Promise<void>;
	maxResumes?: number;
	target: string;
}

/**
 * The file as a stream that survives cuts: each cut re-opens the same revision with `Range: bytes=<received>-`.
 * The content hash is checked at the end, so a resumed download cannot silently deliver different bytes.
 */
export async function resumableDownload(deps: ResumableDownloadDeps): Promise<Readable> {
	const first = await deps.open(0);
	const meta = JSON.parse(first.headers['dropbox-api-result'] ?? '{}') as DropboxMeta;
	const size = meta.size ?? Number.POSITIVE_INFINITY;
	const maxResumes = deps.maxResumes ?? 5;

	async function* bytes(): AsyncGenerator<Buffer> {
		const hasher = createHasher('dropboxContentHash');
		let body = first.body;
		let received = 0;
		let resumes = 0;
		let skip = 0;
		for (;;) {
			try {
				for await (const piece of body) {
					let chunk = Buffer.isBuffer(piece) ? piece : Buffer.from(piece as Uint8Array);
					if (skip > 0) {
						const dropped = Math.min(skip, chunk.length);
						chunk = chunk.subarray(dropped);
						skip -= dropped;
						if (chunk.length === 0) continue;
					}
					received += chunk.length;
					hasher.update(chunk);
					yield chunk;
				}
			} catch (error) {
				if (!isNetworkError(error)) throw error;
			}
			if (received >= size || !Number.isFinite(size)) break;
			if (++resumes > maxResumes) {
				throw new CloudError(
					'transient',
					`The download of "${deps.target}" kept breaking off after ${received} of ${size} bytes; try again`,
					{
						target: deps.target,
					},
				);
			}
			await deps.backoff(resumes);
			const next = await deps.open(received, meta.rev);
			body = next.body;
			// A server that ignores Range answers 200 with everything: drop what we already have.
			skip = next.status === 200 ? received : 0;
		}
		if (meta.content_hash && hasher.digest() !== meta.content_hash) {
			throw new CloudError(
				'integrity',
				`The bytes downloaded for "${deps.target}" do not match Dropbox's content hash`,
				{ target: deps.target },
			);
		}
	}

	return Readable.from(bytes(), { objectMode: false });
}
