import type { OneDriveFixture } from '../storage/fixtures/oneDrive';
import { cloudSource, type CollectSource } from './support/collectSources';
import { collectWorkflow } from './support/collectHarness';
import { manualBetweenRuns, movedInWithOldTime, seedStory } from './support/collectScenarios';
import {
	cloudDestination,
	countActions,
	exportWorkflow,
	filesBelow,
	type ExportDestination,
} from './support/exportWorkflow';
import { qontoLayout, receipts } from './support/exportReceipts';

/**
 * The seed stories with a SharePoint library in place of OneDrive and Dropbox (issue 16), through n8n's engine:
 * the node picks the site and the library ("Receipts" on /sites/Finance, not the site's default "Documents") and
 * speaks Graph through n8n with the Microsoft credential; the fake plays SharePoint, the fixture plays the user.
 */
describe('SharePoint stories (n8n engine, FakeGraph sites and libraries)', () => {
	let destination: ExportDestination | undefined;
	let source: CollectSource | undefined;
	afterEach(async () => {
		await destination?.close();
		await source?.close();
		destination = undefined;
		source = undefined;
	});

	test('Qonto into a library that is not Documents: <account>/<YYYY-MM>; an idle run is one request; deletes behave as on OneDrive', async () => {
		destination = await cloudDestination('sharePoint');
		const fixture = destination.fixture as unknown as OneDriveFixture;
		const { provider, rootId, user, fake, site } = fixture;
		const flow = exportWorkflow(destination, qontoLayout);
		const docs = receipts();

		const first = await flow.run(docs);
		expect(countActions(first.json)).toEqual({ created: 12 });
		const files = await filesBelow(provider, rootId);
		expect(files.size).toBe(12);
		expect(first.json[0]).toMatchObject({
			path: 'Main/2026-09/Main-2026-09-05.pdf',
			webUrl: expect.stringMatching(
				/^https:\/\/contoso\.sharepoint\.com\/sites\/Finance\/Receipts\/fixture-root\/Main\/2026-09\//,
			),
		});
		// Nothing went to the site's default library or to the user's own OneDrive.
		expect(fake.dumpTree(site!.libraries[0]).children).toEqual([]);
		expect(fake.dumpTree().children).toEqual([]);

		// The next run reads its own uploads back from the feed (one folder lookup); from then on an idle run is
		// one request: the library's change feed (delta at its root).
		let before = destination.counts();
		expect(countActions((await flow.run(docs)).json)).toEqual({ unchanged: 12 });
		expect(destination.counts().uploads - before.uploads).toBe(0);
		before = destination.counts();
		expect(countActions((await flow.run(docs)).json)).toEqual({ unchanged: 12 });
		expect(destination.counts().total - before.total).toBe(1);
		expect(destination.counts().changeFeed - before.changeFeed).toBe(1);

		// A user deletes a file in the library: it comes back alone, as on OneDrive.
		await user.delete('Savings/2026-10/Savings-2026-10-20.pdf');
		before = destination.counts();
		const third = await flow.run(docs);
		expect(countActions(third.json)).toEqual({ unchanged: 11, reuploaded: 1 });
		expect(destination.counts().uploads - before.uploads).toBe(1);
		expect(await user.read('Savings/2026-10/Savings-2026-10-20.pdf')).toEqual(
			Buffer.from('receipt Savings-2026-10-20'),
		);

		// A user deletes a folder: its receipts stop until Resume, as on OneDrive.
		await user.delete('Main/2026-10');
		const fourth = await flow.run(docs);
		expect(countActions(fourth.json)).toEqual({ unchanged: 10, skipped_folder_deleted: 2 });
		expect(await flow.resume()).toEqual([{ resumed: ['Main/2026-10'], stillStopped: [] }]);
		expect(countActions((await flow.run(docs)).json)).toEqual({ unchanged: 10, reuploaded: 2 });
		expect((await filesBelow(provider, rootId)).size).toBe(12);
	});

	test("the library's own root as the root, the library given by name and the site by URL", async () => {
		destination = await cloudDestination('sharePoint');
		const fixture = destination.fixture as unknown as OneDriveFixture;
		const flow = exportWorkflow(destination, {
			...qontoLayout,
			sharePointSite: {
				__rl: true,
				mode: 'url',
				value: 'https://contoso.sharepoint.com/sites/Finance',
			},
			sharePointLibrary: { __rl: true, mode: 'name', value: 'receipts' },
			rootFolder: { __rl: true, mode: 'path', value: '/' },
		});
		const docs = receipts().slice(0, 2);
		expect(countActions((await flow.run(docs)).json)).toEqual({ created: 2 });
		const atRoot = await filesBelow(fixture.provider, fixture.drive.rootId);
		expect([...atRoot.keys()].sort()).toEqual([
			'Main/2026-09/Main-2026-09-05.pdf',
			'Main/2026-09/Main-2026-09-20.pdf',
		]);
		// By name, the first run finds the site and lists its libraries; the library's drive id is remembered (keyed
		// by the site and the name), so an idle run is one request as from the list (it was three before).
		await flow.run(docs);
		const before = destination.counts();
		expect(countActions((await flow.run(docs)).json)).toEqual({ unchanged: 2 });
		expect(destination.counts().total - before.total).toBe(1);
		expect(destination.counts().changeFeed - before.changeFeed).toBe(1);
		const global = () => flow.harness.staticData.global as Record<string, unknown>;
		const cacheKey = `cloudSyncLibrary:${flow.harness.node('Export').id}`;
		expect(global()[cacheKey]).toEqual({
			key: 'url:https://contoso.sharepoint.com/sites/Finance|receipts',
			driveId: fixture.drive.id,
		});

		// The library is deleted and another one gets its name: the remembered id answers 404, the run looks the
		// name up again and remembers the new library.
		fixture.fake.removeLibrary(fixture.drive);
		const again = fixture.fake.addLibrary(fixture.site!, 'Receipts');
		const mark = fixture.fake.mark();
		// The export's state still names the old library's items, so this run stops on its root (not found), as for a
		// deleted root: the library the name now means is looked up and remembered all the same.
		await flow.run(docs);
		expect(
			fixture.fake
				.requests({ since: mark })
				.some((r) => r.path.startsWith(`/v1.0/drives/${again.id}/`)),
		).toBe(true);
		expect(global()[cacheKey]).toEqual({
			key: 'url:https://contoso.sharepoint.com/sites/Finance|receipts',
			driveId: again.id,
		});
	});

	test('a library that does not exist on the site: a clear error naming the libraries there', async () => {
		destination = await cloudDestination('sharePoint');
		const flow = exportWorkflow(destination, {
			sharePointLibrary: { __rl: true, mode: 'name', value: 'Invoices' },
		});
		const run = await flow.run(receipts().slice(0, 1));
		const error = run.result.nodeError('Export');
		expect(error?.message).toContain('no document library named "Invoices"');
		expect(String((error as { description?: string }).description)).toContain(
			'"Documents", "Receipts"',
		);
	});

	test('a library set to "Require Check Out": exports are checked in and seen by everyone; a receipt someone else has checked out fails by name, the others go on, and it goes through once they check it in', async () => {
		destination = await cloudDestination('sharePoint');
		const fixture = destination.fixture as unknown as OneDriveFixture;
		const { drive, fake } = fixture;
		drive.library!.requireCheckOut = true;
		// "Continue on fail": the other receipts go on (without it n8n stops the node at the first failed item).
		const flow = exportWorkflow(destination, qontoLayout, { continueOnFail: true });
		const docs = receipts().slice(0, 4);
		const at = (path: string) => `fixture-root/${path}`;

		expect(countActions((await flow.run(docs)).json)).toEqual({ created: 4 });
		for (const doc of docs) {
			const item = fake.item(at(`Main/${doc.id.slice(5, 12)}/${doc.id}.pdf`), drive)!;
			expect(item.checkedOutBy).toBeUndefined();
			expect(drive.visibleTo(item, 'Alice')).toBe(true);
		}

		// Alice checks out one receipt in SharePoint; two receipts change.
		const held = 'Main/2026-09/Main-2026-09-05.pdf';
		fake.userCheckOut(at(held), 'Alice', drive);
		const changed = docs.map((doc, index) =>
			index < 2 ? { ...doc, content: `${doc.content} corrected` } : doc,
		);
		const second = await flow.run(changed);
		expect(second.result.nodeError('Export')).toBeUndefined();
		expect(countActions(second.json)).toEqual({ failed: 1, updated: 1, unchanged: 2 });
		const failed = second.json.find((item) => item.action === 'failed')!;
		expect(failed.error).toContain('Main-2026-09-05.pdf');
		expect(failed.error).toContain('checked out to someone else');
		expect(failed.error).toContain('check it in');
		expect(await fake.readFile(at(held), drive)).toEqual(Buffer.from('receipt Main-2026-09-05'));
		expect(fake.item(at('Main/2026-09/Main-2026-09-20.pdf'), drive)!.checkedOutBy).toBeUndefined();

		// The state did not move past it: once Alice checks it in, the next run sends the correction.
		expect(countActions((await flow.run(changed)).json)).toEqual({ failed: 1, unchanged: 3 });
		fake.userCheckIn(at(held), 'Alice', drive);
		expect(countActions((await flow.run(changed)).json)).toEqual({ updated: 1, unchanged: 3 });
		expect(await fake.readFile(at(held), drive)).toEqual(
			Buffer.from('receipt Main-2026-09-05 corrected'),
		);
		expect(fake.item(at(held), drive)!.checkedOutBy).toBeUndefined();
	});

	describe('Collect New Files from a SharePoint library (the accounting platform collection channel)', () => {
		beforeEach(async () => {
			source = await cloudSource('sharePoint');
		});

		test('seed story: 3, then 0, then the 4th once after rename and move; history of 4', async () => {
			await seedStory(source!);
		});

		test('a file moved in with an old modified time is collected', async () => {
			await movedInWithOldTime(source!);
		});

		test('a manual run between production runs changes nothing and loses nothing', async () => {
			await manualBetweenRuns(source!);
		});

		test('"Require Check Out": a file someone uploaded but has not checked in is not collected until they check it in', async () => {
			const fixture = (source as unknown as { fixture: OneDriveFixture }).fixture;
			const { fake, drive } = fixture;
			drive.library!.requireCheckOut = true;
			const flow = collectWorkflow(source!);
			await source!.user.createFile('published.pdf', Buffer.from('%PDF-1.4 p'));
			expect((await flow.run()).json.map((item) => item.name)).toEqual(['published.pdf']);

			// Alice uploads into the library: the file stays checked out to her, and nobody else sees it yet.
			await fake.userCreateFile('fixture-root/draft.pdf', Buffer.from('%PDF-1.4 d'), {
				drive,
				by: 'Alice',
			});
			expect((await flow.run()).json).toEqual([]);
			fake.userCheckIn('fixture-root/draft.pdf', 'Alice', drive);
			expect((await flow.run()).json.map((item) => item.name)).toEqual(['draft.pdf']);
			expect((await flow.run()).json).toEqual([]);
		});

		test('a library given by name: remembered after the first run, so an idle run is one request (three before)', async () => {
			const fixture = (source as unknown as { fixture: OneDriveFixture }).fixture;
			const flow = collectWorkflow(source!);
			flow.setCollectParameters({
				sharePointLibrary: { __rl: true, mode: 'name', value: 'Receipts' },
			});
			await source!.user.createFile('receipt.pdf', Buffer.from('%PDF-1.4 r'));
			const first = fixture.fake.mark();
			expect((await flow.run()).json.map((item) => item.name)).toEqual(['receipt.pdf']);
			expect(
				fixture.fake.requests({ since: first }).filter((r) => r.path.includes('/sites/')),
			).toHaveLength(1);
			const idle = fixture.fake.mark();
			expect((await flow.run()).json).toEqual([]);
			expect(fixture.fake.requests({ since: idle }).map((r) => r.path)).toEqual([
				`/v1.0/drives/${fixture.drive.id}/root/delta`,
			]);
			// Another name is another key: looked up again.
			flow.setCollectParameters({
				sharePointLibrary: { __rl: true, mode: 'name', value: 'Documents' },
			});
			const other = fixture.fake.mark();
			await flow.run().catch(() => undefined);
			expect(
				fixture.fake.requests({ since: other }).filter((r) => r.path.includes('/sites/')),
			).toHaveLength(1);
		});

		test('an idle run is one request, and another library of the same site is another source', async () => {
			const fixture = (source as unknown as { fixture: OneDriveFixture }).fixture;
			const flow = collectWorkflow(source!);
			await source!.user.createFile('receipt.pdf', Buffer.from('%PDF-1.4 r'));
			expect((await flow.run()).json.map((item) => item.name)).toEqual(['receipt.pdf']);
			const before = fixture.fake.log.length;
			expect((await flow.run()).json).toEqual([]);
			expect(fixture.fake.log.length - before).toBe(1);

			// The same folder path in the site's Documents library: a different place, collected from scratch.
			const documents = fixture.site!.libraries[0];
			await fixture.fake.userCreateFile('fixture-root/other.pdf', Buffer.from('%PDF-1.4 o'), {
				drive: documents,
			});
			flow.setCollectParameters({
				sharePointLibrary: { __rl: true, mode: 'id', value: documents.id },
				folder: { __rl: true, mode: 'path', value: '/fixture-root' },
			});
			expect((await flow.run()).json.map((item) => item.name)).toEqual(['other.pdf']);
		});
	});
});
