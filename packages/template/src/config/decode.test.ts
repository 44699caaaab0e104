import { KilnError, type JsonSchema, type SourcePosition } from '@kiln/sdk';
import { beforeAll, describe, expect, it } from 'vitest';
import type { JsonObjectNode } from '../json/ast.js';
import { GoTemplateError } from '../gotemplate/index.js';
import { parseJson } from '../json/index.js';
import { decodePluginConfig, type DecodeOptions } from './decode.js';
import { loadValidator, usePrecompiledValidator, validatorFor } from './validator.js';

// A slice of Packer's communicator and amazon-ebs options: enough for every weak-typing rule.
const schema: JsonSchema = {
  type: 'object',
  properties: {
    ssh_host: { type: 'string' },
    ssh_username: { type: 'string', description: 'The user to connect as.' },
    ssh_password: { type: 'string', 'x-kiln-secret': true },
    ssh_port: { type: 'integer' },
    ssh_proxy_port: { type: 'integer' },
    ssh_pty: { type: 'boolean' },
    ssh_agent_auth: { type: 'boolean' },
    ssh_timeout: { type: 'string', 'x-kiln-duration': true },
    ssh_keep_alive_interval: { type: 'string', 'x-kiln-duration': true },
    ssh_read_write_timeout: { type: 'string', 'x-kiln-duration': true },
    ssh_handshake_attempts: { type: 'integer' },
    ssh_ciphers: { type: 'array', items: { type: 'string' } },
    ssh_key_exchange_algorithms: { type: 'array', items: { type: 'string' } },
    ami_regions: { type: 'array', items: { type: 'string' } },
    ami_description: { type: 'string' },
    ami_users: { type: 'array', items: { type: 'string' } },
    ami_groups: { type: 'array', items: { type: 'string' } },
    spot_price: { type: 'number' },
    run_tags: { type: 'object', additionalProperties: { type: 'string' } },
    tags: { type: 'object', additionalProperties: { type: 'string' }, 'x-kiln-late-render': true },
    execute_command: { type: 'string', 'x-kiln-late-render': true },
    communicator: { type: 'string', enum: ['ssh', 'winrm', 'none'] },
    disk_size: { type: 'integer', minimum: 1 },
    launch_block_device_mappings: {
      type: 'array',
      items: {
        type: 'object',
        properties: { device_name: { type: 'string' }, volume_size: { type: 'integer' } },
        required: ['device_name'],
      },
    },
  },
  'x-kiln-fixable': ['iso_checksum_type'],
};

const FILE = '/work/t.json';

function configNode(text: string): JsonObjectNode {
  const node = parseJson(text, { file: FILE });
  if (node.kind !== 'object') throw new Error('fixture must be an object');
  return node;
}

const variables: Record<string, string> = { regions: 'us-east-1,eu-west-1', yes: 'true', port: '2x', key: 'Owner' };
const calls: { text: string; position: SourcePosition }[] = [];

/** Stands in for the interpolation engine: `{{user `x`}}` only; anything else fails like Go. */
function render(text: string, position: SourcePosition): string {
  calls.push({ text, position });
  if (text.includes('nosuch')) throw new KilnError('TEMPLATE_INTERPOLATION', 'template: root:1: function "nosuch" not defined');
  if (text.includes('split')) {
    throw new KilnError('TEMPLATE_INTERPOLATION', 'template: root:1:2: executing "root" at <split>: error calling split');
  }
  return text.replace(/\{\{\s*user `(\w+)`\s*\}\}/g, (_, name: string) => variables[name] ?? '');
}

const strict: JsonSchema = { ...schema, required: ['ssh_username'] };
beforeAll(() => Promise.all([loadValidator(schema), loadValidator(strict)]));

function decode(text: string, extra: Partial<DecodeOptions> = {}) {
  return decodePluginConfig<Record<string, unknown>>(configNode(text), schema, { file: FILE, keyPath: 'builders[0]', render, ...extra });
}

