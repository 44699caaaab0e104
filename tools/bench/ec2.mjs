// amazon-ebs end to end: the same template (packages/builder-ec2/test/contracts/templates/
// amazon-ebs.json, shared/contracts' amazon-ebs: communicator none, source_ami_filter most_recent,
// a copy to us-west-2, ami_groups, tags, run_tags) built by Packer 1.6.6 and by Kiln against the
// same moto, alternating in one run. Prints median wall times and the Kiln/Packer ratio in three
// modes:
//
//   instant  moto as it is: every instance and image is ready the moment it is asked for, so the
//            run is all process start-up and API round trips.
//   paced    a proxy in front of moto keeps instances pending, stopping and shutting-down, and
//            AMIs pending, for a few seconds each (below), as EC2 does for longer: the run is then
//            mostly waiting, and how a tool polls decides when it notices.
//   replay   moto's answers to one build by each tool are recorded, then replayed the moment each
//            call arrives: the run is all the tool's own work (start-up, signing and parsing, its
//            steps). moto takes a random 20 to 300 ms to make a key pair (an RSA key in Python),
//            which is most of the spread between instant runs; replayed, there is none.
//
//   node tools/bench/ec2.mjs [--rounds 3] [--modes instant,replay,paced] [--json out.json]
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { kilnBin, machineLine, median, repoRoot, requireTools, timeOnce } from './lib.mjs';

const args = process.argv.slice(2);
const value = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const rounds = Number(value('--rounds', 3)) || 3;
const modes = value('--modes', 'instant,replay,paced').split(',');
const jsonOut = value('--json', undefined);

/** How long EC2 takes in paced mode, in seconds (shorter than EC2's, to keep the run short). */
const PACE = { running: 8, stopped: 6, available: 12, terminated: 5 };

requireTools();
const testbed = join(repoRoot, 'tools/testbed/dist/moto.js');
if (!existsSync(testbed)) throw new Error('tools/testbed is not built: run `npm install` (or `npm run build`) at the repository root');
const { startMoto } = await import(testbed);

const AMIS = [
  { ami_id: 'ami-0bench000000000001', name: 'amzn2-ami-hvm-2.0.20200101.0-x86_64-gp2', creation_date: '2020-01-01T00:00:00.000Z' },
  { ami_id: 'ami-0bench000000000002', name: 'amzn2-ami-hvm-2.0.20210301.0-x86_64-gp2', creation_date: '2021-03-01T00:00:00.000Z' },
].map((ami) => ({ ...ami, owner_id: '137112412989', public: true, virtualization_type: 'hvm', architecture: 'x86_64', root_device_type: 'ebs', root_device_name: '/dev/xvda', state: 'available' }));

const moto = await startMoto({ amis: AMIS });
const root = mkdtempSync(join(tmpdir(), 'kiln-bench-ec2-'));
const results = [];
// Both tools share the machine with whatever else runs: say how busy it was, to read the times by.
const loadBefore = loadavg()[0];
try {
  for (const mode of modes) {
    const proxy = mode === 'replay' ? await replayingProxy(moto.endpoint) : await pacingProxy(moto.endpoint, mode === 'paced' ? PACE : undefined);
    const template = join(root, `${mode}.json`);
    writeTemplate(template, proxy.endpoint);
    const env = {
      PATH: process.env.PATH,
      HOME: root,
      CHECKPOINT_DISABLE: '1',
      PACKER_CACHE_DIR: join(root, 'cache'),
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
    };
    const times = { packer: [], kiln: [] };
    const build = async (tool, name) => {
      const run = ['build', '-color=false', `-var`, `run=${name}`, template];
      const argv = tool === 'packer' ? ['packer', ...run] : [process.execPath, kilnBin, ...run];
      const { ms, code } = await timeOnce(argv, { cwd: root, env });
      if (code !== 0) throw new Error(`${tool} failed (exit ${code}) in ${mode} mode: ${argv.join(' ')}`);
      return ms;
    };
    if (mode === 'replay') {
      for (const tool of ['packer', 'kiln']) {
        await moto.reset();
        proxy.record(tool);
        await build(tool, `replay-${tool}-recorded`);
      }
    }
    for (let round = 0; round < rounds; round += 1) {
      // Alternate which tool goes first so neither always gets the warmer caches.
      for (const tool of round % 2 ? ['kiln', 'packer'] : ['packer', 'kiln']) {
        if (mode === 'replay') proxy.replay(tool);
        else await moto.reset();
        times[tool].push(await build(tool, `${mode}-${tool}-${round}`));
      }
    }
    await proxy.close();
    const packerMs = median(times.packer);
    const kilnMs = median(times.kiln);
    results.push({ mode, packerMs, kilnMs, ratio: kilnMs / packerMs, times });
  }
} finally {
  await moto.stop();
  rmSync(root, { recursive: true, force: true });
}

