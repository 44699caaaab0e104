import { compareGoStrings } from './values.js';

/*
 * The two ways Packer 1.6.6 lists several errors in one message. Both texts are reproduced byte
 * for byte because `packer validate` output is compared verbatim.
 */

/** hashicorp/go-multierror: `1 error occurred:\n\t* a\n\n` / `2 errors occurred:\n\t* a\n\t* b\n\n`. */
export function goMultiErrorText(messages: readonly string[]): string {
  if (messages.length === 1) return `1 error occurred:\n\t* ${messages[0]}\n\n`;
  return `${messages.length} errors occurred:\n\t${messages.map((message) => `* ${message}`).join('\n\t')}\n\n`;
}

/** mitchellh/mapstructure: `N error(s) decoding:\n\n* a\n* b`, the points sorted. */
export function mapstructureErrorText(messages: readonly string[]): string {
  const points = messages.map((message) => `* ${message}`).sort(compareGoStrings);
  return `${messages.length} error(s) decoding:\n\n${points.join('\n')}`;
}
