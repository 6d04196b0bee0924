import type { INodeProperties } from 'n8n-workflow';
import { ACCOUNT_STORAGE_KINDS } from '../shared/storage/registry';
import { sharePointProperties } from '../ui/sharePoint';
import { folderLocatorProperties, STORAGE_KIND_OPTIONS } from '../ui/storageChoice';

const exportOnly = { show: { operation: ['export'] } };
/**
 * Version 2 changed defaults (saved version-1 nodes keep theirs: n8n does not store a parameter left at its default).
 */
const v1 = { '@version': [1] };
const v2 = { '@version': [2] };
const cloudOnly = { show: { operation: ['export'], destination: [...ACCOUNT_STORAGE_KINDS] } };

export const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Export',
			value: 'export',
			action: 'Export documents to a folder',
			description:
				'Upload each document once, update it when it changes, and upload it again if someone deletes it',
		},
		{
			name: 'Resume Stopped Folders',
			value: 'resume',
			action: 'Resume stopped folders',
			description:
				'Export again into folders someone deleted, which the Export step stopped filling',
		},
	],
	default: 'export',
};

/** One parameter, two defaults: version 1 keeps its own (`default`), version 2 the one that fits Collect New Files. */
function versioned(property: INodeProperties, v2Default: string): INodeProperties[] {
	const show = property.displayOptions?.show ?? {};
	return [
		{ ...property, displayOptions: { ...property.displayOptions, show: { ...show, ...v1 } } },
		{
			...property,
			default: v2Default,
			displayOptions: { ...property.displayOptions, show: { ...show, ...v2 } },
		},
	];
}

const destinationProperties: INodeProperties[] = [
	{
		displayName: 'Destination',
		name: 'destination',
		type: 'options',
		noDataExpression: true,
		options: STORAGE_KIND_OPTIONS,
		default: 'googleDrive',
		displayOptions: exportOnly,
	},
	{
		displayName: 'Local Folder Path',
		name: 'localPath',
		type: 'string',
		default: '',
		required: true,
		placeholder: '/data/exports',
		description:
			'A directory on the n8n host that n8n may write to (N8N_RESTRICT_FILE_ACCESS_TO applies)',
		displayOptions: { show: { operation: ['export'], destination: ['localFolder'] } },
	},
	...sharePointProperties({ operation: ['export'] }, 'destination'),
	{
		displayName: 'Root Folder',
		name: 'rootMode',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'By Name (Created if Missing)',
				value: 'name',
				description: 'A folder of this name at the top of the drive; the first run creates it',
			},
			{
				name: 'Choose a Folder',
				value: 'folder',
				description: 'An existing folder: from the list, by URL, ID or path',
			},
		],
		default: 'name',
		displayOptions: exportOnly,
	},
	{
		displayName: 'Root Folder Name',
		name: 'rootName',
		type: 'string',
		default: 'n8n Export',
		required: true,
		description: 'Everything this node exports goes below this folder',
		displayOptions: { show: { operation: ['export'], rootMode: ['name'] } },
	},
	...folderLocatorProperties(
		{
			displayName: 'Folder',
			name: 'rootFolder',
			required: true,
			description: 'Everything this node exports goes below this folder',
		},
		{ operation: ['export'], rootMode: ['folder'] },
		'destination',
		'/Accounting/Receipts',
	),
];

const layoutProperties: INodeProperties[] = [
	{
		displayName: 'Folder Structure',
		name: 'folderStructure',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Account, Then Period',
				value: 'accountPeriod',
				description: 'Account / YYYY-MM (from the document date)',
			},
			{
				name: 'Company, Then Year',
				value: 'companyYear',
				description: 'Company name / YYYY (from the document date)',
			},
			{
				name: 'Custom Template',
				value: 'custom',
				description: 'Folders from expressions, one per "/" segment',
			},
			{ name: 'Flat', value: 'flat', description: 'Every file directly in the root folder' },
			{
				name: 'One Folder per Record',
				value: 'perRecord',
				description: 'A folder per record, e.g. a client dossier',
			},
			{
				name: 'Year, Then Month',
				value: 'yearMonth',
				description: 'YYYY / MM (from the document date): nothing else to fill in',
			},
		],
		default: 'flat',
		displayOptions: exportOnly,
	},
	{
		displayName: 'Record Folder Name',
		name: 'recordFolderName',
		type: 'string',
		default: '',
		placeholder: 'e.g. {{ $json.clientName }}',
		description: 'The folder of each record; empty uses the document ID',
		displayOptions: { show: { operation: ['export'], folderStructure: ['perRecord'] } },
	},
	...versioned(
		{
			displayName: 'Company Name',
			name: 'companyName',
			type: 'string',
			default: '={{ $json.company }}',
			required: true,
			placeholder: 'e.g. Acme Bakery, or {{ $json.company }}',
			description:
				'The first folder level: a fixed name, or an expression that reads it from each item',
			displayOptions: { show: { operation: ['export'], folderStructure: ['companyYear'] } },
		},
		'',
	),
	...versioned(
		{
			displayName: 'Account Name',
			name: 'accountName',
			type: 'string',
			default: '={{ $json.account }}',
			required: true,
			placeholder: 'e.g. Main account, or {{ $json.account }}',
			description:
				'The first folder level: a fixed name, or an expression that reads it from each item',
			displayOptions: { show: { operation: ['export'], folderStructure: ['accountPeriod'] } },
		},
		'',
	),
	...versioned(
		{
			displayName: 'Folder Template',
			name: 'folderTemplate',
			type: 'string',
			default: '={{ $json.company }}/{{ $json.category }}',
			required: true,
			placeholder: 'e.g. {{ $json.company }}/Invoices',
			description:
				'Folders below the root, separated by "/". Each part is read on its own: ' +
				'a "/" or ".." inside a value never adds a level or leaves the root. ' +
				'A template that gives no folder at all for an item fails that item.',
			displayOptions: { show: { operation: ['export'], folderStructure: ['custom'] } },
		},
		'',
	),
];

