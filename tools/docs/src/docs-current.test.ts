import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadBundledPlugins } from './cli.js';
import { generatePluginDocs } from './generate.js';

// CI runs this with every test: docs/plugins must match the bundled plugins' schemas.
const plugins = await loadBundledPlugins();
const directory = fileURLToPath(new URL('../../../docs/plugins/', import.meta.url));

describe.skipIf(plugins.length === 0)('docs/plugins', () => {
  it('is generated from the current plugin schemas (run `npm run docs` after changing a schema)', async () => {
    const report = await generatePluginDocs({ plugins, directory, check: true });
    expect(report.stale).toEqual([]);
    expect(report.orphaned).toEqual([]);
  });
});
