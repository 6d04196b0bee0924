/**
 * Export to Folder's model (exportModel.ts: random histories of records, runs, faults and the user's own changes)
 * on a SharePoint library set to "Require Check Out" (issue 16): besides ExportHistory's promise after every
 * production run (each record's latest content exactly once, the user's files untouched, a quiet run writes
 * nothing), nothing the export wrote is left checked out at the end, so everyone in the site sees it.
 * `npm test`: a fixed seed; `npm run soak`: a long random budget. A failure prints the seed and the shrunk history.
 */
import fc from 'fast-check';
import { checkModel, modelBudget } from './support/budget';
import { commandArb, replay, type Command, type Layout } from './exportModel';

const SOAK = process.env.MODEL_SOAK === '1';

describe('Export to Folder into a SharePoint library that requires check-out (model)', () => {
	for (const layout of ['flat', 'folders'] as Layout[]) {
		const name = `export model sharePoint check-out ${layout}`;
		test(
			`${layout} layout: random histories keep every record exactly once, and nothing stays checked out`,
			async () => {
				const budget = modelBudget(name, layout === 'flat' ? 15 : 8);
				await checkModel(
					name,
					budget,
					fc.asyncProperty(
						fc.array(commandArb, { minLength: 1, maxLength: budget.maxCommands, size: 'max' }),
						async (commands) => {
							await replay('sharePoint', layout, commands, { requireCheckOut: true });
						},
					),
				);
			},
			SOAK ? 3_600_000 : 600_000,
		);
	}
});

/** Shrunk counterexamples of the model above, each a story of its own. */
describe('Export into a check-out library: regressions', () => {
	test('two overlapping runs update the same receipt: the later check-in finds it checked in by the other run, and both runs succeed (soak seed 406542064, flat)', async () => {
		const history: Command[] = [
			{ t: 'put', key: 1, name: 0, folder: 0 },
			{ t: 'run', manual: false, subset: null },
			{ t: 'put', key: 1, name: 0, folder: 0 },
			{ t: 'overlap' },
			{ t: 'userRename', key: 0, name: 0 },
		];
		await replay('sharePoint', 'flat', history, { requireCheckOut: true });
	});

	test('two overlapping runs export a new receipt after a failed listing: each checks it in or finds it checked in (soak seed 1653066938, folders)', async () => {
		const history: Command[] = [
			{ t: 'put', key: 1, name: 0, folder: 0 },
			{ t: 'serverError', on: 'list', skip: 0, times: 1 },
			{ t: 'put', key: 1, name: 0, folder: 0 },
			{ t: 'overlap' },
			{ t: 'edit', key: 0 },
		];
		await replay('sharePoint', 'folders', history, { requireCheckOut: true });
	});
});
