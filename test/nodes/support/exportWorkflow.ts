import { tmpdir } from 'os';
import type { IDataObject, INodeCredentials, INodeParameters } from 'n8n-workflow';
import { ExportToFolder } from '../../../nodes/ExportToFolder/ExportToFolder.node';
import { LocalFolderStorage } from '../../../nodes/shared/storage/localFolder';
import type { RemoteItem, StorageKind, StorageProvider } from '../../../nodes/shared/storage/types';
import type { ProviderFixture } from '../../storage/fixture';
import { createLocalFolderFixture } from '../../storage/fixtures/localFolder';
import { WorkflowHarness, type InputItem, type RunResult } from '../../harness/workflow';

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

const COUNTED: Array<keyof StorageProvider> = [
	'root', 'getItem', 'resolveFolder', 'searchFolders', 'findChild', 'createFolder', 'list', 'latestCursor', 'changes',
	'upload', 'download', 'trash', 'delete', 'move',
];

/** Counts top-level calls on every LocalFolderStorage (the local folder's stand-in for requests), by method. */
function countLocalCalls(): { calls: Map<string, number>; restore(): void } {
	const calls = new Map<string, number>();
	let depth = 0;
	const proto = LocalFolderStorage.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
	const originals = new Map<string, (...args: unknown[]) => unknown>();
	for (const name of COUNTED) {
		const original = proto[name];
		originals.set(name, original);
		proto[name] = function (this: unknown, ...args: unknown[]) {
			if (depth === 0) calls.set(name, (calls.get(name) ?? 0) + 1);
			depth++;
			let result: unknown;
			try {
				result = original.apply(this, args);
			} catch (error) {
				depth--;
				throw error;
			}
			if (result && typeof (result as Promise<unknown>).finally === 'function') return (result as Promise<unknown>).finally(() => depth--);
			depth--;
			return result;
		};
	}
	return {
		calls,
		restore() {
			for (const [name, original] of originals) proto[name] = original;
		},
	};
}

export async function localDestination(): Promise<ExportDestination & { baseDir: string }> {
	// n8n 2.x only lets nodes touch allowed folders; an operator allows the export folder like this.
	process.env.N8N_RESTRICT_FILE_ACCESS_TO = tmpdir();
	const fixture = await createLocalFolderFixture();
	const counter = countLocalCalls();
	const total = () => [...counter.calls.values()].reduce((a, b) => a + b, 0);
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
		counts: () => ({ changeFeed: counter.calls.get('changes') ?? 0, uploads: counter.calls.get('upload') ?? 0, total: total() }),
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
		binary: { [binaryProperty]: { data: typeof doc.content === 'string' ? Buffer.from(doc.content) : doc.content, fileName: doc.fileName ?? `${doc.id}.pdf`, mimeType: 'application/pdf' } },
	};
}

export interface ExportWorkflow {
	harness: WorkflowHarness;
	run(docs: Array<Doc | InputItem>, mode?: 'trigger' | 'webhook' | 'manual'): Promise<{ result: RunResult; json: IDataObject[] }>;
	setParameters(extra: INodeParameters): void;
	/** Resume Stopped Folders in a production run. */
	resume(parameters?: INodeParameters): Promise<IDataObject[]>;
	stateOf(): IDataObject | undefined;
}

function isInputItem(doc: Doc | InputItem): doc is InputItem {
	return (doc as InputItem).json !== undefined && (doc as Doc).content === undefined;
}

export function exportWorkflow(destination: ExportDestination, extra: INodeParameters = {}, options: { continueOnFail?: boolean } = {}): ExportWorkflow {
	const harness = new WorkflowHarness();
	harness.registerNode('exportToFolder', new ExportToFolder());
	const credentials = destination.attach(harness);
	const base: INodeParameters = { operation: 'export', ...destination.parameters, dateField: '={{ $json.date }}' };
	harness.addNode({ name: EXPORT, type: 'exportToFolder', parameters: { ...base, ...extra }, credentials, continueOnFail: options.continueOnFail });
	return {
		harness,
		async run(docs, mode = 'trigger') {
			const result = await harness.run({ mode, input: docs.map((doc) => (isInputItem(doc) ? doc : docItem(doc))) });
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
export async function filesBelow(provider: StorageProvider, folderId: string): Promise<Map<string, RemoteItem>> {
	const files = new Map<string, RemoteItem>();
	for await (const item of provider.list(folderId, { recursive: true })) if (!item.isFolder) files.set(item.path ?? item.name, item);
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
