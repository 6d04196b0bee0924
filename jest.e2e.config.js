/** End-to-end tests: a real n8n process per version (installed into a cache outside the clone on first use). */
/** @type {import('jest').Config} */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }] },
	// Installing n8n takes minutes the first time; each CLI call takes seconds.
	testTimeout: 45 * 60 * 1000,
	maxWorkers: 1,
	forceExit: true,
};
