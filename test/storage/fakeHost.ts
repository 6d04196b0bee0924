/**
 * Runs the Drive, Graph and Dropbox fakes in their own process (so a memory measurement of the provider side does
 * not count what the fakes hold), sharing one token authority. Prints one JSON line with the base URLs, then
 * serves until SIGTERM or until its stdin closes (the parent died).
 *
 *   node -r ts-node/register/transpile-only test/storage/fakeHost.ts
 *
 * Tokens: POST <baseUrl>/_control/issue-token {"flavour": "google", "scopes": [...]}.
 *
 * FAKE_LATENCY_MS=<n> puts a relay holding every piece for half of n ms each way in front of each fake (the
 * bench's model of a real link), and makes the relay the fake's public address, so the upload session URLs the
 * fakes hand out go through it too.
 */
import { createServer, type AddressInfo } from 'net';
import { LatencyRelay } from '../bench/peers/latency';
import { FakeAuth } from '../fakes/common/auth';
import type { FakeServer } from '../fakes/common/server';
import { FakeDrive } from '../fakes/drive';
import { FakeDropbox } from '../fakes/dropbox';
import { FakeGraph } from '../fakes/graph';

async function main(): Promise<void> {
	const auth = new FakeAuth();
	const fakes: Record<string, FakeServer> = {
		googleDrive: new FakeDrive(auth),
		oneDrive: new FakeGraph(auth),
		dropbox: new FakeDropbox(auth),
	};
	const urls: Record<string, string> = {};
	const latencyMs = Number(process.env.FAKE_LATENCY_MS ?? 0);
	const relays: LatencyRelay[] = [];
	for (const [kind, fake] of Object.entries(fakes)) {
		urls[kind] = await fake.start();
		if (latencyMs > 0) {
			const target = new URL(urls[kind]);
			const relay = new LatencyRelay(latencyMs, {
				host: target.hostname,
				port: Number(target.port),
			});
			const port = await freePort();
			await relay.start('127.0.0.1', port);
			relays.push(relay);
			urls[kind] = fake.baseUrl = `http://127.0.0.1:${port}`;
		}
	}

	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		await Promise.all(relays.map((relay) => relay.stop()));
		await Promise.all(Object.values(fakes).map((fake) => fake.stop()));
		process.exit(0);
	};
	process.on('SIGTERM', () => void stop());
	process.stdin.on('end', () => void stop());
	process.stdin.on('close', () => void stop());
	process.stdin.resume();
	process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid, urls })}\n`);
}

/** A loopback port nobody listens on now (the relay takes a port number). */
async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

main().catch((error: unknown) => {
	process.stderr.write(`fakeHost failed: ${(error as Error).stack ?? String(error)}\n`);
	process.exit(1);
});
