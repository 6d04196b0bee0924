import { tmpdir } from 'os';
import { DateTime } from 'luxon';
import type { IDataObject } from 'n8n-workflow';
import {
	CloudSyncGoogleCalendarOAuth2Api,
	GOOGLE_CALENDAR_SCOPES,
} from '../../credentials/CloudSyncGoogleCalendarOAuth2Api.credentials';
import { CalendarSync } from '../../nodes/CalendarSync/CalendarSync.node';
import { FakeCalendar } from '../fakes/calendar';
import { FakeAuth } from '../fakes/common/auth';
import { FakeOAuth } from '../fakes/oauth';
import { WorkflowHarness, type RunResult } from '../harness/workflow';
import { COLLECT, collectWorkflow, type CollectWorkflow } from '../nodes/support/collectHarness';
import { cloudSource, localSource, type CollectSource } from '../nodes/support/collectSources';
import {
	cloudDestination,
	EXPORT,
	exportWorkflow,
	filesBelow,
	localDestination,
	type Doc,
	type ExportDestination,
	type ExportWorkflow,
} from '../nodes/support/exportWorkflow';
import { errorText, isClear } from './support/clarity';
import type { CloudKind } from './support/faultKit';
import type { FakeCloud } from './support/faultKit';
import { sweepAndReport } from './support/lifecycle';
import { FaultReport } from './support/report';
import { SecretSweep } from './support/secrets';
import { SERVICE, tally } from './support/runs';

/**
 * Issue 18 point 5: tampered or corrupt static data with the right version number. Each case runs the workflow
 * through n8n's engine, damages the node's stored state between two runs as a hand edit, an import or a cut-short
 * save would, and runs on. Promises checked: no run fails with a raw error; a damaged state is reported in the
 * output (a clear warning naming the node and what happened); nothing is uploaded or delivered twice; a state
 * from a newer version stops the run with a clear error and is left exactly as it was.
 */

// n8n 2.x only lets nodes touch allowed folders; an operator allows the local test folders like this.
process.env.N8N_RESTRICT_FILE_ACCESS_TO = tmpdir();

const report = new FaultReport('stateCorruption');
const sweep = new SecretSweep();

/** Every token of the fake behind a case is searched for in what the runs logged and returned. */
function watchFake(fixture: unknown): void {
	const fake = (fixture as { fake?: FakeCloud }).fake;
	if (fake) sweep.watch(fake.auth);
}
const KINDS: Array<CloudKind | 'localFolder'> = [
	'googleDrive',
	'oneDrive',
	'dropbox',
	'localFolder',
];

const docs = (count: number, from = 0): Doc[] =>
	Array.from({ length: count }, (_, i) => ({
		id: `D${from + i}`,
		content: `document D${from + i}`,
		json: { client: `Client ${(from + i) % 2}` },
	}));
const names = (count: number, from = 0) =>
	Array.from({ length: count }, (_, i) => `F${from + i}.pdf`);

/** The warnings a run put on its items, each checked for clarity (names the node, says what to do). */
function warnings(json: IDataObject[], node: string): { texts: string[]; unclear: number } {
	const texts = [
		...new Set(json.map((j) => j.stateWarning).filter((w): w is string => typeof w === 'string')),
	];
	return { texts, unclear: texts.filter((text) => !isClear(text, [node])).length };
}

/** A failed run whose error does not name the node and say what to do counts as unclear. */
function failureUnclear(result: RunResult, node: string, names: string[] = [node]): number {
	if (result.status === 'success') return 0;
	const text = errorText(result.nodeError(node) ?? result.error);
	if (isClear(text, names) && !/TypeError|is not a function|Cannot read prop/i.test(text)) return 0;
	process.stderr.write(`UNCLEAR [${node}]: ${text}\n`);
	return 1;
}

// ---------------------------------------------------------------------------------------------- Export to Folder

interface ExportCase {
	destination: ExportDestination;
	flow: ExportWorkflow;
	unclear: number;
	/** Runs in production mode; counts unclear failures; returns the output items. */
	run(input: Doc[]): Promise<{ result: RunResult; json: IDataObject[] }>;
	tamper(edit: (state: IDataObject) => unknown): void;
}

type ExportBody = (c: ExportCase) => Promise<{ expected: Doc[]; note?: string }>;

