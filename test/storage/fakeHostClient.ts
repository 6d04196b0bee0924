import { spawn, type ChildProcess } from 'child_process';
import { join } from 'path';
import { request } from 'http';
import type { AuthFlavour, FakeAuth } from '../fakes/common/auth';
import { DropboxStorage } from '../../nodes/shared/storage/dropbox';
import { GoogleDriveStorage } from '../../nodes/shared/storage/googleDrive';
import { OneDriveStorage } from '../../nodes/shared/storage/oneDrive';
import type { StorageProvider } from '../../nodes/shared/storage/types';
import { Transport } from '../../nodes/shared/transport/transport';
import { TestWire } from '../harness/testWire';
import { CLOUD_WIRES } from '../support/cloudWires';

export interface FakeHost {
	urls: Record<'googleDrive' | 'oneDrive' | 'dropbox', string>;
	child: ChildProcess;
	stop(): Promise<void>;
}

/**
 * Starts test/storage/fakeHost.ts in a child process and waits for its URLs. `tempDir` is where the fakes spill
 * content (the system temp folder by default).
 */
export async function startFakeHost(
	options: { tempDir?: string; latencyMs?: number } = {},
): Promise<FakeHost> {
	const script = join(__dirname, 'fakeHost.ts');
	const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', script], {
		cwd: join(__dirname, '..', '..'),
		stdio: ['pipe', 'pipe', 'inherit'],
		env: {
			...process.env,
			...(options.tempDir ? { TMPDIR: options.tempDir } : {}),
			...(options.latencyMs ? { FAKE_LATENCY_MS: String(options.latencyMs) } : {}),
		},
	});
	const urls = await new Promise<FakeHost['urls']>((resolve, reject) => {
		let buffered = '';
		const timer = setTimeout(
			() => reject(new Error('fake host did not start within 60 s')),
			60_000,
		);
		child.stdout!.on('data', (chunk: Buffer) => {
			buffered += chunk.toString('utf8');
			const line = buffered.split('\n').find((l) => l.startsWith('{'));
			if (!line) return;
			clearTimeout(timer);
			resolve((JSON.parse(line) as { urls: FakeHost['urls'] }).urls);
		});
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`fake host exited with ${code}`));
		});
	});
	return {
		urls,
		child,
		stop: () =>
			new Promise<void>((resolve) => {
				if (child.exitCode !== null) return resolve();
				child.once('exit', () => resolve());
				child.kill('SIGTERM');
			}),
	};
}

function postJson(url: string, body: unknown): Promise<any> {
	const payload = Buffer.from(JSON.stringify(body));
	return new Promise((resolve, reject) => {
		const outgoing = request(
			url,
			{
				method: 'POST',
				headers: { 'content-type': 'application/json', 'content-length': String(payload.length) },
			},
			(incoming) => {
				const chunks: Buffer[] = [];
				incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
				incoming.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
				incoming.on('error', reject);
			},
		);
		outgoing.on('error', reject);
		outgoing.end(payload);
	});
}

/**
 * A TestWire whose tokens come from a fake in another process (POST /_control/issue-token). Refreshing is not
 * supported: the tokens outlive a test.
 */
export async function remoteWire(
	baseUrl: string,
	flavour: AuthFlavour,
	scopes: string[],
): Promise<TestWire> {
	const tokens = await postJson(`${baseUrl}/_control/issue-token`, { flavour, scopes });
	const issuer = {
		issue: () => tokens,
		refreshWith: () => ({
			error: 'invalid_grant',
			error_description: 'no refresh across processes',
		}),
	} as unknown as FakeAuth;
	return new TestWire(issuer, flavour, scopes);
}

/** A provider of the cloud `kind` talking to the fake host, with the scopes an upload and a download need. */
/**
 * A SharePoint library in the Graph fake of another process (POST /_control/add-site): the site /sites/Finance and
 * its "Receipts" library, created on first use. Returns the library's drive id.
 */
export async function remoteLibrary(host: FakeHost): Promise<{ siteId: string; driveId: string }> {
	const site = await postJson(`${host.urls.oneDrive}/_control/add-site`, {
		path: '/sites/Finance',
		libraries: ['Receipts'],
	});
	const library = (site.libraries as Array<{ id: string; name: string }>).find(
		(entry) => entry.name === 'Receipts',
	)!;
	return { siteId: site.id, driveId: library.id };
}

export async function remoteStorage(
	host: FakeHost,
	kind: keyof FakeHost['urls'] | 'sharePoint',
): Promise<StorageProvider> {
	if (kind === 'sharePoint') {
		// The same Graph fake and provider, on a library's drive.
		const baseUrl = host.urls.oneDrive;
		const { driveId } = await remoteLibrary(host);
		const wire = await remoteWire(baseUrl, 'microsoft', ['Files.ReadWrite', 'Sites.ReadWrite.All']);
		return new OneDriveStorage(new Transport(wire, { cloud: CLOUD_WIRES.oneDrive, baseUrl }), {
			drive: `/drives/${encodeURIComponent(driveId)}`,
			kind: 'sharePoint',
		});
	}
	const baseUrl = host.urls[kind];
	if (kind === 'googleDrive') {
		const wire = await remoteWire(baseUrl, 'google', ['https://www.googleapis.com/auth/drive']);
		return new GoogleDriveStorage(new Transport(wire, { cloud: CLOUD_WIRES[kind], baseUrl }));
	}
	if (kind === 'oneDrive') {
		const wire = await remoteWire(baseUrl, 'microsoft', ['Files.ReadWrite']);
		return new OneDriveStorage(new Transport(wire, { cloud: CLOUD_WIRES[kind], baseUrl }));
	}
	const scopes = [
		'files.metadata.read',
		'files.content.read',
		'files.content.write',
		'account_info.read',
	];
	return new DropboxStorage(
		new Transport(await remoteWire(baseUrl, 'dropbox', scopes), {
			cloud: CLOUD_WIRES[kind],
			baseUrl,
		}),
	);
}
