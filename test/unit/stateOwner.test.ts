/**
 * Which node a saved state belongs to is read through one function (stateOwner), from the key every released
 * version stores it under (`kind`). States as version 0.1 wrote them (Export state version 1, Collect state
 * version 1) and as today's code writes them are found by the Resume and Confirm operations' locators, by name.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { locateCollectNodeId } from '../../nodes/CollectNewFiles/stateLocator';
import { locateExportNodeId } from '../../nodes/ExportToFolder/resume.operation';
import { calendarStateSchema } from '../../nodes/shared/state/calendarState';
import { collectStateSchema } from '../../nodes/shared/state/collectState';
import { emptyExportState, encodeExportState } from '../../nodes/shared/state/exportState';
import { stateKey, stateOwner } from '../../nodes/shared/state/staticData';

/** As 0.1 saved them: Export state version 1 and Collect state version 1, each marked by its `kind`. */
const EXPORT_V1: IDataObject = {
	v: 1,
	kind: 'export',
	node: 'Export 0.1',
	folders: [],
	stopped: [],
	records: '',
};
const COLLECT_V1: IDataObject = {
	v: 1,
	kind: 'collectNewFiles',
	node: 'Collect 0.1',
	collected: '',
	known: '',
	pending: [],
	history: [],
	total: 0,
};

function today(): { exported: IDataObject; collected: IDataObject } {
	const exportState = { ...emptyExportState(), node: 'Export today' };
	const collectState = { ...collectStateSchema.empty(), node: 'Collect today' };
	return {
		exported: encodeExportState(exportState) as unknown as IDataObject,
		collected: { v: 1, ...collectState } as unknown as IDataObject,
	};
}

function context(
	staticData: IDataObject,
	self = { id: 'self', name: 'Resume' },
): IExecuteFunctions {
	return {
		getWorkflowStaticData: () => staticData,
		getNode: () => self,
	} as unknown as IExecuteFunctions;
}

describe('stateOwner: which node a saved state belongs to', () => {
	test('states written by 0.1 and by today are each read as their node’s', () => {
		const { exported, collected } = today();
		expect([EXPORT_V1, exported].map(stateOwner)).toEqual(['export', 'export']);
		expect([COLLECT_V1, collected].map(stateOwner)).toEqual(['collectNewFiles', 'collectNewFiles']);
	});

	test('a Calendar Sync state, a hand-edited mark, or no object at all belongs to no file node', () => {
		const calendar = calendarStateSchema.empty() as unknown as IDataObject;
		expect(
			[calendar, { kind: 'googleDrive' }, { kind: 7 }, 'export', null, undefined].map(stateOwner),
		).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
	});

	test('the Resume and Confirm operations find states of 0.1 and of today by the node’s name', () => {
		const { exported, collected } = today();
		const staticData: IDataObject = {
			[stateKey('export-old')]: EXPORT_V1,
			[`${stateKey('export-new')}@root-2`]: exported,
			[stateKey('collect-old')]: COLLECT_V1,
			[stateKey('collect-new')]: collected,
			[stateKey('calendar')]: calendarStateSchema.empty() as unknown as IDataObject,
		};
		const ctx = context(staticData);
		expect(locateExportNodeId(ctx, 'Export 0.1')).toBe('export-old');
		expect(locateExportNodeId(ctx, 'Export today')).toBe('export-new');
		expect(locateCollectNodeId(ctx, 'Collect 0.1')).toBe('collect-old');
		expect(locateCollectNodeId(ctx, 'Collect today')).toBe('collect-new');
		expect(() => locateCollectNodeId(ctx, '')).toThrow('Several Collect nodes in this workflow');
	});
});
