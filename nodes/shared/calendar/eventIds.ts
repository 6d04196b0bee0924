import { createHash } from 'crypto';

/**
 * Event ids derived from activity ids, so that inserts are idempotent (Google answers 409 for a taken id) and a
 * lost state can re-link every event. Google accepts base32hex ids ([a-v0-9], 5 to 1024 characters); ids made
 * only of those characters are kept readable, anything else (upper case, '-', '#', non-ASCII, ...) is encoded.
 * The prefixes differ, so a plain id can never collide with an encoded one.
 */
const PLAIN = 'csa0';
const ENCODED = 'csb0';
const HASHED = 'csc0';
const MAX_ID = 1024;
const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';

export function eventIdForActivity(activityId: string): string {
	if (/^[a-v0-9]+$/.test(activityId) && PLAIN.length + activityId.length <= MAX_ID)
		return PLAIN + activityId;
	const encoded = base32hex(Buffer.from(activityId, 'utf8'));
	if (ENCODED.length + encoded.length <= MAX_ID) return ENCODED + encoded;
	// Very long ids: a SHA-256 digest still names the activity deterministically.
	return HASHED + base32hex(createHash('sha256').update(activityId, 'utf8').digest());
}

export function isValidEventId(id: string): boolean {
	return /^[a-v0-9]{5,1024}$/.test(id);
}

/** RFC 4648 base32hex, lower case, no padding. */
export function base32hex(bytes: Buffer): string {
	let out = '';
	let buffer = 0;
	let bits = 0;
	for (const byte of bytes) {
		buffer = (buffer << 8) | byte;
		bits += 8;
		while (bits >= 5) {
			out += BASE32HEX[(buffer >>> (bits - 5)) & 31];
			bits -= 5;
		}
		buffer &= (1 << bits) - 1;
	}
	if (bits > 0) out += BASE32HEX[(buffer << (5 - bits)) & 31];
	return out;
}
