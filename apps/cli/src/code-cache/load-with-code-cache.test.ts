import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { codeCacheDir } from './code-cache-dir.js';
import { loadWithCodeCache } from './load-with-code-cache.js';

/** A CommonJS file that uses what require() gives a module, and a cache folder beside it. */
function fixture(source = "const path = require('node:path');\nmodule.exports = { answer: 42, name: path.basename(__filename), dir: __dirname, self: this === exports };\n") {
  const dir = mkdtempSync(path.join(tmpdir(), 'kiln-code-cache-'));
  const file = path.join(dir, 'part.cjs');
  writeFileSync(file, source);
  return { dir, file, cacheDir: path.join(dir, 'cache') };
}

/** Loads the file and runs the 'exit' work at once, as the end of the process would. */
function loadAndExit(file: string, cacheDir: string | undefined): { exports: unknown; wroteCache: boolean } {
  let wroteCache = false;
  const exports = loadWithCodeCache(file, {
    cacheDir,
    onExit: (persist) => {
      persist();
      wroteCache = true;
    },
  });
  return { exports, wroteCache };
}

/**
 * Loads the file in a Node process of its own, which writes the cache as it exits, as `kiln`
 * does. (Within one process V8 reuses what it compiled already and never reads a cache again.)
 * Uses the compiled loader in dist/, which the bin tests need built too.
 */
function loadInOwnProcess(file: string, cacheDir: string, nodeFlags: readonly string[] = []): unknown {
  const loader = fileURLToPath(new URL('../../dist/code-cache/load-with-code-cache.js', import.meta.url));
  const script = `import { loadWithCodeCache } from ${JSON.stringify(loader)};
    console.log(JSON.stringify(loadWithCodeCache(${JSON.stringify(file)}, { cacheDir: ${JSON.stringify(cacheDir)} })));`;
  return JSON.parse(execFileSync(process.execPath, [...nodeFlags, '--input-type=module', '-e', script], { encoding: 'utf8' }));
}

