import { tmpdir } from 'os';
import { join } from 'path';
import type { INodeCredentials } from 'n8n-workflow';
import { LocalFolderStorage } from '../../../nodes/shared/storage/localFolder';
import type { StorageKind, StorageProvider } from '../../../nodes/shared/storage/types';
import type { ProviderFixture, UserActions } from '../../storage/fixture';
import { createLocalFolderFixture } from '../../storage/fixtures/localFolder';
import type { WorkflowHarness } from '../../harness/workflow';

/** A source the Collect node watches in a node test: the fixture acts as the user, the node speaks through n8n. */
export interface CollectSource {
	kind: StorageKind;
	user: UserActions;
	/** The Collect node's "Folder" parameter for the fixture's root. */
	folderParameter: { __rl: true; mode: string; value: string };
	/** Registers the credential type and a connected credential; undefined for the local folder. */
	attach(harness: WorkflowHarness): INodeCredentials | undefined;
	/** Requests the source has served so far (the fake's log; provider calls for the local folder). */
	requestCount(): number;
	canResetCursors: boolean;
	close(): Promise<void>;
}

const PROVIDER_METHODS: Array<keyof StorageProvider> = [
	'root', 'getItem', 'resolveFolder', 'searchFolders', 'findChild', 'createFolder', 'list', 'latestCursor', 'changes',
	'upload', 'download', 'trash', 'delete', 'move',
];

/**
 * Counts the calls the node makes to any LocalFolderStorage: the local folder's stand-in for requests. A call
 * made by another provider method (changes() scans through list()) is not counted twice.
 */
function countLocalCalls(): { count(): number; restore(): void } {
	let calls = 0;
	let depth = 0;
	const originals = new Map<string, unknown>();
	const proto = LocalFolderStorage.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
	for (const name of PROVIDER_METHODS) {
		const original = proto[name];
		originals.set(name, original);
		proto[name] = function (this: unknown, ...args: unknown[]) {
			if (depth === 0) calls++;
			depth++;
			try {
				const result = original.apply(this, args);
				if (result && typeof (result as Promise<unknown>).finally === 'function') return (result as Promise<unknown>).finally(() => depth--);
				if (result && typeof (result as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
					depth--;
					return result;
				}
				depth--;
				return result;
			} catch (error) {
				depth--;
				throw error;
			}
		};
	}
	return {
		count: () => calls,
		restore() {
			for (const [name, original] of originals) proto[name] = original as (...args: unknown[]) => unknown;
		},
	};
}

export async function localSource(): Promise<CollectSource & { fixture: ProviderFixture }> {
	// What an n8n operator sets to let nodes read a folder (n8n 2.x allows only ~/.n8n-files by default);
	// read by n8n-core when the first file-access check runs.
	process.env.N8N_RESTRICT_FILE_ACCESS_TO = tmpdir();
	const fixture = await createLocalFolderFixture();
	const counter = countLocalCalls();
	return {
		kind: 'localFolder',
		fixture,
		user: fixture.user,
		folderParameter: { __rl: true, mode: 'path', value: join(fixture.baseDir, 'fixture-root') },
		attach: () => undefined,
		requestCount: () => counter.count(),
		canResetCursors: false,
		async close() {
			counter.restore();
			await fixture.close();
		},
	};
}
