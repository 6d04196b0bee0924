import { exportLinks } from './native';
import { FOLDER_MIME, type DriveFile, type SharedDrive } from './store';

const ME = {
	kind: 'drive#user',
	displayName: 'Fake User',
	emailAddress: 'fake.user@example.com',
	permissionId: '00000000000000000001',
	me: true,
};

export const FAKE_USER = ME;

function extensionOf(name: string): { full?: string; last?: string } {
	const dot = name.indexOf('.');
	if (dot <= 0) return {};
	return { full: name.slice(dot + 1), last: name.slice(name.lastIndexOf('.') + 1) };
}

/** The full `File` resource (partial responses are projected from this). */
export function fileResource(file: DriveFile): Record<string, unknown> {
	const isFolder = file.mimeType === FOLDER_MIME;
	const inSharedDrive = file.driveId !== undefined;
	const resource: Record<string, unknown> = {
		kind: 'drive#file',
		id: file.id,
		name: file.name,
		mimeType: file.mimeType,
		starred: file.starred,
		trashed: file.trashed,
		explicitlyTrashed: file.explicitlyTrashed,
		parents: file.parents.length ? [...file.parents] : undefined,
		spaces: ['drive'],
		version: String(file.version),
		webViewLink: isFolder
			? `https://drive.google.com/drive/folders/${file.id}`
			: `https://drive.google.com/file/d/${file.id}/view?usp=drivesdk`,
		iconLink: `https://drive-thirdparty.googleusercontent.com/16/type/${file.mimeType}`,
		hasThumbnail: false,
		thumbnailVersion: '0',
		viewedByMe: true,
		createdTime: file.createdTime,
		modifiedTime: file.modifiedTime,
		modifiedByMe: true,
		shared: false,
		ownedByMe: !inSharedDrive,
		owners: inSharedDrive ? undefined : [ME],
		lastModifyingUser: ME,
		isAppAuthorized: file.createdByApp,
		writersCanShare: true,
		copyRequiresWriterPermission: false,
		viewersCanCopyContent: true,
		capabilities: {
			canEdit: true,
			canTrash: true,
			canDelete: true,
			canRename: true,
			canAddChildren: isFolder,
			canDownload: !isFolder,
			canMoveItemWithinDrive: true,
			canListChildren: isFolder,
		},
	};
	if (inSharedDrive) {
		resource.driveId = file.driveId;
		resource.teamDriveId = file.driveId;
	}
	if (file.trashed && (inSharedDrive || file.trashedTime)) {
		resource.trashedTime = file.trashedTime;
		resource.trashingUser = ME;
	}
	if (Object.keys(file.appProperties).length) resource.appProperties = { ...file.appProperties };
	if (Object.keys(file.properties).length) resource.properties = { ...file.properties };
	if (file.description !== undefined) resource.description = file.description;
	if (file.blob) {
		const ext = extensionOf(file.name);
		resource.md5Checksum = file.blob.md5;
		resource.sha1Checksum = file.blob.sha1;
		resource.sha256Checksum = file.blob.sha256;
		resource.size = String(file.blob.size);
		resource.quotaBytesUsed = String(file.blob.size);
		resource.headRevisionId = file.headRevisionId;
		resource.originalFilename = file.originalFilename ?? file.name;
		if (ext.full) resource.fullFileExtension = ext.full;
		if (ext.last) resource.fileExtension = ext.last;
		resource.webContentLink = `https://drive.google.com/uc?id=${file.id}&export=download`;
	} else {
		resource.quotaBytesUsed = '0';
		// Workspace editor files have a size and export links but no checksum; shortcuts carry their target.
		if (file.document) resource.size = String(file.document.size);
		const links = exportLinks(file);
		if (links) resource.exportLinks = links;
		if (file.shortcutDetails) resource.shortcutDetails = { ...file.shortcutDetails };
	}
	for (const key of Object.keys(resource)) if (resource[key] === undefined) delete resource[key];
	return resource;
}

export function driveResource(drive: SharedDrive): Record<string, unknown> {
	return {
		kind: 'drive#drive',
		id: drive.id,
		name: drive.name,
		createdTime: drive.createdTime,
		hidden: false,
	};
}
