#!/usr/bin/env node
// `npm run docs` writes docs/plugins/<kind>-<type>.md from the bundled plugins' schemas;
// `npm run docs -- --check` only compares and exits 1 when a page is stale (for CI).
// Runs the built tool: `npm install` (or `npm run build`) at the repository root builds it.
import { existsSync } from 'node:fs';

const entry = new URL('./dist/index.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('tools/docs is not built: run `npm run build` at the repository root first.');
  process.exit(1);
}
const { runDocsCli } = await import(entry.href);
process.exitCode = await runDocsCli(process.argv.slice(2));
