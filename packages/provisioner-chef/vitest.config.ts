import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// Two suites run only when asked for, so that `npm test` runs (and skips) nothing it cannot:
// the acceptance test needs a host with Chef Infra Client (KILN_CHEF_ACCEPTANCE_HOST), and the
// recorder rewrites the Packer 1.6.6 fixtures (`npm run record-fixtures`).
const optIn = [
  ...(process.env.KILN_CHEF_ACCEPTANCE_HOST ? [] : ['test/acceptance.test.ts']),
  ...(process.env.KILN_RECORD_CHEF_FIXTURES === '1' ? [] : ['test/record-packer-fixtures.test.ts']),
];

export default mergeConfig(shared, defineConfig({ test: { exclude: ['**/node_modules/**', ...optIn] } }));
