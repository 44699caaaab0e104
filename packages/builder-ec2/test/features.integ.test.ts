import { DescribeImageAttributeCommand, DescribeImagesCommand, DescribeTagsCommand } from '@aws-sdk/client-ec2';
import type { Moto } from '@kiln/testbed';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SOURCE_AMI, TEST_AMIS } from './support/amis.js';
import type { Ec2Recorder } from './support/ec2-recorder.js';
import { withRecordedMoto } from './support/moto-recorder.js';
import { motoConfig, runBuilder } from './support/harness.js';
import { EMPTY_INVENTORY, TEST_CREDENTIALS, added, ec2Client, inventory, type Inventory } from './support/inventory.js';

let moto: Moto;
let recorder: Ec2Recorder;
let baseline: Inventory;
withRecordedMoto((started, recording) => {
  moto = started;
  recorder = recording;
});
beforeEach(async () => {
  baseline = await inventory(moto.endpoint);
});
const leftovers = async () => added(await inventory(moto.endpoint), baseline);

async function tagsOf(region: string, resourceId: string): Promise<Record<string, string>> {
  const out = await ec2Client(moto.endpoint, region).send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [resourceId] }] }));
  return Object.fromEntries((out.Tags ?? []).map((t) => [t.Key!, t.Value!]));
}

