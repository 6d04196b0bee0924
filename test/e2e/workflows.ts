/**
 * The workflows the end-to-end tests and the demo import into a real n8n, built from one place so the example
 * files in examples/ and the tests cannot drift apart.
 */

export const PACKAGE = 'n8n-nodes-cloud-sync';

export interface CredentialRef {
	id: string;
	name: string;
}

export const CREDENTIALS = {
	dropbox: { id: 'CsDropboxCred0001', name: 'Dropbox (fake cloud)' },
	drive: { id: 'CsDriveCred000001', name: 'Google Drive (fake cloud)' },
	oneDrive: { id: 'CsOneDriveCred001', name: 'OneDrive (fake cloud)' },
	calendar: { id: 'CsCalendarCred001', name: 'Google Calendar (fake cloud)' },
} as const;

interface TokenSet {
	access_token: string;
	refresh_token: string;
	expires_in?: number;
}

/** Credentials as `n8n import:credentials` takes them: pre-connected OAuth2 tokens, URLs pointed at the fakes. */
export function fakeCredentials(
	urls: Record<string, string>,
	tokens: Record<'google' | 'microsoft' | 'dropbox', TokenSet>,
) {
	const oauthData = (apiBaseUrl: string, token: TokenSet, extra: Record<string, unknown> = {}) => ({
		clientId: 'fake-client-id',
		clientSecret: 'fake-client-secret',
		// The fakes' addresses apply only with the "Custom Endpoints" switch on (n8n drops hidden fields' values).
		customEndpoints: true,
		apiBaseUrl,
		oauthBaseUrl: urls.oauth,
		oauthTokenData: {
			access_token: token.access_token,
			refresh_token: token.refresh_token,
			token_type: 'Bearer',
			expires_in: 3600,
		},
		...extra,
	});
	return [
		{
			...CREDENTIALS.dropbox,
			type: 'cloudSyncDropboxOAuth2Api',
			data: oauthData(urls.dropbox, tokens.dropbox),
		},
		{
			...CREDENTIALS.drive,
			type: 'cloudSyncGoogleDriveOAuth2Api',
			data: oauthData(urls.drive, tokens.google, { driveAccess: 'full' }),
		},
		{
			...CREDENTIALS.oneDrive,
			type: 'cloudSyncMicrosoftOneDriveOAuth2Api',
			data: oauthData(urls.graph, tokens.microsoft),
		},
		{
			...CREDENTIALS.calendar,
			type: 'cloudSyncGoogleCalendarOAuth2Api',
			data: oauthData(urls.calendar, tokens.google),
		},
	];
}

type Start = 'manual' | 'schedule' | 'webhook';

function startNode(start: Start, webhookPath: string) {
	switch (start) {
		case 'manual':
			return {
				id: 'start',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			};
		case 'schedule':
			return {
				id: 'start',
				name: 'Start',
				type: 'n8n-nodes-base.scheduleTrigger',
				typeVersion: 1.2,
				position: [0, 0],
				parameters: { rule: { interval: [{ field: 'seconds', secondsInterval: 5 }] } },
			};
		case 'webhook':
			return {
				id: 'start',
				name: 'Start',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: `cloud-sync-${webhookPath}`,
				parameters: {
					path: webhookPath,
					httpMethod: 'POST',
					responseMode: 'lastNode',
					options: {},
				},
			};
	}
}

function chain(names: string[]) {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i + 1 < names.length; i++) {
		connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	}
	return connections;
}

/** A linear workflow as `n8n import:workflow` takes it: inactive, no pinned data, no state yet. */
function linearWorkflow<Node extends { name: string }>(id: string, name: string, nodes: Node[]) {
	return {
		id,
		name,
		active: false,
		nodes,
		connections: chain(nodes.map((node) => node.name)),
		settings: { executionOrder: 'v1' },
		staticData: null,
		pinData: {},
	};
}

