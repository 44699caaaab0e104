import type { JsonSchema, PluginDefinition, PluginKind } from '@kiln/sdk';
import { editorStruct, hoistedName, TEMPLATE_STRING, toEditorSchema, type EditorContext, type EditorSchema } from './editor-schema.js';
import { shapeOf } from './shape.js';

/** What the schema needs of a plugin (any PluginDefinition fits). */
export type PluginSchemaSource = Pick<PluginDefinition, 'kind' | 'type' | 'description' | 'schema'>;

const STRING_LIST: EditorSchema = { type: 'array', items: { type: 'string' } };
const CORE: EditorContext = { root: {}, prefix: 'core' };
const DURATION: EditorSchema = toEditorSchema({ type: 'string', 'x-kiln-duration': true }, CORE);

/** Keys Packer's core reads off a provisioner before the plugin sees its config. */
const PROVISIONER_KEYS = (type: string): Record<string, EditorSchema> => ({
  type: { const: type, description: 'The provisioner type.' },
  only: { ...STRING_LIST, description: 'Run only for these builds (builder names as written, no interpolation).' },
  except: { ...STRING_LIST, description: 'Skip these builds (builder names as written, no interpolation).' },
  override: {
    type: 'object',
    description: 'Per build (builder name as written): options merged over this provisioner’s options.',
    additionalProperties: { $ref: `#/definitions/provisioner.${type}.override` },
  },
  pause_before: { ...DURATION, description: 'Wait this long before running the provisioner (Go duration).' },
  timeout: { ...DURATION, description: 'Cancel the provisioner after this long (Go duration).' },
  max_retries: {
    description: 'Retry a failing provisioner this many times.',
    anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: '^[-+]?[0-9]+$' }, TEMPLATE_STRING],
  },
});

const POST_PROCESSOR_KEYS = (type: string): Record<string, EditorSchema> => ({
  type: { const: type, description: 'The post-processor type.' },
  name: { type: 'string', description: 'Name matched by `-except`; defaults to the type.' },
  only: { ...STRING_LIST, description: 'Run only for these builds.' },
  except: { ...STRING_LIST, description: 'Skip these builds.' },
  keep_input_artifact: toEditorSchema({ type: 'boolean', description: 'Keep the artifact this post-processor received.' }, CORE),
});

const BUILDER_KEYS = (type: string): Record<string, EditorSchema> => ({
  type: { const: type, description: 'The builder type.' },
  name: { type: 'string', description: 'The build name (defaults to the type); used by -only/-except and in output.' },
});

/**
 * A JSON Schema (draft-07, which VS Code, JetBrains IDEs and SchemaStore read fully) of a whole
 * Packer JSON template for the given plugins: top-level keys, variables, builders as a union
 * discriminated on `type`, provisioners with their core keys, post-processors in their three
 * forms. Like Packer, it lets a `{{ }}` string stand where a number, boolean or list is
 * expected, and accepts the weakly typed spellings Packer accepts (`"5"`, `"true"`, `"a,b"`).
 */
export function buildTemplateSchema(plugins: readonly PluginSchemaSource[]): JsonSchema {
  const definitions: Record<string, EditorSchema> = { any: {} };
  const typesOf = (kind: PluginKind) => [...new Set(plugins.filter((plugin) => plugin.kind === kind).map((plugin) => plugin.type))].sort();

  for (const plugin of plugins) {
    const prefix = `${plugin.kind}.${plugin.type}`;
    const context: EditorContext = { root: plugin.schema, prefix };
    for (const [name, schema] of Object.entries({ ...plugin.schema.$defs, ...(plugin.schema as EditorSchema).definitions })) {
      definitions[hoistedName(context, name)] = toEditorSchema(schema, context);
    }
    const config = editorStruct(shapeOf({ schema: plugin.schema, root: plugin.schema }), context, { required: true });
    const coreKeys =
      plugin.kind === 'builder'
        ? BUILDER_KEYS(plugin.type)
        : plugin.kind === 'provisioner'
          ? PROVISIONER_KEYS(plugin.type)
          : POST_PROCESSOR_KEYS(plugin.type);
    definitions[prefix] = {
      ...config,
      description: plugin.description,
      properties: { ...config.properties, ...coreKeys },
      required: ['type', ...(config.required ?? [])],
    };
    if (plugin.kind === 'provisioner') {
      definitions[`${prefix}.override`] = editorStruct(shapeOf({ schema: plugin.schema, root: plugin.schema }), context, { required: false });
    }
  }

  definitions.builder = discriminated('builder', typesOf('builder'), 'A builder: makes the machine image.');
  definitions.provisioner = discriminated('provisioner', typesOf('provisioner'), 'A provisioner: runs on the machine being built.');
  definitions['post-processor'] = discriminated('post-processor', typesOf('post-processor'), 'A post-processor: works on an artifact.');
  const postProcessorName: EditorSchema = { type: 'string', ...oneOfValues(typesOf('post-processor')), description: 'A post-processor type, with no options.' };
  const chainElement: EditorSchema = { anyOf: [postProcessorName, { $ref: '#/definitions/post-processor' }] };
  definitions['post-processor-chain'] = {
    description: 'A post-processor, or a sequence of them where each works on the previous one’s artifact.',
    anyOf: [postProcessorName, { $ref: '#/definitions/post-processor' }, { type: 'array', items: chainElement }],
  };

  const schema: EditorSchema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Packer JSON template',
    description: 'A Packer 1.6.6 JSON template, as Kiln reads it.',
    type: 'object',
    required: ['builders'],
    properties: {
      description: { type: 'string', description: 'Shown by `inspect`.' },
      min_packer_version: { type: 'string', description: 'The lowest Packer version this template runs with.' },
      variables: {
        type: 'object',
        description: 'User variables: name -> default value; `null` makes a variable required.',
        additionalProperties: { type: ['string', 'null'] },
      },
      'sensitive-variables': { ...STRING_LIST, description: 'Variables whose values are masked as `<sensitive>` in output.' },
      builders: { type: 'array', minItems: 1, items: { $ref: '#/definitions/builder' }, description: 'One build per builder.' },
      provisioners: { type: 'array', items: { $ref: '#/definitions/provisioner' }, description: 'Run in order in every build.' },
      'post-processors': { type: 'array', items: { $ref: '#/definitions/post-processor-chain' }, description: 'Chains run after each build.' },
      'error-cleanup-provisioner': { $ref: '#/definitions/provisioner', description: 'Runs only when provisioning failed.' },
      push: { type: 'object', description: 'Legacy Atlas settings: accepted and ignored.' },
    },
    patternProperties: { '^_': { type: 'string', description: 'A comment.' } },
    additionalProperties: false,
    definitions,
  };
  return schema;
}

/** An object whose `type` picks the plugin definition it must match (if/then per type). */
function discriminated(kind: PluginKind, types: readonly string[], description: string): EditorSchema {
  return {
    description,
    type: 'object',
    required: ['type'],
    properties: { type: { type: 'string', ...oneOfValues(types), description: `The ${kind} type.` } },
    ...(types.length > 0
      ? {
          allOf: types.map((type) => ({
            if: { required: ['type'], properties: { type: { const: type } } },
            then: { $ref: `#/definitions/${kind}.${type}` },
          })),
        }
      : {}),
  };
}

/** `enum` must not be empty in draft-07: with no plugins of a kind, nothing matches. */
function oneOfValues(values: readonly string[]): EditorSchema {
  return values.length > 0 ? { enum: values } : { not: {} };
}
