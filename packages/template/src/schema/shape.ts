import type { JsonSchema, JsonSchemaType } from '@kiln/sdk';

/**
 * What a (sub)schema asks of a value, with `$ref`, `allOf`, `anyOf` and `oneOf` folded in. Config
 * decoding needs it for Packer's weak typing and unknown keys, the docs for their tables.
 */
export interface SchemaShape {
  /** Allowed JSON types in declaration order; empty means any. */
  readonly types: readonly JsonSchemaType[];
  /** Known keys of an object, with their schemas (first declaration wins). */
  readonly properties: ReadonlyMap<string, JsonSchema>;
  readonly required: readonly string[];
  readonly patternProperties: readonly (readonly [RegExp, JsonSchema])[];
  /**
   * Keys that are neither properties nor pattern matches: `closed` (unknown configuration key),
   * `open` (anything), or a schema (a map such as `tags`). Like a Go struct, an object that lists
   * properties and says nothing about additionalProperties is closed.
   */
  readonly additional: 'closed' | 'open' | JsonSchema;
  readonly items?: JsonSchema;
  readonly duration: boolean;
  readonly lateRender: boolean;
  readonly secret: boolean;
}

/** A subschema together with the root its `$ref`s resolve against. */
export interface SchemaRef {
  readonly schema: JsonSchema;
  readonly root: JsonSchema;
}

export function shapeOf({ schema, root }: SchemaRef): SchemaShape {
  const acc = new ShapeAccumulator();
  acc.add(schema, root, new Set());
  return acc.finish();
}

/** The schema of `key` inside an object of this shape, or undefined when the key is unknown. */
export function childSchema(shape: SchemaShape, key: string): JsonSchema | undefined {
  const declared = shape.properties.get(key);
  if (declared) return declared;
  for (const [pattern, schema] of shape.patternProperties) if (pattern.test(key)) return schema;
  if (shape.additional === 'open') return {};
  if (shape.additional === 'closed') return undefined;
  return shape.additional;
}

/** Resolves a local `$ref` (`#`, `#/$defs/x`, `#/definitions/x`) against the root schema. */
export function resolveRef(root: JsonSchema, ref: string): JsonSchema | undefined {
  if (!ref.startsWith('#')) return undefined;
  const pointer = decodeURIComponent(ref.slice(1));
  if (pointer === '') return root;
  let current: unknown = root;
  for (const raw of pointer.split('/').slice(1)) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, token)) return undefined;
    current = (current as Record<string, unknown>)[token];
  }
  return typeof current === 'object' && current !== null ? (current as JsonSchema) : undefined;
}

class ShapeAccumulator {
  private types: JsonSchemaType[] | undefined;
  private readonly properties = new Map<string, JsonSchema>();
  private readonly required = new Set<string>();
  private readonly patternProperties: (readonly [RegExp, JsonSchema])[] = [];
  private additional: 'closed' | 'open' | JsonSchema | undefined;
  private items: JsonSchema | undefined;
  private duration = false;
  private lateRender = false;
  private secret = false;

  add(schema: JsonSchema, root: JsonSchema, seen: Set<JsonSchema>, optional = false): void {
    if (seen.has(schema)) return;
    seen.add(schema);
    if (schema.$ref !== undefined) {
      const target = resolveRef(root, schema.$ref);
      if (target) this.add(target, root, seen, optional);
    }
    this.addTypes(schema);
    for (const [key, value] of Object.entries(schema.properties ?? {})) {
      if (!this.properties.has(key)) this.properties.set(key, value);
    }
    if (!optional) for (const key of schema.required ?? []) this.required.add(key);
    for (const [pattern, value] of Object.entries(schema.patternProperties ?? {})) {
      this.patternProperties.push([new RegExp(pattern, 'u'), value]);
    }
    if (schema.additionalProperties !== undefined && this.additional === undefined) {
      const extra = schema.additionalProperties;
      this.additional = extra === false ? 'closed' : extra === true ? 'open' : extra;
    }
    if (schema.items && !this.items) this.items = schema.items;
    this.duration ||= schema['x-kiln-duration'] === true;
    this.lateRender ||= schema['x-kiln-late-render'] === true;
    this.secret ||= schema['x-kiln-secret'] === true;
    for (const part of schema.allOf ?? []) this.add(part, root, seen, optional);
    // Alternatives contribute what they might allow; only the schema can say which one applies.
    for (const part of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) this.add(part, root, seen, true);
  }

  private addTypes(schema: JsonSchema): void {
    const declared = schema.type === undefined ? inferTypes(schema) : typeof schema.type === 'string' ? [schema.type] : schema.type;
    if (declared.length === 0) return;
    this.types ??= [];
    for (const type of declared) if (!this.types.includes(type)) this.types.push(type);
  }

  finish(): SchemaShape {
    const hasProperties = this.properties.size > 0 || this.patternProperties.length > 0;
    return {
      types: this.types ?? [],
      properties: this.properties,
      required: [...this.required],
      patternProperties: this.patternProperties,
      additional: this.additional ?? (hasProperties ? 'closed' : 'open'),
      ...(this.items ? { items: this.items } : {}),
      duration: this.duration,
      lateRender: this.lateRender,
      secret: this.secret,
    };
  }
}

/** `enum`/`const` imply types even when `type` is left out. */
function inferTypes(schema: JsonSchema): JsonSchemaType[] {
  const values = schema.const !== undefined ? [schema.const] : (schema.enum ?? []);
  const types: JsonSchemaType[] = [];
  for (const value of values) {
    const type = jsonTypeOf(value);
    if (type && !types.includes(type)) types.push(type);
  }
  return types;
}

export function jsonTypeOf(value: unknown): JsonSchemaType | undefined {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'object':
      return 'object';
    default:
      return undefined;
  }
}
