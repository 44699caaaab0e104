import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AmazonEbsConfig } from '../src/config.js';
import { SOURCE_AMI, TEST_AMIS } from './support/amis.js';
import { lines, normalise, normaliseTranscript, readContract, teardownAfterAmiReady, withoutRepeatedReads } from './support/contract.js';
import type { Ec2Recorder } from './support/ec2-recorder.js';
import { withRecordedMoto } from './support/moto-recorder.js';
import { runBuilder } from './support/harness.js';
import { TEST_CREDENTIALS } from './support/inventory.js';

/** The source image Packer's recordings found (moto's default list) and ours (TEST_AMIS). */
const PACKER_SOURCE = { id: 'ami-02b9a589195146a8f', name: 'amzn2-ami-hvm-2.0.20260427.1-x86_64-gp2' };

let recorder: Ec2Recorder;
withRecordedMoto((_moto, recording) => {
  recorder = recording;
});

function template(name: string, amiName: string): AmazonEbsConfig {
  const text = readFileSync(new URL(`./contracts/templates/${name}.json`, import.meta.url), 'utf8').replaceAll('{{timestamp}}', '1795805342');
  const { type: _type, ...builder } = (JSON.parse(text) as { builders: Record<string, unknown>[] }).builders[0]!;
  return {
    ...builder,
    ami_name: amiName,
    ...(builder['source_ami'] ? { source_ami: SOURCE_AMI } : {}),
    custom_endpoint_ec2: recorder.endpoint,
    access_key: TEST_CREDENTIALS.accessKeyId,
    secret_key: TEST_CREDENTIALS.secretAccessKey,
  } as AmazonEbsConfig;
}

/** Kiln's Ui lines as `packer build -color=false` prints a build's lines. */
function transcript(uiLines: readonly string[]): string[] {
  return uiLines.map((line) => (line.startsWith('message: ') ? `    amazon-ebs: ${line.slice(9)}` : `==> amazon-ebs: ${line.replace(/^(say|error): /, '')}`));
}

async function kilnRun(name: string, amiName: string, sourceName: string) {
  const run = await runBuilder(template(name, amiName));
  expect(run.error).toBeUndefined();
  const labels = { [amiName]: 'ami-name', [sourceName]: 'source-ami-name' };
  expect(teardownAfterAmiReady(recorder.calls, 'us-east-1'), 'the source instance went before its AMI was ready').toBe(true);
  return { calls: lines(normalise(recorder.calls, labels)), transcript: normaliseTranscript(transcript(run.lines), labels) };
}

function packerTranscript(name: string, amiName: string) {
  const calls = readContract(new URL(`./contracts/packer166-${name}.calls.jsonl`, import.meta.url));
  const packerAmiName = calls.find((c) => c.action === 'CopyImage')?.params['Name'] ?? calls.find((c) => c.action === 'CreateImage')?.params['Name'] ?? amiName;
  const text = readFileSync(new URL(`./contracts/packer166-${name}.out`, import.meta.url), 'utf8');
  return normaliseTranscript(text.split('\n'), { [packerAmiName]: 'ami-name', [PACKER_SOURCE.name]: 'source-ami-name' });
}

function packerCalls(name: string, amiName: string) {
  const calls = readContract(new URL(`./contracts/packer166-${name}.calls.jsonl`, import.meta.url));
  const packerAmiName = calls.find((c) => c.action === 'CopyImage')?.params['Name'] ?? calls.find((c) => c.action === 'CreateImage')?.params['Name'] ?? amiName;
  return lines(normalise(withoutRepeatedReads(calls), { [packerAmiName]: 'ami-name', [PACKER_SOURCE.name]: 'source-ami-name' }));
}

const sourceName = (id: string) => TEST_AMIS.find((ami) => ami.ami_id === id)!.name;

describe('the EC2 calls of a build match Packer 1.6.6 (same order, same parameters, less the documented repeated reads)', () => {
  it.each([
    // moto gives every listed image the alias `amazon`, so owners ["amazon"] admits the newest of all.
    ['amazon-ebs', 'ami-0a1b2c3d4e5f60004'],
    ['amazon-ebs-spot', 'ami-0a1b2c3d4e5f60004'],
    ['amazon-ebs-encrypt-boot', SOURCE_AMI],
    ['amazon-ebs-skip-save-build-region', SOURCE_AMI],
    ['amazon-ebs-attributes', SOURCE_AMI],
    ['amazon-ebs-network-filters', SOURCE_AMI],
    ['amazon-ebs-temporary-iam', SOURCE_AMI],
  ])('%s', async (name, source) => {
    const amiName = 'packer-moto-1795805342';
    const kiln = await kilnRun(name, amiName, sourceName(source));
    expect(kiln.calls).toEqual(packerCalls(name, amiName));
    // What the user reads: the same lines in the same order.
    expect(kiln.transcript).toEqual(packerTranscript(name, amiName));
  });

  it('amazon-ebs-force-deregister (over an AMI of the same name, as Packer was)', async () => {
    const amiName = 'kiln-fixed-name';
    const first = await runBuilder({ ...template('amazon-ebs-force-deregister', amiName), force_deregister: false, ami_regions: [] });
    expect(first.error).toBeUndefined();
    recorder.calls.length = 0;
    const kiln = await kilnRun('amazon-ebs-force-deregister', amiName, sourceName(SOURCE_AMI));
    expect(kiln.calls).toEqual(packerCalls('amazon-ebs-force-deregister', amiName));
    expect(kiln.transcript).toEqual(packerTranscript('amazon-ebs-force-deregister', amiName));
  });
});
