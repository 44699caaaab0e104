import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatePluginDocs } from './generate.js';
import type { DocumentedPlugin } from './plugin-page.js';

export interface DocsCliOptions {
  /** The plugins to document; by default `bundledPlugins()` from @kiln/cli. */
  readonly loadPlugins?: () => Promise<readonly DocumentedPlugin[]>;
  /** Repository root; pages go to `<root>/docs/plugins` unless `--out` says otherwise. */
  readonly root?: string;
  readonly stdout?: (line: string) => void;
}

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * `npm run docs` writes docs/plugins/*.md; `npm run docs -- --check` writes nothing and exits 1
 * when a page is missing or stale, so that CI keeps docs and validation from drifting apart.
 */
export async function runDocsCli(argv: readonly string[], options: DocsCliOptions = {}): Promise<number> {
  const say = options.stdout ?? ((line: string) => console.log(line));
  const root = options.root ?? REPO_ROOT;
  const flags = parseFlags(argv);
  if (!flags) {
    say('usage: generate.mjs [--check] [--out DIR]');
    return 2;
  }
  const { check } = flags;
  const directory = resolve(root, flags.out);

  const plugins = await (options.loadPlugins ?? loadBundledPlugins)();
  if (plugins.length === 0) {
    say('kiln docs: no plugins to document (does @kiln/cli export bundledPlugins()?)');
    return 1;
  }
  const report = await generatePluginDocs({ plugins, directory, check });
  const show = (path: string) => relative(root, path);
  for (const path of report.orphaned) say(`no plugin for generated page ${show(path)} (remove it by hand)`);
  if (check) {
    for (const path of report.stale) say(`out of date: ${show(path)}`);
    if (report.stale.length > 0) {
      say(`${report.stale.length} plugin page(s) out of date: run \`npm run docs\` and commit the result.`);
      return 1;
    }
    say(`${report.unchanged.length} plugin page(s) up to date.`);
    return 0;
  }
  for (const path of report.stale) say(`wrote ${show(path)}`);
  say(`${report.stale.length} page(s) written, ${report.unchanged.length} unchanged.`);
  return 0;
}

function parseFlags(argv: readonly string[]): { check: boolean; out: string } | undefined {
  const flags = { check: false, out: 'docs/plugins' };
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--check') flags.check = true;
    else if (arg === '--out' && argv[index + 1] !== undefined) flags.out = argv[++index]!;
    else if (arg.startsWith('--out=')) flags.out = arg.slice('--out='.length);
    else return undefined;
  }
  return flags;
}

/** apps/cli lists the bundled plugins; it is asked at run time so that this tool builds without it. */
export async function loadBundledPlugins(): Promise<readonly DocumentedPlugin[]> {
  const cli = (await import('@kiln/cli')) as Record<string, unknown>;
  const bundled = cli.bundledPlugins;
  if (typeof bundled !== 'function') return [];
  return (await (bundled as () => readonly DocumentedPlugin[] | Promise<readonly DocumentedPlugin[]>)()) ?? [];
}
