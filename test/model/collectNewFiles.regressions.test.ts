/**
 * The shrunk counterexamples the Collect New Files model test found on the code as it stood before issue 13,
 * kept as named stories (seeds and paths in the closing note of issue 13).
 */
import { tmpdir } from 'os';
import { replay, type Action, type SourceKind } from './collectWorld';

process.env.N8N_RESTRICT_FILE_ACCESS_TO = tmpdir();

const run: Action = { type: 'run', mode: 'production' };
const addPdf: Action = { type: 'add', name: 0, dir: 0, kind: 'blob' };

describe('Collect New Files regressions found by the model test', () => {
	test('Drive: a Google Doc in the watched folder no longer fails every run; it is exported and delivered once (seed 348418267)', async () => {
		const world = await replay('googleDrive', [{ type: 'add', name: 0, dir: 0, kind: 'doc' }, run]);
		expect([...world.delivered.values()]).toEqual([1]);
		expect(world.runs.every((r) => r.status === 'success')).toBe(true);
	});

	test('Drive: a PDF beside a Doc, a form and a shortcut to a folder is still collected', async () => {
		const world = await replay('googleDrive', [
			{ type: 'add', name: 0, dir: 0, kind: 'doc' },
			{ type: 'add', name: 2, dir: 0, kind: 'form' },
			{ type: 'add', name: 3, dir: 0, kind: 'folderShortcut' },
			addPdf,
			run,
		]);
		expect(world.delivered.size).toBe(2);
	});

	test.each<SourceKind>(['dropbox', 'googleDrive', 'oneDrive', 'sharePoint'])(
		'%s: the watched folder moved out of its parent between runs: a file added at its new place is collected, nothing twice (Dropbox seed 1757724072)',
		async (kind) => {
			const world = await replay(kind, [run, { type: 'moveWatched' }, addPdf, run]);
			expect([...world.delivered.values()]).toEqual([1]);
		},
	);

	test.each<SourceKind>(['dropbox', 'googleDrive', 'oneDrive', 'sharePoint'])(
		'%s: the watched folder and then its parent renamed between runs, files before and after: each collected once',
		async (kind) => {
			const world = await replay(kind, [
				addPdf,
				run,
				{ type: 'renameWatched' },
				{ type: 'add', name: 2, dir: 1, kind: 'blob' },
				run,
				{ type: 'renameParent' },
				{ type: 'add', name: 5, dir: 2, kind: 'blob' },
			]);
			expect([...world.delivered.values()]).toEqual([1, 1, 1]);
		},
	);
});

describe('Collect New Files regressions found by the model test with after-Confirm, lost state, overlapping and manual runs', () => {
	test.each<SourceKind>(['localFolder', 'googleDrive'])(
		'%s, after Confirm: a manual run before any production run previews, and its Confirm says there is nothing to commit instead of failing (seeds 380272827, 1682099393)',
		async (kind) => {
			const world = await replay(kind, [addPdf, { type: 'run', mode: 'manual' }], 'afterConfirm');
			expect(world.runs[0]).toMatchObject({ mode: 'manual', status: 'success' });
			expect(world.confirmed.size).toBe(1);
		},
	);

	test('after Confirm: a run fails before Confirm, then the static data is lost: the document is offered again within Retry Failed Files runs (seed 387552994)', async () => {
		const world = await replay(
			'oneDrive',
			[addPdf, { type: 'downstreamFailure' }, { type: 'loseState' }],
			'afterConfirm',
		);
		expect(world.confirmed.size).toBe(1);
	});

	test('after Confirm: a form reported once, then the static data is lost: no file held back, the next runs are quiet (seed 1682099393)', async () => {
		const world = await replay(
			'googleDrive',
			[{ type: 'add', name: 0, dir: 0, kind: 'form' }, run, { type: 'loseState' }],
			'afterConfirm',
		);
		expect(world.runs.at(-1)!.requests).toBe(1);
	});

	test('a manual run after the static data was lost (as the editor may hand it stale data) does not show collected files as new (seed 387552994)', async () => {
		const world = await replay(
			'oneDrive',
			[addPdf, run, { type: 'loseState' }, { type: 'run', mode: 'manual' }],
			'afterConfirm',
		);
		expect(world.runs.find((r) => r.mode === 'manual')!.items.filter((item) => item.id)).toEqual(
			[],
		);
	});

	test('after Confirm: two overlapping runs after a failed one offer the pending document before either Confirm, and never after (seed 1682099393)', async () => {
		const world = await replay(
			'googleDrive',
			[addPdf, { type: 'downstreamFailure' }, { type: 'overlap' }],
			'afterConfirm',
		);
		expect(world.confirmed.size).toBe(1);
	});

	test('on emit: the static data is lost: the deduplication store keeps every collected document from being collected again', async () => {
		const world = await replay('dropbox', [
			addPdf,
			run,
			{ type: 'loseState' },
			{ type: 'add', name: 2, dir: 0, kind: 'blob' },
		]);
		expect([...world.delivered.values()]).toEqual([1, 1]);
	});
});

