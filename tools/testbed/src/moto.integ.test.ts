import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type Moto } from './moto.js';
import { isAlive } from './processes.js';

/** One EC2 query-API call, signed just enough for moto to read the region. */
async function ec2(moto: Moto, params: Record<string, string>, region = 'us-east-1'): Promise<string> {
  const response = await fetch(`${moto.endpoint}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `AWS4-HMAC-SHA256 Credential=test/20200101/${region}/ec2/aws4_request, SignedHeaders=host, Signature=x`,
    },
    body: new URLSearchParams({ Version: '2016-11-15', ...params }),
  });
  return response.text();
}

describe('startMoto', () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto({
      amis: [{ ami_id: 'ami-0123456789abcdef0', name: 'kiln-test-base', owner_id: '137112412989', creation_date: '2020-01-02T03:04:05.000Z', root_device_type: 'ebs', virtualization_type: 'hvm' }],
    });
  });
  afterAll(() => moto?.stop());

  it('serves EC2 with exactly the AMIs it was given, in every region', async () => {
    for (const region of ['us-east-1', 'us-west-2']) {
      const images = await ec2(moto, { Action: 'DescribeImages' }, region);
      expect(images.match(/<imageId>[^<]+<\/imageId>/g)).toEqual(['<imageId>ami-0123456789abcdef0</imageId>']);
      expect(images).toContain('<creationDate>2020-01-02T03:04:05.000Z</creationDate>');
    }
  });

  it('forgets what was created on reset', async () => {
    await ec2(moto, { Action: 'CreateKeyPair', KeyName: 'left-over' });
    expect(await ec2(moto, { Action: 'DescribeKeyPairs' })).toContain('left-over');
    await moto.reset();
    expect(await ec2(moto, { Action: 'DescribeKeyPairs' })).not.toContain('left-over');
  });

  it('stops exactly its own process', async () => {
    const other = await startMoto();
    const pid = other.pid();
    expect(isAlive(pid)).toBe(true);
    await other.stop();
    expect(isAlive(pid)).toBe(false);
    expect(await ec2(moto, { Action: 'DescribeRegions' })).toContain('us-west-2');
  });
});