const lines = [
  `# amazon-ebs: Kiln vs Packer 1.6.6 against moto (${rounds} alternating rounds, median wall time)`,
  '',
  `${machineLine()}; load average ${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after`,
  `paced: instances running after ${PACE.running} s, stopped after ${PACE.stopped} s, terminated after ${PACE.terminated} s; AMIs available after ${PACE.available} s`,
  '',
  '| mode | Packer 1.6.6 | Kiln | Kiln / Packer |',
  '|---|---|---|---|',
  ...results.map((r) => `| ${r.mode} | ${(r.packerMs / 1000).toFixed(3)} s | ${(r.kilnMs / 1000).toFixed(3)} s | ${r.ratio.toFixed(2)} |`),
  '',
  // Kiln's code cache (docs/commands.md) is written by its first build: in instant mode that is
  // round 1's, which the medians leave aside; this is what it cost.
  ...results
    .filter((r) => r.mode === 'instant')
    .map((r) => `instant, Kiln's first build (no code cache yet): ${(r.times.kiln[0] / 1000).toFixed(3)} s; Kiln faster in ${r.times.kiln.filter((ms, i) => ms < r.times.packer[i]).length} of ${rounds} rounds`),
];
console.log(lines.join('\n'));
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ machine: machineLine(), loadBefore, loadAfter: loadavg()[0], pace: PACE, results }, null, 2));

function writeTemplate(file, endpoint) {
  // shared/contracts' template, as builder-ec2's contract test keeps it in the repository.
  const contract = JSON.parse(readFileSync(join(repoRoot, 'packages/builder-ec2/test/contracts/templates/amazon-ebs.json'), 'utf8'));
  const builder = { ...contract.builders[0], custom_endpoint_ec2: endpoint, ami_name: 'bench-{{user `run`}}' };
  writeFileSync(file, JSON.stringify({ variables: { run: '' }, builders: [builder] }, null, 2));
}

/**
 * An HTTP proxy in front of moto that records each tool's answers (record(tool)) and then gives
 * them back at once, without moto (replay(tool)). Answers are kept per action, region and kind of
 * query (the filter names; whether owners or image ids are given), in the order they came: a build
 * makes the same calls each time, though concurrent ones may arrive in another order.
 */
async function replayingProxy(target) {
  const tapes = new Map();
  let recording;
  let playing;
  const keyOf = (req, body) => {
    const params = [...new URLSearchParams(body.toString('utf8')).entries()];
    const filters = params.filter(([name]) => /^Filter\.\d+\.Name$/.test(name)).map(([, v]) => v).sort().join('+');
    const given = ['Owner', 'ImageId', 'ExecutableBy'].filter((prefix) => params.some(([name]) => name.startsWith(prefix))).join('+');
    const region = /Credential=[^/]+\/\d+\/([^/]+)\//.exec(req.headers.authorization ?? '')?.[1];
    return `${params.find(([name]) => name === 'Action')?.[1]} ${filters} ${given} ${region}`;
  };
  const proxy = await ec2Proxy(target, async (req, body, forward) => {
    const key = keyOf(req, body);
    if (playing) {
      const answer = playing.get(key)?.shift();
      return answer ?? { status: 500, headers: {}, body: `nothing recorded for ${key}` };
    }
    const answer = await forward();
    const tape = tapes.get(recording);
    tape.set(key, [...(tape.get(key) ?? []), answer]);
    return answer;
  });
  return {
    ...proxy,
    record(tool) {
      recording = tool;
      playing = undefined;
      tapes.set(tool, new Map());
    },
    replay(tool) {
      playing = new Map([...tapes.get(tool)].map(([key, answers]) => [key, [...answers]]));
    },
  };
}