describe('Collect New Files regressions found by the model test with faults', () => {
	test('on emit: the static data is lost and the user then edits a collected file: it is not collected again (Dropbox seed 1969863120)', async () => {
		const world = await replay('dropbox', [
			addPdf,
			run,
			{ type: 'loseState' },
			{ type: 'overwrite', file: 0 },
		]);
		expect([...world.delivered.values()]).toEqual([1]);
	});

	test('a download cut mid-way fails that file only; the next run fetches it by id and delivers it once (Drive seed 746026813)', async () => {
		const world = await replay('googleDrive', [
			addPdf,
			{ type: 'add', name: 0, dir: 0, kind: 'sheet' },
			{ type: 'cutDownload' },
			{ type: 'delete', file: 0 },
		]);
		expect(
			world.runs[0].items.some((item) => item.status === 'failed' && item.willRetry === true),
		).toBe(true);
		expect([...world.delivered.values()]).toEqual([1]);
	});
});

describe('Collect New Files regressions found by the soak after issue 13 landed', () => {
	test("Dropbox: the change feed was reset, then the watched folder's parent renamed: a file added at the new place is collected (seed 1741647626)", async () => {
		const world = await replay('dropbox', [
			run,
			{ type: 'resetCursor' },
			run,
			{ type: 'renameParent' },
			addPdf,
		]);
		expect([...world.delivered.values()]).toEqual([1]);
	});
});

describe('Collect New Files regressions found by the soak with longer histories', () => {
	test('local folder, after Confirm: a file emitted but not confirmed is moved out before its redelivery and back in: it is offered again at once (seed 1804995740)', async () => {
		const world = await replay(
			'localFolder',
			[
				addPdf,
				{ type: 'downstreamFailure' },
				{ type: 'moveOut', file: 0 },
				{ type: 'downstreamFailure' },
				{ type: 'moveIn', file: 0, dir: 0 },
			],
			'afterConfirm',
		);
		expect(world.runs[1].items).toMatchObject([{ status: 'vanished' }]);
		expect(world.confirmed.size).toBe(1);
	});
});

