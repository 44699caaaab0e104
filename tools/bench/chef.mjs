// chef-solo with a 2,000-file cookbook tree: the same template through `packer build` (1.6.6) and
// `kiln build` (the built CLI), one run each, over the testbed sshd with the chef stand-ins on its
// PATH. Packer uploads a directory over one scp session; Kiln sends it as one tar stream. Prints,
// for each, the whole run (process start, connect, upload, chef run) and the upload alone (from
// the line announcing the cookbook directory to the one announcing solo.rb), and both ratios.
//
//   node tools/bench/chef.mjs [--files 2000] [--json out.json]
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kilnBin, machineLine, requireTools } from './lib.mjs';

const args = process.argv.slice(2);
const fileCount = Number(args[args.indexOf('--files') + 1] ?? 2000) || 2000;
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;

// The testbed is TypeScript source: run this file again under the workspace loader when started
// with plain node.
if (!process.execArgv.includes('--conditions=@kiln/source')) {
  // eslint-disable-next-line @nx/enforce-module-boundaries -- a benchmark starts real peers, as tests do
  const { tsChildArgs } = await import('@kiln/testbed/ts-child');
  const child = spawnSync(process.execPath, [...tsChildArgs(), ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(child.status ?? 1);
}
// eslint-disable-next-line @nx/enforce-module-boundaries -- a benchmark starts real peers, as tests do
const { installChefStandin, startSshd } = await import('@kiln/testbed');

requireTools();

/** Runs a build; resolves with its wall time, exit code and when each watched line appeared. */
function timedBuild(argv, cwd, watch) {
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
    const seen = {};
    const child = spawn(argv[0], argv.slice(1), { cwd, env: { ...process.env, CHECKPOINT_DISABLE: '1' }, stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text) => {
      for (const [name, needle] of Object.entries(watch)) if (seen[name] === undefined && text.includes(needle)) seen[name] = elapsed();
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ ms: elapsed(), code, seen }));
  });
}

/** A cookbook repo: 40 cookbooks of recipes, attributes, templates and files, `count` files in all. */
function makeCookbooks(root, count) {
  const kinds = ['recipes', 'attributes', 'templates/default', 'files/default', 'libraries'];
  for (let i = 0; i < count; i++) {
    const cookbook = `cookbook-${i % 40}`;
    const kind = kinds[i % kinds.length];
    const dir = join(root, cookbook, kind);
    mkdirSync(dir, { recursive: true });
    const body = `# ${cookbook} ${kind} ${i}\n${'log "x"\n'.repeat(20 + ((i * 37) % 400))}`;
    writeFileSync(join(dir, `file-${i}.rb`), body);
  }
}

const work = mkdtempSync(join(tmpdir(), 'kiln-bench-chef-'));
makeCookbooks(join(work, 'cookbooks'), fileCount);
const standin = await installChefStandin();
const sshd = await startSshd({ config: standin.sshdConfig });
const results = {};
try {
  for (const side of ['packer', 'kiln']) {
    const staging = `/tmp/kiln-bench-chef-${side}`;
    rmSync(staging, { recursive: true, force: true });
    const provisioner = { type: 'chef-solo', skip_install: true, cookbook_paths: ['cookbooks'], staging_directory: staging };
    const template = {
      builders: [{ type: 'null', communicator: 'ssh', ssh_host: sshd.host, ssh_port: sshd.port, ssh_username: sshd.username, ssh_private_key_file: sshd.privateKeyPath }],
      provisioners: [provisioner],
    };
    writeFileSync(join(work, 'template.json'), JSON.stringify(template));
    const argv = side === 'packer' ? ['packer', 'build', 'template.json'] : [process.execPath, kilnBin, 'build', 'template.json'];
    await standin.reset();
    const { ms, code, seen } = await timedBuild(argv, work, {
      uploadStart: `Creating directory: ${staging}/cookbooks-0`,
      uploadEnd: "Creating configuration file 'solo.rb'",
    });
    const calls = await standin.calls();
    const uploaded = Object.keys(calls[0]?.trees?.[`${staging}/cookbooks-0`] ?? {}).length;
    if (code !== 0 || uploaded !== fileCount) throw new Error(`${side} run failed: exit ${code}, ${uploaded} of ${fileCount} files arrived`);
    results[side] = { run: Math.round(ms), upload: Math.round(seen.uploadEnd - seen.uploadStart) };
    rmSync(staging, { recursive: true, force: true });
  }
} finally {
  await sshd.stop();
  await standin.stop();
  rmSync(work, { recursive: true, force: true });
}

const ratio = (key) => results.packer[key] / results.kiln[key];
console.log(`chef-solo, ${fileCount}-file cookbook tree, one run each (${machineLine()})`);
console.log(`                whole run   upload`);
console.log(`  packer 1.6.6  ${String(results.packer.run).padStart(6)} ms  ${String(results.packer.upload).padStart(6)} ms`);
console.log(`  kiln          ${String(results.kiln.run).padStart(6)} ms  ${String(results.kiln.upload).padStart(6)} ms`);
console.log(`  packer/kiln   ${ratio('run').toFixed(2).padStart(6)}x    ${ratio('upload').toFixed(2).padStart(6)}x`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ files: fileCount, ms: results, ratio: { run: ratio('run'), upload: ratio('upload') } }, null, 2));
