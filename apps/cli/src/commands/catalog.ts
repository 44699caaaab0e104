import type { CliCommand } from '../command.js';
import * as inspect from './inspect.js';
import { COMMAND_SYNOPSES } from './synopses.js';
import * as validate from './validate.js';
import * as version from './version.js';

/**
 * How each verb's module is loaded. The quick, common ones (validate, inspect, version) come with
 * the kiln module itself: a second round of module loading after start-up cost them more than
 * their code does. The others are imported only when their verb runs.
 */
const LOADERS: Readonly<Record<string, () => Promise<Record<string, unknown>>>> = {
  build: () => import('./build.js'),
  cleanup: () => import('./cleanup.js'),
  console: () => import('./console.js'),
  fix: () => import('./fix.js'),
  inspect: async () => inspect,
  schema: () => import('./schema.js'),
  validate: async () => validate,
  version: async () => version,
};

/** Loads a verb's module and finds its CliCommand (the default export or any export of that name). */
export async function loadCommand(verb: string): Promise<CliCommand | undefined> {
  const load = Object.hasOwn(LOADERS, verb) ? LOADERS[verb] : undefined;
  if (!load) return undefined;
  const module = await load();
  return [module['default'], ...Object.values(module)].find(
    (value): value is CliCommand => isCliCommand(value) && value.name === verb,
  );
}

function isCliCommand(value: unknown): value is CliCommand {
  return typeof value === 'object' && value !== null && typeof (value as CliCommand).run === 'function';
}

/** mitchellh/cli's listing, as `packer -h` prints it: verbs sorted and padded to the longest. */
export function topLevelHelp(): string {
  const verbs = Object.keys(COMMAND_SYNOPSES).sort();
  const width = Math.max(...verbs.map((verb) => verb.length));
  const lines = verbs.map((verb) => `    ${verb.padEnd(width)}    ${COMMAND_SYNOPSES[verb]}`);
  return `Usage: kiln [--version] [--help] <command> [<args>]\n\nAvailable commands are:\n${lines.join('\n')}\n`;
}