/**
 * An HTTP proxy in front of moto. With a pace, it answers describes of an instance or image with
 * the in-between state (pending, stopping, shutting-down) until that many seconds have passed
 * since the call that started the change, as EC2 would.
 */
async function pacingProxy(target, pace) {
  const since = new Map();
  const elapsed = (key) => (Date.now() - (since.get(key) ?? 0)) / 1000;
  const proxy = await ec2Proxy(target, async (_req, body, forward) => {
    const answer = await forward();
    if (!pace) return answer;
    const params = new URLSearchParams(body.toString('utf8'));
    return { ...answer, body: paced(params.get('Action'), params, answer.body.toString('utf8')) };
  });

  function paced(action, params, text) {
    const now = Date.now();
    const firstId = (tag) => new RegExp(`<${tag}>([^<]+)</${tag}>`).exec(text)?.[1];
    if (action === 'RunInstances') since.set(`run:${firstId('instanceId')}`, now);
    if (action === 'CreateFleet') since.set(`run:${firstId('item') ?? firstId('instanceId')}`, now);
    if (action === 'StopInstances') since.set(`stop:${params.get('InstanceId.1')}`, now);
    if (action === 'TerminateInstances') since.set(`term:${params.get('InstanceId.1')}`, now);
    if (action === 'CreateImage' || action === 'CopyImage') since.set(`ami:${firstId('imageId')}`, now);
    if (action === 'DescribeInstances' && params.get('InstanceId.1')) {
      const id = params.get('InstanceId.1');
      if (since.has(`run:${id}`) && elapsed(`run:${id}`) < pace.running) text = state(text, 16, 'running', 0, 'pending');
      if (since.has(`stop:${id}`) && elapsed(`stop:${id}`) < pace.stopped) text = state(text, 80, 'stopped', 64, 'stopping');
      if (since.has(`term:${id}`) && elapsed(`term:${id}`) < pace.terminated) text = state(text, 48, 'terminated', 32, 'shutting-down');
    }
    if (action === 'DescribeImages' && params.get('ImageId.1')) {
      const id = params.get('ImageId.1');
      if (since.has(`ami:${id}`) && elapsed(`ami:${id}`) < pace.available) {
        text = text.replace('<imageState>available</imageState>', '<imageState>pending</imageState>');
      }
    }
    return text;
  }

  function state(text, code, name, newCode, newName) {
    return text.replace(`<code>${code}</code><name>${name}</name>`, `<code>${newCode}</code><name>${newName}</name>`);
  }

  return proxy;
}

/**
 * An HTTP server on loopback in front of moto: each request's answer is what `answer` returns,
 * given the request, its body and a way to have moto answer it.
 */
async function ec2Proxy(target, answer) {
  const upstream = new URL(target);
  const forward = (req, body) =>
    new Promise((resolve, reject) => {
      const sent = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 500, headers: response.headers, body: Buffer.concat(chunks) }));
      });
      sent.on('error', reject);
      sent.end(body);
    });
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const { status, headers, body: text } = await answer(req, body, () => forward(req, body)).catch((error) => ({ status: 502, headers: {}, body: String(error) }));
      // The body may have been rewritten: its length is for Node to say.
      const { 'content-length': _length, 'transfer-encoding': _encoding, ...rest } = headers;
      res.writeHead(status, { 'content-type': 'text/xml', ...rest, connection: 'close' });
      res.end(text);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
