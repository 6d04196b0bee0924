import { execFileSync } from 'child_process';
import { randomBytes } from 'crypto';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import {
	createServer as createHttpServer,
	type IncomingMessage,
	type Server,
	type ServerResponse,
} from 'http';
import { createServer as createHttpsServer } from 'https';
import type { AddressInfo } from 'net';
import { tmpdir } from 'os';
import tls from 'tls';
import { join } from 'path';
import type { IDataObject } from 'n8n-workflow';
import type { StorageKind } from '../../nodes/shared/storage/types';
import { collectWorkflow } from '../nodes/support/collectHarness';
import { cloudSource, localSource } from '../nodes/support/collectSources';
import {
	cloudDestination,
	docItem,
	exportWorkflow,
	filesBelow,
	localDestination,
} from '../nodes/support/exportWorkflow';
import { errorText, isClear } from './support/clarity';
import type { CloudKind, FakeCloud } from './support/faultKit';
import { FaultReport, type FaultRow } from './support/report';
import { sweepAndReport } from './support/lifecycle';
import { SERVICE } from './support/runs';
import { SecretSweep } from './support/secrets';

/**
 * Issue 18, probed as an attacker or a careless user would: a response that points the token at another host,
 * a folder tree or template built to stall n8n, a parent folder swapped for a symlink, an API error that echoes a
 * real-looking token, names that lie about their extension. Each case is a row of the fault table; everything
 * the runs produce goes through the secrets sweep.
 */

const report = new FaultReport('security');
const sweep = new SecretSweep();
const MiB = 1024 * 1024;

interface Tally {
	lost: number;
	duplicated: number;
	unclear: number;
	note?: string;
}

function row(
	node: FaultRow['node'],
	kind: StorageKind,
	fault: string,
	body: () => Promise<Tally>,
	timeoutMs = 60_000,
): void {
	test(
		`${node} on ${SERVICE[kind]}: ${fault}`,
		async () => {
			const counted = await body();
			report.record({ node, provider: SERVICE[kind], fault, ...counted });
			expect({
				lost: counted.lost,
				duplicated: counted.duplicated,
				unclear: counted.unclear,
			}).toEqual({ lost: 0, duplicated: 0, unclear: 0 });
		},
		timeoutMs,
	);
}

// ---------------------------------------------------------------- another host, that must never see a token

