/**
 * The example workflows in examples/, generated from the builders the end-to-end tests run, so the files users
 * import are the ones proven in real n8n. `npm run examples` rewrites them; test/unit/examples.test.ts fails when
 * they drift. Credentials are placeholders to replace with your own; local paths are placeholders too.
 */
import { mkdirSync, writeFileSync } from 'fs';
import { join, resolve } from 'path';
import { accountingPipeline, calendarTwoWay, qontoExport } from './workflows';

export const EXAMPLES_DIR = resolve(__dirname, '..', '..', 'examples');

/** Placeholders: edit them, and allow their parent with N8N_RESTRICT_FILE_ACCESS_TO (n8n 2.x allows only ~/.n8n-files). */
const LOCAL = { inbox: '/data/n8n-files/inbox', archive: '/data/n8n-files/archive' };

export function exampleWorkflows(): Record<string, object> {
	return {
		'accounting-pipeline-dropbox-to-drive.json': hourly(
			accountingPipeline('CsExampleAcct001', 'schedule'),
		),
		'accounting-pipeline-local-folders.json': accountingPipeline(
			'CsExampleLocal01',
			'manual',
			'localFolder',
			LOCAL,
		),
		'accounting-pipeline-webhook.json': accountingPipeline('CsExampleHook001', 'webhook'),
		'qonto-receipts-to-onedrive.json': qontoExport('CsExampleQonto01', LOCAL.inbox),
		'calendar-two-way.json': calendarTwoWay('CsExampleCal0001', [
			{
				id: 1,
				type: 'meeting',
				subject: 'Kick-off',
				due_date: '2030-01-15',
				due_time: '09:00',
				duration: '01:00',
				done: false,
			},
		]),
	};
}

/** The tests tick every few seconds; a user's pipeline runs hourly. */
function hourly<T extends { nodes: Array<{ parameters: object }> }>(workflow: T): T {
	workflow.nodes[0].parameters = { rule: { interval: [{ field: 'hours', hoursInterval: 1 }] } };
	return workflow;
}

export function renderExample(workflow: object): string {
	return `${JSON.stringify(workflow, null, '\t')}\n`;
}

if (require.main === module) {
	mkdirSync(EXAMPLES_DIR, { recursive: true });
	for (const [file, workflow] of Object.entries(exampleWorkflows())) {
		writeFileSync(join(EXAMPLES_DIR, file), renderExample(workflow));
		process.stdout.write(`wrote examples/${file}\n`);
	}
}
