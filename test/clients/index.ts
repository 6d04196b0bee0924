import { spawn } from 'child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { API_HOSTS, hostsFile } from '../bench/peers/hosts';
import { BenchNamespace } from '../bench/peers/namespace';
import { makeTestCertificates } from '../bench/peers/testCa';
import type { StepResult } from './script';
import type { SuiteConfig } from './types';

/**
 * The independent-client suite: rclone, whose Drive, OneDrive and Dropbox backends nobody on this team wrote,
 * runs a fixed script against the fakes, reached on the real API host names over TLS (a throwaway test CA)
 * inside a network namespace with no route out. `bash test/clients/run.sh` installs rclone when missing and
 * runs this. Needs root. Exits non-zero when any step fails or cannot run; nothing is skipped.
 *   CLIENTS_ONLY=gdrive,onedrive,dropbox   run only these remotes (for debugging; CI runs all)
 *   CLIENTS_KEEP=1                         keep the work folder (rclone's log) even when everything passed
 */
const REPO = resolve(__dirname, '..', '..');

async function main(): Promise<number> {
	const unavailable = await BenchNamespace.available();
	if (unavailable) {
		process.stderr.write(`client suite cannot run: ${unavailable}\n`);
		return 2;
	}
	const workDir = mkdtempSync(join(tmpdir(), 'cloud-sync-clients-'));
	const namespace = new BenchNamespace();
	let failed = true;
	try {
		const certs = await makeTestCertificates(workDir, Object.keys(API_HOSTS));
		const config: SuiteConfig = {
			workDir,
			caFile: certs.caFile,
			keyFile: join(workDir, 'server.key'),
			certFile: join(workDir, 'server.pem'),
			resultFile: join(workDir, 'result.json'),
			logFile: join(workDir, 'rclone.log'),
			only: process.env.CLIENTS_ONLY,
		};
		const configFile = join(workDir, 'config.json');
		writeFileSync(configFile, JSON.stringify(config));
		await namespace.create(hostsFile());
		const version = await output('rclone', ['version']);
		process.stdout.write(
			`Independent clients: ${version.split('\n')[0]} against the fakes on the real host names (TLS, network namespace, no route out)\n`,
		);
		const [command, args] = namespace.exec(process.execPath, [
			'-r',
			require.resolve('ts-node/register/transpile-only'),
			join(__dirname, 'inNamespace.ts'),
			configFile,
		]);
		const code = await run(command, args);
		if (!existsSync(config.resultFile)) throw new Error(`the suite wrote no result (exit ${code})`);
		const { results } = JSON.parse(readFileSync(config.resultFile, 'utf8')) as {
			results: StepResult[];
		};
		printTable(results);
		failed =
			code !== 0 || results.some((result) => result.outcome === 'FAIL') || results.length === 0;
		return failed ? 1 : 0;
	} finally {
		await namespace.remove();
		if (failed || process.env.CLIENTS_KEEP === '1') {
			const kept = join(tmpdir(), `cloud-sync-clients-rclone-${Date.now()}.log`);
			if (existsSync(join(workDir, 'rclone.log'))) copyFileSync(join(workDir, 'rclone.log'), kept);
			process.stdout.write(`rclone's log: ${kept}\n`);
		}
		rmSync(workDir, { recursive: true, force: true });
	}
}

function printTable(results: StepResult[]): void {
	const clouds = [...new Set(results.map((result) => result.cloud))];
	const steps = [...new Set(results.map((result) => result.step))];
	const width = 24;
	process.stdout.write(
		`\n${'operation'.padEnd(width)}${clouds.map((cloud) => cloud.padEnd(19)).join('')}\n`,
	);
	for (const step of steps) {
		const cells = clouds.map((cloud) =>
			(
				results.find((result) => result.cloud === cloud && result.step === step)?.outcome ?? '-'
			).padEnd(19),
		);
		process.stdout.write(`${step.padEnd(width)}${cells.join('')}\n`);
	}
	const failures = results.filter((result) => result.outcome === 'FAIL');
	for (const failure of failures)
		process.stdout.write(
			`FAIL ${failure.cloud} / ${failure.step}: ${failure.detail}\n   refused by the fakes: ${failure.refused.slice(0, 6).join(', ') || 'nothing'}\n`,
		);
	const refusals = results.flatMap((result) =>
		result.refused.map((line) => `${result.cloud} / ${result.step}: ${line}`),
	);
	if (refusals.length)
		process.stdout.write(
			`\nRequests the fakes refused (rclone may have expected some, e.g. a lookup before a create):\n${[...new Set(refusals)].map((line) => `  ${line}`).join('\n')}\n`,
		);
	process.stdout.write(
		`\n${results.filter((r) => r.outcome === 'ok').length} ok, ${failures.length} failed, ${results.filter((r) => r.outcome === 'not offered').length} not offered by rclone\n`,
	);
}

function output(command: string, args: string[]): Promise<string> {
	return new Promise((resolvePromise, reject) => {
		const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
		let text = '';
		child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
		child.on('error', reject);
		child.on('close', () => resolvePromise(text));
	});
}

function run(command: string, args: string[]): Promise<number | null> {
	return new Promise((resolvePromise, reject) => {
		const child = spawn(command, args, { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'] });
		const stop = () => child.kill('SIGTERM');
		process.once('SIGINT', stop);
		child.on('error', reject);
		child.on('close', (code) => {
			process.off('SIGINT', stop);
			resolvePromise(code);
		});
	});
}

main()
	.then((code) => process.exit(code))
	.catch((error: unknown) => {
		process.stderr.write(`client suite failed: ${(error as Error).stack ?? String(error)}\n`);
		process.exit(1);
	});
