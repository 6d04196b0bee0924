import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { chromium, type Browser, type Page, type Request } from 'playwright-core';
import { installN8n, N8nInstance, N8N_VERSIONS, packPackage } from './n8nInstance';
import { ensureDebianPackages, freePort } from './services';
import { PACKAGE } from './workflows';

/**
 * Issue 13, point 4, in a real n8n editor on both lines: production runs collected receipts A and B; C arrives;
 * the user opens the workflow and clicks "Execute workflow". The Collect node's output in the editor shows only C,
 * marked as a preview, and nothing was consumed: the next production run still collects C (and only C).
 * Chromium is Debian's (installed here when missing), driven by playwright-core; screenshots go to a temp folder
 * (kept and printed). E2E_N8N=v1|v2 picks one line.
 */

const versions = (process.env.E2E_N8N ?? 'v1,v2').split(',') as Array<keyof typeof N8N_VERSIONS>;
const CHROMIUM = '/usr/bin/chromium';
const OWNER = { email: 'owner@cloud-sync.test', firstName: 'Test', lastName: 'Owner', password: 'Cloud-Sync-e2e-1' };
const COLLECT = 'Collect New Files';
const PREVIEW_NOTE = 'Manual run: a preview. Nothing was collected or recorded; the next production run collects this file.';
const UI_TIMEOUT = 60_000;

