import { KilnError, isKilnError, type JsonSchema, type SourcePosition } from '@kiln/sdk';
import type { JsonArrayNode, JsonEntry, JsonNode, JsonObjectNode, JsonStringNode } from '../json/ast.js';
import { childSchema, shapeOf, type SchemaShape } from '../schema/shape.js';
import { closestKey } from './did-you-mean.js';
import { quote } from '../gotemplate/strconv.js';
import { formatKeyPath, jsonToValue, type KeyPathSegment as PathSegment } from '../json/value.js';
import { goMultiErrorText, mapstructureErrorText } from '../read/go/error-text.js';
import { compareGoStrings } from '../read/go/values.js';
import { joinKeyPath, toSourcePosition } from './key-path.js';
import { toSchemaErrors } from './schema-errors.js';
import { validatorFor } from './validator.js';
import { coerceScalar, unconvertible, zeroValue, type Coerced } from './weak-typing.js';

export interface DecodeOptions {
  /** Template path, for error positions. */
  readonly file: string;
  /** Where the config sits in the template (`builders[0]`); error key paths start with it. */
  readonly keyPath: string;
  /** Interpolates one string value (Go template); may throw a KilnError. */
  readonly render: (text: string, position: SourcePosition) => string;
  /**
   * The late pass: render values under `x-kiln-late-render` too. By default they are kept as
   * written, because their data (`{{ .Path }}`, build data) only exists at run time.
   */
  readonly lateRender?: boolean;
}

export interface DecodeResult<C> {
  /** Only to be used when `errors` is empty: values that failed to convert are left out. */
  readonly config: C;
  readonly errors: KilnError[];
  /**
   * The text Packer 1.6.6 prints when its config.Decode fails on this config, byte for byte. Packer
   * stops at the first failing stage: interpolation (one error), then weak typing (mapstructure's
   * `N error(s) decoding:`), then unknown keys (go-multierror). Undefined when Packer's decode
   * would pass, even if the schema found problems (Packer's plugin words those itself).
   */
  readonly packerMessage?: string;
}

/**
 * Decodes one plugin's config the way Packer's config.Decode does: every string interpolated,
 * weakly typed values converted (mapstructure WeaklyTypedInput), unknown keys refused; then
 * validated against the plugin's schema. Every problem is reported at once, each with the
 * position of the offending key or value and its key path (`builders[0].disk_size`).
 * Keys starting `packer_` are reserved for core and dropped; `null` leaves a key unset.
 */
export function decodePluginConfig<C>(node: JsonObjectNode, schema: JsonSchema, options: DecodeOptions): DecodeResult<C> {
  const decoder = new ConfigDecoder(schema, options);
  const config = decoder.decodeRoot(node);
  const validate = validatorFor(schema);
  const schemaErrors = validate(config)
    ? []
    : toSchemaErrors(validate.errors ?? [], {
        node,
        data: config,
        file: options.file,
        keyPath: options.keyPath,
        reported: decoder.reportedPointers,
      });
  const packerMessage = decoder.packerMessage();
  return { config: config as C, errors: [...decoder.errors(), ...schemaErrors], ...(packerMessage ? { packerMessage } : {}) };
}

class ConfigDecoder {
  private readonly renderErrors: KilnError[] = [];
  private readonly typeErrors: KilnError[] = [];
  private readonly keyErrors: KilnError[] = [];
  readonly reportedPointers = new Set<string>();

  constructor(
    private readonly root: JsonSchema,
    private readonly options: DecodeOptions,
  ) {}

  /** Packer's order: decode errors sorted by text (mapstructure), unknown keys sorted by path. */
  errors(): KilnError[] {
    const byMessage = (a: KilnError, b: KilnError) => compareGoStrings(a.message, b.message);
    return [...this.renderErrors, ...[...this.typeErrors].sort(byMessage), ...this.sortedKeyErrors()];
  }

  packerMessage(): string | undefined {
    if (this.renderErrors.length > 0) return this.renderErrors[0]!.message;
    if (this.typeErrors.length > 0) return mapstructureErrorText(this.typeErrors.map((error) => error.message));
    if (this.keyErrors.length > 0) return goMultiErrorText(this.sortedKeyErrors().map((error) => error.message));
    return undefined;
  }

