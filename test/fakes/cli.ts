import { readFileSync } from 'fs';
import { FakeCalendar } from './calendar';
import { FakeAuth, type AuthFlavour, type IssuedTokens } from './common/auth';
import type { FakeServer } from './common/server';
import { ALL_SCOPES as DROPBOX_SCOPES, FakeDropbox } from './dropbox';
import { DRIVE_SCOPES, FakeDrive } from './drive';
import { FakeGraph } from './graph';
import { FakeOAuth } from './oauth';

/**
 * Starts every fake cloud on fixed loopback ports with one shared token authority: `npm run fakes`
 * (options --port-base N, or FAKES_PORT_BASE; --seed file.json). `startFakes()` does the same in-process for
 * tests and the e2e/demo scripts. Ports: oauth +0, drive +1, graph +2, dropbox +3, calendar +4; base 0 = any free port.
 */

export const DEFAULT_PORT_BASE = 4010;

export interface StartFakesOptions {
	/** First port; the fakes take consecutive ports. 0 picks free ports. */
	portBase?: number;
	/** Per-fake seed bodies, sent to each fake's `/_control/seed` ({ "drive": {...}, "dropbox": {...} }). */
	seed?: Record<string, unknown>;
	auth?: FakeAuth;
}

export interface RunningFakes {
	auth: FakeAuth;
	oauth: FakeOAuth;
	drive: FakeDrive;
	graph: FakeGraph;
	dropbox: FakeDropbox;
	calendar: FakeCalendar;
	urls: Record<string, string>;
	/** One token set per provider, issued at start (fake tokens, for demos and manual testing). */
	tokens: Record<AuthFlavour, IssuedTokens>;
	stop(): Promise<void>;
}

export async function startFakes(options: StartFakesOptions = {}): Promise<RunningFakes> {
	const auth = options.auth ?? new FakeAuth();
	const portBase = options.portBase ?? DEFAULT_PORT_BASE;
	const fakes = {
		oauth: new FakeOAuth(auth),
		drive: new FakeDrive(auth),
		graph: new FakeGraph(auth),
		dropbox: new FakeDropbox(auth),
		calendar: new FakeCalendar(auth),
	};
	const started: FakeServer[] = [];
	const urls: Record<string, string> = {};
	const stop = async () => {
		await Promise.all(started.map((fake) => fake.stop()));
	};
	try {
		let offset = 0;
		for (const [name, fake] of Object.entries(fakes) as Array<[string, FakeServer]>) {
			urls[name] = await fake.start(portBase === 0 ? 0 : portBase + offset);
			started.push(fake);
			offset++;
		}
		for (const [name, body] of Object.entries(options.seed ?? {})) {
			if (!urls[name])
				throw new Error(`seed: no fake named "${name}" (known: ${Object.keys(urls).join(', ')})`);
			const response = await fetch(`${urls[name]}/_control/seed`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body),
			});
			if (!response.ok)
				throw new Error(`seed of ${name} failed: HTTP ${response.status} ${await response.text()}`);
		}
	} catch (error) {
		await stop();
		throw error;
	}
	const tokens: Record<AuthFlavour, IssuedTokens> = {
		google: auth.issue('google', [
			DRIVE_SCOPES.drive,
			'https://www.googleapis.com/auth/calendar.events',
			'https://www.googleapis.com/auth/calendar.calendarlist.readonly',
		]),
		microsoft: auth.issue('microsoft', ['offline_access', 'Files.ReadWrite.All']),
		dropbox: auth.issue('dropbox', DROPBOX_SCOPES),
	};
	return { auth, ...fakes, urls, tokens, stop };
}

export function parseArgs(
	argv: string[],
	env: NodeJS.ProcessEnv = process.env,
): { portBase: number; seedFile?: string } {
	let portBase =
		env.FAKES_PORT_BASE !== undefined ? Number(env.FAKES_PORT_BASE) : DEFAULT_PORT_BASE;
	let seedFile: string | undefined;
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const [flag, inline] = arg.includes('=')
			? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
			: [arg, undefined];
		const value = () => inline ?? argv[++i];
		if (flag === '--port-base') portBase = Number(value());
		else if (flag === '--seed') seedFile = value();
		else throw new Error(`unknown option ${arg} (use --port-base N, --seed file.json)`);
	}
	if (!Number.isInteger(portBase) || portBase < 0 || portBase > 65530)
		throw new Error(`invalid port base ${portBase}`);
	return { portBase, seedFile };
}

async function main(): Promise<void> {
	const { portBase, seedFile } = parseArgs(process.argv.slice(2));
	const seed = seedFile
		? (JSON.parse(readFileSync(seedFile, 'utf8')) as Record<string, unknown>)
		: undefined;
	const fakes = await startFakes({ portBase, seed });
	for (const [name, url] of Object.entries(fakes.urls)) console.log(`${name.padEnd(9)} ${url}`);
	console.log('\nPre-issued FAKE tokens (valid only on these local fakes):');
	for (const [flavour, set] of Object.entries(fakes.tokens)) {
		console.log(
			`${flavour.padEnd(9)} access ${set.access_token}\n${''.padEnd(9)} refresh ${set.refresh_token}`,
		);
	}
	console.log(`\nFAKES_READY ${JSON.stringify({ urls: fakes.urls })}`);
	let stopping = false;
	const shutdown = (signal: string) => {
		if (stopping) return;
		stopping = true;
		console.log(`\n${signal}: stopping fakes`);
		fakes.stop().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', () => shutdown('SIGINT'));
	process.on('SIGTERM', () => shutdown('SIGTERM'));
}

if (require.main === module) {
	main().catch((error: unknown) => {
		console.error(`fakes: ${error instanceof Error ? error.message : String(error)}`);
		process.exit(1);
	});
}
