/** An incremental content hash: feed chunks in order, then read the provider's textual digest once. */
export interface Hasher {
	update(chunk: Buffer): void;
	/** Hex for md5/sha256/dropboxContentHash, base64 for quickXorHash. Call once, after the last update. */
	digest(): string;
}