function exportCase(kind: CloudKind | 'localFolder', fault: string, body: ExportBody): void {
	test(`Export to Folder, ${SERVICE[kind]}: ${fault}`, async () => {
		const destination =
			kind === 'localFolder' ? await localDestination() : await cloudDestination(kind);
		watchFake(destination.fixture);
		const flow = exportWorkflow(destination, {
			folderStructure: 'perRecord',
			recordFolderName: '={{ $json.client }}',
		});
		const c: ExportCase = {
			destination,
			flow,
			unclear: 0,
			async run(input) {
				const outcome = await flow.run(input);
				sweep.run(outcome.result);
				c.unclear += failureUnclear(outcome.result, EXPORT);
				return outcome;
			},
			tamper(edit) {
				const global = flow.harness.staticData.global as IDataObject;
				const key = `cloudSync:${flow.harness.node(EXPORT).id}`;
				global[key] = edit(global[key] as IDataObject) as IDataObject;
			},
		};
		try {
			const { expected, note } = await body(c);
			const files = await filesBelow(destination.fixture.provider, destination.fixture.rootId);
			const fileNames = [...files.values()].map((file) => file.name);
			const counted = tally(
				expected.map((doc) => doc.id),
				(id) =>
					fileNames.filter((name) => new RegExp(`^${id}( \\(.+\\))?\\.pdf$`).test(name)).length,
			);
			report.record({
				node: 'Export to Folder',
				provider: SERVICE[kind],
				fault,
				lost: counted.lost,
				duplicated: counted.duplicated,
				unclear: c.unclear,
				note,
			});
			expect({
				lost: counted.lostKeys,
				duplicated: counted.duplicatedKeys,
				unclear: c.unclear,
			}).toEqual({ lost: [], duplicated: [], unclear: 0 });
		} finally {
			await destination.close();
		}
	});
}

/**
 * A damaged state: the run succeeds, every item says the state was repaired, nothing is uploaded twice; the
 * rebuilt records are the real ones (a document changed on the next run replaces its file, no second copy).
 */
async function exportRepairs(
	c: ExportCase,
	edit: (state: IDataObject) => unknown,
): Promise<{ expected: Doc[] }> {
	const first = docs(4);
	expect((await c.run(first)).result.status).toBe('success');
	c.tamper(edit);
	// The same documents and a new one.
	const second = [...first, ...docs(1, 4)];
	const { result, json } = await c.run(second);
	expect(result.error?.message ?? result.status).toBe('success');
	const warned = warnings(json, EXPORT);
	c.unclear += warned.unclear;
	expect(warned.texts).toHaveLength(1);
	expect(json.map((j) => j.action)).not.toContain('failed');
	// The next run finds a clean state (no warning any more) that knows every file: D3's new version replaces it.
	const third = [
		...second.slice(0, 3),
		{ ...second[3], content: 'document D3, second version' },
		second[4],
	];
	const after = await c.run(third);
	expect(after.result.error?.message ?? after.result.status).toBe('success');
	expect(warnings(after.json, EXPORT).texts).toEqual([]);
	return { expected: third };
}

describe.each(KINDS)('Export to Folder, corrupt state on %s', (kind) => {
	exportCase(kind, 'static data: exported records not text', (c) =>
		exportRepairs(c, (state) => ({ ...state, records: 12345 })),
	);

	exportCase(kind, 'static data: a cached folder and a record entry garbled', (c) =>
		exportRepairs(c, (state) => {
			const folders = [...(state.folders as unknown[])];
			folders[0] = { garbage: true };
			const records = String(state.records).split('|');
			records[0] = `${records[0].slice(0, 28)}X~~.${records[0].slice(-3)}`;
			return { ...state, folders, records: records.join('|'), stopped: 7 };
		}),
	);

	exportCase(kind, 'static data: not an object', (c) => exportRepairs(c, () => 'garbage'));

	exportCase(kind, 'static data from a newer version: clear error, left untouched', async (c) => {
		const first = docs(3);
		expect((await c.run(first)).result.status).toBe('success');
		c.tamper((state) => ({ ...state, v: 99, futureField: { keep: 'me' } }));
		const before = JSON.stringify(c.flow.stateOf());
		const { result } = await c.run(docs(4));
		expect(result.status).toBe('error');
		expect(errorText(result.nodeError(EXPORT))).toMatch(/version 99/);
		expect(JSON.stringify(c.flow.stateOf())).toBe(before);
		return { expected: first, note: 'the run stops before any upload' };
	});
});

// ---------------------------------------------------------------------------------------------- Collect New Files

interface CollectCase {
	source: CollectSource;
	flow: CollectWorkflow;
	deliveries: string[];
	unclear: number;
	run(): Promise<{ result: RunResult; json: IDataObject[] }>;
	addFiles(list: string[]): Promise<void>;
	tamper(edit: (state: IDataObject) => unknown): void;
}

type CollectBody = (c: CollectCase) => Promise<{ expected: string[]; note?: string }>;

