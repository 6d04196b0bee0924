import type { GraphDrive, GraphItem } from './drive';
import { faults } from './errors';

/** How the request addressed the drive: decides parentReference.path ("/drive/root:" vs "/drives/{id}/root:"). */
export interface DriveAddress {
	drive: GraphDrive;
	/** "/me/drive" or "/drives/{id}" (decoded). */
	prefix: string;
}

export interface SerializeOptions {
	/** Delta results never carry parentReference.path, and deleted items lose some fields. */
	inDelta?: boolean;
	/** Report the item as deleted (a tombstone, or a move out of a folder-scoped delta). */
	asDeleted?: boolean;
	/** Pre-authenticated download URL for files (the fake's own origin). */
	downloadUrl?: (item: GraphItem) => string;
}

export const SELECTABLE = new Set([
	'id',
	'name',
	'eTag',
	'cTag',
	'size',
	'createdDateTime',
	'lastModifiedDateTime',
	'parentReference',
	'file',
	'folder',
	'root',
	'deleted',
	'fileSystemInfo',
	'webUrl',
	'createdBy',
	'lastModifiedBy',
	'description',
	'publication',
	'@microsoft.graph.downloadUrl',
]);

/** Fields Graph returns only when $select names them (driveItem resource: publication "isn't returned by default"). */
const NOT_BY_DEFAULT = ['publication'];

export function parseSelect(value: string | null): string[] | undefined {
	if (value === null) return undefined;
	const fields = value
		.split(',')
		.map((field) => field.trim())
		.filter(Boolean);
	for (const field of fields) {
		if (!SELECTABLE.has(field)) {
			throw faults.invalidRequest(
				`Could not find a property named '${field}' on type 'microsoft.graph.driveItem'.`,
			);
		}
	}
	return fields;
}

export function webUrl(drive: GraphDrive, item: GraphItem): string {
	if (drive.driveType === 'personal') {
		return `https://onedrive.live.com/?cid=${drive.id}&id=${encodeURIComponent(item.id)}`;
	}
	if (drive.library) {
		const inLibrary = drive
			.pathOf(item)
			.split('/')
			.map((segment) => encodeURIComponent(segment))
			.join('/');
		return `${drive.library.webUrl}${inLibrary}`;
	}
	const path = drive
		.pathOf(item)
		.split('/')
		.map((segment) => encodeURIComponent(segment))
		.join('/');
	return `https://contoso-my.sharepoint.com/personal/user_contoso_com/Documents${path}`;
}

function rootPathPrefix(address: DriveAddress): string {
	return address.prefix === '/me/drive' ? '/drive/root:' : `${address.prefix}/root:`;
}

export function toDriveItem(
	address: DriveAddress,
	item: GraphItem,
	options: SerializeOptions = {},
): Record<string, unknown> {
	const { drive } = address;
	// OneDrive for Business and SharePoint libraries answer alike (both are SharePoint underneath).
	const business = drive.driveType !== 'personal';
	const deleted = options.asDeleted || item.deleted;
	const json: Record<string, unknown> = {};
	if (!item.isFolder && !deleted && options.downloadUrl) {
		json['@microsoft.graph.downloadUrl'] = options.downloadUrl(item);
	}
	json.createdDateTime = item.createdAt;
	json.eTag = `"{${item.id}},${item.version}"`;
	json.id = item.id;
	json.lastModifiedDateTime = item.modifiedAt;
	// Deleted items in Business deltas carry no name.
	if (!(deleted && business)) json.name = item.parentId ? item.name : 'root';
	json.webUrl = webUrl(drive, item);
	// Business omits cTag on folders; both omit it on deleted items.
	if (!deleted && !(business && item.isFolder))
		json.cTag = `"c:{${item.id}},${item.contentVersion}"`;
	// Personal deleted items carry no size.
	if (!(deleted && !business)) json.size = deleted ? 0 : drive.folderSize(item);
	json.createdBy = { user: { displayName: 'Fake User' } };
	json.lastModifiedBy = { user: { displayName: 'Fake User' } };
	if (item.parentId) {
		const parent = drive.items.get(item.parentId)!;
		const reference: Record<string, unknown> = {
			driveType: drive.driveType,
			driveId: drive.id,
			id: parent.id,
		};
		if (!options.inDelta) {
			reference.name = parent.parentId ? parent.name : 'root';
			reference.path = rootPathPrefix(address) + drive.pathOf(parent);
		}
		json.parentReference = reference;
	} else {
		json.parentReference = { driveType: drive.driveType, driveId: drive.id };
	}
	json.fileSystemInfo = {
		createdDateTime: item.clientTimes?.createdAt ?? item.createdAt,
		lastModifiedDateTime: item.clientTimes?.modifiedAt ?? item.modifiedAt,
	};
	if (item.isFolder) {
		json.folder = { childCount: deleted ? 0 : drive.childCount(item.id) };
	} else if (!deleted || !business) {
		const hashes: Record<string, string> = { quickXorHash: item.blob!.quickXorHash };
		if (!business) hashes.sha1Hash = item.blob!.sha1Hash;
		json.file = { mimeType: item.mimeType ?? 'application/octet-stream', hashes };
	}
	if (!item.parentId) json.root = {};
	if (deleted) json.deleted = { state: 'deleted' };
	// publicationFacet (resources/publicationfacet): "published" or "checkout", in locations that support check-out.
	if (drive.library && !item.isFolder && !deleted) {
		json.publication = {
			level: item.checkedOutBy ? 'checkout' : 'published',
			versionId: `${item.contentVersion}.0`,
			...(item.checkedOutBy ? { checkedOutBy: { user: { displayName: item.checkedOutBy } } } : {}),
		};
	}
	return json;
}

export function applySelect(
	json: Record<string, unknown>,
	select: string[] | undefined,
): Record<string, unknown> {
	if (!select) {
		const shown = { ...json };
		for (const field of NOT_BY_DEFAULT) delete shown[field];
		return shown;
	}
	const result: Record<string, unknown> = {};
	for (const field of select) if (field in json) result[field] = json[field];
	return result;
}
