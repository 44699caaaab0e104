#!/usr/bin/env node
// The `kiln` command: runs the bundled CLI (dist/bundle), which `npm install` at the repository
// root builds. See scripts/bundle.mjs for why it is bundled.
import { main } from '../dist/bundle/main.js';

// `kiln schema | head` closes the pipe early: that is the reader's choice, not an error to report.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await main(process.argv.slice(2));
