import type { JsonSchema } from '@kiln/sdk';

/** The options of the file provisioner, as the template layer hands them over. */
export interface FileConfig {
  readonly source?: string;
  readonly sources?: readonly string[];
  readonly content?: string;
  readonly destination?: string;
  readonly direction?: string;
  readonly generated?: boolean;
}

export const fileSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    source: {
      type: 'string',
      description:
        'Path of the file or directory to copy: local for uploads (relative to the working directory), remote for ' +
        'downloads. For a directory the trailing slash matters: `dir` copies the directory itself into ' +
        '`destination`, `dir/` only what it contains.',
    },
    sources: {
      type: 'array',
      items: { type: 'string' },
      description: 'Several sources copied to the same `destination`, which should then end in `/`.',
    },
    content: {
      type: 'string',
      description:
        'Text to write to `destination` on the machine instead of copying a file (uploads only; not in Packer 1.6.6, ' +
        'as in later Packer versions).',
    },
    destination: {
      type: 'string',
      description:
        'Where to copy to: remote for uploads, local for downloads. Remote parent directories must exist and be ' +
        'writable by the SSH user. Ending in `/` it names a directory that receives the source under its own name.',
    },
    direction: {
      type: 'string',
      default: 'upload',
      description: '`upload` copies from this machine to the built one, `download` the other way. Checked by the ' +
        'provisioner, so that the message is Packer\'s (`Direction must be one of: download, upload.`).',
    },
    generated: {
      type: 'boolean',
      default: false,
      description: 'The sources are created during the build: check that they exist when uploading, not at validation.',
    },
  },
};
