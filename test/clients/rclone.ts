import { spawn } from 'child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'fs';
import type { IssuedTokens } from '../fakes/common/auth';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET } from '../fakes/oauth';
import type { CloudUnderTest } from './clouds';

export interface RcloneResult {
	code: number | null;
	stdout: string;
	/** stdout as bytes (rclone cat writes file content there). */
	stdoutBytes: Buffer;
	stderr: string;
}

/**
 * rclone (the Debian package) as the suite drives it: one config file holding a remote per cloud, the test CA
 * passed with --ca-cert, and retries kept low so that a refusal by a fake is seen, not retried away.
 */
export class Rclone {
	constructor(
		readonly configFile: string,
		private readonly caFile: string,
		private readonly logFile: string,
	) {}

	writeConfig(clouds: CloudUnderTest[], tokens: Record<string, IssuedTokens>): void {
		const sections = clouds.map((cloud) => {
			const token = tokens[cloud.remote];
			const lines = {
				...cloud.config,
				client_id: FAKE_CLIENT_ID,
				client_secret: FAKE_CLIENT_SECRET,
				token: JSON.stringify({
					access_token: token.access_token,
					token_type: 'Bearer',
					refresh_token: token.refresh_token,
					expiry: new Date(Date.now() + token.expires_in * 1000).toISOString(),
				}),
			};
			return `[${cloud.remote}]\n${Object.entries(lines)
				.map(([key, value]) => `${key} = ${value}`)
				.join('\n')}\n`;
		});
		writeFileSync(this.configFile, sections.join('\n'), { mode: 0o600 });
	}

	/** The token rclone keeps for a remote (it writes a refreshed one back to the config). */
	token(remote: string): { access_token: string; expiry: string } {
		const section = this.section(remote);
		const line = /^token = (.*)$/m.exec(section);
		if (!line) throw new Error(`rclone config: no token for ${remote}`);
		return JSON.parse(line[1]) as { access_token: string; expiry: string };
	}

	/** As if the token's hour had passed on rclone's side too: its expiry moves into the past. */
	ageToken(remote: string): void {
		const text = readFileSync(this.configFile, 'utf8');
		const token = { ...this.token(remote), expiry: new Date(Date.now() - 60_000).toISOString() };
		const start = text.indexOf(`[${remote}]`);
		const tokenAt = text.indexOf('token = ', start);
		const lineEnd = text.indexOf('\n', tokenAt);
		writeFileSync(
			this.configFile,
			`${text.slice(0, tokenAt)}token = ${JSON.stringify(token)}${text.slice(lineEnd)}`,
			{ mode: 0o600 },
		);
	}

	private section(remote: string): string {
		const text = readFileSync(this.configFile, 'utf8');
		const start = text.indexOf(`[${remote}]`);
		const next = text.indexOf('\n[', start + 1);
		return text.slice(start, next < 0 ? undefined : next);
	}

	run(args: string[], options: { timeoutMs?: number } = {}): Promise<RcloneResult> {
		return this.start(args, options).done;
	}

	/** Start rclone; `done` settles when it exits (killed after timeoutMs). */
	start(
		args: string[],
		options: { timeoutMs?: number; onOutput?: (text: string) => void } = {},
	): { done: Promise<RcloneResult>; stop(): void } {
		const full = [
			'--config',
			this.configFile,
			'--ca-cert',
			this.caFile,
			'--retries',
			'1',
			'--low-level-retries',
			'2',
			'-v',
			...args,
		];
		// --ca-cert covers rclone's own HTTP client; the Dropbox SDK's unauthenticated client (list_folder/longpoll)
		// uses Go's default one, which trusts what SSL_CERT_FILE names. Only the test CA is trusted either way.
		const child = spawn('rclone', full, {
			stdio: ['ignore', 'pipe', 'pipe'],
			env: { ...process.env, SSL_CERT_FILE: this.caFile },
		});
		const out: Buffer[] = [];
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => {
			out.push(chunk);
			options.onOutput?.(chunk.toString('utf8'));
		});
		child.stderr.on('data', (chunk: Buffer) => {
			stderr += chunk.toString('utf8');
			options.onOutput?.(chunk.toString('utf8'));
		});
		const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
		const done = new Promise<RcloneResult>((resolve) => {
			child.on('close', (code) => {
				clearTimeout(timer);
				// The log keeps rclone's messages (no tokens: rclone does not print them at -v), never file contents.
				appendFileSync(this.logFile, `\n$ rclone ${args.join(' ')}\n(exit ${code})\n${stderr}`);
				const stdoutBytes = Buffer.concat(out);
				resolve({ code, stdout: stdoutBytes.toString('utf8'), stdoutBytes, stderr });
			});
		});
		return { done, stop: () => child.kill('SIGTERM') };
	}
}
