import { mkdirSync, utimesSync, writeFileSync } from 'fs';
import { join } from 'path';
import { startFakes, type RunningFakes } from '../fakes/cli';
import type { TreeNode as DriveTree } from '../fakes/drive/fakeDrive';
import { installN8n, N8nInstance, N8N_VERSIONS, packPackage } from './n8nInstance';
import {
	accountingPipeline,
	calendarTwoWay,
	CREDENTIALS,
	fakeCredentials,
	qontoExport,
} from './workflows';

/**
 * Issue 7's workflows in one real n8n per version: Qonto receipts into OneDrive by account and month (with
 * Microsoft's rotated refresh token persisted), a two-way calendar sync, and the accounting pipeline started by
 * an active Schedule Trigger (two ticks) and by a production Webhook under `n8n start`.
 */

const versions = (process.env.E2E_N8N ?? 'v1,v2').split(',') as Array<keyof typeof N8N_VERSIONS>;

interface PathTree {
	name: string;
	children?: PathTree[];
	folder?: boolean;
	trashed?: boolean;
}

/** Paths of the files below a fake's tree, the tree's own root left out. */
function filePaths(tree: PathTree, prefix?: string): string[] {
	const here = prefix === undefined ? '' : `${prefix}/${tree.name}`;
	const isFolder = tree.folder ?? tree.children !== undefined;
	if (!isFolder) return tree.trashed ? [] : [here];
	return (tree.children ?? []).flatMap((child) => filePaths(child, here));
}

async function until(
	check: () => Promise<boolean> | boolean,
	timeoutMs: number,
	what: string,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await check()) return;
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	throw new Error(`timed out waiting for ${what}`);
}

