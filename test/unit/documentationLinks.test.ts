import { readdirSync, readFileSync } from 'fs';
import { join, resolve } from 'path';
import * as entry from '../../index';

/**
 * Every documentation link a node or credential shows in n8n's editor points at a README section that exists:
 * the package's homepage (the repository, whose front page is this README) plus the anchor GitHub makes from a
 * heading.
 */
const ROOT = resolve(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** GitHub's anchor for a heading: lower case, punctuation other than '-' and '_' dropped, spaces to '-'. */
function githubAnchor(heading: string): string {
	return heading
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\s_-]/gu, '')
		.replace(/\s/g, '-');
}

function readmeAnchors(): Set<string> {
	const anchors = new Set<string>();
	let inFence = false;
	for (const line of readme.split('\n')) {
		if (line.startsWith('```')) inFence = !inFence;
		const heading = !inFence && /^#{1,6}\s+(.*)$/.exec(line);
		if (heading) anchors.add(githubAnchor(heading[1]));
	}
	return anchors;
}

function documentationLinks(): Array<{ owner: string; url: string }> {
	const links: Array<{ owner: string; url: string }> = [];
	for (const [name, Exported] of Object.entries(entry)) {
		const instance = new (Exported as new () => { documentationUrl?: string })();
		if (instance.documentationUrl) links.push({ owner: name, url: instance.documentationUrl });
	}
	for (const folder of readdirSync(join(ROOT, 'nodes'))) {
		const codex = join(ROOT, 'nodes', folder, `${folder}.node.json`);
		let json: { resources?: Record<string, Array<{ url: string }>> };
		try {
			json = JSON.parse(readFileSync(codex, 'utf8'));
		} catch {
			continue;
		}
		for (const list of Object.values(json.resources ?? {})) {
			for (const { url } of list) links.push({ owner: `${folder}.node.json`, url });
		}
	}
	return links;
}

describe('documentation links', () => {
	const links = documentationLinks();

	it('every node and credential has one', () => {
		const owners = new Set(links.map((link) => link.owner));
		for (const path of [...pkg.n8n.nodes, ...pkg.n8n.credentials] as string[]) {
			const name = path
				.split('/')
				.pop()!
				.replace(/\.(node|credentials)\.js$/, '');
			const hasLink = owners.has(name) || owners.has(`${name}.node.json`);
			expect({ name, hasLink }).toEqual({ name, hasLink: true });
		}
	});

	it.each(links.map((link) => [link.owner, link.url]))(
		'%s links to an existing README section (%s)',
		(_owner, url) => {
			const [base, anchor] = url.split('#');
			expect(base).toBe(pkg.homepage);
			expect(anchor).toBeTruthy();
			expect([...readmeAnchors()]).toContain(anchor);
		},
	);
});
