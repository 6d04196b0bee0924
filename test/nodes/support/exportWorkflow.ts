import { tmpdir } from 'os';
import type { IDataObject, INodeCredentials, INodeParameters } from 'n8n-workflow';
import { ExportToFolder } from '../../../nodes/ExportToFolder/ExportToFolder.node';
import type { RemoteItem, StorageKind, StorageProvider } from '../../../nodes/shared/storage/types';
import type { ProviderFixture } from '../../storage/fixture';
import { createLocalFolderFixture } from '../../storage/fixtures/localFolder';
import { WorkflowHarness, type InputItem, type RunResult } from '../../harness/workflow';
import { countLocalCalls, fakeCredential, type CloudKind } from './nodeFixtures';

/** A destination in a node test: the fixture acts as the user and inspects; the node speaks through n8n. */
export interface ExportDestination {
	kind: StorageKind;
	fixture: ProviderFixture;
	/** Destination and root-folder parameters pointing at the fixture's root. */
	parameters: INodeParameters;
	/** Registers the credential type and a connected credential; undefined for the local folder. */
	attach(harness: WorkflowHarness): INodeCredentials | undefined;
	/** Calls (local) or requests (clouds) the node made so far, by kind. */
	counts(): { changeFeed: number; uploads: number; total: number };
	close(): Promise<void>;
}

export async function localDestination(): Promise<ExportDestination & { baseDir: string }> {
	// n8n 2.x only lets nodes touch allowed folders; an operator allows the export folder like this.
	process.env.N8N_RESTRICT_FILE_ACCESS_TO = tmpdir();
	const fixture = await createLocalFolderFixture();
	const counter = countLocalCalls();
	return {
		kind: 'localFolder',
		fixture,
		baseDir: fixture.baseDir,
		parameters: {
			destination: 'localFolder',
			localPath: fixture.baseDir,
			rootMode: 'folder',
			rootFolder: { __rl: true, mode: 'id', value: fixture.rootId },
		},
		attach: () => undefined,
		counts: () => ({
			changeFeed: counter.calls.get('changes') ?? 0,
			uploads: counter.calls.get('upload') ?? 0,
			total: counter.total(),
		}),
		async close() {
			counter.restore();
			await fixture.close();
		},
	};
}

export const EXPORT = 'Export';

export interface Doc {
	id: string;
	content: string | Buffer;
	fileName?: string;
	json?: IDataObject;
}

export function docItem(doc: Doc, binaryProperty = 'data'): InputItem {
	return {
		json: { id: doc.id, ...doc.json },
		binary: {
			[binaryProperty]: {
				data: typeof doc.content === 'string' ? Buffer.from(doc.content) : doc.content,
				fileName: doc.fileName ?? `${doc.id}.pdf`,
				mimeType: 'application/pdf',
			},
		},
	};
}

export interface ExportWorkflow {
	harness: WorkflowHarness;
	run(
		docs: Array<Doc | InputItem>,
		mode?: 'trigger' | 'webhook' | 'manual',
	): Promise<{ result: RunResult; json: IDataObject[] }>;
	setParameters(extra: INodeParameters): void;
	/** Resume Stopped Folders in a production run. */
	resume(parameters?: INodeParameters): Promise<IDataObject[]>;
	stateOf(): IDataObject | undefined;
}

function isInputItem(doc: Doc | InputItem): doc is InputItem {
	return (doc as InputItem).json !== undefined && (doc as Doc).content === undefined;
}

export function exportWorkflow(
	destination: ExportDestination,
	extra: INodeParameters = {},
	options: { continueOnFail?: boolean } = {},
): ExportWorkflow {
	const harness = new WorkflowHarness();
	harness.registerNode('exportToFolder', new ExportToFolder());
	const credentials = destination.attach(harness);
	const base: INodeParameters = {
		operation: 'export',
		...destination.parameters,
		dateField: '={{ $json.date }}',
	};
	harness.addNode({
		name: EXPORT,
		type: 'exportToFolder',
		parameters: { ...base, ...extra },
		credentials,
		continueOnFail: options.continueOnFail,
	});
	return {
		harness,
		async run(docs, mode = 'trigger') {
			const result = await harness.run({
				mode,
				input: docs.map((doc) => (isInputItem(doc) ? doc : docItem(doc))),
			});
			return { result, json: result.output(EXPORT).map((item) => item.json) };
		},
		setParameters(parameters) {
			harness.setParameters(EXPORT, { ...base, ...parameters });
		},
		async resume(parameters = {}) {
			// The same node switched to Resume for one production run (same id, so it finds its state by name).
			const saved = harness.node(EXPORT).parameters;
			harness.setParameters(EXPORT, { operation: 'resume', exportNodeName: EXPORT, ...parameters });
			try {
				const result = await harness.run({ mode: 'trigger' });
				const error = result.nodeError(EXPORT);
				if (error) throw error;
				return result.output(EXPORT).map((item) => item.json);
			} finally {
				harness.setParameters(EXPORT, saved);
			}
		},
		stateOf() {
			const id = harness.node(EXPORT).id;
			const global = harness.staticData.global as IDataObject | undefined;
			return global?.[`cloudSync:${id}`] as IDataObject | undefined;
		},
	};
}

