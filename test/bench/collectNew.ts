import { cloudSource } from '../nodes/support/collectSources';
import { collectWorkflow } from '../nodes/support/collectHarness';
import { seedFiles, type CloudKind } from './collectIdle';

interface LoggedRequest {
	method: string;
	path: string;
	query: string;
}

interface LoggingFake {
	mark(): number;
	requests(filter?: { since?: number }): LoggedRequest[];
}

/** The change-feed / listing requests of each cloud (research/api-brief.md). */
const FEED: Record<CloudKind, (r: LoggedRequest) => boolean> = {
	googleDrive: (r) =>
		r.method === 'GET' &&
		(/\/drive\/v3\/changes$/.test(r.path) ||
			(/\/drive\/v3\/files$/.test(r.path) && !/alt=media/.test(r.query))),
	oneDrive: (r) => r.method === 'GET' && /\/(delta|children)$/.test(r.path),
	dropbox: (r) => /\/2\/files\/list_folder(\/continue)?$/.test(r.path),
};

/** The largest page each API serves for a feed (Drive changes 1000, Graph delta 1000 via $top, Dropbox 2000). */
export const PAGE_MAX: Record<CloudKind, number> = {
	googleDrive: 1000,
	oneDrive: 1000,
	dropbox: 2000,
};
/** Entries a feed must carry besides the new files: Graph's delta also reports the drive root and the watched folder. */
const FEED_EXTRA_ENTRIES: Record<CloudKind, number> = { googleDrive: 0, oneDrive: 2, dropbox: 0 };

export interface CollectNewResult {
	kind: CloudKind;
	files: number;
	requests: number;
	feedRequests: number;
	/** Requests that are neither feed pages nor one per file (lookups, redirects). */
	otherRequests: number;
	ms: number;
	/** (the fewest feed pages the API allows + one download per file) / files. */
	targetPerFile: number;
}

/** N new small files in a watched folder: one run collects them with content. */
export async function collectNew(kind: CloudKind, files: number): Promise<CollectNewResult> {
	const source = await cloudSource(kind);
	try {
		const fake = source.fixture.fake as unknown as LoggingFake;
		const flow = collectWorkflow(source);
		const empty = await flow.run();
		if (empty.result.status !== 'success')
			throw empty.result.error ?? new Error('first run failed');
		await seedFiles(source, files, 'new');
		const since = fake.mark();
		const started = Date.now();
		const run = await flow.run();
		const ms = Date.now() - started;
		if (run.result.status !== 'success') throw run.result.error ?? new Error('collect run failed');
		const withContent = run.items.filter(
			(item) => item.binary && Object.keys(item.binary).length,
		).length;
		if (withContent !== files)
			throw new Error(`${kind}: collected ${withContent} files with content of ${files}`);
		const requests = fake.requests({ since });
		const feedRequests = requests.filter(FEED[kind]).length;
		return {
			kind,
			files,
			requests: requests.length,
			feedRequests,
			otherRequests: requests.length - feedRequests - files,
			ms,
			targetPerFile:
				(Math.ceil((files + FEED_EXTRA_ENTRIES[kind]) / PAGE_MAX[kind]) + files) / files,
		};
	} finally {
		await source.close();
	}
}
