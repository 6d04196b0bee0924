/**
 * Randomized model-based test of Export to Folder (issue 12): random histories of records added, changed and
 * sharing names, production and manual runs over all or some records, lost state, and the user deleting files and
 * putting own files with colliding names in the drive. After every production run the user's promise holds (see
 * ExportHistory.check): each record's latest content exists exactly once, output path and fileId are where the file
 * is, the user's files are untouched, and a quiet run writes nothing. `npm test`: a fixed seed per destination;
 * `npm run soak`: a long random budget. A failure prints the seed and the shrunk command list.
 */
import fc from 'fast-check';
import type { StorageKind } from '../../nodes/shared/storage/types';
import { checkModel, modelBudget } from './support/budget';
import { commandArb, replay, type Layout } from './exportModel';

const RUNS: Record<StorageKind, number> = { localFolder: 40, oneDrive: 25, dropbox: 25, googleDrive: 25 };

describe('Export to Folder: no document overwritten, lost or duplicated (model)', () => {
	for (const kind of ['localFolder', 'oneDrive', 'dropbox', 'googleDrive'] as const) {
		for (const layout of ['flat', 'folders'] as Layout[]) {
			const name = `export model ${kind} ${layout}`;
			test(`${kind}, ${layout} layout: random histories keep every record exactly once and the user's files untouched`, async () => {
				const budget = modelBudget(name, layout === 'flat' ? RUNS[kind] : Math.ceil(RUNS[kind] / 2));
				await checkModel(
					name,
					budget,
					fc.asyncProperty(fc.array(commandArb, { minLength: 1, maxLength: budget.maxCommands }), async (commands) => {
						await replay(kind, layout, commands);
					}),
				);
			}, 600_000);
		}
	}
});
