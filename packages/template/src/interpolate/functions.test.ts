import { readFileSync } from 'node:fs';
import { KilnError } from '@kiln/sdk';
import { describe, expect, it } from 'vitest';
import {
  AMAZON_TEMPLATE_FUNCS,
  BUILD_PLACEHOLDER_MESSAGE,
  basicPlaceholderData,
  interpolate,
  type InterpolationContext,
} from './index.js';

const initTime = new Date(Date.UTC(2021, 0, 5, 3, 4, 5, 6));
const base: InterpolationContext = { userVariables: {}, initTime };

function failure(text: string, ctx: InterpolationContext): KilnError {
  try {
    interpolate(text, ctx);
  } catch (error) {
    if (error instanceof KilnError) return error;
    throw error;
  }
  throw new Error(`${text} did not fail`);
}

describe('as packer console runs them (no build, no template file, env disabled)', () => {
  const { cases } = JSON.parse(
    readFileSync(new URL('./__fixtures__/console-functions.json', import.meta.url), 'utf8'),
  ) as { cases: [string, string | null, string | null][] };
  const ctx: InterpolationContext = { ...base, cwd: '/tmp/h2/oracle', env: { HOME: '/root' } };

  it.each(cases)('%j', (text, output, error) => {
    if (output !== null) expect(interpolate(text, ctx)).toBe(output);
    else expect(failure(text, ctx)).toMatchObject({ code: 'TEMPLATE_INTERPOLATION', message: error });
  });
});

