import { inspectTemplate } from '@kiln/template/read';
import type { CliCommand } from '../command.js';
import { createCliUi } from '../output/ui.js';
import { parseTemplateArguments } from './arguments.js';
import { synopsisOf } from './synopses.js';
import { loadTemplateForCommand } from './load-template.js';

const HELP = `Usage: kiln inspect TEMPLATE

  Inspects a template, parsing and outputting the components a template
  defines. This does not validate the contents of a template (other than
  basic syntax by necessity).

Options:

  -machine-readable  Machine-readable output`;

/** `kiln inspect`: Packer's summary of a template (variables, builders, provisioners). */
export const inspectCommand: CliCommand = {
  name: 'inspect',
  synopsis: synopsisOf('inspect'),
  help: HELP,
  async run(argv, io, { machineReadable }) {
    const ui = createCliUi({ io, machineReadable });
    // Packer 1.6.6 inspects a built-in one-builder template when no path is given; Kiln asks for one.
    const parsed = parseTemplateArguments(argv, {}, HELP, ui);
    if (!parsed) return 1;
    const template = await loadTemplateForCommand(parsed.template, io, ui);
    if (!template) return 1;
    inspectTemplate(template, { say: (text) => ui.say(text), machine: (type, ...data) => ui.machine(type, data) });
    return 0;
  },
};
