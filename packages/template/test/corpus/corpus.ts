import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared corpus lives beside the repository: `<repo>/../shared/corpus`. */
export const CORPUS_DIR = fileURLToPath(new URL('../../../../../shared/corpus', import.meta.url));

/**
 * The absolute root Packer's expected outputs were produced under (any 19-character root gives
 * the same line breaks). Templates are read from the corpus but named as if copied there.
 */
export const RUN_ROOT = '/tmp/pkr-corpus-run';

export interface CorpusTemplate {
  /** `<owner>/<name>`. */
  readonly repo: string;
  /** Path inside the repository. */
  readonly path: string;
  /** Directory the commands run in, relative to the repository root. */
  readonly cwd: string;
  /** Var files given to the validate commands, relative to the repository root. */
  readonly varFiles: readonly string[];
  /** `<repo>/<path>`: the template inside the corpus, and under RUN_ROOT. */
  readonly id: string;
}

export function corpusAvailable(): boolean {
  return existsSync(join(CORPUS_DIR, 'index.tsv'));
}

export function corpusTemplates(): CorpusTemplate[] {
  const [header, ...rows] = readFileSync(join(CORPUS_DIR, 'index.tsv'), 'utf8').split('\n');
  const columns = header!.split('\t');
  const column = (cells: readonly string[], name: string) => cells[columns.indexOf(name)] ?? '-';
  return rows
    .filter((row) => row.trim() !== '')
    .map((row) => {
      const cells = row.split('\t');
      const repo = column(cells, 'repo');
      const path = column(cells, 'path');
      const varFiles = column(cells, 'var_files');
      return {
        repo,
        path,
        cwd: column(cells, 'cwd'),
        varFiles: varFiles === '-' ? [] : varFiles.split(';'),
        id: `${repo}/${path}`,
      };
    });
}

export interface ExpectedOutput {
  readonly rc: number;
  /** `NAME.out`, then any `NAME.out.altN` when `unstable` lists NAME.out. */
  readonly outputs: readonly string[];
}

export function expectedOutput(template: CorpusTemplate, name: string): ExpectedOutput {
  const dir = join(CORPUS_DIR, `${template.id}.expected`);
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  const unstable = existsSync(join(dir, 'unstable')) ? read('unstable').split('\n') : [];
  const outputs = [read(`${name}.out`)];
  if (unstable.includes(`${name}.out`)) {
    for (let alt = 1; existsSync(join(dir, `${name}.out.alt${alt}`)); alt++) {
      outputs.push(read(`${name}.out.alt${alt}`));
    }
  }
  return { rc: Number(read(`${name}.rc`).trim()), outputs };
}

export function templateBytes(template: CorpusTemplate): Buffer {
  return readFileSync(join(CORPUS_DIR, template.id));
}
