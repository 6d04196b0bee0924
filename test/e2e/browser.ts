import { strict as assert } from 'assert';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startFakes, type RunningFakes } from '../fakes/cli';
import { installN8n, N8nInstance, N8N_VERSIONS, packPackage } from './n8nInstance';
import { ensureDebianPackages, freePort, onCleanup, stopAll, stopAllOnExit } from './services';
import { TWO_WAY_OUTPUTS } from '../../nodes/CalendarSync/description';
import { buildAndRunInEditor, COLLECT, EXPORT, type BuilderRun } from './builderFlow';
import { CREDENTIALS, fakeCredentials } from './workflows';

/**
 * `npm run test:browser`, on a fresh n8n of each line (1.123 and 2.41; BROWSER_N8N=v1 or v2 picks one), in a real
 * Chromium (Debian's package, driven by playwright-core) against the fake clouds:
 * 1. the Dropbox credential is created in n8n's credential dialog (the endpoint overrides only behind "Custom
 *    Endpoints") and connected with "Connect my account" through the fake OAuth server's consent page;
 * 2. a builder's first workflow (issue 14, test/e2e/builderFlow.ts): Collect New Files (Dropbox) and Export to
 *    Folder (Google Drive, "Year, Then Month", every other field at its default) dropped onto the canvas, the
 *    credentials and folders picked from lists, saved and run with "Execute workflow"; it must succeed and file
 *    both receipts under YYYY/MM. The texts a builder relies on are read from the page and checked.
 * The Dropbox fake must have seen only the access token the browser flow obtained. Screenshots of every dialog,
 * panel and the run go to screenshots/<v1|v2>/ in the repository (BROWSER_SHOTS overrides the folder).
 */

