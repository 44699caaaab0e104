import { describe, expect, it } from 'vitest';
import { amazonArtifact } from '../src/artifact.js';
import { ec2BlockDeviceMapping } from '../src/block-devices.js';
import { buildInfo, generatedData } from '../src/build-info.js';
import { pollUntil, pollingFor } from '../src/polling.js';
import { rawTags, resolveSettings } from '../src/settings.js';
import { sshHost } from '../src/ssh-host.js';
import { credentialsFromVault } from '../src/client.js';
import { FakeEc2, sourceImage } from './support/fake-ec2.js';

describe('aws_polling and the AWS_* variables (Packer getWaiterOptions)', () => {
  it.each([
    // Kiln starts faster when nothing is set (1 s, 2 s, 4 s ... up to 15 s) within Packer's time.
    ['nothing set: the waiter defaults, adaptive', {}, {}, false, { delayMs: 15_000, maxAttempts: 40, adaptive: true }],
    ['nothing set, AMI wait: 120 attempts, adaptive', {}, {}, true, { delayMs: 15_000, maxAttempts: 120, adaptive: true }],
    ['aws_polling wins over the environment', { delay_seconds: 5, max_attempts: 3 }, { AWS_POLL_DELAY_SECONDS: '9', AWS_MAX_ATTEMPTS: '9' }, true, { delayMs: 5_000, maxAttempts: 3 }],
    ['AWS_POLL_DELAY_SECONDS alone keeps the waiter attempts (40, even for AMIs)', {}, { AWS_POLL_DELAY_SECONDS: '7' }, true, { delayMs: 7_000, maxAttempts: 40 }],
    ['AWS_MAX_ATTEMPTS alone keeps the waiter delay', {}, { AWS_MAX_ATTEMPTS: '12' }, false, { delayMs: 15_000, maxAttempts: 12 }],
    ['AWS_TIMEOUT_SECONDS: attempts at a 2 s delay', {}, { AWS_TIMEOUT_SECONDS: '600' }, false, { delayMs: 2_000, maxAttempts: 300 }],
    ['AWS_TIMEOUT_SECONDS with a delay', {}, { AWS_TIMEOUT_SECONDS: '600', AWS_POLL_DELAY_SECONDS: '10' }, false, { delayMs: 10_000, maxAttempts: 60 }],
    ['AWS_MAX_ATTEMPTS beats AWS_TIMEOUT_SECONDS', {}, { AWS_TIMEOUT_SECONDS: '600', AWS_MAX_ATTEMPTS: '5' }, false, { delayMs: 15_000, maxAttempts: 5 }],
  ])('%s', (_what, config, env, ami, expected) => {
    expect(pollingFor({ config, env }, undefined, ami)).toEqual(expected);
  });

  it('adaptive polling checks about every second at first, then a tenth of the time waited, up to the delay', async () => {
    const times: number[] = [];
    const started = Date.now();
    await pollUntil(async () => (times.push(Date.now() - started), times.length < 4 ? { pending: 'pending' } : { done: true }), {
      polling: { delayMs: 15_000, maxAttempts: 40, adaptive: true },
      signal: new AbortController().signal,
      description: 'the thing',
    });
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps.map((g) => Math.round(g / 1000))).toEqual([1, 1, 1]);
    expect(times.at(-1)!).toBeLessThan(4_500);
  });

  it('polls until done, and a timeout says what it saw and how to wait longer', async () => {
    let checks = 0;
    const done = await pollUntil(async () => (++checks < 3 ? { pending: 'pending' } : { done: 'ok' }), {
      polling: { delayMs: 1, maxAttempts: 5 },
      signal: new AbortController().signal,
      description: 'the thing',
    });
    expect([done, checks]).toEqual(['ok', 3]);
    await expect(
      pollUntil(async () => ({ pending: 'pending' }), { polling: { delayMs: 1, maxAttempts: 2 }, signal: new AbortController().signal, description: 'the thing' }),
    ).rejects.toThrow(
      'Timeout waiting for the thing: still pending after 2 checks 0.001s apart. Set aws_polling (delay_seconds, max_attempts) or AWS_POLL_DELAY_SECONDS / AWS_MAX_ATTEMPTS to wait longer.',
    );
  });
});

