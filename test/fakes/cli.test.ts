import { spawn } from 'child_process';
import { join } from 'path';
import { parseArgs, startFakes } from './cli';

describe('fakes CLI', () => {
	it('starts every fake, prints their URLs, answers control calls, and exits 0 on SIGINT', async () => {
		const child = spawn(
			process.execPath,
			['-r', 'ts-node/register/transpile-only', join(__dirname, 'cli.ts'), '--port-base', '0'],
			{
				cwd: join(__dirname, '../..'),
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		);
		let stdout = '';
		const exited = new Promise<number | null>((resolve) =>
			child.on('exit', (code) => resolve(code)),
		);
		try {
			const ready = await new Promise<{ urls: Record<string, string> }>((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error(`no FAKES_READY line: ${stdout}`)), 45_000);
				child.stdout.on('data', (chunk: Buffer) => {
					stdout += chunk.toString();
					const line = /FAKES_READY (.+)/.exec(stdout);
					if (line) {
						clearTimeout(timer);
						resolve(JSON.parse(line[1]));
					}
				});
				child.on('exit', () => reject(new Error(`exited early: ${stdout}`)));
			});
			expect(Object.keys(ready.urls).sort()).toEqual([
				'calendar',
				'drive',
				'dropbox',
				'graph',
				'oauth',
			]);
			for (const url of Object.values(ready.urls))
				expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
			expect(stdout).toMatch(/FAKE tokens/);
			expect(stdout).toMatch(/microsoft\s+access fake-microsoft-at-/);

			const log = await fetch(`${ready.urls.drive}/_control/log`, { method: 'POST', body: '{}' });
			expect(log.status).toBe(200);
			expect(await log.json()).toEqual({ requests: [] });
			child.kill('SIGINT');
			expect(await exited).toBe(0);
		} finally {
			if (child.exitCode === null) child.kill('SIGKILL');
		}
	});

	it('startFakes runs in-process with one token authority shared by all fakes', async () => {
		const fakes = await startFakes({ portBase: 0 });
		try {
			// A token issued at start is accepted by the fake clouds; refresh goes through the fake OAuth server.
			expect(fakes.drive.auth).toBe(fakes.auth);
			expect(fakes.oauth.auth).toBe(fakes.auth);
			const response = await fetch(`${fakes.urls.oauth}/oauth2/token`, {
				method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({
					grant_type: 'refresh_token',
					refresh_token: fakes.tokens.dropbox.refresh_token,
					client_id: 'fake-client-id',
					client_secret: 'fake-client-secret',
				}).toString(),
			});
			const body = (await response.json()) as { access_token: string };
			expect(fakes.auth.check(`Bearer ${body.access_token}`).ok).toBe(true);
		} finally {
			await fakes.stop();
		}
	});

	it('rejects a seed for a fake that does not exist, and stops what it started', async () => {
		await expect(startFakes({ portBase: 0, seed: { nosuch: {} } })).rejects.toThrow(
			'no fake named "nosuch"',
		);
	});

	it('parses --port-base, --seed and FAKES_PORT_BASE', () => {
		expect(parseArgs([], {})).toEqual({ portBase: 4010, seedFile: undefined });
		expect(parseArgs(['--port-base', '5000', '--seed=s.json'], {})).toEqual({
			portBase: 5000,
			seedFile: 's.json',
		});
		expect(parseArgs([], { FAKES_PORT_BASE: '6000' }).portBase).toBe(6000);
		expect(() => parseArgs(['--bogus'], {})).toThrow('unknown option');
	});
});
