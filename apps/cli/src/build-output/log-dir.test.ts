import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BuildLogDir } from './log-dir.js';

const dir = mkdtempSync(join(tmpdir(), 'kiln-logdir-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('-log-dir', () => {
  it('keeps one timestamped log per build, with safe and distinct file names', () => {
    const logs = new BuildLogDir(join(dir, 'logs'), () => new Date('2026-11-27T18:38:19Z'));
    logs.write('web', '==> web: one\n==> web: two');
    logs.write('a/b', 'x');
    logs.write('a_b', 'y');
    logs.write('web', "Build 'web' finished after 1 second.");
    expect(readdirSync(join(dir, 'logs')).sort()).toEqual(['a_b-2.log', 'a_b.log', 'web.log']);
    const stamp = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d) /;
    const web = readFileSync(join(dir, 'logs', 'web.log'), 'utf8').split('\n');
    expect(web.map((line) => line.replace(stamp, ''))).toEqual([
      '==> web: one',
      '==> web: two',
      "Build 'web' finished after 1 second.",
      '',
    ]);
    expect(web[0]).toMatch(stamp);
    expect(readFileSync(join(dir, 'logs', 'a_b.log'), 'utf8')).toMatch(/ x\n$/);
  });
});
