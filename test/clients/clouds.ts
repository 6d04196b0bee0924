import type { FakesOnHosts } from '../bench/peers/fakesOnHosts';
import type { GraphDrive } from '../fakes/graph/drive';

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
	/**
	 * Where `rclone test changenotify` watches. Drive names a change through the folders a fresh rclone knows (its
	 * root), so it watches the folder itself; OneDrive's delta is drive-wide and rclone names items from
	 * parentReference.path, which Graph leaves out of delta answers ("parentReference ... will not include a value
	 * for path": https://learn.microsoft.com/graph/api/driveitem-delta), so it watches the root and sees leaf names.
	 */
	changeRoot: string;
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
		changeRoot: 'suite/b',
		// Resumable uploads above 8 MiB, in 8 MiB chunks (rclone's minimum is 256 KiB).
		chunkFlags: ['--drive-upload-cutoff', '8M', '--drive-chunk-size', '8M'],
		flavour: 'google',
		controlBase: 'https://www.googleapis.com',
		entry: (path) => {
			const file = drive.findByPath(clean(path));
			if (!file || file.trashed) return undefined;
			const folder = file.mimeType === 'application/vnd.google-apps.folder';
			return {
				id: file.id,
				folder,
				size: file.blob?.size,
				hashes: file.blob ? { MD5: file.blob.md5 } : {},
			};
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
			return (drive.tree(folder.id).children ?? [])
				.filter((child) => !child.trashed)
				.map((child) => child.name);
		},
	};
	// rclone 1.60 checks SHA-1 on OneDrive Personal and QuickXorHash on OneDrive for Business (its hash per drive
	// type): both flavours run the script, each on a drive of its own in the one Graph fake.
	const personal = oneDriveCloud(fakes, graph.drive, 'OneDrive Personal', 'onedrive', ['SHA-1']);
	const business = oneDriveCloud(
		fakes,
		graph.addDrive('business'),
		'OneDrive Business',
		'onedrive-business',
		['QuickXorHash'],
	);
	const dropboxCloud: CloudUnderTest = {
		name: 'Dropbox',
		remote: 'dropbox',
		config: { type: 'dropbox' },
		hashes: ['DropboxHash'],
		changeRoot: 'suite/b',
		// Upload sessions in 8 MiB appends.
		chunkFlags: ['--dropbox-chunk-size', '8M'],
		flavour: 'dropbox',
		controlBase: 'https://api.dropboxapi.com',
		entry: (path) => {
			const wanted = `/${clean(path)}`.toLowerCase();
			const found = dropbox.dumpTree().find((entry) => entry.path.toLowerCase() === wanted);
			if (!found) return undefined;
			return {
				id: found.id,
				folder: found.tag === 'folder',
				size: found.size,
				hashes: found.content_hash ? { DropboxHash: found.content_hash } : {},
			};
		},
		read: (path) => dropbox.readFile(`/${clean(path)}`),
		userCreate: async (path, content) => void (await dropbox.userWrite(`/${clean(path)}`, content)),
		childNames: (path) => {
			const prefix = `/${clean(path)}/`.toLowerCase();
			return dropbox
				.dumpTree()
				.filter(
					(entry) =>
						entry.path.toLowerCase().startsWith(prefix) &&
						!entry.path.slice(prefix.length).includes('/'),
				)
				.map((entry) => entry.path.slice(prefix.length));
		},
	};
	return [driveCloud, personal, business, dropboxCloud];
}

function oneDriveCloud(
	fakes: FakesOnHosts,
	drive: GraphDrive,
	name: string,
	remote: string,
	hashes: string[],
): CloudUnderTest {
	const { graph } = fakes;
	return {
		name,
		remote,
		config: { type: 'onedrive', drive_id: drive.id, drive_type: drive.driveType },
		hashes,
		changeRoot: '',
		// Upload sessions in 5 MiB fragments (a multiple of 320 KiB, as Graph requires).
		chunkFlags: ['--onedrive-chunk-size', '5M'],
		flavour: 'microsoft',
		controlBase: 'https://graph.microsoft.com',
		entry: (path) => {
			const item = graph.item(clean(path), drive);
			if (!item) return undefined;
			const stored: Partial<Record<string, string>> = {};
			if (item.blob) {
				// Graph writes QuickXorHash in base64; rclone prints hashes in hex.
				stored.QuickXorHash = Buffer.from(item.blob.quickXorHash, 'base64').toString('hex');
				// Graph reports sha1Hash on Personal only (the fake serves it as Graph does).
				if (drive.driveType === 'personal') stored['SHA-1'] = item.blob.sha1Hash.toLowerCase();
			}
			return { id: item.id, folder: item.isFolder, size: item.blob?.size, hashes: stored };
		},
		read: (path) => graph.readFile(clean(path), drive),
		userCreate: async (path, content) =>
			void (await graph.userCreateFile(clean(path), content, { drive })),
		childNames: (path) => {
			const item = graph.item(clean(path), drive);
			return item ? drive.children(item.id).map((child) => child.name) : [];
		},
	};
}
