import { spawn } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileLedger, cleanupLedgers, listLedgers } from '@kiln/resource-ledger';
import { startMoto, type Moto } from '@kiln/testbed';
import { tsChildArgs } from '@kiln/testbed/ts-child';
import { hostname, tmpdir } from 'node:os';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { awsClients } from '../src/client.js';
import type { AmazonEbsConfig } from '../src/config.js';
import { ec2LedgerCleaner } from '../src/ledger-cleaner.js';
import { SOURCE_AMI, TEST_AMIS } from './support/amis.js';
import { CREATE_CALLS, faultyClients, type CreateCall, type FaultyClients } from './support/faults.js';
import { AMAZON_EBS_STEPS, motoConfig, runBuilder } from './support/harness.js';
import { EMPTY_INVENTORY, TEST_CREDENTIALS, added, inventory, type Inventory } from './support/inventory.js';

/**
 * No leaked resources, ever: a build that fails at any create call, is interrupted at any step,
 * or is killed at any moment (then `kiln cleanup`) leaves nothing in moto. Every scenario counts
 * its leaks; the summary at the end reports scenarios and leaks (the target is zero).
 */
let moto: Moto;
let baseline: Inventory;
const results: { scenario: string; leaks: number }[] = [];
beforeAll(async () => {
  moto = await startMoto({ amis: TEST_AMIS });
}, 60_000);
afterAll(async () => {
  const leaks = results.reduce((n, r) => n + r.leaks, 0);
  console.info(`fault scenarios: ${results.length}, leaked resources: ${leaks}`);
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  baseline = await inventory(moto.endpoint);
});

/** Everything left in moto that was not there before: counted, then expected to be nothing. */
async function expectNothingLeft(scenario: string): Promise<void> {
  const left = added(await inventory(moto.endpoint), baseline);
  results.push({ scenario, leaks: Object.values(left).reduce((n, list) => n + list.length, 0) });
  expect(left).toEqual(EMPTY_INVENTORY);
}

/** On demand, with a copy, sharing, tags and a temporary IAM profile: every create call there is. */
const onDemand = (): AmazonEbsConfig =>
  motoConfig(moto.endpoint, {
    source_ami: SOURCE_AMI,
    ami_regions: ['us-west-2'],
    ami_users: ['210987654321'],
    tags: { Name: 'kiln' },
    temporary_iam_instance_profile_policy_document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: '*' }] },
  });
const spot = (): AmazonEbsConfig =>
  motoConfig(moto.endpoint, { source_ami: SOURCE_AMI, instance_type: undefined, spot_price: 'auto', spot_instance_types: ['t3.micro'], tags: { Name: 'kiln' } });

/** An on-demand build makes every kind of resource but the spot ones. */
const ON_DEMAND_CALLS: CreateCall[] = CREATE_CALLS.filter((call) => call !== 'createLaunchTemplate' && call !== 'createFleet');
const SPOT_CALLS: CreateCall[] = ['createLaunchTemplate', 'createFleet', 'createTags', 'createImage'];

describe('a create call fails after EC2 carried it out', () => {
  it.each([...ON_DEMAND_CALLS.map((call) => ['on-demand', call] as const), ...SPOT_CALLS.map((call) => ['spot', call] as const)])(
    '%s: %s',
    async (kind, call) => {
      const run = await runBuilder(kind === 'spot' ? spot() : onDemand(), { clients: faultyClients({ failAfter: call }) });
      expect(run.error?.message).toContain(`injected failure after ${call} reached EC2`);
      expect(run.ledger.resources).toEqual([]);
      await expectNothingLeft(`fail after ${kind} ${call}`);
    },
  );
});


describe('interrupted (SIGINT) at each step', () => {
  it.each(AMAZON_EBS_STEPS)('%s', async (step) => {
    const controller = new AbortController();
    const run = await runBuilder(onDemand(), {
      signal: controller.signal,
      clients: faultyClients({}),
      // The step is under way (its first call in flight) when the interrupt lands.
      onStep: (event) => {
        if (event.step === step && event.phase === 'run' && event.status === 'started') setImmediate(() => controller.abort());
      },
    });
    expect(run.artifact).toBeUndefined();
    expect((run.error as { code?: string }).code).toBe('CANCELLED');
    expect(run.ledger.resources).toEqual([]);
    await expectNothingLeft(`SIGINT at ${step}`);
  });
});

/** A pid that belongs to no process (Linux pids stay below 2^22): the owner of a "killed" run. */
const DEAD_OWNER = { pid: 4_194_001, hostname: hostname() };

const cleaner = () =>
  ec2LedgerCleaner({
    clients: (access) => awsClients({ ...access, staticCredentials: TEST_CREDENTIALS }),
    polling: { delayMs: 200, maxAttempts: 100 },
  });

