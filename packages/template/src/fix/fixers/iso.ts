import { builderMaps } from '../fixer.js';
import type { Fixer } from '../fixer.js';
import type { JsonData } from '../data.js';

export const isoMd5: Fixer = {
  name: 'iso-md5',
  synopsis: 'Replaces "iso_md5" in builders with "iso_checksum"',
  fix(template) {
    for (const builder of builderMaps(template)) {
      const md5 = builder['iso_md5'];
      if (typeof md5 !== 'string') continue;
      delete builder['iso_md5'];
      builder['iso_checksum'] = md5;
      builder['iso_checksum_type'] = 'md5';
    }
  },
};

export const isoChecksumTypeAndUrl: Fixer = {
  name: 'iso-checksum-type-and-url',
  synopsis: 'Puts content of potential "iso_checksum_url" and "iso_checksum_url" in "iso_checksum"',
  fix(template) {
    // Every builder, whatever its type: the two keys are removed even when nothing is merged.
    for (const builder of builderMaps(template)) {
      const url = stringOrEmpty(builder['iso_checksum_url']);
      const type = stringOrEmpty(builder['iso_checksum_type']);
      let checksum = stringOrEmpty(builder['iso_checksum']);
      delete builder['iso_checksum_url'];
      delete builder['iso_checksum_type'];
      if (checksum === '' && url === '') continue;
      if (url !== '') checksum = `file:${url}`;
      else if (type !== '') checksum = `${type}:${checksum}`;
      builder['iso_checksum'] = checksum;
    }
  },
};

function stringOrEmpty(value: JsonData | undefined): string {
  return typeof value === 'string' ? value : '';
}
