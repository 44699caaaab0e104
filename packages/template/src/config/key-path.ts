import type { SourcePosition } from '@kiln/sdk';
import type { JsonNode, TextPosition } from '../json/ast.js';
import { formatKeyPath, type KeyPathSegment } from '../json/value.js';

/** `builders[0]` + [`launch_block_device_mappings`, 0, `size`] -> `builders[0].launch_block_device_mappings[0].size`. */
export function joinKeyPath(prefix: string, segments: readonly KeyPathSegment[]): string {
  const tail = formatKeyPath(segments);
  if (prefix === '' || tail === '') return prefix + tail;
  return tail.startsWith('[') ? prefix + tail : `${prefix}.${tail}`;
}

export function toSourcePosition(file: string, position: TextPosition): SourcePosition {
  return { file, line: position.line, column: position.column, offset: position.offset };
}

/** Where a path leads in a node tree: the deepest node reached, and the key that named it. */
export interface LocatedNode {
  readonly node: JsonNode;
  readonly keyStart?: TextPosition;
}

/**
 * Unlike findJsonNode, stops at the deepest node when the path goes further than the nodes do:
 * a decoded value may be a comma-split string or a scalar lifted into a list.
 */
export function locateNode(root: JsonNode, segments: readonly KeyPathSegment[]): LocatedNode {
  let located: LocatedNode = { node: root };
  for (const segment of segments) {
    const { node } = located;
    if (node.kind === 'object' && typeof segment === 'string') {
      const entry = node.entries.findLast((candidate) => candidate.key === segment);
      if (!entry) break;
      located = { node: entry.value, keyStart: entry.keyStart };
    } else if (node.kind === 'array' && typeof segment === 'number' && node.items[segment]) {
      located = { node: node.items[segment] };
    } else {
      break;
    }
  }
  return located;
}
