import { PIPEDRIVE_MAPPING, type FieldMapping } from './activityMapping';

/** Where the activities come from decides the field names they carry; "custom" starts from Pipedrive's. */
export type FieldPreset = 'pipedrive' | 'hubspot' | 'custom';

/**
 * HubSpot meetings as its CRM API (v3 objects, and n8n's HubSpot node) returns them: the values sit under
 * `properties`, times are ISO instants, and an archived meeting is a deleted one.
 * https://developers.hubspot.com/docs/api/crm/meetings
 */
export const HUBSPOT_MAPPING: FieldMapping = {
	id: 'id',
	type: 'properties.hs_activity_type',
	subject: 'properties.hs_meeting_title',
	start: 'properties.hs_meeting_start_time',
	startTime: '',
	end: 'properties.hs_meeting_end_time',
	duration: '',
	allDay: '',
	done: '',
	private: '',
	contacts: '',
	organization: '',
	deal: '',
	updatedAt: 'properties.hs_lastmodifieddate',
	description: 'properties.hs_meeting_body',
	deleted: 'archived',
	eventId: '',
	attendees: '',
};

export const PRESET_MAPPINGS: Record<FieldPreset, FieldMapping> = {
	pipedrive: PIPEDRIVE_MAPPING,
	hubspot: HUBSPOT_MAPPING,
	custom: PIPEDRIVE_MAPPING,
};

/** The field names of a preset as a builder reads them in the panel: "Subject: subject, Start: due_date, ...". */
export function describeMapping(
	mapping: FieldMapping,
	labels: Record<keyof FieldMapping, [string, string]>,
): string {
	return (Object.keys(labels) as Array<keyof FieldMapping>)
		.filter((key) => mapping[key] !== '')
		.map((key) => `${labels[key][0]}: ${mapping[key]}`)
		.join(' · ');
}
