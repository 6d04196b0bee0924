import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import type { LibraryChoice } from './sharePoint';

/**
 * The drive id of a library chosen by name, remembered in the workflow's static data so that an idle run asks
 * Graph nothing but the library's change feed (1 request, like a library picked from the list or given by id)
 * instead of looking the site up and listing its libraries first (3 requests). One entry per node, keyed by the
 * site and the name as the node gives them: another site or name is looked up again. The entry is only a
 * shortcut: a drive that answers 404 is looked up by name again (OneDriveStorage's `relocate`).
 */
export type StaticDataContext = Pick<IExecuteFunctions, 'getWorkflowStaticData' | 'getNode'>;

interface Remembered {
	/** "<site mode>:<site value>|<library name, lower case>". */
	key: string;
	driveId: string;
}

/** Beside the node's own state (`cloudSync:<node id>`), under a prefix the state locators do not read. */
function cacheKey(ctx: StaticDataContext): string {
	return `cloudSyncLibrary:${ctx.getNode().id}`;
}

function choiceKey(choice: LibraryChoice): string {
	return `${choice.site.mode}:${choice.site.value.trim()}|${choice.library.value.trim().toLowerCase()}`;
}

/** Runs only: the editor's list calls have a copy of the static data that n8n never saves. */
export function isRun(ctx: object): ctx is StaticDataContext {
	return 'getInputData' in ctx && 'getWorkflowStaticData' in ctx;
}

/** The drive id remembered for this choice, if any. */
export function rememberedDrive(ctx: StaticDataContext, choice: LibraryChoice): string | undefined {
	const stored = ctx.getWorkflowStaticData('global')[cacheKey(ctx)] as
		Partial<Remembered> | undefined;
	return stored &&
		stored.key === choiceKey(choice) &&
		typeof stored.driveId === 'string' &&
		stored.driveId
		? stored.driveId
		: undefined;
}

/** Remember `driveId` for this choice (n8n saves static data after the run; manual runs excepted). */
export function rememberDrive(
	ctx: StaticDataContext,
	choice: LibraryChoice,
	driveId: string,
): void {
	if (rememberedDrive(ctx, choice) === driveId) return;
	const entry: Remembered = { key: choiceKey(choice), driveId };
	ctx.getWorkflowStaticData('global')[cacheKey(ctx)] = entry as unknown as IDataObject;
}
