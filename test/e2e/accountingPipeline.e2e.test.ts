import { startFakes, type RunningFakes } from '../fakes/cli';
import type { TreeNode } from '../fakes/drive/fakeDrive';
import { installN8n, N8nInstance, N8N_VERSIONS, packPackage } from './n8nInstance';
import { accountingPipeline, CREDENTIALS, fakeCredentials } from './workflows';

/**
 * The accounting pipeline in a real n8n process that loaded this package from `npm pack` as a community package:
 * Dropbox /Receipts -> Collect New Files -> Export to Folder -> Google Drive /Accounting/Acme Bakery/<year>.
 * Run with `npm run test:e2e` (installs n8n into a cache on first use).
 */

const versions = (process.env.E2E_N8N ?? 'v1,v2').split(',') as Array<keyof typeof N8N_VERSIONS>;

/** Paths of the files below a fake-Drive tree, the tree's own root left out ("/a/b.pdf"). */
function files(tree: TreeNode, prefix?: string): string[] {
	const here = prefix === undefined ? '' : `${prefix}/${tree.name}`;
	if (!tree.folder) return tree.trashed ? [] : [here];
	return (tree.children ?? []).flatMap((child) => files(child, here));
}

describe.each(versions)('accounting pipeline in real n8n (%s)', (versionKey) => {
	const { version } = N8N_VERSIONS[versionKey];
	let fakes: RunningFakes;
	let n8n: N8nInstance;
	const workflowId = `CsAccounting${versionKey.toUpperCase()}01`.slice(0, 16);

	beforeAll(async () => {
		const [installDir, tarball] = await Promise.all([installN8n(version), packPackage()]);
		fakes = await startFakes({
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
						{
							path: '/Receipts/receipt-003.pdf',
							text: 'receipt three',
							clientModified: '2026-05-01T10:00:00Z',
						},
					],
				},
			},
		});
		n8n = new N8nInstance(installDir, versionKey === 'v1' ? 1 : 2);
		await n8n.installPackage(tarball);
		await n8n.importCredentials(fakeCredentials(fakes.urls, fakes.tokens));
		await n8n.importWorkflow(accountingPipeline(workflowId));
	});

	afterAll(async () => {
		await n8n?.stop();
		await fakes?.stop();
	});

	it('collects each receipt once, files it in Drive, and persists static data between runs', async () => {
		const first = await n8n.execute(workflowId);
		expect({ status: first.status, error: first.run?.data?.resultData?.error?.message }).toEqual({
			status: 'success',
			error: undefined,
		});
		const exported = files(fakes.drive.tree()).filter((path) => path.startsWith('/Accounting/'));
		expect(exported.sort()).toEqual([
			'/Accounting/Acme Bakery/2026/receipt-001.pdf',
			'/Accounting/Acme Bakery/2026/receipt-002.pdf',
			'/Accounting/Acme Bakery/2026/receipt-003.pdf',
		]);

		// n8n persisted both nodes' state (mode cli saves static data).
		const stored = await n8n.exportWorkflow(workflowId);
		const keys = Object.keys(stored.staticData?.global ?? {});
		expect(keys).toEqual(expect.arrayContaining(['cloudSync:collect', 'cloudSync:export']));

		// Run 2: the receipts are still in Dropbox but nothing is collected or exported again.
		const drivePutsBefore =
			fakes.drive.requests({ method: 'POST' }).length +
			fakes.drive.requests({ method: 'PATCH' }).length;
		const second = await n8n.execute(workflowId);
		expect(second.status).toBe('success');
		const drivePutsAfter =
			fakes.drive.requests({ method: 'POST' }).length +
			fakes.drive.requests({ method: 'PATCH' }).length;
		expect(drivePutsAfter).toBe(drivePutsBefore);
		expect(
			files(fakes.drive.tree()).filter((path) => path.startsWith('/Accounting/')),
		).toHaveLength(3);
	});

	it('refreshes an expired token through n8n and stores the new one in the credential', async () => {
		await fakes.dropbox.userWrite(
			'/Receipts/receipt-004.pdf',
			Buffer.from('receipt four'),
			'2026-06-01T10:00:00Z',
		);
		fakes.auth.expireAccessTokens();
		const refreshesBefore = fakes.auth.refreshCount;
		const run = await n8n.execute(workflowId);
		expect(run.status).toBe('success');
		expect(fakes.auth.refreshCount).toBeGreaterThan(refreshesBefore);
		expect(
			files(fakes.drive.tree()).filter((path) => path.startsWith('/Accounting/')),
		).toHaveLength(4);
		const credential = await n8n.exportCredential(CREDENTIALS.dropbox.id);
		const stored = credential.data.oauthTokenData.access_token as string;
		expect(stored).not.toBe(fakes.tokens.dropbox.access_token);
		expect(fakes.auth.check(`Bearer ${stored}`).ok).toBe(true);
	});
});
