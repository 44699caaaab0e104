#!/usr/bin/env node
// The published entry point: runs the compiled CLI. `npm install` at the repository root builds it.
import { main } from '../dist/main.js';

process.exitCode = await main(process.argv.slice(2));
