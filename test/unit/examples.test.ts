import { readFileSync } from 'fs';
import { join } from 'path';
import { EXAMPLES_DIR, exampleWorkflows, renderExample } from '../e2e/examples';

describe('examples/ (the workflows the README points users to)', () => {
	it.each(Object.entries(exampleWorkflows()))(
		'%s matches the workflow the e2e tests run',
		(file, workflow) => {
			expect(readFileSync(join(EXAMPLES_DIR, file), 'utf8')).toBe(renderExample(workflow));
		},
	);

	it('uses only this package, n8n core nodes, and credential placeholders without secrets', () => {
		for (const workflow of Object.values(exampleWorkflows()) as Array<{
			nodes: Array<{ type: string; credentials?: object }>;
		}>) {
			for (const node of workflow.nodes) {
				expect(node.type).toMatch(/^(n8n-nodes-cloud-sync|n8n-nodes-base)\./);
				expect(JSON.stringify(node.credentials ?? {})).not.toMatch(/token|secret/i);
			}
		}
	});
});
