import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared corpus of real templates lives beside the repository: `<repo>/../shared/corpus`. */
export const CORPUS_DIR = fileURLToPath(new URL('../../../../shared/corpus/', import.meta.url));

export const corpusAvailable = existsSync(join(CORPUS_DIR, 'index.tsv'));

export interface CorpusCase {
  /** `<owner>/<name>/<path>`: the template, relative to the corpus. */
  readonly id: string;
  /** Absolute directory Packer ran in. */
  readonly cwd: string;
  /** Packer's arguments after `packer`, per output kind (`syntax`, `validate`, `inspect`, `inspect-mr`). */
  readonly argv: Readonly<Record<string, readonly string[]>>;
}

/** Every corpus template with the invocations its expected outputs came from. */
export function corpusCases(): CorpusCase[] {
  const rows = readFileSync(join(CORPUS_DIR, 'index.tsv'), 'utf8').split('\n').slice(1);
  return rows
    .filter((row) => row.trim() !== '')
    .map((row) => {
      const [repo = '', , path = ''] = row.split('\t');
      const id = `${repo}/${path}`;
      const invocation = readFileSync(join(CORPUS_DIR, `${id}.expected`, 'invocation'), 'utf8');
      const fields = Object.fromEntries(
        invocation
          .split('\n')
          .map((line) => /^([\w-]+): (.*)$/.exec(line))
          .filter((match): match is RegExpExecArray => match !== null)
          .map((match) => [match[1], match[2] ?? '']),
      );
      const argv = Object.fromEntries(
        ['syntax', 'validate', 'inspect', 'inspect-mr'].map((kind) => [kind, shellWords(fields[kind] ?? '').slice(1)]),
      );
      return { id, cwd: join(CORPUS_DIR, String(fields['cwd']).replace(/^<ROOT>\//, '')), argv };
    });
}

/** The accepted outputs of one kind (several where Packer itself was unstable). */
export function expectedOutputs(corpusCase: CorpusCase, kind: string): { rc: number; outputs: string[] } {
  const dir = join(CORPUS_DIR, `${corpusCase.id}.expected`);
  const read = (file: string): string => readFileSync(join(dir, file), 'utf8');
  const outputs = [read(`${kind}.out`)];
  for (let alt = 1; existsSync(join(dir, `${kind}.out.alt${alt}`)); alt++) outputs.push(read(`${kind}.out.alt${alt}`));
  return { rc: Number(read(`${kind}.rc`).trim()), outputs };
}

/**
 * The corpus normalization (corpus/normalize.py) for Kiln's side: machine-readable timestamps
 * dropped, and lists whose order Packer takes from Go map iteration sorted.
 */
export function normalizeOutput(kind: string, text: string): string {
  if (kind === 'inspect-mr') return sortMachineRequiredVariables(text.replace(/^\d+,/gm, ''));
  if (kind === 'inspect') return sortBlockAfter(text, 'Required variables:\n\n', '\n\n');
  return text;
}

function sortBlockAfter(text: string, header: string, end: string): string {
  const start = text.indexOf(header);
  if (start === -1) return text;
  const from = start + header.length;
  const to = text.indexOf(end, from);
  const block = text.slice(from, to === -1 ? undefined : to).split('\n').sort().join('\n');
  return text.slice(0, from) + block + (to === -1 ? '' : text.slice(to));
}

function sortMachineRequiredVariables(text: string): string {
  const lines = text.split('\n');
  const start = lines.indexOf(',ui,say,Required variables:\\n');
  if (start === -1) return text;
  let end = start + 1;
  while (lines[end]?.startsWith(',template-variable,')) end += 2;
  const pairs: string[][] = [];
  for (let index = start + 1; index < end; index += 2) pairs.push([lines[index] ?? '', lines[index + 1] ?? '']);
  pairs.sort((a, b) => ((a[0] ?? '') < (b[0] ?? '') ? -1 : 1));
  return [...lines.slice(0, start + 1), ...pairs.flat(), ...lines.slice(end)].join('\n');
}

/** Enough of sh word splitting for the invocation lines (single quotes, plain words). */
function shellWords(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2] ?? '');
}

/** Plugin types a corpus template uses, from index.tsv (`[a>b],[c]` chains flattened). */
export function corpusPluginTypes(id: string): { builder: string[]; provisioner: string[]; 'post-processor': string[] } {
  const rows = readFileSync(join(CORPUS_DIR, 'index.tsv'), 'utf8').split('\n');
  const columns = (rows[0] ?? '').split('\t');
  const row = rows.slice(1).find((line) => {
    const cells = line.split('\t');
    return `${cells[0]}/${cells[2]}` === id;
  });
  const cells = (row ?? '').split('\t');
  const types = (column: string): string[] => {
    const value = cells[columns.indexOf(column)] ?? '-';
    return value === '-' ? [] : value.split(/[,>[\]]+/).filter((type) => type !== '');
  };
  return { builder: types('builders'), provisioner: types('provisioners'), 'post-processor': types('post_processors') };
}

/**
 * Kiln's validate output brought back to Packer's words, for comparing with the corpus: the
 * `file:line:column: key: ` before each message and the hints Kiln adds are removed, all white
 * space collapsed (line breaks move when the message text or the corpus root length differs) and
 * the `required variable not set` items sorted.
 */
export function packerWordsOfValidate(text: string, root: string): string {
  const unlocated = text
    .replaceAll(root.replace(/\/$/, ''), '<ROOT>')
    .replace(/(^|\t\* |\n)\S+?\.json:\d+:\d+: /g, '$1')
    .replace(/(^|\t\* |\n)(?:builders|provisioners|post-processors|variables|error-cleanup-provisioner|min_packer_version)[^\s:]*: /g, '$1')
    .replace(/\n {2}known (?:builders|provisioners|post-processors): [^\n]*/g, '');
  return sortRequiredVariables(collapse(unlocated));
}

export function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Sorts each run of `* required variable not set: NAME` items of a collapsed text (Go map order). */
function sortRequiredVariables(collapsed: string): string {
  return collapsed.replace(/(?:\* required variable not set: \S+(?: |$))+/g, (run) => {
    const items = run.trim().split(/ (?=\* required variable not set: )/).sort();
    return `${items.join(' ')}${run.endsWith(' ') ? ' ' : ''}`;
  });
}
