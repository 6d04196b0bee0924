import { mkdtemp, rm } from 'fs/promises';
import { tmpdir } from 'os';
import { join } from 'path';
import { Transform } from 'stream';
import { createHasher } from '../../nodes/shared/hashes';
import { LocalFolderStorage } from '../../nodes/shared/storage/localFolder';
import type { StorageKind, StorageProvider } from '../../nodes/shared/storage/types';
import { remoteStorage, startFakeHost, type FakeHost } from './fakeHostClient';
import { patternStream } from './support';
import { peakHeldGrowth } from '../support/liveMemory';

/**
 * A 256 MiB file goes up and comes back down through each provider while the process is sampled: memory must stay
 * flat (heap and buffers held grow under 64 MiB; see test/support/liveMemory.ts). The fakes run in a child process so what they hold is not counted here; the file is
 * generated chunk by chunk and verified by hash, never held whole.
 */
const SIZE = 256 * 1024 * 1024;
const GROWTH_LIMIT = 64 * 1024 * 1024;
const MiB = 1024 * 1024;

interface Measured {
	ms: number;
	/** Peak growth of the heap plus buffers, garbage the collector had not reached yet left out (the assertion). */
	heldGrowth: number;
	/** Peak growth of the resident set (printed only: freed pages stay in it, more so on a loaded machine). */
	rssGrowth: number;
}

/** Runs `work` while sampling memory every 20 ms; growth is the peak minus the level just before. */
async function measure(work: () => Promise<void>): Promise<Measured> {
	const rssBefore = process.memoryUsage().rss;
	let rssPeak = rssBefore;
	const rssTimer = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
	const started = Date.now();
	try {
		const heldGrowth = await peakHeldGrowth(work, GROWTH_LIMIT);
		return { ms: Date.now() - started, heldGrowth, rssGrowth: rssPeak - rssBefore };
	} finally {
		clearInterval(rssTimer);
	}
}

const figures: string[] = [];

function record(kind: string, direction: string, measured: Measured): void {
	const rate = SIZE / MiB / (measured.ms / 1000);
	figures.push(
		`${kind} ${direction}: ${measured.ms} ms (${rate.toFixed(0)} MiB/s), rss +${(measured.rssGrowth / MiB).toFixed(1)} MiB, ` +
			`heap and buffers held +${(measured.heldGrowth / MiB).toFixed(1)} MiB`,
	);
}

let host: FakeHost;
let localBase: string;

beforeAll(async () => {
	host = await startFakeHost();
	localBase = await mkdtemp(join(tmpdir(), 'cloudsync-memory-'));
}, 90_000);

afterAll(async () => {
	await host?.stop();
	if (localBase) await rm(localBase, { recursive: true, force: true });
	// The measured figures are the point of this suite: show them.
	console.log(`memory figures (256 MiB each way):\n${figures.join('\n')}`);
});

const FACTORIES: Array<[StorageKind, () => Promise<StorageProvider>]> = [
	['localFolder', async () => new LocalFolderStorage(localBase)],
	['googleDrive', () => remoteStorage(host, 'googleDrive')],
	['oneDrive', () => remoteStorage(host, 'oneDrive')],
	['sharePoint', () => remoteStorage(host, 'sharePoint')],
	['dropbox', () => remoteStorage(host, 'dropbox')],
];

test.each(FACTORIES)(
	'%s: 256 MiB up and down with memory growth under 64 MiB',
	async (kind, factory) => {
		const provider = await factory();
		const root = await provider.root();
		// Warm-up: load the SDK paths and open connections before the baseline is taken.
		await provider.upload(
			{ parentId: root.id, name: 'warm-up.bin' },
			{ size: 1, data: Buffer.from('w') },
		);

		const sent = createHasher(provider.hashKind);
		const tap = new Transform({
			transform(chunk: Buffer, _encoding, done) {
				sent.update(chunk);
				done(null, chunk);
			},
		});
		let uploaded: Awaited<ReturnType<StorageProvider['upload']>> | undefined;
		const up = await measure(async () => {
			const stream = patternStream(SIZE, `memory-${kind}`, 64 * 1024).pipe(tap);
			uploaded = await provider.upload(
				{ parentId: root.id, name: 'big.bin' },
				{ size: SIZE, stream },
			);
		});
		record(kind, 'upload', up);
		const expectedHash = sent.digest();
		expect(uploaded?.size).toBe(SIZE);
		expect(uploaded?.hash).toBe(expectedHash);

		const received = createHasher(provider.hashKind);
		let bytes = 0;
		const down = await measure(async () => {
			for await (const chunk of await provider.download(uploaded!.id)) {
				received.update(chunk as Buffer);
				bytes += (chunk as Buffer).length;
			}
		});
		record(kind, 'download', down);
		expect(bytes).toBe(SIZE);
		expect(received.digest()).toBe(expectedHash);

		expect(up.heldGrowth).toBeLessThan(GROWTH_LIMIT);
		expect(down.heldGrowth).toBeLessThan(GROWTH_LIMIT);
	},
	120_000,
);
