import { libraryChoiceOf, libraryKey } from '../ui/sharePoint';
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeParameterResourceLocator,
} from 'n8n-workflow';
import { DateTime } from 'luxon';
import { readDocumentDate, readDocumentPeriod } from '../parameters/documentDate';
import { itemParameters } from '../parameters/plainFieldRead';
import { nameRulesOf, storageFeatures } from '../shared/storage/registry';
import type { StorageKind } from '../shared/storage/types';
import type { ExportPolicy } from '../shared/sync/exportPlan';
import {
	folderPathFor,
	layoutNeedsDate,
	layoutSegments,
	parseDocumentDate,
	splitTemplate,
	type FolderLayout,
	type LayoutValues,
} from '../shared/sync/folderLayout';

/** Stop when more than half of the tracked files look deleted, from this many on (fewer is an ordinary cleanup). */
export const MASS_DELETE_MINIMUM = 3;

export type RootParameter =
	| { mode: 'name'; name: string }
	| { mode: 'folder'; ref: { mode: 'id' | 'path' | 'url' | 'list'; value: string } };

export interface RunParameters {
	destination: StorageKind;
	localPath?: string;
	/** What names the SharePoint library in state keys (empty for the other storages, so their keys stay). */
	libraryKey: string[];
	/** The root of the first item; with `rootPerItem`, each item's own is read by readRoot(). */
	root: RootParameter;
	/** The root folder parameter is an expression: each item may export into its own root (seeds/000). */
	rootPerItem: boolean;
	layout: FolderLayout;
	policy: Omit<ExportPolicy, 'caseInsensitive' | 'duplicateNames'>;
	dryRun: boolean;
	/** IANA zone for document dates (year and period folders, the backfill date): the option, or the workflow's. */
	timeZone: string;
}

export function readRunParameters(ctx: IExecuteFunctions): RunParameters {
	const destination = ctx.getNodeParameter('destination', 0) as StorageKind;
	const rootPerItem = rootIsExpression(ctx);
	const root = rootPerItem ? firstRoot(ctx) : readRoot(ctx, 0);
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const timeZone = readTimeZone(ctx, options);
	const sinceText = String(ctx.getNodeParameter('exportSince', 0, '') ?? '').trim();
	const since = sinceText ? parseSince(ctx, sinceText, timeZone) : undefined;
	return {
		destination,
		libraryKey: libraryKey(libraryChoiceOf(ctx, destination)),
		localPath: storageFeatures(destination).rootIsHostPath
			? String(ctx.getNodeParameter('localPath', 0, '')).trim()
			: undefined,
		root,
		rootPerItem,
		layout: ctx.getNodeParameter('folderStructure', 0, 'flat') as FolderLayout,
		policy: {
			onContentChanged: ctx.getNodeParameter(
				'onContentChanged',
				0,
				'replace',
			) as ExportPolicy['onContentChanged'],
			onFileDeleted: ctx.getNodeParameter(
				'onFileDeleted',
				0,
				'reupload',
			) as ExportPolicy['onFileDeleted'],
			onFolderDeleted: ctx.getNodeParameter(
				'onFolderDeleted',
				0,
				'stop',
			) as ExportPolicy['onFolderDeleted'],
			since: since ? comparableDate(since) : undefined,
			massDeleteMinimum: MASS_DELETE_MINIMUM,
			acceptMassDeletion: options.acceptMassDeletion === true,
		},
		dryRun: options.dryRun === true,
		timeZone,
	};
}

