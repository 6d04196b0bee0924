import type { StorageKind, StorageProvider } from '../../nodes/shared/storage/types';

/**
 * What the drive's *user* does out of band (through the fake's control API, or the file system for the local
 * folder). Paths are relative to the fixture's root folder, '/' separated.
 */
export interface UserActions {
	createFile(path: string, content: Buffer, options?: { modifiedAt?: string }): Promise<string>;
	createFolder(path: string): Promise<string>;
	editFile(path: string, content: Buffer): Promise<void>;
	rename(path: string, newName: string): Promise<void>;
	/** Move into another folder (relative path, '' = the fixture root); the folder must exist. */
	move(path: string, newParentPath: string): Promise<void>;
	/** Trash where the provider has a trash; delete otherwise. */
	trash(path: string): Promise<void>;
	delete(path: string): Promise<void>;
	/** Invalidate every change-feed cursor handed out so far (Drive: expired page token, Graph: 410, Dropbox: reset). */
	resetCursors(): Promise<void>;
	/** The next `count` API requests get the provider's 429 (or equivalent) with this Retry-After. */
	rateLimit(count: number, retryAfterSeconds: number): Promise<void>;
	/** The next upload-chunk request loses its connection after this many bytes. */
	cutNextUploadChunk(afterBytes: number): Promise<void>;
	/** Ids/contents as the server holds them, for assertions. */
	read(path: string): Promise<Buffer | undefined>;
}

export interface ProviderFixture {
	kind: StorageKind;
	provider: StorageProvider;
	/** A fresh, empty folder for this fixture (the "root" of every relative path above). */
	rootId: string;
	user: UserActions;
	/** Requests the cloud has seen so far (the fake's log; the local folder counts provider calls). */
	requestCount(): number;
	/**
	 * Request-body bytes the cloud has received so far (sum of the fake's `bytesIn`), so the conformance suite can
	 * prove a cut upload resumed instead of restarting. Optional: fixtures without upload cuts need not provide it.
	 */
	bytesReceived?(): number;
	close(): Promise<void>;
}

export type FixtureFactory = () => Promise<ProviderFixture>;
