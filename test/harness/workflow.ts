import { randomUUID } from 'crypto';
import { ExecutionLifecycleHooks, LoadOptionsContext, WorkflowExecute } from 'n8n-core';
import {
	NodeConnectionTypes,
	Workflow,
	type ICredentialType,
	type IConnections,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeCredentials,
	type INodeExecutionData,
	type INodeListSearchResult,
	type INodeType,
	type INodeTypeDescription,
	type INodeTypes,
	type IRun,
	type IVersionedNodeType,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';
import { Container } from '@n8n/di';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';
import { HarnessCredentials } from './credentials';

// n8n-core's engine starts an SSH-tunnel cleanup interval (SSHClientsManager) the first time a node runs, and
// n8n stops it on shutdown; the tests' shutdown is the end of each test file, so the process can end by itself.
if (typeof afterAll === 'function') afterAll(() => Container.get(SSHClientsManager).onShutdown());

/**
 * Runs workflows through n8n-core's real WorkflowExecute, the engine n8n itself uses, with n8n's rules for
 * static data: saved after every run except manual ones (failed runs included), and only when changed.
 * n8n's NodeTestHarness is not published, so this is our own (research/n8n-host.md section 7).
 */

/** An input item for the start node; binary content goes through n8n's prepareBinaryData. */
export interface InputItem {
	json: IDataObject;
	binary?: Record<string, { data: Buffer | string; fileName?: string; mimeType?: string }>;
}

/** The start node: emits the items the test hands to run(). Stands in for a Schedule Trigger or Webhook. */
class HarnessInput implements INodeType {
	static pending = new Map<string, InputItem[]>();

	description: INodeTypeDescription = {
		displayName: 'Harness Input',
		name: 'harnessInput',
		group: ['input'],
		version: 1,
		description: 'Emits the test input items',
		defaults: { name: 'Input' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Run', name: 'runId', type: 'string', default: '' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const runId = this.getNodeParameter('runId', 0) as string;
		const items = HarnessInput.pending.get(runId) ?? [{ json: {} }];
		const out: INodeExecutionData[] = [];
		for (const item of items) {
			const result: INodeExecutionData = { json: item.json };
			if (item.binary) {
				result.binary = {};
				for (const [key, file] of Object.entries(item.binary)) {
					const data = typeof file.data === 'string' ? Buffer.from(file.data) : file.data;
					result.binary[key] = await this.helpers.prepareBinaryData(
						data,
						file.fileName,
						file.mimeType,
					);
				}
			}
			out.push(result);
		}
		return [out];
	}
}

class NodeTypeRegistry implements INodeTypes {
	private readonly types = new Map<string, INodeType | IVersionedNodeType>();

	add(typeName: string, type: INodeType | IVersionedNodeType): void {
		this.types.set(typeName, type);
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types.get(nodeType);
		if (!type) throw new Error(`Unknown node type ${nodeType}`);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		const type = this.getByName(nodeType);
		if ('nodeVersions' in type) return type.getNodeType(version);
		return type;
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}

export interface HarnessNode {
	name: string;
	/** A type registered with `registerNode` (short name, e.g. 'exportToFolder'). */
	type: string;
	parameters?: INode['parameters'];
	credentials?: INodeCredentials;
	typeVersion?: number;
	continueOnFail?: boolean;
}

export interface RunOptions {
	/** Default 'trigger' (a production run, as a Schedule Trigger starts it). */
	mode?: WorkflowExecuteMode;
	input?: InputItem[];
}

export interface RunResult {
	run: IRun;
	status: IRun['status'];
	/** The error that stopped the run, if any. */
	error?: Error;
	/** The static data the engine handed to the save hook (undefined when nothing changed). */
	newStaticData?: IDataObject;
	/** Whether the harness, like n8n, stored that static data (never after a manual run). */
	staticDataSaved: boolean;
	/** Items a node emitted on its first output, in its last run. */
	output(nodeName: string, outputIndex?: number): INodeExecutionData[];
	/** The error a node raised, if any. */
	nodeError(nodeName: string): Error | undefined;
}

/** The harness's own types are namespaced like a community package's nodes. */
const PACKAGE = 'n8n-nodes-cloud-sync';

export class WorkflowHarness {
	readonly credentials = new HarnessCredentials();
	/** The workflow's stored static data, as n8n's database row would hold it. */
	staticData: IDataObject = {};
	readonly workflowId = `wf${randomUUID().replace(/-/g, '').slice(0, 14)}`;
	private readonly nodeTypes = new NodeTypeRegistry();
	private readonly nodes: INode[] = [];
	private readonly connections: IConnections = {};

	constructor() {
		this.nodeTypes.add(`${PACKAGE}.harnessInput`, new HarnessInput());
		this.nodes.push(this.makeNode({ name: 'Input', type: 'harnessInput' }, [0, 0]));
	}

	registerNode(shortName: string, type: INodeType | IVersionedNodeType): this {
		this.nodeTypes.add(`${PACKAGE}.${shortName}`, type);
		return this;
	}

	registerCredentialType(type: ICredentialType): this {
		this.credentials.registerType(type);
		return this;
	}

	/** Append a node to the chain: Input -> first added -> second added ... */
	addNode(node: HarnessNode): this {
		const previous = this.nodes[this.nodes.length - 1];
		this.nodes.push(this.makeNode(node, [this.nodes.length * 200, 0]));
		this.connections[previous.name] = {
			main: [[{ node: node.name, type: NodeConnectionTypes.Main, index: 0 }]],
		};
		return this;
	}

	node(name: string): INode {
		const found = this.nodes.find((candidate) => candidate.name === name);
		if (!found) throw new Error(`no node ${name}`);
		return found;
	}

	/** Change a node's parameters between runs (as a user editing the workflow would). */
	setParameters(name: string, parameters: INode['parameters']): void {
		this.node(name).parameters = parameters;
	}

	async run(options: RunOptions = {}): Promise<RunResult> {
		const mode = options.mode ?? 'trigger';
		const runId = randomUUID();
		HarnessInput.pending.set(runId, options.input ?? [{ json: {} }]);
		const nodes = this.nodes.map((node) =>
			node.name === 'Input' ? { ...node, parameters: { runId } } : structuredClone(node),
		);
		const workflow = new Workflow({
			id: this.workflowId,
			name: 'harness',
			nodes,
			connections: this.connections,
			active: mode !== 'manual',
			nodeTypes: this.nodeTypes,
			staticData: structuredClone(this.staticData),
			settings: { executionOrder: 'v1' },
		});
		const executionId = randomUUID();
		const hooks = new ExecutionLifecycleHooks(mode, executionId, {
			id: this.workflowId,
			name: 'harness',
			active: mode !== 'manual',
			isArchived: false,
			createdAt: new Date(),
			updatedAt: new Date(),
			nodes,
			connections: this.connections,
			settings: {},
			activeVersionId: null,
		} as never);
		let newStaticData: IDataObject | undefined;
		let staticDataSaved = false;
		hooks.addHandler('workflowExecuteAfter', async (_run: IRun, changed?: IDataObject) => {
			// n8n stores static data in a JSON column; a JSON round trip is exactly what survives.
			newStaticData =
				changed === undefined ? undefined : (JSON.parse(JSON.stringify(changed)) as IDataObject);
			// n8n's save hooks: never after a manual run; otherwise whenever the engine reports a change.
			if (newStaticData && mode !== 'manual') {
				this.staticData = newStaticData;
				staticDataSaved = true;
			}
		});
		const additionalData = this.additionalData(hooks, executionId);
		const run = await new WorkflowExecute(additionalData, mode).run({
			workflow,
			startNode: nodes[0],
		});
		HarnessInput.pending.delete(runId);
		const runData = run.data.resultData.runData;
		return {
			run,
			status: run.status,
			error: run.data.resultData.error as Error | undefined,
			newStaticData,
			staticDataSaved,
			output(nodeName: string, outputIndex = 0) {
				const runs = runData[nodeName];
				if (!runs?.length) return [];
				return runs[runs.length - 1].data?.main?.[outputIndex] ?? [];
			},
			nodeError(nodeName: string) {
				const runs = runData[nodeName];
				return runs?.[runs.length - 1]?.error as Error | undefined;
			},
		};
	}

	/**
	 * A resource locator's "From List" as n8n's editor asks for it (POST /rest/dynamic-node-parameters/
	 * resource-locator-results, DynamicNodeParametersService.getResourceLocatorResults in n8n 1.123): a one-node
	 * workflow "Temp-Node" holding the node's current parameters and credentials, n8n-core's LoadOptionsContext on
	 * it, and the node type's listSearch method called with the typed filter and the page token.
	 */
	async listSearch(
		nodeName: string,
		methodName: string,
		options: { filter?: string; paginationToken?: string; path?: string } = {},
	): Promise<INodeListSearchResult> {
		const source = this.node(nodeName);
		const node: INode = {
			parameters: structuredClone(source.parameters),
			id: 'uuid-1234',
			name: 'Temp-Node',
			type: source.type,
			typeVersion: source.typeVersion,
			position: [0, 0],
			...(source.credentials ? { credentials: source.credentials } : {}),
		};
		const workflow = new Workflow({
			nodes: [node],
			connections: {},
			active: false,
			nodeTypes: this.nodeTypes,
		});
		const method = this.nodeTypes.getByNameAndVersion(node.type, node.typeVersion).methods
			?.listSearch?.[methodName];
		if (typeof method !== 'function')
			throw new Error(`${node.type} has no listSearch.${methodName}`);
		const context = new LoadOptionsContext(
			workflow,
			workflow.nodes['Temp-Node'],
			this.additionalData(undefined as never, randomUUID()),
			options.path ?? `parameters.${methodName}`,
		);
		return await method.call(context, options.filter, options.paginationToken);
	}

	/** Two runs started together from the same stored static data (two webhook calls); last writer wins. */
	async runConcurrently(count: number, options: RunOptions = {}): Promise<RunResult[]> {
		return await Promise.all(Array.from({ length: count }, () => this.run(options)));
	}

	private makeNode(node: HarnessNode, position: [number, number]): INode {
		return {
			id: randomUUID(),
			name: node.name,
			type: `${PACKAGE}.${node.type}`,
			typeVersion: node.typeVersion ?? 1,
			position,
			parameters: node.parameters ?? {},
			credentials: node.credentials,
			...(node.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
		};
	}

	private additionalData(
		hooks: ExecutionLifecycleHooks,
		executionId: string,
	): IWorkflowExecuteAdditionalData {
		return {
			credentialsHelper: this.credentials,
			hooks,
			executionId,
			currentNodeExecutionIndex: 0,
			restApiUrl: 'http://127.0.0.1:5678/rest',
			instanceBaseUrl: 'http://127.0.0.1:5678/',
			formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
			webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
			webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
			webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
			variables: {},
			executeWorkflow: async () => {
				throw new Error('sub-workflows are not supported by the harness');
			},
			getRunExecutionData: async () => undefined,
			logAiEvent: () => undefined,
			startRunnerTask: async () => {
				throw new Error('task runners are not supported by the harness');
			},
		} as unknown as IWorkflowExecuteAdditionalData;
	}
}

export function nodeIdOf(harness: WorkflowHarness, name: string): string {
	return harness.node(name).id;
}
