import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { JsonSchema, PluginKind } from '@kiln/sdk';
import { Ajv } from 'ajv/dist/ajv.js';
import { describe, expect, it } from 'vitest';
import { buildTemplateSchema, type PluginSchemaSource } from './template-schema.js';

const CORPUS = fileURLToPath(new URL('../../../../../shared/corpus/', import.meta.url));

/** Fixture plugins with typed options, after Packer 1.6.6's docs. */
const fixtures: PluginSchemaSource[] = [
  {
    kind: 'builder',
    type: 'null',
    description: 'Runs provisioners on an existing machine.',
    schema: {
      type: 'object',
      properties: {
        communicator: { type: 'string', enum: ['ssh', 'winrm', 'none'], default: 'ssh' },
        ssh_host: { type: 'string' },
        ssh_username: { type: 'string' },
        ssh_port: { type: 'integer', default: 22 },
        ssh_pty: { type: 'boolean' },
        ssh_timeout: { type: 'string', 'x-kiln-duration': true },
      },
    },
  },
  {
    kind: 'builder',
    type: 'file',
    description: 'Writes a file.',
    schema: {
      type: 'object',
      properties: { content: { type: 'string' }, source: { type: 'string' }, target: { type: 'string' } },
    },
  },
  {
    kind: 'provisioner',
    type: 'shell-local',
    description: 'Runs commands on the machine running Kiln.',
    schema: { $ref: '#/$defs/shellLocal', $defs: { shellLocal: shellLocalSchema() } },
  },
  {
    kind: 'provisioner',
    type: 'file',
    description: 'Uploads or downloads files.',
    schema: {
      type: 'object',
      properties: {
        source: { type: 'string' },
        sources: { type: 'array', items: { type: 'string' } },
        destination: { type: 'string' },
        direction: { type: 'string', enum: ['upload', 'download'] },
        generated: { type: 'boolean' },
      },
      required: ['destination'],
    },
  },
  { kind: 'post-processor', type: 'shell-local', description: 'Runs local commands on an artifact.', schema: shellLocalSchema() },
  {
    kind: 'post-processor',
    type: 'manifest',
    description: 'Writes a manifest of the artifacts.',
    schema: {
      type: 'object',
      properties: {
        output: { type: 'string', default: 'packer-manifest.json' },
        strip_path: { type: 'boolean' },
        strip_time: { type: 'boolean' },
        custom_data: { type: 'object', additionalProperties: { type: 'string' }, 'x-kiln-late-render': true },
      },
    },
  },
];

function shellLocalSchema(): JsonSchema {
  return {
    type: 'object',
    allOf: [
      { properties: { inline: { type: 'array', items: { type: 'string' } }, command: { type: 'string' } } },
      {
        properties: {
          script: { type: 'string' },
          scripts: { type: 'array', items: { type: 'string' } },
          environment_vars: { type: 'array', items: { type: 'string' } },
          execute_command: { type: 'array', items: { type: 'string' }, 'x-kiln-late-render': true },
          valid_exit_codes: { type: 'array', items: { type: 'integer' } },
        },
      },
    ],
  };
}

function compile(schema: JsonSchema) {
  // Strict draft-07: the schema must not lean on anything a draft-07 editor would not know.
  const ajv = new Ajv({ allErrors: true, strictSchema: true, strictTypes: false, strictRequired: false });
  ajv.addKeyword('deprecationMessage');
  expect(ajv.validateSchema(schema as Record<string, unknown>), ajv.errorsText()).toBe(true);
  return ajv.compile(schema as Record<string, unknown>);
}

const validate = compile(buildTemplateSchema(fixtures));

function rejects(template: unknown, instancePath: string): void {
  expect(validate(template)).toBe(false);
  expect(validate.errors?.map((error) => error.instancePath)).toContain(instancePath);
}

