import { parseGoDurationStrict } from '@kiln/sdk';
import type { JsonEntry, JsonNode, JsonObjectNode } from '../json/ast.js';
import type { KeyPathSegment } from '../json/value.js';
import { formatGoFloatF, goKindName, goTypeName, goValueText } from './go/values.js';

/*
 * The slice of mitchellh/mapstructure that Packer 1.6.6 applies to a template: how a struct field
 * finds its key, which JSON values each Go type accepts (strictly, or "weakly" where Packer asks
 * for it), and the exact error text of each refusal. Null always decodes to the zero value.
 */

/** One refusal, in mapstructure's words, with the node it is about. */
export interface DecodeProblem {
  readonly text: string;
  readonly node: JsonNode;
  readonly path: readonly KeyPathSegment[];
}

export interface DecodeContext {
  /** WeaklyTypedInput: bool/number -> string, a single value -> list, and so on. */
  readonly weak: boolean;
  readonly problems: DecodeProblem[];
}

/** A Go struct being decoded from one JSON object. */
export class StructDecoder {
  private readonly usedKeys = new Set<string>();

  constructor(
    private readonly object: JsonObjectNode,
    readonly context: DecodeContext,
    readonly path: readonly KeyPathSegment[],
  ) {}

  /**
   * The entry a field decodes from: the key equal to the field's name (its mapstructure tag, or
   * else its Go name), or failing that the first key equal to it ignoring case.
   */
  field(name: string): JsonEntry | undefined {
    const lower = name.toLowerCase();
    const entry =
      this.object.entries.find((candidate) => candidate.key === name) ??
      this.object.entries.find((candidate) => candidate.key.toLowerCase() === lower);
    if (entry) this.usedKeys.add(entry.key);
    return entry;
  }

  /** Keys no field claimed, in template order. */
  unusedEntries(): JsonEntry[] {
    return this.object.entries.filter((entry) => !this.usedKeys.has(entry.key));
  }

  string(name: string): string | undefined {
    const entry = this.field(name);
    return entry && decodeString(this.context, `'${name}'`, entry.value, [...this.path, entry.key]);
  }

  stringList(name: string): string[] | undefined {
    const entry = this.field(name);
    return entry && decodeStringList(this.context, name, entry.value, [...this.path, entry.key]);
  }

  list(name: string): readonly JsonNode[] | undefined {
    const entry = this.field(name);
    if (!entry || entry.value.kind === 'null') return undefined;
    if (entry.value.kind === 'array') return entry.value.items;
    this.refuse(`'${name}': source data must be an array or slice, got ${goKindName(entry.value)}`, entry);
    return undefined;
  }

  /** map[string]interface{}: any object (weakly, also a list of objects, merged). */
  map(name: string): JsonObjectNode | undefined {
    const entry = this.field(name);
    return entry && decodeMap(this.context, name, entry.value, [...this.path, entry.key]);
  }

  /** map[string]string, one per list element (the root `comments` field). */
  stringMapList(name: string): void {
    const entries = this.list(name);
    if (!entries) return;
    entries.forEach((item, index) => {
      const itemPath = [...this.path, name, index];
      const map = decodeMap(this.context, `${name}[${index}]`, item, itemPath);
      map?.entries.forEach((entry) =>
        decodeString(this.context, `'${name}[${index}][${entry.key}]'`, entry.value, [...itemPath, entry.key]),
      );
    });
  }

  /** []byte (the root `rawcontents` field, which Go would happily fill from a number list). */
  byteList(name: string): void {
    const items = this.list(name);
    items?.forEach((item, index) => {
      const label = `${name}[${index}]`;
      const path = [...this.path, name, index];
      if (item.kind === 'number' && item.value < 0) {
        const text = `cannot parse '${label}', ${item.value.toFixed(6)} overflows uint`;
        this.context.problems.push({ text, node: item, path });
      } else if (item.kind !== 'number' && item.kind !== 'null') {
        this.context.problems.push({ text: unconvertible(label, 'uint8', item), node: item, path });
      }
    });
  }

