/** A parsed multipart/related body: the JSON metadata part and the media part. */
export interface MultipartBody {
	metadata: Buffer;
	mediaType?: string;
	media: Buffer;
}

/** Parse googleapis' multipart/related upload (lower-case part headers, no Content-Length). Undefined if malformed. */
export function parseMultipart(
	contentType: string | undefined,
	body: Buffer,
): MultipartBody | undefined {
	const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
	if (!match || !/^multipart\/related/i.test(contentType ?? '')) return undefined;
	const delimiter = Buffer.from(`--${match[1] ?? match[2]}`);
	const parts: Array<{ headers: Record<string, string>; body: Buffer }> = [];
	let at = body.indexOf(delimiter);
	if (at < 0) return undefined;
	for (;;) {
		let start = at + delimiter.length;
		if (body.subarray(start, start + 2).toString() === '--') break;
		if (body.subarray(start, start + 2).toString() === '\r\n') start += 2;
		const headerEnd = body.indexOf('\r\n\r\n', start);
		if (headerEnd < 0) return undefined;
		const headers: Record<string, string> = {};
		for (const line of body.subarray(start, headerEnd).toString('utf8').split('\r\n')) {
			const colon = line.indexOf(':');
			if (colon > 0)
				headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
		}
		const next = body.indexOf(delimiter, headerEnd + 4);
		if (next < 0) return undefined;
		let end = next;
		if (body.subarray(end - 2, end).toString() === '\r\n') end -= 2;
		parts.push({ headers, body: body.subarray(headerEnd + 4, end) });
		at = next;
	}
	if (parts.length !== 2) return undefined;
	return {
		metadata: parts[0].body,
		mediaType: parts[1].headers['content-type'],
		media: parts[1].body,
	};
}
