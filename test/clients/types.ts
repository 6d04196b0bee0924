/** What index.ts hands the process in the namespace. */
export interface SuiteConfig {
	workDir: string;
	caFile: string;
	keyFile: string;
	certFile: string;
	resultFile: string;
	/** rclone's own messages, one block per command (kept when the suite fails). */
	logFile: string;
	/** Comma-separated remotes to run (gdrive, onedrive, dropbox); all when absent. */
	only?: string;
}
