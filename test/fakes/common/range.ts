/** "bytes=a-b", "bytes=a-", "bytes=-n"; undefined when absent or malformed (served whole), 'unsatisfiable' when out of range. */
export function parseRange(
	header: string | undefined,
	size: number,
): [number, number] | 'unsatisfiable' | undefined {
	if (!header) return undefined;
	const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
	if (!match || (match[1] === '' && match[2] === '')) return undefined;
	let start: number;
	let end: number;
	if (match[1] === '') {
		start = Math.max(0, size - Number(match[2]));
		end = size - 1;
	} else {
		start = Number(match[1]);
		end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
	}
	if (start >= size || start > end) return 'unsatisfiable';
	return [start, end];
}
