import { tmpdir } from 'os';
import { cloudSource, localSource, type CollectSource } from './support/collectSources';
import { manualBetweenRuns, movedInWithOldTime, seedStory } from './support/collectScenarios';

// Read once per process, when n8n's security config is first built: here by a cloud source's run, before the
// local folder's (localSource sets it too late for that).
process.env.N8N_RESTRICT_FILE_ACCESS_TO = tmpdir();

/** The same stories on every source; only the fixture differs. */
const SOURCES: Array<[string, () => Promise<CollectSource>]> = [
	['Dropbox (n8n engine, FakeDropbox)', () => cloudSource('dropbox')],
	['Google Drive (n8n engine, FakeDrive)', () => cloudSource('googleDrive')],
	['OneDrive (n8n engine, FakeGraph)', () => cloudSource('oneDrive')],
	['a local folder (n8n engine)', () => localSource()],
];

describe.each(SOURCES)('Collect New Files on %s', (_name, openSource) => {
	let source: CollectSource;
	beforeEach(async () => {
		source = await openSource();
	});
	afterEach(async () => {
		await source.close();
	});

	test('seed story: 3, then 0, then the 4th once after rename and move; history of 4', async () => {
		await seedStory(source);
	});

	test('a file moved in with an old modified time is collected', async () => {
		await movedInWithOldTime(source);
	});

	test('a manual run between production runs changes nothing and loses nothing', async () => {
		await manualBetweenRuns(source);
	});
});
