import type { INodeProperties } from 'n8n-workflow';
import { sharePointProperties } from '../ui/sharePoint';
import { folderLocatorProperties, STORAGE_KIND_OPTIONS } from '../ui/storageChoice';

const collectOnly = { show: { operation: ['collect'] } };
const ledgerOperations = { show: { operation: ['confirm', 'getHistory', 'forget'] } };

export const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Collect',
			value: 'collect',
			action: 'Collect new files',
			description:
				'Output each document of the folder once, even if it stays there, moves or is renamed',
		},
		{
			name: 'Confirm Collected',
			value: 'confirm',
			action: 'Confirm collected files',
			description:
				'Put at the end of the workflow: marks the files collected in this run as ' +
				'done (with "Mark Files as Collected: At the End of the Workflow")',
		},
		{
			name: 'Forget',
			value: 'forget',
			action: 'Forget collected files',
			description: 'Let files be collected again: by ID, by path, or all of them',
		},
		{
			name: 'Get History',
			value: 'getHistory',
			action: 'Get collection history',
			description: 'List what was collected, when and from where, newest first',
		},
	],
	default: 'collect',
};

const sourceProperties: INodeProperties[] = [
	{
		displayName: 'Source',
		name: 'source',
		type: 'options',
		noDataExpression: true,
		options: STORAGE_KIND_OPTIONS,
		default: 'dropbox',
		displayOptions: collectOnly,
	},
	...sharePointProperties({ operation: ['collect'] }, 'source'),
	...folderLocatorProperties(
		{
			displayName: 'Folder',
			name: 'folder',
			required: true,
			description: 'The folder where new documents arrive',
		},
		{ operation: ['collect'] },
		'source',
		'/Clients/Inbox',
	),
	{
		displayName: 'Include Subfolders',
		name: 'includeSubfolders',
		type: 'boolean',
		default: true,
		description:
			'Whether files in subfolders (including subfolders created later) are collected too',
		displayOptions: collectOnly,
	},
];

const filterProperties: INodeProperties[] = [
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: collectOnly,
		options: [
			{
				displayName: 'Extensions',
				name: 'extensions',
				type: 'string',
				default: '',
				placeholder: 'pdf, jpg, png',
				description: 'Comma-separated file extensions to collect; empty collects every type',
			},
			{
				displayName: 'Max Size (Bytes)',
				name: 'maxSize',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description: 'Files larger than this are skipped; 0 means no limit',
			},
			{
				displayName: 'Min Size (Bytes)',
				name: 'minSize',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
			},
			{
				displayName: 'Modified After',
				name: 'modifiedAfter',
				type: 'dateTime',
				default: '',
				description:
					'Skip files last modified before this date. Collection itself never relies on ' +
					'dates: a file moved in with an old date is still new.',
			},
			{
				displayName: 'Name Pattern',
				name: 'namePattern',
				type: 'string',
				default: '',
				placeholder: 'invoice-*.pdf',
				description:
					'A wildcard pattern (* any text, ? one character, [abc] one of), case-insensitive; ' +
					'or a regular expression between slashes, e.g. /^inv-\\d+\\.pdf$/i',
			},
		],
	},
];

