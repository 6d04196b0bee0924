import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type ILoadOptionsFunctions,
	type INodeExecutionData,
	type INodeListSearchResult,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { createCalendar } from '../shared/calendar/registry';
import { calendarSyncProperties, TWO_WAY_OUTPUTS } from './description';
import { disconnect, getLinks } from './links';
import { CREDENTIAL, sync } from './sync';

/** When the node has its two outputs (version 2, two-way sync), and what they are. */
const TWO_WAY_SYNC =
	'$nodeVersion >= 2 && $parameter["operation"] === "sync" && $parameter["direction"] === "twoWay"';
const TWO_WAY_OUTPUT_LIST = JSON.stringify(
	TWO_WAY_OUTPUTS.map((displayName) => ({ type: 'main', displayName })),
);

export class CalendarSync implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Calendar Sync',
		name: 'calendarSync',
		icon: { light: 'file:calendarSync.svg', dark: 'file:calendarSync.dark.svg' },
		group: ['transform'],
		// 2: two outputs in two-way mode, the time zone from the workflow, a note on a quiet manual run.
		version: [1, 2],
		defaultVersion: 2,
		subtitle:
			'={{ {"sync": $parameter["direction"] === "twoWay" ? "Two-way sync" : "One-way sync (activities to calendar)", ' +
			'"disconnect": "Disconnect the calendar", "getLinks": "List activity and event links"}' +
			'[$parameter["operation"]] }}',
		description:
			'Keep the activities of a CRM (Pipedrive, HubSpot, any source) and a Google Calendar in step',
		defaults: { name: 'Calendar Sync' },
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{ ${TWO_WAY_SYNC} ? ${TWO_WAY_OUTPUT_LIST} : ["main"] }}`,
		usableAsTool: true,
		credentials: [{ name: CREDENTIAL, required: true }],
		properties: calendarSyncProperties,
	};

	methods = {
		listSearch: {
			async searchCalendars(
				this: ILoadOptionsFunctions,
				filter?: string,
			): Promise<INodeListSearchResult> {
				const provider = await createCalendar(this);
				const needle = (filter ?? '').toLowerCase();
				const calendars = (await provider.listCalendars()).filter(
					(c) =>
						(c.accessRole === 'owner' || c.accessRole === 'writer') &&
						(!needle || `${c.summary} ${c.id}`.toLowerCase().includes(needle)),
				);
				return {
					results: calendars.map((c) => ({
						name: c.primary ? `${c.summary} (primary)` : c.summary,
						value: c.id,
						url: `https://calendar.google.com/calendar/embed?src=${encodeURIComponent(c.id)}`,
					})),
				};
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0, 'sync') as string;
		if (operation === 'disconnect') return await disconnect.call(this);
		if (operation === 'getLinks') return await getLinks.call(this);
		return await sync.call(this);
	}
}
