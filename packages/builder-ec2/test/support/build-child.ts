// A build in a process of its own, for tests that kill it: `build-child.ts <cacheDir> <config JSON>
// <when>`, `when` being a call (`runInstances`) or a step (`step:StepCreateAMI`). Prints `ready`
// once the call has reached EC2, or once the step has started and sent what it sends at once, and
// then stops dead (no call returns) until killed. Options are not rendered (the fault tests'
// configs have no templates), which keeps @kiln/template out of the child.
import { FileLedger } from '@kiln/resource-ledger';
import { recordingUi } from '@kiln/sdk';
import { AmazonEbsBuilder } from '../../src/builder.js';
import type { AmazonEbsConfig } from '../../src/config.js';
import { faultyClients } from './faults.js';

const [cacheDir, configJson, when] = process.argv.slice(2) as [string, string, string];
const ready = (): void => void process.stdout.write('ready\n');
const step = when.startsWith('step:') ? when.slice('step:'.length) : undefined;
const clients = faultyClients(step ? {} : { hangAfter: when, onTriggered: ready });
const builder = new AmazonEbsBuilder({ env: {}, clients });
builder.prepare(JSON.parse(configJson) as AmazonEbsConfig, {
  buildName: 'amazon-ebs',
  builderType: 'amazon-ebs',
  positionOf: () => undefined,
  render: (text) => text,
});
const noProvisioners = { provision: async () => undefined, provisionCleanup: async () => undefined, hasCleanupProvisioner: false };
const ledger = FileLedger.forRun(cacheDir, `child-${process.pid}`);
await builder
  .run({
    ui: recordingUi(),
    hook: noProvisioners,
    signal: new AbortController().signal,
    env: { buildName: 'amazon-ebs', builderType: 'amazon-ebs', runUuid: 'child', cacheDir, debug: false, force: false, onError: 'cleanup', userVariables: {} },
    ledger: ledger.forBuild('amazon-ebs'),
    onStep: (event) => {
      if (event.step !== step || event.phase !== 'run' || event.status !== 'started') return;
      // The step's first calls are on their way when the kill lands, as with SIGINT.
      setImmediate(() => {
        clients.stopDead();
        ready();
      });
    },
  })
  .then(
    () => process.stdout.write('finished\n'),
    (error: unknown) => process.stdout.write(`failed ${(error as Error).message}\n`),
  );