/** The accounting platform's pipeline: collect what clients drop into Dropbox /Receipts, file it in Drive. */
export function accountingPipeline(
	id: string,
	start: Start = 'manual',
	source: 'dropbox' | 'localFolder' = 'dropbox',
	localDirs?: { inbox: string; archive: string },
) {
	const collect = {
		id: 'collect',
		name: 'Collect New Files',
		type: `${PACKAGE}.collectNewFiles`,
		typeVersion: 1,
		position: [220, 0],
		parameters:
			source === 'dropbox'
				? {
						source: 'dropbox',
						folder: { __rl: true, mode: 'path', value: '/Receipts' },
						firstRun: 'everything',
					}
				: {
						source: 'localFolder',
						folder: { __rl: true, mode: 'path', value: localDirs!.inbox },
						firstRun: 'everything',
					},
		...(source === 'dropbox'
			? { credentials: { cloudSyncDropboxOAuth2Api: CREDENTIALS.dropbox } }
			: {}),
	};
	const exportNode = {
		id: 'export',
		name: 'Export to Folder',
		type: `${PACKAGE}.exportToFolder`,
		typeVersion: 1,
		position: [440, 0],
		parameters: {
			...(source === 'dropbox'
				? { destination: 'googleDrive', rootMode: 'name', rootName: 'Accounting' }
				: { destination: 'localFolder', localPath: localDirs!.archive }),
			folderStructure: 'companyYear',
			companyName: 'Acme Bakery',
			recordKey: '={{ $json.id }}',
			dateField: '={{ $json.modifiedAt }}',
			binaryPropertyName: 'data',
		},
		...(source === 'dropbox'
			? { credentials: { cloudSyncGoogleDriveOAuth2Api: CREDENTIALS.drive } }
			: {}),
	};
	const startDef = startNode(start, id.toLowerCase());
	return linearWorkflow(
		id,
		`Accounting pipeline (${source === 'dropbox' ? 'Dropbox -> Google Drive' : 'local folders'}, ${start})`,
		[startDef, collect, exportNode],
	);
}

/** Qonto: receipts from a local inbox into OneDrive, one folder per account and month (account from the name). */
export function qontoExport(id: string, inbox: string) {
	const startDef = startNode('manual', id.toLowerCase());
	const collect = {
		id: 'collect',
		name: 'Collect Receipts',
		type: `${PACKAGE}.collectNewFiles`,
		typeVersion: 1,
		position: [220, 0],
		parameters: {
			source: 'localFolder',
			folder: { __rl: true, mode: 'path', value: inbox },
			firstRun: 'everything',
		},
	};
	const exportNode = {
		id: 'export',
		name: 'Export to OneDrive',
		type: `${PACKAGE}.exportToFolder`,
		typeVersion: 1,
		position: [440, 0],
		parameters: {
			destination: 'oneDrive',
			rootMode: 'name',
			rootName: 'Qonto Receipts',
			folderStructure: 'accountPeriod',
			accountName: '={{ $json.name.split("_")[0] }}',
			recordKey: '={{ $json.id }}',
			dateField: '={{ $json.modifiedAt }}',
			binaryPropertyName: 'data',
		},
		credentials: { cloudSyncMicrosoftOneDriveOAuth2Api: CREDENTIALS.oneDrive },
	};
	return linearWorkflow(id, 'Qonto receipts to OneDrive (account / month)', [
		startDef,
		collect,
		exportNode,
	]);
}

/** Pipedrive-shaped activities (from a Code node) synced two-way with the fake's primary calendar. */
export function calendarTwoWay(id: string, activities: object[]) {
	const startDef = startNode('manual', id.toLowerCase());
	const source = {
		id: 'activities',
		name: 'Activities',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [220, 0],
		parameters: { jsCode: `return ${JSON.stringify(activities.map((json) => ({ json })))};` },
	};
	const sync = {
		id: 'calendar',
		name: 'Calendar Sync',
		type: `${PACKAGE}.calendarSync`,
		typeVersion: 1,
		position: [440, 0],
		parameters: {
			calendar: { __rl: true, mode: 'id', value: 'primary' },
			direction: 'twoWay',
			windowDays: 3650,
		},
		credentials: { cloudSyncGoogleCalendarOAuth2Api: CREDENTIALS.calendar },
	};
	return linearWorkflow(id, 'Calendar sync two-way (activities <-> Google Calendar)', [
		startDef,
		source,
		sync,
	]);
}
