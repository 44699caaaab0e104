// The qemu builder end to end: examples/qemu/tinyvm.json built by Packer 1.6.6 and by Kiln, the two
// alternating in one run so both see the same machine state; then N builds at once per tool.
// Each build boots the tiny guest under QEMU (TCG), provisions it over SSH, shuts it down and
// compacts the image. Prints median wall times and the Kiln/Packer ratio.
//
//   node tools/bench/qemu.mjs [--rounds 3] [--parallel 4] [--json out.json]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kilnBin, machineLine, median, repoRoot, requireTools, timeOnce } from './lib.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) || fallback : fallback);
const rounds = option('--rounds', 3);
const parallel = option('--parallel', 4);
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;

requireTools();
const template = join(repoRoot, 'examples/qemu/tinyvm.json');
const tinyvm = ensureTinyVm();
const root = mkdtempSync(join(tmpdir(), 'kiln-bench-qemu-'));
const env = { PATH: process.env.PATH, HOME: root, CHECKPOINT_DISABLE: '1', TINYVM_DIR: tinyvm, PACKER_CACHE_DIR: join(root, 'cache') };

/** The same guest the tests use (tools/testbed/src/tinyvm.ts keeps it under this key). */
function ensureTinyVm() {
  const script = join(repoRoot, 'tools/testbed/tinyvm/build-tinyvm.sh');
  const hash = createHash('sha256').update(readFileSync(script)).digest('hex').slice(0, 16);
  const dir = join(process.env.KILN_TINYVM_CACHE ?? join(repoRoot, 'node_modules/.cache/kiln-tinyvm'), hash);
  if (!existsSync(join(dir, 'base.qcow2'))) {
    const work = `${dir}.tmp-${process.pid}`;
    const built = spawnSync('bash', [script, work], { stdio: 'inherit' });
    if (built.status !== 0) throw new Error('build-tinyvm.sh failed');
    rmSync(join(work, 'cache'), { recursive: true, force: true });
    renameSync(work, dir);
  }
  return dir;
}

let serial = 0;
const failures = { packer: 0, kiln: 0 };
/** One build in a fresh directory; a build that did not produce the image counts as a failure, not a time. */
async function build(tool) {
  const dir = join(root, `${tool}-${(serial += 1)}`);
  const buildArgs = ['build', '-var', `output_dir=${join(dir, 'out')}`, template];
  const argv = tool === 'packer' ? ['packer', ...buildArgs] : [process.execPath, kilnBin, ...buildArgs];
  spawnSync('mkdir', ['-p', dir]);
  const { ms, code } = await timeOnce(argv, { cwd: dir, env });
  const ok = code === 0 && existsSync(join(dir, 'out/tinyvm.qcow2'));
  rmSync(dir, { recursive: true, force: true });
  if (!ok) {
    failures[tool] += 1;
    console.error(`${tool} build failed (exit ${code}) after ${(ms / 1000).toFixed(1)} s`);
  }
  return ok ? ms : undefined;
}

const sequential = { packer: [], kiln: [] };
for (let round = 0; round < rounds; round += 1) {
  for (const tool of round % 2 ? ['kiln', 'packer'] : ['packer', 'kiln']) {
    const ms = await build(tool);
    if (ms !== undefined) sequential[tool].push(ms);
  }
}
const concurrent = {};
for (const tool of ['packer', 'kiln']) {
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: parallel }, () => build(tool)));
  concurrent[tool] = Number(process.hrtime.bigint() - started) / 1e6;
}
rmSync(root, { recursive: true, force: true });

const seconds = (ms) => (ms / 1000).toFixed(1);
const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
const rows = [
  ['one build (median)', median(sequential.packer), median(sequential.kiln)],
  [`${parallel} builds at once (wall)`, concurrent.packer, concurrent.kiln],
];
const lines = [
  `# qemu builder: Kiln vs Packer 1.6.6 (${rounds} alternating rounds; load ${load} at the end)`,
  '',
  machineLine(),
  '',
  '| run | Packer s | Kiln s | Kiln / Packer |',
  '| --- | --- | --- | --- |',
  ...rows.map(([name, packer, kiln]) => `| ${name} | ${seconds(packer)} | ${seconds(kiln)} | ${(kiln / packer).toFixed(2)} |`),
  '',
  `every run: packer ${sequential.packer.map(seconds).join(', ')}; kiln ${sequential.kiln.map(seconds).join(', ')}`,
  `failed builds (left out above): packer ${failures.packer}, kiln ${failures.kiln}`,
];
console.log(lines.join('\n'));
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ rounds, parallel, sequential, concurrent, failures }, null, 2));
