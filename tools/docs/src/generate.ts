import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BEGIN_MARKER, pageFileName, renderPluginPage, type DocumentedPlugin } from './plugin-page.js';

export interface GenerateOptions {
  readonly plugins: readonly DocumentedPlugin[];
  /** Where the pages live (`docs/plugins`). */
  readonly directory: string;
  /** Compare only; write nothing. */
  readonly check?: boolean;
}

export interface GenerateReport {
  /** Pages written (or, with `check`, that would be): missing or out of date. */
  readonly stale: string[];
  readonly unchanged: string[];
  /** Generated pages of plugins that no longer exist (never deleted here). */
  readonly orphaned: string[];
}

/** Writes (or checks) one page per plugin, keeping the hand-written part of each page. */
export async function generatePluginDocs(options: GenerateOptions): Promise<GenerateReport> {
  const report: GenerateReport = { stale: [], unchanged: [], orphaned: [] };
  const expected = new Set<string>();
  if (!options.check) await mkdir(options.directory, { recursive: true });
  for (const plugin of [...options.plugins].sort((a, b) => pageFileName(a).localeCompare(pageFileName(b)))) {
    const name = pageFileName(plugin);
    expected.add(name);
    const path = join(options.directory, name);
    const existing = await readIfExists(path);
    const page = renderPluginPage(plugin, existing);
    if (page === existing) {
      report.unchanged.push(path);
      continue;
    }
    report.stale.push(path);
    if (!options.check) await writeFile(path, page);
  }
  for (const name of await listIfExists(options.directory)) {
    if (!name.endsWith('.md') || expected.has(name)) continue;
    const content = await readIfExists(join(options.directory, name));
    if (content?.includes(BEGIN_MARKER)) report.orphaned.push(join(options.directory, name));
  }
  return report;
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function listIfExists(directory: string): Promise<string[]> {
  try {
    return await readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
