/**
 * Scenario 7's workflows: each job once with n8n's built-in nodes (the peer) and once with ours, every one
 * started by a production Webhook that answers with all items of its last node, so a run's output and wall
 * time come back on one HTTP call. The built-in nodes keep their fixed API hosts; ours run with no base URL set,
 * so both reach the same fakes through the namespace's hosts file.
 */

export type Cloud = 'googleDrive' | 'oneDrive' | 'dropbox';
export type Side = 'peer' | 'ours';

const PACKAGE = 'n8n-nodes-cloud-sync';

export const PEER_CREDENTIALS = {
	googleDrive: {
		id: 'PeerDriveCred0001',
		name: 'Google Drive (built-in)',
		type: 'googleDriveOAuth2Api',
	},
	oneDrive: {
		id: 'PeerOneDriveCred1',
		name: 'OneDrive (built-in)',
		type: 'microsoftOneDriveOAuth2Api',
	},
	dropbox: { id: 'PeerDropboxCred01', name: 'Dropbox (built-in)', type: 'dropboxOAuth2Api' },
	calendar: {
		id: 'PeerCalendarCred1',
		name: 'Google Calendar (built-in)',
		type: 'googleCalendarOAuth2Api',
	},
} as const;

export const OUR_CREDENTIALS = {
	googleDrive: {
		id: 'OursDriveCred0001',
		name: 'Google Drive (cloud sync)',
		type: 'cloudSyncGoogleDriveOAuth2Api',
	},
	oneDrive: {
		id: 'OursOneDriveCred1',
		name: 'OneDrive (cloud sync)',
		type: 'cloudSyncMicrosoftOneDriveOAuth2Api',
	},
	dropbox: {
		id: 'OursDropboxCred01',
		name: 'Dropbox (cloud sync)',
		type: 'cloudSyncDropboxOAuth2Api',
	},
	calendar: {
		id: 'OursCalendarCred1',
		name: 'Google Calendar (cloud sync)',
		type: 'cloudSyncGoogleCalendarOAuth2Api',
	},
} as const;

export interface TokenSet {
	access_token: string;
	refresh_token: string;
}

type Service = keyof typeof PEER_CREDENTIALS;

/**
 * Both sides' credentials as `n8n import:credentials` takes them: connected OAuth2 tokens the fakes issued, and
 * nothing else, so every URL (API and token endpoint) is the credential type's real default.
 */
export function benchCredentials(tokens: Record<Service, TokenSet>) {
	const data = (token: TokenSet, extra: Record<string, unknown> = {}) => ({
		clientId: 'fake-client-id',
		clientSecret: 'fake-client-secret',
		oauthTokenData: {
			access_token: token.access_token,
			refresh_token: token.refresh_token,
			token_type: 'Bearer',
			expires_in: 3600,
		},
		...extra,
	});
	const services = Object.keys(PEER_CREDENTIALS) as Service[];
	return [
		...services.map((service) => ({
			...PEER_CREDENTIALS[service],
			data: data(tokens[service], service === 'dropbox' ? { accessType: 'full' } : {}),
		})),
		...services.map((service) => ({
			...OUR_CREDENTIALS[service],
			data: data(tokens[service], service === 'googleDrive' ? { driveAccess: 'full' } : {}),
		})),
	];
}

interface WorkflowNode {
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	[key: string]: unknown;
}

function credentialOf(service: Service, side: Side): Record<string, { id: string; name: string }> {
	const credential = side === 'peer' ? PEER_CREDENTIALS[service] : OUR_CREDENTIALS[service];
	return { [credential.type]: { id: credential.id, name: credential.name } };
}

