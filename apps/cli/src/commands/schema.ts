import { buildTemplateSchema } from '@kiln/template';
import type { CliCommand } from '../command.js';
import { createCliUi } from '../output/ui.js';
import { bundledPlugins } from '../plugins.js';
import { parseArgumentsOrUsage } from './arguments.js';
import { synopsisOf } from './synopses.js';

const HELP = `Usage: kiln schema

  Prints the JSON Schema (draft-07) of a Packer JSON template for the
  builders, provisioners and post-processors bundled with Kiln. Editors that
  read JSON Schema (VS Code, JetBrains IDEs) then complete and check
  templates as you write them:

    kiln schema > packer.schema.json`;

/** `kiln schema`: not in Packer. The document goes to stdout as is, even with -machine-readable. */
export const schemaCommand: CliCommand = {
  name: 'schema',
  synopsis: synopsisOf('schema'),
  help: HELP,
  async run(argv, io, { machineReadable }) {
    const parsed = parseArgumentsOrUsage(argv, {}, HELP, createCliUi({ io, machineReadable }));
    if (!parsed) return 1;
    if (parsed.args.length > 0) {
      createCliUi({ io, machineReadable }).say(HELP);
      return 1;
    }
    io.stdout.write(`${JSON.stringify(buildTemplateSchema(await bundledPlugins()), null, 2)}\n`);
    return 0;
  },
};
