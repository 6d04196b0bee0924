import { createTransport } from '../../transport/createTransport';
import type { StorageCloud } from '../registry';
import { GOOGLE_DRIVE_NAMES } from './names';
import { GOOGLE_DRIVE_WIRE } from './wire';

/** Google Drive: My Drive, or a shared drive picked by id. */
export const GOOGLE_DRIVE: StorageCloud = {
	label: 'Google Drive',
	credential: 'cloudSyncGoogleDriveOAuth2Api',
	wire: GOOGLE_DRIVE_WIRE,
	features: { rootIsHostPath: false, libraryInSite: false },
	names: GOOGLE_DRIVE_NAMES,
	async open(ctx, options) {
		const transport = await createTransport(
			ctx,
			'cloudSyncGoogleDriveOAuth2Api',
			GOOGLE_DRIVE_WIRE,
		);
		// Loaded on first use, so a workflow that uses one cloud does not load the other SDKs.
		const { GoogleDriveStorage } = await import('./index');
		return new GoogleDriveStorage(transport, options.driveId ? { driveId: options.driveId } : {});
	},
};