/**
 * moto makes a key pair (an RSA key in Python) in up to a few tenths of a second: the wait kiln
 * cleanup allows a run that stopped moments ago for the calls it had sent (SETTLE_MS, 10 s for
 * EC2), cut to what moto needs.
 */
const MOTO_SETTLE_MS = 1_000;

/** `kiln cleanup` on a cache dir: every dead run's resources deleted, its ledger gone. */
async function cleanUp(cacheDir: string): Promise<string[]> {
  const said: string[] = [];
  const cleaned = await cleanupLedgers(cacheDir, { cleaners: [cleaner()], say: (line) => said.push(line), settleMs: MOTO_SETTLE_MS });
  expect(cleaned.filter((r) => r.outcome !== 'cleaned')).toEqual([]);
  await expect(readdir(path.join(cacheDir, 'kiln-ledger')).catch(() => [])).resolves.toEqual([]);
  return said;
}

/**
 * The build stops dead the moment `call` has reached EC2 (the call never returns, nothing after it
 * runs: what SIGKILL leaves), its ledger owned by a dead pid; then `kiln cleanup`.
 */
async function freezeAndCleanUp(config: AmazonEbsConfig, call: string): Promise<string[]> {
  const cacheDir = await mkdtemp(path.join(tmpdir(), 'kiln-frozen-'));
  let ledger: FileLedger | undefined;
  let clients: FaultyClients | undefined;
  const frozen = new Promise<void>((resolve) => {
    clients = faultyClients({ hangAfter: call, onTriggered: () => resolve() });
    void runBuilder(config, { cacheDir, ledgerOwner: DEAD_OWNER, onLedger: (l) => (ledger = l), clients });
  });
  await frozen;
  // What was on its way when the process died still reaches EC2, before cleanup is done waiting.
  await clients!.sent();
  await ledger!.flush();
  return cleanUp(cacheDir);
}

const FROZEN_CALLS: CreateCall[] = [...ON_DEMAND_CALLS];

describe('stopped dead right after each create call reached EC2, then kiln cleanup', () => {
  it.each([
    ...FROZEN_CALLS.map((call) => ['on-demand', call] as const),
    ['on-demand', 'stopInstances'] as const,
    ...SPOT_CALLS.map((call) => ['spot', call] as const),
  ])('%s: %s', async (kind, call) => {
    const said = await freezeAndCleanUp(kind === 'spot' ? spot() : onDemand(), call);
    expect(said[0]).toMatch(/^Run run-\d+ stopped moments ago: waiting 1s for the calls it had sent to finish\.$/);
    expect(said[1]).toMatch(/^Run run-\d+ \(pid 4194001, started .+\) left \d+ resources?:$/);
    await expectNothingLeft(`frozen after ${kind} ${call}`);
  });
});

const CHILD = fileURLToPath(new URL('./support/build-child.ts', import.meta.url));

/**
 * Runs a build in a child process, SIGKILLs it once `when` came (a call reached EC2, or a step
 * started: see build-child.ts), then cleans up. Resolves with the owners of the ledgers the kill
 * left and what cleanup said.
 */
async function killAndCleanUp(config: AmazonEbsConfig, when: string): Promise<{ owners: string[]; said: string[] }> {
  const cacheDir = await mkdtemp(path.join(tmpdir(), 'kiln-kill-'));
  const child = spawn(process.execPath, [...tsChildArgs(), CHILD, cacheDir, JSON.stringify(config), when], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const outcome = await new Promise<string>((resolve) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (/^(ready|finished|failed)/m.test(out)) resolve(out.trim());
    });
    child.once('exit', () => resolve(out.trim() || 'exited'));
  });
  child.kill('SIGKILL');
  await exited;
  expect(outcome).toBe('ready');
  const { ledgers } = await listLedgers(cacheDir);
  return { owners: ledgers.map((l) => l.owner), said: await cleanUp(cacheDir) };
}

describe('a real process killed with SIGKILL, then kiln cleanup', () => {
  it.each(['runInstances', 'createImage', 'copyImage'])('after %s', async (call) => {
    expect((await killAndCleanUp(onDemand(), call)).owners).toEqual(['dead']);
    await expectNothingLeft(`SIGKILL after ${call}`);
  }, 120_000);

  it.each(AMAZON_EBS_STEPS)('at %s', async (step) => {
    // Before the first create there may be no ledger yet; any there is, is the dead run's.
    const { owners } = await killAndCleanUp(onDemand(), `step:${step}`);
    expect(owners.filter((owner) => owner !== 'dead')).toEqual([]);
    await expectNothingLeft(`SIGKILL at ${step}`);
  }, 120_000);
});