describe("Packer's artifact", () => {
  const artifact = amazonArtifact({ amis: { 'us-west-2': 'ami-2', 'us-east-1': 'ami-1' }, apiFor: (region) => new FakeEc2().api(region) });
  it('Id, String, files and state as Packer 1.6.6', () => {
    expect(artifact.builderId).toBe('mitchellh.amazonebs');
    expect(artifact.id).toBe('us-east-1:ami-1,us-west-2:ami-2');
    expect(artifact.describe()).toBe('AMIs were created:\nus-east-1: ami-1\nus-west-2: ami-2\n');
    expect(artifact.files).toEqual([]);
    expect(artifact.state('atlas.artifact.metadata')).toEqual({ 'region.us-east-1': 'ami-1', 'region.us-west-2': 'ami-2' });
  });
});

describe('settings (Packer prepare defaults)', () => {
  it('leaves the build region and duplicates out of ami_regions', () => {
    expect(resolveSettings({ region: 'us-east-1', ami_regions: ['us-west-2', 'us-east-1', 'us-west-2', 'eu-west-1'] }).amiRegions).toEqual(['us-west-2', 'eu-west-1']);
  });

  it.each([
    ['no credentials at all', {}, 'packer_x'],
    ['ssh_password', { ssh_password: 'p' }, ''],
    ['ssh_private_key_file', { ssh_private_key_file: '/k' }, ''],
    ['ssh_keypair_name', { ssh_keypair_name: 'kp' }, ''],
    ['temporary_key_pair_name', { temporary_key_pair_name: 'mine' }, 'mine'],
  ])('temporary key pair with %s', (_what, config, expected) => {
    expect(resolveSettings(config, { newName: () => 'packer_x' }).temporaryKeyPairName).toBe(expected);
  });

  it('opens the communicator port: 22, ssh_port, WinRM 5985/5986, or 0 with none', () => {
    expect(resolveSettings({}).communicatorPort).toBe(22);
    expect(resolveSettings({ ssh_port: 2222 }).communicatorPort).toBe(2222);
    expect(resolveSettings({ communicator: 'winrm' }).communicatorPort).toBe(5985);
    expect(resolveSettings({ communicator: 'winrm', winrm_use_ssl: true }).communicatorPort).toBe(5986);
    expect(resolveSettings({ communicator: 'none' }).communicatorPort).toBe(0);
  });

  it('tag blocks add to the tag map, and win for the same key (Packer CopyOn)', () => {
    expect(rawTags({ a: '1', b: '2' }, [{ key: 'b', value: 'block' }, { key: 'c', value: '3' }])).toEqual([
      ['a', '1'],
      ['b', 'block'],
      ['c', '3'],
    ]);
    expect(rawTags(undefined, [{ name: 'v', value: 'x' }])).toEqual([['v', 'x']]);
  });
});

describe('block device mappings (Packer BuildEC2BlockDeviceMapping)', () => {
  it.each([
    ['an EBS volume', { device_name: '/dev/sdb', volume_size: 8, volume_type: 'gp2', delete_on_termination: true }, { DeviceName: '/dev/sdb', Ebs: { DeleteOnTermination: true, VolumeType: 'gp2', VolumeSize: 8 } }],
    ['IOPS only for io1/io2/gp3', { device_name: '/dev/sdb', volume_type: 'gp2', iops: 100 }, { DeviceName: '/dev/sdb', Ebs: { DeleteOnTermination: false, VolumeType: 'gp2' } }],
    ['gp3 with iops and throughput', { device_name: '/dev/sdb', volume_type: 'gp3', iops: 3000, throughput: 125 }, { DeviceName: '/dev/sdb', Ebs: { DeleteOnTermination: false, VolumeType: 'gp3', Iops: 3000, Throughput: 125 } }],
    ['no_device', { device_name: '/dev/sdc', no_device: true, volume_size: 8 }, { DeviceName: '/dev/sdc', NoDevice: '' }],
    ['an ephemeral drive', { device_name: '/dev/sdd', virtual_name: 'ephemeral0' }, { DeviceName: '/dev/sdd', VirtualName: 'ephemeral0' }],
    ['encrypted with a key', { device_name: '/dev/sde', encrypted: true, kms_key_id: 'alias/k' }, { DeviceName: '/dev/sde', Ebs: { DeleteOnTermination: false, Encrypted: true, KmsKeyId: 'alias/k' } }],
  ])('%s', (_what, device, expected) => {
    expect(ec2BlockDeviceMapping(device)).toEqual(expected);
  });
});

