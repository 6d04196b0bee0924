import {
	cloudDestination,
	countActions,
	exportWorkflow,
	filesBelow,
	type Doc,
	type ExportDestination,
} from './support/exportWorkflow';

const CLIENTS = ['Beta', 'Alpha', 'Gamma'];

function docs(count: number, clients = 2): Doc[] {
	return Array.from({ length: count }, (_, i) => ({
		id: `D${i}`,
		content: `document ${i}`,
		json: { client: CLIENTS[i % clients] },
	}));
}

const perClient = { folderStructure: 'perRecord', recordFolderName: '={{ $json.client }}' };

describe('Export to Folder: root folder forms, change-feed resets, Resume by node name', () => {
	let destination: ExportDestination | undefined;
	afterEach(async () => {
		await destination?.close();
		destination = undefined;
	});

	test('Drive root by URL and by path reach the same folder; the same export is not repeated', async () => {
		destination = await cloudDestination('googleDrive');
		const { provider, rootId } = destination.fixture;
		const root = (await provider.getItem(rootId))!;
		const flow = exportWorkflow(destination, {
			rootFolder: {
				__rl: true,
				mode: 'url',
				value: `https://drive.google.com/drive/folders/${rootId}`,
			},
		});
		expect(countActions((await flow.run(docs(3))).json)).toEqual({ created: 3 });

		// Another node (fresh state) pointed at the same folder by path adopts what is there.
		const byPath = exportWorkflow(destination, {
			rootFolder: { __rl: true, mode: 'path', value: `/${root.name}` },
		});
		expect(countActions((await byPath.run(docs(3))).json)).toEqual({ unchanged: 3 });
		expect((await filesBelow(provider, rootId)).size).toBe(3);
	});

	test('a change-feed reset falls back to a full listing: nothing duplicated, a file deleted meanwhile comes back', async () => {
		destination = await cloudDestination('dropbox');
		const { user } = destination.fixture;
		const flow = exportWorkflow(destination, perClient);
		expect(countActions((await flow.run(docs(6))).json)).toEqual({ created: 6 });

		await user.delete('Alpha/D3.pdf');
		await user.resetCursors();
		const before = destination.counts();
		const after = await flow.run(docs(6));
		expect(countActions(after.json)).toEqual({ unchanged: 5, reuploaded: 1 });
		expect(after.json[3]).toMatchObject({ action: 'reuploaded', path: 'Alpha/D3.pdf' });
		expect(destination.counts().uploads - before.uploads).toBe(1);
		// The feed works again from the new cursor.
		const steady = destination.counts();
		expect(countActions((await flow.run(docs(6))).json)).toEqual({ unchanged: 6 });
		expect(destination.counts().changeFeed - steady.changeFeed).toBe(1);
	});

	test('a file the user deleted while the node was not looking at that record is re-uploaded when it comes (Dropbox: path-only deletions)', async () => {
		destination = await cloudDestination('dropbox');
		const flow = exportWorkflow(destination, perClient);
		await flow.run(docs(4));
		await destination.fixture.user.delete('Beta/D2.pdf');
		// This run only carries D0 and D1: the deletion of D2 is remembered from the feed.
		expect(countActions((await flow.run(docs(2))).json)).toEqual({ unchanged: 2 });
		const full = await flow.run(docs(4));
		expect(full.json.map((j) => j.action)).toEqual([
			'unchanged',
			'unchanged',
			'reuploaded',
			'unchanged',
		]);
	});

	test('leave deleted and recreate folder policies on Google Drive', async () => {
		destination = await cloudDestination('googleDrive');
		const { user } = destination.fixture;
		const flow = exportWorkflow(destination, {
			...perClient,
			onFileDeleted: 'leave',
			onFolderDeleted: 'recreate',
		});
		const all = docs(9, 3);
		await flow.run(all);
		await user.trash('Beta/D0.pdf');
		expect(countActions((await flow.run(all)).json)).toEqual({
			unchanged: 8,
			skipped_file_deleted: 1,
		});
		expect(countActions((await flow.run(all)).json)).toEqual({
			unchanged: 8,
			skipped_file_deleted: 1,
		});

		await user.trash('Alpha');
		const recreated = await flow.run(all);
		expect(countActions(recreated.json)).toEqual({
			unchanged: 5,
			skipped_file_deleted: 1,
			reuploaded: 3,
		});
		const files = await filesBelow(destination.fixture.provider, destination.fixture.rootId);
		expect([...files.keys()].filter((p) => p.startsWith('Alpha/')).sort()).toEqual([
			'Alpha/D1.pdf',
			'Alpha/D4.pdf',
			'Alpha/D7.pdf',
		]);
		expect(files.has('Beta/D0.pdf')).toBe(false);
	});

	test('Resume can target the export node by name and resume one folder only', async () => {
		destination = await cloudDestination('oneDrive');
		const flow = exportWorkflow(destination, perClient);
		await flow.run(docs(4));
		await destination.fixture.user.delete('Alpha');
		await destination.fixture.user.delete('Beta');
		// 4 of 4 deleted is a mass deletion: confirmed for this run.
		flow.setParameters({ ...perClient, options: { acceptMassDeletion: true } });
		expect(countActions((await flow.run(docs(4))).json)).toEqual({ skipped_folder_deleted: 4 });
		flow.setParameters(perClient);

		expect(await flow.resume({ resumeFolders: 'beta' })).toEqual([
			{ resumed: ['Beta'], stillStopped: ['Alpha'] },
		]);
		expect(countActions((await flow.run(docs(4))).json)).toEqual({
			reuploaded: 2,
			skipped_folder_deleted: 2,
		});
		// n8n errors come from another realm than jest's Error: compare the message.
		const error = (await flow.resume({ exportNodeName: 'No Such Node' }).then(
			() => undefined,
			(e: Error) => e,
		)) as Error | undefined;
		expect(error?.message).toMatch(/No Export to Folder node named "No Such Node"/);
	});
});

