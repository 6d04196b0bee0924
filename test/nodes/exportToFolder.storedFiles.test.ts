import { Container } from '@n8n/di';
import { randomBytes } from 'crypto';
import { mkdtempSync, rmSync, statSync } from 'fs';
import { BinaryDataService } from 'n8n-core';
import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { tmpdir } from 'os';
import { join } from 'path';
import type { Readable } from 'stream';
import { ExportToFolder } from '../../nodes/ExportToFolder/ExportToFolder.node';
import { hashBuffer } from '../../nodes/shared/hashes';
import type { HashKind } from '../../nodes/shared/storage/types';
import { WorkflowHarness } from '../harness/workflow';
import type { CloudKind } from './support/nodeFixtures';
import {
	cloudDestination,
	docItem,
	EXPORT,
	type ExportDestination,
} from './support/exportWorkflow';

/** n8n 2.x's default binary mode: files on disk, items carry only an id (research/n8n-host.md section 4). */
const storagePath = mkdtempSync(join(tmpdir(), 'cloudsync-stored-'));
process.env.N8N_BINARY_DATA_STORAGE_PATH = storagePath;
process.env.N8N_RESTRICT_FILE_ACCESS_TO = tmpdir();

const KiB = 1024;
const MiB = 1024 * KiB;

/** Each cloud's native content hash, as its provider declares it. */
const HASH_KIND: Record<Exclude<CloudKind, 'sharePoint'>, HashKind> = {
	googleDrive: 'md5',
	oneDrive: 'quickXorHash',
	dropbox: 'dropboxContentHash',
};

/**
 * Between the input and the export, as an upstream node could leave the items: the file of an item whose json says
 * `lose` is gone from n8n's storage (an unreadable file), and an item whose json says `statedBytes` claims that size.
 */
class Tamper implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Tamper',
		name: 'tamper',
		group: ['transform'],
		version: 1,
		description: 'Loses or mislabels stored files',
		defaults: { name: 'Tamper' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		for (const item of items) {
			const binary = item.binary!.data;
			if (item.json.lose) rmSync(this.helpers.getBinaryPath(binary.id!));
			if (typeof item.json.statedBytes === 'number') binary.bytes = item.json.statedBytes;
		}
		return [items];
	}
}

/** Sizes around the read sizes: empty, one page, one read, two reads, Dropbox's 4 MiB block. */
const CONTENTS: Array<{ id: string; content: Buffer; json?: IDataObject }> = [
	...[0, 1, 12, 4 * KiB - 1, 4 * KiB, 4 * KiB + 1, 100 * KiB, MiB - 1].map((size, n) => ({
		id: `small${n}`,
		content: randomBytes(size),
	})),
	{ id: 'oneMiB', content: randomBytes(MiB) },
	{ id: 'large', content: randomBytes(4 * MiB + 5) },
	// Says 12 bytes, holds 300 KiB: the size is a hint, the file is read to its end.
	{ id: 'mislabelled', content: randomBytes(300 * KiB), json: { statedBytes: 12 } },
	// Says nothing usable: read as before, in 1 MiB pieces.
	{ id: 'unlabelled', content: randomBytes(2 * MiB + 3), json: { statedBytes: -1 } },
	{ id: 'lost', content: randomBytes(2 * KiB), json: { lose: true } },
	// Many small ones after the large: they are read several at once, their results in input order.
	...Array.from({ length: 40 }, (_, n) => ({ id: `batch${n}`, content: randomBytes(n * 97) })),
];

/** Streams of n8n's binary data service being read: the most at once, and whether a large one ever had company. */
function watchStreams() {
	const service = Container.get(BinaryDataService);
	const original = service.getAsStream.bind(service);
	const seen = { open: 0, most: 0, largeShared: false, largeOpen: 0 };
	service.getAsStream = async (id: string, chunkSize?: number) => {
		const stream: Readable = await original(id, chunkSize);
		const large = statSync(service.getPath(id)).size >= MiB;
		seen.open++;
		if (large) seen.largeOpen++;
		seen.most = Math.max(seen.most, seen.open);
		if (seen.largeOpen > 0 && seen.open > 1) seen.largeShared = true;
		// Done when all its bytes were read (its descriptor is closed a moment later, on a file thread).
		let done = false;
		const finish = () => {
			if (done) return;
			done = true;
			seen.open--;
			if (large) seen.largeOpen--;
		};
		stream.once('end', finish).once('close', finish);
		return stream;
	};
	return { seen, restore: () => (service.getAsStream = original) };
}

describe('Export to Folder reads files n8n keeps on disk as it reads inline ones (n8n engine)', () => {
	let destination: ExportDestination | undefined;
	beforeAll(async () => {
		await Container.get(BinaryDataService).init();
	});
	afterEach(async () => {
		await destination?.close();
		destination = undefined;
	});
	afterAll(() => {
		rmSync(storagePath, { recursive: true, force: true });
	});

	test.each<keyof typeof HASH_KIND>(['googleDrive', 'oneDrive', 'dropbox'])(
		'%s: same size and hash per item, the lost file the same item error, input order, bounded reads',
		async (kind) => {
			destination = await cloudDestination(kind);
			const harness = new WorkflowHarness()
				.registerNode('tamper', new Tamper())
				.registerNode('exportToFolder', new ExportToFolder());
			harness.addNode({ name: 'Tamper', type: 'tamper' });
			harness.addNode({
				name: EXPORT,
				type: 'exportToFolder',
				parameters: { operation: 'export', ...destination.parameters },
				credentials: destination.attach(harness),
				continueOnFail: true,
			});
			const hashKind = HASH_KIND[kind];
			const input = CONTENTS.map((doc) => {
				const item = docItem(doc);
				item.json = { ...item.json, ...doc.json };
				return item;
			});
			const run = async () => {
				const streams = watchStreams();
				try {
					const result = await harness.run({ input });
					return { json: result.output(EXPORT).map((item) => item.json), streams: streams.seen };
				} finally {
					streams.restore();
				}
			};

			const first = await run();
			// What the inline path (the one-shot hash of the whole content) gives, item by item, in input order.
			const expected = (action: string) =>
				CONTENTS.map(({ id, content }) =>
					id === 'lost'
						? { recordKey: id, action: 'failed' }
						: { recordKey: id, action, size: content.length, hash: hashBuffer(hashKind, content) },
				);
			expect(
				first.json.map(({ recordKey, action, size, hash }) => ({ recordKey, action, size, hash })),
			).toEqual(expected('created').map((e) => ({ size: undefined, hash: undefined, ...e })));
			const lost = first.json.find((json) => json.recordKey === 'lost')!;
			// As when every file was read one after another (main before issue 17's change gave this text).
			expect(lost.error).toMatch(/^[\w ]+: Failed \(item 12\) - File not found\. Run again;/);

			// The idle run reads every file again and uploads nothing: the streams seen are the reads alone.
			const again = await run();
			expect(
				again.json.map(({ recordKey, action, size, hash }) => ({ recordKey, action, size, hash })),
			).toEqual(expected('unchanged').map((e) => ({ size: undefined, hash: undefined, ...e })));
			expect(again.json.find((json) => json.recordKey === 'lost')!.error).toBe(lost.error);
			expect(again.streams.most).toBeGreaterThan(1);
			expect(again.streams.most).toBeLessThanOrEqual(16);
			expect(again.streams.largeShared).toBe(false);
		},
	);
});
