import type { JsonSchema } from '@kiln/sdk';
import { resolveRef, shapeOf, type SchemaShape } from './shape.js';

/** JSON Schema draft-07 as editors read it: the sdk's subset plus the keywords the template schema uses. */
export interface EditorSchema extends JsonSchema {
  readonly $schema?: string;
  readonly definitions?: Readonly<Record<string, EditorSchema>>;
  readonly if?: EditorSchema;
  readonly then?: EditorSchema;
  readonly allOf?: readonly EditorSchema[];
  /** VS Code shows it and strikes the key through. */
  readonly deprecationMessage?: string;
}

/**
 * A `{{ }}` anywhere in a string: the value is interpolated before weak typing, so it may stand
 * where a number, a boolean, a list or an enum value is expected.
 */
export const TEMPLATE_STRING: EditorSchema = { type: 'string', pattern: '\\{\\{' };

/** Strings Packer's weak typing turns into the expected scalar (Go ParseInt base 0, ParseFloat, ParseBool, durations). */
const WEAK_STRINGS = {
  integer: { type: 'string', pattern: '^$|^[-+]?(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO]?[0-7_]*|[1-9][0-9_]*)$' },
  number: { type: 'string', pattern: '^$|^[-+]?([0-9_]+\\.?[0-9_]*|\\.[0-9_]+)([eE][-+]?[0-9]+)?$|^[-+]?(inf|infinity|nan)$' },
  boolean: { type: 'string', enum: ['', '1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False'] },
  duration: {
    type: 'string',
    pattern: '^[-+]?0$|^[-+]?(([0-9]+\\.?[0-9]*|\\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+$',
    description: 'A Go duration: `300ms`, `5m`, `1h30m`.',
  },
} satisfies Record<string, EditorSchema>;

/** Where a plugin's schema lands in the template schema: `#/definitions/<prefix>...`. */
export interface EditorContext {
  readonly root: JsonSchema;
  /** Definition name prefix of this plugin, e.g. `builder.qemu`. */
  readonly prefix: string;
}

/** The name a plugin's `$defs/x` (or `definitions/x`) gets among the template schema's definitions. */
export function hoistedName(context: EditorContext, name: string): string {
  return `${context.prefix}.${name}`;
}

/**
 * A plugin (sub)schema as an editor should check it: weak-typed and interpolated forms allowed,
 * objects with properties closed as Packer closes them, `$ref`s pointing at hoisted definitions,
 * x-kiln-* keywords turned into words.
 */
export function toEditorSchema(schema: JsonSchema, context: EditorContext): EditorSchema {
  if (schema.$ref !== undefined) return { ...annotations(schema), $ref: rewriteRef(schema.$ref, context) };
  const shape = shapeOf({ schema, root: context.root });
  if (shape.properties.size > 0 || shape.patternProperties.length > 0) {
    return { ...annotations(schema, shape), ...editorStruct(shape, context, { required: true }) };
  }
  if (shape.duration) return { ...annotations(schema, shape), anyOf: [WEAK_STRINGS.duration, { type: 'integer' }, TEMPLATE_STRING] };
  const strict = strictPart(schema, context);
  const alternatives = weakAlternatives(schema, shape);
  if (alternatives.length === 0) return { ...annotations(schema, shape), ...strict };
  return { ...annotations(schema, shape), anyOf: [strict, ...alternatives] };
}

/** The properties of a struct-like shape as a closed editor object. */
export function editorStruct(shape: SchemaShape, context: EditorContext, options: { required: boolean }): EditorSchema {
  const properties: Record<string, EditorSchema> = {};
  for (const [key, value] of shape.properties) properties[key] = toEditorSchema(value, context);
  const patternProperties: Record<string, EditorSchema> = {};
  for (const [pattern, value] of shape.patternProperties) patternProperties[pattern.source] = toEditorSchema(value, context);
  const additional = shape.additional;
  return {
    type: 'object',
    properties,
    ...(shape.patternProperties.length > 0 ? { patternProperties } : {}),
    ...(options.required && shape.required.length > 0 ? { required: shape.required } : {}),
    additionalProperties: additional === 'closed' ? false : additional === 'open' ? true : toEditorSchema(additional, context),
  };
}

const ANNOTATION_KEYS = ['title', 'description', 'default', 'examples', 'deprecated'] as const;

function annotations(schema: JsonSchema, shape?: SchemaShape): EditorSchema {
  const out: Record<string, unknown> = {};
  for (const key of ANNOTATION_KEYS) if (schema[key] !== undefined) out[key] = schema[key];
  const notes = [
    shape?.duration ? 'A Go duration (`5m`, `1h30s`).' : '',
    shape?.lateRender ? 'Rendered at run time: may use `{{ .Field }}` data.' : '',
    shape?.secret ? 'Secret: masked in output.' : '',
  ].filter(Boolean);
  if (notes.length > 0) out.description = [schema.description, ...notes].filter(Boolean).join(' ');
  if (schema.deprecated) out.deprecationMessage = schema.description ? `Deprecated. ${schema.description}` : 'Deprecated.';
  return out as EditorSchema;
}

/** The schema's own constraints with nested schemas converted and x-kiln keywords dropped. */
function strictPart(schema: JsonSchema, context: EditorContext): EditorSchema {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-kiln-') || key === '$defs' || key === '$id' || (ANNOTATION_KEYS as readonly string[]).includes(key)) continue;
    if (key === 'items' || key === 'not' || (key === 'additionalProperties' && typeof value === 'object')) {
      out[key] = toEditorSchema(value as JsonSchema, context);
    } else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') {
      out[key] = (value as JsonSchema[]).map((part) => toEditorSchema(part, context));
    } else {
      out[key] = value;
    }
  }
  return out as EditorSchema;
}

/** What else Packer accepts for a value of this shape. */
function weakAlternatives(schema: JsonSchema, shape: SchemaShape): EditorSchema[] {
  const types = shape.types;
  if (types.length === 0) return [];
  const constrained = schema.enum !== undefined || schema.const !== undefined || schema.pattern !== undefined || schema.minLength !== undefined;
  const alternatives: EditorSchema[] = [];
  if (types.includes('string') && !constrained) {
    // Numbers and booleans become strings (`5` -> "5", true -> "1").
    alternatives.push({ type: ['number', 'boolean'] });
  }
  if (types.includes('integer') && !constrained) alternatives.push(WEAK_STRINGS.integer);
  else if (types.includes('number') && !constrained) alternatives.push(WEAK_STRINGS.number);
  if (types.includes('boolean')) alternatives.push(WEAK_STRINGS.boolean);
  if (types.includes('array') && !types.includes('string')) {
    // A comma-separated string is split into a list.
    alternatives.push({ type: 'string' });
  } else if (types.some((type) => SCALARS.has(type)) && (!types.includes('string') || constrained)) {
    alternatives.push(TEMPLATE_STRING);
  }
  return alternatives;
}

const SCALARS = new Set(['string', 'integer', 'number', 'boolean']);

function rewriteRef(ref: string, context: EditorContext): string {
  const match = /^#\/(?:\$defs|definitions)\/([^/]+)$/.exec(ref);
  if (match && resolveRef(context.root, ref)) return `#/definitions/${hoistedName(context, decodeURIComponent(match[1]!))}`;
  // Anything else (`#`, deeper pointers) is not used by plugins; let the editor accept the value.
  return '#/definitions/any';
}
