import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { CollectNewFiles } from '../../../nodes/CollectNewFiles/CollectNewFiles.node';
import { WorkflowHarness, type RunResult } from '../../harness/workflow';
import type { CollectSource } from './collectSources';

/** A node that fails the execution when told to: "the workflow broke after Collect and before Confirm". */
export class FailSwitch implements INodeType {
	static failNext = false;

	description: INodeTypeDescription = {
		displayName: 'Fail Switch',
		name: 'failSwitch',
		group: ['transform'],
		version: 1,
		description: 'Fails when the test says so',
		defaults: { name: 'Fail Switch' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		if (FailSwitch.failNext) {
			FailSwitch.failNext = false;
			throw new NodeOperationError(this.getNode(), 'downstream failure (test)');
		}
		return [this.getInputData()];
	}
}

export const COLLECT = 'Collect';

export interface CollectWorkflow {
	harness: WorkflowHarness;
	/** Runs the workflow (production "trigger" mode unless told otherwise) and returns the Collect node's output. */
	run(
		mode?: 'trigger' | 'webhook' | 'manual',
	): Promise<{ result: RunResult; items: INodeExecutionData[]; json: IDataObject[] }>;
	/** Runs another operation (Get History, Forget) on the same node id through a second node of the same workflow. */
	operate(parameters: INodeParameters, mode?: 'trigger' | 'manual'): Promise<IDataObject[]>;
	setCollectParameters(parameters: INodeParameters): void;
}

export function collectParameters(
	source: CollectSource,
	extra: INodeParameters = {},
): INodeParameters {
	return {
		operation: 'collect',
		source: source.kind,
		...source.parameters,
		folder: source.folderParameter,
		includeSubfolders: true,
		firstRun: 'everything',
		...extra,
	};
}

/**
 * Input -> Collect [-> Fail Switch -> Confirm]. Other operations run on the same harness by swapping the
 * Collect node's parameters for one run, which keeps its id (and so its state) like a second node would find it.
 */
export function collectWorkflow(
	source: CollectSource,
	extra: INodeParameters = {},
	options: { confirm?: boolean } = {},
): CollectWorkflow {
	const harness = new WorkflowHarness();
	harness
		.registerNode('collectNewFiles', new CollectNewFiles())
		.registerNode('failSwitch', new FailSwitch());
	const credentials = source.attach(harness);
	let parameters = collectParameters(source, extra);
	harness.addNode({ name: COLLECT, type: 'collectNewFiles', parameters, credentials });
	if (options.confirm) {
		harness.addNode({ name: 'Fail Switch', type: 'failSwitch' });
		harness.addNode({
			name: 'Confirm',
			type: 'collectNewFiles',
			parameters: { operation: 'confirm', collectNode: COLLECT },
		});
	}
	return {
		harness,
		async run(mode = 'trigger') {
			const result = await harness.run({ mode });
			const items = result.output(COLLECT);
			return { result, items, json: items.map((item) => item.json) };
		},
		async operate(operationParameters, mode = 'trigger') {
			harness.setParameters(COLLECT, { ...operationParameters, collectNode: COLLECT });
			try {
				const result = await harness.run({ mode });
				const error = result.nodeError(COLLECT);
				if (error) throw error;
				return result.output(COLLECT).map((item) => item.json);
			} finally {
				harness.setParameters(COLLECT, parameters);
			}
		},
		setCollectParameters(next) {
			parameters = collectParameters(source, next);
			harness.setParameters(COLLECT, parameters);
		},
	};
}
