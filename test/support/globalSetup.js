/**
 * Once per jest run, before any worker starts: a scratch folder of this run's own for the fault suite's rows
 * (workers inherit the variable), so runs side by side and rows of earlier runs never mix.
 */
const { mkdtempSync } = require('fs');
const { tmpdir } = require('os');
const { join } = require('path');

module.exports = async function globalSetup() {
	process.env.CLOUD_SYNC_FAULTS_DIR = mkdtempSync(join(tmpdir(), 'cloud-sync-faults-'));
};
