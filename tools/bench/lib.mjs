// Shared pieces of the benchmarks: timing a command, medians, locating the tools and the corpus.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const kilnBin = join(repoRoot, 'apps/cli/bin/kiln.js');
export const sharedDir = resolve(repoRoot, '../shared');

/** Fails early, with the fix, when a side of the comparison is missing. */
export function requireTools() {
  const packer = spawnSync('packer', ['version'], { encoding: 'utf8' });
  if (packer.status !== 0 || !packer.stdout.includes('1.6.6')) {
    throw new Error('Packer 1.6.6 is needed on PATH for a side-by-side run: apt-get install -y packer');
  }
  if (!existsSync(join(repoRoot, 'apps/cli/dist/main.js'))) {
    throw new Error('Kiln is not built: run `npm install` (or `npm run build`) at the repository root');
  }
}

/** Runs argv once and resolves with its wall time in milliseconds and its exit code. */
export function timeOnce(argv, options) {
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), { ...options, stdio: ['ignore', 'ignore', 'ignore'] });
    child.on('error', reject);
    child.on('close', (code) => {
      resolvePromise({ ms: Number(process.hrtime.bigint() - started) / 1e6, code });
    });
  });
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function geometricMean(values) {
  return Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);
}

export function machineLine() {
  const cpu = spawnSync('sh', ['-c', "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], { encoding: 'utf8' });
  return `${cpu.stdout.trim()}, ${spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()} cores, node ${process.version}`;
}
