import type { INodeProperties } from 'n8n-workflow';
import { folderLocatorModes, STORAGE_KIND_OPTIONS } from '../shared/ui/storageChoice';

const exportOnly = { show: { operation: ['export'] } };
const cloudOnly = { show: { operation: ['export'], destination: ['googleDrive', 'oneDrive', 'dropbox'] } };

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
			description: 'Upload each input document once; follow its changes; re-upload what the user deleted',
		},
		{
			name: 'Resume Stopped Folders',
			value: 'resume',
			action: 'Resume stopped folders',
			description: 'Export again into folders the user deleted (clears the stop of an Export node)',
		},
	],
	default: 'export',
};

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
		description: 'A directory on the n8n host that n8n may write to (N8N_RESTRICT_FILE_ACCESS_TO applies)',
		displayOptions: { show: { operation: ['export'], destination: ['localFolder'] } },
	},
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
			{ name: 'Choose a Folder', value: 'folder', description: 'An existing folder: from the list, by URL, ID or path' },
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
	{
		displayName: 'Folder',
		name: 'rootFolder',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'Everything this node exports goes below this folder',
		displayOptions: { show: { operation: ['export'], rootMode: ['folder'] } },
		modes: folderLocatorModes('/Accounting/Receipts'),
	},
];

const layoutProperties: INodeProperties[] = [
	{
		displayName: 'Folder Structure',
		name: 'folderStructure',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Account, Then Period', value: 'accountPeriod', description: 'Account / YYYY-MM (from the document date)' },
			{ name: 'Company, Then Year', value: 'companyYear', description: 'Company name / YYYY (from the document date)' },
			{ name: 'Custom Template', value: 'custom', description: 'Folders from expressions, one per "/" segment' },
			{ name: 'Flat', value: 'flat', description: 'Every file directly in the root folder' },
			{ name: 'One Folder per Record', value: 'perRecord', description: 'A folder per record, e.g. a client dossier' },
		],
		default: 'flat',
		displayOptions: exportOnly,
	},
	{
		displayName: 'Record Folder Name',
		name: 'recordFolderName',
		type: 'string',
		default: '',
		placeholder: '={{ $json.clientName }}',
		description: 'The folder of each record; empty uses the record key',
		displayOptions: { show: { operation: ['export'], folderStructure: ['perRecord'] } },
	},
	{
		displayName: 'Company Name',
		name: 'companyName',
		type: 'string',
		default: '={{ $json.company }}',
		required: true,
		displayOptions: { show: { operation: ['export'], folderStructure: ['companyYear'] } },
	},
	{
		displayName: 'Account Name',
		name: 'accountName',
		type: 'string',
		default: '={{ $json.account }}',
		required: true,
		displayOptions: { show: { operation: ['export'], folderStructure: ['accountPeriod'] } },
	},
	{
		displayName: 'Folder Template',
		name: 'folderTemplate',
		type: 'string',
		default: '={{ $json.company }}/{{ $json.category }}',
		required: true,
		description:
			'Folders below the root, separated by "/". Each segment is evaluated on its own: a "/" or ".." inside a value never adds a level or leaves the root.',
		displayOptions: { show: { operation: ['export'], folderStructure: ['custom'] } },
	},
];

const recordProperties: INodeProperties[] = [
	{
		displayName: 'Record Key',
		name: 'recordKey',
		type: 'string',
		default: '={{ $json.id }}',
		required: true,
		description: "The document's stable ID in its source: the same document always maps to the same file",
		displayOptions: exportOnly,
	},
	{
		displayName: 'Document Date',
		name: 'dateField',
		type: 'string',
		default: '={{ $json.date }}',
		description: 'The date of the document (ISO 8601); used by the date-based folder structures and the backfill date',
		displayOptions: exportOnly,
	},
	{
		displayName: 'File Name',
		name: 'fileName',
		type: 'string',
		default: '',
		placeholder: '={{ $json.number }}.pdf',
		description: "Empty uses the binary file's own name. Characters the destination refuses are replaced.",
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
		description: 'Backfill start: older documents are skipped (skipped_before_date). Empty exports every date.',
		displayOptions: exportOnly,
	},
];

const policyProperties: INodeProperties[] = [
	{
		displayName: 'When Content Changed',
		name: 'onContentChanged',
		type: 'options',
		options: [
			{ name: 'Replace in Place (New Version)', value: 'replace', description: 'Same file, new revision' },
			{ name: 'Keep Both', value: 'keepBoth', description: 'Upload the new version next to the old one' },
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
				description: 'Its documents are skipped (skipped_folder_deleted) until the Resume operation',
			},
			{ name: 'Recreate It', value: 'recreate', description: 'Create the folder again and upload its documents again' },
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
				description: 'Whether to output the plan (what each document would get) without writing anything',
			},
			{
				displayName: 'Time Zone',
				name: 'timeZone',
				type: 'string',
				default: '',
				placeholder: 'Europe/Paris',
				description:
					"The IANA time zone that decides a document's year and month for the Company / Year and Account / Period folders, and how dates without a zone are read. Empty uses the workflow's time zone (Workflow Settings).",
			},
			{
				displayName: 'Accept Mass Deletion',
				name: 'acceptMassDeletion',
				type: 'boolean',
				default: false,
				description:
					'Whether to proceed when more than half of the exported files look deleted. Leave off: a permission or listing fault looks the same; turn on for one run when the deletions are real.',
			},
		],
	},
];

const resumeProperties: INodeProperties[] = [
	{
		displayName: 'Export Node Name',
		name: 'exportNodeName',
		type: 'string',
		default: '',
		description: 'The Export to Folder node whose stopped folders to clear; empty means this node, or the only one',
		displayOptions: { show: { operation: ['resume'] } },
	},
	{
		displayName: 'Folders',
		name: 'resumeFolders',
		type: 'string',
		default: '',
		placeholder: 'Main account/2026-09',
		description: 'Comma-separated folder paths to resume; empty resumes every stopped folder',
		displayOptions: { show: { operation: ['resume'] } },
	},
];

export const exportToFolderProperties: INodeProperties[] = [
	operationProperty,
	...destinationProperties,
	{
		displayName:
			'The credential needs write access to the destination. On Google Drive the narrow "files created by this app" scope is enough when the root folder is created by name.',
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
