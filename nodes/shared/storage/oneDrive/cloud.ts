import { createTransport } from '../../transport/createTransport';
import type { StorageCloud, StorageContext } from '../registry';
import { GRAPH_DRIVE_NAMES } from './names';
import type { SharePointSites } from './sharePoint';
import { ONEDRIVE_WIRE } from './wire';

/** OneDrive (personal and business) through Microsoft Graph. */
export const ONE_DRIVE: StorageCloud = {
	label: 'OneDrive',
	credential: 'cloudSyncMicrosoftOneDriveOAuth2Api',
	wire: ONEDRIVE_WIRE,
	features: { rootIsHostPath: false, libraryInSite: false },
	names: GRAPH_DRIVE_NAMES,
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

/**
 * A SharePoint site's document library: the same Graph drive provider on /drives/{drive-id}, with the same
 * Microsoft credential (its SharePoint access choice adds Sites.Selected or Sites.ReadWrite.All).
 */
export const SHARE_POINT: StorageCloud = {
	label: 'SharePoint',
	credential: 'cloudSyncMicrosoftOneDriveOAuth2Api',
	wire: ONEDRIVE_WIRE,
	features: { rootIsHostPath: false, libraryInSite: true },
	names: GRAPH_DRIVE_NAMES,
	async open(ctx, options) {
		const transport = await createTransport(
			ctx,
			'cloudSyncMicrosoftOneDriveOAuth2Api',
			ONEDRIVE_WIRE,
		);
		const [{ OneDriveStorage }, { SharePointSites }, cache] = await Promise.all([
			import('./index'),
			import('./sharePoint'),
			import('./libraryCache'),
		]);
		const choice = options.library ?? {
			site: { mode: 'id', value: '' },
			library: { mode: 'id', value: '' },
		};
		const sites = new SharePointSites(transport);
		// By name, a run remembers the drive id it found (2 requests saved per run); list and id modes hold it already.
		const remembers = choice.library.mode === 'name' && cache.isRun(ctx);
		const lookUp = async () => {
			const found = await sites.libraryDriveId(choice);
			if (remembers) cache.rememberDrive(ctx, choice, found);
			return found;
		};
		const remembered = remembers ? cache.rememberedDrive(ctx, choice) : undefined;
		const driveId = remembered ?? (await lookUp());
		return new OneDriveStorage(transport, {
			drive: `/drives/${encodeURIComponent(driveId)}`,
			kind: 'sharePoint',
			relocate: remembered ? lookUp : undefined,
		});
	},
};

/** Site and library lookups for the node's pickers, with the node's Microsoft credential. */
export async function openSharePointSites(ctx: StorageContext): Promise<SharePointSites> {
	const transport = await createTransport(
		ctx,
		'cloudSyncMicrosoftOneDriveOAuth2Api',
		ONEDRIVE_WIRE,
	);
	const { SharePointSites: Sites } = await import('./sharePoint');
	return new Sites(transport);
}
