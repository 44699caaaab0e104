import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BUNDLED_PLUGIN_LOADERS } from '../src/plugins.js';
import { runKiln } from './run-kiln.js';

const BIN = fileURLToPath(new URL('../bin/kiln.js', import.meta.url));

/**
 * One build per builder type, with every provisioner and post-processor type in each; every
 * block has an unknown key and lacks what its schema requires, which only the schema reports.
 */
function templateNamingEveryPlugin(): object {
  const blocks = (kind: keyof typeof BUNDLED_PLUGIN_LOADERS) =>
    Object.keys(BUNDLED_PLUGIN_LOADERS[kind]).map((type) => ({ type, no_such_option: true }));
  return { builders: blocks('builder'), provisioners: blocks('provisioner'), 'post-processors': blocks('post-processor') };
}

// The kiln bundle validates with code compiled ahead of time from each plugin's schema
// (scripts/compile-validators.mjs); run from source, the schemas compile with ajv at run time.
// Both must report the same problems in the same words.
describe('validators compiled ahead of time', () => {
  it('report exactly what the schemas compiled at run time report, for every bundled plugin', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiln-precompiled-'));
    writeFileSync(join(dir, 'every-plugin.json'), JSON.stringify(templateNamingEveryPlugin(), null, 2));
    const fromSource = await runKiln(['validate', 'every-plugin.json'], { cwd: dir });
    const fromBundle = await promisify(execFile)(process.execPath, [BIN, 'validate', 'every-plugin.json'], { cwd: dir, env: {} }).catch(
      (failure: { code: number; stdout: string; stderr: string }) => failure,
    );
    expect(fromSource.code).toBe(1);
    expect('code' in fromBundle ? fromBundle.code : 0).toBe(1);
    expect(fromSource.stdout).toContain('unknown configuration key');
    expect(fromBundle.stdout).toBe(fromSource.stdout);
    expect(fromBundle.stderr).toBe(fromSource.stderr);
  });
});
