import type { FakesOnHosts } from '../bench/peers/fakesOnHosts';

/** What the suite asks a fake about an entry, read from the fake's own state (never through the API rclone uses). */
export interface StoredEntry {
	id: string;
	folder: boolean;
	size?: number;
	/** The fake's stored hashes, by rclone's hash name. */
	hashes: Partial<Record<string, string>>;
}

/** One cloud as the suite sees it: its rclone backend, the hashes rclone checks, and the fake's state. */
export interface CloudUnderTest {
	name: string;
	remote: string;
	/** rclone config lines for the remote (besides type, client and token). */
	config: Record<string, string>;
	/** rclone hash names the cloud keeps, e.g. MD5, QuickXorHash. */
	hashes: string[];
	/** Flags that force chunked uploads for a 30 MiB file. */
	chunkFlags: string[];
	flavour: 'google' | 'microsoft' | 'dropbox';
	/** The control API base (https on the real host name) where expire-tokens is sent. */
	controlBase: string;
	entry(path: string): StoredEntry | undefined;
	read(path: string): Promise<Buffer | undefined>;
	/** The user adds a file in the cloud's UI (for change polling). */
	userCreate(path: string, content: Buffer): Promise<void>;
	/** Entries directly in a folder, by name (to see duplicates, which Drive allows). */
	childNames(path: string): string[];
}

const clean = (path: string) => path.replace(/^\/+|\/+$/g, '');

export function cloudsUnderTest(fakes: FakesOnHosts): CloudUnderTest[] {
	const { drive, graph, dropbox } = fakes;
	const driveCloud: CloudUnderTest = {
		name: 'Google Drive',
		remote: 'gdrive',
		config: { type: 'drive', scope: 'drive' },
		hashes: ['MD5'],
		// Resumable uploads above 8 MiB, in 8 MiB chunks (rclone's minimum is 256 KiB).
		chunkFlags: ['--drive-upload-cutoff', '8M', '--drive-chunk-size', '8M'],
		flavour: 'google',
		controlBase: 'https://www.googleapis.com',
		entry: (path) => {
			const file = drive.findByPath(clean(path));
			if (!file || file.trashed) return undefined;
			const folder = file.mimeType === 'application/vnd.google-apps.folder';
			return { id: file.id, folder, size: file.blob?.size, hashes: file.blob ? { MD5: file.blob.md5 } : {} };
		},
		read: async (path) => {
			const file = drive.findByPath(clean(path));
			return file ? drive.readContent(file.id) : undefined;
		},
		userCreate: async (path, content) => {
			const parts = clean(path).split('/');
			const parent = drive.findByPath(parts.slice(0, -1).join('/'));
			await drive.seedFile({ name: parts[parts.length - 1], parentId: parent?.id, content });
		},
		childNames: (path) => {
			const folder = drive.findByPath(clean(path));
			if (!folder) return [];
			return (drive.tree(folder.id).children ?? []).filter((child) => !child.trashed).map((child) => child.name);
		},
	};
	const oneDrive: CloudUnderTest = {
		name: 'OneDrive (Graph)',
		remote: 'onedrive',
		config: { type: 'onedrive', drive_id: graph.drive.id, drive_type: graph.drive.driveType },
		hashes: ['QuickXorHash', 'SHA-1'],
		// Upload sessions in 5 MiB fragments (a multiple of 320 KiB, as Graph requires).
		chunkFlags: ['--onedrive-chunk-size', '5M'],
		flavour: 'microsoft',
		controlBase: 'https://graph.microsoft.com',
		entry: (path) => {
			const item = graph.item(clean(path));
			if (!item) return undefined;
			return {
				id: item.id,
				folder: item.isFolder,
				size: item.blob?.size,
				hashes: item.blob ? { QuickXorHash: item.blob.quickXorHash, 'SHA-1': item.blob.sha1Hash.toLowerCase() } : {},
			};
		},
		read: (path) => graph.readFile(clean(path)),
		userCreate: async (path, content) => void (await graph.userCreateFile(clean(path), content)),
		childNames: (path) => {
			const item = graph.item(clean(path));
			return item ? graph.drive.children(item.id).map((child) => child.name) : [];
		},
	};
	const dropboxCloud: CloudUnderTest = {
		name: 'Dropbox',
		remote: 'dropbox',
		config: { type: 'dropbox' },
		hashes: ['DropboxHash'],
		// Upload sessions in 8 MiB appends.
		chunkFlags: ['--dropbox-chunk-size', '8M'],
		flavour: 'dropbox',
		controlBase: 'https://api.dropboxapi.com',
		entry: (path) => {
			const wanted = `/${clean(path)}`.toLowerCase();
			const found = dropbox.dumpTree().find((entry) => entry.path.toLowerCase() === wanted);
			if (!found) return undefined;
			return { id: found.id, folder: found.tag === 'folder', size: found.size, hashes: found.content_hash ? { DropboxHash: found.content_hash } : {} };
		},
		read: (path) => dropbox.readFile(`/${clean(path)}`),
		userCreate: async (path, content) => void (await dropbox.userWrite(`/${clean(path)}`, content)),
		childNames: (path) => {
			const prefix = `/${clean(path)}/`.toLowerCase();
			return dropbox
				.dumpTree()
				.filter((entry) => entry.path.toLowerCase().startsWith(prefix) && !entry.path.slice(prefix.length).includes('/'))
				.map((entry) => entry.path.slice(prefix.length));
		},
	};
	return [driveCloud, oneDrive, dropboxCloud];
}
