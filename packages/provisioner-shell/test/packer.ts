import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Whether the reference Packer 1.6.6 is installed here; comparisons are skipped without it. */
export const hasPacker = spawnSync('packer', ['version'], { encoding: 'utf8' }).stdout?.includes('Packer v1.6.6') ?? false;

/**
 * Runs `packer build -machine-readable` on a template in `dir` and returns the Ui lines of one
 * build in recordingUi's shape (`say: ...`, `message: ...`, `error: ...`), without Packer's
 * `==> name: ` / `    name: ` prefixes.
 */
export function packerBuildUi(dir: string, template: object, build: string): { lines: string[]; status: number } {
  writeFileSync(join(dir, 'template.json'), JSON.stringify(template));
  const result = spawnSync('packer', ['build', '-machine-readable', 'template.json'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, CHECKPOINT_DISABLE: '1', PACKER_CACHE_DIR: join(dir, 'packer_cache') },
    timeout: 60_000,
  });
  const lines: string[] = [];
  for (const row of result.stdout.split('\n')) {
    const [, , kind, level, ...rest] = row.split(',');
    if (kind !== 'ui' || level === undefined) continue;
    const text = rest.join(',').replaceAll('%!(PACKER_COMMA)', ',').replaceAll('\\n', '\n').replaceAll('\\r', '\r');
    for (const prefix of [`==> ${build}: `, `    ${build}: `, `==> ${build} (`, `    ${build} (`]) {
      if (!text.startsWith(prefix)) continue;
      const body = prefix.endsWith('(') ? text.slice(text.indexOf('): ') + 3) : text.slice(prefix.length);
      lines.push(`${level}: ${body}`);
    }
    if (text === `    ${build}:`) lines.push(`${level}: `);
  }
  return { lines, status: result.status ?? -1 };
}
