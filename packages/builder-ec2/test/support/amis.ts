import type { MotoAmi } from '@kiln/testbed';

/** The images every moto region starts with in these tests: dated, so most_recent has a right answer. */
export const AMAZON_OWNER = '137112412989';
export const OTHER_OWNER = '099720109477';

export const TEST_AMIS: readonly MotoAmi[] = [
  ami('ami-0a1b2c3d4e5f60001', 'amzn2-ami-hvm-2.0.20200101.0-x86_64-gp2', '2020-01-01T00:00:00.000Z'),
  ami('ami-0a1b2c3d4e5f60002', 'amzn2-ami-hvm-2.0.20210301.0-x86_64-gp2', '2021-03-01T00:00:00.000Z'),
  ami('ami-0a1b2c3d4e5f60003', 'amzn2-ami-hvm-2.0.20200601.0-x86_64-gp2', '2020-06-01T00:00:00.000Z'),
  // Newer, but the wrong owner: an owner filter must leave it out.
  { ...ami('ami-0a1b2c3d4e5f60004', 'amzn2-ami-hvm-2.0.20230101.0-x86_64-gp2', '2023-01-01T00:00:00.000Z'), owner_id: OTHER_OWNER },
  // Newer, but paravirtual: the virtualization-type filter must leave it out.
  { ...ami('ami-0a1b2c3d4e5f60005', 'amzn2-ami-hvm-2.0.20220101.0-x86_64-gp2', '2022-01-01T00:00:00.000Z'), virtualization_type: 'paravirtual' },
  { ...ami('ami-0a1b2c3d4e5f60006', 'instance-store-image', '2021-01-01T00:00:00.000Z'), root_device_type: 'instance-store' },
];

export const NEWEST_AMAZON_HVM = 'ami-0a1b2c3d4e5f60002';
export const SOURCE_AMI = 'ami-0a1b2c3d4e5f60001';

function ami(id: string, name: string, creationDate: string): MotoAmi {
  return {
    ami_id: id,
    name,
    description: `${name} test image`,
    owner_id: AMAZON_OWNER,
    public: true,
    virtualization_type: 'hvm',
    architecture: 'x86_64',
    state: 'available',
    root_device_type: 'ebs',
    root_device_name: '/dev/xvda',
    hypervisor: 'xen',
    creation_date: creationDate,
  };
}