/** A throwaway self-signed certificate, so the other host can speak https (Graph's SDK follows only https links). */
function selfSigned(): { key: string; cert: string } {
	const dir = mkdtempSync(join(tmpdir(), 'stranger-tls-'));
	try {
		execFileSync(
			'openssl',
			[
				'req',
				'-x509',
				'-newkey',
				'ec',
				'-pkeyopt',
				'ec_paramgen_curve:prime256v1',
				'-nodes',
				'-days',
				'1',
				'-subj',
				'/CN=127.0.0.2',
				'-keyout',
				join(dir, 'key.pem'),
				'-out',
				join(dir, 'cert.pem'),
			],
			{ stdio: 'ignore' },
		);
		return {
			key: readFileSync(join(dir, 'key.pem'), 'utf8'),
			cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
		};
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/** A server on another address (127.0.0.2): records every request and whether it carried an Authorization header. */
class Stranger {
	readonly seen: Array<{ method: string; path: string; authorization?: string }> = [];
	private server?: Server;
	origin = '';

	constructor(
		private readonly answer: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) =>
			json(res, 200, { value: [] }),
	) {}

	async start(tls?: { key: string; cert: string }): Promise<string> {
		const handle = (req: IncomingMessage, res: ServerResponse) => {
			this.seen.push({
				method: req.method ?? '',
				path: req.url ?? '',
				authorization: req.headers.authorization,
			});
			req.resume();
			req.on('end', () => this.answer(req, res));
		};
		this.server = tls ? createHttpsServer(tls, handle) : createHttpServer(handle);
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.2', resolve));
		this.origin = `${tls ? 'https' : 'http'}://127.0.0.2:${(this.server.address() as AddressInfo).port}`;
		return this.origin;
	}

	/** Requests that carried a token. */
	get tokens(): number {
		return this.seen.filter((seen) => seen.authorization !== undefined).length;
	}

	async stop(): Promise<void> {
		this.server?.closeAllConnections?.();
		await new Promise<void>((resolve) =>
			this.server ? this.server.close(() => resolve()) : resolve(),
		);
	}
}

/** TLS connections to 127.0.0.2 accept its self-signed certificate (https.Agent calls tls.connect through the module). */
function trustStranger(): { restore(): void } {
	const original = tls.connect;
	(tls as { connect: unknown }).connect = (...args: unknown[]) => {
		const options = args.find(
			(arg): arg is Record<string, unknown> => typeof arg === 'object' && arg !== null,
		);
		if (options && (options.host === '127.0.0.2' || options.servername === '127.0.0.2'))
			options.rejectUnauthorized = false;
		return (original as (...a: unknown[]) => unknown)(...args);
	};
	return { restore: () => ((tls as { connect: unknown }).connect = original) };
}

function json(res: ServerResponse, status: number, body: unknown): void {
	res.writeHead(status, { 'content-type': 'application/json' });
	res.end(JSON.stringify(body));
}

/** The error a failed run shows (node error or item error) must name the other host and say what to do. */
function judgeRefusal(text: string, origin: string): number {
	return isClear(text, [origin]) && /token/i.test(text) ? 0 : 1;
}

const CLOUDS: CloudKind[] = ['googleDrive', 'oneDrive', 'dropbox'];

describe('tokens go only to the API hosts', () => {
	let tls: { key: string; cert: string };
	beforeAll(() => {
		tls = selfSigned();
	});

	for (const listing of ['/children', '/delta'] as const) {
		row(
			'Collect New Files',
			'oneDrive',
			`a Graph @odata.nextLink (${listing.slice(1)}) to another https host: refused before sending, no token there`,
			async () => {
				const stranger = new Stranger();
				const origin = await stranger.start(tls);
				const source = await cloudSource('oneDrive');
				const fake = (source as unknown as { fixture: { fake: FakeCloud } }).fixture.fake;
				sweep.watch(fake.auth);
				const flow = collectWorkflow(source);
				// The stranger's certificate is accepted, as a real certificate of the attacker's own domain would be.
				const trust = trustStranger();
				try {
					await source.user.createFile('a.pdf', Buffer.from('first'));
					if (listing === '/delta') {
						const first = await flow.run();
						sweep.run(first.result);
						expect(first.json.map((j) => j.name)).toEqual(['a.pdf']);
						await source.user.createFile('b.pdf', Buffer.from('second'));
					}
					const link = `${origin}/v1.0/me/drive/root${listing}?$skiptoken=stolen`;
					fake.inject({
						method: 'GET',
						path: listing,
						action: { type: 'respond', status: 200, body: { value: [], '@odata.nextLink': link } },
					});
					const probed = await flow.run();
					sweep.run(probed.result);
					expect(probed.result.status).toBe('error');
					const unclear = judgeRefusal(errorText(probed.result.nodeError('Collect')), origin);
					expect(stranger.tokens).toBe(0);
					// Nothing was lost: the next run, with honest links, delivers what is there.
					const after = await flow.run();
					sweep.run(after.result);
					const delivered = after.json.map((j) => String(j.name));
					const expected = listing === '/delta' ? ['b.pdf'] : ['a.pdf'];
					return {
						lost: expected.filter((name) => !delivered.includes(name)).length,
						duplicated: 0,
						unclear,
						note: `tokens that reached the other host: ${stranger.tokens}`,
					};
				} finally {
					trust.restore();
					await source.close();
					await stranger.stop();
				}
			},
		);
	}

	row(
		'Export to Folder',
		'googleDrive',
		'a resumable-upload session Location on another (plain http) host: refused, no token there',
		async () => {
			const stranger = new Stranger((_req, res) =>
				json(res, 200, { id: 'stolen', name: 'big.pdf', md5Checksum: '' }),
			);
			const origin = await stranger.start();
			const destination = await cloudDestination('googleDrive');
			sweep.watch((destination.fixture as unknown as { fake: FakeCloud }).fake.auth);
			try {
				const fake = (destination.fixture as unknown as { fake: FakeCloud }).fake;
				fake.inject({
					method: 'POST',
					path: 'uploadType=resumable',
					action: {
						type: 'respond',
						status: 200,
						headers: { location: `${origin}/upload/drive/v3/files?upload_id=stolen` },
						body: {},
					},
				});
				const flow = exportWorkflow(destination, {}, { continueOnFail: true });
				const big = docItem({ id: 'BIG', content: Buffer.alloc(6 * MiB, 1) });
				const run = await flow.run([big]);
				sweep.run(run.result);
				expect(run.json.map((j) => j.action)).toEqual(['failed']);
				const unclear = judgeRefusal(String((run.json[0] as IDataObject).error ?? ''), origin);
				expect(stranger.tokens).toBe(0);
				const again = await flow.run([big]);
				sweep.run(again.result);
				return {
					lost: again.json[0].action === 'created' ? 0 : 1,
					duplicated: 0,
					unclear,
					note: `tokens that reached the other host: ${stranger.tokens}`,
				};
			} finally {
				await destination.close();
				await stranger.stop();
			}
		},
	);

	for (const kind of CLOUDS) {
		row(
			'Export to Folder',
			kind,
			'the API answers 307 to another host: the redirect is followed without the token',
			async () => {
				const stranger = new Stranger((_req, res) => json(res, 503, { error: 'not the API' }));
				const origin = await stranger.start();
				const destination = await cloudDestination(kind);
				const fake = (destination.fixture as unknown as { fake: FakeCloud }).fake;
				sweep.watch(fake.auth);
				try {
					fake.inject({
						path: /./,
						times: 1,
						action: {
							type: 'respond',
							status: 307,
							headers: { location: `${origin}/redirected` },
							body: {},
						},
					});
					const flow = exportWorkflow(destination, {}, { continueOnFail: true });
					const run = await flow.run([docItem({ id: 'R1', content: 'redirected once' })]);
					sweep.run(run.result);
					expect(stranger.seen.length).toBeGreaterThan(0);
					expect(stranger.tokens).toBe(0);
					const again = await flow.run([docItem({ id: 'R1', content: 'redirected once' })]);
					sweep.run(again.result);
					const done = [...run.json, ...again.json].filter((j) => j.action === 'created').length;
					return {
						lost: done === 1 ? 0 : 1,
						duplicated: done > 1 ? 1 : 0,
						unclear: 0,
						note: `tokens that reached the other host: ${stranger.tokens}`,
					};
				} finally {
					await destination.close();
					await stranger.stop();
				}
			},
		);
	}
});

// ---------------------------------------------------------------- deep folders and templates cannot stall n8n

describe("n8n's file-access rules in linear time (through n8n's own helpers)", () => {
	const LEVELS = 64;
	// The old check doubled its time with each level (2.3 s at 20 levels, 22 s at 23): at 64 it would never end.
	// A linear one takes well under a second here (the measured time goes into the fault table's note); the bound
	// is loose so that a loaded machine cannot fail it, and still a wall the exponential check cannot pass.
	const BOUND_MS = 10_000;

	row(
		'Collect New Files',
		'localFolder',
		`a ${LEVELS}-level folder tree: collected in well under a second, the event loop never stalls`,
		async () => {
			const source = await localSource();
			try {
				const deep = Array.from({ length: LEVELS }, () => 'a').join('/');
				await source.user.createFolder(deep);
				await source.user.createFile(`${deep}/deep.pdf`, Buffer.from('deep'));
				const flow = collectWorkflow(source);
				const started = performance.now();
				const run = await flow.run();
				const ms = performance.now() - started;
				sweep.run(run.result);
				expect(run.result.status).toBe('success');
				expect(ms).toBeLessThan(BOUND_MS);
				const delivered = run.json.map((j) => String(j.name));
				return {
					lost: delivered.includes('deep.pdf') ? 0 : 1,
					duplicated: 0,
					unclear: 0,
					note: `run took ${ms.toFixed(0)} ms`,
				};
			} finally {
				await source.close();
			}
		},
	);

	row(
		'Export to Folder',
		'localFolder',
		`a ${LEVELS}-level custom folder template: exported in well under a second`,
		async () => {
			const destination = await localDestination();
			try {
				// Literal levels and one expression: n8n evaluates each expression segment on its own (about 10 ms each
				// on a busy machine), which is n8n's cost, not the folder's.
				const template = `=${Array.from({ length: LEVELS - 1 }, (_, level) => `l${level}`).join('/')}/{{ $json.client }}`;
				const flow = exportWorkflow(
					destination,
					{ folderStructure: 'custom', folderTemplate: template },
					{ continueOnFail: true },
				);
				const started = performance.now();
				const run = await flow.run([
					docItem({ id: 'DEEP', content: 'deep', json: { client: 'c' } }),
				]);
				const ms = performance.now() - started;
				sweep.run(run.result);
				expect(run.json.map((j) => j.action)).toEqual(['created']);
				expect(String(run.json[0].path).split('/')).toHaveLength(LEVELS + 1);
				expect(ms).toBeLessThan(BOUND_MS);
				const files = await filesBelow(destination.fixture.provider, destination.fixture.rootId);
				return {
					lost: files.size === 1 ? 0 : 1,
					duplicated: files.size > 1 ? 1 : 0,
					unclear: 0,
					note: `run took ${ms.toFixed(0)} ms`,
				};
			} finally {
				await destination.close();
			}
		},
	);
});

// ---------------------------------------------------------------- error bodies that echo real-looking tokens

/** Real token shapes, built by concatenation (the repository holds no token-like literal). */
const REAL_SHAPES: Record<
	CloudKind,
	{
		token: () => string;
		echo: (token: string) => { headers: Record<string, string>; body: unknown };
	}
> = {
	googleDrive: {
		token: () => ['ya', '29.', 'a0AfB_'].join('') + randomBytes(120).toString('base64url'),
		echo: (token) => ({
			headers: {},
			body: {
				error: {
					code: 400,
					message: `Invalid Credentials: ${token}`,
					errors: [{ reason: 'badRequest', message: token }],
				},
			},
		}),
	},
	oneDrive: {
		token: () => ['E', 'wB'].join('') + randomBytes(1100).toString('base64'),
		echo: (token) => ({
			headers: {},
			body: {
				error: {
					code: 'invalidRequest',
					message: `Access token ${token.slice(0, 130)}... is not valid for this request`,
				},
			},
		}),
	},
	dropbox: {
		token: () => ['s', 'l.B'].join('') + randomBytes(110).toString('base64url'),
		echo: (token) => ({
			headers: { 'content-type': 'text/plain; charset=utf-8' },
			body: `Error in call to API function "files/get_metadata": Invalid authorization value in HTTP header "Authorization": "${token}".`,
		}),
	},
};

describe('tokens of real shapes are never shown, even when an API error quotes them', () => {
	for (const kind of CLOUDS) {
		row(
			'Export to Folder',
			kind,
			'an API 400 that quotes the access token (real token shape): redacted by value everywhere',
			async () => {
				const destination = await cloudDestination(kind);
				const fake = (destination.fixture as unknown as { fake: FakeCloud }).fake;
				const token = REAL_SHAPES[kind].token();
				const refresh = ['1', '//', '0g'].join('') + randomBytes(60).toString('base64url');
				sweep.secret(token);
				sweep.secret(refresh);
				const attach = destination.attach;
				destination.attach = (harness) => {
					const credentials = attach(harness)!;
					const [type, ref] = Object.entries(credentials)[0];
					const stored = harness.credentials.get(ref.id!);
					harness.credentials.add({
						...stored,
						type,
						data: {
							...stored.data,
							oauthTokenData: { access_token: token, refresh_token: refresh, token_type: 'Bearer' },
						},
					});
					return credentials;
				};
				try {
					const { headers, body } = REAL_SHAPES[kind].echo(token);
					fake.inject({
						path: /./,
						times: 1,
						action: { type: 'respond', status: 400, headers, body },
					});
					const flow = exportWorkflow(destination, {}, { continueOnFail: true });
					const run = await flow.run([docItem({ id: 'T1', content: 'token echo' })]);
					sweep.run(run.result);
					const shown =
						JSON.stringify(run.json) +
						errorText(run.result.nodeError('Export')) +
						errorText(run.result.error);
					expect(shown).not.toContain(token.slice(0, 40));
					expect(shown).not.toContain(refresh);
					return {
						lost: 0,
						duplicated: 0,
						unclear: 0,
						note: 'the echo is in the error; the token is not (sweep below)',
					};
				} finally {
					await destination.close();
				}
			},
		);
	}
});

// ---------------------------------------------------------------- names that lie about what they are

describe('names a user can trust', () => {
	const RLO = String.fromCharCode(0x202e);
	/* eslint-disable no-control-regex -- control characters are exactly what must not survive */
	const HIDDEN =
		/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
	/* eslint-enable no-control-regex */
	const names = [
		`invoice${RLO}fdp.exe`,
		`quarter${String.fromCharCode(0x2066)}ly${String.fromCharCode(0x2069)}.pdf`,
		`two${String.fromCharCode(0x85)}lines${String.fromCharCode(0x2028)}.pdf`,
	];

	for (const kind of [...CLOUDS, 'localFolder'] as const) {
		row(
			'Export to Folder',
			kind,
			'file names with a right-to-left override, isolates or line separators: written visible, same name next run',
			async () => {
				const destination =
					kind === 'localFolder' ? await localDestination() : await cloudDestination(kind);
				if (kind !== 'localFolder')
					sweep.watch((destination.fixture as unknown as { fake: FakeCloud }).fake.auth);
				try {
					const flow = exportWorkflow(
						destination,
						{ fileName: '={{ $json.name }}' },
						{ continueOnFail: true },
					);
					const input = names.map((name, i) =>
						docItem({ id: `N${i}`, content: `named ${i}`, json: { name } }),
					);
					const first = await flow.run(input);
					sweep.run(first.result);
					expect(first.json.map((j) => j.action)).toEqual(names.map(() => 'created'));
					const paths = first.json.map((j) => String(j.path));
					for (const path of paths) expect(path).not.toMatch(HIDDEN);
					expect(paths[0]).toBe('invoice_fdp.exe');
					const again = await flow.run(input);
					sweep.run(again.result);
					expect(again.json.map((j) => j.action)).toEqual(names.map(() => 'unchanged'));
					const files = await filesBelow(destination.fixture.provider, destination.fixture.rootId);
					const lost = paths.filter((path) => !files.has(path)).length;
					return { lost, duplicated: Math.max(0, files.size - (paths.length - lost)), unclear: 0 };
				} finally {
					await destination.close();
				}
			},
		);
	}
});

sweepAndReport(sweep, report);
