import { createTransport } from '../../transport/createTransport';
import type { StorageCloud } from '../registry';
import { DROPBOX_NAMES } from './names';
import { DROPBOX_WIRE } from './wire';

/** Dropbox (a personal account, or a team member's space). */
export const DROPBOX: StorageCloud = {
	label: 'Dropbox',
	credential: 'cloudSyncDropboxOAuth2Api',
	wire: DROPBOX_WIRE,
	features: { rootIsHostPath: false, libraryInSite: false },
	names: DROPBOX_NAMES,
	async open(ctx, _options) {
		const transport = await createTransport(ctx, 'cloudSyncDropboxOAuth2Api', DROPBOX_WIRE);
		// Loaded on first use, so a workflow that uses one cloud does not load the other SDKs.
		const { DropboxStorage } = await import('./index');
		return new DropboxStorage(transport, {});
	},
};
