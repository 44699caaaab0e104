#!/usr/bin/env node
// The `kiln` command: runs the bundled CLI (dist/bundle/kiln.cjs, which `npm install` at the
// repository root builds) with V8's compiled code kept per user and per verb. See
// scripts/bundle.mjs for why it is one CommonJS file, and src/code-cache for the cache.
import { fileURLToPath } from 'node:url';
import { codeCacheDir } from '../dist/code-cache/code-cache-dir.js';
import { loadWithCodeCache } from '../dist/code-cache/load-with-code-cache.js';

// `kiln schema | head` closes the pipe early: that is the reader's choice, not an error to report.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const argv = process.argv.slice(2);
// The verb names the cache: a build compiles other code than a validate.
const verb = argv.find((arg) => !arg.startsWith('-')) ?? 'none';
const { main } = loadWithCodeCache(fileURLToPath(new URL('../dist/bundle/kiln.cjs', import.meta.url)), {
  cacheDir: codeCacheDir(),
  variant: /^[a-z]{1,16}$/.test(verb) ? verb : 'other',
});
process.exitCode = await main(argv);