  /** *bool: unset (undefined), true or false. */
  optionalBoolean(name: string): boolean | undefined {
    const entry = this.field(name);
    if (!entry || entry.value.kind === 'null') return undefined;
    if (entry.value.kind === 'boolean') return entry.value.value;
    // Only post-processors have a *bool, and Packer decodes them strictly.
    this.refuse(unconvertible(name, 'bool', entry.value), entry);
    return undefined;
  }

  /**
   * time.Duration, as a Go duration string: text must parse (Packer's decode hook), a number is
   * taken as nanoseconds (Go converts float64 to int64).
   */
  duration(name: string): string | undefined {
    const entry = this.field(name);
    if (!entry || entry.value.kind === 'null') return undefined;
    const node = entry.value;
    if (node.kind === 'string') {
      const parsed = parseGoDurationStrict(node.value);
      if ('error' in parsed) {
        this.refuse(`error decoding '${name}': ${parsed.error}`, entry);
        return undefined;
      }
      return node.value;
    }
    if (node.kind === 'number') return `${Math.trunc(node.value)}ns`;
    if (node.kind === 'boolean' && this.context.weak) return node.value ? '1ns' : '0s';
    this.refuse(unconvertible(name, 'time.Duration', node), entry);
    return undefined;
  }

  private refuse(text: string, entry: JsonEntry): void {
    this.context.problems.push({ text, node: entry.value, path: [...this.path, entry.key] });
  }
}

/** Decodes into a Go string. `label` is already quoted, as in `'Type'` or `''`. */
export function decodeString(
  context: DecodeContext,
  label: string,
  node: JsonNode,
  path: readonly KeyPathSegment[],
): string | undefined {
  switch (node.kind) {
    case 'null':
      return undefined;
    case 'string':
      return node.value;
    case 'boolean':
      if (context.weak) return node.value ? '1' : '0';
      break;
    case 'number':
      if (context.weak) return formatGoFloatF(node.value);
      break;
    default:
      break;
  }
  context.problems.push({ text: unconvertibleLabel(label, 'string', node), node, path });
  return undefined;
}

/** Decodes into a Go []string; weakly, a lone value becomes a one-element list. */
export function decodeStringList(
  context: DecodeContext,
  name: string,
  node: JsonNode,
  path: readonly KeyPathSegment[],
): string[] | undefined {
  if (node.kind === 'null') return undefined;
  let items: readonly JsonNode[];
  if (node.kind === 'array') items = node.items;
  else if (!context.weak) {
    const text = `'${name}': source data must be an array or slice, got ${goKindName(node)}`;
    context.problems.push({ text, node, path });
    return undefined;
  } else if (node.kind === 'object' && node.entries.length === 0) items = [];
  else items = [node];
  const lifted = node.kind !== 'array';
  const problemsBefore = context.problems.length;
  const values = items.map(
    (item, index) => decodeString(context, `'${name}[${index}]'`, item, lifted ? path : [...path, index]) ?? '',
  );
  return context.problems.length === problemsBefore ? values : undefined;
}

/** Decodes into a Go map[string]interface{}. */
export function decodeMap(
  context: DecodeContext,
  name: string,
  node: JsonNode,
  path: readonly KeyPathSegment[],
): JsonObjectNode | undefined {
  if (node.kind === 'null') return undefined;
  if (node.kind === 'object') return node;
  if (node.kind === 'array' && context.weak) {
    // mapstructure merges a list of maps into one map.
    const entries: JsonEntry[] = [];
    node.items.forEach((item, index) => {
      const map = decodeMap(context, `${name}[${index}]`, item, [...path, index]);
      if (map) entries.push(...map.entries);
    });
    return { kind: 'object', entries, start: node.start, end: node.end };
  }
  context.problems.push({ text: `'${name}' expected a map, got '${goKindName(node)}'`, node, path });
  return undefined;
}

function unconvertible(name: string, goType: string, node: JsonNode): string {
  return unconvertibleLabel(`'${name}'`, goType, node);
}

function unconvertibleLabel(label: string, goType: string, node: JsonNode): string {
  const actual = `got unconvertible type '${goTypeName(node)}', value: '${goValueText(node)}'`;
  return `${label} expected type '${goType}', ${actual}`;
}
