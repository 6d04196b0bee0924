import { createHasher, type Hasher } from '../hashes';
import type { HashKind, UploadSource } from './types';

/**
 * The hasher of an upload, whose digest it compares with the provider's answer: the one its caller already
 * computed when it is of the provider's kind (Export hashed the file to plan; a 2 GiB file read and md5-hashed twice
 * cost Drive a fifth of its upload), otherwise one computed as the bytes go out. Either way the check stays: the
 * provider's hash of what it stored must equal the content's.
 */
export function contentHasher(source: UploadSource, kind: HashKind): Hasher {
	const known = source.hash?.kind === kind ? source.hash.value : undefined;
	if (known === undefined) return createHasher(kind);
	return { update: () => undefined, digest: () => known };
}