describe('functions that depend on the context', () => {
  it('gives the build name, type and Packer version inside a build', () => {
    const ctx = { ...base, buildName: 'vm-1', buildType: 'qemu', packerVersion: '1.6.6' };
    expect(interpolate('{{build_name}} {{build_type}} {{packer_version}} {{build_name | replace "-" "/" 1}}', ctx)).toBe(
      'vm-1 qemu 1.6.6 vm/1',
    );
  });

  it('gives the template directory, resolved against the working directory', () => {
    expect(interpolate('{{template_dir}}', { ...base, templatePath: '/src/packer/t.json' })).toBe('/src/packer');
    expect(interpolate('{{template_dir}}', { ...base, templatePath: 'sub/t.json', cwd: '/work' })).toBe('/work/sub');
  });

  it('reads the environment only while variables render', () => {
    const ctx = { ...base, enableEnv: true, env: { KILN_X: 'x' } };
    expect(interpolate('[{{env `KILN_X`}}][{{env `KILN_UNSET`}}]', ctx)).toBe('[x][]');
  });

  it('reads user variables; an unknown one is empty, but fails while variables render', () => {
    const ctx = { ...base, userVariables: { a: 'A' } };
    expect(interpolate('{{user `a`}}[{{user `b`}}]', ctx)).toBe('A[]');
    expect(failure('{{user `b`}}', { ...ctx, enableEnv: true }).message).toBe(
      'template: root:1:2: executing "root" at <user `b`>: error calling user: Error: variable not set: b',
    );
  });

  it.each([
    ['{{consul_key `a`}}', 'consul_key'],
    ['{{vault `a` `b`}}', 'vault'],
    ['{{aws_secretsmanager `a`}}', 'aws_secretsmanager'],
    ['{{aws_secretsmanager `a` `k`}}', 'aws_secretsmanager'],
  ])('%s says in the variables section that it is not implemented yet', (text, name) => {
    const position = { file: 't.json', line: 3, column: 10 };
    let error: unknown;
    try {
      interpolate(text, { ...base, enableEnv: true }, position);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({
      code: 'TEMPLATE_INTERPOLATION',
      message: `the ${name} template function is not implemented in Kiln yet`,
      position,
    });
  });

  it.each([
    ['{{aws_secretsmanager}}', 'error calling aws_secretsmanager: secret name must be provided'],
    ['{{aws_secretsmanager `a` `b` `c`}}', 'only secret name and optional secret key can be provided.'],
  ])('%s checks its arguments first', (text, message) => {
    expect(failure(text, { ...base, enableEnv: true }).message).toContain(message);
  });

  it('formats the run time: timestamp, isotime and strftime', () => {
    expect(interpolate('{{timestamp}} {{isotime}} {{isotime "2006-01-02"}} {{strftime "%Y%m%d"}}', base)).toBe(
      '1609815845 2021-01-05T03:04:05Z 2021-01-05 20210105',
    );
  });

  it('makes time-ordered UUIDs from the current time', () => {
    const before = Math.floor(Date.now() / 1000);
    const first = interpolate('{{uuid}}', base);
    const after = Math.floor(Date.now() / 1000);
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(parseInt(first.slice(0, 8), 16)).toBeGreaterThanOrEqual(before);
    expect(parseInt(first.slice(0, 8), 16)).toBeLessThanOrEqual(after);
    expect(interpolate('{{uuid}}', base)).not.toBe(first);
  });
});

describe('build', () => {
  it('fails where no build data is passed (a builder config, the console)', () => {
    expect(failure('{{build `ID`}}', base).message).toBe(
      'template: root:1:2: executing "root" at <build `ID`>: error calling build: Error validating build variable: ' +
        'the given variable ID will not be passed into your plugin.',
    );
  });

  it('re-emits the key in the prepare phase, to be rendered with the real data later', () => {
    const ctx: InterpolationContext = { ...base, buildData: 'placeholder' };
    expect(interpolate('ssh {{build `User`}}@{{build `Host`}} {{build `WinRMPassword`}}', ctx)).toBe(
      'ssh {{.User}}@{{.Host}} {{.WinRMPassword}}',
    );
    expect(interpolate(interpolate('{{build `ID`}}', ctx), { ...base, data: { ID: 'i-123' } })).toBe('i-123');
    expect(failure('{{build `SourceAMI`}}', ctx).message).toContain('loaded data, but couldnt find SourceAMI in it.');
  });

  it('takes builder-specific keys and real values', () => {
    const prepare = { ...base, buildData: basicPlaceholderData(['SourceAMI']) };
    expect(interpolate('{{build `SourceAMI`}}', prepare)).toBe('{{.SourceAMI}}');
    const run = { ...base, buildData: { ID: 'i-123', Port: 22, Held: `x ${BUILD_PLACEHOLDER_MESSAGE}` } };
    expect(interpolate('{{build `ID`}} {{build `Held`}}', run)).toBe('i-123 {{.Held}}');
    expect(failure('{{build `Port`}}', run).message).toContain('loaded data, but couldnt find Port in it.');
  });

  it('renders a placeholder itself when used as {{.Key}} in the prepare phase, as Packer does', () => {
    expect(interpolate('{{.ID}}', { ...base, data: basicPlaceholderData() })).toBe(
      'Build_ID. To set this dynamically in the Packer template, you must use the `build` function',
    );
  });
});

describe('clean_resource_name (amazon builders)', () => {
  const ctx: InterpolationContext = { ...base, funcs: AMAZON_TEMPLATE_FUNCS };

  it.each([
    // Packer's own test case for the amazon template function.
    ["AMZamz09()./-_:&^ $%[]#'@", "AMZamz09()./-_--- --[]-'@"],
    ['packer {{isotime}}', 'packer --isotime--'],
    ['é', '--'],
    ['', ''],
  ])('cleans %j to %j', (name, expected) => {
    expect(interpolate('{{clean_resource_name .n}}', { ...ctx, data: { n: name } })).toBe(expected);
  });

  it('works in a pipeline', () => {
    expect(interpolate('packer-{{isotime | clean_resource_name}}', ctx)).toBe('packer-2021-01-05T03-04-05Z');
  });

  it('is unknown elsewhere', () => {
    expect(failure('{{clean_resource_name `a`}}', base).message).toBe(
      'template: root:1: function "clean_resource_name" not defined',
    );
  });
});