const CHROMIUM = '/usr/bin/chromium';
const OWNER = {
	email: 'owner@cloud-sync.test',
	firstName: 'Test',
	lastName: 'Owner',
	password: 'Cloud-Sync-e2e-1',
};
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
		if (result.ok && result.flavour === 'dropbox')
			seenByDropbox.add(authorization!.replace(/^Bearer\s+/i, ''));
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
async function connectDropboxInUi(
	page: Page,
	base: string,
	fakes: RunningFakes,
	shots: string,
): Promise<void> {
	// /healthz/readiness answers before the REST controllers are mounted: retry while the route is missing.
	let setup = await page.context().request.post(`${base}/rest/owner/setup`, { data: OWNER });
	for (let attempt = 0; setup.status() === 404 && attempt < 120; attempt++) {
		await new Promise((r) => setTimeout(r, 500));
		setup = await page.context().request.post(`${base}/rest/owner/setup`, { data: OWNER });
	}
	assert.equal(
		setup.status(),
		200,
		`owner setup answered ${setup.status()}: ${(await setup.text()).slice(0, 300)}`,
	);

	await page.goto(`${base}/home/credentials`);
	const create = page
		.locator(
			'[data-test-id="empty-resources-list"] button, [data-test-id="add-resource-credential"], [data-test-id="resources-list-add"]',
		)
		.first();
	await create.click();
	const typeSearch = page.locator('[data-test-id="new-credential-type-select"] input').first();
	await typeSearch.fill('Cloud Sync: Dropbox');
	await page
		.locator('[data-test-id="new-credential-type-select-option"]', {
			hasText: 'Cloud Sync: Dropbox OAuth2 API',
		})
		.first()
		.click();
	await page.locator('[data-test-id="new-credential-type-button"]').click();
	const form = page.locator('[data-test-id="credential-connection-parameter"]');
	await form.first().waitFor();
	await page.screenshot({ path: join(shots, '00-credential-form.png') });
	// Issue 14: the real fields first; the endpoint overrides appear only with "Custom Endpoints" on.
	const labels = (await form.allInnerTexts()).join('\n');
	assert.ok(
		labels.includes('Client ID') && labels.includes('Custom Endpoints'),
		`credential form shows: ${labels.slice(0, 400)}`,
	);
	assert.ok(
		!labels.includes('API Base URL') && !labels.includes('OAuth Base URL'),
		'endpoint overrides hidden until "Custom Endpoints" is on',
	);

	const field = (label: string) =>
		page
			.locator('[data-test-id="credential-connection-parameter"]', { hasText: label })
			.locator('input')
			.first();
	await field('Client ID').fill('fake-client-id');
	await field('Client Secret').fill('fake-client-secret');
	await page
		.locator('[data-test-id="credential-connection-parameter"]', { hasText: 'Custom Endpoints' })
		.locator('.el-switch, [role="switch"]')
		.first()
		.click();
	await field('API Base URL').waitFor();
	await page.screenshot({ path: join(shots, '00-credential-form-custom-endpoints.png') });
	await field('API Base URL').fill(fakes.urls.dropbox);
	await field('OAuth Base URL').fill(fakes.urls.oauth);
	const name = page.locator('[data-test-id="credential-name"]').first();
	if (await name.count()) {
		await name.click();
		const input = name.locator('input');
		if (await input.count()) await input.fill(CREDENTIAL_NAME);
		await page.keyboard.press('Enter');
		// n8n 2.x keeps the name in edit mode after Enter: a click elsewhere commits it (else it swallows the next click).
		await page
			.getByText('Connection', { exact: true })
			.first()
			.click()
			.catch(() => undefined);
	}

	// "Connect my account" saves the credential, then opens the provider's consent page in a popup.
	const popupOpened = page
		.context()
		.waitForEvent('page', { timeout: 60_000 })
		.catch((error: Error) => error);
	const saves: string[] = [];
	page.on('response', (response) => {
		if (/\/rest\/(credentials|oauth2-credential)/.test(response.url()))
			saves.push(
				`${response.request().method()} ${response.url().replace(/^.*\/rest/, '')} ${response.status()}`,
			);
	});
	await page.screenshot({ path: join(shots, '00-before-connect.png') });
	// 1.123: a "Connect my account" button; 2.41: the "not connected" banner's "Connect" button.
	const connect = page
		.locator(
			'[data-test-id="oauth-connect-button"], [data-test-id="oauth-not-connected-banner"] button',
		)
		.first();
	await connect.scrollIntoViewIfNeeded();
	await connect.click();
	const popup = await popupOpened;
	if (popup instanceof Error) {
		await page.screenshot({ path: join(shots, '00-no-consent-popup.png') }).catch(() => undefined);
		throw new Error(`${popup.message}; credential requests: ${saves.join(', ') || 'none'}`);
	}
	await popup.waitForLoadState();
	await popup.locator('#allow').waitFor({ timeout: 30_000 });
	await popup.screenshot({ path: join(shots, '00-consent.png') });
	await popup.locator('#allow').click();
	await page.locator('[data-test-id="oauth-connect-success-banner"]').waitFor({ timeout: 60_000 });
	await page.screenshot({ path: join(shots, '00-connected.png') });
	await page.locator('[data-test-id="credential-save-button"]').first().click();
	await page
		.locator(
			'[data-test-id="credential-saved"], [data-test-id="credential-save-button"]:has-text("Saved")',
		)
		.first()
		.waitFor({ timeout: 30_000 })
		.catch(() => undefined);
}

/** Screenshots of one line's run: screenshots/<v1|v2>/ in the repository, emptied first. */
function screenshotFolder(versionKey: string): string {
	const folder = join(
		process.env.BROWSER_SHOTS ?? join(__dirname, '..', '..', 'screenshots'),
		versionKey,
	);
	rmSync(folder, { recursive: true, force: true });
	mkdirSync(folder, { recursive: true });
	return folder;
}

