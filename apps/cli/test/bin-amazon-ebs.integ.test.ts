import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMoto, type Moto } from '@kiln/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/kiln.js', import.meta.url));
const SOURCE_AMI = 'ami-0b1c2d3e4f5a60001';

let moto: Moto;
beforeAll(async () => {
  moto = await startMoto({
    amis: [
      {
        ami_id: SOURCE_AMI,
        name: 'kiln-bin-source',
        owner_id: '137112412989',
        public: true,
        virtualization_type: 'hvm',
        architecture: 'x86_64',
        root_device_type: 'ebs',
        root_device_name: '/dev/xvda',
        state: 'available',
        creation_date: '2021-03-01T00:00:00.000Z',
      },
    ],
  });
}, 60_000);
afterAll(() => moto?.stop());

/** `kiln build` of an amazon-ebs template with a copy to a second region, through bin/kiln.js. */
function buildWithBin(
  home: string,
  env: Record<string, string> = {},
  extra: Record<string, unknown> = {},
): Promise<{ code: number; stdout: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kiln-bin-ebs-'));
  const builder = {
    type: 'amazon-ebs',
    region: 'us-east-1',
    instance_type: 't3.micro',
    communicator: 'none',
    source_ami: SOURCE_AMI,
    ami_name: `kiln-bin-${path.basename(dir)}`,
    ami_regions: ['us-west-2'],
    custom_endpoint_ec2: moto.endpoint,
    ...extra,
  };
  writeFileSync(path.join(dir, 'template.json'), JSON.stringify({ builders: [builder] }));
  const childEnv = { PATH: process.env['PATH'] ?? '', HOME: home, ...env };
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'build', '-color=false', 'template.json'], { cwd: dir, env: childEnv }, (error, stdout) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout }),
    );
  });
}

const KEYS = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
const CODE_CACHE = (home: string) => path.join(home, '.cache', 'kiln', 'code-cache');

// The bundled CLI (dist/bundle/kiln.cjs) runs the AWS SDK from dist/bundle/aws-sdk-*.cjs, each
// with V8's compiled code kept per user: the first build writes it, later builds read it. Both
// must build the same AMIs.
describe('bin/kiln.js amazon-ebs build with the code cache', () => {
  it('writes the compiled CLI and SDK on the first build and reads them, unchanged, on the next', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'kiln-bin-home-'));
    const first = await buildWithBin(home, KEYS);
    expect(first.code, first.stdout).toBe(0);
    expect(first.stdout).toMatch(/--> amazon-ebs: AMIs were created:\nus-east-1: ami-\w+\nus-west-2: ami-\w+\n/);
    const caches = readdirSync(CODE_CACHE(home)).sort();
    expect(caches).toEqual([expect.stringMatching(/^aws-sdk-ec2\.cjs-[0-9a-f]{16}-[0-9a-f]{8}\.v8$/), expect.stringMatching(/^kiln\.cjs-build-[0-9a-f]{16}-[0-9a-f]{8}\.v8$/)]);
    const writtenAt = caches.map((name) => statSync(path.join(CODE_CACHE(home), name)).mtimeMs);

    const second = await buildWithBin(home, KEYS);
    expect(second.code, second.stdout).toBe(0);
    expect(second.stdout).toMatch(/--> amazon-ebs: AMIs were created:\nus-east-1: ami-\w+\nus-west-2: ami-\w+\n/);
    expect(readdirSync(CODE_CACHE(home)).sort()).toEqual(caches);
    expect(caches.map((name) => statSync(path.join(CODE_CACHE(home), name)).mtimeMs)).toEqual(writtenAt);
  }, 120_000);

  it('keeps nothing with KILN_CODE_CACHE=off', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'kiln-bin-home-'));
    const run = await buildWithBin(home, { ...KEYS, KILN_CODE_CACHE: 'off' });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('--> amazon-ebs: AMIs were created:');
    expect(existsSync(CODE_CACHE(home))).toBe(false);
  }, 120_000);

  it('runs the credential chain and STS parts too: keys from ~/.aws/credentials, then assume_role', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'kiln-bin-home-'));
    mkdirSync(path.join(home, '.aws'));
    writeFileSync(path.join(home, '.aws', 'credentials'), '[default]\naws_access_key_id = test\naws_secret_access_key = test\n');
    const run = await buildWithBin(home, {}, { assume_role: { role_arn: 'arn:aws:iam::123456789012:role/kiln-builder', session_name: 'kiln-bin' } });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('--> amazon-ebs: AMIs were created:');
    expect(readdirSync(CODE_CACHE(home)).sort()).toEqual([
      expect.stringMatching(/^aws-sdk-credentials\.cjs-/),
      expect.stringMatching(/^aws-sdk-ec2\.cjs-/),
      expect.stringMatching(/^aws-sdk-sts\.cjs-/),
      expect.stringMatching(/^kiln\.cjs-build-/),
    ]);
  }, 120_000);
});
