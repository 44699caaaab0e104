import type { SourcePosition } from './errors.js';

export type PluginKind = 'builder' | 'provisioner' | 'post-processor';

/**
 * The subset of JSON Schema (draft 2020-12 as ajv reads it) plugins declare their options with.
 * `x-kiln-*` keywords carry Packer's decoding rules that JSON Schema has no word for.
 */
export interface JsonSchema {
  readonly $id?: string;
  readonly $ref?: string;
  readonly $defs?: Readonly<Record<string, JsonSchema>>;
  readonly title?: string;
  readonly description?: string;
  readonly type?: JsonSchemaType | readonly JsonSchemaType[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly default?: unknown;
  readonly format?: string;
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly minItems?: number;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly patternProperties?: Readonly<Record<string, JsonSchema>>;
  readonly items?: JsonSchema;
  readonly oneOf?: readonly JsonSchema[];
  readonly anyOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
  readonly not?: JsonSchema;
  readonly examples?: readonly unknown[];
  readonly deprecated?: boolean;
  /** Go duration (`5m`, `1h30s`): validated as such, parsed by the plugin with parseGoDuration. */
  readonly 'x-kiln-duration'?: boolean;
  /** Rendered later with runtime data (Packer's InterpolateFilter Exclude): not interpolated at prepare. */
  readonly 'x-kiln-late-render'?: boolean;
  /** Secret: never printed, masked as `<sensitive>`. */
  readonly 'x-kiln-secret'?: boolean;
  /**
   * On a plugin's root schema: old keys that `fix` rewrites (Packer's DeprecatedOptions for this
   * plugin). Found in a config they are reported as `Deprecated configuration key: 'k'. Please call
   * \`packer fix\`...` instead of `unknown configuration key`.
   */
  readonly 'x-kiln-fixable'?: readonly string[];
}

export type JsonSchemaType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

/** What the template layer hands a plugin at prepare time besides its decoded config. */
export interface PrepareContext {
  readonly buildName: string;
  readonly builderType: string;
  readonly templatePath?: string;
  /**
   * The directory relative paths of the config are resolved against (the user's working
   * directory; a library caller's `cwd`). Undefined means process.cwd().
   */
  readonly cwd?: string;
  /** Position of a config key (`a.b[0]`), for errors that point at the line. */
  positionOf(keyPath: string): SourcePosition | undefined;
  /**
   * Renders a template string that the schema marks `x-kiln-late-render` (execute_command, output
   * paths, tags...) with the build's functions and user variables plus `{{.Field}}` data.
   * Plugins keep the context and call this at run time, when the data exists.
   */
  render(text: string, data?: Readonly<Record<string, unknown>>): string;
}

export interface PluginDefinition<Config = unknown, Instance = unknown> {
  readonly kind: PluginKind;
  readonly type: string;
  /** One line for `kiln schema` and the docs page. */
  readonly description: string;
  readonly schema: JsonSchema;
  /**
   * Extra template functions for this plugin's config, as Packer gives them: the amazon builders
   * have `clean_resource_name`.
   */
  readonly templateFunctions?: 'amazon';
  /** Checks that a schema cannot express; returns messages in Packer's wording. */
  readonly validate?: (config: Config, ctx: PrepareContext) => readonly string[];
  readonly create: () => Instance;
}

/**
 * Declares a plugin. The identity function at run time; it exists so the config type, schema and
 * factory are checked together and every plugin reads the same.
 */
export function definePlugin<Config, Instance>(
  definition: PluginDefinition<Config, Instance>,
): PluginDefinition<Config, Instance> {
  return definition;
}

/**
 * How a host finds plugins without loading them: `validate` of a QEMU template must not pay for
 * the AWS SDK, so the registry maps each type to a loader that is awaited only when named.
 */
export interface PluginRegistry {
  kinds(kind: PluginKind): readonly string[];
  has(kind: PluginKind, type: string): boolean;
  load(kind: PluginKind, type: string): Promise<PluginDefinition | undefined>;
}

export type PluginLoader = () => Promise<PluginDefinition>;

export function createPluginRegistry(
  loaders: Readonly<Record<PluginKind, Readonly<Record<string, PluginLoader>>>>,
): PluginRegistry {
  const cache = new Map<string, Promise<PluginDefinition>>();
  return {
    kinds: (kind) => Object.keys(loaders[kind]).sort(),
    has: (kind, type) => Object.hasOwn(loaders[kind], type),
    load(kind, type) {
      const loader = loaders[kind][type];
      if (!loader) return Promise.resolve(undefined);
      const key = `${kind}/${type}`;
      let pending = cache.get(key);
      if (!pending) {
        pending = loader();
        cache.set(key, pending);
      }
      return pending;
    },
  };
}
