import type { JsonSchema } from '@kiln/sdk';
import { describe, expect, it } from 'vitest';
import { describePluginOptions } from './describe-options.js';

const schema: JsonSchema = {
  type: 'object',
  required: ['iso_url'],
  $defs: {
    mapping: {
      type: 'object',
      description: 'A block device.',
      properties: { device_name: { type: 'string', description: 'The device.' }, volume_size: { type: 'integer' } },
      required: ['device_name'],
    },
  },
  allOf: [{ properties: { ssh_timeout: { type: 'string', 'x-kiln-duration': true, default: '5m', description: 'How long to wait.' } } }],
  properties: {
    iso_url: { type: 'string', description: 'Where the ISO is.' },
    format: { type: 'string', enum: ['qcow2', 'raw'], default: 'qcow2' },
    tags: { type: 'object', additionalProperties: { type: 'string' }, 'x-kiln-late-render': true },
    password: { type: 'string', 'x-kiln-secret': true, deprecated: true },
    mappings: { type: 'array', items: { $ref: '#/$defs/mapping' } },
    regions: { type: ['array', 'string'], items: { type: 'string' } },
  },
};

describe('describePluginOptions', () => {
  it('lists every option with its type, default, requiredness and flags, nested ones after their parent', () => {
    const options = describePluginOptions(schema);
    expect(options.map((option) => [option.name, option.type, option.required, option.default])).toEqual([
      ['iso_url', 'string', true, undefined],
      ['format', 'string', false, 'qcow2'],
      ['tags', 'map of string', false, undefined],
      ['password', 'string', false, undefined],
      ['mappings', 'list of object', false, undefined],
      ['mappings[].device_name', 'string', true, undefined],
      ['mappings[].volume_size', 'integer', false, undefined],
      ['regions', 'list of string or string', false, undefined],
      ['ssh_timeout', 'duration', false, '5m'],
    ]);
    const byName = Object.fromEntries(options.map((option) => [option.name, option]));
    expect(byName.format?.enum).toEqual(['qcow2', 'raw']);
    expect(byName.tags).toMatchObject({ lateRender: true, secret: false });
    expect(byName.password).toMatchObject({ secret: true, deprecated: true });
    expect(byName.ssh_timeout).toMatchObject({ duration: true, description: 'How long to wait.' });
    expect(byName['mappings[].device_name']?.description).toBe('The device.');
  });
});
