import { createNodeCryptoHasher } from './nodeCryptoHasher';
import type { Hasher } from './types';

/** The local folder's hash: lower-case hex SHA-256 of the bytes. */
export function createSha256Hasher(): Hasher {
	return createNodeCryptoHasher('sha256');
}
