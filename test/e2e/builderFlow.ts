import { strict as assert } from 'assert';
import { join } from 'path';
import type { Locator, Page } from 'playwright-core';

/**
 * What a no-code builder does in n8n's editor (issue 14), step by step as they would click it: a new workflow,
 * Collect New Files dropped onto the canvas from the node picker (found by searching "cloud sync"), its Dropbox
 * credential and folder picked from lists; Export to Folder added after it, its Google Drive credential and root
 * folder picked from lists, the folder structure "Year, Then Month", every other field left at its default; saved
 * and run with "Execute workflow". Each panel and the run are photographed; the texts a builder relies on are
 * read back from the page and returned for the caller to assert.
 */

const OWNER = {
	email: 'owner@cloud-sync.test',
	firstName: 'Test',
	lastName: 'Owner',
	password: 'Cloud-Sync-e2e-1',
};
export const COLLECT = 'Collect New Files';
export const EXPORT = 'Export to Folder';

export interface BuilderRun {
	/** The node picker's results for "cloud sync". */
	pickerResults: string[];
	/** Subtitles under the nodes on the canvas. */
	subtitles: Record<string, string>;
	/** Each panel's text as the builder sees it. */
	panels: Record<string, string>;
	/** The entries of each "From List" folder picker. */
	folderLists: Record<string, string[]>;
	/** The placeholders of the folder pickers' modes, per cloud ("Dropbox url", "Google Drive id"...). */
	placeholders: Record<string, string>;
	/** The Export node's output (JSON view) after the run, and its items label ("2 items"). */
	exportOutput: string;
	exportItems: string;
	workflowId: string;
	/** Every text on the canvas at the end (node names, subtitles, output names). */
	canvasText: string;
	screenshots: string[];
}

type Log = (line: string) => void;

/** The owner account through n8n's REST API (the browser context keeps the login cookie it sets). */
export async function setUpOwner(page: Page, base: string): Promise<void> {
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
}

export async function logIn(page: Page, base: string): Promise<void> {
	const body = { email: OWNER.email, emailOrLdapLoginId: OWNER.email, password: OWNER.password };
	const answer = await page.context().request.post(`${base}/rest/login`, { data: body });
	assert.equal(answer.status(), 200, `login answered ${answer.status()}`);
}

