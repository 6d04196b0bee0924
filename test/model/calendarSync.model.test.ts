import fc from 'fast-check';
import { checkModel, modelBudget } from './support/budget';
import { Violation, World, type Command, type Settings } from './calendarSyncWorld';

/**
 * Calendar Sync, model-based: random histories of what a Pipedrive user and their Google Calendar user do, with
 * runs of every kind (scheduled, manual, after a lost state, after a 410) and refused writes, through the real
 * node in n8n's engine against the Calendar fake. After every run the user's promise is checked (see World):
 * their own Google events change only as their CRM-side change and the policy allow, private details never reach
 * the CRM under "Don't sync", nothing is duplicated, the chosen conflict policy decides, quiet runs write nothing.
 */

const settingsArb: fc.Arbitrary<Settings> = fc.record({
	direction: fc.constantFrom('oneWay' as const, 'twoWay' as const, 'twoWay' as const),
	conflict: fc.constantFrom('newest' as const, 'activities' as const, 'calendar' as const),
	privatePolicy: fc.constantFrom('private' as const, 'busy' as const, 'skip' as const),
	typeFilter: fc.boolean(),
	propagateDeletions: fc.boolean(),
	writeBack: fc.boolean(),
	shortPages: fc.boolean(),
});

const pick = fc.nat(20);
const title = fc.nat(5);
const dayOffset = fc.integer({ min: 1, max: 6 });
const hour = fc.option(fc.integer({ min: 8, max: 16 }), { nil: null, freq: 4 });
const type = fc.constantFrom('meeting', 'call', 'task');

const commandArb: fc.Arbitrary<Command> = fc.oneof(
	{
		arbitrary: fc.record({
			k: fc.constant('crmCreate' as const),
			type,
			title,
			day: dayOffset,
			hour,
			private: fc.boolean(),
		}),
		weight: 3,
	},
	{ arbitrary: fc.record({ k: fc.constant('crmEdit' as const), pick, title }), weight: 2 },
	{ arbitrary: fc.record({ k: fc.constant('crmMove' as const), pick, day: dayOffset }), weight: 1 },
	{ arbitrary: fc.record({ k: fc.constant('crmDelete' as const), pick }), weight: 1 },
	{ arbitrary: fc.record({ k: fc.constant('crmPrivate' as const), pick }), weight: 2 },
	{ arbitrary: fc.record({ k: fc.constant('crmType' as const), pick, type }), weight: 1 },
	{
		arbitrary: fc.record({
			k: fc.constant('gCreate' as const),
			title,
			day: dayOffset,
			hour,
			private: fc.boolean(),
		}),
		weight: 3,
	},
	{
		arbitrary: fc.record({ k: fc.constant('gInvite' as const), title, day: dayOffset, hour }),
		weight: 1,
	},
	{
		arbitrary: fc.record({
			k: fc.constant('gLookAlike' as const),
			pick,
			variant: fc.constantFrom('same' as const, 'case' as const, 'spaces' as const),
		}),
		weight: 1,
	},
	{ arbitrary: fc.record({ k: fc.constant('gEdit' as const), pick, title }), weight: 2 },
	{ arbitrary: fc.record({ k: fc.constant('gMove' as const), pick, day: dayOffset }), weight: 1 },
	{ arbitrary: fc.record({ k: fc.constant('gDelete' as const), pick }), weight: 1 },
	{ arbitrary: fc.record({ k: fc.constant('gPrivate' as const), pick }), weight: 2 },
	{
		arbitrary: fc.record({ k: fc.constant('gSeries' as const), title, day: dayOffset, hour }),
		weight: 1,
	},
	{ arbitrary: fc.record({ k: fc.constant('gInstanceEdit' as const), pick, title }), weight: 1 },
	{ arbitrary: fc.record({ k: fc.constant('gInstanceDelete' as const), pick }), weight: 1 },
	{ arbitrary: fc.record({ k: fc.constant('gSeriesEdit' as const), pick, title }), weight: 1 },
	{ arbitrary: fc.record({ k: fc.constant('gSplit' as const), pick, title }), weight: 1 },
	{ arbitrary: fc.constant({ k: 'run' as const }), weight: 5 },
	{ arbitrary: fc.constant({ k: 'manualRun' as const }), weight: 1 },
	{ arbitrary: fc.constant({ k: 'loseState' as const }), weight: 1 },
	{ arbitrary: fc.constant({ k: 'reset410' as const }), weight: 1 },
	{ arbitrary: fc.constant({ k: 'refuseNextWrite' as const }), weight: 1 },
	{ arbitrary: fc.constant({ k: 'settle' as const }), weight: 1 },
);

/** Replays one history; a broken promise throws a Violation with the history so far. */
export async function replay(settings: Settings, commands: Command[]): Promise<void> {
	const world = new World(settings);
	await world.start();
	try {
		for (const command of commands) await world.apply(command);
		await world.settle();
	} catch (error) {
		if (error instanceof Violation)
			error.message += `\nsettings ${JSON.stringify(settings)}\n${world.log.join('\n')}`;
		throw error;
	} finally {
		await world.stop();
	}
}

describe('Calendar Sync model (random histories through n8n against the Calendar fake)', () => {
	const budget = modelBudget('calendarSync', 200);

	it(`keeps the user's promise (seed ${budget.seed}, ${budget.numRuns} histories of up to ${budget.maxCommands} steps)`, async () => {
		await checkModel(
			'calendarSync',
			budget,
			fc.asyncProperty(
				settingsArb,
				fc.array(commandArb, { maxLength: budget.maxCommands, size: '+1' }),
				async (settings, commands) => {
					await replay(settings, commands);
				},
			),
		);
	}, 600_000);
});
