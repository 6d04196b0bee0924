import { strict as assert } from 'assert';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startFakes, type RunningFakes } from '../fakes/cli';
import { installN8n, N8nInstance, N8N_VERSIONS, packPackage } from './n8nInstance';
import { ensureDebianPackages, freePort, onCleanup, stopAll, stopAllOnExit } from './services';
import { accountingPipeline } from './workflows';

/**
 * `npm run test:browser`: the OAuth "Connect my account" flow of the Dropbox credential, clicked through in a
 * real Chromium (Debian's package, driven by playwright-core) in n8n's own editor UI, against the fake OAuth
 * server. Then a workflow whose Collect New Files node uses that credential runs, and the Dropbox fake must have
 * seen exactly the access token that the browser flow obtained. BROWSER_N8N=v1|v2 picks the n8n version.
 */

const CHROMIUM = '/usr/bin/chromium';
const OWNER = { email: 'owner@cloud-sync.test', firstName: 'Test', lastName: 'Owner', password: 'Cloud-Sync-e2e-1' };
const CREDENTIAL_NAME = 'Dropbox (connected in the browser)';
const CREDENTIAL_TYPE = 'cloudSyncDropboxOAuth2Api';

/** Tokens the fake authority issues from now on, and the bearers the Dropbox fake accepted (kept in memory, never printed). */
function watchTokens(fakes: RunningFakes): { issued: string[]; seenByDropbox: Set<string> } {
	const issued: string[] = [];
	const seenByDropbox = new Set<string>();
	const issue = fakes.auth.issue.bind(fakes.auth);
	fakes.auth.issue = (flavour, scopes, clientId) => {
		const tokens = issue(flavour, scopes, clientId);
		if (flavour === 'dropbox') issued.push(tokens.access_token);
		return tokens;
	};
	const check = fakes.auth.check.bind(fakes.auth);
	fakes.auth.check = (authorization) => {
		const result = check(authorization);
		if (result.ok && result.flavour === 'dropbox') seenByDropbox.add(authorization!.replace(/^Bearer\s+/i, ''));
		return result;
	};
	return { issued, seenByDropbox };
}