describe('decodePluginConfig weak typing (mapstructure WeaklyTypedInput, as Packer 1.6.6)', () => {
  it.each([
    ['ssh_handshake_attempts', 'true', 1],
    ['ssh_handshake_attempts', '"0x10"', 16],
    ['ssh_handshake_attempts', '"010"', 8],
    ['ssh_handshake_attempts', '""', 0],
    ['ssh_port', '5.7', 5],
    ['ssh_pty', '2', true],
    ['ssh_pty', '"T"', true],
    ['ssh_agent_auth', '""', false],
    ['ssh_password', 'true', '1'],
    ['ssh_password', '5.0', '5'],
    ['ami_description', '1e21', '1000000000000000000000'],
    ['ami_description', '0.0000001', '0.0000001'],
    ['spot_price', '"0.05"', 0.05],
    ['spot_price', 'false', 0],
    ['ssh_ciphers', '"a,b"', ['a', 'b']],
    ['ssh_ciphers', '""', []],
    ['ssh_ciphers', '5', ['5']],
    ['ssh_key_exchange_algorithms', '[1, true]', ['1', '1']],
    ['ami_groups', '[null]', ['']],
    ['ssh_keep_alive_interval', '300', '300ns'],
    ['ssh_read_write_timeout', 'true', '1ns'],
    ['ssh_timeout', '"1h30m"', '1h30m'],
    ['run_tags', '[{"a": "1"}, {"b": 2}]', { a: '1', b: '2' }],
    ['ami_users', '{}', []],
  ])('%s: %s decodes to %j', (key, json, expected) => {
    const { config, errors } = decode(`{"${key}": ${json}}`);
    expect(errors).toEqual([]);
    expect(config[key]).toEqual(expected);
  });

  it.each([
    ['ssh_port', '"abc"', `cannot parse 'ssh_port' as int: strconv.ParseInt: parsing "abc": invalid syntax`],
    ['ssh_pty', '"maybe"', `cannot parse 'ssh_pty' as bool: strconv.ParseBool: parsing "maybe": invalid syntax`],
    ['ssh_timeout', '"5x"', `error decoding 'ssh_timeout': time: unknown unit "x" in duration "5x"`],
    ['ssh_timeout', '""', `error decoding 'ssh_timeout': time: invalid duration ""`],
    ['ssh_timeout', '"5"', `error decoding 'ssh_timeout': time: missing unit in duration "5"`],
    [
      'ssh_host',
      '{"a": 1}',
      `'ssh_host' expected type 'string', got unconvertible type 'map[interface {}]interface {}', value: 'map[a:1]'`,
    ],
    [
      'ssh_host',
      '{"a": 1000000, "b": 0.00001, "c": 123456, "d": [1.5, true, null], "e": {"z": 1e21}}',
      `'ssh_host' expected type 'string', got unconvertible type 'map[interface {}]interface {}', value: 'map[a:1e+06 b:1e-05 c:123456 d:[1.5 true <nil>] e:map[z:1e+21]]'`,
    ],
    ['ssh_username', '["u"]', `'ssh_username' expected type 'string', got unconvertible type '[]interface {}', value: '[u]'`],
    [
      'ssh_proxy_port',
      '{}',
      `'ssh_proxy_port' expected type 'int', got unconvertible type 'map[interface {}]interface {}', value: 'map[]'`,
    ],
    [
      'ami_regions',
      '{"a": 1}',
      `'ami_regions[0]' expected type 'string', got unconvertible type 'map[interface {}]interface {}', value: 'map[a:1]'`,
    ],
    ['run_tags', '"x"', `'run_tags' expected a map, got 'string'`],
  ])('%s: %s is refused with Packer’s message', (key, json, message) => {
    const { errors } = decode(`{\n  "${key}": ${json}\n}`);
    expect(errors.map((error) => error.message)).toEqual([message]);
    expect(errors[0]).toMatchObject({ code: 'CONFIG_INVALID', position: { file: FILE, line: 2 } });
    expect(errors[0]!.keyPath).toMatch(new RegExp(`^builders\\[0\\]\\.${key}`));
  });

  it('gives the text Packer prints for the first failing stage', () => {
    expect(decode('{"ssh_port": "abc", "bogus": 1, "ssh_pty": "maybe"}').packerMessage).toBe(
      '2 error(s) decoding:\n\n' +
        `* cannot parse 'ssh_port' as int: strconv.ParseInt: parsing "abc": invalid syntax\n` +
        `* cannot parse 'ssh_pty' as bool: strconv.ParseBool: parsing "maybe": invalid syntax`,
    );
    expect(decode('{"zz": 1, "iso_checksum_type": "md5", "communicator": "telnet"}').packerMessage).toBe(
      '2 errors occurred:\n' +
        "\t* Deprecated configuration key: 'iso_checksum_type'. Please call `packer fix` against your template to update " +
        'your template to be compatible with the current version of Packer. Visit https://www.packer.io/docs/commands/fix/ ' +
        'for more detail.\n' +
        `\t* unknown configuration key: '"zz"'\n\n`,
    );
    expect(decode('{"ssh_host": "{{ nosuch }}", "ssh_port": "x"}').packerMessage).toBe(
      `invalid 'ssh_host': template: root:1: function "nosuch" not defined in:\n\n{{ nosuch }}`,
    );
    expect(decode('{"communicator": "telnet"}').packerMessage).toBeUndefined();
  });

  it('names nested values by their path and reports decode errors sorted, as mapstructure does', () => {
    const text = '{"ssh_pty": "maybe", "launch_block_device_mappings": [{"device_name": "/dev/sda", "volume_size": "abc"}], "ssh_port": "abc"}';
    const { errors } = decode(text);
    expect(errors.map((error) => error.message)).toEqual([
      `cannot parse 'launch_block_device_mappings[0].volume_size' as int: strconv.ParseInt: parsing "abc": invalid syntax`,
      `cannot parse 'ssh_port' as int: strconv.ParseInt: parsing "abc": invalid syntax`,
      `cannot parse 'ssh_pty' as bool: strconv.ParseBool: parsing "maybe": invalid syntax`,
    ]);
    expect(errors[0]).toMatchObject({
      keyPath: 'builders[0].launch_block_device_mappings[0].volume_size',
      position: { line: 1, column: text.indexOf('"abc"') + 1 },
    });
  });
});

