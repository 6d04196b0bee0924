import type { Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/** Least privilege for Calendar Sync: read and write events, and list the calendars to pick one. */
export const GOOGLE_CALENDAR_SCOPES = [
	'https://www.googleapis.com/auth/calendar.events',
	'https://www.googleapis.com/auth/calendar.calendarlist.readonly',
];

export class CloudSyncGoogleCalendarOAuth2Api implements ICredentialType {
	name = 'cloudSyncGoogleCalendarOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Cloud Sync: Google Calendar OAuth2 API';

	documentationUrl = 'https://github.com/n8n-nodes-cloud-sync/n8n-nodes-cloud-sync#google-drive-and-google-calendar';

	icon: Icon = { light: 'file:icons/googleCalendar.svg', dark: 'file:icons/googleCalendar.dark.svg' };

	properties: INodeProperties[] = [
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'authorizationCode',
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: '={{ ($self.oauthBaseUrl || "https://accounts.google.com") + "/o/oauth2/v2/auth" }}',
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: '={{ ($self.oauthBaseUrl || "https://oauth2.googleapis.com") + "/token" }}',
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default: GOOGLE_CALENDAR_SCOPES.join(' '),
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: 'access_type=offline&prompt=consent',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'body',
		},
		{
			displayName: 'API Base URL',
			name: 'apiBaseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://www.googleapis.com',
			description:
				'Advanced: send API calls to this origin instead of https://www.googleapis.com (a proxy, or a local test server). Leave empty for Google.',
		},
		{
			displayName: 'OAuth Base URL',
			name: 'oauthBaseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://accounts.google.com',
			description:
				'Advanced: origin of the sign-in and token endpoints (/o/oauth2/v2/auth and /token), for a proxy or a local test server. Leave empty for Google.',
		},
	];

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ $credentials.apiBaseUrl || "https://www.googleapis.com" }}',
			url: '/calendar/v3/users/me/calendarList',
			qs: { maxResults: 1 },
		},
	};
}