/** Manual Trigger -> Collect New Files watching a local folder (overlap guard at its default: on). */
function previewWorkflow(id: string, inbox: string) {
	return {
		id,
		name: 'Receipts inbox (editor preview)',
		active: false,
		nodes: [
			{ id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'collect',
				name: COLLECT,
				type: `${PACKAGE}.collectNewFiles`,
				typeVersion: 1,
				position: [260, 0],
				parameters: { source: 'localFolder', folder: { __rl: true, mode: 'path', value: inbox }, firstRun: 'everything' },
			},
		],
		connections: { Start: { main: [[{ node: COLLECT, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		staticData: null,
		pinData: {},
	};
}

function drop(inbox: string, name: string, when: string): void {
	const file = join(inbox, name);
	writeFileSync(file, `receipt ${name}: ${when}`);
	utimesSync(file, new Date(when), new Date(when));
}

type Json = Record<string, unknown>;
const collectedBy = (run: any): Json[] =>
	((run?.data?.resultData?.runData?.[COLLECT]?.[0]?.data?.main?.[0] ?? []) as Array<{ json: Json }>).map((item) => item.json);

/** The rows n8n's deduplication store holds for the workflow (table processed_data, one row per scope). */
async function dedupRows(n8n: N8nInstance, workflowId: string): Promise<string> {
	const rows = await n8n.query(`select context, value from processed_data where workflowId = '${workflowId}' order by context`);
	return JSON.stringify(rows);
}

describe.each(versions)('editor preview in real n8n (%s)', (versionKey) => {
	const { version } = N8N_VERSIONS[versionKey];
	const workflowId = `CsPreview${versionKey.toUpperCase()}000001`.slice(0, 16);
	let n8n: N8nInstance;
	let browser: Browser | undefined;
	let inbox: string;
	let shots: string;

	beforeAll(async () => {
		await ensureDebianPackages([{ pkg: 'chromium', present: () => existsSync(CHROMIUM) }]);
		const [installDir, tarball] = await Promise.all([installN8n(version), packPackage()]);
		n8n = new N8nInstance(installDir, versionKey === 'v1' ? 1 : 2);
		await n8n.installPackage(tarball);
		inbox = join(n8n.userFolder, 'files', 'inbox');
		mkdirSync(inbox, { recursive: true });
		await n8n.importWorkflow(previewWorkflow(workflowId, inbox));
		shots = mkdtempSync(join(tmpdir(), `cloud-sync-preview-${versionKey}-`));
	});

	afterAll(async () => {
		await browser?.close().catch(() => undefined);
		await n8n?.stop();
		if (n8n) rmSync(n8n.userFolder, { recursive: true, force: true });
	});

	it('after production runs collected A and B, "Execute workflow" in the editor previews only C and consumes nothing', async () => {
		const started = Date.now();
		const timings: string[] = [];
		const lap = (what: string) => timings.push(`${what} ${((Date.now() - started) / 1000).toFixed(1)} s`);

		// Production: `n8n execute` (mode cli) persists static data and writes the deduplication store as any
		// non-manual run does.
		drop(inbox, 'A-bakery-flour.pdf', '2026-09-01T10:00:00Z');
		drop(inbox, 'B-oven-repair.pdf', '2026-09-02T10:00:00Z');
		const production = await n8n.execute(workflowId);
		expect({ status: production.status, error: production.run?.data?.resultData?.error?.message }).toEqual({ status: 'success', error: undefined });
		expect(collectedBy(production.run).map((json) => json.name).sort()).toEqual(['A-bakery-flour.pdf', 'B-oven-repair.pdf']);
		expect((await n8n.executions(workflowId)).map((e) => [e.mode, e.status])).toEqual([['cli', 'success']]);
		const stored = await n8n.exportWorkflow(workflowId);
		expect(Object.keys(stored.staticData?.global ?? {})).toContain('cloudSync:collect');
		const dedupAfterProduction = await dedupRows(n8n, workflowId);
		expect(JSON.parse(dedupAfterProduction)).not.toHaveLength(0);
		lap('production run');

		drop(inbox, 'C-coffee-beans.pdf', '2026-09-03T10:00:00Z');

		// The editor, as a user: log in, open the workflow, click "Execute workflow".
		const port = await freePort();
		const base = `http://127.0.0.1:${port}`;
		await n8n.start(port);
		lap('n8n started');
		browser = await chromium.launch({
			executablePath: CHROMIUM,
			headless: true,
			args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
		});
		const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
		const page = await context.newPage();
		page.setDefaultTimeout(UI_TIMEOUT);
		const runRequests: Request[] = [];
		page.on('request', (request) => {
			if (request.method() === 'POST' && /\/rest\/workflows\/[^/]+\/run/.test(request.url())) runRequests.push(request);
		});
		let previewText = '';
		try {
			await setUpOwner(page, base);
			await page.goto(`${base}/workflow/${workflowId}`);
			const executeButton = page.locator('[data-test-id="execute-workflow-button"]').first();
			await executeButton.waitFor({ state: 'visible' });
			const buttonLabel = (await executeButton.innerText()).trim();
			expect(buttonLabel).toMatch(/^(Test|Execute) workflow/i);
			await page.screenshot({ path: join(shots, '1-workflow-open.png') });
			lap('editor open');

			const runAnswered = page.waitForResponse((response) => /\/rest\/workflows\/[^/]+\/run/.test(response.url()) && response.request().method() === 'POST');
			await executeButton.click();
			expect((await runAnswered).status()).toBe(200);
			const collectNode = page.locator(`[data-test-id="canvas-node"][data-node-name="${COLLECT}"]`).first();
			// The node shows a green check once its run succeeded.
			await collectNode.locator('[data-test-id="canvas-node-status-success"]').waitFor({ state: 'visible' });
			await page.screenshot({ path: join(shots, '2-executed.png') });
			lap('manual run done');

			// Open the Collect node (double-click, as a user does) and read its output as JSON.
			await collectNode.dblclick();
			const output = page.locator('[data-test-id="output-panel"]').first();
			await output.waitFor({ state: 'visible' });
			await output.locator('[data-test-id="ndv-items-count"]').first().waitFor({ state: 'visible' });
			expect((await output.locator('[data-test-id="ndv-items-count"]').first().innerText()).trim()).toMatch(/^1 item\b/);
			await output.locator('[data-test-id="ndv-run-data-display-mode"]').getByText('JSON', { exact: true }).click();
			const json = output.locator('[data-test-id="ndv-data-container"]').first();
			await json.getByText('C-coffee-beans.pdf').first().waitFor({ state: 'visible' });
			previewText = await json.innerText();
			await page.screenshot({ path: join(shots, '3-preview-output.png') });
			lap('output read');
		} catch (error) {
			await page.screenshot({ path: join(shots, 'failure.png') }).catch(() => undefined);
			console.error(`editor preview (${versionKey}) failed; screenshots in ${shots}`);
			throw error;
		} finally {
			await browser.close();
			browser = undefined;
		}

		// What the editor showed: exactly C, marked as a preview, with the note that nothing was consumed.
		expect(previewText).toContain('C-coffee-beans.pdf');
		expect(previewText).not.toContain('A-bakery-flour.pdf');
		expect(previewText).not.toContain('B-oven-repair.pdf');
		expect(previewText).toMatch(/"preview"\s*:\s*true/);
		expect(previewText).toContain(PREVIEW_NOTE);

		// The run the editor made was a manual one; the run data n8n kept for it agrees with the UI.
		const manual = (await n8n.executions(workflowId)).filter((e) => e.mode === 'manual');
		expect(manual.map((e) => e.status)).toEqual(['success']);
		const handed = JSON.parse(runRequests[0]?.postData() ?? '{}') as { workflowData?: { staticData?: unknown } };
		const staticDataSent = handed.workflowData?.staticData !== undefined && handed.workflowData?.staticData !== null;
		await n8n.stop();

		// Nothing was consumed: static data and the deduplication store are as production left them ...
		const storedAfter = await n8n.exportWorkflow(workflowId);
		expect(storedAfter.staticData).toEqual(stored.staticData);
		expect(await dedupRows(n8n, workflowId)).toBe(dedupAfterProduction);
		// ... and the next production run collects C, and only C.
		const next = await n8n.execute(workflowId);
		expect(next.status).toBe('success');
		const nextItems = collectedBy(next.run);
		expect(nextItems.map((json) => [json.name, json.status, json.preview])).toEqual([['C-coffee-beans.pdf', 'collected', undefined]]);
		lap('next production run');

		console.log(
			`PASS n8n ${version}: the editor's "Execute workflow" showed 1 item (C-coffee-beans.pdf, preview: true); ` +
				`the next production run collected C. Static data in the editor's run request: ${staticDataSent ? 'yes' : 'no'}. ` +
				`Timings: ${timings.join(', ')}. Screenshots: ${shots}`,
		);
	});
});

/** The owner account through n8n's REST API (the browser context keeps the login cookie it sets). */
async function setUpOwner(page: Page, base: string): Promise<void> {
	// /healthz/readiness answers before the REST controllers are mounted: retry while the route is missing.
	let setup = await page.context().request.post(`${base}/rest/owner/setup`, { data: OWNER });
	for (let attempt = 0; setup.status() === 404 && attempt < 120; attempt++) {
		await new Promise((r) => setTimeout(r, 500));
		setup = await page.context().request.post(`${base}/rest/owner/setup`, { data: OWNER });
	}
	expect(setup.status()).toBe(200);
}
