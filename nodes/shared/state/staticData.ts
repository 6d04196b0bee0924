import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

/**
 * Versioned node state in workflow static data. Global scope keyed by the node's id (not its name, so a rename
 * keeps the state and a Confirm node can find its Collect node). Saved by reassigning the top-level key:
 * n8n only notices top-level reassignments reliably.
 */
export interface StateSchema<T> {
	/** Current schema version, stored as `v`. */
	version: number;
	empty(): T;
	/** Bring an older (or unknown-shaped) stored value up to the current version; never discard data. */
	migrate(stored: IDataObject & { v?: number }): T;
}

export function stateKey(nodeId: string): string {
	return `cloudSync:${nodeId}`;
}

export function loadState<T>(ctx: Pick<IExecuteFunctions, 'getWorkflowStaticData'>, nodeId: string, schema: StateSchema<T>): T {
	const stored = ctx.getWorkflowStaticData('global')[stateKey(nodeId)] as (IDataObject & { v?: number }) | undefined;
	if (!stored || typeof stored !== 'object') return schema.empty();
	// A JSON copy, not structuredClone: n8n hands static data out wrapped in Proxies (ObservableObject), which
	// structuredClone refuses ("could not be cloned"); static data is JSON in the database anyway.
	const copy = JSON.parse(JSON.stringify(stored)) as IDataObject & { v?: number };
	if (copy.v === schema.version) return copy as unknown as T;
	return schema.migrate(copy);
}

export function saveState<T extends object>(
	ctx: Pick<IExecuteFunctions, 'getWorkflowStaticData'>,
	nodeId: string,
	schema: StateSchema<T>,
	state: T,
): void {
	const staticData = ctx.getWorkflowStaticData('global');
	staticData[stateKey(nodeId)] = { ...state, v: schema.version } as unknown as IDataObject;
}

export function clearState(ctx: Pick<IExecuteFunctions, 'getWorkflowStaticData'>, nodeId: string): void {
	const staticData = ctx.getWorkflowStaticData('global');
	delete staticData[stateKey(nodeId)];
}
