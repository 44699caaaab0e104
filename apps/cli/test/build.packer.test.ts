import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { packerWordsOfValidate } from './corpus.js';
import { runKiln } from './run-kiln.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/build/', import.meta.url));

/** cases.tsv: name, template, flags; each with what Packer 1.6.6 printed (capture.sh). */
const CASES = readFileSync(join(FIXTURES, 'cases.tsv'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => line.split('\t') as [string, string, string]);

/**
 * What may differ between two runs of the same build: durations, temp script names, the run
 * UUID, machine-readable timestamps. Packer lists the builds' artifacts and errors in random (Go
 * map) order: those lines are put in build-name order. Prepare diagnostics, where Kiln adds (on
 * purpose) the `file:line:column: key: ` and a hint, which moves the word wrap, are compared
 * word by word as validate's corpus test does.
 */
function normalise(text: string): string {
  const lines = text
    .replace(/after \d+ [a-z]+( \d+ [a-z]+)?/g, 'after <duration>')
    .replace(/\S*packer-shell\d+/g, '<script>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .replace(/^\d{9,},/gm, '<ts>,')
    .split('\n');
  const summary = lines.findIndex((line) => /==> (Some builds|Builds finished)/.test(line));
  if (summary === -1) return lines.join('\n');
  const buildOf = (line: string): string => /(?:--> |<ts>,)([^,:]+)[,:]/.exec(line)?.[1] ?? '';
  const head = lines.slice(0, summary);
  const tail = lines.slice(summary);
  // Sort only the per-build lines between headings, keeping each build's own order.
  const sorted: string[] = [];
  let block: string[] = [];
  const flush = (): void => {
    sorted.push(...block.map((line, i) => [buildOf(line), i, line] as const).sort((a, b) => a[0].localeCompare(b[0]) || a[1] - b[1]).map((x) => x[2]));
    block = [];
  };
  for (const line of tail) {
    if (buildOf(line) === '' || line.includes('==>')) {
      flush();
      sorted.push(line);
    } else block.push(line);
  }
  flush();
  const normalised = [...head, ...sorted].join('\n');
  return normalised.includes('Error: Failed to') ? packerWordsOfValidate(normalised, FIXTURES) : normalised;
}

function filesIn(dir: string, template: string): string {
  const found: string[] = [];
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name !== template && !entry.name.startsWith('packer-shell')) found.push(`./${relative(dir, full)}`);
    }
  };
  walk(dir);
  return found.sort().join('\n');
}

const workdirs: string[] = [];
afterAll(() => {
  for (const dir of workdirs) rmSync(dir, { recursive: true, force: true });
});

describe('kiln build prints what Packer 1.6.6 prints', () => {
  it.each(CASES)('%s (%s %s)', async (name, template, flags) => {
    const cwd = mkdtempSync(join(tmpdir(), `kiln-build-${name}-`));
    workdirs.push(cwd);
    cpSync(join(FIXTURES, template), join(cwd, template));

    // Plugins resolve relative paths against the process's directory, as Packer's do.
    const previous = process.cwd();
    process.chdir(cwd);
    const run = await runKiln(['build', ...flags.split(' '), template], { cwd, env: { PATH: process.env['PATH'] } }).finally(() =>
      process.chdir(previous),
    );

    const expected = readFileSync(join(FIXTURES, `${name}.packer.out`), 'utf8');
    expect(normalise(`${run.stdout}${run.stderr}exit ${run.code}\n`)).toBe(normalise(expected));
    expect(filesIn(cwd, template)).toBe(readFileSync(join(FIXTURES, `${name}.packer.files`), 'utf8').trim());
  });
});
