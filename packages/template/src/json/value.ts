import type { JsonNode, JsonObjectNode } from './ast.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The plain JS value of a node (positions dropped). */
export function jsonToValue(node: JsonNode): JsonValue {
  switch (node.kind) {
    case 'object':
      // fromEntries defines own properties, so a `__proto__` key stays an ordinary key.
      return Object.fromEntries(node.entries.map((entry) => [entry.key, jsonToValue(entry.value)]));
    case 'array':
      return node.items.map(jsonToValue);
    case 'string':
    case 'number':
    case 'boolean':
      return node.value;
    case 'null':
      return null;
  }
}

export type KeyPathSegment = string | number;

/**
 * A key path as errors show it: `builders[1].type`, `variables.aws_region`,
 * `builders[0]["odd key"]`. Keys that are not plain identifiers are JSON-quoted in brackets.
 */
export function formatKeyPath(segments: readonly KeyPathSegment[]): string {
  let path = '';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) path += path === '' ? segment : `.${segment}`;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path;
}

/** The value of `key` in an object node (the last one, should duplicates have been allowed). */
export function getEntry(node: JsonObjectNode, key: string): JsonNode | undefined {
  for (let index = node.entries.length - 1; index >= 0; index--) {
    const entry = node.entries[index]!;
    if (entry.key === key) return entry.value;
  }
  return undefined;
}

/** Follows a key path (segments, or the text formatKeyPath writes) from `root`. */
export function findJsonNode(root: JsonNode, path: string | readonly KeyPathSegment[]): JsonNode | undefined {
  const segments = typeof path === 'string' ? parseKeyPath(path) : path;
  if (segments === undefined) return undefined;
  let node: JsonNode | undefined = root;
  for (const segment of segments) {
    if (node === undefined) return undefined;
    if (typeof segment === 'number') node = node.kind === 'array' ? node.items[segment] : undefined;
    else node = node.kind === 'object' ? getEntry(node, segment) : undefined;
  }
  return node;
}

/** Reads what formatKeyPath writes; undefined when the text is not a key path. */
export function parseKeyPath(path: string): KeyPathSegment[] | undefined {
  const segments: KeyPathSegment[] = [];
  const token = /\.?([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  let index = 0;
  while (index < path.length) {
    token.lastIndex = index;
    const match = token.exec(path);
    if (!match) return undefined;
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push(JSON.parse(match[3]!) as string);
    index = token.lastIndex;
  }
  return segments;
}
