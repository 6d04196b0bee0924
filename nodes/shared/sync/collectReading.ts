import type { CloudErrorReason } from '../types/cloudError';
import type {
	ChangeBatch,
	ExportChoice,
	ExportFormat,
	ProviderFeatures,
	RemoteItem,
} from '../types/remote';

/**
 * How each file of a collect run is read, and what a failure to read one file means for it. Pure: the runner
 * (run/collectRead.ts) carries the steps out. Whatever the folder holds, one file never blocks the others:
 * every file ends as collected, skipped (it cannot be read, and saying so once is enough) or failed (worth
 * another try on later runs).
 */

export type ReadStep =
	| { type: 'download' }
	| { type: 'export'; format: ExportFormat }
	| { type: 'skip'; code: SkipCode; reason: string };

export type SkipCode =
	'notDownloadable' | 'folderShortcut' | 'shortcutTargetUnreadable' | 'tooLarge' | 'refused';

export const SKIP_REASONS: Record<Exclude<SkipCode, 'refused' | 'tooLarge'>, string> = {
	notDownloadable:
		'This kind of file (a Google Form, Site, Map or similar) ' +
		'has no content the service can hand out; it is listed, not collected.',
	folderShortcut:
		"A shortcut to a folder: the folder's files are not collected through it (watch that folder itself to collect them).",
	shortcutTargetUnreadable:
		'A shortcut whose target this credential cannot read (deleted, ' +
		'in the trash, or not shared with the connected account).',
};

function withExtension(name: string, extension: string): string {
	return name.toLowerCase().endsWith(extension) ? name : `${name}${extension}`;
}

/**
 * A native document as it will be delivered: the chosen format's name and type, so filters (extension, name
 * pattern) judge what the user receives. Drawings and other types without the chosen family fall back to PDF.
 */
export function asDelivered(
	item: RemoteItem,
	features: ProviderFeatures,
	choice: ExportChoice,
): RemoteItem {
	if (item.content !== 'export') return item;
	const format = exportFormatOf(item, features, choice);
	if (!format) return item;
	const name = withExtension(item.name, format.extension);
	const path =
		item.path === undefined
			? undefined
			: item.path.slice(0, item.path.length - item.name.length) + name;
	const delivered: RemoteItem = { ...item, name, mimeType: format.mimeType };
	if (path !== undefined) delivered.path = path;
	// The stored size of a Google document says nothing about the export's.
	delete delivered.size;
	return delivered;
}

function exportFormatOf(
	item: RemoteItem,
	features: ProviderFeatures,
	choice: ExportChoice,
): ExportFormat | undefined {
	const formats = item.nativeMimeType ? features.exportFormats?.[item.nativeMimeType] : undefined;
	return formats?.[choice] ?? formats?.pdf;
}

/** How to read one file of the batch (after asDelivered and shortcut resolution). */
export function readStep(
	item: RemoteItem,
	features: ProviderFeatures,
	choice: ExportChoice,
): ReadStep {
	// A shortcut still standing for itself here is one the runner could not (or need not) resolve.
	if (item.content === 'shortcut') {
		return item.shortcutTo?.isFolder
			? { type: 'skip', code: 'folderShortcut', reason: SKIP_REASONS.folderShortcut }
			: {
					type: 'skip',
					code: 'shortcutTargetUnreadable',
					reason: SKIP_REASONS.shortcutTargetUnreadable,
				};
	}
	if (item.content === 'none')
		return { type: 'skip', code: 'notDownloadable', reason: SKIP_REASONS.notDownloadable };
	if (item.content === 'export') {
		const format = exportFormatOf(item, features, choice);
		if (!format)
			return { type: 'skip', code: 'notDownloadable', reason: SKIP_REASONS.notDownloadable };
		return { type: 'export', format };
	}
	return { type: 'download' };
}

/**
 * What a failure to read one file means. `stopRun`: the credential or the account is the problem (every other
 * file would fail alike; nothing is recorded, the next run starts from the same place). `vanished`: it went
 * away between listing and reading. `skip`: the service refuses this file for good (too large to export,
 * download forbidden). `retry`: anything else, tried again on later runs.
 */
export type FailureHandling = 'stopRun' | 'vanished' | 'skip' | 'retry';

export function failureHandling(
	reason: CloudErrorReason | undefined,
	providerCode?: string,
): FailureHandling {
	if (reason === 'auth' || reason === 'scope' || reason === 'dailyLimit' || reason === 'quota')
		return 'stopRun';
	if (reason === 'notFound') return 'vanished';
	if (reason === 'permission' || reason === 'invalidRequest') return 'skip';
	void providerCode;
	return 'retry';
}

/** The skip code of a refusal: Drive's export limit has its own, so the output can say what to do. */
export function refusalCode(providerCode: string | undefined): SkipCode {
	return providerCode === 'exportSizeLimitExceeded' ? 'tooLarge' : 'refused';
}

/**
 * Items as the planner sees them: native documents under their delivered name, shortcuts replaced by their
 * resolved targets (same id as the target, so a document is collected once however many shortcuts point at it
 * and whether or not it also lies in the folder itself), each remembering the shortcut it came through.
 */
export function presentBatch(
	batch: ChangeBatch,
	targets: Map<string, RemoteItem>,
	features: ProviderFeatures,
	choice: ExportChoice,
): ChangeBatch {
	const changes = batch.changes.map((change) => {
		if (change.type !== 'upsert') return change;
		let item = change.item;
		const target =
			item.content === 'shortcut' && item.shortcutTo ? targets.get(item.shortcutTo.id) : undefined;
		if (target) {
			const dir =
				item.path === undefined
					? undefined
					: item.path.slice(0, item.path.length - item.name.length);
			item = {
				...target,
				path: dir === undefined ? target.name : dir + target.name,
				parentId: item.parentId,
				via: { id: item.id, name: item.name },
			};
		}
		return { ...change, item: asDelivered(item, features, choice) };
	});
	return { ...batch, changes };
}
