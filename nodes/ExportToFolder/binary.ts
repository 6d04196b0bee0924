import {
	NodeOperationError,
	type IBinaryData,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';
import type { Readable } from 'stream';
import { createHasher, hashBuffer } from '../shared/hashes';
import type { HashKind, UploadSource } from '../shared/storage/types';

/**
 * Read size when n8n streams binary data from disk. 1 MiB pieces, not 256 KiB: a quarter of the pieces to read,
 * copy and collect (a 256 MiB export to Drive, three pairs each at load 9-10: CPU of the node's process median
 * 3.5 s -> 2.4 s); still far below one upload chunk.
 */
const STREAM_CHUNK = 1024 * 1024;

/**
 * The smallest read when the item states a smaller size (a page): a size that is wrong (an item built by hand)
 * then costs reads of 4 KiB, never of a few bytes.
 */
const SMALLEST_READ = 4 * 1024;

/** The size n8n recorded when it stored the item's file (`bytes`), when the item carries a usable one. */
function statedSize(binary: IBinaryData): number | undefined {
	const bytes = binary.bytes;
	return typeof bytes === 'number' && Number.isFinite(bytes) && bytes >= 0 ? bytes : undefined;
}

/**
 * Read size for a stored file of `bytes` (stated by the item, or known after a first read): a small file is read in
 * one piece of its size plus the end-of-file read, not in 1 MiB pieces. Node allocates a buffer of the read size
 * for every read, the last, empty one too, and a 12-byte receipt cost two 1 MiB buffers: reading 5,000 such files
 * through n8n's binary data service took 2.2-11 s at 1 MiB, 0.7-0.9 s at their size, 0.8-1.5 s at 4 KiB and
 * 0.8-2.7 s at 64 KiB. Only a hint: the stream reads to the end whatever it says.
 */
export function readSizeFor(bytes: number | undefined): number {
	if (bytes === undefined) return STREAM_CHUNK;
	return Math.min(STREAM_CHUNK, Math.max(SMALLEST_READ, Math.floor(bytes) + 1));
}

/**
 * Whether the item says its stored file fits in one read. Only such files are read several at once: in n8n's
 * database mode (2.x in queue mode) a read holds its whole file, so larger ones are read one at a time.
 */
export function fitsOneRead(binary: IBinaryData): boolean {
	const bytes = statedSize(binary);
	return bytes !== undefined && bytes < STREAM_CHUNK;
}

/**
 * An input file, read without holding it in memory when n8n keeps binary data outside the item (filesystem
 * mode: `binaryData.id`); inline base64 (the in-memory mode) is decoded on each read instead of kept.
 */
export interface InputFile {
	fileName?: string;
	mimeType?: string;
	/** Bytes and the provider's native hash, from one pass over the content. */
	size: number;
	hash: string;
	/**
	 * A fresh source for the upload (a new stream each call), carrying the hash above: the upload compares the
	 * provider's answer with it instead of hashing the file a second time.
	 */
	open(): Promise<UploadSource>;
}

export function binaryOf(
	ctx: IExecuteFunctions,
	item: INodeExecutionData,
	itemIndex: number,
	property: string,
): IBinaryData {
	const binary = item.binary?.[property];
	if (!binary) {
		const available = Object.keys(item.binary ?? {});
		throw new NodeOperationError(
			ctx.getNode(),
			`Item ${itemIndex} has no binary field "${property}"`,
			{
				itemIndex,
				description: available.length
					? `Its binary fields are: ${available.map((k) => `"${k}"`).join(', ')}. Set "Input Binary Field" to one of them.`
					: 'It carries no binary data at all: put the file into the item first (e.g. ' +
						'with an HTTP Request or Read File node), or set "Input Binary Field".',
			},
		);
	}
	return binary;
}

async function openStream(ctx: IExecuteFunctions, id: string, readSize: number): Promise<Readable> {
	return await ctx.helpers.getBinaryStream(id, readSize);
}

/**
 * The item's file, read once for its size and hash. Inline data is read at once (no promise: an idle export at
 * 100,000 records awaited one per item); data n8n keeps outside the item is streamed.
 */
export function readInputFile(
	ctx: IExecuteFunctions,
	binary: IBinaryData,
	hashKind: HashKind,
): InputFile | Promise<InputFile> {
	return isStoredFile(binary)
		? readStoredFile(ctx, binary, binary.id, hashKind)
		: readInlineFile(binary, hashKind);
}

/** Whether n8n keeps the item's file outside the item (filesystem, S3 or database mode): read it with a promise. */
export function isStoredFile(binary: IBinaryData): binary is IBinaryData & { id: string } {
	return Boolean(binary.id);
}

/** A file n8n keeps outside the item, streamed for its size and hash in pieces of at most 1 MiB: never held whole. */
export async function readStoredFile(
	ctx: IExecuteFunctions,
	binary: IBinaryData,
	id: string,
	hashKind: HashKind,
): Promise<InputFile> {
	const hasher = createHasher(hashKind);
	let size = 0;
	for await (const chunk of await openStream(ctx, id, readSizeFor(statedSize(binary)))) {
		const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
		size += buffer.length;
		hasher.update(buffer);
	}
	const hash = hasher.digest();
	return {
		fileName: binary.fileName,
		mimeType: binary.mimeType,
		size,
		hash,
		open: async () => ({
			size,
			stream: await openStream(ctx, id, readSizeFor(size)),
			hash: { kind: hashKind, value: hash },
		}),
	};
}

export function readInlineFile(binary: IBinaryData, hashKind: HashKind): InputFile {
	const data = Buffer.from(binary.data, 'base64');
	const size = data.length;
	const hash = hashBuffer(hashKind, data);
	return {
		fileName: binary.fileName,
		mimeType: binary.mimeType,
		size,
		hash,
		// Decoded again for the upload instead of kept: the run holds no item's bytes.
		open: async () => ({
			size,
			data: Buffer.from(binary.data, 'base64'),
			hash: { kind: hashKind, value: hash },
		}),
	};
}
