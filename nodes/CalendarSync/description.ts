import type { INodeProperties } from 'n8n-workflow';
import type { FieldMapping } from './activityMapping';
import { describeMapping, PRESET_MAPPINGS, type FieldPreset } from './fieldPresets';

const onSync = { show: { operation: ['sync'] } };
const onTwoWay = { show: { operation: ['sync'], direction: ['twoWay'] } };
/** Version 2: two outputs in two-way mode, the time zone from the workflow, a note on a quiet manual run. */
const v1 = { '@version': [1] };
const v2 = { '@version': [2] };

/**
 * The output names of version 2 in two-way mode (also the node's `outputs` expression): what to write back to the
 * CRM, and what was done in the calendar. Short: the canvas cuts output labels after about a dozen characters.
 */
export const TWO_WAY_OUTPUTS = ['To CRM', 'Calendar Log'];

const MAPPING_LABELS: Record<keyof FieldMapping, [string, string]> = {
	id: ['ID', 'Field with the activity ID (required)'],
	type: ['Type', 'Field with the activity type (call, meeting, task, ...)'],
	subject: ['Subject', 'Field with the title of the activity'],
	start: ['Start', 'Field with the start: a date (YYYY-MM-DD), a date-time, or epoch milliseconds'],
	startTime: [
		'Start Time',
		'Optional field with a time of day (HH:MM) joined to a date in Start; no time means all day',
	],
	end: ['End', 'Optional field with the end (takes precedence over Duration)'],
	duration: ['Duration', 'Field with the duration, HH:MM or minutes'],
	allDay: ['All Day', 'Optional field that marks all-day activities'],
	done: ['Done', 'Field that marks finished activities'],
	private: ['Private', 'Field that marks private activities'],
	contacts: ['Linked Contacts', 'Field with the linked person name(s)'],
	organization: ['Organization', 'Field with the linked organization'],
	deal: ['Deal', 'Field with the linked deal'],
	updatedAt: ['Updated At', 'Field with the time of the last change (for "newest change wins")'],
	description: ['Description', 'Field with the note or description'],
	deleted: ['Deleted', 'Field that marks deleted activities'],
	eventId: [
		'Event ID',
		'Optional field where the activity source stores the calendar event ID (two-way)',
	],
	attendees: [
		'Attendee Emails',
		'Field with attendee e-mail addresses (used only when "Invite Attendees" is on)',
	],
};