function collectCase(kind: CloudKind | 'localFolder', fault: string, body: CollectBody): void {
	test(`Collect New Files, ${SERVICE[kind]}: ${fault}`, async () => {
		const source = kind === 'localFolder' ? await localSource() : await cloudSource(kind);
		watchFake(source.fixture);
		// The ledger alone decides (no overlap guard): what it promises is what is tested.
		const flow = collectWorkflow(source, { options: { overlapGuard: false } });
		const c: CollectCase = {
			source,
			flow,
			deliveries: [],
			unclear: 0,
			async run() {
				const { result, json, items } = await flow.run('trigger');
				sweep.run(result);
				c.unclear += failureUnclear(result, COLLECT);
				for (const item of items)
					if (item.binary && item.json.status === 'collected')
						c.deliveries.push(String(item.json.name));
				return { result, json };
			},
			async addFiles(list) {
				for (const name of list)
					await source.user.createFile(name, Buffer.from(`content of ${name}`));
			},
			tamper(edit) {
				const global = flow.harness.staticData.global as IDataObject;
				const key = `cloudSync:${flow.harness.node(COLLECT).id}`;
				global[key] = edit(global[key] as IDataObject) as IDataObject;
			},
		};
		try {
			const { expected, note } = await body(c);
			const counted = tally(expected, (name) => c.deliveries.filter((d) => d === name).length);
			report.record({
				node: 'Collect New Files',
				provider: SERVICE[kind],
				fault,
				lost: counted.lost,
				duplicated: counted.duplicated,
				unclear: c.unclear,
				note,
			});
			expect({
				lost: counted.lostKeys,
				duplicated: counted.duplicatedKeys,
				unclear: c.unclear,
			}).toEqual({ lost: [], duplicated: [], unclear: 0 });
		} finally {
			await source.close();
		}
	});
}

/** A damaged ledger: the run succeeds and says so; files collected before are not delivered again; new ones are. */
async function collectRepairs(
	c: CollectCase,
	edit: (state: IDataObject) => unknown,
	startsOver: boolean,
): Promise<{ expected: string[]; note?: string }> {
	await c.addFiles(names(4));
	expect((await c.run()).result.status).toBe('success');
	c.tamper(edit);
	const { result, json } = await c.run();
	expect(result.error?.message ?? result.status).toBe('success');
	const warned = warnings(json, COLLECT);
	c.unclear += warned.unclear;
	expect(warned.texts).toHaveLength(1);
	if (startsOver) expect(warned.texts[0]).toMatch(/started over from now/);
	await c.addFiles(names(2, 4));
	expect((await c.run()).result.status).toBe('success');
	const settled = await c.run();
	expect(warnings(settled.json, COLLECT).texts).toEqual([]);
	return {
		expected: names(6),
		note: startsOver ? 'started over from now (said in the output)' : undefined,
	};
}

describe.each(KINDS)('Collect New Files, corrupt state on %s', (kind) => {
	collectCase(kind, 'static data: collected ledger not text, watched folder garbled', (c) =>
		collectRepairs(c, (state) => ({ ...state, collected: 42, folder: 'somewhere' }), true),
	);

	collectCase(kind, 'static data: history, pending and count garbled', (c) =>
		collectRepairs(c, (state) => ({ ...state, history: 'x', pending: 5, total: 'many' }), false),
	);

	collectCase(kind, 'static data: one collected entry garbled, cursor lost', (c) =>
		collectRepairs(
			c,
			(state) => {
				const collected = String(state.collected);
				const { cursor: _cursor, ...rest } = state;
				return { ...rest, collected: `${'!'.repeat(24)}${collected.slice(24)}` };
			},
			true,
		),
	);

	collectCase(kind, 'static data from a newer version: clear error, left untouched', async (c) => {
		await c.addFiles(names(3));
		expect((await c.run()).result.status).toBe('success');
		c.tamper((state) => ({ ...state, v: 2, collected: { format: 'next' } }));
		const before = JSON.stringify(c.flow.harness.staticData);
		const { result } = await c.run();
		expect(result.status).toBe('error');
		expect(errorText(result.nodeError(COLLECT))).toMatch(/version 2/);
		expect(JSON.stringify(c.flow.harness.staticData)).toBe(before);
		return { expected: names(3), note: 'the run stops before reading the folder' };
	});
});

// ---------------------------------------------------------------------------------------------- Calendar Sync

const CAL = 'user@example.com';
const CALENDAR = 'Calendar Sync';
const day = (offset: number) => DateTime.utc().startOf('day').plus({ days: offset }).toISODate()!;
const activities = (count: number) =>
	Array.from({ length: count }, (_, i) => ({
		id: `A${i}`,
		type: 'meeting',
		subject: `Meeting ${i}`,
		due_date: day(1 + i),
		due_time: '09:00',
		duration: '01:00',
		update_time: '2020-01-01 00:00:00',
	}));

interface CalendarCase {
	harness: WorkflowHarness;
	unclear: number;
	run(input: IDataObject[]): Promise<RunResult>;
	tamper(edit: (state: IDataObject) => unknown): void;
}

