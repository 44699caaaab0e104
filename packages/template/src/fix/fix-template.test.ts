import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIXERS, encodeGoJson, fixTemplate } from './index.js';

// The `.packer-fix.out` files are what `packer fix -validate=false <template>` (Packer 1.6.6)
// printed for the template beside them: the JSON, then the blank line of its Ui.Say.
function fixture(name: string): string {
  return readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
}

function packerFixOutput(template: unknown): string {
  return `${encodeGoJson(fixTemplate(template).fixed)}\n`;
}

describe('fixTemplate', () => {
  it('rewrites a template that needs every fixer exactly as packer fix does', () => {
    const template: unknown = JSON.parse(fixture('all-fixers.json'));
    expect(packerFixOutput(template)).toBe(fixture('all-fixers.packer-fix.out'));
  });

  it('reports every fixer that changed something, in Packer order', () => {
    const { applied } = fixTemplate(JSON.parse(fixture('all-fixers.json')));
    expect(applied).toEqual(FIXERS.map((fixer) => fixer.name));
  });

  it('prints values the way Go encoding/json does (escapes, floats, key order)', () => {
    expect(packerFixOutput(JSON.parse(fixture('go-encoding.json')))).toBe(fixture('go-encoding.packer-fix.out'));
  });

  it('leaves the input untouched and applies nothing to a current template', () => {
    const template = { builders: [{ type: 'null', communicator: 'none' }] };
    const result = fixTemplate(template);
    expect(result.applied).toEqual([]);
    expect(result.fixed).toEqual(template);
    expect(fixTemplate({ builders: [{ type: 'virtualbox' }] }).fixed).not.toBe(template);
  });

  it.each([
    // Shapes as Packer 1.6.6 shapes them.
    [{ foo: 1 }, { builders: null, foo: 1 }],
    [{ builders: [{ type: 'null' }], provisioners: 'x' }, { builders: [{ type: 'null' }], provisioners: ['x'] }],
    [{ builders: [{ type: 'null' }], provisioners: {} }, { builders: [{ type: 'null' }], provisioners: {} }],
    [{ builders: [{ type: 'null' }], provisioners: { a: 1 } }, { builders: [{ type: 'null' }], provisioners: [{ a: 1 }] }],
    [{ Builders: [{ type: 'vmware' }] }, { Builders: [{ type: 'vmware' }], builders: [{ type: 'vmware-iso' }] }],
    [{ builders: [{ type: 'qemu', disk_size: -1.5 }] }, { builders: [{ type: 'qemu', disk_size: '-1M' }] }],
  ])('reshapes %j like Packer', (input, expected) => {
    expect(fixTemplate(input).fixed).toEqual(expected);
  });

  it.each([
    [{ builders: 'abc' }, "1 error(s) decoding:\n\n* 'Builders': source data must be an array or slice, got string"],
    [{ builders: { a: 1 } }, "1 error(s) decoding:\n\n* 'Builders': source data must be an array or slice, got map"],
    [
      { builders: ['a', 1, true, [], {}, null, { type: 'null' }, 'b', 'c', 'd', 'e', 'f'] },
      '9 error(s) decoding:\n\n' +
        "* 'Builders[0]' expected a map, got 'string'\n* 'Builders[10]' expected a map, got 'string'\n" +
        "* 'Builders[11]' expected a map, got 'string'\n* 'Builders[1]' expected a map, got 'float64'\n" +
        "* 'Builders[2]' expected a map, got 'bool'\n* 'Builders[3]' expected a map, got 'slice'\n" +
        "* 'Builders[7]' expected a map, got 'string'\n* 'Builders[8]' expected a map, got 'string'\n" +
        "* 'Builders[9]' expected a map, got 'string'",
    ],
    [
      { builders: [{ type: 'null' }], 'post-processors': 5 },
      "1 error(s) decoding:\n\n* 'post-processors': source data must be an array or slice, got float64",
    ],
    [
      { builders: [{ type: 'amazon-ebs', ssh_private_ip: 'maybe' }] },
      'ssh_private_ip is not a boolean, strconv.ParseBool: parsing "maybe": invalid syntax',
    ],
    [['x'], 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
    ['x', 'json: cannot unmarshal string into Go value of type map[string]interface {}'],
  ])('refuses %j with Packer message', (input, message) => {
    expect(() => fixTemplate(input)).toThrow(message);
  });

  it('does not crash where Packer 1.6.6 panics (builder without type, odd lists)', () => {
    expect(fixTemplate({ builders: [{ name: 'x' }, null] }).fixed).toEqual({ builders: [{ name: 'x' }, null] });
    expect(() => fixTemplate({ builders: [{ type: 'vsphere-iso', network: 'n', network_adapters: { a: 1 } }] })).toThrow(
      /network_adapters/,
    );
  });
});
