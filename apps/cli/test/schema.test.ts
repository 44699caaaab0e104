import { describe, expect, it } from 'vitest';
import { createBundledPluginRegistry } from '../src/plugins.js';
import { runKiln } from './run-kiln.js';

describe('kiln schema', () => {
  it('prints a draft-07 JSON Schema of a template covering every bundled plugin', async () => {
    const run = await runKiln(['schema']);
    expect(run.code).toBe(0);
    const schema = JSON.parse(run.stdout) as { $schema: string; required: string[]; definitions: Record<string, unknown> };
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.required).toEqual(['builders']);
    const registry = createBundledPluginRegistry();
    for (const kind of ['builder', 'provisioner', 'post-processor'] as const) {
      for (const type of registry.kinds(kind)) expect(Object.keys(schema.definitions)).toContain(`${kind}.${type}`);
    }
  });

  it('prints the same document with -machine-readable (no rows) and refuses arguments', async () => {
    const plain = await runKiln(['schema']);
    expect((await runKiln(['schema', '-machine-readable'])).stdout).toBe(plain.stdout);
    const extra = await runKiln(['schema', 'x.json']);
    expect(extra.code).toBe(1);
    expect(extra.stdout).toMatch(/^Usage: kiln schema\n/);
  });
});
