import type { INodeProperties } from 'n8n-workflow';
import { GOOGLE_API_HOSTS } from '../../nodes/shared/storage/googleDrive/wire';
import { CUSTOM_ENDPOINTS_SWITCH, WHEN_CUSTOM_ENDPOINTS } from './customEndpoints';

/** The credential test's origin for Google APIs: the advanced API Base URL when set. */
export const GOOGLE_API_BASE_URL = `={{ $credentials.apiBaseUrl || "${GOOGLE_API_HOSTS.origins[0]}" }}`;

/**
 * The OAuth2 plumbing every Google credential of this package shares (Drive and Calendar): offline access with
 * consent so Google returns a refresh token, and the advanced origins that point them at a proxy or a test
 * server. Only the scope differs; it stays in the middle, where n8n's own Google credentials have it.
 */
export function googleOAuth2Properties(scope: string): INodeProperties[] {
	return [
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
			default: scope,
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
		CUSTOM_ENDPOINTS_SWITCH,
		{
			displayName: 'API Base URL',
			name: 'apiBaseUrl',
			displayOptions: WHEN_CUSTOM_ENDPOINTS,
			type: 'string',
			default: '',
			placeholder: 'https://www.googleapis.com',
			description:
				'Advanced: send API calls to this origin instead of https://www.googleapis.com ' +
				'(a proxy, or a local test server). Leave empty for Google.',
		},
		{
			displayName: 'OAuth Base URL',
			name: 'oauthBaseUrl',
			displayOptions: WHEN_CUSTOM_ENDPOINTS,
			type: 'string',
			default: '',
			placeholder: 'https://accounts.google.com',
			description:
				'Advanced: origin of the sign-in and token endpoints (/o/oauth2/v2/auth and ' +
				'/token), for a proxy or a local test server. Leave empty for Google.',
		},
	];
}
