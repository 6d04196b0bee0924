import { readFileSync, writeFileSync } from 'fs';
import { request } from 'http';
import { ALL_SCOPES as DROPBOX_SCOPES } from '../../fakes/dropbox';
import { DRIVE_SCOPES } from '../../fakes/drive';
import { N8nInstance } from '../../e2e/n8nInstance';
import { startFakesOnHosts, type FakesOnHosts } from './fakesOnHosts';
import { API_HOSTS } from './hosts';
import { LatencyRelay } from './latency';
import { currentRssMiB, peakRssMiB, resetPeakRss } from './memory';
import { describeTimeline, timelineOf } from './timeline';
import type { PeerConfig, PairResult, RunMeasure, SideResult } from './types';
import {
	benchCredentials,
	calendarWorkflow,
	collectWorkflow,
	exportWorkflow,
	webhookPath,
	type Cloud,
	type Side,
	type WatchedFolder,
} from './workflows';

/**
 * Scenario 7, the part that runs inside the bench's network namespace (started by index.ts through
 * `ip netns exec`): the fakes listen with TLS on the real API host names, one n8n serves both sides' workflows,
 * and every job runs twice per side. Writes the measured pairs as JSON to the result file.
 */

const CLOUDS: Cloud[] = ['googleDrive', 'oneDrive', 'dropbox'];
const SIDES: Side[] = ['peer', 'ours'];
/** Second runs go ours first: neither side always meets the shared n8n colder (first module loads, heap growth). */
const SIDES_REVERSED: Side[] = ['ours', 'peer'];
const OLD_TIME = '2019-03-01T09:00:00Z';
const PRIMARY_CALENDAR = 'user@example.com';

type Fakes = FakesOnHosts;
/** Where the fakes listen when a latency relay takes port 443. */
const RELAYED_PORT = 8443;
const WARM_UP_FILES = 20;

/** What lies under an error (fetch failed: the socket's reason, or undici's headers timeout after 300 s). */
function causeOf(error: unknown): string {
	const cause = (error as { cause?: unknown }).cause;
	if (cause === undefined) return '';
	const text = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
	return `\n  caused by ${text}${causeOf(cause)}`;
}

function log(line: string): void {
	process.stdout.write(`     ${line}\n`);
}

/**
 * POST {} to a webhook and wait for its answer however long the run takes. Not fetch: undici gives up on an
 * answer whose headers take more than 300 s, and the built-in Google Drive node's first run of 1,000 files through
 * the 40 ms relay took 276 s at load 3-6 (2,000 requests one after another), so the full bench of 2026-12-07 lost
 * scenario 7 to "fetch failed" at load 8-9.
 */
function postWebhook(url: string): Promise<{ ok: boolean; status: number; text: string }> {
	return new Promise((resolve, reject) => {
		const body = Buffer.from('{}');
		const call = request(
			url,
			{
				method: 'POST',
				headers: { 'content-type': 'application/json', 'content-length': body.length },
			},
			(answer) => {
				const chunks: Buffer[] = [];
				answer.on('data', (chunk: Buffer) => chunks.push(chunk));
				answer.on('error', reject);
				answer.on('end', () => {
					const status = answer.statusCode ?? 0;
					resolve({
						ok: status >= 200 && status < 300,
						status,
						text: Buffer.concat(chunks).toString('utf8'),
					});
				});
			},
		);
		call.on('error', reject);
		call.end(body);
	});
}