/** Webhook -> nodes..., a linear production workflow (active), answering with every item of the last node. */
function webhookWorkflow(id: string, name: string, nodes: WorkflowNode[]) {
	const webhook: WorkflowNode = {
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		webhookId: `bench-${id}`,
		parameters: {
			path: webhookPath(id),
			httpMethod: 'POST',
			responseMode: 'lastNode',
			responseData: 'allEntries',
			options: {},
		},
	};
	const all = [webhook, ...nodes].map((node, index) => ({
		id: `${id}-n${index}`,
		position: [index * 220, 0],
		...node,
	}));
	const connections: Record<string, unknown> = {};
	for (let i = 0; i + 1 < all.length; i++)
		connections[all[i].name] = { main: [[{ node: all[i + 1].name, type: 'main', index: 0 }]] };
	return {
		id,
		name,
		active: false,
		nodes: all,
		connections,
		settings: { executionOrder: 'v1' },
		staticData: null,
		pinData: {},
	};
}

export function webhookPath(workflowId: string): string {
	return workflowId.toLowerCase();
}

/** "Keep items whose value is new": n8n's own dedupe across executions (its processed-data table). */
function removeSeen(keyExpression: string): WorkflowNode {
	return {
		name: 'Remove Seen',
		type: 'n8n-nodes-base.removeDuplicates',
		typeVersion: 2,
		parameters: {
			operation: 'removeItemsSeenInPreviousExecutions',
			logic: 'removeItemsWithAlreadySeenKeyValues',
			dedupeValue: keyExpression,
			options: { scope: 'node', historySize: 100000 },
		},
	};
}

/** Where the collect job watches: the folder's id (Drive, OneDrive) or path (Dropbox). */
export interface WatchedFolder {
	id: string;
	path: string;
}

/** Collect = list the folder, keep what no earlier run returned. */
export function collectWorkflow(id: string, cloud: Cloud, side: Side, folder: WatchedFolder) {
	if (side === 'ours') {
		const mode = cloud === 'dropbox' ? 'path' : 'id';
		return webhookWorkflow(id, `Bench collect ${cloud} (ours)`, [
			{
				name: 'Collect New Files',
				type: `${PACKAGE}.collectNewFiles`,
				typeVersion: 1,
				parameters: {
					source: cloud,
					folder: { __rl: true, mode, value: mode === 'path' ? folder.path : folder.id },
					downloadContent: false,
					firstRun: 'everything',
				},
				credentials: credentialOf(cloud, side),
			},
		]);
	}
	const list: Record<Cloud, WorkflowNode> = {
		googleDrive: {
			name: 'List Folder',
			type: 'n8n-nodes-base.googleDrive',
			typeVersion: 3,
			parameters: {
				authentication: 'oAuth2',
				resource: 'fileFolder',
				searchMethod: 'query',
				queryString: '',
				returnAll: true,
				filter: { folderId: { __rl: true, mode: 'id', value: folder.id }, whatToSearch: 'files' },
				options: {},
			},
		},
		oneDrive: {
			name: 'List Folder',
			type: 'n8n-nodes-base.microsoftOneDrive',
			typeVersion: 1,
			parameters: { resource: 'folder', operation: 'getChildren', folderId: folder.id },
		},
		dropbox: {
			name: 'List Folder',
			type: 'n8n-nodes-base.dropbox',
			typeVersion: 1,
			parameters: {
				authentication: 'oAuth2',
				resource: 'folder',
				operation: 'list',
				path: folder.path,
				returnAll: true,
				filters: {},
			},
		},
	};
	return webhookWorkflow(id, `Bench collect ${cloud} (built-in)`, [
		{ ...list[cloud], credentials: credentialOf(cloud, side) },
		removeSeen('={{ $json.id }}'),
	]);
}

/** The same N small documents on every run, as binary items (what a document source hands an export). */
function makeDocuments(files: number): WorkflowNode {
	const jsCode = [
		`const items = [];`,
		`for (let i = 0; i < ${files}; i++) {`,
		`  const name = 'doc-' + String(i).padStart(5, '0') + '.txt';`,
		`  const data = Buffer.from('document ' + i + '\\n').toString('base64');`,
		`  items.push({ json: { key: name, name }, binary: { data: { data, mimeType: 'text/plain', fileName: name, fileExtension: 'txt' } } });`,
		`}`,
		`return items;`,
	].join('\n');
	return { name: 'Documents', type: 'n8n-nodes-base.code', typeVersion: 2, parameters: { jsCode } };
}

