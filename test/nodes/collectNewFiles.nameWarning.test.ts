import { tmpdir } from 'os';
import { collectWorkflow } from './support/collectHarness';
import { cloudSource, localSource, type CollectSource } from './support/collectSources';
import type { CloudKind } from './support/nodeFixtures';

/**
 * Issue 18 point 6: a name read from a source whose displayed form can differ from what it is is flagged on the
 * output item (a right-to-left override makes "invoice<U+202E>fdp.exe" show as "invoiceexe.pdf"); plain names,
 * accents and right-to-left scripts included, are not.
 */

// n8n 2.x only lets nodes touch allowed folders; an operator allows the local test folder like this.
process.env.N8N_RESTRICT_FILE_ACCESS_TO = tmpdir();

const RLO = '\u202E';

describe.each<CloudKind | 'localFolder'>(['googleDrive', 'oneDrive', 'dropbox', 'localFolder'])(
	'Collect New Files on %s: names with hidden characters',
	(kind) => {
		it('flags a right-to-left override on the item, shows the name as it is, and leaves plain names alone', async () => {
			const source: CollectSource =
				kind === 'localFolder' ? await localSource() : await cloudSource(kind);
			try {
				const flow = collectWorkflow(source);
				await source.user.createFile(`invoice${RLO}fdp.exe`, Buffer.from('not a pdf'));
				await source.user.createFile('Facture café עברית.pdf', Buffer.from('plain'));
				const { result, json } = await flow.run();
				expect(result.error?.message ?? result.status).toBe('success');
				const tricked = json.find((j) => String(j.name).startsWith('invoice'))!;
				expect(tricked.visibleName).toBe('invoice<U+202E>fdp.exe');
				expect(tricked.nameWarning).toMatch(
					/direction override.*"invoice<U\+202E>fdp\.exe".*Check the file/,
				);
				const plain = json.find((j) => String(j.name).startsWith('Facture'))!;
				expect(plain.nameWarning).toBeUndefined();
				expect(plain.visibleName).toBeUndefined();
			} finally {
				await source.close();
			}
		});
	},
);