/** One webhook call = one run: requests counted on every fake, wall time, the n8n process's peak RSS. */
async function runOnce(
	n8n: N8nInstance,
	fakes: Fakes,
	workflowId: string,
	files = 1,
): Promise<{ items: Array<Record<string, unknown>>; measure: RunMeasure }> {
	const pid = n8n.serverPid!;
	const marks = fakes.all.map((fake) => fake.mark());
	await resetPeakRss(pid);
	const before = await currentRssMiB(pid);
	const startedAt = Date.now();
	const started = process.hrtime.bigint();
	const response = await postWebhook(
		`http://127.0.0.1:${n8n.port}/webhook/${webhookPath(workflowId)}`,
	);
	const text = response.text;
	const ended = process.hrtime.bigint();
	const endedAt = Date.now();
	const ms = Number(ended - started) / 1e6;
	const peak = await peakRssMiB(pid);
	if (!response.ok) {
		const refused = fakes.all.flatMap((fake, index) =>
			fake
				.requests({ since: marks[index] })
				.filter((r) => r.status >= 400)
				.map((r) => `${r.method} ${r.path} -> ${r.status}`),
		);
		throw new Error(
			`${workflowId}: HTTP ${response.status} ${text.slice(0, 300)}; ${await lastError(n8n)}; refused by the fakes: ${refused.slice(0, 5).join(', ') || 'none'}`,
		);
	}
	const parsed: unknown = text ? JSON.parse(text) : [];
	const items = (Array.isArray(parsed) ? parsed : [parsed]).filter(
		(item) => item && typeof item === 'object' && Object.keys(item).length > 0,
	) as Array<Record<string, unknown>>;
	const logged = fakes.all.flatMap((fake, index) => fake.requests({ since: marks[index] }));
	const timeline = timelineOf(logged, startedAt, endedAt, files);
	const windowUs: [number, number] = [Number(started / 1000n), Number(ended / 1000n)];
	return {
		items,
		measure: {
			requests: logged.length,
			ms,
			peakRssMiB: peak,
			rssGrowthMiB: peak - before,
			items: items.length,
			timeline,
			windowUs,
		},
	};
}

/** The error n8n stored for the latest execution (its data is in n8n's "flatted" form: search the text). */
async function lastError(n8n: N8nInstance): Promise<string> {
	const rows = await n8n
		.query('select data from execution_data order by executionId desc limit 1')
		.catch(() => []);
	const data = String(rows[0]?.data ?? '');
	const messages = [...data.matchAll(/"message":"((?:[^"\\]|\\.)*)"/g)]
		.map((m) => m[1])
		.filter(Boolean);
	const at = data.indexOf('"lastNodeExecuted"');
	return `n8n said: ${messages.slice(0, 3).join(' | ') || 'no message'}${at >= 0 ? ` (${data.slice(at, at + 60)})` : ''}`;
}

function workflowId(job: string, cloud: string, side: Side): string {
	return `Bn${job}${cloud}${side}`
		.replace(/[^A-Za-z0-9]/g, '')
		.padEnd(16, '0')
		.slice(0, 16);
}

const CLOUD_TAG: Record<Cloud, string> = { googleDrive: 'Drv', oneDrive: 'One', dropbox: 'Dbx' };

// ---------------------------------------------------------------- the user's side of each cloud

interface CloudUser {
	folder(path: string): WatchedFolder;
	/** Create a file at `path` (below the account root) with a given modified time. */
	create(path: string, content: Buffer, modifiedAt?: string): Promise<void>;
	/** Move a file into a folder, as the user does in the cloud's UI (the file keeps its modified time). */
	move(path: string, folderPath: string): Promise<void>;
	/** Names of the files directly in a folder (with repeats: Drive allows several files of one name). */
	names(folderPath: string): string[];
}