  private sortedKeyErrors(): KilnError[] {
    return [...this.keyErrors].sort((a, b) => compareGoStrings(a.keyPath ?? '', b.keyPath ?? ''));
  }

  decodeRoot(node: JsonObjectNode): Record<string, unknown> {
    return this.object(node, this.shape(this.root), [], false);
  }

  private shape(schema: JsonSchema): SchemaShape {
    return shapeOf({ schema, root: this.root });
  }

  private value(node: JsonNode, schema: JsonSchema, path: PathSegment[], lateAbove: boolean): unknown {
    const shape = this.shape(schema);
    const late = lateAbove || (shape.lateRender && this.options.lateRender !== true);
    switch (node.kind) {
      case 'string':
        return this.fromString(node, late ? node.value : this.render(node.value, node, path), shape, path);
      case 'number':
      case 'boolean':
        return this.scalar(node.value, node, shape, path);
      case 'null':
        return zeroValue(shape);
      case 'array':
        return this.fromArray(node, shape, path, late);
      case 'object':
        return this.fromObject(node, shape, path, late);
    }
  }

  private fromString(node: JsonStringNode, text: string, shape: SchemaShape, path: PathSegment[]): unknown {
    if (!shape.duration && accepts(shape, 'array') && !accepts(shape, 'string')) {
      // mapstructure's StringToSliceHookFunc(","): `"a,b"` is ["a", "b"], `""` is [].
      const itemShape = this.shape(shape.items ?? {});
      const parts = text === '' ? [] : text.split(',');
      return parts.map((part, index) => this.scalar(part, node, itemShape, [...path, index]));
    }
    return this.scalar(text, node, shape, path);
  }

  private scalar(value: string | number | boolean, node: JsonNode, shape: SchemaShape, path: PathSegment[]): unknown {
    if (!shape.duration && accepts(shape, 'array') && !accepts(shape, typeof value === 'number' ? 'number' : typeof value)) {
      // Weak typing lifts a single value into a list.
      return [this.scalar(value, node, this.shape(shape.items ?? {}), [...path, 0])];
    }
    return this.settle(coerceScalar(value, shape, formatKeyPath(path)), node, path);
  }

  private fromArray(node: JsonArrayNode, shape: SchemaShape, path: PathSegment[], late: boolean): unknown {
    if (accepts(shape, 'array')) {
      const items = shape.items ?? {};
      return node.items.map((item, index) => this.value(item, items, [...path, index], late));
    }
    if (accepts(shape, 'object')) {
      // Weak typing merges a list of maps into one map.
      const merged: Record<string, unknown> = {};
      node.items.forEach((item, index) => {
        if (item.kind === 'object') Object.assign(merged, this.fromObject(item, shape, [...path, index], late));
        else this.settle(unconvertible(jsonToValue(item), 'object', formatKeyPath([...path, index])), item, [...path, index]);
      });
      return merged;
    }
    return this.settle(unconvertible(jsonToValue(node), shape.types[0]!, formatKeyPath(path)), node, path);
  }

  private fromObject(node: JsonObjectNode, shape: SchemaShape, path: PathSegment[], late: boolean): unknown {
    if (accepts(shape, 'object')) return this.object(node, shape, path, late);
    if (accepts(shape, 'array')) {
      // Weak typing lifts a map into a one-element list; an empty map is an empty list.
      if (node.entries.length === 0) return [];
      return [this.value(node, shape.items ?? {}, [...path, 0], late)];
    }
    return this.settle(unconvertible(jsonToValue(node), shape.types[0]!, formatKeyPath(path)), node, path);
  }