describe('amazon-ebs features against moto', () => {
  it('copies to a second region, tags AMIs and snapshots there too, and shares launch permissions', async () => {
    const run = await runBuilder(
      motoConfig(recorder.endpoint, {
        source_ami: SOURCE_AMI,
        ami_regions: ['us-west-2'],
        ami_users: ['210987654321'],
        ami_groups: ['all'],
        snapshot_users: ['210987654321'],
        ami_description: 'built from {{ .SourceAMI }} in {{ .BuildRegion }}',
        tags: { OS: 'AL2', Base: '{{ .SourceAMIName }}', Region: '{{ .BuildRegion }}' },
        snapshot_tags: { Kind: 'snapshot of {{ .SourceAMI }}' },
        run_tags: { Name: 'kiln-builder' },
      }),
    );
    expect(run.error).toBeUndefined();
    const amis = Object.fromEntries(run.artifact!.id.split(',').map((pair) => pair.split(':') as [string, string]));
    expect(Object.keys(amis)).toEqual(['us-east-1', 'us-west-2']);
    expect(run.artifact!.describe()).toBe(`AMIs were created:\nus-east-1: ${amis['us-east-1']}\nus-west-2: ${amis['us-west-2']}\n`);

    for (const region of ['us-east-1', 'us-west-2']) {
      const client = ec2Client(moto.endpoint, region);
      const [image] = (await client.send(new DescribeImagesCommand({ ImageIds: [amis[region]!] }))).Images ?? [];
      // moto does not keep descriptions set by ModifyImageAttribute: check what was sent.
      const description = recorder.calls.find((c) => c.action === 'ModifyImageAttribute' && c.params['ImageId'] === amis[region]);
      expect(description?.params['Description.Value']).toBe(`built from ${SOURCE_AMI} in us-east-1`);
      // Tags are rendered with the build region's data in every region, as Packer does.
      expect(await tagsOf(region, amis[region]!)).toEqual({ OS: 'AL2', Base: TEST_AMIS[0]!.name, Region: 'us-east-1' });
      const snapshot = image!.BlockDeviceMappings![0]!.Ebs!.SnapshotId!;
      expect(await tagsOf(region, snapshot)).toEqual({ OS: 'AL2', Base: TEST_AMIS[0]!.name, Region: 'us-east-1', Kind: `snapshot of ${SOURCE_AMI}` });
      const launch = await client.send(new DescribeImageAttributeCommand({ ImageId: amis[region], Attribute: 'launchPermission' }));
      expect(launch.LaunchPermissions).toEqual(expect.arrayContaining([{ Group: 'all' }, { UserId: '210987654321' }]));
      // moto applies snapshot permissions only with OperationType, which Packer does not send: check the call.
      const permission = recorder.calls.find((c) => c.action === 'ModifySnapshotAttribute' && c.params['SnapshotId'] === snapshot);
      expect(permission?.params).toMatchObject({ 'CreateVolumePermission.Add.1.UserId': '210987654321', 'UserId.1': '210987654321' });
    }
    const left = await leftovers();
    expect({ ...left, snapshots: left.snapshots.length }).toEqual({
      ...EMPTY_INVENTORY,
      images: [`us-east-1:${amis['us-east-1']}`, `us-west-2:${amis['us-west-2']}`],
      snapshots: 2,
    });
  });

  it('launches a spot instance through a launch template and an instant fleet, and deletes the template', async () => {
    const run = await runBuilder(
      motoConfig(recorder.endpoint, { source_ami: SOURCE_AMI, instance_type: undefined, spot_price: 'auto', spot_instance_types: ['t3.micro', 't3a.micro'] }),
    );
    expect(run.error).toBeUndefined();
    expect(recorder.calls.map((c) => c.action)).toEqual(expect.arrayContaining(['CreateLaunchTemplate', 'CreateFleet', 'DeleteLaunchTemplate']));
    expect(recorder.calls.some((c) => c.action === 'StopInstances')).toBe(false);
    expect((await leftovers()).launchTemplates).toEqual([]);
    expect(run.lines).toContain('say: Launching a spot AWS instance...');
  });

  it('force_deregister replaces the AMI of the same name and force_delete_snapshot its snapshot', async () => {
    const name = 'kiln-force-test';
    const first = await runBuilder(motoConfig(moto.endpoint, { source_ami: SOURCE_AMI, ami_name: name }));
    expect(first.error).toBeUndefined();
    const again = await runBuilder(motoConfig(moto.endpoint, { source_ami: SOURCE_AMI, ami_name: name }));
    expect(again.error?.message).toBe(`Error: AMI Name: '${name}' is used by an existing AMI: ${first.artifact!.id.split(':')[1]}`);
    const forced = await runBuilder(motoConfig(moto.endpoint, { source_ami: SOURCE_AMI, ami_name: name, force_deregister: true, force_delete_snapshot: true }));
    expect(forced.error).toBeUndefined();
    const oldAmi = first.artifact!.id.split(':')[1];
    expect(forced.lines).toContain(`say: Deregistered AMI ${name}, id: ${oldAmi}`);
    const left = await leftovers();
    expect(left.images).toEqual([forced.artifact!.id]);
    expect(left.snapshots).toHaveLength(1);
  });

  it('-force deregisters as force_deregister does', async () => {
    const name = 'kiln-force-flag';
    await runBuilder(motoConfig(moto.endpoint, { source_ami: SOURCE_AMI, ami_name: name }));
    const forced = await runBuilder(motoConfig(moto.endpoint, { source_ami: SOURCE_AMI, ami_name: name }), { force: true });
    expect(forced.error).toBeUndefined();
    expect(forced.lines[0]).toBe('say: Force Deregister flag found, skipping prevalidating AMI Name');
  });

  it('polls: waits while the instance and the AMI stay pending for a few checks', async () => {
    const pending = { DescribeInstances: 0, DescribeImages: 0 };
    recorder.rewrite = (call, body) => {
      if (call.action === 'DescribeInstances' && body.includes('<name>running</name>') && pending.DescribeInstances < 3) {
        pending.DescribeInstances++;
        return body.replace('<code>16</code><name>running</name>', '<code>0</code><name>pending</name>');
      }
      const created = call.params['ImageId.1'] && call.params['ImageId.1'] !== SOURCE_AMI;
      if (call.action === 'DescribeImages' && created && body.includes('<imageState>available</imageState>') && pending.DescribeImages < 3) {
        pending.DescribeImages++;
        return body.replace('<imageState>available</imageState>', '<imageState>pending</imageState>');
      }
      return body;
    };
    const started = Date.now();
    const run = await runBuilder(motoConfig(recorder.endpoint, { source_ami: SOURCE_AMI, aws_polling: { delay_seconds: 1, max_attempts: 10 } }));
    expect(run.error).toBeUndefined();
    expect(pending).toEqual({ DescribeInstances: 3, DescribeImages: 3 });
    // Three pending answers each, one second apart: at least six seconds of waiting.
    expect(Date.now() - started).toBeGreaterThanOrEqual(6_000);
  });

  it('gives up after aws_polling max_attempts and still cleans up', async () => {
    recorder.rewrite = (call, body) =>
      call.action === 'DescribeImages' && call.params['ImageId.1'] && call.params['ImageId.1'] !== SOURCE_AMI ? body.replace('<imageState>available</imageState>', '<imageState>pending</imageState>') : body;
    const run = await runBuilder(motoConfig(recorder.endpoint, { source_ami: SOURCE_AMI, aws_polling: { delay_seconds: 1, max_attempts: 2 } }));
    expect(run.error?.message).toMatch(/^Error waiting for AMI: Timeout waiting for AMI ami-\w+ in us-east-1 to become available: still pending after 2 checks 1s apart/);
    recorder.rewrite = undefined;
    expect(await leftovers()).toEqual(EMPTY_INVENTORY);
    expect(run.ledger.resources).toEqual([]);
  });

  it('assume_role: assumes the role with the configured keys, then makes every EC2 call as the role', async () => {
    let assumedKey: string | undefined;
    recorder.rewrite = (call, body) => {
      if (call.action === 'AssumeRole') assumedKey = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(body)?.[1];
      return body;
    };
    const run = await runBuilder(
      motoConfig(recorder.endpoint, {
        source_ami: SOURCE_AMI,
        ami_regions: ['us-west-2'],
        // Packer assumes the role when it opens its session, before any EC2 call, even so.
        skip_credential_validation: true,
        assume_role: {
          role_arn: 'arn:aws:iam::123456789012:role/kiln-builder',
          session_name: 'kiln-test',
          external_id: 'ext-42',
          duration_seconds: 1800,
          policy_arns: ['arn:aws:iam::aws:policy/AmazonEC2FullAccess'],
          tags: { Team: 'images' },
          transitive_tag_keys: ['Team'],
        },
      }),
    );
    expect(run.error).toBeUndefined();
    const [assume, ...rest] = recorder.calls;
    expect(assume).toMatchObject({
      action: 'AssumeRole',
      accessKeyId: TEST_CREDENTIALS.accessKeyId,
      params: {
        RoleArn: 'arn:aws:iam::123456789012:role/kiln-builder',
        RoleSessionName: 'kiln-test',
        ExternalId: 'ext-42',
        DurationSeconds: '1800',
        'PolicyArns.member.1.arn': 'arn:aws:iam::aws:policy/AmazonEC2FullAccess',
        'Tags.member.1.Key': 'Team',
        'Tags.member.1.Value': 'images',
        'TransitiveTagKeys.member.1': 'Team',
      },
    });
    // moto hands out a key of its own for the session: every later call, in both regions, is signed with it.
    expect(assumedKey).toMatch(/^ASIA/);
    expect(rest.filter((c) => c.action === 'AssumeRole')).toEqual([]);
    expect(new Set(rest.map((c) => c.accessKeyId))).toEqual(new Set([assumedKey]));
    expect(new Set(rest.map((c) => c.region))).toEqual(new Set(['us-east-1', 'us-west-2']));
  });

  describe('credentials from the standard chain', () => {
    const saved = { ...process.env };
    afterEach(() => {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    });

    it('takes a profile from shared_credentials_file', async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'kiln-aws-'));
      const file = path.join(dir, 'credentials');
      await writeFile(file, '[kiln]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = from-profile\n');
      for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE']) delete process.env[key];
      const { access_key: _a, secret_key: _s, ...config } = motoConfig(recorder.endpoint, { source_ami: SOURCE_AMI });
      const run = await runBuilder({ ...config, profile: 'kiln', shared_credentials_file: file });
      expect(run.error).toBeUndefined();
      expect(recorder.calls.length).toBeGreaterThan(10);
      expect(new Set(recorder.calls.map((c) => c.accessKeyId))).toEqual(new Set(['AKIDPROFILE']));
    });

    it.each([
      ['the environment keys when no profile is named', {}, 'AKIDENV'],
      ['the profile AWS_PROFILE names over the environment keys', { AWS_PROFILE: 'kiln' }, 'AKIDPROFILE'],
    ])('takes %s', async (_what, extra, expectedKey) => {
      const dir = await mkdtemp(path.join(tmpdir(), 'kiln-aws-'));
      const file = path.join(dir, 'credentials');
      await writeFile(file, '[kiln]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = from-profile\n');
      Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: 'from-env', AWS_SHARED_CREDENTIALS_FILE: file, ...extra });
      const { access_key: _a, secret_key: _s, ...config } = motoConfig(recorder.endpoint, { source_ami: SOURCE_AMI });
      const run = await runBuilder(config);
      expect(run.error).toBeUndefined();
      expect(new Set(recorder.calls.map((c) => c.accessKeyId))).toEqual(new Set([expectedKey]));
    });

    it('fails before any call when no credentials resolve', async () => {
      for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE', 'AWS_SESSION_TOKEN']) delete process.env[key];
      process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
      process.env['AWS_SHARED_CREDENTIALS_FILE'] = '/nonexistent/credentials';
      process.env['AWS_CONFIG_FILE'] = '/nonexistent/config';
      const { access_key: _a, secret_key: _s, ...config } = motoConfig(recorder.endpoint, { source_ami: SOURCE_AMI });
      const run = await runBuilder(config);
      expect(run.error?.message).toMatch(/^No valid credential sources found for AWS Builder\. Please see https:\/\/www\.packer\.io\/docs\/builders\/amazon#specifying-amazon-credentials/);
      expect(recorder.calls).toEqual([]);
    });
  });
});
