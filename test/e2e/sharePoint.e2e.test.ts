import { mkdirSync, utimesSync, writeFileSync } from 'fs';
import { join } from 'path';
import { startFakes, type RunningFakes } from '../fakes/cli';
import type { TreeNode } from '../fakes/graph';
import { installN8n, N8nInstance, N8N_VERSIONS, packPackage } from './n8nInstance';
import { CREDENTIALS, fakeCredentials, PACKAGE } from './workflows';

/**
 * Issue 16 in a real n8n per line: Qonto-style receipts exported into a SharePoint library that is not the site's
 * "Documents", by account and month, with the same Microsoft credential as OneDrive; a second run uploads nothing.
 */

const versions = (process.env.E2E_N8N ?? 'v1,v2').split(',') as Array<keyof typeof N8N_VERSIONS>;

function filePaths(tree: TreeNode, prefix?: string): string[] {
	const here = prefix === undefined ? '' : `${prefix}/${tree.name}`;
	if (!tree.children) return [here];
	return tree.children.flatMap((child) => filePaths(child, here));
}

function sharePointExport(id: string, inbox: string, siteId: string, libraryId: string) {
	const nodes = [
		{
			id: 'start',
			name: 'Start',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: 'collect',
			name: 'Collect Receipts',
			type: `${PACKAGE}.collectNewFiles`,
			typeVersion: 1,
			position: [220, 0],
			parameters: {
				source: 'localFolder',
				folder: { __rl: true, mode: 'path', value: inbox },
				firstRun: 'everything',
			},
		},
		{
			id: 'export',
			name: 'Export to SharePoint',
			type: `${PACKAGE}.exportToFolder`,
			typeVersion: 2,
			position: [440, 0],
			parameters: {
				destination: 'sharePoint',
				sharePointSite: { __rl: true, mode: 'id', value: siteId },
				sharePointLibrary: { __rl: true, mode: 'list', value: libraryId },
				rootMode: 'name',
				rootName: 'Qonto Receipts',
				folderStructure: 'accountPeriod',
				accountName: '={{ $json.name.split("_")[0] }}',
				recordKey: '={{ $json.id }}',
				dateField: '={{ $json.modifiedAt }}',
				binaryPropertyName: 'data',
			},
			credentials: { cloudSyncMicrosoftOneDriveOAuth2Api: CREDENTIALS.oneDrive },
		},
	];
	return {
		id,
		name: 'Qonto receipts to a SharePoint library (account / month)',
		active: false,
		nodes,
		connections: {
			Start: { main: [[{ node: 'Collect Receipts', type: 'main', index: 0 }]] },
			'Collect Receipts': { main: [[{ node: 'Export to SharePoint', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
		staticData: null,
		pinData: {},
	};
}

describe.each(versions)('SharePoint export in real n8n (%s)', (versionKey) => {
	const { version } = N8N_VERSIONS[versionKey];
	let fakes: RunningFakes;
	let n8n: N8nInstance;

	beforeAll(async () => {
		const [installDir, tarball] = await Promise.all([installN8n(version), packPackage()]);
		fakes = await startFakes({ portBase: 0 });
		n8n = new N8nInstance(installDir, versionKey === 'v1' ? 1 : 2);
		await n8n.installPackage(tarball);
		await n8n.importCredentials(fakeCredentials(fakes.urls, fakes.tokens));
	});

	afterAll(async () => {
		await n8n?.stop();
		await fakes?.stop();
	});

	it('receipts land in the Receipts library under <account>/<YYYY-MM>, nothing in Documents; a second run uploads nothing', async () => {
		const site = fakes.graph.addSite('/sites/Finance', { displayName: 'Finance' });
		const library = fakes.graph.addLibrary(site, 'Receipts');
		const inbox = join(n8n.userFolder, 'files', 'sharepoint-inbox');
		mkdirSync(inbox, { recursive: true });
		for (const [name, date] of [
			['Main_fuel.pdf', '2026-09-03T10:00:00Z'],
			['Main_rent.pdf', '2026-10-01T10:00:00Z'],
			['Savings_fees.pdf', '2026-09-20T10:00:00Z'],
		]) {
			const file = join(inbox, name);
			writeFileSync(file, `receipt ${name}`);
			utimesSync(file, new Date(date), new Date(date));
		}
		const workflowId = `CsSharePoint${versionKey.toUpperCase()}01`.slice(0, 16);
		await n8n.importWorkflow(sharePointExport(workflowId, inbox, site.id, library.id));

		const run = await n8n.execute(workflowId);
		expect({ status: run.status, error: run.run?.data?.resultData?.error?.message }).toEqual({
			status: 'success',
			error: undefined,
		});
		expect(filePaths(fakes.graph.dumpTree(library)).sort()).toEqual([
			'/Qonto Receipts/Main/2026-09/Main_fuel.pdf',
			'/Qonto Receipts/Main/2026-10/Main_rent.pdf',
			'/Qonto Receipts/Savings/2026-09/Savings_fees.pdf',
		]);
		expect(fakes.graph.dumpTree(site.libraries[0]).children).toEqual([]);

		const putsBefore = fakes.graph.requests({ method: 'PUT' }).length;
		const again = await n8n.execute(workflowId);
		expect(again.status).toBe('success');
		expect(fakes.graph.requests({ method: 'PUT' }).length).toBe(putsBefore);
	});
});
