import type {
	INodeCredentialDescription,
	INodeProperties,
	INodePropertyMode,
	INodePropertyOptions,
} from 'n8n-workflow';
import { STORAGE_CREDENTIAL, STORAGE_LABEL, storageFeatures } from '../shared/storage/registry';
import type { StorageKind } from '../shared/storage/types';

/** The storages a file node can read or write; the values are stored in workflows: never rename. */
export const STORAGE_KIND_OPTIONS: INodePropertyOptions[] = [
	{ name: 'Dropbox', value: 'dropbox' },
	{ name: 'Google Drive', value: 'googleDrive' },
	{
		name: 'Local Folder',
		value: 'localFolder',
		description: 'A folder on the computer or server n8n runs on',
	},
	{ name: 'OneDrive', value: 'oneDrive' },
	{
		name: 'SharePoint',
		value: 'sharePoint',
		description:
			"A document library of a SharePoint site (any library, not only the site's Documents)",
	},
];

/** The name a builder reads for each storage (subtitles, hints): each cloud declares it (storage/<cloud>/cloud.ts). */
export { STORAGE_LABEL };

/** STORAGE_LABEL as an object literal for subtitle expressions ({{ {...}[$parameter["source"]] }}). */
export const STORAGE_LABEL_EXPRESSION = JSON.stringify(STORAGE_LABEL);

/**
 * The credential of each cloud, asked for only while `operation` is chosen and the storage parameter
 * (`storageParameter`) names a cloud that signs in with it (OneDrive and SharePoint share the Microsoft one);
 * the local folder needs none. One entry per credential type: n8n lists a node's credentials by type name.
 */
export function storageCredentials(
	operation: string,
	storageParameter: string,
): INodeCredentialDescription[] {
	const kindsOf = new Map<string, StorageKind[]>();
	for (const [kind, name] of Object.entries(STORAGE_CREDENTIAL) as Array<[StorageKind, string]>)
		kindsOf.set(name, [...(kindsOf.get(name) ?? []), kind]);
	return [...kindsOf].map(([name, kinds]) => ({
		name,
		required: true,
		displayOptions: { show: { operation: [operation], [storageParameter]: kinds } },
	}));
}

/** What each cloud's folder links, IDs and paths look like: shown as placeholders and checked as typed. */
interface CloudFormats {
	url: { placeholder: string; regex: string; error: string };
	id: { placeholder: string; regex: string; error: string };
	path: string;
}

const CLOUD_FORMATS: Record<
	Exclude<StorageKind, 'localFolder'>,
	(pathExample: string) => CloudFormats
> = {
	googleDrive: (pathExample) => ({
		url: {
			placeholder: 'https://drive.google.com/drive/folders/1AbCdEfGhIjKlMnOpQrStUvWxYz',
			regex: 'https://drive\\.google\\.com/.*folders/[\\w-]+.*',
			error: 'Not a Google Drive folder link (https://drive.google.com/drive/folders/...)',
		},
		id: {
			placeholder: '1AbCdEfGhIjKlMnOpQrStUvWxYz',
			regex: '(root|[\\w-]{10,})',
			error: 'Not a Google Drive folder ID: letters, digits, "-" and "_", as in the folder\'s link',
		},
		path: pathExample,
	}),
	oneDrive: (pathExample) => ({
		url: {
			placeholder: 'https://onedrive.live.com/?id=A1B2C3D4E5F6%21123',
			regex: 'https://([\\w-]+\\.)*(onedrive\\.live\\.com|1drv\\.ms|sharepoint\\.com)/.+',
			error: "Not a OneDrive or SharePoint folder link (copy it from the browser's address bar)",
		},
		id: {
			placeholder: '01ABCDEFGHIJKLMNOPQRSTUVWXYZ234567 or A1B2C3D4E5F6!s0a1b2c3d...',
			// Personal ids: "drive!number", or "drive!s" + a GUID in hex since OneDrive's 2025 backend move.
			regex: '(root|[A-Za-z0-9]+!s?[0-9A-Fa-f]+|[A-Za-z0-9]{10,})',
			error:
				'Not a OneDrive item ID (e.g. 01ABCDEF... on business accounts, A1B2C3!s0a1b... or A1B2C3!123 on personal ones)',
		},
		path: pathExample,
	}),
	sharePoint: (pathExample) => ({
		url: {
			placeholder: `https://contoso.sharepoint.com/sites/Finance/Receipts${pathExample}`,
			regex: 'https://([\\w-]+\\.)*sharepoint\\.(com|us|cn|de)/.+',
			error: "Not a SharePoint folder link (copy it from the browser's address bar)",
		},
		id: {
			placeholder: '01ABCDEFGHIJKLMNOPQRSTUVWXYZ234567',
			regex: '(root|[A-Za-z0-9]{10,})',
			error: 'Not a SharePoint item ID (01ABCDEF..., as Graph reports it)',
		},
		path: pathExample,
	}),
	dropbox: (pathExample) => ({
		url: {
			placeholder: `https://www.dropbox.com/home${pathExample}`,
			regex: 'https://(www\\.)?dropbox\\.com/home(/.*)?',
			error: 'Not a Dropbox folder link (https://www.dropbox.com/home/...)',
		},
		id: {
			placeholder: 'id:a4ayc_80_OEAAAAAAAAAXw',
			regex: 'id:[\\w-]+',
			error: 'Not a Dropbox ID: it starts with "id:" (or choose "By Path")',
		},
		path: pathExample,
	}),
};

