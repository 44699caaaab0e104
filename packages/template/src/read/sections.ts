import type { JsonEntry, JsonNode, JsonObjectNode } from '../json/ast.js';
import type { KeyPathSegment } from '../json/value.js';
import type {
  BuilderDefinition,
  PostProcessorDefinition,
  ProvisionerDefinition,
  TemplateVariable,
} from '../model.js';
import { StructDecoder, decodeString } from './decode.js';
import type { DecodeContext } from './decode.js';
import { goKindName } from './go/values.js';
import type { GoError, ProblemFactory } from './problems.js';

/*
 * Packer's rawTemplate.Template(): each section of the template turned into definitions, every
 * problem collected (in Packer's order: variables, builders, post-processors, provisioners, the
 * error-cleanup-provisioner) with Packer's own wording.
 */

export interface SectionResult<T> {
  readonly value: T;
  readonly errors: GoError[];
}

export function readVariables(
  variables: JsonObjectNode | undefined,
  sensitiveNames: readonly string[],
  problems: ProblemFactory,
): SectionResult<TemplateVariable[]> {
  const errors: GoError[] = [];
  const value: TemplateVariable[] = [];
  // Packer walks a Go map here (random order); template order is one of its orders.
  for (const entry of variables?.entries ?? []) {
    const path = ['variables', entry.key];
    const context: DecodeContext = { weak: false, problems: [] };
    const decoded = decodeString(context, `''`, entry.value, path);
    const problem = context.problems[0];
    if (problem) {
      errors.push(problems.single(`variable ${entry.key}: ${problem.text}`, entry.value.start, path));
      continue;
    }
    value.push({
      name: entry.key,
      default: entry.value.kind === 'null' ? null : (decoded ?? ''),
      sensitive: sensitiveNames.includes(entry.key),
      position: problems.position(entry.keyStart),
    });
  }
  return { value, errors };
}

export function readBuilders(items: readonly JsonNode[], problems: ProblemFactory): SectionResult<BuilderDefinition[]> {
  const errors: GoError[] = [];
  const value: BuilderDefinition[] = [];
  const names = new Set<string>();
  items.forEach((node, index) => {
    const path: KeyPathSegment[] = ['builders', index];
    const label = `builder ${index + 1}: `;
    // Packer 1.6.6 crashes on a null builder; it is simply a builder without a type here.
    const object = node.kind === 'null' ? emptyObject(node) : node;
    if (object.kind !== 'object') {
      errors.push(problems.single(`${label}'' expected a map, got '${goKindName(object)}'`, node.start, path));
      return;
    }
    const decoder = new StructDecoder(object, { weak: true, problems: [] }, path);
    const name = decoder.string('Name') ?? '';
    const type = decoder.string('Type') ?? '';
    decoder.map('Config');
    if (decoder.context.problems.length > 0) {
      errors.push(problems.decoding(label, decoder.context.problems));
      return;
    }
    if (type === '') {
      errors.push(problems.single(`${label}missing 'type'`, node.start, [...path, 'type']));
      return;
    }
    const rawName = name === '' ? type : name;
    if (names.has(rawName)) {
      const at = entryNode(object, 'name') ?? node;
      const message = `${label}builder with name '${rawName}' already exists`;
      errors.push(problems.single(message, at.start, [...path, 'name']));
      return;
    }
    names.add(rawName);
    value.push({
      index,
      type,
      rawName,
      config: without(object, ['name', 'type']),
      position: problems.position(node.start),
    });
  });
  return { value, errors };
}

const PROVISIONER_KEYS = ['except', 'only', 'override', 'pause_before', 'max_retries', 'type', 'timeout'];

/** Packer's decodeProvisioner; `label` prefixes every message (`provisioner 2: `). */
export function readProvisioner(
  node: JsonNode,
  index: number,
  path: readonly KeyPathSegment[],
  label: string,
  problems: ProblemFactory,
): SectionResult<ProvisionerDefinition | undefined> {
  const failed = (error: GoError): SectionResult<undefined> => ({ value: undefined, errors: [error] });
  const object = node.kind === 'null' ? emptyObject(node) : node;
  if (object.kind !== 'object') {
    const message = `${label}Error decoding provisioner: '' expected a map, got '${goKindName(object)}'`;
    return failed(problems.single(message, node.start, path));
  }
  const decoder = new StructDecoder(object, { weak: true, problems: [] }, path);
  const only = decoder.stringList('Only');
  const except = decoder.stringList('Except');
  const type = decoder.string('Type') ?? '';
  decoder.map('Config');
  const override = decoder.map('Override');
  const pauseBefore = decoder.duration('pause_before');
  const maxRetries = decoder.string('max_retries');
  const timeout = decoder.duration('timeout');
  if (decoder.context.problems.length > 0) {
    return failed(problems.decoding(`${label}Error decoding provisioner: `, decoder.context.problems));
  }
  if (type === '') return failed(problems.single(`${label}Provisioner missing 'type'`, node.start, [...path, 'type']));
  const definition: ProvisionerDefinition = {
    index,
    type,
    ...(only ? { only } : {}),
    ...(except ? { except } : {}),
    ...(override ? { override: objectOverrides(override), overrideNodes: overrideNodes(override) } : {}),
    ...(pauseBefore !== undefined ? { pauseBefore } : {}),
    ...(timeout !== undefined ? { timeout } : {}),
    ...(maxRetries !== undefined ? { maxRetries } : {}),
    config: without(object, PROVISIONER_KEYS),
    position: problems.position(node.start),
  };
  return { value: definition, errors: [] };
}