export async function buildAndRunInEditor(
	page: Page,
	base: string,
	shots: string,
	options: { log?: Log; dropboxCredential?: string; driveCredential?: string } = {},
): Promise<BuilderRun> {
	const log = options.log ?? (() => undefined);
	const screenshots: string[] = [];
	const shot = async (name: string) => {
		const path = join(shots, `${String(screenshots.length + 1).padStart(2, '0')}-${name}.png`);
		await page.screenshot({ path });
		screenshots.push(path);
	};
	const result: BuilderRun = {
		pickerResults: [],
		subtitles: {},
		panels: {},
		folderLists: {},
		placeholders: {},
		exportOutput: '',
		exportItems: '',
		workflowId: '',
		canvasText: '',
		screenshots,
	};

	await page.goto(`${base}/workflow/new`);
	await dismissPopups(page);
	await page.locator('[data-test-id="canvas-add-button"]').first().click();
	log('node picker open');

	// The node picker: "cloud sync" finds the package's nodes (codex aliases).
	const search = page
		.locator(
			'[data-test-id="node-creator-search-bar"] input, input[data-test-id="node-creator-search-bar"]',
		)
		.first();
	await search.fill('cloud sync');
	await page.locator('[data-test-id="node-creator-item-name"]').first().waitFor();
	await page.waitForTimeout(500);
	result.pickerResults = (
		await page.locator('[data-test-id="node-creator-item-name"]').allInnerTexts()
	).map((t) => t.trim());
	await shot('node-picker-cloud-sync');
	log(`picker: ${result.pickerResults.join(', ')}`);

	// Collect New Files, action "Collect new files" (n8n adds a manual trigger in front of the first action node).
	await page
		.locator('[data-test-id="node-creator-item-name"]', { hasText: COLLECT })
		.first()
		.click();
	await shot('collect-actions');
	await pickAction(page, 'Collect new files');
	const ndv = page.locator('[data-test-id="ndv"]').first();
	await ndv.waitFor();
	log('collect panel open');

	await pickCredential(page, options.dropboxCredential);
	const collectFolder = ndv.locator('[data-test-id="resource-locator-folder"]').first();
	result.placeholders['Dropbox url'] = await modePlaceholder(page, collectFolder, 'By URL');
	result.placeholders['Dropbox id'] = await modePlaceholder(page, collectFolder, 'By ID');
	result.folderLists[COLLECT] = await pickFromList(page, collectFolder, '/Receipts');
	await page.waitForTimeout(300);
	result.panels[COLLECT] = await ndv.innerText();
	await shot('collect-panel');
	await closePanel(page);

	// Export to Folder after it: the "+" on Collect's output.
	await addAfter(page, COLLECT, 'export to folder', EXPORT, 'Export documents to a folder');
	await ndv.waitFor();
	log('export panel open');
	await pickCredential(page, options.driveCredential);
	await chooseOption(page, 'rootMode', 'Choose a Folder');
	const exportFolder = ndv.locator('[data-test-id="resource-locator-rootFolder"]').first();
	result.placeholders['Google Drive url'] = await modePlaceholder(page, exportFolder, 'By URL');
	result.placeholders['Google Drive id'] = await modePlaceholder(page, exportFolder, 'By ID');
	result.folderLists[EXPORT] = await pickFromList(page, exportFolder, '/Accounting');
	await chooseOption(page, 'folderStructure', 'Year, Then Month');
	await page.waitForTimeout(300);
	result.panels[EXPORT] = await ndv.innerText();
	await shot('export-panel');
	await ndv
		.locator('[data-test-id="parameter-input-folderStructure"]')
		.scrollIntoViewIfNeeded()
		.catch(() => undefined);
	await page.mouse.wheel(0, 600);
	await shot('export-panel-lower');
	await closePanel(page);

	// The canvas: what the nodes say under their names.
	for (const name of [COLLECT, EXPORT]) {
		const node = page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`).first();
		result.subtitles[name] = (await node.innerText()).replace(/\s+/g, ' ').trim();
	}
	await shot('canvas-built');

	// Save, then "Execute workflow".
	await page.keyboard.press('Control+s');
	await page.waitForURL(/\/workflow\/(?!new)[^/?]+/, { timeout: 30_000 });
	result.workflowId = /\/workflow\/([^/?]+)/.exec(page.url())![1];
	log(`saved as ${result.workflowId}`);
	await page.locator('[data-test-id="execute-workflow-button"]').first().click();
	const exportNode = page
		.locator(`[data-test-id="canvas-node"][data-node-name="${EXPORT}"]`)
		.first();
	await exportNode
		.locator('[data-test-id="canvas-node-status-success"]')
		.waitFor({ state: 'visible', timeout: 90_000 })
		.catch(async (error) => {
			await shot('run-not-successful');
			throw error;
		});
	await shot('run-succeeded');
	await exportNode.dblclick();
	const output = page.locator('[data-test-id="output-panel"]').first();
	const count = output.locator('[data-test-id="ndv-items-count"]').first();
	await count.waitFor({ state: 'visible' });
	result.exportItems = (await count.innerText()).trim();
	await output
		.locator('[data-test-id="ndv-run-data-display-mode"]')
		.getByText('JSON', { exact: true })
		.click();
	const json = output.locator('[data-test-id="ndv-data-container"]').first();
	await json.getByText('"action"').first().waitFor({ state: 'visible' });
	result.exportOutput = await json.innerText();
	await shot('export-output');
	await closePanel(page);

	// The other panel a builder opens: Calendar Sync, on its own (nothing selected, so it is not connected).
	await page.mouse.click(300, 250);
	await openPickerFromCanvas(page);
	await page
		.locator(
			'[data-test-id="node-creator-search-bar"] input, input[data-test-id="node-creator-search-bar"]',
		)
		.first()
		.fill('calendar');
	await page
		.locator('[data-test-id="node-creator-item-name"]', { hasText: 'Calendar Sync' })
		.first()
		.click();
	await pickAction(page, 'Sync activities with the calendar');
	await ndv.waitFor();
	await chooseOption(page, 'direction', 'Two-Way');
	await page.waitForTimeout(300);
	result.panels['Calendar Sync'] = await ndv.innerText();
	await shot('calendar-panel');
	await page.mouse.wheel(0, 800);
	await shot('calendar-panel-lower');
	await closePanel(page);
	await page.waitForTimeout(500);
	const calendarNode = page
		.locator('[data-test-id="canvas-node"][data-node-name="Calendar Sync"]')
		.first();
	result.subtitles['Calendar Sync'] = (await calendarNode.innerText()).replace(/\s+/g, ' ').trim();
	result.canvasText = (
		await page.locator('#canvas, [data-test-id="canvas"], .vue-flow').first().innerText()
	).replace(/\s+/g, ' ');
	await shot('canvas-with-calendar');

	return result;
}

async function dismissPopups(page: Page): Promise<void> {
	// First-visit dialogs (what's new, feature tours) differ by line; close any that cover the canvas.
	for (const selector of [
		'[data-test-id="whats-new-modal"] button[aria-label="Close"]',
		'.el-dialog__headerbtn',
		'[data-test-id="close-button"]',
	]) {
		const button = page.locator(selector).first();
		if (await button.isVisible().catch(() => false)) await button.click().catch(() => undefined);
	}
}

/** The credential field of the open panel: open its list and pick the one named (or the first). */
async function pickCredential(page: Page, name?: string): Promise<void> {
	const select = page.locator('[data-test-id="node-credentials-select"]').first();
	await select.waitFor();
	await select.click();
	const options = page.locator('.el-select-dropdown__item:visible, [role="option"]:visible');
	await options.first().waitFor();
	const wanted = name ? options.filter({ hasText: name }).first() : options.first();
	await wanted.click();
}

/** Open an options parameter's list and pick the option shown as `label`. */
async function chooseOption(page: Page, parameter: string, label: string): Promise<void> {
	const input = page.locator(`[data-test-id="parameter-input-${parameter}"]`).first();
	await input.click();
	await page
		.locator('.el-select-dropdown__item:visible, [role="option"]:visible', { hasText: label })
		.first()
		.click();
}

/** A resource locator's mode: switch to it and read its placeholder, then back to "From List". */
async function modePlaceholder(page: Page, locator: Locator, mode: string): Promise<string> {
	await locator.locator('[data-test-id="rlc-mode-selector"]').first().click();
	await page
		.locator('.el-select-dropdown__item:visible, [role="option"]:visible', { hasText: mode })
		.first()
		.click();
	const input = locator
		.locator(
			'[data-test-id="rlc-input"] input, input[data-test-id="rlc-input"], [data-test-id="rlc-input"] textarea',
		)
		.first();
	const placeholder = (await input.getAttribute('placeholder')) ?? '';
	await locator.locator('[data-test-id="rlc-mode-selector"]').first().click();
	await page
		.locator('.el-select-dropdown__item:visible, [role="option"]:visible', { hasText: 'From List' })
		.first()
		.click();
	return placeholder;
}

/** A resource locator in "From List" mode: open the list, read every entry, pick the one named. */
async function pickFromList(page: Page, locator: Locator, entry: string): Promise<string[]> {
	await locator.locator('[data-test-id="rlc-input"]').first().click();
	const items = page.locator('[data-test-id="rlc-item"]:visible');
	await items.first().waitFor({ timeout: 30_000 });
	await page.waitForTimeout(300);
	const names = (await items.allInnerTexts()).map((t) => t.trim());
	await items
		.filter({ hasText: new RegExp(`^\\s*${entry.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) })
		.first()
		.click();
	return names;
}

