import { describe, expect, it } from 'vitest';
import { assumeRoleInput, assumedRoleCredentials } from '../src/assume-role.js';
import type { SdkSend } from '../src/driver.js';
import type * as StsSdk from '../src/sdk/sts-commands.js';

const ROLE = 'arn:aws:iam::123456789012:role/builder';
const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);

/** An STS stand-in: answers each AssumeRole with the next key, expiring `lifetimeMs` after the clock. */
function fakeSts(clock: { now: number }, lifetimeMs: number) {
  const inputs: unknown[] = [];
  const send = (async (make: (sdk: typeof StsSdk) => unknown) => {
    const command = make({ AssumeRoleCommand: class { constructor(readonly input: unknown) {} } } as unknown as typeof StsSdk) as { input: unknown };
    inputs.push(command.input);
    return { Credentials: { AccessKeyId: `ASIA${inputs.length}`, SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(clock.now + lifetimeMs) } };
  }) as SdkSend<typeof StsSdk>;
  return { send, inputs };
}

describe('assume_role (Packer 1.6.6 through aws-sdk-go stscreds)', () => {
  it('asks for 15 minutes under a session named after the time in nanoseconds when only role_arn is set', () => {
    expect(assumeRoleInput({ role_arn: ROLE }, () => NOW)).toEqual({ RoleArn: ROLE, RoleSessionName: `${NOW}000000`, DurationSeconds: 900 });
  });

  it('passes every option of the block, session tags in key order', () => {
    const input = assumeRoleInput({
      role_arn: ROLE,
      duration_seconds: 3600,
      external_id: 'ext-42',
      policy: '{"Version":"2012-10-17"}',
      policy_arns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
      session_name: 'packer',
      tags: { Team: 'images', Env: 'ci' },
      transitive_tag_keys: ['Team'],
    });
    expect(input).toEqual({
      RoleArn: ROLE,
      RoleSessionName: 'packer',
      DurationSeconds: 3600,
      ExternalId: 'ext-42',
      Policy: '{"Version":"2012-10-17"}',
      PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
      Tags: [
        { Key: 'Env', Value: 'ci' },
        { Key: 'Team', Value: 'images' },
      ],
      TransitiveTagKeys: ['Team'],
    });
  });

  it('assumes the role once for all callers, and again only when the credentials are about to expire', async () => {
    const clock = { now: NOW };
    const sts = fakeSts(clock, 15 * 60_000);
    const credentials = assumedRoleCredentials({ role_arn: ROLE }, sts.send, () => clock.now);
    const first = await Promise.all([credentials(), credentials(), credentials()]);
    expect(first.map((c) => c.accessKeyId)).toEqual(['ASIA1', 'ASIA1', 'ASIA1']);
    expect(first[0]).toMatchObject({ secretAccessKey: 'secret', sessionToken: 'token' });
    clock.now += 9 * 60_000;
    expect((await credentials()).accessKeyId).toBe('ASIA1');
    clock.now += 2 * 60_000; // 4 minutes left
    expect((await credentials()).accessKeyId).toBe('ASIA2');
    expect(sts.inputs).toHaveLength(2);
  });

  it("reports a refused AssumeRole in Packer's words", async () => {
    const refuse = (async () => {
      throw Object.assign(new Error('User: arn:aws:iam::123456789012:user/ci is not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied' });
    }) as SdkSend<typeof StsSdk>;
    await expect(assumedRoleCredentials({ role_arn: ROLE }, refuse)()).rejects.toThrow(
      `IAM Role (${ROLE}) cannot be assumed.\n\n` +
        'There are a number of possible causes of this - the most common are:\n' +
        '  * The credentials used in order to assume the role are invalid\n' +
        '  * The credentials do not have appropriate permission to assume the role\n' +
        '  * The role ARN is not valid\n\n' +
        'Error: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: sts:AssumeRole',
    );
  });
});
