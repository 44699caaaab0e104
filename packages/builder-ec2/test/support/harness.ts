import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileLedger, type ProcessIdentity } from '@kiln/resource-ledger';
import { recordingUi, type Artifact, type BuildContext, type Hook, type StepEvent } from '@kiln/sdk';
import { interpolate } from '@kiln/template';
import { AmazonEbsBuilder, type AmazonEbsBuilderOptions } from '../../src/builder.js';
import type { AmazonEbsConfig } from '../../src/config.js';
import { TEST_CREDENTIALS } from './inventory.js';

/** A template-like amazon-ebs config against moto: static test credentials, no communicator. */
export function motoConfig(endpoint: string, overrides: Partial<AmazonEbsConfig> = {}): AmazonEbsConfig {
  return {
    region: 'us-east-1',
    instance_type: 't3.micro',
    communicator: 'none',
    ami_name: `kiln-test-${Date.now()}-${Math.floor(Math.random() * 1e6)}`,
    custom_endpoint_ec2: endpoint,
    access_key: TEST_CREDENTIALS.accessKeyId,
    secret_key: TEST_CREDENTIALS.secretAccessKey,
    aws_polling: { delay_seconds: 1, max_attempts: 60 },
    ...overrides,
  };
}

/** Renders late options as the template layer does (Go templates with the build data). */
export function renderWith(text: string, data?: Readonly<Record<string, unknown>>): string {
  return interpolate(text, { userVariables: {}, initTime: new Date('2020-12-16T10:00:00Z'), data });
}

/** A template with no provisioners, and so no error-cleanup-provisioner. */
export const noProvisioners: Hook = {
  provision: async () => undefined,
  provisionCleanup: async () => undefined,
  hasCleanupProvisioner: false,
};

export interface BuildRun {
  readonly artifact?: Artifact;
  readonly error?: Error;
  readonly lines: readonly string[];
  readonly ledger: FileLedger;
  readonly steps: readonly StepEvent[];
}

export interface RunOptions extends AmazonEbsBuilderOptions {
  readonly signal?: AbortSignal;
  readonly hook?: Hook;
  readonly cacheDir?: string;
  readonly force?: boolean;
  readonly onStep?: (event: StepEvent) => void;
  /** Who the ledger says owns the run (default this process); a dead pid makes it `kiln cleanup`'s. */
  readonly ledgerOwner?: ProcessIdentity;
  /** Receives the ledger before the build starts (a test that never awaits the run still reads it). */
  readonly onLedger?: (ledger: FileLedger) => void;
  /** -debug: every pause is answered at once. */
  readonly debug?: boolean;
}

/** Prepares and runs amazon-ebs as core would, with a file ledger in a temp cache dir. */
export async function runBuilder(config: AmazonEbsConfig, options: RunOptions = {}): Promise<BuildRun> {
  const builder = new AmazonEbsBuilder({ env: {}, ...options });
  builder.prepare(config, { buildName: 'amazon-ebs', builderType: 'amazon-ebs', positionOf: () => undefined, render: renderWith });
  const cacheDir = options.cacheDir ?? (await mkdtemp(path.join(tmpdir(), 'kiln-ec2-cache-')));
  const ledger = FileLedger.forRun(cacheDir, `run-${Date.now()}`, options.ledgerOwner);
  options.onLedger?.(ledger);
  const ui = recordingUi(options.debug ? Array<string>(100).fill('') : []);
  const steps: StepEvent[] = [];
  const ctx: BuildContext = {
    ui,
    hook: options.hook ?? noProvisioners,
    signal: options.signal ?? new AbortController().signal,
    env: {
      buildName: 'amazon-ebs',
      builderType: 'amazon-ebs',
      runUuid: 'test-run',
      cacheDir,
      debug: options.debug ?? false,
      force: options.force ?? false,
      onError: 'cleanup',
      userVariables: {},
    },
    ledger: ledger.forBuild('amazon-ebs'),
    onStep: (event) => {
      steps.push(event);
      options.onStep?.(event);
    },
  };
  try {
    const artifact = await builder.run(ctx);
    await ledger.flush();
    return { ...(artifact ? { artifact } : {}), lines: ui.lines, ledger, steps };
  } catch (error) {
    await ledger.flush();
    return { error: error as Error, lines: ui.lines, ledger, steps };
  }
}

/** Packer's amazon-ebs step sequence, in order: what a full build runs and what the fault tests interrupt. */
export const AMAZON_EBS_STEPS = [
  'StepPreValidate',
  'StepSourceAMIInfo',
  'StepNetworkInfo',
  // Run at once (sdk's concurrently), so the runner sees them as one step.
  'StepKeyPair, StepSecurityGroup',
  'StepIamInstanceProfile',
  'StepCleanupVolumes',
  'StepRunSourceInstance',
  'StepGetPassword',
  'StepCreateSSMTunnel',
  'StepConnect',
  'StepProvision',
  'StepCleanupTempKeys',
  'StepStopEBSBackedInstance',
  'StepModifyEBSBackedInstance',
  'StepDeregisterAMI',
  'StepCreateAMI',
  // Kiln's: the source instance and what serves it are torn down from here on, while the AMI is
  // copied and tagged (left out under -debug and -on-error=abort|ask; with an
  // error-cleanup-provisioner it lets go of nothing).
  'StepReleaseSourceInstance',
  'StepAMIRegionCopy',
  'StepModifyAMIAttributes, StepCreateTags',
];