/** Export = upload each document into one folder. */
export function exportWorkflow(
	id: string,
	cloud: Cloud,
	side: Side,
	files: number,
	destination: WatchedFolder & { name: string },
) {
	if (side === 'ours') {
		return webhookWorkflow(id, `Bench export ${cloud} (ours)`, [
			makeDocuments(files),
			{
				name: 'Export to Folder',
				type: `${PACKAGE}.exportToFolder`,
				typeVersion: 1,
				parameters: {
					destination: cloud,
					rootMode: 'name',
					rootName: destination.name,
					folderStructure: 'flat',
					recordKey: '={{ $json.key }}',
					binaryPropertyName: 'data',
				},
				credentials: credentialOf(cloud, side),
			},
		]);
	}
	const upload: Record<Cloud, WorkflowNode> = {
		googleDrive: {
			name: 'Upload',
			type: 'n8n-nodes-base.googleDrive',
			typeVersion: 3,
			parameters: {
				authentication: 'oAuth2',
				resource: 'file',
				operation: 'upload',
				inputDataFieldName: 'data',
				name: '={{ $json.name }}',
				driveId: { __rl: true, mode: 'list', value: 'My Drive' },
				folderId: { __rl: true, mode: 'id', value: destination.id },
				options: {},
			},
		},
		oneDrive: {
			name: 'Upload',
			type: 'n8n-nodes-base.microsoftOneDrive',
			typeVersion: 1,
			parameters: {
				resource: 'file',
				operation: 'upload',
				parentId: destination.id,
				binaryData: true,
				binaryPropertyName: 'data',
				fileName: '={{ $json.name }}',
			},
		},
		dropbox: {
			name: 'Upload',
			type: 'n8n-nodes-base.dropbox',
			typeVersion: 1,
			parameters: {
				authentication: 'oAuth2',
				resource: 'file',
				operation: 'upload',
				path: `=${destination.path}/{{ $json.name }}`,
				binaryData: true,
				binaryPropertyName: 'data',
			},
		},
	};
	return webhookWorkflow(id, `Bench export ${cloud} (built-in)`, [
		makeDocuments(files),
		{ ...upload[cloud], credentials: credentialOf(cloud, side) },
	]);
}

/** Calendar = what changed in the calendar since the last run (the same 30-day window back on both sides). */
export function calendarWorkflow(id: string, side: Side, calendarId: string) {
	if (side === 'ours') {
		// Calendar Sync reads activities from its input: one task, a type that stays out of the calendar.
		const activity = {
			id: 'bench-1',
			type: 'task',
			subject: 'Not for the calendar',
			due_date: '2030-01-01',
			due_time: '09:00',
			duration: '00:30',
		};
		return webhookWorkflow(id, 'Bench calendar (ours)', [
			{
				name: 'Activities',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				parameters: { jsCode: `return [{ json: ${JSON.stringify(activity)} }];` },
			},
			{
				name: 'Calendar Sync',
				type: `${PACKAGE}.calendarSync`,
				typeVersion: 1,
				parameters: {
					calendar: { __rl: true, mode: 'id', value: calendarId },
					direction: 'twoWay',
					inputMode: 'changed',
					activityTypes: 'meeting',
					windowDays: 30,
				},
				credentials: credentialOf('calendar', side),
			},
		]);
	}
	return webhookWorkflow(id, 'Bench calendar (built-in)', [
		{
			name: 'Get Events',
			type: 'n8n-nodes-base.googleCalendar',
			typeVersion: 1.3,
			parameters: {
				authentication: 'oAuth2',
				resource: 'event',
				operation: 'getAll',
				calendar: { __rl: true, mode: 'id', value: calendarId },
				returnAll: true,
				timeMin: '={{ $now.minus({ days: 30 }) }}',
				timeMax: '={{ $now.plus({ years: 1 }) }}',
				options: {},
			},
			credentials: credentialOf('calendar', side),
		},
		// An event is new to the workflow when its id or its last change is.
		removeSeen('={{ $json.id + "|" + $json.updated }}'),
	]);
}
