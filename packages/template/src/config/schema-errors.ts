import { KilnError } from '@kiln/sdk';
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { JsonObjectNode } from '../json/ast.js';
import { quote } from '../gotemplate/strconv.js';
import { formatKeyPath, type KeyPathSegment as PathSegment } from '../json/value.js';
import { joinKeyPath, locateNode, toSourcePosition } from './key-path.js';
import { unconvertible } from './weak-typing.js';

export interface SchemaErrorContext {
  readonly node: JsonObjectNode;
  readonly data: unknown;
  readonly file: string;
  readonly keyPath: string;
  /** JSON pointers already reported by weak typing: errors at or below them would repeat it. */
  readonly reported: ReadonlySet<string>;
}

/** Turns ajv's errors into KilnErrors that name the key and point at the value. */
export function toSchemaErrors(errors: readonly ErrorObject[], context: SchemaErrorContext): KilnError[] {
  const combinators = errors.filter((error) => error.keyword === 'anyOf' || error.keyword === 'oneOf');
  return errors
    .filter((error) => !isBelowReported(pointerOf(error), context.reported))
    // An anyOf/oneOf failure is reported once, not once per alternative tried.
    .filter((error) => !combinators.some((outer) => error.schemaPath.startsWith(`${outer.schemaPath}/`)))
    // `if` only says which of then/else failed; their own errors say what is wrong.
    .filter((error) => error.keyword !== 'if')
    .map((error) => toKilnError(error, context));
}

/** Where the error is; for a missing key, where the key would be (it may have failed weak typing). */
function pointerOf(error: ErrorObject): string {
  if (error.keyword !== 'required') return error.instancePath;
  const missing = String((error.params as { missingProperty?: unknown }).missingProperty);
  return `${error.instancePath}/${missing.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

function isBelowReported(pointer: string, reported: ReadonlySet<string>): boolean {
  for (const failed of reported) if (pointer === failed || pointer.startsWith(`${failed}/`)) return true;
  return false;
}

function toKilnError(error: ErrorObject, context: SchemaErrorContext): KilnError {
  const segments = segmentsOf(error.instancePath, context.data);
  const params = error.params as Record<string, unknown>;
  const name = (extra: PathSegment[] = []) => formatKeyPath([...segments, ...extra]);
  const at = (extra: PathSegment[] = []) => {
    const located = locateNode(context.node, [...segments, ...extra]);
    const useKey = error.keyword === 'additionalProperties' && located.keyStart !== undefined;
    return toSourcePosition(context.file, useKey ? located.keyStart! : located.node.start);
  };
  const make = (message: string, extra: PathSegment[] = [], hint?: string, position = at(extra)) =>
    new KilnError('CONFIG_INVALID', message, {
      position,
      keyPath: joinKeyPath(context.keyPath, [...segments, ...extra]),
      ...(hint ? { hint } : {}),
    });
  const value: unknown = error.data;

  switch (error.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      const description = propertyDescription(error.parentSchema, missing);
      return make(`'${name([missing])}' must be specified`, [missing], description, at());
    }
    case 'additionalProperties': {
      const extra = String(params.additionalProperty);
      return make(`unknown configuration key: '${quote(name([extra]))}'`, [extra]);
    }
    case 'type': {
      const expected = String(params.type).split(',')[0] as Parameters<typeof unconvertible>[1];
      const coerced = unconvertible(value, expected, name());
      return make(coerced.ok ? `'${name()}' ${error.message ?? 'has the wrong type'}` : coerced.error);
    }
    case 'enum':
      return make(`'${name()}' must be one of ${(params.allowedValues as unknown[]).map(show).join(', ')}; got ${show(value)}`);
    case 'const':
      return make(`'${name()}' must be ${show(params.allowedValue)}; got ${show(value)}`);
    case 'pattern':
      return make(`'${name()}' must match the pattern ${String(params.pattern)}; got ${show(value)}`);
    case 'minLength':
      return make(Number(params.limit) === 1 ? `'${name()}' must not be empty` : `'${name()}' ${error.message}`);
    case 'minItems':
      return make(`'${name()}' must have at least ${String(params.limit)} item(s)`);
    case 'anyOf':
      return make(`${subject(name())} does not match any of the allowed forms`);
    case 'oneOf':
      return make(
        params.passingSchemas
          ? `${subject(name())} matches more than one of the allowed forms`
          : `${subject(name())} does not match any of the allowed forms`,
      );
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return make(`'${name()}' ${error.message}; got ${show(value)}`);
    default:
      return make(`${subject(name())} ${error.message ?? 'is invalid'}`);
  }
}

function subject(name: string): string {
  return name === '' ? 'the configuration' : `'${name}'`;
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function propertyDescription(parentSchema: unknown, key: string): string | undefined {
  const properties = (parentSchema as { properties?: Record<string, { description?: unknown }> } | undefined)?.properties;
  const description = properties?.[key]?.description;
  return typeof description === 'string' ? description : undefined;
}

/** JSON pointer -> segments; numeric tokens are indexes only where the data is an array. */
function segmentsOf(pointer: string, data: unknown): PathSegment[] {
  if (pointer === '') return [];
  const segments: PathSegment[] = [];
  let current = data;
  for (const raw of pointer.split('/').slice(1)) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      const index = Number(token);
      segments.push(index);
      current = current[index];
    } else {
      segments.push(token);
      current = typeof current === 'object' && current !== null ? (current as Record<string, unknown>)[token] : undefined;
    }
  }
  return segments;
}
