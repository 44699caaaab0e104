import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { GeneratedData, Hook } from '@kiln/sdk';
import { describe, expect, it } from 'vitest';
import type { AmazonEbsConfig } from '../src/config.js';
import { KIND } from '../src/resources.js';
import { FakeEc2, awsError, sourceImage } from './support/fake-ec2.js';
import { AMAZON_EBS_STEPS, runBuilder, type RunOptions } from './support/harness.js';

const config = (overrides: Partial<AmazonEbsConfig> = {}): AmazonEbsConfig => ({
  region: 'us-east-1',
  instance_type: 't3.micro',
  communicator: 'none',
  source_ami: 'ami-source1',
  ami_name: 'kiln-unit',
  skip_credential_validation: true,
  ...overrides,
});

/** What tearing down the source instance says, at the end of the output (communicator none). */
const TEARDOWN_LINES = [
  'say: Terminating the source AWS instance...',
  'say: Cleaning up any extra volumes...',
  'say: No volumes to clean up, skipping',
  'say: Deleting temporary security group...',
  'say: Deleting temporary keypair...',
];

function withFake(fake: FakeEc2, options: RunOptions = {}): RunOptions {
  return { clients: () => fake.clients(), ...options };
}

describe('amazon-ebs over a fake EC2', () => {
  it("runs Packer's steps in order and leaves only the AMI", async () => {
    const fake = new FakeEc2([sourceImage()]);
    const run = await runBuilder(config({ ami_regions: ['us-west-2'], tags: { Base: '{{ .SourceAMIName }}' } }), withFake(fake));
    expect(run.error).toBeUndefined();
    expect(run.steps.filter((e) => e.phase === 'run' && e.status === 'started').map((e) => e.step)).toEqual(AMAZON_EBS_STEPS);
    const [east, west] = run.artifact!.id.split(',');
    expect(run.artifact!.id).toMatch(/^us-east-1:ami-\w+,us-west-2:ami-\w+$/);
    expect(fake.leftovers().sort()).toEqual(
      [east, west, `us-east-1:${fake.region('us-east-1').images.get(east!.split(':')[1]!)!.BlockDeviceMappings![0]!.Ebs!.SnapshotId}`, `us-west-2:${fake.region('us-west-2').images.get(west!.split(':')[1]!)!.BlockDeviceMappings![0]!.Ebs!.SnapshotId}`].sort(),
    );
    expect(fake.region('us-west-2').tags.get(west!.split(':')[1]!)).toEqual([{ Key: 'Base', Value: 'base-image' }]);
    expect(run.ledger.resources).toEqual([]);
  });

  it('with -debug runs the key pair and security group, then attributes and tags, one after the other, pausing after each', async () => {
    const fake = new FakeEc2([sourceImage()]);
    const cwd = await mkdtemp(path.join(tmpdir(), 'kiln-ec2-debug-'));
    const run = await runBuilder(config({ ami_regions: ['us-west-2'], tags: { T: 't' }, ami_groups: ['all'] }), withFake(fake, { debug: true, cwd }));
    expect(run.error).toBeUndefined();
    const started = run.steps.filter((e) => e.phase === 'run' && e.status === 'started').map((e) => e.step);
    // -debug keeps the source instance to the end, as Packer does: no early release.
    expect(started).toEqual(AMAZON_EBS_STEPS.filter((step) => step !== 'StepReleaseSourceInstance').flatMap((step) => step.split(', ')));
    for (const step of ['StepKeyPair', 'StepSecurityGroup', 'StepModifyAMIAttributes', 'StepCreateTags']) {
      expect(run.lines).toContain(`ask: Pausing after run of step '${step}'. Press enter to continue.`);
    }
    expect(run.lines).toContain(`message: Saving key for debug purposes: ${path.join(cwd, 'ec2_amazon-ebs.pem')}`);
    // The debug key goes with the key pair.
    expect(await readdir(cwd)).toEqual([]);
  });

  it('tears the source instance down while the AMI is copied and tagged, and says so at the usual turn', async () => {
    const build = async (hook: Hook) => {
      const fake = new FakeEc2([sourceImage()]);
      const run = await runBuilder(config({ ami_regions: ['us-west-2'], tags: { T: 't' } }), withFake(fake, { hook }));
      expect(run.error).toBeUndefined();
      expect(fake.leftovers().filter((id) => !/:(ami|snap)-/.test(id))).toEqual([]);
      return { calls: fake.calls, lines: run.lines.map((line) => line.replace(/packer_[0-9a-f-]{36}/, 'packer_<uuid>')) };
    };
    const early = await build({ provision: async () => undefined, provisionCleanup: async () => undefined, hasCleanupProvisioner: false });
    // With an error-cleanup-provisioner the instance must last to the end, as in Packer.
    const late = await build({ provision: async () => undefined, provisionCleanup: async () => undefined, hasCleanupProvisioner: true });

    const terminated = (calls: string[]) => calls.indexOf('us-east-1 TerminateInstances');
    const lastTagged = (calls: string[]) => calls.lastIndexOf('us-west-2 CreateTags');
    expect(terminated(early.calls)).toBeGreaterThan(early.calls.indexOf('us-east-1 CreateImage'));
    expect(terminated(early.calls)).toBeLessThan(lastTagged(early.calls));
    expect(terminated(late.calls)).toBeGreaterThan(lastTagged(late.calls));
    expect(early.lines).toEqual(late.lines);
    expect(early.lines.slice(-5)).toEqual(TEARDOWN_LINES);
  });

  it('when a copy fails after the early teardown, deregisters the AMI and leaves nothing', async () => {
    const fake = new FakeEc2([sourceImage()]);
    fake.before = (region, action) => {
      if (region === 'us-west-2' && action === 'CopyImage') throw awsError('InvalidRegion', 'copies are off today');
    };
    const run = await runBuilder(config({ ami_regions: ['us-west-2'] }), withFake(fake));
    expect(run.error?.message).toContain('copies are off today');
    expect(fake.calls.indexOf('us-east-1 TerminateInstances')).toBeGreaterThan(fake.calls.indexOf('us-east-1 CreateImage'));
    expect(fake.leftovers()).toEqual([]);
    expect(run.ledger.resources).toEqual([]);
    const cleanupLines = run.lines.slice(run.lines.indexOf('say: Deregistering the AMI and deleting associated snapshots because of cancellation, or error...'));
    expect(cleanupLines.filter((line) => line.startsWith('say: '))).toEqual([
      'say: Deregistering the AMI and deleting associated snapshots because of cancellation, or error...',
      expect.stringMatching(/^say: Deregistered AMI id: ami-/),
      expect.stringMatching(/^say: Deleted snapshot: snap-/),
      // Said at its turn, as Packer does whenever a build fails.
      'say: Provisioning step had errors: Running the cleanup provisioner, if present...',
      ...TEARDOWN_LINES,
    ]);
  });

  it('writes every resource to the ledger before the call that creates it', async () => {
    const fake = new FakeEc2([sourceImage()]);
    const seen: Record<string, string[]> = {};
    let ledgerKinds: () => string[] = () => [];
    fake.before = (_region, action) => {
      if (/^(Create|Run|Copy|Put|Add)/.test(action) && action !== 'CreateTags') seen[action] = ledgerKinds();
    };
    const run = await runBuilder(
      config({ ami_regions: ['us-west-2'], temporary_iam_instance_profile_policy_document: { Version: '2012-10-17', Statement: [] } }),
      withFake(fake, { onLedger: (ledger) => (ledgerKinds = () => ledger.resources.map((e) => e.kind)) }),
    );
    expect(run.error).toBeUndefined();
    expect(seen['CreateKeyPair']).toContain(KIND.keyPair);
    expect(seen['CreateSecurityGroup']).toContain(KIND.securityGroup);
    expect(seen['CreateInstanceProfile']).toContain(KIND.instanceProfile);
    expect(seen['CreateRole']).toContain(KIND.role);
    expect(seen['RunInstances']).toContain(KIND.instance);
    expect(seen['CreateImage']).toContain(KIND.image);
    expect(seen['CopyImage']!.filter((kind) => kind === KIND.image)).toHaveLength(2);
  });

  it('hands the generated data to the provisioners', async () => {
    const fake = new FakeEc2([sourceImage()]);
    let data: GeneratedData | undefined;
    const hook: Hook = { provision: async (_c, d) => void (data = d), provisionCleanup: async () => undefined };
    await runBuilder(config(), withFake(fake, { hook }));
    expect(data).toMatchObject({
      SourceAMIName: 'base-image',
      BuildRegion: 'us-east-1',
      SourceAMI: 'ami-source1',
      SourceAMICreationDate: '2020-01-01T00:00:00.000Z',
      SourceAMIOwner: '137112412989',
      SourceAMIOwnerName: 'amazon',
      ID: expect.stringMatching(/^i-/),
    });
    // `communicator: none`: no connection keys, so they render `<no value>` as in Packer.
    expect(data).not.toHaveProperty('Host');
  });

  it.each([
    ['a source AMI that is not there', config({ source_ami: 'ami-missing' }), "Error querying AMI: The image id '[ami-missing]' does not exist"],
    [
      'a filter that matches several images without most_recent',
      config({ source_ami: undefined, source_ami_filter: { filters: { name: 'base-*' }, owners: ['self', 'amazon'] } }),
      'Your query returned more than one result. Please try a more specific search, or set most_recent to true.',
    ],
    ['an instance-store source', config({ source_ami: 'ami-store' }), "The provided source AMI has an invalid root device type.\nExpected 'ebs', got 'instance-store'."],
    ['an unknown copy region', config({ ami_regions: ['mars-1'] }), 'error validating regions: Invalid region(s): [mars-1], available regions: [us-east-1 us-west-2 eu-west-1]'],
  ])('fails cleanly on %s', async (_what, cfg, message) => {
    const fake = new FakeEc2([sourceImage(), sourceImage({ ImageId: 'ami-source2', Name: 'base-other' }), sourceImage({ ImageId: 'ami-store', RootDeviceType: 'instance-store' })]);
    const run = await runBuilder(cfg, withFake(fake));
    expect(run.error?.message).toBe(message);
    expect(fake.leftovers()).toEqual([]);
    expect(run.ledger.resources).toEqual([]);
  });

  it("says Packer's words when EC2 refuses to launch without a subnet", async () => {
    const fake = new FakeEc2([sourceImage()]);
    fake.before = (_r, action) => {
      if (action === 'RunInstances') throw awsError('VPCIdNotSpecified', 'No default VPC for this user');
    };
    const run = await runBuilder(config(), withFake(fake));
    expect(run.error?.message).toBe('Error launching source instance: a valid Subnet Id was not specified');
    expect(run.lines).toContain('error: Error launching source instance: a valid Subnet Id was not specified');
    expect(fake.leftovers()).toEqual([]);
  });

  it('retries deleting the security group while EC2 still sees it in use', async () => {
    const fake = new FakeEc2([sourceImage()]);
    let refusals = 0;
    fake.before = (_r, action) => {
      if (action === 'DeleteSecurityGroup' && refusals < 2) {
        refusals++;
        throw awsError('DependencyViolation');
      }
    };
    const run = await runBuilder(config(), withFake(fake));
    expect(run.error).toBeUndefined();
    expect(refusals).toBe(2);
    expect(fake.calls.filter((c) => c.endsWith('DeleteSecurityGroup'))).toHaveLength(3);
  });

  it('a spot build deletes its launch template and never stops the instance', async () => {
    const fake = new FakeEc2([sourceImage()]);
    const run = await runBuilder(config({ instance_type: undefined, spot_price: '0.05', spot_instance_types: ['t3.micro'] }), withFake(fake));
    expect(run.error).toBeUndefined();
    expect(fake.calls).toContain('us-east-1 CreateFleet');
    expect(fake.calls).not.toContain('us-east-1 StopInstances');
    expect(fake.region('us-east-1').launchTemplates.size).toBe(0);
  });

  it('with skip_save_build_region, lists only the copies (Packer also lists the deleted build-region AMI)', async () => {
    const fake = new FakeEc2([sourceImage()]);
    const run = await runBuilder(config({ skip_save_build_region: true, ami_regions: ['us-west-2'] }), withFake(fake));
    expect(run.artifact!.id).toMatch(/^us-west-2:ami-\w+$/);
    expect([...fake.region('us-east-1').images.values()].filter((i) => i.OwnerId === 'self')).toEqual([]);
  });

  it("the artifact's Destroy deregisters every AMI and deletes its snapshots", async () => {
    const fake = new FakeEc2([sourceImage()]);
    const run = await runBuilder(config({ ami_regions: ['us-west-2'] }), withFake(fake));
    await run.artifact!.destroy();
    expect(fake.leftovers()).toEqual([]);
  });
});
