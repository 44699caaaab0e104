import type { JsonSchema } from '@kiln/sdk';
import { describe, expect, it } from 'vitest';
import { renderOptionsTable } from './options-table.js';

describe('renderOptionsTable', () => {
  it('renders one row per option with type, default, required and notes for durations, late rendering and secrets', () => {
    const schema: JsonSchema = {
      type: 'object',
      required: ['output'],
      properties: {
        output: { type: 'string', description: 'Where to write | the file.' },
        checksum_types: { type: 'array', items: { type: 'string', enum: ['md5', 'sha256'] }, default: ['md5'] },
        ssh_timeout: { type: 'string', 'x-kiln-duration': true, default: '5m', description: 'How long to wait\nfor SSH.' },
        execute_command: { type: 'string', 'x-kiln-late-render': true, default: 'chmod +x {{.Path}}; {{.Vars}} {{.Path}}' },
        password: { type: 'string', 'x-kiln-secret': true },
        format: { type: 'string', enum: ['tar', 'zip'], deprecated: true },
      },
    };
    expect(renderOptionsTable(schema)).toBe(
      [
        '| Option | Type | Default | Required | Description |',
        '| --- | --- | --- | --- | --- |',
        '| `output` | string |  | yes | Where to write \\| the file. |',
        '| `checksum_types` | list of string | `["md5"]` |  |  |',
        '| `ssh_timeout` | duration | `5m` |  | How long to wait for SSH. A Go duration (`300ms`, `5m`, `1h30m`). |',
        '| `execute_command` | string | `chmod +x {{.Path}}; {{.Vars}} {{.Path}}` |  | Rendered at run time, so it may use `{{ .Field }}` data. |',
        '| `password` | string |  |  | Secret: masked in output. |',
        '| `format` | string |  |  | **Deprecated.** One of `tar`, `zip`. |',
        '',
      ].join('\n'),
    );
  });

  it('lists the options of nested objects under their parent', () => {
    const table = renderOptionsTable({
      type: 'object',
      properties: {
        launch_block_device_mappings: {
          type: 'array',
          items: { type: 'object', properties: { device_name: { type: 'string' } }, required: ['device_name'] },
        },
      },
    });
    expect(table).toContain('| `launch_block_device_mappings` | list of object |  |  |  |');
    expect(table).toContain('| `launch_block_device_mappings[].device_name` | string |  | yes |  |');
  });

  it('says so when a plugin has no options', () => {
    expect(renderOptionsTable({ type: 'object' })).toBe('This plugin has no options.\n');
  });

  it('keeps backticks in a default readable as code', () => {
    expect(renderOptionsTable({ properties: { name: { type: 'string', default: 'packer-{{timestamp}}-`x`' } } })).toContain(
      '| `name` | string | `` packer-{{timestamp}}-`x` `` |',
    );
  });
});
