import { fingerprint, FINGERPRINT_LENGTH } from './fingerprint';

/** Content fingerprint of a file whose provider reports no hash (Google Docs, folders): never equal to another. */
export const NO_CONTENT = '.'.repeat(FINGERPRINT_LENGTH);

const RECORD_LENGTH = FINGERPRINT_LENGTH * 2;

export function idFingerprint(id: string): string {
	return fingerprint(`id:${id}`);
}

export function contentFingerprint(hash: string | undefined): string {
	return hash ? fingerprint(`hash:${hash}`) : NO_CONTENT;
}

/**
 * Known files as fixed-width records "<id fingerprint><content fingerprint>" (24 characters each, no JSON
 * punctuation per file): the id says "this document is known" (so a rename or move is not new), the content
 * says whether it changed and whether new files duplicate it. Encoded sorted, so equal sets save equal strings.
 */
export class FileRecords {
	private readonly byId = new Map<string, string>();
	private contents?: Set<string>;

	constructor(encoded = '') {
		for (let i = 0; i + RECORD_LENGTH <= encoded.length; i += RECORD_LENGTH) {
			this.byId.set(
				encoded.slice(i, i + FINGERPRINT_LENGTH),
				encoded.slice(i + FINGERPRINT_LENGTH, i + RECORD_LENGTH),
			);
		}
	}

	get size(): number {
		return this.byId.size;
	}

	hasId(idFp: string): boolean {
		return this.byId.has(idFp);
	}

	contentOf(idFp: string): string | undefined {
		return this.byId.get(idFp);
	}

	hasContent(contentFp: string): boolean {
		if (contentFp === NO_CONTENT) return false;
		if (!this.contents) this.contents = new Set(this.byId.values());
		return this.contents.has(contentFp);
	}

	set(idFp: string, contentFp: string): void {
		this.byId.set(idFp, contentFp);
		this.contents?.add(contentFp);
	}

	delete(idFp: string): boolean {
		const existed = this.byId.delete(idFp);
		if (existed) this.contents = undefined;
		return existed;
	}

	encode(): string {
		const records: string[] = [];
		for (const [id, content] of this.byId) records.push(id + content);
		return records.sort().join('');
	}
}
