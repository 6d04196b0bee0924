/**
 * `npm run demo`: the fake clouds seeded with sample receipts, a real n8n with this package installed, the
 * accounting pipeline (Dropbox /Receipts -> Collect New Files -> Export to Folder -> Google Drive) run once,
 * then n8n's editor left on http://127.0.0.1:5678 with an owner account made for you, opened on the demo workflow.
 * Ctrl-C stops everything. `--once` (CI) does all of that without waiting: it also starts the editor, creates the
 * owner, logs in with the printed password and opens the workflow through n8n's REST API, then exits.
 */
import { execFileSync, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { startFakes } from '../fakes/cli';
import type { TreeNode } from '../fakes/drive/fakeDrive';
import { installN8n, N8nInstance, N8N_VERSIONS, packPackage } from './n8nInstance';
import { accountingPipeline, fakeCredentials } from './workflows';

const REPO = resolve(__dirname, '..', '..');
const once = process.argv.includes('--once');
const port = Number(process.env.DEMO_PORT ?? 5678);

const SAMPLE_RECEIPTS = [
	{
		path: '/Receipts/2026-09-02 bakery flour.pdf',
		text: 'Flour 25 kg, 18.40 EUR',
		clientModified: '2026-09-02T09:12:00Z',
	},
	{
		path: '/Receipts/2026-09-14 oven repair.pdf',
		text: 'Oven repair, 240.00 EUR',
		clientModified: '2026-09-14T15:40:00Z',
	},
	{
		path: '/Receipts/2026-10-01 rent October.pdf',
		text: 'Rent October, 1200.00 EUR',
		clientModified: '2026-10-01T08:00:00Z',
	},
	{
		path: '/Receipts/clients/Durand invoice 118.pdf',
		text: 'Invoice 118, Durand, 86.00 EUR',
		clientModified: '2025-12-20T11:00:00Z',
	},
];

function say(line = ''): void {
	process.stdout.write(`${line}\n`);
}

/** Paths of the files below a fake-Drive tree, the tree's own root left out ("/a/b.pdf"). */
function listFiles(tree: TreeNode, prefix?: string): string[] {
	const here = prefix === undefined ? '' : `${prefix}/${tree.name}`;
	if (!tree.folder) return tree.trashed ? [] : [here];
	return (tree.children ?? []).flatMap((child) => listFiles(child, here));
}

async function main(): Promise<void> {
	say(
		'n8n-nodes-cloud-sync demo: everything runs on 127.0.0.1 against fake clouds; no account needed.',
	);
	say('1/5 building the package ...');
	execFileSync('npm', ['run', 'build'], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
	const tarball = await packPackage();

	const { version } = N8N_VERSIONS.v1;
	say(
		`2/5 preparing n8n ${version} (installed once into a cache; the first time takes several minutes) ...`,
	);
	const installDir = await installN8n(version);

	say('3/5 starting the fake clouds with sample receipts in Dropbox /Receipts ...');
	const fakes = await startFakes({
		portBase: 0,
		seed: { dropbox: { folders: ['/Receipts', '/Receipts/clients'], files: SAMPLE_RECEIPTS } },
	});

	const home = mkdtempSync(join(tmpdir(), 'cloud-sync-demo-'));
	const n8n = new N8nInstance(installDir, 1, home);
	const stopAll = async () => {
		await n8n.stop();
		await fakes.stop();
	};
	process.on('SIGINT', () => {
		say('\nstopping n8n and the fake clouds ...');
		void stopAll().then(() => process.exit(0));
	});

	say('4/5 installing the package into n8n and importing the demo workflows ...');
	await n8n.installPackage(tarball);
	await n8n.importCredentials(fakeCredentials(fakes.urls, fakes.tokens));
	const inbox = join(home, 'files', 'inbox');
	const archive = join(home, 'files', 'archive');
	mkdirSync(inbox, { recursive: true });
	mkdirSync(archive, { recursive: true });
	writeFileSync(
		join(inbox, 'try-me.pdf'),
		'drop your own files into this folder and run the local workflow',
	);
	await n8n.importWorkflow(accountingPipeline('CsDemoAccounting'));
	await n8n.importWorkflow(
		accountingPipeline('CsDemoLocalFolder', 'manual', 'localFolder', { inbox, archive }),
	);

	say('5/5 running the accounting pipeline once (n8n execute) ...');
	const run = await n8n.execute('CsDemoAccounting');
	const runData = run.run?.data?.resultData?.runData ?? {};
	const collected = (runData['Collect New Files']?.[0]?.data?.main?.[0] ?? []).map(
		(item: any) => item.json,
	);
	const exported = (runData['Export to Folder']?.[0]?.data?.main?.[0] ?? []).map(
		(item: any) => item.json,
	);
	say();
	say(`Run status: ${run.status}`);
	if (run.status !== 'success') {
		say(run.run?.data?.resultData?.error?.message ?? run.stderr.slice(-2000));
		await stopAll();
		process.exit(1);
	}
	say(`Collected from Dropbox (${collected.length}):`);
	for (const file of collected)
		say(`  - /Receipts/${String(file.path ?? file.name)}  (${file.size} bytes)`);
	say(`Exported to Google Drive (${exported.length}):`);
	for (const result of exported) say(`  - ${result.action.padEnd(9)} ${result.path}`);
	say('Google Drive now holds:');
	for (const path of listFiles(fakes.drive.tree()).filter((p) => p.startsWith('/Accounting')))
		say(`  ${path}`);

	say();
	say(`starting n8n's editor on http://127.0.0.1:${port} and creating your owner account ...`);
	await n8n.start(port);
	const base = `http://127.0.0.1:${port}`;
	const owner = {
		email: 'demo@cloud-sync.example',
		firstName: 'Demo',
		lastName: 'Owner',
		password: demoPassword(),
	};
	await createOwner(base, owner);
	await proveLogin(base, owner, 'CsDemoAccounting');
	const workflowUrl = `${base}/workflow/CsDemoAccounting`;
	say();
	say(`n8n is running: ${workflowUrl}`);
	say(`  Log in with  ${owner.email}  /  ${owner.password}`);
	say(
		'  You land on the demo workflow: Dropbox /Receipts -> Collect New Files -> Export to Folder -> Google Drive.',
	);
	say(
		'  Click "Execute workflow" at the bottom of the canvas: a manual run previews what the next scheduled run would',
	);
	say('  collect (nothing new yet) and consumes nothing.');
	say(
		'  Double-click "Export to Folder" to see each receipt\'s action and path; open "Workflows" for the',
	);
	say(`  local-folder variant (drop files into ${inbox}; they are filed into ${archive}).`);
	say(
		`  Fake clouds: ${Object.entries(fakes.urls)
			.map(([name, url]) => `${name} ${url}`)
			.join(', ')}`,
	);
	if (once) {
		await stopAll();
		say('demo --once: the pipeline ran, the editor answered, the login works; stopped.');
		return;
	}
	openInBrowser(workflowUrl);
	say('Press Ctrl-C to stop.');
	await new Promise(() => undefined);
}

/** A fresh password each demo (n8n wants 8+ characters with a digit and a capital letter). */
function demoPassword(): string {
	return `Demo-${randomBytes(6).toString('base64url')}-7A`;
}

interface Owner {
	email: string;
	firstName: string;
	lastName: string;
	password: string;
}

/** The owner account, through the same REST call n8n's first-visit form makes. */
async function createOwner(base: string, owner: Owner): Promise<void> {
	// Readiness can answer a moment before the REST routes are mounted: retry while the route is missing.
	for (let attempt = 0; attempt < 120; attempt++) {
		const response = await fetch(`${base}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(owner),
		});
		if (response.ok) return;
		if (response.status !== 404)
			throw new Error(
				`n8n refused the owner account (${response.status}): ${(await response.text()).slice(0, 300)}`,
			);
		await new Promise((r) => setTimeout(r, 500));
	}
	throw new Error('n8n never offered the owner setup');
}

/** Logs in with the printed password and opens the demo workflow, as the browser will. */
async function proveLogin(base: string, owner: Owner, workflowId: string): Promise<void> {
	const login = await fetch(`${base}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({
			email: owner.email,
			emailOrLdapLoginId: owner.email,
			password: owner.password,
		}),
	});
	if (!login.ok)
		throw new Error(
			`logging in with the demo owner failed (${login.status}): ${(await login.text()).slice(0, 300)}`,
		);
	const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
	const workflow = await fetch(`${base}/rest/workflows/${workflowId}`, { headers: { cookie } });
	if (!workflow.ok)
		throw new Error(`the demo workflow did not open for the owner (${workflow.status})`);
}

/** Opens the editor where a desktop is there to show it; elsewhere the printed address is the way in. */
function openInBrowser(url: string): void {
	if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY && process.platform === 'linux') return;
	const opener =
		process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
	spawn(opener, [url], { stdio: 'ignore', detached: true })
		.on('error', () => undefined)
		.unref();
}

main().catch((error: unknown) => {
	process.stderr.write(`demo failed: ${(error as Error).stack ?? String(error)}\n`);
	process.exit(1);
});
