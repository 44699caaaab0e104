import { isKilnError } from '@kiln/sdk';
import type { CliCommand } from './command.js';
import { loadCommand, topLevelHelp } from './commands/catalog.js';
import { processIO } from './io.js';
import type { CliIO } from './io.js';
import { formatKilnError } from './output/errors.js';
import { KILN_VERSION } from './version.js';

/**
 * Runs one `kiln` invocation and returns its exit status. `io` is injected by tests; without it
 * the process's streams are used and, for verbs that want it, SIGINT/SIGTERM abort `io.signal`.
 */
export async function main(argv: readonly string[], io?: CliIO): Promise<number> {
  const { args, machineReadable } = extractMachineReadable(argv);
  const invocation = splitInvocation(args);
  const out = (text: string): void => void (io ?? process).stdout.write(text);

  if (invocation.isVersion) {
    out(`${KILN_VERSION}\n`);
    return 0;
  }
  if (invocation.isHelp && invocation.verb === undefined) {
    out(`${topLevelHelp()}\n`);
    return 0;
  }
  const command = invocation.verb === undefined ? undefined : await loadCommand(invocation.verb);
  if (!command) {
    out(`${topLevelHelp()}\n`);
    return 127;
  }
  if (invocation.isHelp) {
    out(`${command.help}\n`);
    return 0;
  }
  if (invocation.topFlags.length > 0) {
    out(
      'Invalid flags before the subcommand. If these flags are for\n' +
        'the subcommand, please put them after the subcommand.\n\n' +
        `${command.help}\n`,
    );
    return 1;
  }
  return runCommand(command, invocation.verbArgs, io, machineReadable);
}

async function runCommand(
  command: CliCommand,
  args: readonly string[],
  injected: CliIO | undefined,
  machineReadable: boolean,
): Promise<number> {
  const signals = injected === undefined && command.handlesSignals ? interruptController() : undefined;
  const io = injected ?? processIO(signals?.signal);
  try {
    return await command.run(args, io, { machineReadable });
  } catch (error) {
    // Commands report the failures they expect; anything else is still shown, never a stack dump.
    const { createCliUi } = await import('./output/ui.js');
    createCliUi({ io, machineReadable }).error(isKilnError(error) ? formatKilnError(error) : String(error));
    return 1;
  } finally {
    signals?.dispose();
  }
}

/**
 * Packer's global flag: `-machine-readable` (also `--machine-readable` here) is taken out of
 * the arguments wherever it stands, and switches every command to machine-readable output.
 */
export function extractMachineReadable(argv: readonly string[]): { args: string[]; machineReadable: boolean } {
  const args = argv.filter((arg) => arg !== '-machine-readable' && arg !== '--machine-readable');
  return { args, machineReadable: args.length !== argv.length };
}

interface Invocation {
  readonly verb: string | undefined;
  readonly verbArgs: readonly string[];
  readonly isHelp: boolean;
  readonly isVersion: boolean;
  /** Flags given before the verb: an error, as in Packer. */
  readonly topFlags: readonly string[];
}

/**
 * mitchellh/cli's reading of the arguments: `-h`/`-help`/`--help` anywhere before `--` asks for
 * help; before the verb, `-v`/`-version`/`--version` asks for the version and any other flag is
 * misplaced; the first word is the verb and the rest are its arguments.
 */
function splitInvocation(args: readonly string[]): Invocation {
  let verb: string | undefined;
  let verbArgs: readonly string[] = [];
  let isHelp = false;
  let isVersion = false;
  const topFlags: string[] = [];
  for (const [index, arg] of args.entries()) {
    if (arg === '--') break;
    if (arg === '-h' || arg === '-help' || arg === '--help') {
      isHelp = true;
      continue;
    }
    if (verb !== undefined) continue;
    if (arg === '-v' || arg === '-version' || arg === '--version') isVersion = true;
    else if (arg.startsWith('-')) topFlags.push(arg);
    else if (arg !== '') {
      verb = arg;
      verbArgs = args.slice(index + 1);
    }
  }
  return { verb, verbArgs, isHelp, isVersion, topFlags };
}

/**
 * Packer's interrupt handling: the first SIGINT or SIGTERM cancels (the command cleans up and
 * exits on its own); later ones are ignored so that cleanup is not cut short.
 */
function interruptController(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (): void => {
    if (!controller.signal.aborted) controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
