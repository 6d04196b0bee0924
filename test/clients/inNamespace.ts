import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { startFakesOnHosts } from '../bench/peers/fakesOnHosts';
import { ALL_SCOPES as DROPBOX_SCOPES } from '../fakes/dropbox';
import { DRIVE_SCOPES } from '../fakes/drive';
import { cloudsUnderTest } from './clouds';
import { Rclone } from './rclone';
import { makeLocalFiles, runScript, type StepResult } from './script';
import type { SuiteConfig } from './types';

/**
 * The part of the independent-client suite that runs inside the network namespace (started by index.ts through
 * `ip netns exec`): the fakes listen with TLS on the real API host names, rclone runs the fixed script against
 * each cloud, and every step is checked against the fake's own state. Writes the step results as JSON.
 */
async function main(): Promise<void> {
	const config = JSON.parse(readFileSync(process.argv[2], 'utf8')) as SuiteConfig;
	const tls = {
		key: readFileSync(config.keyFile, 'utf8'),
		cert: readFileSync(config.certFile, 'utf8'),
	};
	const fakes = await startFakesOnHosts(tls);
	try {
		const clouds = cloudsUnderTest(fakes);
		// A sign-in per remote: expiring one remote's token in its refresh step leaves the others' alone.
		const scopes = {
			google: [DRIVE_SCOPES.drive],
			microsoft: ['offline_access', 'Files.ReadWrite.All'],
			dropbox: DROPBOX_SCOPES,
		};
		const tokens = Object.fromEntries(
			clouds.map((cloud) => [cloud.remote, fakes.auth.issue(cloud.flavour, scopes[cloud.flavour])]),
		);
		const rclone = new Rclone(join(config.workDir, 'rclone.conf'), config.caFile, config.logFile);
		rclone.writeConfig(clouds, tokens);
		const localDir = join(config.workDir, 'local');
		mkdirSync(localDir, { recursive: true });
		const local = makeLocalFiles(localDir);
		const results: StepResult[] = [];
		const only = config.only ? config.only.split(',') : undefined;
		for (const cloud of clouds) {
			if (only && !only.includes(cloud.remote)) continue;
			results.push(...(await runScript(cloud, rclone, fakes, config.caFile, local)));
		}
		writeFileSync(config.resultFile, JSON.stringify({ results }, null, '\t'));
	} finally {
		await fakes.stop();
	}
}

main()
	.then(() => process.exit(0))
	.catch((error: unknown) => {
		process.stderr.write(
			`client suite (in the namespace) failed: ${(error as Error).stack ?? String(error)}\n`,
		);
		process.exit(1);
	});
