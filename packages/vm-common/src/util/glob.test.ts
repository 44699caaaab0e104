import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandGlob, hasGlob } from './glob.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kiln-glob-'));
  await mkdir(join(work, 'scripts', 'win'), { recursive: true });
  for (const name of ['a.ps1', 'b.ps1', 'c.bat', 'x1.txt', 'x2.txt', 'xy.txt']) await writeFile(join(work, 'scripts', name), '');
  await writeFile(join(work, 'scripts', 'win', 'z.ps1'), '');
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe("expandGlob (Go's filepath.Glob)", () => {
  it.each([
    ['scripts/*.ps1', ['scripts/a.ps1', 'scripts/b.ps1']],
    ['scripts/x?.txt', ['scripts/x1.txt', 'scripts/x2.txt', 'scripts/xy.txt']],
    ['scripts/x[0-9].txt', ['scripts/x1.txt', 'scripts/x2.txt']],
    ['scripts/x[^0-9].txt', ['scripts/xy.txt']],
    ['scripts/*/*.ps1', ['scripts/win/z.ps1']],
    ['scripts/*.none', []],
  ])('%s', async (pattern, expected) => {
    expect(await expandGlob(join(work, pattern))).toEqual(expected.map((path) => join(work, path)));
  });

  it('knows a pattern from a path', () => {
    expect(hasGlob('a/*.ps1')).toBe(true);
    expect(hasGlob('a/b.ps1')).toBe(false);
  });
});
