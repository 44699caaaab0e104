import type { JsonSchema } from '@kiln/sdk';
import { resolveRef, shapeOf, type SchemaShape } from './shape.js';

/** One option of a plugin as its docs page lists it. */
export interface PluginOption {
  /** `iso_url`; nested options read `launch_block_device_mappings[].device_name`. */
  readonly name: string;
  /** `string`, `integer`, `boolean`, `duration`, `list of string`, `map of string`, `object`, ... */
  readonly type: string;
  readonly required: boolean;
  readonly description: string;
  /** The schema's `default`, when it declares one. */
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly duration: boolean;
  readonly lateRender: boolean;
  readonly secret: boolean;
  readonly deprecated: boolean;
}

/** The options of a plugin schema in declaration order, nested objects' options after their parent. */
export function describePluginOptions(schema: JsonSchema): PluginOption[] {
  const options: PluginOption[] = [];
  collect(shapeOf({ schema, root: schema }), schema, '', options, new Set());
  return options;
}

function collect(shape: SchemaShape, root: JsonSchema, prefix: string, out: PluginOption[], visiting: Set<JsonSchema>): void {
  for (const [key, property] of shape.properties) {
    const name = `${prefix}${key}`;
    const resolved = dereference(property, root);
    const propertyShape = shapeOf({ schema: property, root });
    out.push({
      name,
      type: typeLabel(propertyShape, root),
      required: shape.required.includes(key),
      description: property.description ?? resolved.description ?? '',
      ...(firstDefined(property.default, resolved.default) !== undefined ? { default: firstDefined(property.default, resolved.default) } : {}),
      ...(resolved.enum ? { enum: resolved.enum } : {}),
      duration: propertyShape.duration,
      lateRender: propertyShape.lateRender,
      secret: propertyShape.secret,
      deprecated: property.deprecated === true || resolved.deprecated === true,
    });
    // Options of nested objects (and of objects in lists) follow their parent.
    const nested = propertyShape.properties.size > 0 ? { shape: propertyShape, suffix: '.' } : itemStruct(propertyShape, root);
    if (nested && !visiting.has(resolved)) {
      visiting.add(resolved);
      collect(nested.shape, root, `${name}${nested.suffix}`, out, visiting);
      visiting.delete(resolved);
    }
  }
}

function itemStruct(shape: SchemaShape, root: JsonSchema): { shape: SchemaShape; suffix: string } | undefined {
  if (!shape.items) return undefined;
  const items = shapeOf({ schema: shape.items, root });
  return items.properties.size > 0 ? { shape: items, suffix: '[].' } : undefined;
}

function typeLabel(shape: SchemaShape, root: JsonSchema): string {
  if (shape.duration) return 'duration';
  if (shape.types.length === 0) return 'any';
  return shape.types
    .map((type) => {
      if (type === 'array') return `list of ${shape.items ? typeLabel(shapeOf({ schema: shape.items, root }), root) : 'any'}`;
      if (type === 'object' && shape.properties.size === 0 && typeof shape.additional === 'object') {
        return `map of ${typeLabel(shapeOf({ schema: shape.additional, root }), root)}`;
      }
      return type;
    })
    .join(' or ');
}

function dereference(schema: JsonSchema, root: JsonSchema): JsonSchema {
  return schema.$ref !== undefined ? (resolveRef(root, schema.$ref) ?? schema) : schema;
}

function firstDefined(...values: unknown[]): unknown {
  return values.find((value) => value !== undefined);
}
