import type { Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';
import { GOOGLE_API_HOSTS } from '../nodes/shared/storage/googleDrive/wire';
import { allowedDomainsProperties } from './shared/apiHosts';
import { GOOGLE_API_BASE_URL, googleOAuth2Properties } from './shared/googleOAuth2';

const DRIVE_FILE = 'https://www.googleapis.com/auth/drive.file';
const DRIVE_READONLY = 'https://www.googleapis.com/auth/drive.readonly';
const DRIVE_FULL = 'https://www.googleapis.com/auth/drive';

/**
 * Google Drive for Export to Folder and Collect New Files. The scope is derived from the "Access" choice by an
 * expression: n8n drops a stored hidden `scope` before connecting, so a plain choice would be lost on older n8n.
 */
export class CloudSyncGoogleDriveOAuth2Api implements ICredentialType {
	name = 'cloudSyncGoogleDriveOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Cloud Sync: Google Drive OAuth2 API';

	documentationUrl =
		'https://github.com/n8n-nodes-cloud-sync/n8n-nodes-cloud-sync#google-drive-and-google-calendar';

	icon: Icon = { light: 'file:icons/googleDrive.svg', dark: 'file:icons/googleDrive.dark.svg' };

	properties: INodeProperties[] = [
		{
			displayName: 'Access',
			name: 'driveAccess',
			type: 'options',
			options: [
				{
					name: 'Only Files This Package Creates (drive.file)',
					value: 'file',
					description: 'Enough to export: the node sees only the folders and files it created',
				},
				{
					name: 'Read All Files + Files It Creates (drive.readonly, drive.file)',
					value: 'readonly',
					description: 'Needed to collect files from folders you made yourself',
				},
				{
					name: 'Full Drive (drive)',
					value: 'full',
					description:
						'Needed only to move or delete collected files that the package did not create',
				},
			],
			default: 'file',
			description: 'What the credential may touch. Changing it needs a reconnect.',
		},
		...googleOAuth2Properties(
			`={{ $self.driveAccess === "full" ? "${DRIVE_FULL}" : ` +
				`$self.driveAccess === "readonly" ? "${DRIVE_READONLY} ${DRIVE_FILE}" : "${DRIVE_FILE}" }}`,
		),
		...allowedDomainsProperties(GOOGLE_API_HOSTS),
	];

	test: ICredentialTestRequest = {
		request: {
			baseURL: GOOGLE_API_BASE_URL,
			url: '/drive/v3/about',
			qs: { fields: 'user(displayName,emailAddress)' },
		},
	};
}
