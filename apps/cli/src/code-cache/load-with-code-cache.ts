import { createHash } from 'node:crypto';
import { isAscii } from 'node:buffer';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

export interface LoadWithCodeCacheOptions {
  /** Where the compiled code is kept; undefined runs the file without a cache. */
  readonly cacheDir: string | undefined;
  /**
   * Keeps a cache of its own for each kind of run (the CLI's verb): a cache holds what the run
   * that wrote it compiled, and a `kiln validate` compiles little of what a `kiln build` runs.
   */
  readonly variant?: string;
  /** Called with the process's 'exit' event handler to register; tests pass their own hook. */
  readonly onExit?: (persist: () => void) => void;
}

/**
 * Runs a CommonJS file (the bundled CLI, a part of the AWS SDK) the way `require` would, but keeps
 * the code V8 compiled for it in `cacheDir` and hands it back to V8 on the next run. Node 20 has
 * no compile cache for modules (Node 22's module.enableCompileCache() does this): without one,
 * every run parses and compiles the CLI and the SDK again, most of a `kiln build`'s start-up.
 *
 * The cache is written when the process exits, so it also holds the functions the run compiled
 * lazily (the request path, the XML parser), not only the top level. V8 checks that the cache
 * matches the source and its own version and flags and rejects it otherwise; a rejected or
 * missing cache is written anew. A cache that cannot be read or written only costs the time it
 * would have saved: it never fails the command.
 */
export function loadWithCodeCache(file: string, options: LoadWithCodeCacheOptions): unknown {
  const source = readSource(file);
  const cacheFile = options.cacheDir === undefined ? undefined : cacheFileFor(file, options.cacheDir, options.variant);
  const cachedData = cacheFile === undefined ? undefined : readIfPresent(cacheFile);
  const script = new vm.Script(wrapCommonJs(source), { filename: file, ...(cachedData ? { cachedData } : {}) });
  if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
    const persist = () => writeCodeCache(script, cacheFile, cacheStem(file, options.variant));
    (options.onExit ?? ((handler) => process.once('exit', handler)))(persist);
  }
  const module = { exports: {} as unknown };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  return module.exports;
}

/**
 * The file as text. esbuild writes ASCII (it escapes the rest), and ASCII read as latin1 is the
 * same text without UTF-8 decoding: a megabyte in a quarter of the time.
 */
function readSource(file: string): string {
  const bytes = readFileSync(file);
  return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
}

/** Node's own CommonJS wrapper, so the file sees the same five names it would under require(). */
function wrapCommonJs(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
}

/**
 * One cache file per version of the source and of Node, and per set of Node flags:
 * `<name>[-<variant>]-<version>-<flags>.v8`. The version takes the file's size and modification
 * time (a reinstall changes them) rather than its content, which would cost hashing a megabyte on
 * every start. V8 rejects code compiled under other flags, so runs with and without, say,
 * `--inspect` keep a cache each rather than overwriting each other's.
 */
function cacheFileFor(file: string, cacheDir: string, variant: string | undefined): string | undefined {
  try {
    const { size, mtimeMs } = statSync(file);
    const version = shortHash([path.resolve(file), size, mtimeMs, process.version, process.arch], 16);
    const flags = shortHash([process.execArgv.join(' '), process.env['NODE_OPTIONS'] ?? ''], 8);
    return path.join(cacheDir, `${cacheStem(file, variant)}${version}-${flags}.v8`);
  } catch {
    return undefined;
  }
}

function shortHash(parts: readonly (string | number)[], length: number): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, length);
}

/** What the names of a file's caches (of one variant) start with, before the version. */
function cacheStem(file: string, variant: string | undefined): string {
  return `${path.basename(file)}-${variant === undefined ? '' : `${variant}-`}`;
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Writes the cache whole or not at all (rename), and removes the caches of other versions. */
function writeCodeCache(script: vm.Script, cacheFile: string, stem: string): void {
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  try {
    const data = script.createCachedData();
    mkdirSync(path.dirname(cacheFile), { recursive: true, mode: 0o700 });
    writeFileSync(temporary, data, { mode: 0o600 });
    renameSync(temporary, cacheFile);
    removeOtherVersions(cacheFile, stem);
  } catch {
    rmSync(temporary, { force: true });
  }
}

/** Removes the caches of other versions of the file (of this variant, under any flags). */
function removeOtherVersions(cacheFile: string, stem: string): void {
  const dir = path.dirname(cacheFile);
  const versionOf = (name: string) => (name.startsWith(stem) ? /^([0-9a-f]{16})-[0-9a-f]{8}\.v8$/.exec(name.slice(stem.length))?.[1] : undefined);
  const current = versionOf(path.basename(cacheFile));
  for (const name of readdirSync(dir)) {
    const version = versionOf(name);
    if (version !== undefined && version !== current) rmSync(path.join(dir, name), { force: true });
  }
}
