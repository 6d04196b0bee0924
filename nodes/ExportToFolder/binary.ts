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

async function openStream(ctx: IExecuteFunctions, id: string): Promise<Readable> {
	return await ctx.helpers.getBinaryStream(id, STREAM_CHUNK);
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
	return binary.id
		? readStoredFile(ctx, binary, binary.id, hashKind)
		: readInlineFile(binary, hashKind);
}

async function readStoredFile(
	ctx: IExecuteFunctions,
	binary: IBinaryData,
	id: string,
	hashKind: HashKind,
): Promise<InputFile> {
	const hasher = createHasher(hashKind);
	let size = 0;
	for await (const chunk of await openStream(ctx, id)) {
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
			stream: await openStream(ctx, id),
			hash: { kind: hashKind, value: hash },
		}),
	};
}

function readInlineFile(binary: IBinaryData, hashKind: HashKind): InputFile {
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
