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
	/**
	 * Checks a stored value of the current version (or a migrated one) field by field: keeps what is valid, drops
	 * what is not, and says what it dropped (static data may be edited by hand, imported, or cut short). Pure.
	 */
	validate?(stored: T): CheckedState<T>;
}

/** A loaded state and what was wrong with it (empty when nothing was). */
export interface CheckedState<T> {
	state: T;
	/** One short sentence per problem found and repaired, for the node's warning. */
	problems: string[];
}

/**
 * The stored state was written by a newer version of the package: this version cannot read it and must not
 * overwrite it (a downgrade would otherwise destroy the newer version's state).
 */
export class StateTooNewError extends Error {
	constructor(
		readonly found: number,
		readonly known: number,
	) {
		super(
			`The saved state of this node has version ${found}; ` +
				`this version of n8n-nodes-cloud-sync reads versions up to ${known}. ` +
				'Use the version of n8n-nodes-cloud-sync that wrote it (update the ' +
				'package): the state was left as it is and nothing was run.',
		);
		this.name = 'StateTooNewError';
	}
}

/** The nodes whose states share the `cloudSync:` entries of static data. */
export type StateOwner = 'export' | 'collectNewFiles';

/**
 * Which node's state a static-data entry is. Every released version stores it under the key `kind` ('export',
 * 'collectNewFiles'), and a downgraded package reads that key, so the stored key stays as it is; this is the one
 * place that reads it (in code, `kind` otherwise names only a storage).
 */
export function stateOwner(entry: unknown): StateOwner | undefined {
	if (!entry || typeof entry !== 'object') return undefined;
	const owner = (entry as { kind?: unknown }).kind;
	return owner === 'export' || owner === 'collectNewFiles' ? owner : undefined;
}

export function stateKey(nodeId: string): string {
	return `cloudSync:${nodeId}`;
}

export function loadState<T>(
	ctx: Pick<IExecuteFunctions, 'getWorkflowStaticData'>,
	nodeId: string,
	schema: StateSchema<T>,
): T {
	return loadCheckedState(ctx, nodeId, schema).state;
}

/**
 * The node's state, checked: absent is empty; a newer version throws StateTooNewError (left as it is); an older or
 * unknown shape is migrated; then the schema's validator keeps what is valid and lists what it dropped.
 */
export function loadCheckedState<T>(
	ctx: Pick<IExecuteFunctions, 'getWorkflowStaticData'>,
	nodeId: string,
	schema: StateSchema<T>,
): CheckedState<T> {
	const stored = ctx.getWorkflowStaticData('global')[stateKey(nodeId)] as unknown;
	return checkStoredState(stored, schema);
}

/** Pure part of loadCheckedState, on the stored value itself. */
export function checkStoredState<T>(stored: unknown, schema: StateSchema<T>): CheckedState<T> {
	if (stored === undefined || stored === null) return { state: schema.empty(), problems: [] };
	if (typeof stored !== 'object' || Array.isArray(stored)) {
		// The validator says what an unreadable state means for its node (Collect must not take it for a first run).
		if (schema.validate) return schema.validate(stored as T);
		return {
			state: schema.empty(),
			problems: [
				'the saved state is not an object ' +
					`(${Array.isArray(stored) ? 'a list' : typeof stored}), so none of it could be read`,
			],
		};
	}
	// A JSON copy, not structuredClone: n8n hands static data out wrapped in Proxies (ObservableObject), which
	// structuredClone refuses ("could not be cloned"); static data is JSON in the database anyway.
	const copy = JSON.parse(JSON.stringify(stored)) as IDataObject & { v?: number };
	if (typeof copy.v === 'number' && copy.v > schema.version)
		throw new StateTooNewError(copy.v, schema.version);
	if (schema.validate && typeof copy.v !== 'number') {
		// Every saved state carries its version: without one it is damage, not an old shape (a migration would fill
		// the gaps with empty values and hide what was lost), so the validator judges it as it is.
		const checked = schema.validate(copy as unknown as T);
		return { ...checked, problems: ['its version number was missing', ...checked.problems] };
	}
	const current = copy.v === schema.version ? (copy as unknown as T) : schema.migrate(copy);
	return schema.validate ? schema.validate(current) : { state: current, problems: [] };
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

export function clearState(
	ctx: Pick<IExecuteFunctions, 'getWorkflowStaticData'>,
	nodeId: string,
): void {
	const staticData = ctx.getWorkflowStaticData('global');
	delete staticData[stateKey(nodeId)];
}
