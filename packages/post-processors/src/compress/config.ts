import type { JsonSchema } from '@kiln/sdk';

export interface CompressConfig {
  readonly output?: string;
  readonly format?: string;
  readonly compression_level?: number;
}

export const DEFAULT_COMPRESS_OUTPUT = 'packer_{{.BuildName}}_{{.BuilderType}}';

export const compressSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    output: {
      type: 'string',
      default: DEFAULT_COMPRESS_OUTPUT,
      'x-kiln-late-render': true,
      description:
        'Path of the archive, a template with `{{.BuildName}}`, `{{.BuilderType}}` and the build data. Its last ' +
        'extensions choose the format: `.tar`, `.zip`, `.gz`, `.tar.gz`, `.xz`, `.tar.xz`, `.lz4`, `.tar.lz4`, ' +
        '`.bgzf`, `.tar.bgzf`; anything else (`.tgz` included) makes a gzip-compressed tar. Without tar or zip the ' +
        'artifact must have exactly one file.',
    },
    format: {
      type: 'string',
      description:
        'Extension(s) that choose the format instead of the output name, e.g. `tar.gz`; the output name is kept as is.',
    },
    compression_level: {
      type: 'integer',
      default: 6,
      description:
        'Compression level for gzip, bgzf and lz4, from 1 (fastest) to 9 (smallest); 0 and -1 mean the default, ' +
        'larger values mean 9. xz always uses its default level.',
    },
  },
};

export type Archive = 'tar' | 'zip' | '';
export type Algorithm = 'pgzip' | 'lz4' | 'xz' | 'bgzf' | '';

const ALGORITHMS: Readonly<Record<string, Algorithm>> = { gz: 'pgzip', lz4: 'lz4', bgzf: 'bgzf', xz: 'xz' };

/**
 * Packer's detectFromFilename: looks at the last two `.ext` groups of the output (as written in the
 * template, before rendering) or of `output.format`. `x.tar.gz` is tar + gzip, `x.zip` a zip,
 * `x.gz` one gzip-compressed file, and an unknown or missing extension tar + gzip.
 */
export function detectFormat(output: string, format?: string): { archive: Archive; algorithm: Algorithm } {
  const name = format ? `${output}.${format}` : output;
  const groups = [...name.matchAll(/\.([a-z0-9]+)/g)].map((match) => match[1] ?? '');
  const last = groups.at(-1);
  if (last === undefined) return { archive: 'tar', algorithm: 'pgzip' };
  if (last === 'zip' || last === 'tar') return { archive: last, algorithm: '' };
  const archive: Archive = groups.at(-2) === 'tar' ? 'tar' : '';
  const algorithm = ALGORITHMS[last];
  return algorithm ? { archive, algorithm } : { archive: 'tar', algorithm: 'pgzip' };
}

/** Packer's level rules: above 9 means 9, 0 and -1 mean the default (-1 to zlib, level 6). */
export function effectiveLevel(level: number | undefined): number {
  if (level === undefined || level === 0 || level === -1) return -1;
  return Math.min(level, 9);
}
