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
import { calendarSyncProperties } from './description';
import { disconnect, getLinks } from './links';
import { CREDENTIAL, sync } from './sync';

export class CalendarSync implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Calendar Sync',
		name: 'calendarSync',
		icon: { light: 'file:calendarSync.svg', dark: 'file:calendarSync.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] === "sync" ? ($parameter["direction"] === "twoWay" ? "Two-way sync" : "One-way sync") : $parameter["operation"] }}',
		description: 'Keep activities from any source (Pipedrive, HubSpot, a database) and a Google Calendar in step',
		defaults: { name: 'Calendar Sync' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [{ name: CREDENTIAL, required: true }],
		properties: calendarSyncProperties,
	};

	methods = {
		listSearch: {
			async searchCalendars(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
				const provider = await createCalendar(this);
				const needle = (filter ?? '').toLowerCase();
				const calendars = (await provider.listCalendars()).filter(
					(c) => (c.accessRole === 'owner' || c.accessRole === 'writer') && (!needle || `${c.summary} ${c.id}`.toLowerCase().includes(needle)),
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
