import type { LoggedRequest } from '../../fakes/common/server';

/**
 * Where one run's wall time went, from the fakes' request logs: the time before the first request (n8n starting
 * the workflow, the Code node, our planning), the requests themselves (how many per file, of which kinds, how
 * long the fake took, how many were in flight at once, the gap between one answer and the next request: the
 * client's own time per request), and the time after the last answer.
 */
export interface Timeline {
	requests: number;
	perFile: number;
	/** Requests by kind: method and path with ids and names folded. */
	kinds: Record<string, number>;
	/** From the webhook call to the first request reaching a fake. */
	beforeFirstMs: number;
	/** From the first request to the last answer. */
	requestSpanMs: number;
	/** From the last answer to the webhook's answer. */
	afterLastMs: number;
	/** Median time from a request's arrival to its answer (the fake's own time, plus the relay's latency if any). */
	serverMedianMs: number;
	/** Median time from one answer to the next request's arrival: the client's time between requests. */
	clientGapMedianMs: number;
	/** Sum of those gaps: time spent with no request at a fake. */
	clientGapTotalMs: number;
	/** Most requests open at one moment. */
	maxInFlight: number;
}

export function timelineOf(
	entries: LoggedRequest[],
	startedAt: number,
	endedAt: number,
	files: number,
): Timeline {
	const sorted = [...entries].sort((a, b) => a.at - b.at);
	const kinds: Record<string, number> = {};
	for (const entry of sorted) {
		const kind = `${entry.method} ${foldPath(entry.path)}${entry.status >= 300 || entry.status === 0 ? ` -> ${entry.status}` : ''}`;
		kinds[kind] = (kinds[kind] ?? 0) + 1;
	}
	const done = (entry: LoggedRequest) => entry.doneAt ?? entry.at;
	const gaps: number[] = [];
	let lastDone = -Infinity;
	for (const entry of sorted) {
		if (lastDone > -Infinity && entry.at >= lastDone) gaps.push(entry.at - lastDone);
		lastDone = Math.max(lastDone, done(entry));
	}
	const events = sorted.flatMap((entry) => [
		{ t: entry.at, d: 1 },
		{ t: done(entry), d: -1 },
	]);
	events.sort((a, b) => a.t - b.t || a.d - b.d);
	let open = 0;
	let maxInFlight = 0;
	for (const event of events) maxInFlight = Math.max(maxInFlight, (open += event.d));
	const first = sorted[0]?.at ?? startedAt;
	const last = sorted.length ? Math.max(...sorted.map(done)) : startedAt;
	return {
		requests: sorted.length,
		perFile: sorted.length / files,
		kinds,
		beforeFirstMs: first - startedAt,
		requestSpanMs: last - first,
		afterLastMs: endedAt - last,
		serverMedianMs: median(sorted.map((entry) => done(entry) - entry.at)),
		clientGapMedianMs: median(gaps),
		clientGapTotalMs: gaps.reduce((sum, gap) => sum + gap, 0),
		maxInFlight,
	};
}

function foldPath(path: string): string {
	return path
		.replace(/\/doc-\d+\.txt/g, '/<file>')
		.replace(/(items|files|upload)\/[A-Za-z0-9!_.-]{8,}/g, '$1/<id>')
		.replace(/:\/[^:]+:/g, ':/<name>:')
		.replace(/\/upload-sessions?\/[^/]+/g, '/upload-session/<id>');
}

export function median(values: number[]): number {
	if (values.length === 0) return 0;
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function describeTimeline(t: Timeline): string {
	const kinds = Object.entries(t.kinds)
		.sort((a, b) => b[1] - a[1])
		.map(([kind, n]) => `${n} ${kind}`)
		.join(', ');
	return (
		`${t.requests} requests (${t.perFile.toFixed(3)}/file; ${kinds}); before the first request ${t.beforeFirstMs} ms, ` +
		`requests ${t.requestSpanMs} ms, after the last ${t.afterLastMs} ms; fake median ${t.serverMedianMs} ms per request, ` +
		`client gap median ${t.clientGapMedianMs} ms (total ${t.clientGapTotalMs} ms); at most ${t.maxInFlight} in flight`
	);
}
