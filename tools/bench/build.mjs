// The build engine against Packer 1.6.6, in one run, the two tools alternating:
//  1. eight null builds whose shell-local provisioner sleeps 2 s, with -parallel-builds=0: what each
//     tool spends above the 2 s floor is its overhead for starting, scheduling and reporting builds;
//  2. one file-builder build: the cost of a whole `build` invocation for the smallest template.
//
//   node tools/bench/build.mjs [--rounds 5] [--json out.json]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kilnBin, machineLine, median, requireTools, timeOnce } from './lib.mjs';

const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf('--rounds') + 1] ?? 5) || 5;
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;
const SLEEP_MS = 2000;

requireTools();
const root = mkdtempSync(join(tmpdir(), 'kiln-bench-build-'));
const env = { PATH: process.env.PATH, HOME: root, CHECKPOINT_DISABLE: '1', PACKER_NO_COLOR: '1' };

const templates = {
  'eight parallel sleeps': {
    builders: Array.from({ length: 8 }, (_, i) => ({ type: 'null', name: `sleep-${i + 1}`, communicator: 'none' })),
    provisioners: [{ type: 'shell-local', inline: [`sleep ${SLEEP_MS / 1000}`] }],
  },
  'one file build': {
    builders: [{ type: 'file', content: 'hello\n', target: 'hello.txt' }],
  },
};

const results = [];
for (const [name, template] of Object.entries(templates)) {
  const path = join(root, `${name.replaceAll(' ', '-')}.json`);
  writeFileSync(path, JSON.stringify(template));
  const times = { packer: [], kiln: [] };
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 ? ['kiln', 'packer'] : ['packer', 'kiln'];
    for (const tool of order) {
      const buildArgs = ['build', '-parallel-builds=0', path];
      const argv = tool === 'packer' ? ['packer', ...buildArgs] : [process.execPath, kilnBin, ...buildArgs];
      const { ms, code } = await timeOnce(argv, { cwd: root, env });
      if (code !== 0) throw new Error(`${tool} failed the '${name}' build (exit ${code})`);
      times[tool].push(ms);
    }
  }
  results.push({ name, packerMs: median(times.packer), kilnMs: median(times.kiln), times });
}
rmSync(root, { recursive: true, force: true });

const [sleeps, file] = results;
const overhead = (ms) => ms - SLEEP_MS;
const lines = [
  `# Kiln vs Packer 1.6.6: the build engine (${rounds} alternating rounds, median wall time)`,
  '',
  machineLine(),
  '',
  '| workload | Packer 1.6.6 | Kiln | Kiln / Packer |',
  '|---|---:|---:|---:|',
  `| 8 builds, shell-local sleep 2 s, -parallel-builds=0 | ${sleeps.packerMs.toFixed(0)} ms | ${sleeps.kilnMs.toFixed(0)} ms | ${(sleeps.kilnMs / sleeps.packerMs).toFixed(2)} |`,
  `| overhead above the 2 s floor | ${overhead(sleeps.packerMs).toFixed(0)} ms | ${overhead(sleeps.kilnMs).toFixed(0)} ms | ${(overhead(sleeps.kilnMs) / overhead(sleeps.packerMs)).toFixed(2)} |`,
  `| one file-builder build | ${file.packerMs.toFixed(0)} ms | ${file.kilnMs.toFixed(0)} ms | ${(file.kilnMs / file.packerMs).toFixed(2)} |`,
];
console.log(lines.join('\n'));
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ rounds, machine: machineLine(), results }, null, 2));
