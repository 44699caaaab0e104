import type { JsonSchema } from '@kiln/sdk';
import { parseChecksum } from './checksum.js';

/** Packer's ISOConfig options (vmware-iso, virtualbox-iso, qemu). */
export interface IsoConfig {
  readonly iso_url?: string;
  readonly iso_urls?: readonly string[];
  readonly iso_checksum?: string;
  readonly iso_target_path?: string;
  readonly iso_target_extension?: string;
}

export const isoConfigProperties: Readonly<Record<string, JsonSchema>> = {
  iso_url: { type: 'string', description: 'URL or path of the ISO (or disk image); use iso_urls for mirrors.' },
  iso_urls: { type: 'array', items: { type: 'string' }, description: 'URLs tried in order until one gives a file with the right checksum.' },
  iso_checksum: {
    type: 'string',
    description: 'none, <type>:<hex> (md5, sha1, sha256, sha512), bare hex (type from its length) or file:<path or URL of a SUMS file>.',
  },
  iso_target_path: { type: 'string', description: 'Where to keep the download: a file, or a directory when it has no extension. Default: the Packer cache.' },
  iso_target_extension: { type: 'string', default: 'iso', description: 'Extension of the cached file.' },
};

export interface PreparedIsoConfig {
  readonly urls: readonly string[];
  /** As written; a `file:` checksum is resolved when the download step runs. */
  readonly checksum: string;
  readonly targetPath: string | undefined;
  readonly targetExtension: string;
  readonly errors: string[];
  readonly warnings: string[];
}

const NONE_WARNING = "A checksum of 'none' was specified. Since ISO files are so big,\na checksum is highly recommended.";

/**
 * Packer's ISOConfig.Prepare, without I/O: a `file:` checksum is only fetched by downloadIso
 * (Packer fetches it during prepare, so `validate` needs the network; Kiln's does not).
 */
export function prepareIsoConfig(config: IsoConfig): PreparedIsoConfig {
  const errors: string[] = [];
  const warnings: string[] = [];
  const base = { checksum: config.iso_checksum ?? '', targetPath: config.iso_target_path || undefined };
  const targetExtension = (config.iso_target_extension || 'iso').toLowerCase();
  if ((config.iso_urls ?? []).length > 0 && config.iso_url) {
    return { ...base, urls: [], targetExtension, errors: ['Only one of iso_url or iso_urls must be specified'], warnings };
  }
  const urls = config.iso_url ? [config.iso_url] : [...(config.iso_urls ?? [])];
  if (urls.length === 0) {
    return { ...base, urls, targetExtension, errors: ['One of iso_url or iso_urls must be specified'], warnings };
  }
  const checksum = base.checksum;
  if (checksum === 'none') {
    warnings.push(NONE_WARNING);
    return { ...base, urls, targetExtension, errors, warnings };
  }
  if (checksum === '') {
    errors.push('A checksum must be specified');
  } else {
    try {
      parseChecksum(checksum);
    } catch (error) {
      errors.push(`${(error as Error).message} in ${JSON.stringify(checksum)}`);
    }
  }
  if (checksum.toLowerCase().endsWith('.iso')) errors.push('Error parsing checksum: .iso is not a valid checksum ending');
  return { ...base, urls, targetExtension, errors, warnings };
}
