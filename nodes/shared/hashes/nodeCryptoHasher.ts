import { createHash } from 'crypto';
import type { Hasher } from './types';

/** A plain node:crypto digest (md5, sha256) as a hex Hasher. */
export function createNodeCryptoHasher(algorithm: 'md5' | 'sha256'): Hasher {
	const hash = createHash(algorithm);
	return {
		update: (chunk) => {
			hash.update(chunk);
		},
		digest: () => hash.digest('hex'),
	};
}
