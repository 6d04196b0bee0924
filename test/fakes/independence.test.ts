import { readdirSync, readFileSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';

/**
 * The fakes are the yardstick the project is measured against: they import nothing from the shipped code
 * (nodes/, credentials/), directly or through another test folder, so a bug there cannot hide in both.
 */
const FAKES = __dirname;
const ROOT = resolve(FAKES, '../..');
const SHIPPED = ['nodes', 'credentials', 'index.ts'].map((entry) => join(ROOT, entry));

function tsFiles(folder: string): string[] {
	return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
		entry.isDirectory()
			? tsFiles(join(folder, entry.name))
			: entry.name.endsWith('.ts')
				? [join(folder, entry.name)]
				: [],
	);
}

function relativeImports(file: string): string[] {
	const text = readFileSync(file, 'utf8');
	const specifiers = [
		...text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](\.{1,2}\/[^'"]*)['"]/g),
	].map((match) => match[1]);
	return specifiers.map((specifier) => resolve(dirname(file), specifier));
}

describe('the fakes are independent of the shipped code', () => {
	it('no file reached from test/fakes imports nodes/ or credentials/', () => {
		const seen = new Set<string>();
		const offending: string[] = [];
		const visit = (file: string) => {
			if (seen.has(file)) return;
			seen.add(file);
			for (const target of relativeImports(file)) {
				if (SHIPPED.some((shipped) => target === shipped || target.startsWith(shipped + '/'))) {
					offending.push(`${relative(ROOT, file)} -> ${relative(ROOT, target)}`);
					continue;
				}
				for (const candidate of [`${target}.ts`, join(target, 'index.ts')]) {
					try {
						readFileSync(candidate);
						visit(candidate);
						break;
					} catch {
						// not this one
					}
				}
			}
		};
		for (const file of tsFiles(FAKES)) visit(file);
		expect(offending).toEqual([]);
	});
});
