import { createTransport } from '../../transport/createTransport';
import type { StorageCloud } from '../registry';
import { ONEDRIVE_WIRE } from './wire';

/** OneDrive (personal and business) through Microsoft Graph. */
export const ONE_DRIVE: StorageCloud = {
	credential: 'cloudSyncMicrosoftOneDriveOAuth2Api',
	wire: ONEDRIVE_WIRE,
	features: { rootIsHostPath: false },
	async open(ctx, _options) {
		const transport = await createTransport(
			ctx,
			'cloudSyncMicrosoftOneDriveOAuth2Api',
			ONEDRIVE_WIRE,
		);
		// Loaded on first use, so a workflow that uses one cloud does not load the other SDKs.
		const { OneDriveStorage } = await import('./index');
		return new OneDriveStorage(transport, {});
	},
};
