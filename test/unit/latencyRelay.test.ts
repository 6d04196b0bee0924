import { createHash, randomBytes } from 'crypto';
import { connect, createServer, type AddressInfo, type Server } from 'net';
import { LatencyRelay } from '../bench/peers/latency';

/** A loopback port nobody listens on now. */
async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

describe('the bench latency relay', () => {
	let sink: Server;
	let relay: LatencyRelay;
	let received: Promise<Buffer>;

	beforeEach(async () => {
		received = new Promise<Buffer>((resolve) => {
			sink = createServer((socket) => {
				const pieces: Buffer[] = [];
				socket.on('data', (piece: Buffer) => pieces.push(piece));
				socket.on('end', () => {
					resolve(Buffer.concat(pieces));
					socket.end();
				});
			});
		});
		await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
		relay = new LatencyRelay(6, { host: '127.0.0.1', port: (sink.address() as AddressInfo).port });
	});

	afterEach(async () => {
		await relay.stop();
		await new Promise<void>((resolve) => sink.close(() => resolve()));
	});

	test('an upload written in thousands of pieces arrives whole and in order (a swapped piece failed the md5 check of a Drive upload)', async () => {
		const port = await freePort();
		await relay.start('127.0.0.1', port);
		const content = randomBytes(16 * 1024 * 1024);
		const client = connect({ host: '127.0.0.1', port });
		await new Promise<void>((resolve) => client.once('connect', resolve));
		// Small writes spread over many milliseconds: pieces held for the same millisecond from different moments.
		for (let at = 0; at < content.length; at += 8 * 1024) {
			if (!client.write(content.subarray(at, at + 8 * 1024)))
				await new Promise<void>((resolve) => client.once('drain', resolve));
			if (at % (512 * 1024) === 0) await new Promise<void>((resolve) => setImmediate(resolve));
		}
		client.end();
		const arrived = await received;
		client.destroy();
		expect(arrived.length).toBe(content.length);
		expect(createHash('md5').update(arrived).digest('hex')).toBe(
			createHash('md5').update(content).digest('hex'),
		);
	});
});
