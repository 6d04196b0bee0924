/**
 * Runs the Drive, Graph and Dropbox fakes in their own process (so a memory measurement of the provider side does
 * not count what the fakes hold), sharing one token authority. Prints one JSON line with the base URLs, then
 * serves until SIGTERM or until its stdin closes (the parent died).
 *
 *   node -r ts-node/register/transpile-only test/storage/fakeHost.ts
 *
 * Tokens: POST <baseUrl>/_control/issue-token {"flavour": "google", "scopes": [...]}.
 */
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
	for (const [kind, fake] of Object.entries(fakes)) urls[kind] = await fake.start();

	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		await Promise.all(Object.values(fakes).map((fake) => fake.stop()));
		process.exit(0);
	};
	process.on('SIGTERM', () => void stop());
	process.stdin.on('end', () => void stop());
	process.stdin.on('close', () => void stop());
	process.stdin.resume();
	process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid, urls })}\n`);
}

main().catch((error: unknown) => {
	process.stderr.write(`fakeHost failed: ${(error as Error).stack ?? String(error)}\n`);
	process.exit(1);
});
