import { Container } from '@n8n/di';
import { createHash, randomBytes } from 'crypto';
import { mkdtempSync, rmSync } from 'fs';
import { BinaryDataService } from 'n8n-core';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { tmpdir } from 'os';
import { join } from 'path';
import { ExportToFolder } from '../../nodes/ExportToFolder/ExportToFolder.node';
import { chunkSizeFor } from '../../nodes/shared/storage/chunkSize';
import { DRIVE_CHUNK_ALIGNMENT } from '../../nodes/shared/storage/googleDrive/upload';
import {
	cloudDestination,
	countActions,
	exportWorkflow,
	filesBelow,
	localDestination,
	type ExportDestination,
} from './support/exportWorkflow';
import { peakHeldGrowth } from '../support/liveMemory';

/** n8n's default binary mode on 2.x: files on disk, items carry only an id (research/n8n-host.md section 4). */
const storagePath = mkdtempSync(join(tmpdir(), 'cloudsync-binary-'));
process.env.N8N_BINARY_DATA_STORAGE_PATH = storagePath;
// Read once, when n8n's security config is first built (here: by the binary data service).
process.env.N8N_RESTRICT_FILE_ACCESS_TO = tmpdir();

/** Export to Folder, sampling memory while its execute() runs (and only then). */
class MeasuredExport extends ExportToFolder {
	static peakOverStart = 0;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		let result: INodeExecutionData[][] = [];
		MeasuredExport.peakOverStart = await peakHeldGrowth(
			async () => {
				result = await ExportToFolder.prototype.execute.call(this);
			},
			SIZE / 3,
			2,
		);
		return result;
	}
}

const MiB = 1024 * 1024;
/** Measured: +30 MiB at 32 MiB, +34 MiB at 128 MiB: a fixed overhead (GC lag, engine), not the file. */
const SIZE = 128 * MiB;

describe('Export to Folder with binary data on disk (streamed, n8n engine)', () => {
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

	test('a 128 MiB file goes to the local folder with flat memory', async () => {
		destination = await localDestination();
		const flow = exportWorkflow(destination);
		flow.harness.registerNode('exportToFolder', new MeasuredExport());
		const content = randomBytes(SIZE);
		const digest = createHash('sha256').update(content).digest('hex');

		const first = await flow.run([{ id: 'big', content }]);
		expect(countActions(first.json)).toEqual({ created: 1 });
		expect(first.json[0]).toMatchObject({ size: SIZE, hash: digest });
		const uploadPeak = MeasuredExport.peakOverStart;
		const stored = await destination.fixture.user.read('big.pdf');
		expect(stored && createHash('sha256').update(stored).digest('hex')).toBe(digest);
		// Streaming: the node holds chunks, never the file, although it reads it twice (hash, then upload).
		expect(uploadPeak).toBeLessThan(SIZE / 3);
		console.log(
			`export binary: ${SIZE / MiB} MiB to the local folder, node memory peak +${(uploadPeak / MiB).toFixed(1)} MiB`,
		);
	});

	test('a file of two and a half chunks goes to Google Drive in resumable chunks, byte-exact', async () => {
		destination = await cloudDestination('googleDrive');
		const flow = exportWorkflow(destination);
		// The node's own chunk size (the link model's), so the file takes three chunks whatever the model gives.
		const chunkSize = chunkSizeFor(DRIVE_CHUNK_ALIGNMENT);
		const content = randomBytes(2 * chunkSize + 4 * MiB);
		const before = destination.counts();
		const first = await flow.run([{ id: 'scan', content }]);
		expect(countActions(first.json)).toEqual({ created: 1 });
		const fake = (
			destination.fixture as unknown as {
				fake: {
					requests(f?: {
						since?: number;
					}): Array<{ method: string; path: string; query: string; bytesIn: number }>;
				};
			}
		).fake;
		const chunks = fake
			.requests()
			.filter((r) => r.method === 'PUT' && r.path.startsWith('/upload/drive/v3/files'));
		expect(chunks.length).toBeGreaterThanOrEqual(3);
		expect(Math.max(...chunks.map((c) => c.bytesIn))).toBeLessThanOrEqual(chunkSize);
		expect(destination.counts().uploads - before.uploads).toBe(1 + chunks.length);
		const files = await filesBelow(destination.fixture.provider, destination.fixture.rootId);
		expect(files.get('scan.pdf')!.hash).toBe(createHash('md5').update(content).digest('hex'));
		// Unchanged next run: hashed from the stream, compared, nothing sent.
		const again = destination.counts();
		expect(countActions((await flow.run([{ id: 'scan', content }])).json)).toEqual({
			unchanged: 1,
		});
		expect(destination.counts().uploads - again.uploads).toBe(0);
	});
});
