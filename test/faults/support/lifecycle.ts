import type { FaultReport } from './report';
import type { SecretSweep } from './secrets';

/**
 * The frame every fault file shares: the secret sweep captures console output and n8n's loggers from the first
 * test on (so the suite stays quiet), its closing test finds no token or client secret in anything captured, and
 * the file's rows go to the run's fault table at the end.
 */
export function sweepAndReport(
	sweep: SecretSweep,
	report: FaultReport,
	setUp: () => Promise<void> | void = () => undefined,
): void {
	describe('secrets', () => {
		test('no token or client secret in any log line, error or output of this file', () => {
			expect(sweep.captured).toBeGreaterThan(0);
			expect(sweep.findLeaks()).toEqual([]);
		});
	});

	beforeAll(async () => {
		sweep.install();
		await setUp();
	});

	afterAll(() => {
		sweep.uninstall();
		report.flush();
	});
}
