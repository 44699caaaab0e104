import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Whether the reference Packer 1.6.6 is installed here. A developer's machine without it skips the
 * side-by-side comparisons; CI must not (npm test's ensure-deps installs it), so there it is an error.
 */
export const hasPacker = spawnSync('packer', ['version'], { encoding: 'utf8' }).stdout?.includes('Packer v1.6.6') ?? false;
if (!hasPacker && process.env['CI']) {
  throw new Error('Packer 1.6.6 is needed for the side-by-side tests in CI: node tools/testbed/ensure-deps.mjs installs it');
}

/** Runs `packer <args>` in `dir` on `template`, machine-readable, and returns its stdout. */
export function runPacker(dir: string, template: object, args: readonly string[]): { stdout: string; status: number } {
  writeFileSync(join(dir, 'template.json'), JSON.stringify(template));
  const result = spawnSync('packer', [...args, '-machine-readable', 'template.json'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, CHECKPOINT_DISABLE: '1', PACKER_CACHE_DIR: join(dir, 'packer_cache') },
    timeout: 60_000,
  });
  return { stdout: result.stdout, status: result.status ?? -1 };
}

/** The `artifact` rows of one build, as `{ 'builder-id', id, string, files }` per artifact. */
export function packerArtifacts(stdout: string, build: string): Record<string, unknown>[] {
  const artifacts: Record<string, unknown>[] = [];
  for (const row of stdout.split('\n')) {
    const [, target, kind, index, field, ...rest] = row.split(',');
    if (target !== build || kind !== 'artifact' || index === undefined || field === undefined) continue;
    const artifact = (artifacts[Number(index)] ??= { files: [] });
    if (field === 'file') (artifact['files'] as string[]).push(rest.slice(1).join(','));
    else if (field !== 'end' && field !== 'files-count') artifact[field] = rest.join(',').replaceAll('%!(PACKER_COMMA)', ',');
  }
  return artifacts;
}

/** The messages under `Failed to prepare build` (machine-readable `ui,error` rows), one per problem. */
export function packerPrepareErrors(stdout: string): string[] {
  const text = stdout
    .split('\n')
    .filter((row) => row.split(',')[2] === 'ui')
    .map((row) => row.split(',').slice(4).join(',').replaceAll('%!(PACKER_COMMA)', ',').replaceAll('\\n', '\n'))
    .join('\n');
  return [...text.matchAll(/^\t?\* ([\s\S]*?)(?=\n\t?\* |\n\n|(?![\s\S]))/gm)].map((match) => match[1] ?? '');
}

/** The Ui lines of one build (`say: ...`, without Packer's `==> name (pp): ` prefix), from machine-readable output. */
export function packerUiLines(stdout: string, build: string): string[] {
  const lines: string[] = [];
  for (const row of stdout.split('\n')) {
    const [, , kind, level, ...rest] = row.split(',');
    if (kind !== 'ui' || level === undefined) continue;
    const text = rest.join(',').replaceAll('%!(PACKER_COMMA)', ',').replaceAll('\\n', '\n');
    const match = new RegExp(`^(?:==>|   ) ${build}(?: \\([^)]*\\))?: (.*)$`, 's').exec(text);
    if (match) lines.push(`${level}: ${match[1]}`);
  }
  return lines;
}