/** The Time Zone option, checked: an unknown zone stops the run naming the option and the value. */
function readTimeZone(ctx: IExecuteFunctions, options: IDataObject): string {
	const value = String(options.timeZone ?? '').trim();
	if (!value) return ctx.getTimezone();
	if (!DateTime.now().setZone(value).isValid) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Options > "Time Zone" is not a time zone: "${value.slice(0, 40)}"`,
			{
				description:
					"Use an IANA zone name such as Europe/Paris or America/New_York, or leave it empty for the workflow's time zone.",
			},
		);
	}
	return value;
}

/** Whether the root folder parameter is an n8n expression (so it may differ per item). */
function rootIsExpression(ctx: IExecuteFunctions): boolean {
	const rootMode = ctx.getNodeParameter('rootMode', 0, 'name') as 'name' | 'folder';
	const raw = ctx.getNodeParameter(rootMode === 'name' ? 'rootName' : 'rootFolder', 0, '', {
		rawExpressions: true,
	}) as unknown;
	const text = typeof raw === 'object' && raw !== null ? (raw as { value?: unknown }).value : raw;
	return typeof text === 'string' && text.startsWith('=');
}

/** With a root per item: the first item's root that can be read (an empty one fails only its own item). */
function firstRoot(ctx: IExecuteFunctions): RootParameter {
	const count = ctx.getInputData().length;
	for (let index = 1; index < count; index++) {
		try {
			return readRoot(ctx, index - 1);
		} catch {
			// That item fails on its own (prepare reads its root again); the next one may name a root.
		}
	}
	return readRoot(ctx, Math.max(0, count - 1));
}

/** One item's root folder; an empty one stops (first item) or fails that item, naming the parameter. */
export function readRoot(ctx: IExecuteFunctions, itemIndex: number): RootParameter {
	const rootMode = ctx.getNodeParameter('rootMode', itemIndex, 'name') as 'name' | 'folder';
	const item = itemIndex > 0 ? `Item ${itemIndex}: ` : '';
	if (rootMode === 'name') {
		const name = String(itemParameters(ctx).get('rootName', itemIndex, '')).trim();
		if (!name)
			throw new NodeOperationError(ctx.getNode(), `${item}Root Folder Name is empty`, {
				itemIndex,
				description: 'Name the folder that holds the export, e.g. "Receipts".',
			});
		return { mode: 'name', name };
	}
	const locator = ctx.getNodeParameter('rootFolder', itemIndex) as INodeParameterResourceLocator;
	const value = String(locator?.value ?? '').trim();
	if (!value)
		throw new NodeOperationError(ctx.getNode(), `${item}No root folder chosen`, {
			itemIndex,
			description: 'Pick the folder from the list, or give its URL, ID or path.',
		});
	return {
		mode: 'folder',
		ref: { mode: (locator.mode as 'id' | 'path' | 'url' | 'list') ?? 'id', value },
	};
}

/** The backfill date; a value that is not a date stops the run naming the parameter. */
function parseSince(ctx: IExecuteFunctions, value: string, zone: string): DateTime | undefined {
	try {
		return parseDocumentDate(value, zone);
	} catch {
		throw new NodeOperationError(
			ctx.getNode(),
			`"Export Only Documents Dated On or After" is not a date: "${value.slice(0, 40)}"`,
			{
				description: 'Use an ISO date such as 2026-01-31, or leave it empty to export every date.',
			},
		);
	}
}

/** Dates compare as UTC ISO text. */
export function comparableDate(date: DateTime): string {
	return date.toUTC().toISO()!;
}

function text(value: unknown): string {
	if (value === undefined || value === null) return '';
	if (typeof value === 'object') return JSON.stringify(value);
	return String(value);
}

export interface ItemValues {
	recordKey: string;
	fileName: string;
	binaryProperty: string;
	date?: DateTime;
	layout: LayoutValues;
}

/**
 * What the document date is read for: nothing, the date layouts' folders (its year and month), or the backfill
 * date (the instant). A custom template reads $json itself.
 */
export type DateUse = 'none' | 'folders' | 'instant';

export function documentDateUse(params: RunParameters): DateUse {
	if (params.policy.since !== undefined) return 'instant';
	return layoutNeedsDate(params.layout) ? 'folders' : 'none';
}

/**
 * The per-item parameters (expressions evaluated for this item). A plain `{{ $json.field }}` is read from the item
 * directly and anything else is evaluated by n8n (itemParameters): n8n's evaluation was 85% of an idle export.
 */
export function readItemValues(
	ctx: IExecuteFunctions,
	itemIndex: number,
	layout: FolderLayout,
	dateUse: DateUse,
	zone: string,
): ItemValues {
	const parameters = itemParameters(ctx);
	const recordKey = text(parameters.get('recordKey', itemIndex, '')).trim();
	// The date is only read when a layout or the backfill uses it; folders need only its year and month, read
	// without a DateTime where that gives the same text (anything else, and every error, through luxon).
	let date: DateTime | undefined;
	let period: LayoutValues['period'];
	if (dateUse !== 'none') {
		const raw = parameters.get('dateField', itemIndex, '');
		if (dateUse === 'folders') period = readDocumentPeriod(raw, zone);
		if (!period) date = readDocumentDate(raw, zone);
	}
	const values: LayoutValues = { recordKey, date, period };
	if (layout === 'perRecord')
		values.recordFolder = text(parameters.get('recordFolderName', itemIndex, ''));
	if (layout === 'companyYear') values.company = text(parameters.get('companyName', itemIndex, ''));
	if (layout === 'accountPeriod')
		values.account = text(parameters.get('accountName', itemIndex, ''));
	if (layout === 'custom') {
		// The raw template, so each "/" segment is evaluated alone and a value cannot add a level.
		const template = String(
			ctx.getNodeParameter('folderTemplate', itemIndex, '', { rawExpressions: true }),
		);
		values.customSegments = splitTemplate(template).map((segment) =>
			segment.startsWith('=') ? text(parameters.evaluate(segment.slice(1), itemIndex)) : segment,
		);
	}
	return {
		recordKey,
		fileName: text(parameters.get('fileName', itemIndex, '')).trim(),
		binaryProperty: String(parameters.get('binaryPropertyName', itemIndex, 'data')).trim(),
		date,
		layout: values,
	};
}

/** Folders already made for this run, by the layout's raw segments, one map level per segment. */
interface FolderMemo {
	folder?: string;
	next?: Map<string, FolderMemo>;
}

const folderMemos = new WeakMap<IExecuteFunctions, Map<FolderLayout, FolderMemo>>();

/**
 * The item's folder below the root: folderPathFor, remembered for the run by the layout's raw segments (records
 * share a few folders; making each name safe for the provider was 7% of an idle export at 100,000 records). The
 * memo is a tree of maps by segment, so looking a folder up builds no key text per item.
 * An unusable folder is not remembered: each of its items fails on its own, as before.
 */
export function itemFolder(
	ctx: IExecuteFunctions,
	layout: FolderLayout,
	values: LayoutValues,
	kind: StorageKind,
): string {
	let byLayout = folderMemos.get(ctx);
	if (!byLayout) folderMemos.set(ctx, (byLayout = new Map()));
	let node = byLayout.get(layout);
	if (!node) byLayout.set(layout, (node = {}));
	for (const segment of layoutSegments(layout, values)) {
		node.next ??= new Map();
		let child = node.next.get(segment);
		if (!child) node.next.set(segment, (child = {}));
		node = child;
	}
	if (node.folder === undefined) node.folder = folderPathFor(layout, values, nameRulesOf(kind));
	return node.folder;
}
