import { startMoto, type Moto } from '@kiln/testbed';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NEWEST_AMAZON_HVM, SOURCE_AMI, TEST_AMIS } from './support/amis.js';
import { motoConfig, runBuilder } from './support/harness.js';
import { EMPTY_INVENTORY, added, inventory, type Inventory } from './support/inventory.js';

let moto: Moto;
beforeAll(async () => {
  moto = await startMoto({ amis: TEST_AMIS });
}, 60_000);
afterAll(() => moto?.stop());
let baseline: Inventory;
beforeEach(async () => {
  await moto.reset();
  baseline = await inventory(moto.endpoint);
});
const leftovers = async () => added(await inventory(moto.endpoint), baseline);

describe('amazon-ebs against moto', () => {
  it('builds an AMI from source_ami and leaves only the AMI and its snapshot', async () => {
    const run = await runBuilder(motoConfig(moto.endpoint, { source_ami: SOURCE_AMI }));
    expect(run.error).toBeUndefined();
    const left = await leftovers();
    const ami = run.artifact!.id.split(':')[1]!;
    expect(run.artifact!.id).toMatch(/^us-east-1:ami-[0-9a-f]+$/);
    expect(left).toEqual({ ...EMPTY_INVENTORY, images: [`us-east-1:${ami}`], snapshots: [expect.stringMatching(/^us-east-1:snap-/)] });
    expect(run.ledger.resources).toEqual([]);
    expect(run.lines).toContain(`say: Waiting for AMI to become ready...`);
  });

  it('finds the newest amazon HVM image with source_ami_filter most_recent', async () => {
    const run = await runBuilder(
      motoConfig(moto.endpoint, {
        source_ami_filter: {
          filters: { name: 'amzn2-ami-hvm-*-x86_64-gp2', 'virtualization-type': 'hvm', 'root-device-type': 'ebs' },
          owners: ['137112412989'],
          most_recent: true,
        },
      }),
    );
    expect(run.error).toBeUndefined();
    expect(run.lines).toContain(`message: Found Image ID: ${NEWEST_AMAZON_HVM}`);
  });
});
