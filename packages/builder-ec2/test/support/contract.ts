import { readFileSync } from 'node:fs';
import type { RecordedCall } from './ec2-recorder.js';

export interface NormalisedCall {
  readonly region: string;
  readonly action: string;
  readonly params: Readonly<Record<string, string>>;
}

const ID = /\b(ami|snap|vol|sg|i|vpc|subnet|lt)-[0-9a-f]{8,17}\b/g;
const TEMP_NAME = /\bpacker[_-][0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g;
const LAUNCH_TEMPLATE = /\bpacker-fleet-launch-template-[A-Za-z0-9]{7}\b/g;

export function readContract(file: URL): RecordedCall[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RecordedCall);
}

/**
 * Makes a call sequence comparable across runs and tools: ids and random names become numbered
 * placeholders in order of first appearance; names known to the test (the AMI name, the source
 * image's name) become labels; ClientToken is dropped (random); tag lists are sorted by key and
 * consecutive Modify*Attribute calls by their parameters, because Packer 1.6.6 emits both in Go
 * map order (a different order on every run).
 */
export function normalise(calls: readonly RecordedCall[], labels: Readonly<Record<string, string>> = {}): NormalisedCall[] {
  const text = placeholders(labels);
  const out = concurrentRunsInOneOrder(teardownLast(calls)).map((call) => {
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(call.params)) {
      if (key === 'ClientToken') continue;
      // encrypt_boot and skip_save_build_region make an intermediary AMI under a random 7-character name.
      params[key] = call.action === 'CreateImage' && key === 'Name' && /^[A-Za-z0-9]{7}$/.test(value) ? '<intermediary-name>' : text(value);
    }
    return { region: call.region, action: call.action, params: sortTags(params) };
  });
  return sortAttributeRuns(out);
}

/**
 * The builder's lines of a `build -color=false` transcript (`==> amazon-ebs: ...` and
 * `    amazon-ebs: ...`), with the same placeholders as normalise and, for the same Go-map reason,
 * consecutive `Adding tag:` and `Modifying:` lines sorted.
 */
export function normaliseTranscript(lines: readonly string[], labels: Readonly<Record<string, string>> = {}): string[] {
  const text = placeholders(labels);
  const builderLines = lines
    .filter((line) => line.startsWith('==> amazon-ebs: ') || line.startsWith('    amazon-ebs: '))
    .map((line) => {
      const prefix = line.slice(0, 16);
      const rest = line.slice(16).replace(/^(Creating AMI )[A-Za-z0-9]{7}( from instance)/, '$1<intermediary-name>$2');
      return prefix + rest.split(/(\s+|["',:()[\]])/).map((part) => text(part)).join('');
    });
  const sorted: string[] = [];
  for (let i = 0; i < builderLines.length; ) {
    const kind = /^ {4}amazon-ebs: (Adding tag:|Modifying:)/.exec(builderLines[i]!)?.[1];
    let j = i + 1;
    if (kind) while (j < builderLines.length && builderLines[j]!.startsWith(`    amazon-ebs: ${kind}`)) j++;
    sorted.push(...builderLines.slice(i, j).sort());
    i = j;
  }
  return sorted;
}

/** A function that replaces ids and random names with numbered placeholders, consistently. */
function placeholders(labels: Readonly<Record<string, string>>): (value: string) => string {
  const seen = new Map<string, string>();
  const counters = new Map<string, number>();
  const placeholder = (kind: string, value: string): string => {
    let name = seen.get(value);
    if (!name) {
      const n = (counters.get(kind) ?? 0) + 1;
      counters.set(kind, n);
      name = `<${kind}-${n}>`;
      seen.set(value, name);
    }
    return name;
  };
  return (value) => {
    for (const [literal, label] of Object.entries(labels)) if (literal && value === literal) return `<${label}>`;
    return value
      .replace(LAUNCH_TEMPLATE, (m) => placeholder('launch-template', m))
      .replace(TEMP_NAME, (m) => placeholder(m.startsWith('packer_') ? 'temporary' : 'iam', m))
      .replace(ID, (m, kind: string) => placeholder(kind, m));
  };
}

/** Tag.N.Key/Value (and TagSpecification.M.Tag.N.*) renumbered in key order. */
function sortTags(params: Record<string, string>): Record<string, string> {
  const groups = new Map<string, Map<string, { key?: string; value?: string }>>();
  const rest: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    const match = /^(.*?Tag)\.(\d+)\.(Key|Value)$/.exec(name);
    if (!match) {
      rest[name] = value;
      continue;
    }
    const [, prefix, index, field] = match as unknown as [string, string, string, 'Key' | 'Value'];
    const group = groups.get(prefix) ?? new Map();
    groups.set(prefix, group);
    const tag = group.get(index) ?? {};
    if (field === 'Key') tag.key = value;
    else tag.value = value;
    group.set(index, tag);
  }
  for (const [prefix, group] of groups) {
    [...group.values()]
      .sort((a, b) => (a.key ?? '').localeCompare(b.key ?? ''))
      .forEach((tag, i) => {
        rest[`${prefix}.${i + 1}.Key`] = tag.key ?? '';
        rest[`${prefix}.${i + 1}.Value`] = tag.value ?? '';
      });
  }
  return Object.fromEntries(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b)));
}

/** What tearing down the source instance calls: its termination, then volumes, IAM, group, key. */
const TEARDOWN =
  /^(TerminateInstances|DescribeInstances|DeleteLaunchTemplate|DescribeVolumes|DeleteVolume|RemoveRoleFromInstanceProfile|DeleteRolePolicy|DeleteRole|DeleteInstanceProfile|DeleteSecurityGroup|DeleteKeyPair)$/;

