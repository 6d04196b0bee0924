/**
 * Randomized model-based test of Export to Folder (issue 12): random histories of records added, changed, renamed
 * and sharing names (case and NFD variants), production and manual runs over all or some records, overlapping runs,
 * runs stopped half-way (storage full), lost state, cloud faults (429, token expiry through n8n's refresh, cut
 * uploads, 5xx on a listing, an upload or a folder create), and the user deleting or trashing files, restoring them
 * (Drive untrash, OneDrive recycle bin, Dropbox files/restore, a local file moved back),
 * deleting folders and restoring them (the export resumes into the restored folder), renaming and moving files, and putting own files with colliding names in the drive. After every production run the user's promise holds (see
 * ExportHistory.check): each record's latest content exists exactly once, output path and fileId are where the file
 * is, the user's files are untouched, and a quiet run writes nothing. `npm test`: a fixed seed per destination;
 * `npm run soak`: a long random budget. A failure prints the seed and the shrunk command list.
 */
import fc from 'fast-check';
import type { StorageKind } from '../../nodes/shared/storage/types';
import { checkModel, modelBudget } from './support/budget';
import { commandArb, replay, type Layout } from './exportModel';

/** A soak's budget runs far longer than npm test's fixed one. */
const SOAK = process.env.MODEL_SOAK === '1';
const RUNS: Record<StorageKind, number> = {
	localFolder: 80,
	oneDrive: 50,
	sharePoint: 30,
	dropbox: 50,
	googleDrive: 50,
};

describe('Export to Folder: no document overwritten, lost or duplicated (model)', () => {
	for (const kind of ['localFolder', 'oneDrive', 'sharePoint', 'dropbox', 'googleDrive'] as const) {
		for (const layout of ['flat', 'folders'] as Layout[]) {
			const name = `export model ${kind} ${layout}`;
			test(
				`${kind}, ${layout} layout: random histories keep every record exactly once and the user's files untouched`,
				async () => {
					const budget = modelBudget(
						name,
						layout === 'flat' ? RUNS[kind] : Math.ceil(RUNS[kind] / 2),
					);
					await checkModel(
						name,
						budget,
						fc.asyncProperty(
							fc.array(commandArb, { minLength: 1, maxLength: budget.maxCommands, size: 'max' }),
							async (commands) => {
								await replay(kind, layout, commands);
							},
						),
					);
				},
				SOAK ? 3_600_000 : 600_000,
			);
		}
	}
});