/** The texts a builder relies on (issue 14), as the editor showed them. */
function checkBuilderTexts(seen: BuilderRun): void {
	for (const node of ['Calendar Sync', COLLECT, EXPORT])
		assert.ok(
			seen.pickerResults.includes(node),
			`"cloud sync" finds ${node} (found ${seen.pickerResults.join(', ')})`,
		);
	assert.match(seen.subtitles[COLLECT], /Collect from Dropbox/);
	assert.match(seen.subtitles[EXPORT], /Export to Google Drive/);
	assert.match(seen.subtitles['Calendar Sync'], /Two-way sync/);
	// Per-cloud pickers: Dropbox's link and ID formats for Dropbox, Drive's for Drive, nothing of the other clouds.
	assert.match(seen.placeholders['Dropbox url'], /^https:\/\/www\.dropbox\.com\/home/);
	assert.match(seen.placeholders['Dropbox id'], /^id:/);
	assert.match(seen.placeholders['Google Drive url'], /^https:\/\/drive\.google\.com\//);
	assert.doesNotMatch(seen.placeholders['Google Drive id'], /id:|!|\//);
	// "From List": the root first, then full paths (two "2025" folders told apart by their parents).
	assert.equal(seen.folderLists[COLLECT][0], '/ (the whole Dropbox)');
	assert.ok(seen.folderLists[COLLECT].includes('/Receipts'));
	assert.equal(seen.folderLists[EXPORT][0], '/ (the whole Google Drive)');
	for (const path of ['/Accounting', '/Clients/Acme/2025', '/Clients/Bakery/2025'])
		assert.ok(
			seen.folderLists[EXPORT].includes(path),
			`Drive list has ${path}: ${seen.folderLists[EXPORT].join(', ')}`,
		);
	// Defaults a builder leaves alone, and plain words (no jargon, no raw values).
	assert.ok(
		seen.panels[EXPORT].includes('{{ $json.date || $json.modifiedAt }}'),
		'Document Date defaults to date, else modifiedAt',
	);
	assert.ok(
		seen.panels[EXPORT].includes('Document ID') && !seen.panels[EXPORT].includes('Record Key'),
	);
	assert.ok(seen.panels[COLLECT].includes('Mark Files as Collected'));
	for (const jargon of ['Commit Policy', 'On Emit', 'At Most Once', 'redelivery'])
		assert.ok(!seen.panels[COLLECT].includes(jargon), `no "${jargon}" in Collect's panel`);
	for (const words of ['Which Activities Come In', 'Activities Come From', 'Fields read:'])
		assert.ok(seen.panels['Calendar Sync'].includes(words), `Calendar panel shows "${words}"`);
	assert.ok(!seen.panels['Calendar Sync'].includes('Input Contains'));
	// Two-way Calendar Sync (version 2) has two named outputs on the canvas.
	for (const output of TWO_WAY_OUTPUTS)
		assert.ok(seen.canvasText.includes(output), `canvas shows the output "${output}"`);
	// The run: both receipts exported under YYYY/MM from the date Collect gave them.
	assert.match(seen.exportItems, /^2 items/);
	for (const path of ['2026/03/receipt-001.pdf', '2026/04/receipt-002.pdf'])
		assert.ok(seen.exportOutput.includes(path), `exported ${path}`);
	assert.ok(!seen.exportOutput.includes('"failed"'));
}

async function runLine(versionKey: keyof typeof N8N_VERSIONS, tarball: string): Promise<string> {
	const started = Date.now();
	const { version } = N8N_VERSIONS[versionKey];
	const installDir = await installN8n(version);
	const fakes = await startFakes({
		portBase: 0,
		seed: {
			dropbox: {
				folders: ['/Receipts'],
				files: [
					{
						path: '/Receipts/receipt-001.pdf',
						text: 'receipt one',
						clientModified: '2026-03-01T10:00:00Z',
					},
					{
						path: '/Receipts/receipt-002.pdf',
						text: 'receipt two',
						clientModified: '2026-04-01T10:00:00Z',
					},
				],
			},
		},
	});
	onCleanup(() => fakes.stop());
	// The Drive a builder picks from: a root for the export, and two companies' "2025" folders.
	for (const folder of ['Accounting', 'Clients/Acme/2025', 'Clients/Bakery/2025'])
		fakes.drive.seedFolder({ name: folder });
	// Nothing issued before the browser flow may be used for Dropbox: the tokens startFakes pre-issued stop working.
	fakes.auth.expireAccessTokens();
	fakes.auth.revokeRefreshTokens();
	// Drive and Calendar come pre-connected (their consent flow is the same as Dropbox's, shown once below).
	const google = fakes.auth.issue('google', [
		'https://www.googleapis.com/auth/drive',
		'https://www.googleapis.com/auth/calendar.events',
		'https://www.googleapis.com/auth/calendar.calendarlist.readonly',
	]);
	const preconnected = fakeCredentials(fakes.urls, { ...fakes.tokens, google }).filter(
		(credential) => credential.type !== CREDENTIAL_TYPE,
	);
	const tokens = watchTokens(fakes);

	const n8n = new N8nInstance(installDir, versionKey === 'v1' ? 1 : 2);
	onCleanup(() => rmSync(n8n.userFolder, { recursive: true, force: true }));
	onCleanup(() => n8n.stop());
	await n8n.installPackage(tarball);
	await n8n.importCredentials(preconnected);
	const port = await freePort();
	const base = `http://127.0.0.1:${port}`;
	process.env.N8N_EDITOR_BASE_URL = `${base}/`;
	await n8n.start(port);
	const setupSeconds = (Date.now() - started) / 1000;

	const shots = screenshotFolder(versionKey);
	const browserStart = Date.now();
	const { context, close } = await launchChromium();
	const page = context.pages()[0] ?? (await context.newPage());
	await page.setViewportSize({ width: 1440, height: 900 });
	page.setDefaultTimeout(30_000);
	let seen: BuilderRun;
	try {
		await connectDropboxInUi(page, base, fakes, shots);
		const listed = await context.request.get(`${base}/rest/credentials`);
		const credentials = (
			(await listed.json()) as { data: Array<{ id: string; name: string; type: string }> }
		).data;
		const connected = credentials.filter((credential) => credential.type === CREDENTIAL_TYPE);
		assert.equal(connected.length, 1, `one Dropbox credential saved (found ${connected.length})`);
		seen = await buildAndRunInEditor(page, base, shots, {
			dropboxCredential: CREDENTIAL_NAME,
			driveCredential: CREDENTIALS.drive.name,
		});
	} catch (error) {
		await page.screenshot({ path: join(shots, 'failure.png') }).catch(() => undefined);
		console.error(`browser flow failed on n8n ${version}; screenshots in ${shots}`);
		throw error;
	} finally {
		await close();
	}
	const browserSeconds = (Date.now() - browserStart) / 1000;
	await n8n.stop();
	checkBuilderTexts(seen);

	// The code exchange happened: one authorization_code grant answered 200, and it issued one Dropbox token,
	// the only one the Dropbox fake saw in the run the builder started.
	const grants = fakes.oauth.tokenRequests.filter(
		(request) => request.flavour === 'dropbox' && request.grantType === 'authorization_code',
	);
	assert.deepEqual(
		grants.map((grant) => grant.status),
		[200],
		'one successful code exchange',
	);
	assert.equal(tokens.issued.length, 1, 'the browser flow obtained one Dropbox access token');
	assert.deepEqual(
		[...tokens.seenByDropbox],
		[tokens.issued[0]],
		'the Dropbox fake saw only the token from the browser flow',
	);
	const runs = await n8n.executions(seen.workflowId);
	assert.deepEqual(
		runs.map((run) => [run.mode, run.status]),
		[['manual', 'success']],
		'the run from the editor succeeded',
	);

	return (
		`PASS n8n ${version}: a builder's Collect New Files (Dropbox) -> Export to Folder (Google Drive, Year/Month, defaults) ` +
		`built, saved and run in Chromium: ${seen.exportItems} exported (2026/03, 2026/04); Dropbox credential connected in the UI; ` +
		`${readdirSync(shots).length} screenshots in ${shots}. ` +
		`Timings: setup ${setupSeconds.toFixed(1)} s, browser ${browserSeconds.toFixed(1)} s, total ${((Date.now() - started) / 1000).toFixed(1)} s.`
	);
}

async function main(): Promise<void> {
	stopAllOnExit();
	await ensureDebianPackages([
		{ pkg: 'chromium', present: () => require('fs').existsSync(CHROMIUM) as boolean },
	]);
	const lines = (process.env.BROWSER_N8N ?? 'v1,v2').split(',') as Array<keyof typeof N8N_VERSIONS>;
	const tarball = await packPackage();
	const reports: string[] = [];
	for (const line of lines) {
		reports.push(await runLine(line, tarball));
		console.log(reports[reports.length - 1]);
		await stopAll();
	}
}

main().then(
	() => process.exit(0),
	async (error: unknown) => {
		console.error(`FAIL browser test: ${(error as Error).stack ?? String(error)}`);
		await stopAll();
		process.exit(1);
	},
);