describe('Collect New Files regressions found by the soak of 7 December 2026 (seed 9601)', () => {
	test("Drive, after Confirm: a document confirmed by one of two overlapping runs is not offered again when the other run's state (its download of it failed) is saved last", async () => {
		const world = await replay(
			'googleDrive',
			[
				{ type: 'add', name: 0, dir: 0, kind: 'doc' },
				{ type: 'downstreamFailure' },
				{ type: 'cutDownload' },
				{ type: 'overlap' },
			],
			'afterConfirm',
		);
		expect(world.confirmed.size).toBe(1);
		expect(world.runs.at(-1)!.items).toEqual([]);
	});

	test('Drive, after Confirm: the same, then the state lost: the run after it finds the Confirm in the store and offers nothing', async () => {
		const world = await replay(
			'googleDrive',
			[
				{ type: 'add', name: 0, dir: 0, kind: 'doc' },
				{ type: 'downstreamFailure' },
				{ type: 'cutDownload' },
				{ type: 'overlap' },
				{ type: 'loseState' },
			],
			'afterConfirm',
		);
		expect(world.confirmed.size).toBe(1);
		expect(world.runs.at(-1)!.items).toEqual([]);
	});

	test('Drive, after Confirm: a document held after a lost state (another run emitted it and never confirmed) gets every download try once offered, not given up at its first failure', async () => {
		const world = await replay(
			'googleDrive',
			[
				{ type: 'add', name: 0, dir: 0, kind: 'doc' },
				{ type: 'downstreamFailure' },
				{ type: 'cutDownload' },
				{ type: 'add', name: 0, dir: 0, kind: 'blob' },
				{ type: 'loseState' },
				{ type: 'add', name: 0, dir: 1, kind: 'form' },
				{ type: 'moveOut', file: 10 },
			],
			'afterConfirm',
		);
		expect(world.confirmed.size).toBe(1);
		expect(world.runs.flatMap((r) => r.items).filter((i) => i.status === 'failed')).toMatchObject([
			{ reason: expect.stringContaining('try 1 of') },
		]);
	});

	test('Drive: a document whose download fails on every try is given up as the item says, reported failed, not waited for (seed 9901)', async () => {
		const world = await replay(
			'googleDrive',
			[
				{ type: 'add', name: 0, dir: 0, kind: 'sheet' },
				{ type: 'cutDownload' },
				{ type: 'cutDownload' },
				{ type: 'run', mode: 'production' },
				{ type: 'cutDownload' },
				{ type: 'cutDownload' },
			],
			'onEmit',
			{ includeSubfolders: false },
		);
		const failed = world.runs.flatMap((r) => r.items).filter((i) => i.status === 'failed');
		expect(failed.at(-1)).toMatchObject({
			reason: expect.stringContaining('Given up after 4 of 4 tries'),
		});
		expect(world.delivered.size).toBe(0);
	});

	test('Drive, Include Subfolders off: a shortcut in the watched folder to a file in a subfolder is collected, also when that file changes in the same batch', async () => {
		const world = await replay(
			'googleDrive',
			[
				{ type: 'add', name: 0, dir: 1, kind: 'blob' },
				{ type: 'overlap' },
				{ type: 'add', name: 1, dir: 0, kind: 'shortcutInside' },
				{ type: 'overwrite', file: 0 },
			],
			'onEmit',
			{ includeSubfolders: false },
		);
		expect([...world.delivered.values()]).toEqual([1]);
	});
});

describe('Collect New Files regressions with Include Subfolders off', () => {
	test('Dropbox: the watched folder, still empty, has its parent renamed: a file added at the new place is collected (seed 2092306688)', async () => {
		const world = await replay(
			'dropbox',
			[{ type: 'overlap' }, { type: 'renameParent' }, addPdf],
			'onEmit',
			{ includeSubfolders: false },
		);
		expect([...world.delivered.values()]).toEqual([1]);
	});

	test.each<SourceKind>(['dropbox', 'googleDrive', 'oneDrive', 'sharePoint'])(
		'%s: the empty watched folder renamed or moved between runs: files added at its new place are collected, each once',
		async (kind) => {
			for (const move of ['renameWatched', 'moveWatched'] as const) {
				const world = await replay(
					kind,
					[run, { type: move }, addPdf, run, { type: 'add', name: 2, dir: 0, kind: 'blob' }],
					'onEmit',
					{ includeSubfolders: false },
				);
				expect([...world.delivered.values()]).toEqual([1, 1]);
			}
		},
	);
});
