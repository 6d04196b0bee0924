import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';
import { installN8n, N8nInstance, N8N_VERSIONS, packPackage } from './n8nInstance';
import { accountingPipeline, PACKAGE } from './workflows';

/**
 * The package installs the two ways users install it, on both n8n lines: through n8n's Community Nodes installer
 * (replayed step by step: see N8nInstance.installPackage) and the README's manual route (`npm install` in
 * ~/.n8n/nodes). Either way it must use n8n's own n8n-workflow (a second copy would be a second set of classes:
 * `instanceof NodeApiError` checks fail across copies, and on Node 20 npm's automatic peer install of
 * n8n-workflow 2.4x does not even build), and its nodes must load and run in n8n.
 */

const versions = (process.env.E2E_N8N ?? 'v1,v2').split(',') as Array<keyof typeof N8N_VERSIONS>;
const cleanups: Array<() => void> = [];
afterAll(() => cleanups.forEach((cleanup) => cleanup()));

describe.each(versions)('installing the package into real n8n (%s)', (versionKey) => {
	const { version } = N8N_VERSIONS[versionKey];

	it.each([
		["n8n's Community Nodes installer", 'community'],
		["the README's npm route (cd ~/.n8n/nodes && npm install ...)", 'npm'],
	] as const)("through %s: n8n's own n8n-workflow is used and the nodes run", async (_how, how) => {
		const [installDir, tarball] = await Promise.all([installN8n(version), packPackage()]);
		const n8n = new N8nInstance(installDir, versionKey === 'v1' ? 1 : 2);
		cleanups.push(() => rmSync(n8n.userFolder, { recursive: true, force: true }));
		if (how === 'community') await n8n.installPackage(tarball);
		else await n8n.installPackageWithNpm(tarball);

		const resolution = await n8n.workflowPackageResolution(PACKAGE);
		expect(resolution.copiesInNodesDir).toEqual([]);
		expect(resolution.fromPackage).toBe(resolution.fromN8n);
		expect(resolution.fromN8n.startsWith(installDir)).toBe(true);

		// The nodes load in n8n and run: the local-folder pipeline files one document.
		const inbox = join(n8n.userFolder, 'files', 'inbox');
		const archive = join(n8n.userFolder, 'files', 'archive');
		mkdirSync(inbox, { recursive: true });
		mkdirSync(archive, { recursive: true });
		writeFileSync(join(inbox, 'receipt.pdf'), 'a receipt');
		const workflowId = `CsInstall${versionKey}${how}`.slice(0, 16).padEnd(16, '0');
		await n8n.importWorkflow(
			accountingPipeline(workflowId, 'manual', 'localFolder', { inbox, archive }),
		);
		const run = await n8n.execute(workflowId);
		expect({ status: run.status, error: run.run?.data?.resultData?.error?.message }).toEqual({
			status: 'success',
			error: undefined,
		});
		const filed = (readdirSync(archive, { recursive: true }) as string[]).filter((path) =>
			path.endsWith('receipt.pdf'),
		);
		expect(filed).toEqual([
			join('n8n Export', 'Acme Bakery', String(new Date().getFullYear()), 'receipt.pdf'),
		]);
	});
});
