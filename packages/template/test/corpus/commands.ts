import { inspectTemplate, machineReadableRow, readTemplate, templateParseErrorText } from '../../src/index.js';
import type { Template } from '../../src/index.js';

/*
 * What the kiln CLI prints for `validate -syntax-only` and `inspect [-machine-readable]`, built
 * from the library alone (stdout and stderr together, as the corpus captured them). The CLI owns
 * the real thing; these mirror Packer's UI: say() and error() end each message with a newline,
 * and machine-readable rows start with a unix timestamp.
 */

export interface CommandResult {
  readonly rc: number;
  readonly output: string;
}

/** Any timestamp: the normalizer drops it. */
const TIMESTAMP = '1608123456';

type Read = { template: Template } | { errorText: string };

function read(bytes: Uint8Array, path: string): Read {
  try {
    return { template: readTemplate(bytes, path) };
  } catch (error) {
    return { errorText: templateParseErrorText(error) };
  }
}

/**
 * `validate -syntax-only`. (Packer also reads the -var-file files at this point; that belongs to
 * the variables module, and every var file of the corpus is valid.)
 */
export function syntaxOnly(bytes: Uint8Array, path: string): CommandResult {
  const result = read(bytes, path);
  if ('errorText' in result) return { rc: 1, output: `${result.errorText}\n` };
  return { rc: 0, output: 'Syntax-only check passed. Everything looks okay.\n' };
}

export function inspect(bytes: Uint8Array, path: string, machineReadable: boolean): CommandResult {
  let output = '';
  const row = (type: string, data: string[]) => {
    output += `${TIMESTAMP},${machineReadableRow('', type, data)}\n`;
  };
  const result = read(bytes, path);
  if ('errorText' in result) {
    if (machineReadable) row('ui', ['error', result.errorText]);
    else output += `${result.errorText}\n`;
    return { rc: 1, output };
  }
  inspectTemplate(result.template, {
    say: (text) => {
      if (machineReadable) row('ui', ['say', text]);
      else output += `${text}\n`;
    },
    machine: (type, ...data) => {
      if (machineReadable) row(type, data);
    },
  });
  return { rc: 0, output };
}
