/** Removes the run's scratch folder (the quiet reporter has read it by then: reporters finish before teardown). */
const { rmSync } = require('fs');

module.exports = async function globalTeardown() {
	if (process.env.CLOUD_SYNC_FAULTS_DIR)
		rmSync(process.env.CLOUD_SYNC_FAULTS_DIR, { recursive: true, force: true });
};
