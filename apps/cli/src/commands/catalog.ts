import type { CliCommand } from '../command.js';

interface CatalogEntry {
  /** One line for `kiln -h`, kept here so that listing the verbs loads none of them. */
  readonly synopsis: string;
  readonly load: () => Promise<Record<string, unknown>>;
}

/** Every verb. Each module is imported only when its verb runs. */
export const COMMAND_CATALOG: Readonly<Record<string, CatalogEntry>> = {
  build: { synopsis: 'build image(s) from template', load: () => import('./build.js') },
  cleanup: { synopsis: 'deletes cloud resources that killed builds left behind', load: () => import('./cleanup.js') },
  console: { synopsis: 'creates a console for testing variable interpolation', load: () => import('./console.js') },
  fix: { synopsis: 'fixes templates from old versions of packer', load: () => import('./fix.js') },
  inspect: { synopsis: 'see components of a template', load: () => import('./inspect.js') },
  schema: { synopsis: 'prints the JSON Schema of templates, for editors', load: () => import('./schema.js') },
  validate: { synopsis: 'check that a template is valid', load: () => import('./validate.js') },
  version: { synopsis: 'Prints the Kiln version', load: () => import('./version.js') },
};

export function synopsisOf(verb: string): string {
  return COMMAND_CATALOG[verb]?.synopsis ?? '';
}

/** Loads a verb's module and finds its CliCommand (the default export or any export of that name). */
export async function loadCommand(verb: string): Promise<CliCommand | undefined> {
  const entry = Object.hasOwn(COMMAND_CATALOG, verb) ? COMMAND_CATALOG[verb] : undefined;
  if (!entry) return undefined;
  const module = await entry.load();
  return [module['default'], ...Object.values(module)].find(
    (value): value is CliCommand => isCliCommand(value) && value.name === verb,
  );
}

function isCliCommand(value: unknown): value is CliCommand {
  return typeof value === 'object' && value !== null && typeof (value as CliCommand).run === 'function';
}

/** mitchellh/cli's listing, as `packer -h` prints it: verbs sorted and padded to the longest. */
export function topLevelHelp(): string {
  const verbs = Object.keys(COMMAND_CATALOG).sort();
  const width = Math.max(...verbs.map((verb) => verb.length));
  const lines = verbs.map((verb) => `    ${verb.padEnd(width)}    ${synopsisOf(verb)}`);
  return `Usage: kiln [--version] [--help] <command> [<args>]\n\nAvailable commands are:\n${lines.join('\n')}\n`;
}
