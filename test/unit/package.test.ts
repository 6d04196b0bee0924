import { existsSync, readFileSync } from 'fs';
import { join, resolve } from 'path';
import * as entry from '../../index';

const ROOT = resolve(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

/** dist/nodes/X/X.node.js is compiled from nodes/X/X.node.ts. */
function sourceOf(distPath: string): string {
	return join(ROOT, distPath.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
}

describe('package.json (what n8n and npm see)', () => {
	it('is an n8n community package: name, keyword, API version, files, peer dependency', () => {
		expect(pkg.name).toBe('n8n-nodes-cloud-sync');
		expect(pkg.keywords).toContain('n8n-community-node-package');
		expect(pkg.n8n.n8nNodesApiVersion).toBe(1);
		expect(pkg.files).toEqual(['dist']);
		expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		// Optional, so `npm install` in ~/.n8n/nodes does not add a second n8n-workflow (on Node 20 the newest one
		// does not even build): the package uses the one n8n loads, as n8n's own installer arranges by dropping peers.
		expect(pkg.peerDependenciesMeta).toEqual({ 'n8n-workflow': { optional: true } });
		expect(pkg.license).toBe('MIT');
	});

	it('has exactly the runtime dependencies the design names', () => {
		expect(Object.keys(pkg.dependencies).sort()).toEqual([
			'@googleapis/calendar',
			'@googleapis/drive',
			'@microsoft/microsoft-graph-client',
			'dropbox',
			'luxon',
		]);
	});

	it('lists every node and credential, each built from an existing source, each exported from index.ts', () => {
		const nodes: string[] = pkg.n8n.nodes;
		const credentials: string[] = pkg.n8n.credentials;
		expect(nodes.map((path) => path.split('/').pop())).toEqual([
			'CalendarSync.node.js',
			'CollectNewFiles.node.js',
			'ExportToFolder.node.js',
		]);
		expect(credentials).toHaveLength(4);
		for (const path of [...nodes, ...credentials]) {
			expect(path).toMatch(/^dist\//);
			expect(existsSync(sourceOf(path))).toBe(true);
			const className = path
				.split('/')
				.pop()!
				.replace(/\.(node|credentials)\.js$/, '');
			expect(entry).toHaveProperty(className);
		}
	});

	it('gives each credential the public name workflows store', () => {
		const names = Object.values(entry)
			.map((Type) => new (Type as new () => { name?: string; description?: { name: string } })())
			.map((instance) => instance.name ?? instance.description?.name)
			.sort();
		expect(names).toEqual([
			'calendarSync',
			'cloudSyncDropboxOAuth2Api',
			'cloudSyncGoogleCalendarOAuth2Api',
			'cloudSyncGoogleDriveOAuth2Api',
			'cloudSyncMicrosoftOneDriveOAuth2Api',
			'collectNewFiles',
			'exportToFolder',
		]);
	});
});
