// `kiln validate -syntax-only` and `kiln inspect` against `packer` over every corpus template, the two tools
// alternating in one run so both see the same machine state. Prints the median per template and the ratios.
//
//   node tools/bench/corpus.mjs [--rounds 5] [--json out.json]
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { geometricMean, kilnBin, machineLine, median, requireTools, sharedDir, timeOnce } from './lib.mjs';

const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf('--rounds') + 1] ?? 5) || 5;
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;

requireTools();
const corpusDir = join(sharedDir, 'corpus');
if (!existsSync(corpusDir)) throw new Error(`no corpus at ${corpusDir}`);

// Work on a copy: validate may write nothing, but a benchmark must not be able to touch shared/.
const root = mkdtempSync(join(tmpdir(), 'kiln-bench-'));
cpSync(corpusDir, root, { recursive: true, filter: (src) => !src.endsWith('.expected') });

const rows = readFileSync(join(corpusDir, 'index.tsv'), 'utf8').trim().split('\n').slice(1);
const env = { PATH: process.env.PATH, HOME: root, CHECKPOINT_DISABLE: '1' };
const commands = {
  'validate -syntax-only': (template, varFiles, extra) => ['validate', '-syntax-only', ...varFiles, ...extra, template],
  inspect: (template) => ['inspect', template],
};

const results = [];
for (const row of rows) {
  const [repo, , path, cwd, varFiles, extraArgs] = row.split('\t');
  const repoDir = join(root, repo);
  const workDir = join(repoDir, cwd);
  const template = relative(workDir, join(repoDir, path));
  const varFileArgs = varFiles === '-' ? [] : varFiles.split(';').map((f) => `-var-file=${relative(workDir, join(repoDir, f))}`);
  const extra = extraArgs === '-' ? [] : extraArgs.split(' ');
  for (const [name, argv] of Object.entries(commands)) {
    const commandArgs = argv(template, varFileArgs, extra);
    const times = { packer: [], kiln: [] };
    for (let round = 0; round < rounds; round += 1) {
      // Alternate which tool goes first so neither always gets the warmer cache.
      const order = round % 2 ? ['kiln', 'packer'] : ['packer', 'kiln'];
      for (const tool of order) {
        const cmd = tool === 'packer' ? ['packer', ...commandArgs] : [process.execPath, kilnBin, ...commandArgs];
        const { ms } = await timeOnce(cmd, { cwd: workDir, env });
        times[tool].push(ms);
      }
    }
    const packerMs = median(times.packer);
    const kilnMs = median(times.kiln);
    results.push({ template: `${repo}/${path}`, command: name, packerMs, kilnMs, ratio: kilnMs / packerMs });
  }
}
rmSync(root, { recursive: true, force: true });

const lines = [`# Kiln vs Packer 1.6.6 over the corpus (${rounds} alternating rounds, median wall time)`, '', machineLine(), ''];
for (const name of Object.keys(commands)) {
  const mine = results.filter((r) => r.command === name);
  const ratios = mine.map((r) => r.ratio);
  const worst = mine.reduce((a, b) => (b.ratio > a.ratio ? b : a));
  lines.push(
    `## ${name}`,
    '',
    `templates: ${mine.length}; median packer ${median(mine.map((r) => r.packerMs)).toFixed(1)} ms, ` +
      `median kiln ${median(mine.map((r) => r.kilnMs)).toFixed(1)} ms; ratio kiln/packer: ` +
      `median ${median(ratios).toFixed(2)}, geometric mean ${geometricMean(ratios).toFixed(2)}, ` +
      `worst ${worst.ratio.toFixed(2)} (${worst.template}); templates where kiln is slower: ` +
      `${ratios.filter((r) => r > 1).length}`,
    '',
    '| template | packer ms | kiln ms | ratio |',
    '|---|---:|---:|---:|',
    ...mine.map((r) => `| ${r.template} | ${r.packerMs.toFixed(1)} | ${r.kilnMs.toFixed(1)} | ${r.ratio.toFixed(2)} |`),
    '',
  );
}
console.log(lines.join('\n'));
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ rounds, machine: machineLine(), results }, null, 2));
