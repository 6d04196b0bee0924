import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import { fingerprint } from '../shared/state/fingerprint';
import { libraryChoiceOf, libraryKey } from '../ui/sharePoint';
import { sanitizeName } from '../shared/sync/names';
import type { ExportChoice, FolderRef, StorageKind } from '../shared/storage/types';
import {
	compileNamePattern,
	InvalidPatternError,
	parseExtensions,
	type CollectFilters,
} from '../shared/sync/collectFilters';
import {
	DEFAULT_HISTORY_SIZE,
	DEFAULT_RETRY_FAILED,
	type CommitPolicy,
	type FirstRunMode,
	type LedgerOptions,
} from '../shared/sync/collectLedger';
import { nameRulesOf } from '../shared/storage/registry';

export type AfterCollecting = 'leave' | 'move' | 'delete';

/** Everything the Collect operation reads from its parameters, validated once. */
export interface CollectParameters {
	source: StorageKind;
	folderRef: FolderRef;
	/** Changes when the user points the node elsewhere: the cached folder id and cursor are then dropped. */
	folderKey: string;
	downloadContent: boolean;
	binaryPropertyName: string;
	afterCollecting: AfterCollecting;
	moveToSubfolder: string;
	overlapGuard: boolean;
	/** The format family Google Docs, Sheets, Slides and Drawings are exported to. */
	exportFormat: ExportChoice;
	ledger: LedgerOptions;
}

function dateOrThrow(ctx: IExecuteFunctions, value: unknown, field: string): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const parsed = Date.parse(String(value));
	if (Number.isNaN(parsed)) {
		throw new NodeOperationError(ctx.getNode(), `Invalid date in "${field}": ${String(value)}`, {
			description: 'Use an ISO date such as 2026-01-31 or 2026-01-31T08:00:00Z.',
		});
	}
	return new Date(parsed).toISOString();
}

function readFilters(ctx: IExecuteFunctions): CollectFilters {
	const raw = ctx.getNodeParameter('filters', 0, {}) as IDataObject;
	let namePattern: RegExp | undefined;
	try {
		namePattern = compileNamePattern(String(raw.namePattern ?? ''));
	} catch (error) {
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- unexpected: execute() converts it
		if (!(error instanceof InvalidPatternError)) throw error;
		throw new NodeOperationError(
			ctx.getNode(),
			`Filters > Name Pattern is invalid: ${error.message}`,
			{
				description:
					'Use wildcards (* ? [abc]) or a regular expression between slashes such as /^inv-\\d+\\.pdf$/i.',
			},
		);
	}
	const minSize = Number(raw.minSize ?? 0);
	const maxSize = Number(raw.maxSize ?? 0);
	return {
		extensions: parseExtensions(String(raw.extensions ?? '')),
		namePattern,
		minSize: minSize > 0 ? minSize : undefined,
		maxSize: maxSize > 0 ? maxSize : undefined,
		modifiedAfter: dateOrThrow(ctx, raw.modifiedAfter, 'Filters > Modified After'),
	};
}

function readFolderRef(ctx: IExecuteFunctions): FolderRef {
	const value = ctx.getNodeParameter('folder', 0, undefined, { extractValue: false }) as
		{ mode?: string; value?: unknown } | string | undefined;
	const ref = typeof value === 'object' && value ? value : { mode: 'id', value };
	const text = String(ref.value ?? '').trim();
	if (!text)
		throw new NodeOperationError(ctx.getNode(), 'No folder chosen in "Folder"', {
			description: 'Pick the folder to collect from.',
		});
	const mode = (
		['id', 'path', 'url', 'list'].includes(String(ref.mode)) ? ref.mode : 'id'
	) as FolderRef['mode'];
	return { mode, value: text };
}

export function readCollectParameters(ctx: IExecuteFunctions): CollectParameters {
	const source = ctx.getNodeParameter('source', 0) as StorageKind;
	const folderRef = readFolderRef(ctx);
	const includeSubfolders = ctx.getNodeParameter('includeSubfolders', 0, true) as boolean;
	const firstRunMode = ctx.getNodeParameter('firstRun', 0, 'everything') as FirstRunMode;
	const since =
		firstRunMode === 'since'
			? dateOrThrow(ctx, ctx.getNodeParameter('firstRunSince', 0, ''), 'Since')
			: undefined;
	if (firstRunMode === 'since' && !since) {
		throw new NodeOperationError(
			ctx.getNode(),
			'First Run is "Since a Date" but "Since" is empty',
			{ description: 'Set the date.' },
		);
	}
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const downloadContent = ctx.getNodeParameter('downloadContent', 0, true) as boolean;
	return {
		source,
		folderRef,
		folderKey: fingerprint(
			JSON.stringify([
				source,
				folderRef.mode,
				folderRef.value,
				includeSubfolders,
				// Another SharePoint library is another folder (nothing added for the other storages: keys stay).
				...libraryKey(libraryChoiceOf(ctx, source)),
			]),
		),
		downloadContent,
		binaryPropertyName: downloadContent
			? (ctx.getNodeParameter('binaryPropertyName', 0, 'data') as string) || 'data'
			: 'data',
		afterCollecting: ctx.getNodeParameter('afterCollecting', 0, 'leave') as AfterCollecting,
		// One folder directly below the watched one, named the way the source accepts ("../x" cannot climb out).
		moveToSubfolder: sanitizeName(
			(ctx.getNodeParameter('moveToSubfolder', 0, 'Collected') as string) || 'Collected',
			nameRulesOf(source),
		),
		overlapGuard: options.overlapGuard !== false,
		exportFormat: (['pdf', 'office', 'openDocument'].includes(String(options.exportFormat))
			? options.exportFormat
			: 'pdf') as ExportChoice,
		ledger: {
			includeSubfolders,
			filters: readFilters(ctx),
			firstRun: { mode: firstRunMode, since },
			maxFiles: Math.max(0, Math.floor(Number(ctx.getNodeParameter('maxFilesPerRun', 0, 0)))),
			collectOnChange: ctx.getNodeParameter('collectOnChange', 0, false) as boolean,
			skipIdentical: ctx.getNodeParameter('skipIdentical', 0, true) as boolean,
			commit: ctx.getNodeParameter('commitPolicy', 0, 'onEmit') as CommitPolicy,
			historySize:
				typeof options.historySize === 'number' ? options.historySize : DEFAULT_HISTORY_SIZE,
			retryFailed:
				typeof options.retryFailed === 'number'
					? Math.max(0, Math.floor(options.retryFailed))
					: DEFAULT_RETRY_FAILED,
		},
	};
}
