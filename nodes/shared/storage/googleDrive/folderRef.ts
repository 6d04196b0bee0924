/** Pull a Drive folder/file id out of what a user pasted: an id or any drive.google.com URL form (pure). */
export function driveIdFromUrl(value: string): string | undefined {
	const text = value.trim();
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return undefined;
	}
	if (!/(^|\.)google\.com$/.test(url.hostname)) return undefined;
	const byPath = /\/(?:drive\/(?:u\/\d+\/)?folders|file\/d|folders)\/([A-Za-z0-9_-]{10,})/.exec(
		url.pathname,
	);
	if (byPath) return byPath[1];
	const id = url.searchParams.get('id');
	return id && /^[A-Za-z0-9_-]{10,}$/.test(id) ? id : undefined;
}

/** Escape a string for a single-quoted literal in Drive's `q` language. */
export function escapeQueryString(value: string): string {
	return value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}