const recordProperties: INodeProperties[] = [
	{
		displayName: 'Document ID',
		name: 'recordKey',
		type: 'string',
		default: '={{ $json.id }}',
		required: true,
		description:
			'What identifies the document where it comes from. ' +
			'The same ID always updates the same exported file; ' +
			'two different documents need two different IDs.',
		displayOptions: exportOnly,
	},
	...versioned(
		{
			displayName: 'Document Date',
			name: 'dateField',
			type: 'string',
			default: '={{ $json.date }}',
			description:
				'The date of the document (e.g. 2026-09-30); decides the year and month folders ' +
				'and the "Export Only Documents Dated On or After" date',
			hint: 'Reads "date", or else "modifiedAt" (what Collect New Files outputs)',
			displayOptions: exportOnly,
		},
		'={{ $json.date || $json.modifiedAt }}',
	),
	{
		displayName: 'File Name',
		name: 'fileName',
		type: 'string',
		default: '',
		placeholder: 'e.g. {{ $json.number }}.pdf',
		description:
			"Empty uses the binary file's own name. Characters the destination refuses are replaced.",
		displayOptions: exportOnly,
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the input binary field holding the file',
		displayOptions: exportOnly,
	},
	{
		displayName: 'Export Only Documents Dated On or After',
		name: 'exportSince',
		type: 'dateTime',
		default: '',
		description: 'Older documents are left out (shown as skipped). Empty exports every date.',
		displayOptions: exportOnly,
	},
];

const policyProperties: INodeProperties[] = [
	{
		displayName: 'When Content Changed',
		name: 'onContentChanged',
		type: 'options',
		options: [
			{
				name: 'Replace in Place (New Version)',
				value: 'replace',
				description: 'Same file, new revision',
			},
			{
				name: 'Keep Both',
				value: 'keepBoth',
				description: 'Upload the new version next to the old one',
			},
			{ name: 'Skip', value: 'skip', description: 'Leave the exported file as it is' },
		],
		default: 'replace',
		displayOptions: exportOnly,
	},
	{
		displayName: 'When the User Deleted the File',
		name: 'onFileDeleted',
		type: 'options',
		options: [
			{ name: 'Upload It Again', value: 'reupload' },
			{ name: 'Leave It Deleted', value: 'leave' },
		],
		default: 'reupload',
		displayOptions: exportOnly,
	},
	{
		displayName: 'When the User Deleted Its Folder',
		name: 'onFolderDeleted',
		type: 'options',
		options: [
			{
				name: 'Stop Exporting Into It',
				value: 'stop',
				description:
					'Its documents are left out (shown as skipped) until a "Resume Stopped Folders" step runs',
			},
			{
				name: 'Recreate It',
				value: 'recreate',
				description: 'Create the folder again and upload its documents again',
			},
		],
		default: 'stop',
		displayOptions: exportOnly,
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: exportOnly,
		options: [
			{
				displayName: 'Dry Run',
				name: 'dryRun',
				type: 'boolean',
				default: false,
				description:
					'Whether to output the plan (what each document would get) without writing anything',
			},
			{
				displayName: 'Time Zone',
				name: 'timeZone',
				type: 'string',
				default: '',
				placeholder: 'Europe/Paris',
				description:
					"The IANA time zone that decides a document's year and month for the Company " +
					'/ Year and Account / Period folders, and how dates without a zone are read. ' +
					"Empty uses the workflow's time zone (Workflow Settings).",
			},
			{
				displayName: 'Go On When Most Files Look Deleted',
				name: 'acceptMassDeletion',
				type: 'boolean',
				default: false,
				description:
					'Whether to go on when more than half of the exported files ' +
					'look deleted. Leave off: a lost permission looks the same; ' +
					'turn on for one run when you really deleted them.',
			},
			{
				displayName: 'Include Input Fields',
				name: 'includeInputFields',
				type: 'boolean',
				default: false,
				description:
					"Whether each output item keeps the input item's fields (the export " +
					"result's fields, such as path and action, win where names clash), " +
					"so later steps need not look back with $('...').item",
			},
		],
	},
];

const resumeProperties: INodeProperties[] = [
	{
		displayName: 'Export Step Name',
		name: 'exportNodeName',
		type: 'string',
		default: '',
		placeholder: 'Export to Folder',
		description:
			'The name of the Export to Folder step (as on the canvas) ' +
			'whose stopped folders to clear. Leave empty when the workflow has only one.',
		displayOptions: { show: { operation: ['resume'] } },
	},
	{
		displayName: 'Folders',
		name: 'resumeFolders',
		type: 'string',
		default: '',
		placeholder: 'e.g. Main account/2026-09, Acme/2025',
		description:
			'Which stopped folders to fill again, separated by commas. ' +
			'Leave empty for all of them; each run of this step lists the folders it resumed and ' +
			'those still stopped.',
		displayOptions: { show: { operation: ['resume'] } },
	},
];

export const exportToFolderProperties: INodeProperties[] = [
	operationProperty,
	...destinationProperties,
	{
		displayName:
			'The credential needs write access to the destination. ' +
			'On Google Drive the narrowest access, "Only Files This Package Creates", ' +
			'is enough when the root folder is created by name.',
		name: 'credentialNotice',
		type: 'notice',
		default: '',
		displayOptions: cloudOnly,
	},
	...layoutProperties,
	...recordProperties,
	...policyProperties,
	...resumeProperties,
];