describe('loadWithCodeCache', () => {
  it('runs a CommonJS file as require() would: exports, require, __filename, __dirname, this', () => {
    const { file, dir, cacheDir } = fixture();
    expect(loadAndExit(file, cacheDir).exports).toEqual({ answer: 42, name: 'part.cjs', dir, self: true });
  });

  it('reads a file that is not all ASCII as UTF-8', () => {
    const { file, cacheDir } = fixture("module.exports = { word: 'héllo ✓' };\n");
    expect(loadAndExit(file, cacheDir).exports).toEqual({ word: 'héllo ✓' });
  });

  it('writes the compiled code, named after the file, when the process exits', () => {
    const { file, cacheDir } = fixture();
    expect(loadAndExit(file, cacheDir).wroteCache).toBe(true);
    const [cacheFile] = readdirSync(cacheDir);
    expect(cacheFile).toMatch(/^part\.cjs-[0-9a-f]{16}-[0-9a-f]{8}\.v8$/);
    expect(readFileSync(path.join(cacheDir, cacheFile!)).length).toBeGreaterThan(0);
  });

  it('writes a cache V8 rejects (corrupt, or from another Node) anew, and still runs the file', () => {
    const { file, cacheDir } = fixture();
    expect(loadInOwnProcess(file, cacheDir)).toMatchObject({ answer: 42 });
    const [cacheFile] = readdirSync(cacheDir);
    const cachePath = path.join(cacheDir, cacheFile!);
    const written = readFileSync(cachePath);
    const writtenAt = statSync(cachePath).mtimeMs;

    // A good cache is read, not written again.
    expect(loadInOwnProcess(file, cacheDir)).toMatchObject({ answer: 42 });
    expect(statSync(cachePath).mtimeMs).toBe(writtenAt);
    expect(readFileSync(cachePath).equals(written)).toBe(true);

    writeFileSync(cachePath, 'not V8 code cache');
    expect(loadInOwnProcess(file, cacheDir)).toMatchObject({ answer: 42 });
    const rewritten = readFileSync(cachePath);
    expect(rewritten.toString('latin1')).not.toBe('not V8 code cache');
    expect(rewritten.length).toBeGreaterThan(written.length / 2);
    expect(readdirSync(cacheDir)).toEqual([cacheFile]);
  });

  it('keeps a cache per set of Node flags, so runs with and without a flag do not undo each other', () => {
    const { file, cacheDir } = fixture();
    loadInOwnProcess(file, cacheDir);
    loadInOwnProcess(file, cacheDir, ['--max-old-space-size=512']);
    const caches = readdirSync(cacheDir).sort();
    expect(caches).toHaveLength(2);
    const writtenAt = caches.map((name) => statSync(path.join(cacheDir, name)).mtimeMs);
    loadInOwnProcess(file, cacheDir);
    loadInOwnProcess(file, cacheDir, ['--max-old-space-size=512']);
    expect(readdirSync(cacheDir).sort()).toEqual(caches);
    expect(caches.map((name) => statSync(path.join(cacheDir, name)).mtimeMs)).toEqual(writtenAt);
  });

  it('keeps one cache per file: a changed file gets a new one and the old one is removed', () => {
    const { file, cacheDir } = fixture();
    loadAndExit(file, cacheDir);
    const [before] = readdirSync(cacheDir);
    writeFileSync(file, 'module.exports = { answer: 43 };\n');
    utimesSync(file, new Date(), new Date(Date.now() + 5_000));

    expect(loadAndExit(file, cacheDir).exports).toEqual({ answer: 43 });
    const after = readdirSync(cacheDir);
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before);
  });

  it('keeps a cache per variant, and a new version of the file replaces only its own variant', () => {
    const { file, cacheDir } = fixture();
    const load = (variant: string) => loadWithCodeCache(file, { cacheDir, variant, onExit: (persist) => persist() });
    load('build');
    load('validate');
    expect(readdirSync(cacheDir).sort()).toEqual([expect.stringMatching(/^part\.cjs-build-[0-9a-f]{16}-[0-9a-f]{8}\.v8$/), expect.stringMatching(/^part\.cjs-validate-[0-9a-f]{16}-[0-9a-f]{8}\.v8$/)]);
    const validate = readdirSync(cacheDir).find((name) => name.includes('-validate-'));

    utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    load('build');
    const after = readdirSync(cacheDir).sort();
    expect(after).toHaveLength(2);
    expect(after).toContain(validate);
  });

  it('runs the file when the cache folder cannot be written, and leaves nothing half-written', () => {
    const { file, dir } = fixture();
    const readOnly = path.join(dir, 'read-only');
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o500);
    const cacheDir = path.join(readOnly, 'cache');
    const run = loadAndExit(file, cacheDir);
    expect(run.exports).toMatchObject({ answer: 42 });
    // root may write anyway; otherwise nothing at all was made.
    if (process.getuid?.() !== 0) expect(readdirSync(readOnly)).toEqual([]);
  });

  it('runs without a cache when there is no cache folder', () => {
    const { file } = fixture();
    expect(loadAndExit(file, undefined)).toEqual({ exports: expect.objectContaining({ answer: 42 }), wroteCache: false });
  });

  it('reports errors of the file itself as require() would, with the file in the stack', () => {
    const { file, cacheDir } = fixture("throw new Error('broken part');\n");
    expect(() => loadAndExit(file, cacheDir)).toThrow('broken part');
    try {
      loadAndExit(file, cacheDir);
    } catch (error) {
      expect((error as Error).stack).toContain(file);
    }
  });
});

describe('codeCacheDir', () => {
  it('is per user: XDG_CACHE_HOME or ~/.cache on Linux, Library/Caches on macOS, LOCALAPPDATA on Windows', () => {
    expect(codeCacheDir({}, 'linux', '/home/u')).toBe('/home/u/.cache/kiln/code-cache');
    expect(codeCacheDir({ XDG_CACHE_HOME: '/x' }, 'linux', '/home/u')).toBe('/x/kiln/code-cache');
    expect(codeCacheDir({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Caches/kiln/code-cache');
    expect(codeCacheDir({ LOCALAPPDATA: 'C:\\L' }, 'win32', 'C:\\Users\\u')).toBe(path.join('C:\\L', 'kiln', 'code-cache'));
  });

  it('is off with KILN_CODE_CACHE=off', () => {
    expect(codeCacheDir({ KILN_CODE_CACHE: 'off' }, 'linux', '/home/u')).toBeUndefined();
  });
});
