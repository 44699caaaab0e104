import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadWithCodeCache } from '../src/code-cache/load-with-code-cache.js';

const bundled = (part: string) => fileURLToPath(new URL(`../dist/bundle/aws-sdk-${part}.cjs`, import.meta.url));

// The bundled CLI takes builder-ec2's SDK imports from these CommonJS files (scripts/
// aws-sdk-bundling.mjs): each must run on its own and export what the ES module it stands for does.
describe('dist/bundle/aws-sdk-<part>.cjs', () => {
  it.each([
    ['ec2', () => import('../../../packages/builder-ec2/src/sdk/ec2-commands.js')],
    ['sts', () => import('../../../packages/builder-ec2/src/sdk/sts-commands.js')],
    ['iam', () => import('../../../packages/builder-ec2/src/sdk/iam-commands.js')],
    ['ssm', () => import('../../../packages/builder-ec2/src/sdk/ssm-commands.js')],
    ['credentials', () => import('@aws-sdk/credential-provider-node')],
  ])('%s exports the same names, as working classes and functions', async (part, original) => {
    const exports = loadWithCodeCache(bundled(part), { cacheDir: undefined }) as Record<string, unknown>;
    const names = Object.keys(await original()).filter((name) => name !== 'default');
    expect(Object.keys(exports).sort()).toEqual(expect.arrayContaining(names.sort()));
    for (const name of names) expect(typeof exports[name], name).toBe('function');
  });

  it('ec2 makes a client whose commands serialise to EC2 Query requests', async () => {
    const sdk = loadWithCodeCache(bundled('ec2'), { cacheDir: undefined }) as Record<string, new (input: unknown) => unknown>;
    const Client = sdk['EC2Client']!;
    const Describe = sdk['DescribeRegionsCommand']!;
    let body = '';
    const client = new Client({
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      requestHandler: {
        handle: async (request: { body: string }) => {
          body = request.body;
          const xml = '<DescribeRegionsResponse><regionInfo><item><regionName>eu-west-1</regionName></item></regionInfo></DescribeRegionsResponse>';
          return { response: { statusCode: 200, headers: {}, body: new TextEncoder().encode(xml) } };
        },
      },
    }) as { send(command: unknown): Promise<{ Regions: { RegionName: string }[] }> };
    const answer = await client.send(new Describe({ AllRegions: true }));
    expect(body).toBe('Action=DescribeRegions&Version=2016-11-15&AllRegions=true');
    expect(answer.Regions.map((region) => region.RegionName)).toEqual(['eu-west-1']);
  });
});