function cloudUser(fakes: Fakes, cloud: Cloud): CloudUser {
	if (cloud === 'googleDrive') {
		const { drive } = fakes;
		const idOf = (path: string) => {
			const found = drive.findByPath(path.replace(/^\//, ''));
			if (!found) throw new Error(`drive: nothing at ${path}`);
			return found.id;
		};
		return {
			folder: (path) => ({ id: drive.seedFolder({ name: path.replace(/^\//, '') }), path }),
			create: async (path, content, modifiedAt) => {
				await drive.seedFile({ name: path.replace(/^\//, ''), content, modifiedTime: modifiedAt });
			},
			move: async (path, folderPath) => drive.userMove(idOf(path), idOf(folderPath)),
			names: (folderPath) =>
				(drive.tree(idOf(folderPath)).children ?? [])
					.filter((c) => !c.folder && !c.trashed)
					.map((c) => c.name),
		};
	}
	if (cloud === 'oneDrive') {
		const { graph } = fakes;
		return {
			folder: (path) => ({ id: graph.userCreateFolder(path.replace(/^\//, '')), path }),
			create: async (path, content, modifiedAt) => {
				await graph.userCreateFile(path.replace(/^\//, ''), content, { modifiedAt });
			},
			move: async (path, folderPath) =>
				graph.userMove(path.replace(/^\//, ''), folderPath.replace(/^\//, '')),
			names: (folderPath) => {
				let node = graph.dumpTree();
				for (const part of folderPath.split('/').filter(Boolean))
					node = node.children!.find((c) => c.name === part)!;
				return (node.children ?? []).filter((c) => !c.children).map((c) => c.name);
			},
		};
	}
	const { dropbox } = fakes;
	return {
		folder: (path) => ({ id: dropbox.userCreateFolder(path).id, path }),
		create: async (path, content, modifiedAt) => {
			await dropbox.userWrite(path, content, modifiedAt);
		},
		move: async (path, folderPath) => void dropbox.userMove(path, folderPath),
		names: (folderPath) => {
			const prefix = `${folderPath.toLowerCase()}/`;
			return (dropbox.dumpTree() as Array<{ path: string; folder?: boolean; tag?: string }>)
				.filter(
					(entry) =>
						entry.path.toLowerCase().startsWith(prefix) &&
						!entry.path.slice(prefix.length).includes('/') &&
						entry.tag !== 'folder' &&
						!entry.folder,
				)
				.map((entry) => entry.path.slice(prefix.length));
		},
	};
}

// ---------------------------------------------------------------- jobs

function emptySide(): SideResult {
	return { runs: [], missed: 0, duplicated: 0 };
}

const nameOf = (item: Record<string, unknown>) => String(item.name ?? item.pathDisplay ?? '');

/** Collect: N files, a first run each side; a file moved in with an old modified time; a second run each side. */
async function collectJob(
	n8n: N8nInstance,
	fakes: Fakes,
	cloud: Cloud,
	files: number,
	folder: WatchedFolder,
): Promise<PairResult> {
	const user = cloudUser(fakes, cloud);
	const result: PairResult = { job: 'collect', cloud, peer: emptySide(), ours: emptySide() };
	const seen: Record<Side, string[]> = { peer: [], ours: [] };
	const first = Array.from({ length: files }, (_, i) => `scan-${String(i).padStart(5, '0')}.pdf`);
	for (const name of first)
		await user.create(
			`${folder.path}/${name}`,
			Buffer.from(`scan ${name}`),
			'2026-01-05T10:00:00Z',
		);
	for (const side of SIDES) {
		const run = await runOnce(n8n, fakes, workflowId(`Col${CLOUD_TAG[cloud]}`, '', side));
		result[side].runs.push({ ...run.measure, phase: 'first' });
		seen[side] = run.items.map(nameOf);
		result[side].missed += first.filter((name) => !seen[side].includes(name)).length;
		result[side].duplicated += seen[side].length - new Set(seen[side]).size;
	}
	// (a) moved in with an old timestamp, (b) the first files stay where they are.
	const moved = 'old-invoice-2019.pdf';
	await user.create(`${folder.path}-elsewhere/${moved}`, Buffer.from('an old invoice'), OLD_TIME);
	await user.move(`${folder.path}-elsewhere/${moved}`, folder.path);
	for (const side of SIDES_REVERSED) {
		const run = await runOnce(n8n, fakes, workflowId(`Col${CLOUD_TAG[cloud]}`, '', side));
		result[side].runs.push({ ...run.measure, phase: 'repeat' });
		const names = run.items.map(nameOf);
		if (!names.includes(moved)) result[side].missed++;
		result[side].duplicated += names.filter((name) => seen[side].includes(name)).length;
	}
	return result;
}

/**
 * Export: `repeats` first runs per side, each into an empty destination of its own, alternating which side goes
 * first so load on the shared machine hits both; then the first destination's job once more per side (a repeat
 * run: the built-in workflow uploads everything again by design, ours nothing). Every destination should hold each
 * document once after its runs.
 */
async function exportJob(
	n8n: N8nInstance,
	fakes: Fakes,
	cloud: Cloud,
	files: number,
	repeats: number,
	folders: Array<Record<Side, string>>,
): Promise<PairResult> {
	const user = cloudUser(fakes, cloud);
	const result: PairResult = { job: 'export', cloud, peer: emptySide(), ours: emptySide() };
	const expected = Array.from({ length: files }, (_, i) => `doc-${String(i).padStart(5, '0')}.txt`);
	const check = (side: Side, folder: string) => {
		const names = user.names(folder);
		const distinct = new Set(names);
		result[side].missed += expected.filter((name) => !distinct.has(name)).length;
		result[side].duplicated += names.length - distinct.size;
	};
	const runSide = async (side: Side, round: number, phase: 'first' | 'repeat') => {
		const run = await runOnce(
			n8n,
			fakes,
			workflowId(`Exp${CLOUD_TAG[cloud]}${round}`, '', side),
			files,
		);
		result[side].runs.push({ ...run.measure, phase });
		log(
			`${cloud} ${side} ${phase} run ${round}: ${Math.round(run.measure.ms)} ms; ${describeTimeline(run.measure.timeline!)}`,
		);
	};
	for (let round = 1; round <= repeats; round++) {
		for (const side of round % 2 === 1 ? SIDES : SIDES_REVERSED)
			await runSide(side, round, 'first');
	}
	for (let round = 1; round < repeats; round++)
		for (const side of SIDES) check(side, folders[round - 1][side]);
	// The last round's job again: Drive's and Graph's change feeds cover the whole drive, so an earlier round's
	// repeat would read the later rounds' uploads into sibling folders (5-6 feed pages at 1,000 files), which an
	// idle run of one export never meets.
	for (const side of SIDES_REVERSED) await runSide(side, repeats, 'repeat');
	for (const side of SIDES) check(side, folders[repeats - 1][side]);
	return result;
}

const DAY = 24 * 3600 * 1000;
function eventAt(i: number) {
	const start = new Date(
		Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()) +
			(1 + (i % 28)) * DAY +
			(8 + (i % 10)) * 3600 * 1000,
	);
	return {
		summary: `Client meeting ${i}`,
		start: { dateTime: start.toISOString() },
		end: { dateTime: new Date(start.getTime() + 3600 * 1000).toISOString() },
	};
}

/** Calendar: M events the user made; a first run; the user adds one event and moves another; a second run. */
async function calendarJob(n8n: N8nInstance, fakes: Fakes, events: number): Promise<PairResult> {
	// The built-in node takes a calendar id that looks like an e-mail address only: the primary calendar's own id.
	const calendarId = PRIMARY_CALENDAR;
	const result: PairResult = {
		job: 'calendar',
		cloud: 'googleCalendar',
		peer: emptySide(),
		ours: emptySide(),
	};
	const ids: string[] = [];
	for (let i = 0; i < events; i++)
		ids.push(String(fakes.calendar.userCreate(calendarId, eventAt(i)).id));
	// Ours reports calendar-side changes as items for the activity source; the peer returns events.
	const eventIdOf = (side: Side) => (item: Record<string, unknown>) =>
		String(side === 'ours' ? item.eventId : item.id);
	const reported = (side: Side, items: Array<Record<string, unknown>>) =>
		(side === 'ours' ? items.filter((item) => item.target === 'activity') : items).map(
			eventIdOf(side),
		);
	const seen: Record<Side, string[]> = { peer: [], ours: [] };
	for (const side of SIDES) {
		const run = await runOnce(n8n, fakes, workflowId('Cal', '', side));
		result[side].runs.push({ ...run.measure, phase: 'first' });
		seen[side] = reported(side, run.items);
		result[side].missed += ids.filter((id) => !seen[side].includes(id)).length;
		result[side].duplicated += seen[side].length - new Set(seen[side]).size;
	}
	const added = String(
		fakes.calendar.userCreate(calendarId, {
			...eventAt(events),
			summary: 'Added after the first run',
		}).id,
	);
	const movedEvent = ids[0];
	const later = eventAt(3);
	fakes.calendar.userMove(calendarId, movedEvent, later.start, later.end);
	for (const side of SIDES_REVERSED) {
		const run = await runOnce(n8n, fakes, workflowId('Cal', '', side));
		result[side].runs.push({ ...run.measure, phase: 'repeat' });
		const got = reported(side, run.items);
		result[side].missed += [added, movedEvent].filter((id) => !got.includes(id)).length;
		result[side].duplicated += got.filter(
			(id) => id !== movedEvent && seen[side].includes(id),
		).length;
	}
	return result;
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
	const config = JSON.parse(readFileSync(process.argv[2], 'utf8')) as PeerConfig;
	const tls = {
		key: readFileSync(config.keyFile, 'utf8'),
		cert: readFileSync(config.certFile, 'utf8'),
	};
	const relays: LatencyRelay[] = [];
	const fakes = await startFakesOnHosts(tls, config.latencyMs > 0 ? { port: RELAYED_PORT } : {});
	if (config.latencyMs > 0) {
		for (const address of new Set(Object.values(API_HOSTS))) {
			const relay = new LatencyRelay(config.latencyMs, { host: address, port: RELAYED_PORT });
			await relay.start(address, 443);
			relays.push(relay);
		}
		log(
			`every connection to a fake runs through a relay adding ${config.latencyMs} ms per round trip`,
		);
	}
	// n8n and everything it spawns trust the test CA (and only through this variable).
	process.env.NODE_EXTRA_CA_CERTS = config.caFile;
	// n8n's own log goes to a file in the work folder, for the error report when a run fails.
	process.env.N8N_LOG_OUTPUT = 'file';
	process.env.N8N_LOG_FILE_LOCATION = logFile(config);
	const n8n = new N8nInstance(config.n8nDir, 1, config.n8nUserFolder);
	const stopAll = async () => {
		await n8n.stop().catch(() => undefined);
		for (const relay of relays) await relay.stop().catch(() => undefined);
		await fakes.stop().catch(() => undefined);
	};
	process.once('SIGTERM', () => void stopAll().finally(() => process.exit(143)));
	try {
		const google = fakes.auth.issue('google', [
			DRIVE_SCOPES.drive,
			'https://www.googleapis.com/auth/calendar',
			'https://www.googleapis.com/auth/calendar.events',
			'https://www.googleapis.com/auth/calendar.calendarlist.readonly',
		]);
		const microsoft = fakes.auth.issue('microsoft', [
			'openid',
			'offline_access',
			'Files.ReadWrite.All',
		]);
		const dropbox = fakes.auth.issue('dropbox', DROPBOX_SCOPES);
		log('importing credentials and workflows');
		await n8n.importCredentials(
			benchCredentials({ googleDrive: google, calendar: google, oneDrive: microsoft, dropbox }),
		);

		const watched = {} as Record<Cloud, WatchedFolder>;
		const destinations = {} as Record<Cloud, Array<Record<Side, WatchedFolder & { name: string }>>>;
		const workflows: Array<{ id: string }> = [];
		const clouds = CLOUDS.filter((cloud) => config.clouds.includes(cloud));
		for (const cloud of clouds) {
			const user = cloudUser(fakes, cloud);
			watched[cloud] = user.folder('/Inbox');
			user.folder('/Inbox-elsewhere');
			destinations[cloud] = [];
			for (let round = 1; round <= config.repeats; round++) {
				destinations[cloud].push({
					peer: { ...user.folder(`/Export peer ${round}`), name: `Export peer ${round}` },
					// Ours creates its root by name on the first run, as a user would set it up.
					ours: { id: '', path: `/Export ours ${round}`, name: `Export ours ${round}` },
				});
			}
			for (const side of SIDES) {
				const warm =
					side === 'peer'
						? { ...user.folder('/Warm-up peer'), name: 'Warm-up peer' }
						: { id: '', path: '/Warm-up ours', name: 'Warm-up ours' };
				workflows.push(
					exportWorkflow(
						workflowId(`Wrm${CLOUD_TAG[cloud]}`, '', side),
						cloud,
						side,
						WARM_UP_FILES,
						warm,
					),
				);
				workflows.push(
					collectWorkflow(
						workflowId(`Col${CLOUD_TAG[cloud]}`, '', side),
						cloud,
						side,
						watched[cloud],
					),
				);
				for (let round = 1; round <= config.repeats; round++) {
					workflows.push(
						exportWorkflow(
							workflowId(`Exp${CLOUD_TAG[cloud]}${round}`, '', side),
							cloud,
							side,
							config.files,
							destinations[cloud][round - 1][side],
						),
					);
				}
			}
		}
		for (const side of SIDES)
			workflows.push(calendarWorkflow(workflowId('Cal', '', side), side, PRIMARY_CALENDAR));
		// One import and one activation for all (each n8n CLI call boots n8n: seconds apiece).
		await n8n.importWorkflow(workflows);
		const activated = await n8n.cli(['update:workflow', '--all', '--active=true']);
		if (activated.code !== 0)
			throw new Error(`activation failed: ${activated.stderr || activated.stdout}`);
		log(`starting n8n with ${workflows.length} active webhook workflows`);
		await n8n.start(
			5678,
			config.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${config.profileDir}`] : [],
		);

		// Both sides' code loaded and the JIT warm before anything is measured (the first run of n8n was 3x slower).
		for (const cloud of clouds)
			for (const side of SIDES)
				await runOnce(n8n, fakes, workflowId(`Wrm${CLOUD_TAG[cloud]}`, '', side), WARM_UP_FILES);
		const pairs: PairResult[] = [];
		for (const cloud of clouds) {
			if (config.jobs.includes('collect')) {
				log(`collect ${cloud}: ${config.files} files, then one moved in with an old date`);
				pairs.push(await collectJob(n8n, fakes, cloud, config.files, watched[cloud]));
			}
			if (config.jobs.includes('export')) {
				log(
					`export ${cloud}: ${config.files} files, ${config.repeats} first runs per side, then one repeat run`,
				);
				const folders = destinations[cloud].map((round) => ({
					peer: round.peer.path,
					ours: round.ours.path,
				}));
				pairs.push(await exportJob(n8n, fakes, cloud, config.files, config.repeats, folders));
			}
		}
		if (config.jobs.includes('calendar')) {
			log(`calendar: ${config.events} events, then one added and one moved`);
			pairs.push(await calendarJob(n8n, fakes, config.events));
		}
		writeFileSync(
			config.resultFile,
			JSON.stringify({ n8nVersion: config.n8nVersion, pairs }, null, '\t'),
		);
	} catch (error) {
		const tail = readFileSafe(logFile(config))
			.split('\n')
			.filter((line) => /error|fail|problem/i.test(line))
			.slice(-8);
		if (tail.length) process.stderr.write(`n8n log, last errors:\n${tail.join('\n')}\n`);
		throw error;
	} finally {
		await stopAll();
	}
}

function logFile(config: PeerConfig): string {
	return `${config.workDir}/n8n.log`;
}

function readFileSafe(path: string): string {
	try {
		return readFileSync(path, 'utf8');
	} catch {
		return '';
	}
}

main()
	.then(() => process.exit(0))
	.catch((error: unknown) => {
		process.stderr.write(
			`scenario 7 (in the namespace) failed: ${(error as Error).stack ?? String(error)}${causeOf(error)}\n`,
		);
		process.exit(1);
	});
