import type { JsonSchema } from '@kiln/sdk';

export interface ChecksumConfig {
  readonly checksum_types?: readonly string[];
  readonly output?: string;
}

export const CHECKSUM_TYPES = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
export const DEFAULT_CHECKSUM_OUTPUT = 'packer_{{.BuildName}}_{{.BuilderType}}_{{.ChecksumType}}.checksum';

export const checksumSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    checksum_types: {
      type: 'array',
      items: { type: 'string' },
      default: ['md5'],
      description: `Hash algorithms to compute: ${CHECKSUM_TYPES.map((t) => `\`${t}\``).join(', ')}.`,
    },
    output: {
      type: 'string',
      default: DEFAULT_CHECKSUM_OUTPUT,
      'x-kiln-late-render': true,
      description:
        'Path of the checksum file, a template with `{{.BuildName}}`, `{{.BuilderType}}`, `{{.ChecksumType}}` and ' +
        'the build data. Each line is `<hex digest><tab><file name>`; lines are appended to an existing file.',
    },
  },
};

export function checksumConfigErrors(config: ChecksumConfig): string[] {
  return (config.checksum_types ?? [])
    .filter((type) => !(CHECKSUM_TYPES as readonly string[]).includes(type))
    .map((type) => `Unrecognized checksum type: ${type}`);
}
