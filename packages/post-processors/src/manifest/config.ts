import type { JsonSchema } from '@kiln/sdk';

export interface ManifestConfig {
  readonly output?: string;
  readonly strip_path?: boolean;
  readonly strip_time?: boolean;
  readonly custom_data?: Readonly<Record<string, string>>;
}

export const DEFAULT_MANIFEST_OUTPUT = 'packer-manifest.json';

export const manifestSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    output: {
      type: 'string',
      default: DEFAULT_MANIFEST_OUTPUT,
      description:
        'The JSON file to record builds in. Each build adds an entry; entries of earlier runs stay, unless ' +
        '`-force` is given and the file was last written by another run.',
    },
    strip_path: {
      type: 'boolean',
      default: false,
      description: 'Record only the file names of the artifact, without their directories.',
    },
    strip_time: {
      type: 'boolean',
      default: false,
      description: 'Leave `build_time` out of the entries.',
    },
    custom_data: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description:
        'Extra key/value strings recorded with each entry; values may use template functions and ' +
        '`{{ build `Key` }}`.',
    },
  },
};