async function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
	const profile = mkdtempSync(join(tmpdir(), 'cloud-sync-chromium-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
	const close = async () => {
		await context.close().catch(() => undefined);
		rmSync(profile, { recursive: true, force: true });
	};
	onCleanup(() => close());
	return { context, close };
}

/** The n8n editor: owner account by the REST API (the browser context keeps its cookie), then the credential in the UI. */
async function connectDropboxInUi(page: Page, base: string, fakes: RunningFakes, shots: string): Promise<void> {
	// /healthz/readiness answers before the REST controllers are mounted: retry while the route is missing.
	let setup = await page.context().request.post(`${base}/rest/owner/setup`, { data: OWNER });
	for (let attempt = 0; setup.status() === 404 && attempt < 120; attempt++) {
		await new Promise((r) => setTimeout(r, 500));
		setup = await page.context().request.post(`${base}/rest/owner/setup`, { data: OWNER });
	}
	assert.equal(setup.status(), 200, `owner setup answered ${setup.status()}: ${(await setup.text()).slice(0, 300)}`);

	await page.goto(`${base}/home/credentials`);
	const create = page.locator('[data-test-id="empty-resources-list"] button, [data-test-id="add-resource-credential"], [data-test-id="resources-list-add"]').first();
	await create.click();
	const typeSearch = page.locator('[data-test-id="new-credential-type-select"] input').first();
	await typeSearch.fill('Cloud Sync: Dropbox');
	await page.locator('[data-test-id="new-credential-type-select-option"]', { hasText: 'Cloud Sync: Dropbox OAuth2 API' }).first().click();
	await page.locator('[data-test-id="new-credential-type-button"]').click();
	await page.screenshot({ path: join(shots, '1-credential-form.png') });

	const field = (label: string) => page.locator('[data-test-id="credential-connection-parameter"]', { hasText: label }).locator('input').first();
	await field('Client ID').fill('fake-client-id');
	await field('Client Secret').fill('fake-client-secret');
	await field('API Base URL').fill(fakes.urls.dropbox);
	await field('OAuth Base URL').fill(fakes.urls.oauth);
	const name = page.locator('[data-test-id="credential-name"]').first();
	if (await name.count()) {
		await name.click();
		const input = name.locator('input');
		if (await input.count()) await input.fill(CREDENTIAL_NAME);
		await page.keyboard.press('Enter');
	}

	// "Connect my account" saves the credential, then opens the provider's consent page in a popup.
	const popupOpened = page.context().waitForEvent('page');
	await page.locator('[data-test-id="oauth-connect-button"]').first().click();
	const popup = await popupOpened;
	await popup.waitForLoadState();
	await popup.locator('#allow').waitFor({ timeout: 30_000 });
	await popup.screenshot({ path: join(shots, '2-consent.png') });
	await popup.locator('#allow').click();
	await page.locator('[data-test-id="oauth-connect-success-banner"]').waitFor({ timeout: 60_000 });
	await page.screenshot({ path: join(shots, '3-connected.png') });
	await page.locator('[data-test-id="credential-save-button"]').first().click();
	await page.locator('[data-test-id="credential-saved"], [data-test-id="credential-save-button"]:has-text("Saved")').first().waitFor({ timeout: 30_000 }).catch(() => undefined);
}

async function main(): Promise<void> {
	stopAllOnExit();
	const started = Date.now();
	await ensureDebianPackages([{ pkg: 'chromium', present: () => require('fs').existsSync(CHROMIUM) as boolean }]);
	const versionKey = (process.env.BROWSER_N8N ?? 'v1') as keyof typeof N8N_VERSIONS;
	const { version } = N8N_VERSIONS[versionKey];
	const [installDir, tarball] = await Promise.all([installN8n(version), packPackage()]);
	const fakes = await startFakes({
		portBase: 0,
		seed: {
			dropbox: {
				folders: ['/Receipts'],
				files: [
					{ path: '/Receipts/receipt-001.pdf', text: 'receipt one', clientModified: '2026-03-01T10:00:00Z' },
					{ path: '/Receipts/receipt-002.pdf', text: 'receipt two', clientModified: '2026-04-01T10:00:00Z' },
				],
			},
		},
	});
	onCleanup(() => fakes.stop());
	// Nothing issued before the browser flow may be used: the tokens startFakes pre-issued stop working.
	fakes.auth.expireAccessTokens();
	fakes.auth.revokeRefreshTokens();
	const tokens = watchTokens(fakes);

	const n8n = new N8nInstance(installDir, versionKey === 'v1' ? 1 : 2);
	onCleanup(() => rmSync(n8n.userFolder, { recursive: true, force: true }));
	onCleanup(() => n8n.stop());
	await n8n.installPackage(tarball);
	const port = await freePort();
	const base = `http://127.0.0.1:${port}`;
	process.env.N8N_EDITOR_BASE_URL = `${base}/`;
	await n8n.start(port);
	const setupSeconds = (Date.now() - started) / 1000;

	const shots = join(n8n.userFolder, 'screenshots');
	mkdirSync(shots, { recursive: true });
	const browserStart = Date.now();
	const { context, close } = await launchChromium();
	const page = context.pages()[0] ?? (await context.newPage());
	page.setDefaultTimeout(30_000);
	let credentialId: string;
	try {
		await connectDropboxInUi(page, base, fakes, shots);
		const listed = await context.request.get(`${base}/rest/credentials`);
		const credentials = ((await listed.json()) as { data: Array<{ id: string; name: string; type: string }> }).data;
		const connected = credentials.filter((credential) => credential.type === CREDENTIAL_TYPE);
		assert.equal(connected.length, 1, `one Dropbox credential saved (found ${connected.length})`);
		credentialId = connected[0].id;
	} catch (error) {
		await page.screenshot({ path: join(shots, 'failure.png') }).catch(() => undefined);
		const kept = mkdtempSync(join(tmpdir(), 'cloud-sync-browser-failure-'));
		cpSync(shots, kept, { recursive: true });
		console.error(`browser flow failed; screenshots kept in ${kept}`);
		throw error;
	} finally {
		await close();
	}
	const browserSeconds = (Date.now() - browserStart) / 1000;
	await n8n.stop();

	// The code exchange happened: one authorization_code grant answered 200, and it issued one Dropbox token.
	const grants = fakes.oauth.tokenRequests.filter((request) => request.flavour === 'dropbox' && request.grantType === 'authorization_code');
	assert.deepEqual(grants.map((grant) => grant.status), [200], 'one successful code exchange');
	assert.equal(tokens.issued.length, 1, 'the browser flow obtained one Dropbox access token');
	const stored = await n8n.exportCredential(credentialId);
	assert.ok(stored?.data?.oauthTokenData?.access_token === tokens.issued[0], 'n8n stored the token the browser flow obtained');

	// A node uses the credential: Manual -> Collect New Files (Dropbox /Receipts), run by `n8n execute`.
	const workflowId = 'CsBrowserOAuth01';
	const pipeline = accountingPipeline(workflowId, 'manual');
	const [start, collect] = pipeline.nodes;
	const workflow = {
		...pipeline,
		name: 'Collect with the browser-connected Dropbox credential',
		nodes: [start, { ...collect, credentials: { [CREDENTIAL_TYPE]: { id: credentialId, name: CREDENTIAL_NAME } } }],
		connections: { [start.name]: { main: [[{ node: collect.name, type: 'main', index: 0 }]] } },
	};
	await n8n.importWorkflow(workflow);
	const dropboxMark = fakes.dropbox.mark();
	const run = await n8n.execute(workflowId);
	assert.equal(run.status, 'success', `workflow status ${run.status}: ${run.run?.data?.resultData?.error?.message ?? run.stderr.slice(-500)}`);
	const collected = (run.run?.data?.resultData?.runData?.[collect.name]?.[0]?.data?.main?.[0] ?? []) as Array<{ json: { name: string } }>;
	assert.deepEqual(collected.map((item) => item.json.name).sort(), ['receipt-001.pdf', 'receipt-002.pdf']);
	const dropboxRequests = fakes.dropbox.requests({ since: dropboxMark });
	assert.ok(dropboxRequests.length > 0 && dropboxRequests.every((request) => request.authorized), 'every Dropbox request was authorized');
	assert.deepEqual([...tokens.seenByDropbox], [tokens.issued[0]], 'the Dropbox fake saw only the token from the browser flow');

	console.log(
		`PASS n8n ${version}: Dropbox credential connected in Chromium through n8n's UI (consent page, code exchange), ` +
			`then Collect New Files collected ${collected.length} files with it (${dropboxRequests.length} Dropbox requests, all with the browser-issued token). ` +
			`Timings: setup ${setupSeconds.toFixed(1)} s, browser flow ${browserSeconds.toFixed(1)} s, total ${((Date.now() - started) / 1000).toFixed(1)} s.`,
	);
	await stopAll();
}

main().then(
	() => process.exit(0),
	async (error: unknown) => {
		console.error(`FAIL browser OAuth test: ${(error as Error).stack ?? String(error)}`);
		await stopAll();
		process.exit(1);
	},
);
