/**
 * Collect New Files against random histories: the user adds, overwrites, renames, moves (in, out, between
 * subfolders), deletes and re-adds files, renames subfolders, renames or moves the watched folder and its parent,
 * drops Google Docs, Sheets, forms and shortcuts into a Drive folder; runs (production and manual) and faults
 * (429s, cursor resets) fall in between. After every run the user's promise is checked (see collectWorld.ts).
 * Seeded in `npm test`, long and random in `npm run soak`; a failure prints the seed and the shrunk history.
 */
import fc from 'fast-check';
import { tmpdir } from 'os';
import { checkModel, modelBudget } from './support/budget';
import { replay, type Action, type Commit, type FileKind, type SourceKind } from './collectWorld';

// n8n reads its file-access rule once per process: set it before the first run builds its config.
process.env.N8N_RESTRICT_FILE_ACCESS_TO = tmpdir();

const index = fc.nat({ max: 11 });
const kinds: FileKind[] = [
	'blob',
	'blob',
	'blob',
	'doc',
	'sheet',
	'shortcut',
	'shortcutDoc',
	'shortcutInside',
	'form',
	'folderShortcut',
];

export const actionArbitrary: fc.Arbitrary<Action> = fc.oneof(
	{
		weight: 6,
		arbitrary: fc.record({
			type: fc.constant('add' as const),
			name: index,
			dir: index,
			kind: fc.constantFrom(...kinds),
		}),
	},
	{ weight: 2, arbitrary: fc.record({ type: fc.constant('overwrite' as const), file: index }) },
	{
		weight: 2,
		arbitrary: fc.record({ type: fc.constant('rename' as const), file: index, name: index }),
	},
	{
		weight: 2,
		arbitrary: fc.record({ type: fc.constant('move' as const), file: index, dir: index }),
	},
	{ weight: 1, arbitrary: fc.record({ type: fc.constant('moveOut' as const), file: index }) },
	{ weight: 1, arbitrary: fc.record({ type: fc.constant('addOutside' as const), name: index }) },
	{
		weight: 2,
		arbitrary: fc.record({ type: fc.constant('moveIn' as const), file: index, dir: index }),
	},
	{ weight: 2, arbitrary: fc.record({ type: fc.constant('delete' as const), file: index }) },
	{ weight: 1, arbitrary: fc.constant({ type: 'renameSubfolder' as const }) },
	{ weight: 1, arbitrary: fc.constant({ type: 'renameWatched' as const }) },
	{ weight: 1, arbitrary: fc.constant({ type: 'moveWatched' as const }) },
	{ weight: 1, arbitrary: fc.constant({ type: 'renameParent' as const }) },
	{
		weight: 5,
		arbitrary: fc.record({
			type: fc.constant('run' as const),
			mode: fc.constantFrom(
				'production' as const,
				'production' as const,
				'production' as const,
				'manual' as const,
				'manualNoState' as const,
			),
		}),
	},
	{
		weight: 1,
		arbitrary: fc.record({
			type: fc.constant('rateLimit' as const),
			count: fc.integer({ min: 1, max: 3 }),
		}),
	},
	{ weight: 1, arbitrary: fc.constant({ type: 'resetCursor' as const }) },
	{ weight: 1, arbitrary: fc.constant({ type: 'serverError' as const }) },
	{ weight: 1, arbitrary: fc.constant({ type: 'cutDownload' as const }) },
	{ weight: 2, arbitrary: fc.constant({ type: 'downstreamFailure' as const }) },
	{ weight: 1, arbitrary: fc.constant({ type: 'overlap' as const }) },
	{ weight: 1, arbitrary: fc.constant({ type: 'loseState' as const }) },
);

const SOURCES: Array<[SourceKind, Commit, number]> = [
	['localFolder', 'onEmit', 50],
	['googleDrive', 'onEmit', 50],
	['oneDrive', 'onEmit', 30],
	['sharePoint', 'onEmit', 20],
	['dropbox', 'onEmit', 30],
	['localFolder', 'afterConfirm', 25],
	['googleDrive', 'afterConfirm', 25],
	['oneDrive', 'afterConfirm', 15],
	['sharePoint', 'afterConfirm', 10],
	['dropbox', 'afterConfirm', 15],
];

describe.each(SOURCES)('Collect New Files model on %s, commit %s', (kind, commit, runs) => {
	test('every document once (after Confirm: at least once, never after its Confirm); nothing that never appeared; no run fails; a quiet run is one request', async () => {
		const name = `collectNewFiles.${kind}.${commit}`;
		const budget = modelBudget(name, runs);
		await checkModel(
			name,
			budget,
			fc.asyncProperty(
				fc.array(actionArbitrary, { maxLength: budget.maxCommands, size: 'max' }),
				async (actions) => {
					await replay(kind, actions, commit);
				},
			),
		);
	}, 600_000);
});

/** Include Subfolders off: the documents are the files directly in the watched folder (a subfolder is elsewhere). */
const OWN_FILES_ONLY: Array<[SourceKind, number]> = [
	['localFolder', 10],
	['googleDrive', 10],
	['oneDrive', 10],
	['sharePoint', 10],
	['dropbox', 15],
];

describe.each(OWN_FILES_ONLY)(
	'Collect New Files model on %s, subfolders off, commit onEmit',
	(kind, runs) => {
		test('every file directly in the watched folder once, wherever the folder goes; no run fails; a quiet run is one request', async () => {
			const name = `collectNewFiles.${kind}.onEmit.ownFilesOnly`;
			const budget = modelBudget(name, runs);
			await checkModel(
				name,
				budget,
				fc.asyncProperty(
					fc.array(actionArbitrary, { maxLength: budget.maxCommands, size: 'max' }),
					async (actions) => {
						await replay(kind, actions, 'onEmit', { includeSubfolders: false });
					},
				),
			);
		}, 600_000);
	},
);