/* eslint-disable n8n-nodes-base/node-param-default-missing --
   modes take no default; the rule knows them only under a literal "modes:" key */
function cloudModes(
	kind: Exclude<StorageKind, 'localFolder'>,
	pathExample: string,
): INodePropertyMode[] {
	const formats = CLOUD_FORMATS[kind](pathExample);
	return [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: `Select a ${STORAGE_LABEL[kind]} folder...`,
			typeOptions: { searchListMethod: 'searchFolders', searchable: true },
		},
		{
			displayName: 'By URL',
			name: 'url',
			type: 'string',
			placeholder: formats.url.placeholder,
			validation: [
				{
					type: 'regex',
					properties: { regex: formats.url.regex, errorMessage: formats.url.error },
				},
			],
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: formats.id.placeholder,
			validation: [
				{ type: 'regex', properties: { regex: formats.id.regex, errorMessage: formats.id.error } },
			],
		},
		{ displayName: 'By Path', name: 'path', type: 'string', placeholder: formats.path },
	];
}

/** A folder on the n8n host: a path (or a file:// link), or picked from the folders below the base. */
function localModes(pathExample: string): INodePropertyMode[] {
	return [
		{ displayName: 'By Path', name: 'path', type: 'string', placeholder: `/data${pathExample}` },
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a folder...',
			typeOptions: { searchListMethod: 'searchFolders', searchable: true },
		},
		{
			displayName: 'By URL',
			name: 'url',
			type: 'string',
			placeholder: `file:///data${pathExample}`,
			validation: [
				{ type: 'regex', properties: { regex: 'file:///.+', errorMessage: 'Not a file:// link' } },
			],
		},
	];
}
/* eslint-enable n8n-nodes-base/node-param-default-missing */

/** Every storage in the order of its folder locator: the accounts by name, then a path on the n8n host. */
const LOCATOR_ORDER: readonly StorageKind[] = (Object.keys(STORAGE_LABEL) as StorageKind[]).sort(
	(a, b) =>
		Number(storageFeatures(a).rootIsHostPath) - Number(storageFeatures(b).rootIsHostPath) ||
		STORAGE_LABEL[a].localeCompare(STORAGE_LABEL[b]),
);

/**
 * One folder locator per storage, all under the same parameter name (so the chosen folder survives switching the
 * storage and saved workflows read the same): each shows the chosen cloud's link, ID and path formats only.
 * n8n shows the one whose displayOptions match; getNodeParameters keeps the displayed one's value.
 */
export function folderLocatorProperties(
	base: Omit<INodeProperties, 'type' | 'default' | 'modes' | 'displayOptions'>,
	show: Record<string, Array<string | number | boolean>>,
	storageParameter: string,
	pathExample: string,
	kinds: readonly StorageKind[] = LOCATOR_ORDER,
): INodeProperties[] {
	return kinds.map((kind) => {
		const hostPath = storageFeatures(kind).rootIsHostPath;
		return {
			...base,
			type: 'resourceLocator' as const,
			default: { mode: hostPath ? 'path' : 'list', value: '' },
			displayOptions: { show: { ...show, [storageParameter]: [kind] } },
			modes: hostPath
				? localModes(pathExample)
				: cloudModes(kind as Exclude<StorageKind, 'localFolder'>, pathExample),
		};
	});
}
