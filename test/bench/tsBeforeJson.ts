/**
 * Node files are named `X.node.ts` next to `X.node.json` (the codex). Under ts-node, `require('./X.node')` would
 * resolve the JSON first (Node tries registered extensions in order and ts-node adds `.ts` last); jest resolves
 * `.ts` first. Re-registering `.json` puts it after `.ts`, so the bench loads the same modules the tests do.
 * Import this module before any node module.
 */
const extensions = require.extensions as Partial<NodeJS.RequireExtensions>;
const json = extensions['.json'];
delete extensions['.json'];
extensions['.json'] = json;

export {};