describe('decodePluginConfig keys', () => {
  it('refuses unknown keys in Packer’s wording, sorted, at the key, nested ones by path', () => {
    const { errors } = decode(`{
  "zbogus": null,
  "launch_block_device_mappings": [{"device_name": "/dev/sda", "volume_size": "5", "bogus": 1, "_comment": "x"}]
}`);
    expect(errors.map((error) => error.message)).toEqual([
      `unknown configuration key: '"launch_block_device_mappings[0]._comment"'`,
      `unknown configuration key: '"launch_block_device_mappings[0].bogus"'`,
      `unknown configuration key: '"zbogus"'`,
    ]);
    expect(errors[2]).toMatchObject({ keyPath: 'builders[0].zbogus', position: { file: FILE, line: 2, column: 3 } });
  });

  it('suggests the close known key', () => {
    const { errors } = decode('{"ssh_usrname": "root", "SSH_PORT": 22, "completely_else": 1}');
    expect(errors.map((error) => [error.message, error.hint])).toEqual([
      [`unknown configuration key: '"SSH_PORT"'`, 'did you mean "ssh_port"?'],
      [`unknown configuration key: '"completely_else"'`, undefined],
      [`unknown configuration key: '"ssh_usrname"'`, 'did you mean "ssh_username"?'],
    ]);
  });

  it('reports keys that fix rewrites as deprecated, as Packer does for plugins with deprecated options', () => {
    const { errors } = decode('{"iso_checksum_type": "sha256"}');
    expect(errors.map((error) => error.message)).toEqual([
      "Deprecated configuration key: 'iso_checksum_type'. Please call `packer fix` against your template to update " +
        'your template to be compatible with the current version of Packer. Visit ' +
        'https://www.packer.io/docs/commands/fix/ for more detail.',
    ]);
  });

  it('drops reserved packer_ keys and leaves null keys unset', () => {
    const { config, errors } = decode('{"packer_build_name": "x", "ssh_port": null, "ssh_host": "h"}');
    expect(errors).toEqual([]);
    expect(config).toEqual({ ssh_host: 'h' });
  });
});

