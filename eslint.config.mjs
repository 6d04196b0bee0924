// Lint for n8n-nodes-cloud-sync: n8n's community-node rules (@n8n/eslint-plugin-community-nodes, the config
// for packages that do not target n8n Cloud, and eslint-plugin-n8n-nodes-base's community/credentials/nodes
// sets) on top of @eslint/js and typescript-eslint. Every rule turned off below says why.
import js from '@eslint/js';
import n8nCommunityNodes from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

const communityNodes = n8nCommunityNodes.configs.recommendedWithoutN8nCloudSupport;

export default tseslint.config(
	{
		ignores: [
			'dist/**',
			'node_modules/**',
			'coverage/**',
			'**/*.js',
			'**/*.d.ts',
			'.n8n/**',
			'.scratch/**',
		],
	},

	// TypeScript everywhere.
	{
		files: ['**/*.ts'],
		extends: [js.configs.recommended, ...tseslint.configs.recommended],
		rules: {
			'no-console': 'error',
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
			],
			// The pacer and the fakes walk loosely typed error and JSON shapes (error.cause chains, SDK bodies).
			'@typescript-eslint/no-explicit-any': 'off',
		},
	},

	// n8n's community-node rules, for the shipped code and the package manifest.
	{
		...communityNodes,
		files: ['package.json', 'index.ts', 'nodes/**/*.ts', 'credentials/**/*.ts'],
		rules: {
			...communityNodes.rules,
			// The package runs the official SDKs (@googleapis/drive, @googleapis/calendar,
			// @microsoft/microsoft-graph-client, dropbox) and luxon at runtime: they must be dependencies.
			// This is why the package is for self-hosted n8n only (n8n Cloud verification rejects it).
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
		},
	},
	{
		files: ['package.json'],
		languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: n8nNodesBase.configs.community.rules,
	},
	{
		files: ['credentials/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			// Our documentation lives in the package README (a full URL), not on docs.n8n.io.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			// These two want the legacy literal ['main']; n8n-workflow 2.x types inputs/outputs as
			// NodeConnectionTypes.Main, which @n8n/community-nodes/node-connection-type-literal asks for.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
		},
	},
	// The engine under nodes/shared has no node context (no this.getNode()): providers throw CloudError, the
	// pacer RetryBudgetExceededError, planners their own errors, and nodes/shared/errors.ts turns them into
	// NodeApiError / NodeOperationError at the node boundary (DESIGN.md sections 1 and 6).
	{
		files: ['nodes/shared/**/*.ts'],
		rules: {
			'@n8n/community-nodes/require-node-api-error': 'off',
			// File-name sanitisers must match control characters on purpose.
			'no-control-regex': 'off',
		},
	},

	// Tests, fakes and harness: not shipped. They may print (the fakes CLI) and use test-only shortcuts.
	{
		files: ['test/**/*.ts'],
		rules: {
			'no-console': 'off',
			'@typescript-eslint/no-non-null-assertion': 'off',
			'@typescript-eslint/no-require-imports': 'off',
		},
	},
);
