// Packer 1.6.6 (null builder), plain OpenSSH and Kiln on the same private sshd, in one run: the
// SSH workloads of issue 4. One run of each (these take long, and the sides run back to back on the
// same machine state). Prints a markdown table: wall time, throughput, and peak RSS of Kiln's process.
//
//   node tools/bench/ssh.mjs [--skip-slow-packer]   (needs `npm run build` and Packer 1.6.6 on PATH)
//
// --skip-slow-packer skips Packer on the 200,000-line script, which takes it about three minutes.
import { spawn, spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kilnBin, machineLine, requireTools } from './lib.mjs';

const skipSlowPacker = process.argv.includes('--skip-slow-packer');
requireTools();
// Loaded after the check that says to build first (the testbed's dist).
// eslint-disable-next-line @nx/enforce-module-boundaries -- a benchmark starts real peers, as tests do
const { startSshd } = await import('@kiln/testbed');

const work = mkdtempSync(join(tmpdir(), 'kiln-bench-ssh-'));
const sshd = await startSshd();
const remote = `/tmp/kiln-bench-ssh-${process.pid}`;
const sshArgs = ['-i', sshd.privateKeyPath, '-p', String(sshd.port), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR'];
const target = `${sshd.username}@${sshd.host}`;
const env = { ...process.env, CHECKPOINT_DISABLE: '1', PACKER_CACHE_DIR: join(work, 'packer_cache') };

/** Runs argv under /usr/bin/time: wall seconds and peak RSS in MiB of the process tree's largest member. */
function measure(argv, options = {}) {
  const timeFile = join(work, 'time.txt');
  const result = spawnSync('/usr/bin/time', ['-o', timeFile, '-f', '%e %M', ...argv], {
    cwd: work,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    timeout: options.timeoutMs ?? 600_000,
  });
  if (result.status !== 0) throw new Error(`${argv.join(' ')} failed (${result.status}): ${result.stderr.slice(-2000)}`);
  const [seconds, kib] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
  return { seconds, rssMiB: kib / 1024 };
}

const sh = (script) => measure(['sh', '-c', script]);
const ssh = (command) => spawnSync('ssh', [...sshArgs, target, command], { stdio: 'ignore' });

function template(name, provisioners, port = sshd.port) {
  const path = join(work, `${name}.json`);
  const builder = { type: 'null', ssh_host: sshd.host, ssh_port: port, ssh_username: sshd.username, ssh_private_key_file: sshd.privateKeyPath };
  writeFileSync(path, JSON.stringify({ builders: [builder], provisioners }));
  return path;
}
const packer = (path, options) => measure(['packer', 'build', path], options);
const kiln = (path) => measure([process.execPath, kilnBin, 'build', path]);

// inputs
const big = join(work, 'big.bin');
{
  const block = Buffer.alloc(1 << 20);
  const parts = [];
  for (let i = 0; i < 256; i++) parts.push(Buffer.from(randomFillSync(block)));
  writeFileSync(big, Buffer.concat(parts));
}
const tree = join(work, 'tree');
for (let i = 0; i < 5000; i++) {
  const dir = join(tree, `d${i % 50}`);
  if (i < 50) mkdirSync(dir, { recursive: true });
  const path = join(dir, `f${i}.bin`);
  writeFileSync(path, randomFillSync(Buffer.alloc(1024 + ((i * 7919) % 3072))));
  chmodSync(path, i % 3 ? 0o644 : 0o600);
}
const script = join(work, 'true.sh');
writeFileSync(script, '#!/bin/sh\ntrue\n');

const rows = [];
const row = (workload, packerCell, opensshCell, kilnCell, kilnRss) => rows.push({ workload, packerCell, opensshCell, kilnCell, kilnRss });
const secs = (m) => `${m.seconds.toFixed(2)} s`;
const rate = (m) => `${(256 / m.seconds).toFixed(0)} MiB/s (${m.seconds.toFixed(2)} s)`;
const resetRemote = () => ssh(`rm -rf ${remote}; mkdir -p ${remote}/p ${remote}/k ${remote}/o`);
resetRemote();

// 1. connect + true
{
  const path = template('true', [{ type: 'shell', inline: ['true'] }]);
  const k = kiln(path);
  row('connect + `true` (one shell provisioner)', secs(packer(path)), secs(measure(['ssh', ...sshArgs, target, 'true'])), secs(k), k.rssMiB);
}
// 2. 20 shell provisioners of true (OpenSSH: what the provisioner does, scp + 3 ssh, over one master connection)
{
  const path = template('true20', Array.from({ length: 20 }, () => ({ type: 'shell', inline: ['true'] })));
  const control = join(work, 'cm');
  const mux = [...sshArgs, '-o', `ControlPath=${control}`];
  spawnSync('ssh', [...mux, '-o', 'ControlMaster=yes', '-o', 'ControlPersist=60', '-fN', target], { stdio: 'ignore' });
  const once = `scp -q ${mux.join(' ').replace('-p ', '-P ')} ${script} ${target}:/tmp/b.sh && ssh ${mux.join(' ')} ${target} 'chmod 0755 /tmp/b.sh' && ssh ${mux.join(' ')} ${target} 'chmod +x /tmp/b.sh; /tmp/b.sh' && ssh ${mux.join(' ')} ${target} 'rm -f /tmp/b.sh'`;
  const openssh = sh(Array.from({ length: 20 }, () => once).join(' && '));
  spawnSync('ssh', [...mux, '-O', 'exit', target], { stdio: 'ignore' });
  const k = kiln(path);
  row('20 shell provisioners of `true`', secs(packer(path)), `${secs(openssh)} (one connection)`, secs(k), k.rssMiB);
}
// 3. 256 MiB upload
{
  const up = (dir) => template(`up-${dir}`, [{ type: 'file', source: big, destination: `${remote}/${dir}/big.bin` }]);
  const p = packer(up('p'));
  const o = measure(['scp', '-q', ...sshArgs.map((a) => (a === '-p' ? '-P' : a)), big, `${target}:${remote}/o/big.bin`]);
  const k = kiln(up('k'));
  row('256 MiB upload (wall time incl. connect)', rate(p), `${rate(o)} scp`, rate(k), k.rssMiB);
}
// 4. 256 MiB download
{
  const down = (dir) => template(`down-${dir}`, [{ type: 'file', source: `${remote}/o/big.bin`, destination: join(work, `down-${dir}.bin`), direction: 'download' }]);
  const p = packer(down('p'));
  const o = measure(['scp', '-q', ...sshArgs.map((a) => (a === '-p' ? '-P' : a)), `${target}:${remote}/o/big.bin`, join(work, 'down-o.bin')]);
  const k = kiln(down('k'));
  row('256 MiB download (wall time incl. connect)', rate(p), `${rate(o)} scp`, rate(k), k.rssMiB);
}
// 5. 5,000 files of 1-4 KiB up
{
  const up = (dir) => template(`tree-${dir}`, [{ type: 'file', source: tree, destination: `${remote}/${dir}` }]);
  const p = packer(up('p'));
  const o = measure(['scp', '-q', '-r', ...sshArgs.map((a) => (a === '-p' ? '-P' : a)), tree, `${target}:${remote}/o`]);
  const t = sh(`tar -C ${work} -cf - tree | ssh ${sshArgs.join(' ')} ${target} 'mkdir -p ${remote}/t && tar -C ${remote}/t -xf -'`);
  const k = kiln(up('k'));
  row('5,000 files of 1-4 KiB up', secs(p), `${secs(o)} (scp -r), ${secs(t)} (tar)`, secs(k), k.rssMiB);
}
// 5b. the same through a proxy adding 10 ms each way (a child process: spawnSync blocks this one)
{
  const proxy = spawn(process.execPath, [new URL('./latency-proxy.mjs', import.meta.url).pathname, sshd.host, String(sshd.port), '10'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const proxyPort = Number(await new Promise((resolve) => proxy.stdout.once('data', (chunk) => resolve(String(chunk).trim()))));
  resetRemote();
  const up = (dir) => template(`slow-tree-${dir}`, [{ type: 'file', source: tree, destination: `${remote}/${dir}` }], proxyPort);
  const p = packer(up('p'), { timeoutMs: 1_200_000 });
  // OpenSSH's scp -r (SFTP underneath) costs several round trips per file: minutes here, so not run.
  const k = kiln(up('k'));
  proxy.kill();
  row('5,000 files up, +10 ms each way', secs(p), 'not run (scp -r: several round trips a file)', `${secs(k)} (${((k.seconds / p.seconds) * 100).toFixed(0)}% of Packer)`, k.rssMiB);
}
// 6. a script printing 200,000 lines
{
  const path = template('lines', [{ type: 'shell', inline: ['seq 1 200000'] }]);
  const p = skipSlowPacker ? undefined : packer(path, { timeoutMs: 900_000 });
  const o = measure(['ssh', ...sshArgs, target, 'seq 1 200000']);
  const k = kiln(path);
  row('script printing 200,000 lines', p ? secs(p) : 'skipped (--skip-slow-packer)', secs(o), secs(k), k.rssMiB);
}

ssh(`rm -rf ${remote}`);
await sshd.stop();
rmSync(work, { recursive: true, force: true });

console.log(`# SSH workloads, one run each (${machineLine()})\n`);
console.log('| workload | Packer 1.6.6 | OpenSSH | Kiln | Kiln peak RSS |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.workload} | ${r.packerCell} | ${r.opensshCell} | ${r.kilnCell} | ${r.kilnRss.toFixed(0)} MB |`);