describe('Export to Folder: the root folder itself deleted by the user', () => {
	let destination: ExportDestination | undefined;
	afterEach(async () => {
		await destination?.close();
		destination = undefined;
	});

	for (const kind of ['dropbox', 'googleDrive'] as const) {
		test(`${kind}: by name, "recreate" creates it again on the next run; "stop" skips everything`, async () => {
			destination = await cloudDestination(kind);
			const { provider } = destination.fixture;
			const flow = exportWorkflow(destination, {
				rootMode: 'name',
				rootName: 'CLUST',
				...perClient,
				onFolderDeleted: 'recreate',
			});
			const two = docs(2);
			expect(countActions((await flow.run(two)).json)).toEqual({ created: 2 });
			const driveRoot = await provider.root();
			const clust = (await provider.findChild(driveRoot.id, 'CLUST', 'folder'))!;
			// The fixture's user acts below its own root; CLUST sits beside it, so it is removed through the provider.
			await provider.delete(clust.id);

			const gone = await flow.run(two);
			expect(gone.result.status).toBe('error');
			expect(gone.result.nodeError('Export')!.message).toMatch(/root folder is gone/);
			const back = await flow.run(two);
			expect(countActions(back.json)).toEqual({ reuploaded: 2 });
			const again = (await provider.findChild(driveRoot.id, 'CLUST', 'folder'))!;
			expect(again.id).not.toBe(clust.id);
			expect((await filesBelow(provider, again.id)).size).toBe(2);

			flow.setParameters({
				rootMode: 'name',
				rootName: 'CLUST',
				...perClient,
				onFolderDeleted: 'stop',
			});
			await provider.delete(again.id);
			expect(countActions((await flow.run(two)).json)).toEqual({ skipped_folder_deleted: 2 });
		});
	}
});
