import { createNodeCryptoHasher } from './nodeCryptoHasher';
import type { Hasher } from './types';

/** Google Drive's md5Checksum: lower-case hex MD5 of the bytes. */
export function createMd5Hasher(): Hasher {
	return createNodeCryptoHasher('md5');
}