describe.each(versions)('workflows in real n8n (%s)', (versionKey) => {
	const { version } = N8N_VERSIONS[versionKey];
	const suffix = versionKey.toUpperCase();
	let fakes: RunningFakes;
	let n8n: N8nInstance;
	let inbox: string;

	beforeAll(async () => {
		const [installDir, tarball] = await Promise.all([installN8n(version), packPackage()]);
		fakes = await startFakes({ portBase: 0, seed: { dropbox: { folders: ['/Receipts'] } } });
		n8n = new N8nInstance(installDir, versionKey === 'v1' ? 1 : 2);
		await n8n.installPackage(tarball);
		await n8n.importCredentials(fakeCredentials(fakes.urls, fakes.tokens));
		inbox = join(n8n.userFolder, 'files', 'qonto-inbox');
		mkdirSync(inbox, { recursive: true });
	});

	afterAll(async () => {
		await n8n?.stop();
		await fakes?.stop();
	});

	it('Qonto: receipts land in OneDrive under <account>/<YYYY-MM>; the rotated refresh token is stored', async () => {
		const receipts: Array<[string, string]> = [
			['Main_fuel.pdf', '2026-09-03T10:00:00Z'],
			['Main_rent.pdf', '2026-10-01T10:00:00Z'],
			['Savings_fees.pdf', '2026-09-20T10:00:00Z'],
		];
		for (const [name, date] of receipts) {
			const file = join(inbox, name);
			writeFileSync(file, `receipt ${name}`);
			utimesSync(file, new Date(date), new Date(date));
		}
		const workflowId = `CsQonto${suffix}00000001`.slice(0, 16);
		await n8n.importWorkflow(qontoExport(workflowId, inbox));
		// The stored access token is stale: n8n must refresh, and Microsoft rotates the refresh token.
		fakes.auth.expireAccessTokens(fakes.tokens.microsoft.access_token);
		const run = await n8n.execute(workflowId);
		expect({ status: run.status, error: run.run?.data?.resultData?.error?.message }).toEqual({
			status: 'success',
			error: undefined,
		});
		const paths = filePaths(fakes.graph.dumpTree()).filter((path) =>
			path.startsWith('/Qonto Receipts/'),
		);
		expect(paths.sort()).toEqual([
			'/Qonto Receipts/Main/2026-09/Main_fuel.pdf',
			'/Qonto Receipts/Main/2026-10/Main_rent.pdf',
			'/Qonto Receipts/Savings/2026-09/Savings_fees.pdf',
		]);
		const credential = await n8n.exportCredential(CREDENTIALS.oneDrive.id);
		const stored = credential.data.oauthTokenData as {
			access_token: string;
			refresh_token: string;
		};
		expect(stored.refresh_token).not.toBe(fakes.tokens.microsoft.refresh_token);
		expect(fakes.auth.refreshWith(stored.refresh_token)).toHaveProperty('access_token');

		// A second run uploads nothing: the export is idempotent across processes (static data persisted).
		const putsBefore = fakes.graph.requests({ method: 'PUT' }).length;
		const again = await n8n.execute(workflowId);
		expect(again.status).toBe('success');
		expect(fakes.graph.requests({ method: 'PUT' }).length).toBe(putsBefore);
		expect((await n8n.executions(workflowId)).map((e) => e.status)).toEqual(['success', 'success']);
	});

	it('Calendar two-way: activities become events; an event made in Google comes back as an activity to create', async () => {
		const activities = [
			{
				id: 101,
				type: 'meeting',
				subject: 'Kick-off with Durand',
				due_date: '2030-01-15',
				due_time: '09:00',
				duration: '01:00',
				done: false,
			},
			{
				id: 102,
				type: 'call',
				subject: 'Call Martin',
				due_date: '2030-01-16',
				due_time: '14:30',
				duration: '00:30',
				done: false,
			},
		];
		const workflowId = `CsCalendar${suffix}000001`.slice(0, 16);
		await n8n.importWorkflow(calendarTwoWay(workflowId, activities));
		const first = await n8n.execute(workflowId);
		expect({ status: first.status, error: first.run?.data?.resultData?.error?.message }).toEqual({
			status: 'success',
			error: undefined,
		});
		const summaries = () =>
			(fakes.calendar.dump('primary').events as Array<{ summary?: string; status?: string }>)
				.filter((event) => event.status !== 'cancelled')
				.map((event) => event.summary)
				.sort();
		expect(summaries()).toEqual(['Call Martin', 'Kick-off with Durand']);

		fakes.calendar.userCreate('primary', {
			summary: 'Dentist',
			start: { dateTime: '2030-01-17T08:00:00Z' },
			end: { dateTime: '2030-01-17T09:00:00Z' },
		});
		const second = await n8n.execute(workflowId);
		expect(second.status).toBe('success');
		const out = (
			second.run.data.resultData.runData['Calendar Sync'][0].data.main[0] as Array<{
				json: Record<string, unknown>;
			}>
		).map((item) => item.json);
		expect(out.filter((item) => item.action === 'create').map((item) => item.subject)).toEqual([
			'Dentist',
		]);
		// Nothing was created twice in Google.
		expect(summaries()).toEqual(['Call Martin', 'Dentist', 'Kick-off with Durand']);
	});

	it('an active Schedule Trigger runs twice under n8n start, and a production Webhook run exports once', async () => {
		const scheduleId = `CsSchedule${suffix}000001`.slice(0, 16);
		const webhookId = `CsWebhook${suffix}0000001`.slice(0, 16);
		await fakes.dropbox.userWrite(
			'/Receipts/tick-1.pdf',
			Buffer.from('first tick'),
			'2026-07-01T10:00:00Z',
		);
		await n8n.importWorkflow(accountingPipeline(scheduleId, 'schedule'));
		await n8n.activate(scheduleId);
		const port = 20000 + Math.floor(Math.random() * 20000);
		await n8n.start(port);
		try {
			await until(
				async () => (await n8n.executions(scheduleId)).length >= 1,
				60_000,
				'the first schedule tick',
			);
			await fakes.dropbox.userWrite(
				'/Receipts/tick-2.pdf',
				Buffer.from('second tick'),
				'2026-07-02T10:00:00Z',
			);
			await until(
				async () => (await n8n.executions(scheduleId)).length >= 3,
				60_000,
				'later schedule ticks',
			);
		} finally {
			await n8n.stop();
		}
		const ticks = await n8n.executions(scheduleId);
		expect(ticks.every((tick) => tick.status === 'success' && tick.mode === 'trigger')).toBe(true);
		const driveFiles = () =>
			filePaths(fakes.drive.tree() as DriveTree).filter((path) => path.startsWith('/Accounting/'));
		expect(driveFiles().sort()).toEqual([
			'/Accounting/Acme Bakery/2026/tick-1.pdf',
			'/Accounting/Acme Bakery/2026/tick-2.pdf',
		]);
		const stored = await n8n.exportWorkflow(scheduleId);
		expect(Object.keys(stored.staticData?.global ?? {})).toEqual(
			expect.arrayContaining(['cloudSync:collect', 'cloudSync:export']),
		);

		// The webhook workflow has state of its own: it collects all three receipts once, into the same Drive folder,
		// where the schedule's two are already present: they are adopted, not duplicated.
		await fakes.dropbox.userWrite(
			'/Receipts/hook.pdf',
			Buffer.from('webhook'),
			'2026-07-03T10:00:00Z',
		);
		await n8n.importWorkflow(accountingPipeline(webhookId, 'webhook'));
		await n8n.activate(webhookId);
		await n8n.start(port + 1);
		try {
			// n8n answers readiness before it has activated the workflows: wait until the production route exists.
			let status = 0;
			await until(
				async () => {
					const response = await fetch(
						`http://127.0.0.1:${port + 1}/webhook/${webhookId.toLowerCase()}`,
						{
							method: 'POST',
							body: '{}',
							headers: { 'content-type': 'application/json' },
						},
					);
					status = response.status;
					return status !== 404;
				},
				60_000,
				'the production webhook route',
			);
			expect(status).toBe(200);
			await until(
				async () => (await n8n.executions(webhookId)).some((e) => e.status === 'success'),
				60_000,
				'the webhook run',
			);
		} finally {
			await n8n.stop();
		}
		expect((await n8n.executions(webhookId)).map((e) => [e.status, e.mode])).toEqual([
			['success', 'webhook'],
		]);
		expect(driveFiles().sort()).toEqual([
			'/Accounting/Acme Bakery/2026/hook.pdf',
			'/Accounting/Acme Bakery/2026/tick-1.pdf',
			'/Accounting/Acme Bakery/2026/tick-2.pdf',
		]);
	});
});
