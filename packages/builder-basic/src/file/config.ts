import type { JsonSchema } from '@kiln/sdk';

export interface FileConfig {
  readonly source?: string;
  readonly target?: string;
  readonly content?: string;
}

export const fileSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    target: {
      type: 'string',
      description: 'Path of the file to create; missing parent directories are created. Required.',
    },
    source: {
      type: 'string',
      description: 'Path of a file to copy into `target`. Give `source` or `content`, not both.',
    },
    content: {
      type: 'string',
      description:
        'Text to write into `target` (created readable by its owner only). With neither `source` nor `content` ' +
        'the target is created empty, with a warning.',
    },
  },
};

/** Packer's file Config.Prepare errors. */
export function fileConfigErrors(config: FileConfig): string[] {
  const errors: string[] = [];
  if (!config.target) errors.push('target required');
  if (config.content && config.source) errors.push('Cannot specify source file AND content');
  return errors;
}

export function fileConfigWarnings(config: FileConfig): string[] {
  return !config.content && !config.source ? ['Both source file and contents are blank; target will have no content'] : [];
}