export const calendarSyncProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Sync',
				value: 'sync',
				action: 'Sync activities with the calendar',
				description: 'Bring the activities and the calendar in step',
			},
			{
				name: 'Disconnect',
				value: 'disconnect',
				action: 'Disconnect the calendar',
				description: 'Forget the sync state (optionally delete the events this node created)',
			},
			{
				name: 'Get Links',
				value: 'getLinks',
				action: 'Get the activity to event links',
				description: 'List which calendar event belongs to which activity',
			},
		],
		default: 'sync',
	},
	{
		displayName: 'Calendar',
		name: 'calendar',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'The Google calendar to keep in step (Pipedrive recommends a dedicated calendar)',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchCalendars', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'primary or team@group.calendar.google.com',
				validation: [
					{ type: 'regex', properties: { regex: '.+', errorMessage: 'Enter a calendar ID' } },
				],
			},
		],
	},
	{
		displayName: 'Direction',
		name: 'direction',
		type: 'options',
		displayOptions: onSync,
		options: [
			{
				name: 'One-Way (Activities → Calendar)',
				value: 'oneWay',
				description: 'The calendar mirrors the activities',
			},
			{
				name: 'Two-Way',
				value: 'twoWay',
				description:
					'Changes made in the calendar also come out as items to write back to the CRM (first output, "To CRM")',
			},
		],
		default: 'oneWay',
	},
	{
		displayName: 'Which Activities Come In',
		name: 'inputMode',
		type: 'options',
		displayOptions: onSync,
		options: [
			{
				name: 'All of Them, Every Run',
				value: 'full',
				description: 'An activity missing from the input was deleted: its event goes too',
			},
			{
				name: 'Only the Changed Ones',
				value: 'changed',
				description: 'A missing activity is left alone; deletions come through the Deleted field',
			},
		],
		default: 'full',
	},
	{
		displayName: 'Activity Types to Sync',
		name: 'activityTypes',
		type: 'string',
		displayOptions: onSync,
		default: '',
		placeholder: 'e.g. meeting, call',
		description:
			'The activity types that go to the calendar, as your CRM names them, separated by commas. Empty: every type.',
	},
	{
		displayName: 'Type for New Calendar Events',
		name: 'importType',
		type: 'string',
		displayOptions: onTwoWay,
		default: 'meeting',
		description:
			'An event someone adds in the calendar comes back as a new activity of this type (as your CRM names it)',
	},
	{
		displayName: 'Private Activities and Events',
		name: 'privatePolicy',
		type: 'options',
		displayOptions: onSync,
		options: [
			{ name: 'Sync as Private', value: 'private' },
			{ name: 'Sync as Busy Without Details', value: 'busy' },
			{
				name: "Don't Sync",
				value: 'skip',
				description: 'Not recommended: the calendar may show you free when you are not',
			},
		],
		default: 'private',
	},
	{
		displayName: 'Conflicts',
		name: 'conflictPolicy',
		type: 'options',
		displayOptions: onTwoWay,
		options: [
			{ name: 'Newest Change Wins', value: 'newest' },
			{ name: 'Activities Win', value: 'activities' },
			{ name: 'Calendar Wins', value: 'calendar' },
		],
		default: 'newest',
		description:
			'Which change is kept when an activity and its event both changed ' +
			'since the last run; the other one is reported in the output',
	},
	{
		displayName: 'Propagate Deletions',
		name: 'propagateDeletions',
		type: 'boolean',
		displayOptions: onSync,
		default: true,
		description:
			'Whether deleting on one side deletes on the other (otherwise the pair is only unlinked)',
	},
	{
		displayName: 'Import From (Days Ago)',
		name: 'windowDays',
		type: 'number',
		displayOptions: onSync,
		typeOptions: { minValue: 0 },
		default: 30,
		description: 'Events and activities that ended before this many days ago are left alone',
	},
	{
		displayName: 'Time Zone',
		name: 'timeZone',
		type: 'string',
		displayOptions: { show: { operation: ['sync'], ...v1 } },
		default: 'UTC',
		description: 'IANA time zone of activity times without an offset (Pipedrive stores UTC)',
	},
	{
		displayName: 'Time Zone',
		name: 'timeZone',
		type: 'string',
		displayOptions: { show: { operation: ['sync'], ...v2 } },
		default: '',
		placeholder: 'e.g. Europe/Paris',
		description:
			'How to read activity times that carry no time zone (an IANA name). ' +
			'Empty: UTC for Pipedrive (its API gives times in UTC), ' +
			"the workflow's time zone (Workflow Settings) for the others.",
	},
	{
		displayName: 'Activities Come From',
		name: 'fieldPreset',
		type: 'options',
		displayOptions: onSync,
		options: [
			{
				name: 'Pipedrive',
				value: 'pipedrive',
				description: "Activities as Pipedrive's API and n8n's Pipedrive node give them",
			},
			{
				name: 'HubSpot (Meetings)',
				value: 'hubspot',
				description: "Meetings as HubSpot's CRM API and n8n's HubSpot node give them",
			},
			{
				name: 'Other (Name the Fields)',
				value: 'custom',
				description: 'Say which field of the input items holds what',
			},
		],
		default: 'pipedrive',
		description: 'Decides which fields of the input items are read; change single names below',
	},
	...(['pipedrive', 'hubspot'] as FieldPreset[]).map((preset) => ({
		displayName: `Fields read: ${describeMapping(PRESET_MAPPINGS[preset], MAPPING_LABELS)}`,
		name: `fieldsNotice_${preset}`,
		type: 'notice' as const,
		default: '',
		displayOptions: { show: { operation: ['sync'], fieldPreset: [preset] } },
	})),
	...(['pipedrive', 'hubspot'] as FieldPreset[]).map((preset) =>
		mappingCollection(preset, {}, 'Change a Field Name'),
	),
	// "Other": every field shown with a value to change, starting from Pipedrive's names.
	mappingCollection('custom', { ...PRESET_MAPPINGS.custom }, 'Add a Field'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		displayOptions: onSync,
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Busy Title',
				name: 'busyTitle',
				type: 'string',
				default: 'Busy',
				description: 'Title of events for private activities synced as busy',
			},
			{
				displayName: 'Default Duration (Minutes)',
				name: 'defaultDuration',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 30,
				description: 'Length of timed activities without an end or duration',
			},
			{
				displayName: 'Go On When Most Items Would Be Deleted',
				name: 'allowMassDeletion',
				type: 'boolean',
				default: false,
				description:
					'Whether to go on when one side suddenly looks empty or more ' +
					'than half of the synced items would be deleted. Leave off: ' +
					'a wrong calendar or an empty input looks the same.',
			},
			{
				displayName: 'Include Linked Records',
				name: 'includeLinks',
				type: 'boolean',
				default: true,
				description:
					'Whether to put the linked contacts, organization and deal in the event description',
			},
			{
				displayName: 'Invite Attendees',
				name: 'addAttendees',
				type: 'boolean',
				default: false,
				description:
					'Whether to add the attendee e-mails as event guests. Google does not e-mail them (updates are sent to nobody).',
			},
			{
				displayName: 'Output Calendar Changes',
				name: 'outputCalendarChanges',
				type: 'boolean',
				default: true,
				description:
					'Whether to output an item for each event created, ' +
					'updated or deleted (on the "Calendar Log" output in two-way mode) ' +
					'besides the changes to write back to the CRM',
			},
		],
	},
	{
		displayName: 'Delete Created Events',
		name: 'deleteCreatedEvents',
		type: 'boolean',
		displayOptions: { show: { operation: ['disconnect'] } },
		default: false,
		description:
			'Whether to delete the events this sync created from activities (events imported from the calendar stay)',
	},
];

/** The field names, for one preset: its own defaults (empty: the preset's names apply, change single ones). */
function mappingCollection(
	preset: FieldPreset,
	defaults: Partial<FieldMapping>,
	placeholder: string,
): INodeProperties {
	return {
		displayName: preset === 'custom' ? 'Field Names' : 'Change Field Names',
		name: 'fieldMapping',
		type: 'collection',
		displayOptions: { show: { operation: ['sync'], fieldPreset: [preset] } },
		placeholder,
		// eslint-disable-next-line n8n-nodes-base/node-param-default-wrong-for-collection -- {} or the preset's names
		default: defaults,
		description:
			'Which field of the input items holds what; a dot reads inside an object (properties.title)',
		options: (Object.keys(MAPPING_LABELS) as Array<keyof FieldMapping>).map((key) => ({
			displayName: MAPPING_LABELS[key][0],
			name: key,
			type: 'string' as const,
			default: PRESET_MAPPINGS[preset][key],
			description: MAPPING_LABELS[key][1],
		})),
	};
}
