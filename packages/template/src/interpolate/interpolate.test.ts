import { KilnError } from '@kiln/sdk';
import { describe, expect, it } from 'vitest';
import { interpolate, interpolateUntilStable, validateInterpolation, type InterpolationContext } from './index.js';

const ctx: InterpolationContext = { userVariables: { p: '{{ .HTTPIP }}', q: 'x{{upper `y`}}' }, initTime: new Date(0) };
const position = { file: '/t.json', line: 12, column: 20 };

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('did not throw');
}

describe('interpolate', () => {
  it('returns text without {{ as it is', () => {
    expect(interpolate('plain }} text {', ctx)).toBe('plain }} text {');
  });

  it('renders once, as Packer renders plugin configs', () => {
    expect(interpolate('{{user `p`}}|{{user `q`}}', ctx)).toBe('{{ .HTTPIP }}|x{{upper `y`}}');
  });

  it('renders {{.Field}} from the data, <no value> when missing', () => {
    expect(interpolate('{{.HTTPIP}}:{{.HTTPPort}} {{.Nope}}', { ...ctx, data: { HTTPIP: '10.0.2.2', HTTPPort: 8080 } })).toBe(
      '10.0.2.2:8080 <no value>',
    );
  });

  it('throws TEMPLATE_INTERPOLATION with Go\'s message at the position of the string', () => {
    const error = thrown(() => interpolate('{{clean_ami_name `x`}}', ctx, position));
    expect(error).toBeInstanceOf(KilnError);
    expect(error).toMatchObject({
      code: 'TEMPLATE_INTERPOLATION',
      message: 'template: root:1: function "clean_ami_name" not defined',
      position,
    });
  });
});

describe('interpolateUntilStable', () => {
  // Expected values from `packer console`, which renders until the text stops changing; the
  // template's variables were p = "{{ .HTTPIP }}" and q = "x{{`{{`}}upper `y`}}".
  it.each([
    ['{{user `p`}}|{{user `q`}}', '<no value>|xY'],
    ['{{"{{upper \\"a\\"}}"}}', 'A'],
    ['{{printf "{{%s}}" "timestamp"}}', '0'],
  ])('renders %j as %j', (text, expected) => {
    expect(interpolateUntilStable(text, ctx)).toBe(expected);
  });
});

describe('validateInterpolation', () => {
  it('accepts a string that parses, whatever it would do when run', () => {
    expect(() => validateInterpolation('{{build_name}} {{.Anything}}', ctx)).not.toThrow();
  });

  it('refuses one that does not parse, at its position', () => {
    expect(thrown(() => validateInterpolation('{{ if }}', ctx, position))).toMatchObject({
      code: 'TEMPLATE_INTERPOLATION',
      message: 'template: root:1: missing value for if',
      position,
    });
  });
});
