import type { Readable } from 'stream';
import type { HashKind } from '../types/remote';
import { createDropboxContentHasher } from './dropboxContentHash';
import { createMd5Hasher } from './md5';
import { createQuickXorHasher } from './quickXorHash';
import { createSha256Hasher } from './sha256';
import type { Hasher } from './types';

export type { Hasher } from './types';
export { DROPBOX_BLOCK_SIZE } from './dropboxContentHash';

/** An incremental hasher producing the provider's native digest text for `kind`. */
export function createHasher(kind: HashKind): Hasher {
	switch (kind) {
		case 'md5':
			return createMd5Hasher();
		case 'sha256':
			return createSha256Hasher();
		case 'dropboxContentHash':
			return createDropboxContentHasher();
		case 'quickXorHash':
			return createQuickXorHasher();
	}
}

export function hashBuffer(kind: HashKind, buffer: Buffer): string {
	const hasher = createHasher(kind);
	hasher.update(buffer);
	return hasher.digest();
}

/** Reads the stream to its end (without keeping it) and returns its digest. */
export async function hashStream(kind: HashKind, stream: Readable): Promise<string> {
	const hasher = createHasher(kind);
	for await (const chunk of stream)
		hasher.update(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
	return hasher.digest();
}