async function closePanel(page: Page): Promise<void> {
	// 1.123: "Back to canvas"; 2.41: the panel's close button.
	await page
		.locator('[data-test-id="back-to-canvas"], [data-test-id="ndv-close-button"]')
		.first()
		.click();
	await page
		.locator('[data-test-id="ndv"]')
		.first()
		.waitFor({ state: 'hidden' })
		.catch(() => undefined);
}

/** The "+" on a node's output, then the node picker: search, pick the node, pick its action. */
async function addAfter(
	page: Page,
	after: string,
	query: string,
	nodeName: string,
	action: string,
): Promise<void> {
	const node = page.locator(`[data-test-id="canvas-node"][data-node-name="${after}"]`).first();
	await node.hover();
	const plus = page.locator(`[data-test-id="canvas-handle-plus"]`).last();
	await plus.click();
	await page
		.locator(
			'[data-test-id="node-creator-search-bar"] input, input[data-test-id="node-creator-search-bar"]',
		)
		.first()
		.fill(query);
	await page
		.locator('[data-test-id="node-creator-item-name"]', { hasText: nodeName })
		.first()
		.click();
	await pickAction(page, action);
}

/** A node's action in the node picker's list, by the words it shows. */
async function pickAction(page: Page, label: string): Promise<void> {
	await page
		.locator('[data-test-id="node-creator"]')
		.getByText(label, { exact: true })
		.first()
		.click();
}

async function openPickerFromCanvas(page: Page): Promise<void> {
	const button = page
		.locator('[data-test-id="node-creator-plus-button"], [data-test-id="canvas-plus-button"]')
		.first();
	await button.click();
}