const contentProperties: INodeProperties[] = [
	{
		displayName: 'Download Content',
		name: 'downloadContent',
		type: 'boolean',
		default: true,
		description: 'Whether to output the file content as binary data, or metadata only',
		displayOptions: collectOnly,
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		hint: 'The name of the output binary field to put the file in',
		displayOptions: { show: { operation: ['collect'], downloadContent: [true] } },
	},
	{
		displayName: 'First Run',
		name: 'firstRun',
		type: 'options',
		options: [
			{
				name: 'Everything There Now',
				value: 'everything',
				description: 'Collect the files already in the folder',
			},
			{
				name: 'Files Added From Now On',
				value: 'now',
				description: 'Files already there are never collected',
			},
			{
				name: 'Since a Date',
				value: 'since',
				description: 'Collect the files already there that were added or changed since a date',
			},
		],
		default: 'everything',
		description: 'What the very first run does with the files already in the folder',
		displayOptions: collectOnly,
	},
	{
		displayName: 'Since',
		name: 'firstRunSince',
		type: 'dateTime',
		default: '',
		required: true,
		displayOptions: { show: { operation: ['collect'], firstRun: ['since'] } },
	},
	{
		displayName: 'Max Files Per Run',
		name: 'maxFilesPerRun',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description:
			'Collect at most this many files per run; the rest wait for the next run. 0 means no limit.',
		displayOptions: collectOnly,
	},
	{
		displayName: 'After Collecting',
		name: 'afterCollecting',
		type: 'options',
		options: [
			{ name: 'Leave the File', value: 'leave' },
			{ name: 'Move It to a Subfolder', value: 'move' },
			{
				name: 'Delete It',
				value: 'delete',
				description: 'Moves it to the trash where the source has one',
			},
		],
		default: 'leave',
		displayOptions: collectOnly,
	},
	{
		displayName: 'Subfolder Name',
		name: 'moveToSubfolder',
		type: 'string',
		default: 'Collected',
		description: 'Created inside the watched folder if missing',
		displayOptions: { show: { operation: ['collect'], afterCollecting: ['move'] } },
	},
	{
		displayName: 'Collect Again When Content Changes',
		name: 'collectOnChange',
		type: 'boolean',
		default: false,
		description:
			'Whether a collected file whose content changes is collected again (a rename or move never is)',
		displayOptions: collectOnly,
	},
	{
		displayName: 'Skip Identical Content',
		name: 'skipIdentical',
		type: 'boolean',
		default: true,
		description:
			'Whether a new file with the same content as a document already collected is skipped as a duplicate',
		displayOptions: collectOnly,
	},
	{
		displayName: 'Mark Files as Collected',
		name: 'commitPolicy',
		type: 'options',
		options: [
			{
				name: 'As Soon as They Are Output',
				value: 'onEmit',
				description:
					'Never output twice; but if a later step fails, that file is not offered again',
			},
			{
				name: 'At the End of the Workflow',
				value: 'afterConfirm',
				description:
					'When a "Confirm Collected" step at the end runs. If a step before it fails, ' +
					'the next run offers the file again (marked as offered again), so nothing is missed.',
			},
		],
		default: 'onEmit',
		hint:
			'Choose "At the End of the Workflow" when every file must make it ' +
			'through the whole workflow, and add a Collect New Files step ' +
			'with the operation "Confirm Collected" at the end',
		displayOptions: collectOnly,
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: collectOnly,
		options: [
			{
				displayName: 'History Size',
				name: 'historySize',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 1000,
				description: 'How many collected files the history remembers (the oldest are dropped)',
			},
			{
				displayName: 'Google Docs Format',
				name: 'exportFormat',
				type: 'options',
				default: 'pdf',
				description:
					'Google Drive: the format Google Docs, Sheets, ' +
					'Slides and Drawings are exported to (Drive exports at most 10 MB per ' +
					'document; larger ones are reported as skipped). Drawings are always PDF.',
				options: [
					{ name: 'PDF', value: 'pdf', description: '.pdf for every kind of document' },
					{
						name: 'Microsoft Office',
						value: 'office',
						description: 'Docs as .docx, Sheets as .xlsx, Slides as .pptx',
					},
					{
						name: 'OpenDocument',
						value: 'openDocument',
						description: 'Docs as .odt, Sheets as .ods, Slides as .odp',
					},
				],
			},
			{
				displayName: 'Retry Failed Files',
				name: 'retryFailed',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 3,
				description:
					'A file that could not be read (the service kept failing after retries) ' +
					'is output with status "failed" and the run goes on; ' +
					'it is tried again on this many later runs, then given up (0: never again)',
			},
			{
				displayName: 'Guard Against Overlapping Runs',
				name: 'overlapGuard',
				type: 'boolean',
				default: true,
				description:
					'Whether two runs started at the same time may never both ' +
					"output the same file (the node records each file in n8n's own " +
					'list of processed items before output). Leave on.',
			},
		],
	},
];

const ledgerProperties: INodeProperties[] = [
	{
		displayName: 'Collect Step Name',
		name: 'collectNode',
		type: 'string',
		default: '',
		placeholder: 'Collect New Files',
		description:
			'The name of the Collect New Files step (as on the canvas) ' +
			'whose files this acts on. Leave empty when the workflow has only one.',
		displayOptions: ledgerOperations,
	},
	{
		displayName: 'Confirm',
		name: 'confirmScope',
		type: 'options',
		options: [
			{ name: 'Everything Collected in This Run', value: 'execution' },
			{
				name: 'Only the Files That Reach This Step',
				value: 'inputItems',
				description: "Matched by each input item's ID",
			},
		],
		default: 'execution',
		displayOptions: { show: { operation: ['confirm'] } },
	},
	{
		displayName: 'Forget',
		name: 'forgetBy',
		type: 'options',
		options: [
			{ name: 'By ID', value: 'id' },
			{ name: 'By Path', value: 'path', description: 'Looked up in the history' },
			{
				name: 'All Files',
				value: 'all',
				description: 'Every file of the folder can be collected again (as if new)',
			},
		],
		default: 'id',
		displayOptions: { show: { operation: ['forget'] } },
	},
	{
		displayName: 'File ID',
		name: 'fileId',
		type: 'string',
		default: '={{ $json.id }}',
		description:
			'The ID of the file as the Collect node output it; several can be separated by commas',
		displayOptions: { show: { operation: ['forget'], forgetBy: ['id'] } },
	},
	{
		displayName: 'File Path',
		name: 'filePath',
		type: 'string',
		default: '={{ $json.path }}',
		description: 'The path of the file inside the watched folder, as in the history',
		displayOptions: { show: { operation: ['forget'], forgetBy: ['path'] } },
	},
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: { show: { operation: ['getHistory'] } },
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { operation: ['getHistory'], returnAll: [false] } },
	},
];

export const collectNewFilesProperties: INodeProperties[] = [
	operationProperty,
	...sourceProperties,
	...filterProperties,
	...contentProperties,
	...ledgerProperties,
];