/** Every file below the folder, by path relative to it (read directly, not through n8n). */
export async function filesBelow(
	provider: StorageProvider,
	folderId: string,
): Promise<Map<string, RemoteItem>> {
	const files = new Map<string, RemoteItem>();
	for await (const item of provider.list(folderId, { recursive: true }))
		if (!item.isFolder) files.set(item.path ?? item.name, item);
	return files;
}

export function actionsOf(json: IDataObject[]): string[] {
	return json.map((j) => j.action as string);
}

export function countActions(json: IDataObject[]): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const action of actionsOf(json)) counts[action] = (counts[action] ?? 0) + 1;
	return counts;
}

interface LoggedRequestLike {
	method: string;
	path: string;
	query: string;
}

interface CloudFixture extends ProviderFixture {
	fake: {
		baseUrl: string;
		requests(filter?: { since?: number }): LoggedRequestLike[];
		mark(): number;
	};
	wire: { accessToken: string; refreshToken: string };
}

/** What counts as a change-feed request and as an upload request at each cloud (research/api-brief.md). */
const CHANGE_FEED: Record<CloudKind, (r: LoggedRequestLike) => boolean> = {
	googleDrive: (r) => r.method === 'GET' && /\/drive\/v3\/changes$/.test(r.path),
	oneDrive: (r) => r.method === 'GET' && /\/delta$/.test(r.path) && !/token=latest/.test(r.query),
	sharePoint: (r) => r.method === 'GET' && /\/delta$/.test(r.path) && !/token=latest/.test(r.query),
	dropbox: (r) => r.path.endsWith('/2/files/list_folder/continue'),
};
const UPLOAD: Record<CloudKind, (r: LoggedRequestLike) => boolean> = {
	googleDrive: (r) => r.path.startsWith('/upload/drive/v3/files'),
	oneDrive: (r) =>
		(r.method === 'PUT' && /\/content$/.test(r.path)) || /createUploadSession$/.test(r.path),
	sharePoint: (r) =>
		(r.method === 'PUT' && /\/content$/.test(r.path)) || /createUploadSession$/.test(r.path),
	dropbox: (r) => /\/2\/files\/upload(_session\/start)?$/.test(r.path),
};

async function createCloudFixture(kind: CloudKind): Promise<CloudFixture> {
	if (kind === 'dropbox')
		return (await (
			await import('../../storage/fixtures/dropbox')
		).createDropboxFixture()) as unknown as CloudFixture;
	if (kind === 'googleDrive')
		return (await (
			await import('../../storage/fixtures/googleDrive')
		).createGoogleDriveFixture()) as unknown as CloudFixture;
	return (await (
		await import('../../storage/fixtures/oneDrive')
	).createOneDriveFixture({ sharePoint: kind === 'sharePoint' })) as unknown as CloudFixture;
}

/** A SharePoint destination names its site and library (from the list: the library's drive id). */
function libraryParameters(fixture: CloudFixture): INodeParameters {
	const { site, drive } = fixture as unknown as { site?: { id: string }; drive?: { id: string } };
	if (!site || !drive) return {};
	return {
		sharePointSite: { __rl: true, mode: 'id', value: site.id },
		sharePointLibrary: { __rl: true, mode: 'list', value: drive.id },
	};
}

/**
 * A cloud destination: the fake plays the cloud, the fixture plays the user, and the node reaches the fake
 * through n8n's httpRequestWithAuthentication with a connected credential whose API base URL is the fake.
 */
export async function cloudDestination(
	kind: CloudKind,
): Promise<ExportDestination & { fixture: CloudFixture }> {
	const fixture = await createCloudFixture(kind);
	const attach = await fakeCredential(kind, fixture);
	const start = fixture.fake.mark();
	const count = (match: (r: LoggedRequestLike) => boolean) =>
		fixture.fake.requests({ since: start }).filter(match).length;
	return {
		kind,
		fixture,
		parameters: {
			destination: kind,
			...libraryParameters(fixture),
			rootMode: 'folder',
			rootFolder: { __rl: true, mode: 'id', value: fixture.rootId },
		},
		attach,
		counts: () => ({
			changeFeed: count(CHANGE_FEED[kind]),
			uploads: count(UPLOAD[kind]),
			total: count(() => true),
		}),
		close: () => fixture.close(),
	};
}
