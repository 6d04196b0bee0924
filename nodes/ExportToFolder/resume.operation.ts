import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';
import {
	decodeExportState,
	encodeExportState,
	exportStateSchema,
} from '../shared/state/exportState';
import { loadState, saveState, stateKey, stateOwner } from '../shared/state/staticData';

const PREFIX = 'cloudSync:';

/**
 * Which Export node's state to resume: this node's own, else the one whose recorded name matches (a Resume node
 * placed in another branch), else the only export state of the workflow. State is keyed by node id; each export
 * state records its node's name at every run.
 */
export function locateExportNodeId(ctx: IExecuteFunctions, name: string): string {
	const staticData = ctx.getWorkflowStaticData('global');
	const self = ctx.getNode();
	const wanted = name.trim();
	const states: Array<{ id: string; node?: string }> = [];
	for (const [key, value] of Object.entries(staticData)) {
		if (!key.startsWith(PREFIX) || !value || typeof value !== 'object') continue;
		const state = value as IDataObject;
		// A node exporting into a root per item keeps one state per root: `<node id>@<root>` (one node all the same).
		const id = key.slice(PREFIX.length).split('@')[0];
		if (stateOwner(state) === 'export' && !states.some((s) => s.id === id))
			states.push({ id, node: state.node as string | undefined });
	}
	if (!wanted || wanted === self.name) {
		if (states.some((s) => s.id === self.id)) return self.id;
	}
	const matches = wanted ? states.filter((s) => s.node === wanted) : states;
	if (matches.length === 1) return matches[0].id;
	const known = states.map((s) => `"${s.node ?? s.id}"`).join(', ') || 'none yet';
	throw new NodeOperationError(
		ctx.getNode(),
		matches.length === 0
			? wanted
				? `No Export to Folder node named "${wanted}" has exported in this workflow`
				: 'No Export to Folder node has exported in this workflow yet'
			: 'Several Export to Folder nodes in this workflow: set "Export Step Name"',
		{
			description: `Export nodes with state: ${known}. A node gets its state on its first production run.`,
		},
	);
}

/** Clears stopped folders: their documents are exported again by the next export run. */
export async function resumeOperation(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const nodeId = locateExportNodeId(ctx, String(ctx.getNodeParameter('exportNodeName', 0, '')));
	const only = String(ctx.getNodeParameter('resumeFolders', 0, ''))
		.split(',')
		.map((p) => p.trim().replace(/^\/+|\/+$/g, ''))
		.filter((p) => p !== '');
	const staticData = ctx.getWorkflowStaticData('global');
	const stateIds = Object.keys(staticData)
		.filter((key) => key === stateKey(nodeId) || key.startsWith(`${stateKey(nodeId)}@`))
		.map((key) => key.slice(PREFIX.length));
	if (stateIds.length === 0) return [[{ json: { resumed: [], stillStopped: [] } }]];
	const matches = (path: string) =>
		only.length === 0 || only.some((o) => o.toLowerCase() === path.toLowerCase());
	const resumed: string[] = [];
	const stillStopped: string[] = [];
	for (const id of stateIds) {
		const state = decodeExportState(loadState(ctx, id, exportStateSchema));
		resumed.push(...state.stopped.filter(matches));
		state.stopped = state.stopped.filter((path) => !matches(path));
		stillStopped.push(...state.stopped);
		saveState(ctx, id, exportStateSchema, encodeExportState(state));
	}
	return [[{ json: { resumed, stillStopped }, pairedItem: { item: 0 } }]];
}