describe('build data', () => {
  it('is only the region before the source image is known, then everything Packer offers', () => {
    expect(buildInfo('eu-west-1', undefined)).toEqual({ BuildRegion: 'eu-west-1' });
    expect(buildInfo('eu-west-1', sourceImage())).toEqual({
      BuildRegion: 'eu-west-1',
      SourceAMI: 'ami-source1',
      SourceAMICreationDate: '2020-01-01T00:00:00.000Z',
      SourceAMIName: 'base-image',
      SourceAMIOwner: '137112412989',
      SourceAMIOwnerName: 'amazon',
      SourceAMITags: { Team: 'base' },
    });
    expect(Object.keys(generatedData('eu-west-1', sourceImage()))).toEqual([
      'SourceAMIName',
      'BuildRegion',
      'SourceAMI',
      'SourceAMICreationDate',
      'SourceAMIOwner',
      'SourceAMIOwnerName',
    ]);
  });
});

describe('the SSH address (Packer SSHHost)', () => {
  const api = new FakeEc2().api('us-east-1');
  const instance = { InstanceId: 'i-1', VpcId: 'vpc-1', PublicIpAddress: '203.0.113.5', PrivateIpAddress: '10.0.0.5', PublicDnsName: 'pub.example', PrivateDnsName: 'priv.example' };
  it.each([
    ['ssh_host wins', { host: '127.0.0.1', sshInterface: 'private_ip' }, '127.0.0.1'],
    ['public_ip', { sshInterface: 'public_ip' }, '203.0.113.5'],
    ['private_ip', { sshInterface: 'private_ip' }, '10.0.0.5'],
    ['public_dns', { sshInterface: 'public_dns' }, 'pub.example'],
    ['private_dns', { sshInterface: 'private_dns' }, 'priv.example'],
    ['in a VPC by default the public IP', { sshInterface: '' }, '203.0.113.5'],
    ['session_manager goes through the local tunnel', { sshInterface: 'session_manager' }, 'localhost'],
  ])('%s', async (_what, options, expected) => {
    await expect(sshHost(api, instance, options)).resolves.toBe(expected);
  });

  it('outside a VPC, the public DNS name', async () => {
    await expect(sshHost(api, { InstanceId: 'i-1', PublicDnsName: 'ec2.example', PublicIpAddress: '1.2.3.4' }, { sshInterface: '' })).resolves.toBe('ec2.example');
  });
});

describe('credentials from Vault (vault_aws_engine)', () => {
  it('reads <VAULT_ADDR>/v1/<engine>/creds/<name> with the token and maps the keys', async () => {
    const seen: { url: string; token: string | undefined }[] = [];
    const fetchImpl = (async (url: URL, init?: { headers?: Record<string, string> }) => {
      seen.push({ url: String(url), token: init?.headers?.['X-Vault-Token'] });
      return new Response(JSON.stringify({ data: { access_key: 'AKIA1', secret_key: 'secret', security_token: 'tok' } }));
    }) as unknown as typeof fetch;
    const credentials = await credentialsFromVault({ name: 'builder', ttl: '1h' }, { VAULT_ADDR: 'https://vault.example:8200/', VAULT_TOKEN: 't0k' }, fetchImpl);
    expect(credentials).toEqual({ accessKeyId: 'AKIA1', secretAccessKey: 'secret', sessionToken: 'tok' });
    expect(seen).toEqual([{ url: 'https://vault.example:8200/v1/aws/creds/builder?ttl=1h', token: 't0k' }]);
  });

  it("says Packer's words when the secret is not there", async () => {
    const fetchImpl = (async () => new Response('{}', { status: 404 })) as unknown as typeof fetch;
    await expect(credentialsFromVault({ name: 'nope', engine_name: 'aws2' }, {}, fetchImpl)).rejects.toThrow('Vault Secret does not exist at the given path.');
  });
});
