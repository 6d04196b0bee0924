import type { Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';
import { GOOGLE_API_HOSTS } from '../nodes/shared/storage/googleDrive/wire';
import { allowedDomainsProperties } from './shared/apiHosts';
import { GOOGLE_API_BASE_URL, googleOAuth2Properties } from './shared/googleOAuth2';

/** Least privilege for Calendar Sync: read and write events, and list the calendars to pick one. */
export const GOOGLE_CALENDAR_SCOPES = [
	'https://www.googleapis.com/auth/calendar.events',
	'https://www.googleapis.com/auth/calendar.calendarlist.readonly',
];

export class CloudSyncGoogleCalendarOAuth2Api implements ICredentialType {
	name = 'cloudSyncGoogleCalendarOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Cloud Sync: Google Calendar OAuth2 API';

	documentationUrl =
		'https://github.com/n8n-nodes-cloud-sync/n8n-nodes-cloud-sync#google-drive-and-google-calendar';

	icon: Icon = {
		light: 'file:icons/googleCalendar.svg',
		dark: 'file:icons/googleCalendar.dark.svg',
	};

	properties: INodeProperties[] = [
		...googleOAuth2Properties(GOOGLE_CALENDAR_SCOPES.join(' ')),
		...allowedDomainsProperties(GOOGLE_API_HOSTS),
	];

	test: ICredentialTestRequest = {
		request: {
			baseURL: GOOGLE_API_BASE_URL,
			url: '/calendar/v3/users/me/calendarList',
			qs: { maxResults: 1 },
		},
	};
}
