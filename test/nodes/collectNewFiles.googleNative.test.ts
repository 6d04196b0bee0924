import type { IDataObject } from 'n8n-workflow';
import type { GoogleDriveFixture } from '../storage/fixtures/googleDrive';
import { collectWorkflow } from './support/collectHarness';
import { cloudSource, type CollectSource } from './support/collectSources';

const DOC = 'application/vnd.google-apps.document';
const SHEET = 'application/vnd.google-apps.spreadsheet';
const pdf = (text: string) => Buffer.from(`%PDF-1.4\n${text}\n%%EOF\n`);
const byName = (json: IDataObject[]) =>
	Object.fromEntries(json.map((item) => [String(item.name), item]));

/** Google-native files in a watched Drive folder, through n8n's engine against FakeDrive. */
describe('Collect New Files on Google Drive: Docs, Sheets, shortcuts and what cannot be read', () => {
	let source: CollectSource & { fixture: GoogleDriveFixture };
	beforeEach(async () => {
		source = (await cloudSource('googleDrive')) as CollectSource & { fixture: GoogleDriveFixture };
	});
	afterEach(async () => {
		await source.close();
	});

	test("a Doc, a Sheet, a shortcut to a PDF, a shortcut to a folder and two PDFs: one run collects the PDFs, the exported Doc and Sheet and the shortcut's PDF, reports the rest with reasons, succeeds", async () => {
		const { fake, rootId } = source.fixture;
		await source.user.createFile('invoice-1.pdf', pdf('invoice one'));
		await source.user.createFile('invoice-2.pdf', pdf('invoice two'));
		await fake.seedFile({
			parentId: rootId,
			name: 'Meeting notes',
			mimeType: DOC,
			content: Buffer.from('notes text'),
		});
		await fake.seedFile({
			parentId: rootId,
			name: 'Budget',
			mimeType: SHEET,
			content: Buffer.from('budget cells'),
		});
		const elsewhere = fake.seedFolder({ name: `elsewhere-${Date.now()}` });
		const target = await fake.seedFile({
			parentId: elsewhere,
			name: 'contract.pdf',
			mimeType: 'application/pdf',
			content: pdf('contract'),
		});
		fake.seedShortcut({ parentId: rootId, name: 'contract.pdf', targetId: target });
		fake.seedShortcut({ parentId: rootId, name: 'Shared folder', targetId: elsewhere });
		await fake.seedFile({
			parentId: rootId,
			name: 'Survey',
			mimeType: 'application/vnd.google-apps.form',
		});

		const flow = collectWorkflow(source);
		const run = await flow.run();
		expect(run.result.status).toBe('success');
		const items = byName(run.json);
		const collected = run.items.filter((item) => item.json.status === 'collected');
		expect(collected.map((item) => String(item.json.name)).sort()).toEqual([
			'Budget.pdf',
			'Meeting notes.pdf',
			'contract.pdf',
			'invoice-1.pdf',
			'invoice-2.pdf',
		]);
		for (const item of collected) {
			expect(item.binary?.data?.mimeType).toBe('application/pdf');
			expect(Buffer.from(item.binary!.data.data, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
		}
		expect(
			Buffer.from(
				run.items.find((item) => item.json.name === 'Meeting notes.pdf')!.binary!.data.data,
				'base64',
			).toString(),
		).toContain('notes text');
		expect(items['Meeting notes.pdf']).toMatchObject({ exportedFrom: DOC });
		expect(items['contract.pdf']).toMatchObject({ id: target, shortcut: { name: 'contract.pdf' } });
		expect(items['Shared folder']).toMatchObject({
			status: 'skipped',
			reason: expect.stringMatching(/shortcut to a folder/i),
		});
		expect(items.Survey).toMatchObject({
			status: 'skipped',
			reason: expect.stringMatching(/Google Form/),
		});
		expect(run.json).toHaveLength(7);

		// Reported once: the next run is quiet (one request) and outputs nothing.
		const before = source.requestCount();
		expect((await flow.run()).json).toEqual([]);
		expect(source.requestCount() - before).toBe(1);
	});

	test('Office format: a Doc becomes .docx, a Sheet .xlsx; an edited Doc is not collected again unless "collect on change"; then once per version', async () => {
		const { fake, rootId } = source.fixture;
		const doc = await fake.seedFile({
			parentId: rootId,
			name: 'Letter',
			mimeType: DOC,
			content: Buffer.from('v1'),
		});
		await fake.seedFile({
			parentId: rootId,
			name: 'Numbers',
			mimeType: SHEET,
			content: Buffer.from('cells'),
		});
		const flow = collectWorkflow(source, { options: { exportFormat: 'office' } });
		const first = await flow.run();
		expect(first.json.map((item) => item.name).sort()).toEqual(['Letter.docx', 'Numbers.xlsx']);
		expect(
			first.items.find((item) => item.json.name === 'Letter.docx')!.binary!.data.mimeType,
		).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
		await fake.userEdit(doc, Buffer.from('v2'));
		expect((await flow.run()).json).toEqual([]);

		flow.setCollectParameters({ options: { exportFormat: 'office' }, collectOnChange: true });
		await fake.userEdit(doc, Buffer.from('v3'));
		const changed = await flow.run();
		expect(changed.json).toEqual([
			expect.objectContaining({ name: 'Letter.docx', changed: true, status: 'collected' }),
		]);
		expect((await flow.run()).json).toEqual([]);
	});

	test('a Doc over the 10 MB export limit is reported as skipped with the reason; the PDF beside it is collected', async () => {
		const { fake, rootId } = source.fixture;
		await fake.seedFile({
			parentId: rootId,
			name: 'Huge report',
			mimeType: DOC,
			generated: { size: 11 * 1024 * 1024 },
		});
		await source.user.createFile('small.pdf', pdf('small'));
		const flow = collectWorkflow(source);
		const run = await flow.run();
		expect(run.result.status).toBe('success');
		expect(byName(run.json)['Huge report.pdf']).toMatchObject({
			status: 'skipped',
			reason: expect.stringMatching(/10 MB/),
		});
		expect(byName(run.json)['small.pdf']).toMatchObject({ status: 'collected' });
		expect((await flow.run()).json).toEqual([]);
	});

	test('a download failing after the retries is a failed item; the run succeeds; the file is retried next run and collected once', async () => {
		const broken = await source.user.createFile('flaky.pdf', pdf('flaky'));
		await source.user.createFile('fine.pdf', pdf('fine'));
		// Every attempt of the pacer for this file's download gets a 503.
		source.fixture.fake.inject({
			path: new RegExp(`/drive/v3/files/${broken}\\?alt=media`),
			times: 6,
			action: {
				type: 'respond',
				status: 503,
				body: {
					error: {
						code: 503,
						message: 'Backend Error',
						errors: [{ domain: 'global', reason: 'backendError', message: 'Backend Error' }],
					},
				},
			},
		});
		const flow = collectWorkflow(source);
		const run = await flow.run();
		expect(run.result.status).toBe('success');
		expect(byName(run.json)['fine.pdf']).toMatchObject({ status: 'collected' });
		expect(byName(run.json)['flaky.pdf']).toMatchObject({
			status: 'failed',
			attempts: 1,
			willRetry: true,
			reason: expect.any(String),
		});
		const again = await flow.run();
		expect(again.json).toEqual([
			expect.objectContaining({ name: 'flaky.pdf', status: 'collected' }),
		]);
		expect((await flow.run()).json).toEqual([]);
	});
});

describe('Collect New Files on Google Drive: after collecting through a shortcut', () => {
	test('"delete after collecting" trashes the shortcut in the watched folder, never the target that lives elsewhere', async () => {
		const source = (await cloudSource('googleDrive')) as CollectSource & {
			fixture: GoogleDriveFixture;
		};
		try {
			const { fake, rootId } = source.fixture;
			const elsewhere = fake.seedFolder({ name: `elsewhere-${Date.now()}` });
			const target = await fake.seedFile({
				parentId: elsewhere,
				name: 'original.pdf',
				mimeType: 'application/pdf',
				content: pdf('original'),
			});
			const shortcut = fake.seedShortcut({
				parentId: rootId,
				name: 'original.pdf',
				targetId: target,
			});
			const flow = collectWorkflow(source, { afterCollecting: 'delete' });
			const run = await flow.run();
			expect(run.json).toEqual([
				expect.objectContaining({ id: target, status: 'collected', afterCollecting: 'deleted' }),
			]);
			expect(fake.store.get(target)!.trashed).toBe(false);
			expect(fake.store.get(shortcut)!.trashed).toBe(true);
		} finally {
			await source.close();
		}
	});
});
