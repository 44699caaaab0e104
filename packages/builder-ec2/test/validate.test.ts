import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { amazonEbsSchema, type AmazonEbsConfig } from '../src/config.js';
import { amazonEbsConfigErrors, amazonEbsConfigWarnings, isValidKmsKey } from '../src/validate.js';

interface PackerCase {
  readonly case: string;
  readonly config: AmazonEbsConfig;
  /** What `packer validate` (1.6.6) printed, in its order, whitespace collapsed. */
  readonly errors: readonly string[];
}

const { cases } = JSON.parse(readFileSync(new URL('./fixtures/packer-validate.json', import.meta.url), 'utf8')) as { cases: PackerCase[] };
const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('prepare checks give Packer 1.6.6 messages in its order', () => {
  it.each(cases.map((c) => [c.case, c] as const))('%s', (_name, { config, errors }) => {
    expect(amazonEbsConfigErrors(config).map(collapse)).toEqual(errors);
  });

  it('the fixture covers both valid and invalid configs', () => {
    expect(cases.filter((c) => c.errors.length === 0).length).toBeGreaterThan(3);
    expect(cases.filter((c) => c.errors.length > 1).length).toBeGreaterThan(3);
  });
});

describe('KMS key ids (Packer ValidateKmsKey)', () => {
  it.each([
    ['12345678-abcd-ef00', true],
    ['alias/my-key', true],
    ['arn:aws:kms:us-east-1:123456789012:key/12345678-abcd', true],
    ['arn:aws:kms:us-east-1:123456789012:alias/my-key', true],
    ['arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/abcd', true],
    ['arn:aws:kms:us-east-1:1234:key/abcd', false],
    ['my key', false],
  ])('%s -> %s', (key, valid) => {
    expect(isValidKmsKey(key)).toBe(valid);
  });
});

it('warns about spot_price_auto_product as Packer does', () => {
  const config: AmazonEbsConfig = { spot_price_auto_product: 'Linux/UNIX' };
  expect(amazonEbsConfigWarnings(config)[0]).toMatch(/^spot_price_auto_product is deprecated and no longer necessary for Packer builds\./);
  expect(amazonEbsConfigWarnings({})).toEqual([]);
});

describe('the schema', () => {
  const keys = JSON.parse(readFileSync(new URL('./fixtures/packer-amazon-ebs-keys.json', import.meta.url), 'utf8')) as {
    accepted: string[];
    deprecated: string[];
  };
  it('has exactly the options Packer 1.6.6 accepts for amazon-ebs', () => {
    expect(Object.keys(amazonEbsSchema.properties ?? {}).sort()).toEqual(keys.accepted);
  });
  it("reports Packer's deprecated keys as fixable", () => {
    expect([...(amazonEbsSchema['x-kiln-fixable'] ?? [])].sort()).toEqual(keys.deprecated);
  });
});