/**
 * Kiln tears the source instance down as soon as the AMI exists, while the AMI is copied, given
 * attributes and tagged (cleanUpEarlier); Packer does it after. The two runs of calls interleave
 * as timing has it, so the teardown's calls (from the termination on) are compared as a run of
 * their own, put last as Packer makes them. That they start only once the AMI is available is
 * checked apart (teardownAfterAmiReady).
 */
function teardownLast(calls: readonly RecordedCall[]): RecordedCall[] {
  const start = calls.findIndex((call) => call.action === 'TerminateInstances');
  if (start < 0) return [...calls];
  const after = calls.slice(start);
  return [...calls.slice(0, start), ...after.filter((call) => !TEARDOWN.test(call.action)), ...after.filter((call) => TEARDOWN.test(call.action))];
}

/** Whether the source instance was terminated only after the build region's AMI was reported available. */
export function teardownAfterAmiReady(calls: readonly RecordedCall[], region: string): boolean {
  const created = calls.findIndex((call) => call.action === 'CreateImage' && call.region === region);
  const terminated = calls.findIndex((call) => call.action === 'TerminateInstances');
  return created >= 0 && terminated > created && calls.slice(created + 1, terminated).some((call) => call.action === 'DescribeImages' && call.region === region);
}

const ATTRIBUTES_THEN_TAGS = ['ModifyImageAttribute', 'ModifySnapshotAttribute', 'CreateTags'];

/** Calls Kiln makes at once: a run of them is put in one order on both sides (see below). */
const CONCURRENT: readonly { readonly actions: RegExp; readonly leadingOnly?: boolean; readonly key: (call: RecordedCall) => string }[] = [
  // The region check and the AMI-name and source-AMI queries (EarlyReads).
  { actions: /^Describe/, leadingOnly: true, key: (call) => `${call.action} ${Object.keys(call.params).join()}` },
  // The temporary key pair alongside the security group's calls; and their deletions.
  { actions: /^(CreateKeyPair|CreateSecurityGroup|DescribeSecurityGroups|AuthorizeSecurityGroupIngress)$/, key: (call) => (call.action === 'CreateKeyPair' ? '0' : '1') },
  { actions: /^(DeleteSecurityGroup|DeleteKeyPair)$/, key: (call) => (call.action === 'DeleteSecurityGroup' ? '0' : '1') },
  // Every AMI's and snapshot's attributes alongside every region's tags.
  { actions: /^(Modify(Image|Snapshot)Attribute|CreateTags)$/, key: (call) => `${ATTRIBUTES_THEN_TAGS.indexOf(call.action)} ${call.region}` },
];

/**
 * Puts each run of calls that Kiln makes at once in one order, on both sides: stably, so that each
 * part keeps its own order, and before ids become placeholders, so that both sides number them
 * alike.
 */
function concurrentRunsInOneOrder(calls: readonly RecordedCall[]): RecordedCall[] {
  const sorted: RecordedCall[] = [];
  for (let i = 0; i < calls.length; ) {
    const kind = CONCURRENT.find((k) => k.actions.test(calls[i]!.action) && (!k.leadingOnly || i === 0));
    let j = i + 1;
    if (kind) while (j < calls.length && kind.actions.test(calls[j]!.action)) j++;
    const run = calls.slice(i, j);
    if (kind) run.sort((a, b) => kind.key(a).localeCompare(kind.key(b)));
    sorted.push(...run);
    i = j;
  }
  return sorted;
}

/**
 * Packer's calls less those Kiln leaves out on purpose (docs/plugins/builder-amazon-ebs.md lists
 * them): the Describe that repeats the one a waiter just made (Go's waiters return nothing, so
 * Packer asks again), and StepCreateTags' DescribeImages before tagging (the AMI's wait already
 * told its snapshots).
 */
export function withoutRepeatedReads(calls: readonly RecordedCall[]): RecordedCall[] {
  return calls.filter((call, i) => {
    const before = calls[i - 1];
    const after = calls[i + 1];
    const repeatsWaiter =
      /^Describe(Instances|Images)$/.test(call.action) &&
      before?.action === call.action &&
      before.region === call.region &&
      JSON.stringify(before.params) === JSON.stringify(call.params);
    const readsBeforeTagging = call.action === 'DescribeImages' && after?.action === 'CreateTags' && after.region === call.region && 'ImageId.1' in call.params;
    return !repeatsWaiter && !readsBeforeTagging;
  });
}

function sortAttributeRuns(calls: NormalisedCall[]): NormalisedCall[] {
  const sorted: NormalisedCall[] = [];
  for (let i = 0; i < calls.length; ) {
    const call = calls[i]!;
    let j = i;
    while (j < calls.length && calls[j]!.action === call.action && calls[j]!.region === call.region) j++;
    const run = calls.slice(i, j);
    if (call.action === 'ModifyImageAttribute' || call.action === 'ModifySnapshotAttribute') {
      run.sort((a, b) => JSON.stringify(a.params).localeCompare(JSON.stringify(b.params)));
    }
    sorted.push(...run);
    i = j;
  }
  return sorted;
}

/** `region Action {params}` lines, for readable diffs. */
export function lines(calls: readonly NormalisedCall[]): string[] {
  return calls.map((c) => `${c.region} ${c.action} ${JSON.stringify(c.params)}`);
}
