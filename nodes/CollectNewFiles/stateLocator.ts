import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import { COLLECT_STATE_OWNER } from '../shared/state/collectState';
import { stateOwner } from '../shared/state/staticData';

const PREFIX = 'cloudSync:';

/**
 * Confirm, Get History and Forget act on another node's state. State lives in global static data keyed by
 * the Collect node's id (so it survives renames); each state also records the node's display name, which is
 * what the user types. Empty name: the only Collect node of the workflow.
 */
export function locateCollectNodeId(ctx: IExecuteFunctions, name: string): string {
	const staticData = ctx.getWorkflowStaticData('global');
	const states: Array<{ id: string; node?: string }> = [];
	for (const [key, value] of Object.entries(staticData)) {
		if (!key.startsWith(PREFIX) || !value || typeof value !== 'object') continue;
		const state = value as IDataObject;
		if (stateOwner(state) === COLLECT_STATE_OWNER)
			states.push({ id: key.slice(PREFIX.length), node: state.node as string | undefined });
	}
	const wanted = name.trim();
	const matches = wanted ? states.filter((state) => state.node === wanted) : states;
	if (matches.length === 1) return matches[0].id;
	const known = states.map((state) => `"${state.node ?? state.id}"`).join(', ') || 'none yet';
	if (matches.length === 0) {
		throw new NodeOperationError(
			ctx.getNode(),
			wanted
				? `No Collect node named "${wanted}" has collected in this workflow`
				: 'No Collect node has collected in this workflow yet',
			{
				description:
					`Collect nodes with state: ${known}. A Collect node gets its state on ` +
					'its first production run; set "Collect Step Name" to its name.',
			},
		);
	}
	throw new NodeOperationError(
		ctx.getNode(),
		'Several Collect nodes in this workflow: set "Collect Step Name"',
		{
			description: `Collect nodes with state: ${known}.`,
		},
	);
}
