import type { Timeline } from './timeline';

/** What index.ts hands the process in the namespace, and what it hands back. */
export interface PeerConfig {
	workDir: string;
	n8nDir: string;
	n8nVersion: string;
	/** n8n's user folder, with this package already installed in it. */
	n8nUserFolder: string;
	caFile: string;
	keyFile: string;
	certFile: string;
	resultFile: string;
	files: number;
	events: number;
	/** Added round trip per request on every connection to a fake (latency.ts); 0 for bare loopback. */
	latencyMs: number;
	/** First runs of the export job per side (fresh destinations each), alternating which side goes first. */
	repeats: number;
	jobs: Array<'collect' | 'export' | 'calendar'>;
	clouds: Array<'googleDrive' | 'oneDrive' | 'dropbox'>;
	/** When set, n8n runs with --cpu-prof into this folder and each run records its monotonic time window. */
	profileDir?: string;
}

export interface RunMeasure {
	requests: number;
	ms: number;
	/** Peak resident set of the n8n process during the run (VmHWM after a reset). */
	peakRssMiB: number;
	/** How far the peak rose above the resident set at the start of the run. */
	rssGrowthMiB: number;
	items: number;
	/** 'first': into an empty destination; 'repeat': the same job again. */
	phase?: 'first' | 'repeat';
	timeline?: Timeline;
	/** The run's window on the monotonic clock (µs), to cut n8n's CPU profile. */
	windowUs?: [number, number];
}

export interface SideResult {
	runs: RunMeasure[];
	/** Files (events) the job should have returned or written and did not. */
	missed: number;
	/** Files (events) returned again, or written twice. */
	duplicated: number;
}

export interface PairResult {
	job: 'collect' | 'export' | 'calendar';
	cloud: string;
	peer: SideResult;
	ours: SideResult;
}
