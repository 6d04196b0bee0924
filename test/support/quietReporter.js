/**
 * `npm test`'s reporter: a success fits on one screen. It prints a line at the start, progress now and then, every
 * failure in full (as jest's default reporter would), and at the end the counts, where the fault suite's table went
 * and a plain "N passed, N failed" line. Per-test lines and the tests' console output are left out; run one file with
 * `npx jest <file> --reporters=default` to see them.
 */
const { join } = require('path');

class QuietReporter {
	constructor(globalConfig) {
		this.globalConfig = globalConfig;
		this.files = 0;
		this.done = 0;
		this.lastProgress = Date.now();
	}

	onRunStart(aggregated) {
		this.files = aggregated.numTotalTestSuites;
		this.started = Date.now();
		process.stdout.write(
			`jest: ${this.files} test files on ${this.globalConfig.maxWorkers} workers\n`,
		);
	}

	onTestResult(test, result) {
		this.done += 1;
		const failed = result.numFailingTests > 0 || result.testExecError;
		if (failed) {
			process.stdout.write(
				`\nFAIL ${relative(test.path)}\n${result.failureMessage ?? result.testExecError?.message ?? ''}\n`,
			);
		}
		// A line every 30 s, so a long run is not silence (CI logs are not terminals: no carriage-return tricks).
		if (Date.now() - this.lastProgress > 30000 && this.done < this.files) {
			this.lastProgress = Date.now();
			process.stdout.write(
				`  ${this.done}/${this.files} files done (${seconds(this.started)} s)\n`,
			);
		}
	}

	onRunComplete(_contexts, results) {
		const tests = results.numTotalTests;
		const failedFiles = results.numFailedTestSuites + results.numRuntimeErrorTestSuites;
		process.stdout.write(
			`Test files: ${results.numPassedTestSuites} passed, ${failedFiles} failed; ` +
				`tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped ` +
				`(${tests} in all, ${seconds(this.started)} s)\n`,
		);
		const faults = settleFaults();
		if (faults) {
			process.stdout.write(
				`Fault suite: ${faults.summary}${faults.table ? ` (table: ${relative(faults.table)})` : ''}\n`,
			);
		}
		process.stdout.write(`${results.numPassedTests} passed, ${results.numFailedTests} failed\n`);
	}
}

function settleFaults() {
	const dir = process.env.CLOUD_SYNC_FAULTS_DIR;
	if (!dir) return undefined;
	require('ts-node').register({ transpileOnly: true, compilerOptions: { module: 'commonjs' } });
	return require(join(__dirname, '..', 'faults', 'support', 'report.ts')).settleFaultReport(dir);
}

function relative(path) {
	return require('path').relative(process.cwd(), path);
}

function seconds(since) {
	return Math.round((Date.now() - since) / 1000);
}

module.exports = QuietReporter;
