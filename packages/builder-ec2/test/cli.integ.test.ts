import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startMoto, startSshd, type Moto, type Sshd } from '@kiln/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCE_AMI, TEST_AMIS } from './support/amis.js';
import { EMPTY_INVENTORY, TEST_CREDENTIALS, added, inventory } from './support/inventory.js';
import { spawnKiln } from './support/kiln-cli.js';

let moto: Moto;
beforeAll(async () => {
  moto = await startMoto({ amis: TEST_AMIS });
}, 60_000);
afterAll(() => moto?.stop());

async function project(builder: Record<string, unknown>, rest: Record<string, unknown> = {}): Promise<{ dir: string; env: NodeJS.ProcessEnv }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kiln-cli-ec2-'));
  await writeFile(path.join(dir, 'template.json'), JSON.stringify({ builders: [{ type: 'amazon-ebs', ...builder }], ...rest }));
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_POLL_DELAY_SECONDS: '1',
  };
  return { dir, env };
}

const BUILDER = (endpoint: string) => ({
  region: 'us-east-1',
  instance_type: 't3.micro',
  communicator: 'none',
  source_ami: SOURCE_AMI,
  ami_name: 'kiln-cli-{{timestamp}}',
  ami_regions: ['us-west-2'],
  custom_endpoint_ec2: endpoint,
});

describe('kiln build and kiln cleanup against moto', () => {
  it('a build killed with SIGKILL leaves a ledger; kiln cleanup deletes what it lists and says so', async () => {
    await moto.reset();
    const baseline = await inventory(moto.endpoint);
    // With disable_stop_instance the build waits for someone to stop the instance: kill it there.
    const { dir, env } = await project({ ...BUILDER(moto.endpoint), disable_stop_instance: true, aws_polling: { delay_seconds: 30, max_attempts: 100 } });
    const build = spawnKiln(['build', '-color=false', 'template.json'], { cwd: dir, env });
    await build.waitFor('Waiting for the instance to stop...');
    build.child.kill('SIGKILL');
    await build.exit;
    expect(added(await inventory(moto.endpoint), baseline).instances).toHaveLength(1);

    const cleanup = spawnKiln(['cleanup'], { cwd: dir, env });
    const code = await cleanup.exit;
    const said = cleanup.output();
    expect(said).toMatch(/^Run [0-9a-f-]+ \(pid \d+, started .+\) left \d+ resources:$/m);
    expect(said).toMatch(/^ {2}Terminated instance i-\w+ in us-east-1$/m);
    expect(said).toMatch(/^ {2}Deleted security group sg-\w+ \(packer_[0-9a-f-]+\) in us-east-1$/m);
    expect(said).toMatch(/^ {2}Deleted key pair packer_[0-9a-f-]+ in us-east-1$/m);
    expect(said.trim().split('\n').at(-1)).toBe('Cleaned up 1 run(s).');
    expect(code).toBe(0);
    expect(added(await inventory(moto.endpoint), baseline)).toEqual(EMPTY_INVENTORY);
    await expect(readdir(path.join(dir, 'packer_cache', 'kiln-ledger'))).resolves.toEqual([]);
  }, 120_000);

  it('a build interrupted with SIGINT cleans up everything it made, as Packer says it does', async () => {
    await moto.reset();
    const baseline = await inventory(moto.endpoint);
    const { dir, env } = await project({ ...BUILDER(moto.endpoint), disable_stop_instance: true, aws_polling: { delay_seconds: 30, max_attempts: 100 } });
    const build = spawnKiln(['build', '-color=false', 'template.json'], { cwd: dir, env });
    await build.waitFor('Waiting for the instance to stop...');
    build.child.kill('SIGINT');
    expect(await build.exit).toBe(1);
    const out = build.output();
    for (const line of [
      '==> amazon-ebs: Terminating the source AWS instance...',
      '==> amazon-ebs: Deleting temporary security group...',
      '==> amazon-ebs: Deleting temporary keypair...',
      'Cleanly cancelled builds after being interrupted.',
    ]) {
      expect(out).toContain(line);
    }
    expect(added(await inventory(moto.endpoint), baseline)).toEqual(EMPTY_INVENTORY);
    await expect(readdir(path.join(dir, 'packer_cache', 'kiln-ledger')).catch(() => [])).resolves.toEqual([]);
  }, 120_000);

  it('builds with a shell provisioner over SSH (ssh_host at the testbed sshd, as moto instances are not reachable)', async () => {
    const sshd: Sshd = await startSshd();
    try {
      await moto.reset();
      const marker = path.join(sshd.dir, 'provisioned');
      const { dir, env } = await project(
        {
          ...BUILDER(moto.endpoint),
          ami_regions: [],
          communicator: 'ssh',
          ssh_host: sshd.host,
          ssh_port: sshd.port,
          ssh_username: sshd.username,
          ssh_private_key_file: sshd.privateKeyPath,
          tags: { Source: '{{ .SourceAMIName }}' },
        },
        {
          provisioners: [
            { type: 'shell', inline: [`echo "built from {{ build \`SourceAMIName\` }} in $PACKER_BUILDER_TYPE" | tee ${marker}`] },
          ],
        },
      );
      const build = spawnKiln(['build', '-color=false', 'template.json'], { cwd: dir, env });
      expect(await build.exit).toBe(0);
      const out = build.output();
      expect(out).toContain('==> amazon-ebs: Using existing SSH private key');
      expect(out).toContain(`==> amazon-ebs: Using ssh communicator to connect: ${sshd.host}`);
      expect(out).toContain('==> amazon-ebs: Connected to SSH!');
      expect(out).toContain(`    amazon-ebs: built from ${TEST_AMIS[0]!.name} in amazon-ebs`);
      expect(out).toMatch(/--> amazon-ebs: AMIs were created:\nus-east-1: ami-\w+\n/);
      expect((await readFile(marker, 'utf8')).trim()).toBe(`built from ${TEST_AMIS[0]!.name} in amazon-ebs`);
    } finally {
      await sshd.stop();
    }
  }, 120_000);
});
