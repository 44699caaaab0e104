// chef-solo with a 2,000-file cookbook tree: the same template through `packer build` (1.6.6) and
// `kiln build` (the built CLI), alternating, over the testbed sshd with the chef stand-ins on its
// PATH, on two networks: loopback, and loopback through a proxy adding 10 ms each way (a nearby
// cloud region; there is no netem here). Packer uploads a directory over one scp session, which
// waits for the server's acknowledgement of every file; Kiln sends it as one tar stream. Prints,
// per network, the median whole run (process start, connect, upload, chef run) and upload alone
// (from the line announcing the cookbook directory to the one announcing solo.rb), and Kiln's
// share of Packer's time.
//
//   node tools/bench/chef.mjs [--files 2000] [--rounds 3] [--json out.json]
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kilnBin, machineLine, median, requireTools } from './lib.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) || fallback : fallback);
const fileCount = option('--files', 2000);
const rounds = option('--rounds', 3);
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
    let output = '';
    const child = spawn(argv[0], argv.slice(1), { cwd, env: { ...process.env, CHECKPOINT_DISABLE: '1' }, stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text) => {
      output += text;
      for (const [name, needle] of Object.entries(watch)) if (seen[name] === undefined && text.includes(needle)) seen[name] = elapsed();
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ ms: elapsed(), code, seen, output }));
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

/** Starts the latency proxy in front of the sshd; resolves with its port and a stop function. */
async function startLatencyProxy(host, port, delayMs) {
  const proxy = spawn(process.execPath, [new URL('./latency-proxy.mjs', import.meta.url).pathname, host, String(port), String(delayMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const proxyPort = Number(await new Promise((resolve) => proxy.stdout.once('data', (chunk) => resolve(String(chunk).trim()))));
  return { port: proxyPort, stop: () => proxy.kill() };
}

const work = mkdtempSync(join(tmpdir(), 'kiln-bench-chef-'));
makeCookbooks(join(work, 'cookbooks'), fileCount);
const standin = await installChefStandin();
const sshd = await startSshd({ config: standin.sshdConfig });
const proxy = await startLatencyProxy(sshd.host, sshd.port, 10);
const networks = { loopback: sshd.port, '+10 ms each way': proxy.port };
const samples = {};

async function buildOnce(side, network, port) {
  const staging = `/tmp/kiln-bench-chef-${side}`;
  rmSync(staging, { recursive: true, force: true });
  const provisioner = { type: 'chef-solo', skip_install: true, cookbook_paths: ['cookbooks'], staging_directory: staging };
  const template = {
    builders: [{ type: 'null', communicator: 'ssh', ssh_host: sshd.host, ssh_port: port, ssh_username: sshd.username, ssh_private_key_file: sshd.privateKeyPath }],
    provisioners: [provisioner],
  };
  writeFileSync(join(work, 'template.json'), JSON.stringify(template));
  const argv = side === 'packer' ? ['packer', 'build', 'template.json'] : [process.execPath, kilnBin, 'build', 'template.json'];
  await standin.reset();
  const { ms, code, seen, output } = await timedBuild(argv, work, {
    uploadStart: `Creating directory: ${staging}/cookbooks-0`,
    uploadEnd: "Creating configuration file 'solo.rb'",
  });
  const calls = await standin.calls();
  const uploaded = Object.keys(calls[0]?.trees?.[`${staging}/cookbooks-0`] ?? {}).length;
  if (code !== 0 || uploaded !== fileCount) throw new Error(`${side} run (${network}) failed: exit ${code}, ${uploaded} of ${fileCount} files arrived\n${output.slice(-3000)}`);
  const entry = ((samples[network] ??= {})[side] ??= { run: [], upload: [] });
  entry.run.push(ms);
  entry.upload.push(seen.uploadEnd - seen.uploadStart);
  rmSync(staging, { recursive: true, force: true });
}

try {
  for (let round = 0; round < rounds; round++) {
    for (const [network, port] of Object.entries(networks)) {
      for (const side of ['packer', 'kiln']) await buildOnce(side, network, port);
    }
  }
} finally {
  proxy.stop();
  await sshd.stop();
  await standin.stop();
  rmSync(work, { recursive: true, force: true });
}

const results = {};
console.log(`chef-solo, ${fileCount}-file cookbook tree, median of ${rounds} alternating runs (${machineLine()})\n`);
console.log('| network | Packer 1.6.6 run | Kiln run | Packer upload | Kiln upload | Kiln/Packer upload |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const [network, sides] of Object.entries(samples)) {
  const m = (side, key) => Math.round(median(sides[side][key]));
  const share = m('kiln', 'upload') / m('packer', 'upload');
  results[network] = { packer: { run: m('packer', 'run'), upload: m('packer', 'upload') }, kiln: { run: m('kiln', 'run'), upload: m('kiln', 'upload') }, uploadShare: share };
  console.log(`| ${network} | ${m('packer', 'run')} ms | ${m('kiln', 'run')} ms | ${m('packer', 'upload')} ms | ${m('kiln', 'upload')} ms | ${share.toFixed(2)} |`);
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ files: fileCount, rounds, results }, null, 2));