export function readProvisioners(
  items: readonly JsonNode[],
  problems: ProblemFactory,
): SectionResult<ProvisionerDefinition[]> {
  const errors: GoError[] = [];
  const value: ProvisionerDefinition[] = [];
  items.forEach((node, index) => {
    const result = readProvisioner(node, index, ['provisioners', index], `provisioner ${index + 1}: `, problems);
    errors.push(...result.errors);
    if (result.value) value.push(result.value);
  });
  return { value, errors };
}

const POST_PROCESSOR_KEYS = ['except', 'only', 'keep_input_artifact', 'type', 'name'];

export function readPostProcessors(
  items: readonly JsonNode[],
  problems: ProblemFactory,
): SectionResult<PostProcessorDefinition[][]> {
  const errors: GoError[] = [];
  const chains: PostProcessorDefinition[][] = [];
  items.forEach((node, chainIndex) => {
    const chainPath: KeyPathSegment[] = ['post-processors', chainIndex];
    const members = chainMembers(node, chainIndex, chainPath, problems);
    if ('errors' in members) {
      errors.push(...members.errors);
      return;
    }
    const chain: PostProcessorDefinition[] = [];
    members.nodes.forEach((member, memberIndex) => {
      const path = node.kind === 'array' ? [...chainPath, memberIndex] : chainPath;
      const label = `post-processor ${chainIndex + 1}.${memberIndex + 1}: `;
      const result = readPostProcessor(member, [chainIndex, memberIndex], path, label, problems);
      errors.push(...result.errors);
      if (result.value) chain.push(result.value);
    });
    chains.push(chain);
  });
  return { value: chains, errors };
}

/** The three spellings of a chain: `"type"`, `{...}`, or a list of those. */
function chainMembers(
  node: JsonNode,
  chainIndex: number,
  path: readonly KeyPathSegment[],
  problems: ProblemFactory,
): { nodes: readonly JsonNode[] } | { errors: GoError[] } {
  if (node.kind === 'string' || node.kind === 'object') return { nodes: [node] };
  if (node.kind !== 'array') {
    return { errors: [problems.single(`post-processor ${chainIndex + 1}: bad format`, node.start, path)] };
  }
  const errors: GoError[] = [];
  node.items.forEach((item, index) => {
    const label = `post-processor ${chainIndex + 1}.${index + 1}: `;
    if (item.kind === 'array') {
      const message = `${label}sequence not allowed to be nested in a sequence`;
      errors.push(problems.single(message, item.start, [...path, index]));
    } else if (item.kind !== 'string' && item.kind !== 'object') {
      errors.push(problems.single(`${label}unknown format`, item.start, [...path, index]));
    }
  });
  return errors.length > 0 ? { errors } : { nodes: node.items };
}

function readPostProcessor(
  node: JsonNode,
  index: readonly [number, number],
  path: readonly KeyPathSegment[],
  label: string,
  problems: ProblemFactory,
): SectionResult<PostProcessorDefinition | undefined> {
  // `"compress"` stands for `{"type": "compress"}`.
  const object: JsonObjectNode =
    node.kind === 'object'
      ? node
      : { kind: 'object', entries: [{ key: 'type', keyStart: node.start, value: node }], ...span(node) };
  const decoder = new StructDecoder(object, { weak: false, problems: [] }, path);
  const only = decoder.stringList('Only');
  const except = decoder.stringList('Except');
  const name = decoder.string('Name') ?? '';
  const type = decoder.string('Type') ?? '';
  const keepInputArtifact = decoder.optionalBoolean('keep_input_artifact');
  decoder.map('Config');
  if (decoder.context.problems.length > 0) {
    return { value: undefined, errors: [problems.decoding(label, decoder.context.problems)] };
  }
  if (type === '') {
    return { value: undefined, errors: [problems.single(`${label}type is required`, node.start, [...path, 'type'])] };
  }
  const definition: PostProcessorDefinition = {
    index,
    type,
    name: name === '' ? type : name,
    ...(only ? { only } : {}),
    ...(except ? { except } : {}),
    ...(keepInputArtifact !== undefined ? { keepInputArtifact } : {}),
    config: without(object, POST_PROCESSOR_KEYS),
    position: problems.position(node.start),
  };
  return { value: definition, errors: [] };
}

/** The overrides whose value is an object: the ones that can be merged over the config. */
function objectOverrides(override: JsonObjectNode): Record<string, JsonObjectNode> {
  return Object.fromEntries(
    override.entries.flatMap((entry) => (entry.value.kind === 'object' ? [[entry.key, entry.value]] : [])),
  ) as Record<string, JsonObjectNode>;
}

function overrideNodes(override: JsonObjectNode): Record<string, JsonNode> {
  return Object.fromEntries(override.entries.map((entry) => [entry.key, entry.value]));
}

/** The object without Packer's special keys (matched exactly, as Go's delete() does). */
function without(object: JsonObjectNode, keys: readonly string[]): JsonObjectNode {
  return { ...object, entries: object.entries.filter((entry: JsonEntry) => !keys.includes(entry.key)) };
}

function entryNode(object: JsonObjectNode, key: string): JsonNode | undefined {
  return object.entries.find((entry) => entry.key === key)?.value;
}

function emptyObject(at: JsonNode): JsonObjectNode {
  return { kind: 'object', entries: [], ...span(at) };
}

function span(node: JsonNode): Pick<JsonNode, 'start' | 'end'> {
  return { start: node.start, end: node.end };
}