describe('buildTemplateSchema', () => {
  it('is a draft-07 schema that describes the plugins', () => {
    const schema = buildTemplateSchema(fixtures) as { $schema: string; definitions: Record<string, JsonSchema> };
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.definitions['builder.null']?.description).toBe('Runs provisioners on an existing machine.');
    expect(JSON.stringify(schema)).not.toContain('x-kiln-');
  });

  it('accepts Packer’s weak typing and interpolation where numbers, booleans, lists and enums go', () => {
    const template = {
      _comment: 'root comments are strings',
      variables: { port: '22', required: null },
      'sensitive-variables': ['port'],
      builders: [
        { type: 'null', name: 'a', ssh_port: '{{user `port`}}', ssh_pty: 'true', communicator: '{{user `comm`}}', ssh_timeout: '5m' },
        { type: 'null', name: 'b', ssh_port: '0x16', ssh_pty: true, ssh_host: 5, ssh_timeout: 300 },
        { type: 'file', target: 'out.txt', content: 'x' },
      ],
      provisioners: [
        { type: 'shell-local', inline: 'echo a,echo b', valid_exit_codes: ['0', 1], only: ['a'], pause_before: '10s', max_retries: '{{user `n`}}' },
        { type: 'file', destination: '/tmp', direction: 'upload', override: { a: { direction: 'download' } }, timeout: '1m', max_retries: 3 },
      ],
      'error-cleanup-provisioner': { type: 'shell-local', inline: ['echo cleanup'] },
      'post-processors': [
        'manifest',
        { type: 'manifest', strip_time: 'true', custom_data: { built: '{{ .BuildName }}' }, keep_input_artifact: true },
        ['manifest', { type: 'shell-local', name: 'after', inline: ['echo done'], except: ['b'] }],
      ],
    };
    expect(validate(template), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each([
    ['a builder without type', { builders: [{ name: 'x' }] }, '/builders/0'],
    ['an unknown builder type', { builders: [{ type: 'amazon-chroot' }] }, '/builders/0/type'],
    ['an object for a string', { builders: [{ type: 'null', ssh_host: { a: 1 } }] }, '/builders/0/ssh_host'],
    ['a word for a boolean', { builders: [{ type: 'null', ssh_pty: 'maybe' }] }, '/builders/0/ssh_pty'],
    ['a word for an integer', { builders: [{ type: 'null', ssh_port: 'abc' }] }, '/builders/0/ssh_port'],
    ['a bad duration', { builders: [{ type: 'null', ssh_timeout: '5x' }] }, '/builders/0/ssh_timeout'],
    ['a value outside an enum', { builders: [{ type: 'null', communicator: 'telnet' }] }, '/builders/0/communicator'],
    ['an unknown plugin key', { builders: [{ type: 'null', bogus: 1 }] }, '/builders/0'],
    ['a _comment inside a builder (root only in 1.6.6)', { builders: [{ type: 'file', _comment: 'x' }] }, '/builders/0'],
    ['a missing required plugin key', { builders: [{ type: 'null' }], provisioners: [{ type: 'file' }] }, '/provisioners/0'],
    ['an unknown root key', { builders: [{ type: 'null' }], foo: 1 }, ''],
    ['a non-string root comment', { builders: [{ type: 'null' }], _c: 1 }, '/_c'],
    ['a number as variable default', { builders: [{ type: 'null' }], variables: { a: 1 } }, '/variables/a'],
    ['no builders', { builders: [] }, '/builders'],
    ['a nested post-processor sequence', { builders: [{ type: 'null' }], 'post-processors': [[['manifest']]] }, '/post-processors/0'],
    ['an unknown key in an override', { builders: [{ type: 'null' }], provisioners: [{ type: 'file', destination: 'd', override: { null: { nope: 1 } } }] }, '/provisioners/0/override/null'],
    ['only as a string', { builders: [{ type: 'null' }], provisioners: [{ type: 'file', destination: 'd', only: 'null' }] }, '/provisioners/0/only'],
  ])('rejects %s', (_, template, instancePath) => {
    rejects(template, instancePath);
  });
});

interface CorpusTemplate {
  readonly path: string;
  readonly json: unknown;
  readonly validateOut: string;
}

function corpusTemplates(): CorpusTemplate[] {
  const rows = readFileSync(`${CORPUS}index.tsv`, 'utf8').trim().split('\n').slice(1);
  return rows.flatMap((row) => {
    const [repo, , path] = row.split('\t');
    const file = `${CORPUS}${repo}/${path}`;
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      return []; // the one template that is not JSON: the parser's business
    }
    return [{ path: `${repo}/${path}`, json, validateOut: readFileSync(`${file}.expected/validate.out`, 'utf8') }];
  });
}

/** Every plugin type a template names, by kind. */
function pluginTypes(template: Record<string, unknown>): [PluginKind, string][] {
  const types: [PluginKind, string][] = [];
  const typeOf = (value: unknown) => (typeof value === 'string' ? value : (value as { type?: string }).type);
  for (const builder of (template.builders as unknown[]) ?? []) types.push(['builder', typeOf(builder)!]);
  const provisioners = [...((template.provisioners as unknown[]) ?? []), ...(template['error-cleanup-provisioner'] ? [template['error-cleanup-provisioner']] : [])];
  for (const provisioner of provisioners) types.push(['provisioner', typeOf(provisioner)!]);
  for (const chain of (template['post-processors'] as unknown[]) ?? []) {
    for (const postProcessor of Array.isArray(chain) ? chain : [chain]) types.push(['post-processor', typeOf(postProcessor)!]);
  }
  return types;
}

describe.skipIf(!existsSync(CORPUS))('buildTemplateSchema on the corpus', () => {
  const templates = existsSync(CORPUS) ? corpusTemplates() : [];

  it('accepts the structure of every corpus template (plugins with open schemas)', () => {
    expect(templates.length).toBeGreaterThan(60);
    const refused = templates.filter((template) => {
      const plugins = pluginTypes(template.json as Record<string, unknown>).map(([kind, type]) => ({
        kind,
        type,
        description: type,
        schema: { type: 'object' } as const,
      }));
      const check = compile(buildTemplateSchema(plugins));
      return !check(template.json);
    });
    expect(refused.map((template) => template.path)).toEqual([]);
  });

  it('with typed fixture plugins, accepts what Packer accepts and refuses the unknown keys Packer refuses', () => {
    const known = new Set(fixtures.map((plugin) => `${plugin.kind}/${plugin.type}`));
    const covered = templates.filter((template) =>
      pluginTypes(template.json as Record<string, unknown>).every(([kind, type]) => known.has(`${kind}/${type}`)),
    );
    expect(covered.length).toBeGreaterThanOrEqual(6);
    for (const template of covered) {
      const packerRefusedKeys = template.validateOut.includes('unknown configuration key');
      expect(validate(template.json), template.path).toBe(!packerRefusedKeys);
    }
  });
});