  private object(node: JsonObjectNode, shape: SchemaShape, path: PathSegment[], late: boolean): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    for (const entry of node.entries) {
      if (path.length === 0 && isReservedRootKey(entry.key, shape)) continue;
      const schema = childSchema(shape, entry.key);
      if (schema === undefined) {
        this.unknownKey(entry, shape, path);
        continue;
      }
      const declared = shape.properties.has(entry.key);
      // A declared key that is null stays unset, as mapstructure skips nil input.
      if (declared && entry.value.kind === 'null') continue;
      // Map keys are rendered too (Packer's RenderMap walks keys below the top level).
      const key = declared || late ? entry.key : this.render(entry.key, { start: entry.keyStart }, [...path, entry.key]);
      const value = this.value(entry.value, schema, [...path, key], late);
      if (value !== undefined) result[key] = value;
    }
    return result;
  }

  private unknownKey(entry: JsonEntry, shape: SchemaShape, path: PathSegment[]): void {
    const relative = formatKeyPath([...path, entry.key]);
    const fixable = path.length === 0 && (this.root['x-kiln-fixable'] ?? []).includes(entry.key);
    const suggestion = fixable ? undefined : closestKey(entry.key, shape.properties.keys());
    const message = fixable
      ? `Deprecated configuration key: '${entry.key}'. Please call \`packer fix\` against your template to update your ` +
        'template to be compatible with the current version of Packer. Visit https://www.packer.io/docs/commands/fix/ ' +
        'for more detail.'
      : `unknown configuration key: '${quote(relative)}'`;
    const hint = fixable ? 'run `kiln fix` on the template' : suggestion ? `did you mean "${suggestion}"?` : undefined;
    this.keyErrors.push(
      new KilnError('CONFIG_INVALID', message, {
        position: toSourcePosition(this.options.file, entry.keyStart),
        keyPath: joinKeyPath(this.options.keyPath, [...path, entry.key]),
        ...(hint ? { hint } : {}),
      }),
    );
  }

  /** The converted value, or undefined (the key left out) after recording why it does not convert. */
  private settle(coerced: Coerced, node: Pick<JsonNode, 'start'>, path: PathSegment[]): unknown {
    if (coerced.ok) return coerced.value;
    this.reportedPointers.add(pointerOf(path));
    this.typeErrors.push(
      new KilnError('CONFIG_INVALID', coerced.error, {
        position: toSourcePosition(this.options.file, node.start),
        keyPath: joinKeyPath(this.options.keyPath, path),
      }),
    );
    return undefined;
  }

  private render(text: string, node: Pick<JsonNode, 'start'>, path: PathSegment[]): string {
    if (!text.includes('{{')) return text;
    const position = toSourcePosition(this.options.file, node.start);
    try {
      return this.options.render(text, position);
    } catch (error) {
      this.renderErrors.push(renderError(error, text, position, joinKeyPath(this.options.keyPath, path), path));
      return text;
    }
  }
}

/** `packer_*` keys are injected by core in Packer; `type` is ignored there even when left in. */
function isReservedRootKey(key: string, shape: SchemaShape): boolean {
  return key.startsWith('packer_') || (key === 'type' && !shape.properties.has('type'));
}

function accepts(shape: SchemaShape, type: string): boolean {
  return shape.types.length === 0 || shape.types.some((allowed) => allowed === type || (type === 'number' && allowed === 'integer'));
}

/**
 * Packer's wording: `invalid 'key': <parse error> in:\n\n<text>` for a template that does not
 * parse, `render 'key': <error> in:\n\n<text>` for one that fails to execute (Go's exec errors
 * read `template: name:1:2: executing ...`).
 */
function renderError(error: unknown, text: string, position: SourcePosition, keyPath: string, path: PathSegment[]): KilnError {
  const detail = error instanceof Error ? error.message : String(error);
  const phase = templatePhase(error) ?? (detail.startsWith('template: ') && !detail.includes(': executing "') ? 'parse' : 'exec');
  const verb = phase === 'parse' ? 'invalid' : 'render';
  const topKey = String(path[0] ?? '');
  const code = isKilnError(error) ? error.code : 'TEMPLATE_INTERPOLATION';
  return new KilnError(code, `${verb} '${topKey}': ${detail} in:\n\n${text}`, {
    position: isKilnError(error) && error.position ? error.position : position,
    keyPath,
    ...(isKilnError(error) && error.hint ? { hint: error.hint } : {}),
    cause: error,
  });
}

/** The `phase` of a GoTemplateError, itself or as the cause of a wrapping error. */
function templatePhase(error: unknown): 'parse' | 'exec' | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 4; current = current.cause, depth++) {
    const phase = (current as { phase?: unknown }).phase;
    if (phase === 'parse' || phase === 'exec') return phase;
  }
  return undefined;
}

function pointerOf(path: readonly PathSegment[]): string {
  return path.map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
