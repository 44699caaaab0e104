import type { JsonNode, JsonObjectNode } from '../json/ast.js';

/**
 * A provisioner's `override[build]` over its config, as Packer gets it by decoding the config and
 * then the override into the same Go struct (mapstructure, verified on 1.6.6): objects merge key
 * by key, lists merge element by element (an override `["x"]` over `["a", "b", "c"]` gives
 * `["x", "b", "c"]`), a `null` leaves the config's value, anything else replaces. Every node
 * keeps its own position, so errors point into the config or into the override.
 */
export function mergeOverride(config: JsonObjectNode, override: JsonObjectNode): JsonObjectNode {
  return mergeObjects(config, override);
}

function mergeNodes(base: JsonNode, over: JsonNode): JsonNode {
  if (over.kind === 'null') return base;
  if (base.kind === 'object' && over.kind === 'object') return mergeObjects(base, over);
  if (base.kind === 'array' && over.kind === 'array') {
    const items = over.items.map((item, index) => {
      const underneath = base.items[index];
      return underneath ? mergeNodes(underneath, item) : item;
    });
    return { ...over, items: [...items, ...base.items.slice(over.items.length)] };
  }
  return over;
}

function mergeObjects(base: JsonObjectNode, over: JsonObjectNode): JsonObjectNode {
  const overrides = new Map(over.entries.map((entry) => [entry.key, entry]));
  const entries = base.entries.map((entry) => {
    const replacement = overrides.get(entry.key);
    if (!replacement) return entry;
    overrides.delete(entry.key);
    const value = mergeNodes(entry.value, replacement.value);
    return value === entry.value ? entry : { ...replacement, value };
  });
  return { ...base, entries: [...entries, ...overrides.values()] };
}
