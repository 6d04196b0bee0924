import { NodeHelpers, type ICredentialType } from 'n8n-workflow';
import { CloudSyncDropboxOAuth2Api } from '../../credentials/CloudSyncDropboxOAuth2Api.credentials';
import { CloudSyncGoogleCalendarOAuth2Api } from '../../credentials/CloudSyncGoogleCalendarOAuth2Api.credentials';
import { CloudSyncGoogleDriveOAuth2Api } from '../../credentials/CloudSyncGoogleDriveOAuth2Api.credentials';
import { CloudSyncMicrosoftOneDriveOAuth2Api } from '../../credentials/CloudSyncMicrosoftOneDriveOAuth2Api.credentials';

const types: ICredentialType[] = [
	new CloudSyncDropboxOAuth2Api(),
	new CloudSyncGoogleDriveOAuth2Api(),
	new CloudSyncGoogleCalendarOAuth2Api(),
	new CloudSyncMicrosoftOneDriveOAuth2Api(),
];

describe('credential dialogs (issue 14): the real fields first, endpoint overrides behind one switch', () => {
	it.each(types.map((type) => [type.displayName, type]))(
		'%s shows the API and OAuth base URLs only with "Custom Endpoints" on',
		(_name, type) => {
			const visible = (data: Record<string, unknown>) =>
				type.properties
					.filter(
						(p) =>
							p.type !== 'hidden' &&
							NodeHelpers.displayParameter(
								data as never,
								p,
								{ typeVersion: 1 } as never,
								{ properties: type.properties } as never,
							),
					)
					.map((p) => p.name);
			expect(visible({})).not.toEqual(expect.arrayContaining(['apiBaseUrl']));
			expect(visible({})).not.toContain('oauthBaseUrl');
			expect(visible({ customEndpoints: true })).toEqual(
				expect.arrayContaining(['customEndpoints', 'apiBaseUrl', 'oauthBaseUrl']),
			);
			// The switch comes after every field a user fills in for the real cloud.
			const names = type.properties.filter((p) => p.type !== 'hidden').map((p) => p.name);
			const switchAt = names.indexOf('customEndpoints');
			expect(switchAt).toBeGreaterThanOrEqual(0);
			for (const real of [
				'accessType',
				'driveAccess',
				'accountType',
				'tenantId',
				'fileAccess',
				'nationalCloud',
			]) {
				if (names.includes(real)) expect(names.indexOf(real)).toBeLessThan(switchAt);
			}
		},
	);

	it('n8n drops the hidden base URLs when it uses a credential with the switch off, and keeps them with it on', () => {
		const dropbox = new CloudSyncDropboxOAuth2Api();
		const stored = { apiBaseUrl: 'http://127.0.0.1:4011', oauthBaseUrl: 'http://127.0.0.1:4010' };
		const off = NodeHelpers.getNodeParameters(dropbox.properties, stored, true, false, null, null);
		expect(off?.apiBaseUrl).toBeUndefined();
		const on = NodeHelpers.getNodeParameters(
			dropbox.properties,
			{ ...stored, customEndpoints: true },
			true,
			false,
			null,
			null,
		);
		expect(on?.apiBaseUrl).toBe('http://127.0.0.1:4011');
	});
});