function calendarCase(
	fault: string,
	body: (c: CalendarCase) => Promise<{ expected: string[]; note?: string }>,
): void {
	test(`Calendar Sync, Google Calendar: ${fault}`, async () => {
		const auth = new FakeAuth();
		sweep.watch(auth);
		const fake = new FakeCalendar(auth);
		const oauth = new FakeOAuth(auth);
		await fake.start();
		await oauth.start();
		const harness = new WorkflowHarness()
			.registerNode('calendarSync', new CalendarSync())
			.registerCredentialType(new CloudSyncGoogleCalendarOAuth2Api());
		const tokens = auth.issue('google', GOOGLE_CALENDAR_SCOPES);
		harness.credentials.add({
			id: 'gcal',
			name: 'Google Calendar',
			type: 'cloudSyncGoogleCalendarOAuth2Api',
			data: {
				clientId: 'fake-client-id',
				clientSecret: 'fake-client-secret',
				accessTokenUrl: oauth.tokenUrl('google'),
				authUrl: `${oauth.baseUrl}/o/oauth2/v2/auth`,
				apiBaseUrl: fake.baseUrl,
				oauthTokenData: {
					access_token: tokens.access_token,
					refresh_token: tokens.refresh_token,
					token_type: 'Bearer',
				},
			},
		});
		harness.addNode({
			name: CALENDAR,
			type: 'calendarSync',
			parameters: {
				operation: 'sync',
				calendar: { __rl: true, mode: 'id', value: CAL },
				direction: 'oneWay',
				activityTypes: 'meeting',
			},
			credentials: { cloudSyncGoogleCalendarOAuth2Api: { id: 'gcal', name: 'Google Calendar' } },
		});
		const c: CalendarCase = {
			harness,
			unclear: 0,
			async run(input) {
				const result = await harness.run({
					mode: 'trigger',
					input: input.map((json) => ({ json })),
				});
				sweep.run(result);
				// The calendar's status is "the saved state" in the error: the object concerned.
				c.unclear += failureUnclear(result, CALENDAR, ['saved state']);
				return result;
			},
			tamper(edit) {
				const global = harness.staticData.global as IDataObject;
				const key = `cloudSync:${harness.node(CALENDAR).id}`;
				global[key] = edit(global[key] as IDataObject) as IDataObject;
			},
		};
		try {
			const { expected, note } = await body(c);
			const live = fake.liveEvents(CAL);
			const counted = tally(
				expected,
				(id) =>
					live.filter(
						(event) =>
							(event.extendedProperties as { private?: IDataObject } | undefined)?.private
								?.cloudSyncActivityId === id,
					).length,
			);
			report.record({
				node: 'Calendar Sync',
				provider: 'Google Calendar',
				fault,
				lost: counted.lost,
				duplicated: counted.duplicated,
				unclear: c.unclear,
				note,
			});
			expect({
				lost: counted.lostKeys,
				duplicated: counted.duplicatedKeys,
				unclear: c.unclear,
			}).toEqual({ lost: [], duplicated: [], unclear: 0 });
		} finally {
			await fake.stop();
			await oauth.stop();
		}
	});
}

describe('Calendar Sync, corrupt state', () => {
	calendarCase('static data: links not a map, a pending entry garbled', async (c) => {
		expect((await c.run(activities(4))).status).toBe('success');
		c.tamper((state) => ({ ...state, links: null, pend: { x: 7 } }));
		const second = await c.run(activities(5));
		expect(second.error?.message ?? second.status).toBe('success');
		// The repair is said once, on the run that made it: naming the node, what was wrong and that nothing is owed.
		const warnings = new Set(second.output(CALENDAR).map((item) => item.json.stateWarning));
		expect([...warnings]).toEqual([
			expect.stringMatching(
				/^Calendar Sync "Calendar Sync": its saved state was damaged \(.+\)\. .*Nothing needs doing/,
			),
		]);
		const third = await c.run(activities(5));
		expect(third.status).toBe('success');
		expect(third.output(CALENDAR).filter((item) => item.json.stateWarning !== undefined)).toEqual(
			[],
		);
		return {
			expected: activities(5).map((a) => a.id),
			note: 'dropped links relinked by the full listing; the output says so once (stateWarning)',
		};
	});

	calendarCase('static data from a newer version: clear error, left untouched', async (c) => {
		expect((await c.run(activities(3))).status).toBe('success');
		c.tamper((state) => ({ ...state, v: 2 }));
		const before = JSON.stringify(c.harness.staticData);
		const stopped = await c.run(activities(4));
		expect(stopped.status).toBe('error');
		expect(errorText(stopped.nodeError(CALENDAR))).toMatch(/version 2/);
		expect(JSON.stringify(c.harness.staticData)).toBe(before);
		return { expected: activities(3).map((a) => a.id), note: 'the run stops before any write' };
	});
});

sweepAndReport(sweep, report);