describe('decodePluginConfig interpolation', () => {
  it('renders every string at its position, then applies weak typing to the result', () => {
    calls.length = 0;
    const { config, errors } = decode('{"ami_regions": "{{user `regions`}}", "ssh_pty": "{{ user `yes` }}", "ssh_host": "plain"}');
    expect(errors).toEqual([]);
    expect(config).toEqual({ ami_regions: ['us-east-1', 'eu-west-1'], ssh_pty: true, ssh_host: 'plain' });
    expect(calls.map((call) => [call.text, call.position])).toEqual([
      ['{{user `regions`}}', { file: FILE, line: 1, column: 17, offset: 16 }],
      ['{{ user `yes` }}', { file: FILE, line: 1, column: 50, offset: 49 }],
    ]);
  });

  it('keeps x-kiln-late-render values raw unless it is the late pass', () => {
    const text = '{"execute_command": "{{.Vars}} {{user `key`}}", "tags": {"{{user `key`}}": "{{ .BuildRegion }}"}}';
    expect(decode(text).config).toEqual({
      execute_command: '{{.Vars}} {{user `key`}}',
      tags: { '{{user `key`}}': '{{ .BuildRegion }}' },
    });
    expect(decode(text, { lateRender: true }).config).toEqual({ execute_command: '{{.Vars}} Owner', tags: { Owner: '{{ .BuildRegion }}' } });
  });

  it('renders map keys below the top level', () => {
    expect(decode('{"run_tags": {"{{user `key`}}": "me"}}').config).toEqual({ run_tags: { Owner: 'me' } });
  });

  it('wraps interpolation errors the way Packer does (invalid for parse errors, render for exec errors)', () => {
    const text = '{"ssh_host": "{{ nosuch }}", "ami_users": ["{{split}}"]}';
    const { errors } = decode(text);
    expect(errors.map((error) => error.message)).toEqual([
      `invalid 'ssh_host': template: root:1: function "nosuch" not defined in:\n\n{{ nosuch }}`,
      `render 'ami_users': template: root:1:2: executing "root" at <split>: error calling split in:\n\n{{split}}`,
    ]);
    expect(errors[1]).toMatchObject({ code: 'TEMPLATE_INTERPOLATION', keyPath: 'builders[0].ami_users[0]', position: { column: text.indexOf('"{{split') + 1 } });
  });

  it('tells parse from exec errors by the engine error’s phase when it has one', () => {
    const failing = () => {
      throw new KilnError('TEMPLATE_INTERPOLATION', 'template: root:1:3: bad', { cause: new GoTemplateError('parse', 'template: root:1:3: bad') });
    };
    const { errors } = decode('{"ssh_host": "{{ x }}"}', { render: failing });
    expect(errors.map((error) => error.message)).toEqual([`invalid 'ssh_host': template: root:1:3: bad in:\n\n{{ x }}`]);
  });

  it('reports a weakly typed value that renders wrong', () => {
    const { errors } = decode('{"ssh_port": "{{user `port`}}"}');
    expect(errors.map((error) => error.message)).toEqual([`cannot parse 'ssh_port' as int: strconv.ParseInt: parsing "2x": invalid syntax`]);
  });
});

describe('decodePluginConfig schema validation', () => {
  it('reports schema violations with the key path and position', () => {
    const { errors } = decode('{\n "communicator": "telnet",\n "disk_size": 0,\n "launch_block_device_mappings": [{"volume_size": 5}]\n}');
    expect(errors.map((error) => [error.message, error.keyPath, error.position?.line])).toEqual([
      [`'communicator' must be one of "ssh", "winrm", "none"; got "telnet"`, 'builders[0].communicator', 2],
      [`'disk_size' must be >= 1; got 0`, 'builders[0].disk_size', 3],
      [`'launch_block_device_mappings[0].device_name' must be specified`, 'builders[0].launch_block_device_mappings[0].device_name', 4],
    ]);
  });

  it('names a missing required key, points at its object and hints with its description', () => {
    const { errors } = decodePluginConfig(configNode('{\n  "ssh_host": "h"\n}'), strict, { file: FILE, keyPath: 'builders[1]', render });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      message: `'ssh_username' must be specified`,
      keyPath: 'builders[1].ssh_username',
      hint: 'The user to connect as.',
      position: { file: FILE, line: 1, column: 1 },
    });
  });

  it('does not repeat a weak-typing error as a schema error', () => {
    const { errors } = decode('{"disk_size": "big"}');
    expect(errors.map((error) => error.message)).toEqual([`cannot parse 'disk_size' as int: strconv.ParseInt: parsing "big": invalid syntax`]);
  });

  it('does not call a key missing when its value failed weak typing', () => {
    const { errors } = decodePluginConfig(configNode('{"ssh_username": ["root"]}'), strict, { file: FILE, keyPath: 'builders[0]', render });
    expect(errors.map((error) => error.message)).toEqual([
      `'ssh_username' expected type 'string', got unconvertible type '[]interface {}', value: '[root]'`,
    ]);
  });

  it('compiles one validator per schema', async () => {
    const before = validatorFor(schema);
    await loadValidator(schema);
    expect(validatorFor(schema)).toBe(before);
  });

  it('uses a validator compiled ahead of time instead of compiling the schema', async () => {
    const own: JsonSchema = { type: 'object' };
    const precompiled = Object.assign(() => false, { errors: [] });
    usePrecompiledValidator(own, precompiled as never);
    await loadValidator(own);
    expect(validatorFor(own)).toBe(precompiled);
  });

  it('refuses to decode against a schema whose validator was not loaded', () => {
    expect(() => decodePluginConfig(configNode('{}'), { type: 'object' }, { file: FILE, keyPath: 'x', render })).toThrow(/await loadValidator/);
  });

  it('fails loudly on a schema with a typo, which is a plugin bug', async () => {
    const broken = { type: 'object', propertes: {} } as unknown as JsonSchema;
    await expect(loadValidator(broken)).rejects.toThrow(/plugin schema does not compile/);
  });
});
