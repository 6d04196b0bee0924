import type { IDataObject } from 'n8n-workflow';
import { CollectNewFiles } from '../../nodes/CollectNewFiles/CollectNewFiles.node';
import { ExportToFolder } from '../../nodes/ExportToFolder/ExportToFolder.node';
import { WorkflowHarness } from '../harness/workflow';
import { cloudSource, type CollectSource } from './support/collectSources';
import { cloudDestination, filesBelow, type ExportDestination } from './support/exportWorkflow';

/**
 * Issue 14: a builder drops Collect New Files (Dropbox) and Export to Folder (Google Drive) onto the canvas, picks
 * the folders, chooses a date-based folder structure and leaves every other field at its default. Version 2 of
 * Export to Folder (what n8n adds today) must succeed with what Collect outputs; version 1 (saved workflows) keeps
 * its old defaults, so a saved workflow that relied on them behaves as before.
 */
describe('Collect New Files -> Export to Folder with the defaults (issue 14)', () => {
	let source: CollectSource;
	let destination: ExportDestination & {
		fixture: {
			provider: import('../../nodes/shared/storage/types').StorageProvider;
			rootId: string;
		};
	};
	beforeEach(async () => {
		source = await cloudSource('dropbox');
		destination = await cloudDestination('googleDrive');
		await source.user.createFile('receipt-001.pdf', Buffer.from('receipt one'), {
			modifiedAt: '2026-03-01T10:00:00Z',
		});
		await source.user.createFile('receipt-002.pdf', Buffer.from('receipt two'), {
			modifiedAt: '2026-04-02T10:00:00Z',
		});
	});
	afterEach(async () => {
		await source.close();
		await destination.close();
	});

	/** Only what a builder touches: the source and its folder, the destination, its folder and the structure. */
	function pipeline(exportVersion: number, exportExtra: IDataObject = {}) {
		const harness = new WorkflowHarness();
		harness
			.registerNode('collectNewFiles', new CollectNewFiles())
			.registerNode('exportToFolder', new ExportToFolder());
		harness.addNode({
			name: 'Collect New Files',
			type: 'collectNewFiles',
			parameters: { source: 'dropbox', folder: source.folderParameter },
			credentials: source.attach(harness),
		});
		harness.addNode({
			name: 'Export to Folder',
			type: 'exportToFolder',
			typeVersion: exportVersion,
			parameters: {
				...destination.parameters,
				folderStructure: 'yearMonth',
				...exportExtra,
			} as never,
			credentials: destination.attach(harness),
			continueOnFail: exportVersion === 1,
		});
		return harness;
	}

	it('version 2: every receipt lands in YYYY/MM from the date Collect outputs (modifiedAt)', async () => {
		const run = await pipeline(2).run();
		expect(run.status).toBe('success');
		const out = run.output('Export to Folder').map((item) => item.json);
		expect(out.map((json) => [json.action, json.path]).sort()).toEqual([
			['created', '2026/03/receipt-001.pdf'],
			['created', '2026/04/receipt-002.pdf'],
		]);
		const files = await filesBelow(destination.fixture.provider, destination.fixture.rootId);
		expect([...files.keys()].filter((path) => path.endsWith('.pdf')).sort()).toEqual([
			'2026/03/receipt-001.pdf',
			'2026/04/receipt-002.pdf',
		]);
	});

	it('version 1 keeps its saved default ({{ $json.date }}): the same items fail by name, as they always did', async () => {
		const run = await pipeline(1).run();
		const out = run.output('Export to Folder').map((item) => item.json);
		expect(out.map((json) => json.action)).toEqual(['failed', 'failed']);
		expect(String(out[0].error)).toMatch(/document date is empty/i);
	});

	it('"Include Input Fields" keeps what Collect output next to the export result', async () => {
		const run = await pipeline(2, { options: { includeInputFields: true } }).run();
		const out = run.output('Export to Folder').map((item) => item.json);
		const first = out.find(
			(json) => json.recordKey && String(json.path).endsWith('receipt-001.pdf'),
		)!;
		// Collect's fields (name, modifiedAt) stay; the export result's own fields (path, action) win.
		expect(first).toMatchObject({
			name: 'receipt-001.pdf',
			modifiedAt: expect.stringMatching(/^2026-03-01/),
			action: 'created',
			path: '2026/03/receipt-001.pdf',
		});
		const plain = (await pipeline(2).run()).output('Export to Folder')[0].json;
		expect(plain.name).toBeUndefined();
	});
});
