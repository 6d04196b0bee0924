/**
 * n8n's own Prettier settings (the n8n repository's .prettierrc.js), so this package reads like n8n's nodes.
 * `npm run lint` checks them; `npm run format` applies them.
 */
module.exports = {
	semi: true,
	trailingComma: 'all',
	bracketSpacing: true,
	useTabs: true,
	tabWidth: 2,
	arrowParens: 'always',
	singleQuote: true,
	quoteProps: 'as-needed',
	endOfLine: 'lf',
	printWidth: 100,
};
