/**
 * How big a session upload's chunks are, chosen from a model of the link rather than guessed.
 *
 * Every chunk is a request of its own, and through n8n's request helper every request is also a new connection:
 * n8n-core builds a fresh http(s).Agent for each call (request-helper-functions.ts, setAxiosAgents) and
 * IHttpRequestOptions has no way to hand it one, so nothing is kept alive between chunks. A chunk therefore pays
 * the TCP handshake, the TLS handshake and its own request/answer turn, three round trips in which no content
 * moves, while a plain PUT pays them once. The fraction of an upload lost to those turns is
 * turns / (turns + chunk / bandwidth); a chunk large enough keeps it under the target.
 */
export interface LinkModel {
	/** Round trip between the n8n host and the cloud. */
	roundTripMs: number;
	/** Upstream bandwidth, bytes per second. */
	bytesPerSecond: number;
	/** Round trips per chunk in which no content moves (TCP + TLS 1.3 handshakes, the answer). */
	idleTurnsPerChunk: number;
	/** The largest share of the upload time the per-chunk turns may take. */
	maxOverhead: number;
}

const MIB = 1024 * 1024;

/**
 * The link the defaults are chosen for: 40 ms to the cloud's front end (the bench's relay models the same) and
 * 100 Mbit/s upstream, a fibre or office line; over a slower line the turns weigh less, over a faster one more.
 */
export const DEFAULT_LINK: LinkModel = {
	roundTripMs: 40,
	bytesPerSecond: 100e6 / 8,
	idleTurnsPerChunk: 3,
	maxOverhead: 0.1,
};

/** Upload memory is two chunks (one on the wire, the next being read): this keeps it at 64 MiB or less. */
export const MAX_CHUNK_SIZE = 32 * MIB;

/**
 * The smallest multiple of `alignment` whose per-chunk turns stay within the model's overhead, capped at
 * MAX_CHUNK_SIZE (rounded down to the alignment). At the default link: 13 MiB in 256 KiB units (Drive), 16 MiB
 * in 4 MiB units (Dropbox), 13.1 MiB in 320 KiB units (Graph); the 8 and 10 MiB chunks used before lost 15% and
 * 12.5% to the turns.
 */
export function chunkSizeFor(alignment: number, link: LinkModel = DEFAULT_LINK): number {
	const idleSeconds = (link.idleTurnsPerChunk * link.roundTripMs) / 1000;
	// overhead = idle / (idle + chunk / bandwidth) <= maxOverhead  <=>  chunk >= bandwidth * idle * (1 - max) / max
	const needed = (link.bytesPerSecond * idleSeconds * (1 - link.maxOverhead)) / link.maxOverhead;
	const aligned = Math.max(alignment, Math.ceil(needed / alignment) * alignment);
	const cap = Math.max(alignment, Math.floor(MAX_CHUNK_SIZE / alignment) * alignment);
	return Math.min(aligned, cap);
}

/** The share of an upload's time a chunk of `chunkSize` loses to its turns on `link` (for tests and the README). */
export function turnOverhead(chunkSize: number, link: LinkModel = DEFAULT_LINK): number {
	const idle = (link.idleTurnsPerChunk * link.roundTripMs) / 1000;
	return idle / (idle + chunkSize / link.bytesPerSecond);
}
