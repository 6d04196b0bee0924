import { localSource, type CollectSource } from './support/collectSources';
import { manualBetweenRuns, movedInWithOldTime, seedStory } from './support/collectScenarios';

describe('Collect New Files on a local folder (n8n engine)', () => {
	let source: CollectSource;
	beforeEach(async () => {
		source = await localSource();
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
