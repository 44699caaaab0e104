import { resolve } from 'node:path';
import { isKilnError } from '@kiln/sdk';
import {
  FIXERS,
  JsonSyntaxError,
  checkTemplate,
  checkTemplateErrorText,
  encodeGoJson,
  fixTemplate,
  jsonToValue,
  parseJson,
  readTemplate,
} from '@kiln/template';
import type { CliCommand } from '../command.js';
import { boolFlag } from '../flags/types.js';
import { createCliUi } from '../output/ui.js';
import { parseTemplateArguments } from './arguments.js';
import { synopsisOf } from './synopses.js';
import { readInput } from './read-input.js';

const FLAGS = { validate: boolFlag(true) };

const HELP = `Usage: kiln fix [options] TEMPLATE

  Reads the JSON template and attempts to fix known backwards
  incompatibilities. The fixed template will be outputted to standard out.

  If the template cannot be fixed due to an error, the command will exit
  with a non-zero exit status. Error messages will appear on standard error.

Fixes that are run (in order):

${FIXERS.map((fixer) => `  ${fixer.name.padEnd(27)}${fixer.synopsis}`).join('\n')}

Options:

  -validate=true      If true (default), validates the fixed template.`;

const FIXED_TEMPLATE_ADVICE =
  '\n\nThis is usually caused by an error in the input template.\nPlease fix the error and try again.';

/** `kiln fix`: Packer's fixers over a JSON template, printed as `packer fix` prints it. */
export const fixCommand: CliCommand = {
  name: 'fix',
  synopsis: synopsisOf('fix'),
  help: HELP,
  async run(argv, io, { machineReadable }) {
    const ui = createCliUi({ io, machineReadable });
    const parsed = parseTemplateArguments(argv, FLAGS, HELP, ui);
    if (!parsed) return 1;
    const path = parsed.template;

    let bytes: Uint8Array;
    try {
      bytes = await readInput(path, io);
    } catch (error) {
      // Go opens a directory fine and fails when reading it, which Packer reports as a parse error.
      const message = isKilnError(error) ? error.message : String(error);
      ui.error(`${message.startsWith('read ') ? 'Error parsing template' : 'Error opening template'}: ${message}`);
      return 1;
    }
    let template: unknown;
    try {
      template = decodeFirstJsonValue(bytes);
    } catch (error) {
      ui.error(`Error parsing template: ${(error as Error).message}`);
      return 1;
    }
    let fixed: unknown;
    try {
      fixed = fixTemplate(template).fixed;
    } catch (error) {
      const decoding = isKilnError(error) && error.code === 'TEMPLATE_SYNTAX';
      ui.error(`${decoding ? 'Error parsing template' : 'Error fixing'}: ${(error as Error).message}`);
      return 1;
    }

    const text = encodeGoJson(fixed);
    ui.say(text);
    if (!parsed.flags.validate) return 0;
    return validateFixed(text, resolve(io.cwd, path), ui.error);
  },
};

/**
 * What Packer's json.Decoder reads: the first JSON value of the text (anything after it is never
 * looked at), duplicate keys allowed (the last wins), and the stream's end-of-input wording.
 */
function decodeFirstJsonValue(bytes: Uint8Array): unknown {
  try {
    return jsonToValue(parseJson(bytes, { allowDuplicateKeys: true }));
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    if (error.message.endsWith('after top-level value')) {
      return decodeFirstJsonValue(bytes.subarray(0, error.offset - 1));
    }
    if (error.message === 'unexpected end of JSON input') {
      throw new Error(Buffer.from(bytes).toString('utf8').trim() === '' ? 'EOF' : 'unexpected EOF');
    }
    throw error;
  }
}

/** Packer's -validate: the fixed text must read as a template and pass the template checks. */
function validateFixed(text: string, path: string, reportError: (message: string) => void): number {
  try {
    const template = readTemplate(text, path);
    // The checks of Packer's Template.Validate; min_packer_version is core's business, not fix's.
    const errors = checkTemplate(template).filter((error) => error.keyPath !== 'min_packer_version');
    if (errors.length === 0) return 0;
    reportError(`Error! Fixed template failed to validate: ${checkTemplateErrorText(errors)}${FIXED_TEMPLATE_ADVICE}`);
  } catch (error) {
    reportError(`Error! Fixed template fails to parse: ${(error as Error).message}${FIXED_TEMPLATE_ADVICE}`);
  }
  return 1;
}
