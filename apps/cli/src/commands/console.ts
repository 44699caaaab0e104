import { createInterface } from 'node:readline';
import { isKilnError } from '@kiln/sdk';
import { interpolateUntilStable } from '@kiln/template';
import type { InterpolationContext, Template } from '@kiln/template';
import type { CliCommand } from '../command.js';
import { keyValueFlag, repeatedFlag } from '../flags/types.js';
import type { CliIO } from '../io.js';
import { formatDiagnostics, templateErrorDiagnostic, writeDiagnostics } from '../output/diagnostics.js';
import { kilnErrorFormatter } from '../output/errors.js';
import { createCliUi } from '../output/ui.js';
import type { CliUi } from '../output/ui.js';
import { parseArgumentsOrUsage } from './arguments.js';
import { synopsisOf } from './synopses.js';
import { loadTemplateForCommand } from './load-template.js';
import { readVariableFlags } from './variable-flags.js';
import { resolveCommandVariables } from './variables.js';

const FLAGS = { var: keyValueFlag(), 'var-file': repeatedFlag() };

const HELP = `Usage: kiln console [options] [TEMPLATE]

  Creates a console for testing variable interpolation.
  If a template is provided, this command will load the template and any
  variables defined therein into its context to be referenced during
  interpolation.

Options:
  -var 'key=value'       Variable for templates, can be used multiple times.
  -var-file=path         JSON file containing user variables.`;

const CONSOLE_HELP = `Kiln console JSON Mode.
The Kiln console allows you to experiment with Packer interpolations.
You may access variables in the Packer config you called the console with.

Type in the interpolation to test and hit <enter> to see the result.

"variables" will dump all available variables and their values.

"{{timestamp}}" will output the timestamp, for example "1559855090".

To exit the console, type "exit" and hit <enter>, or use Control-C.`;

/** What one line of input gave: text to print, an interpolation error, or the end. */
type Evaluation = { readonly output: string } | { readonly error: string } | { readonly exit: true };

/**
 * `kiln console`: evaluates Packer interpolations with the template's variables. On a terminal
 * it prompts (`> `) line by line; with piped input it evaluates every line and prints only the
 * last result, as Packer does. Beyond Packer, an interpolation error is labelled `Error:` (Packer
 * prints `???????:`) and makes the exit status 1.
 */
export const consoleCommand: CliCommand = {
  name: 'console',
  synopsis: synopsisOf('console'),
  help: HELP,
  async run(argv, io, { machineReadable }) {
    const ui = createCliUi({ io, machineReadable });
    const parsed = parseArgumentsOrUsage(argv, FLAGS, HELP, ui);
    if (!parsed) return 1;
    if (parsed.args.length > 1) {
      ui.say(HELP);
      return 1;
    }
    const [path] = parsed.args;
    const template = path === undefined ? undefined : await loadTemplateForCommand(path, io, ui);
    if (path !== undefined && !template) return 1;
    let given: Record<string, string>;
    try {
      given = await readVariableFlags(parsed.flags, io);
    } catch (error) {
      ui.error((error as Error).message);
      return 1;
    }
    let variables;
    try {
      variables = template
        ? await resolveCommandVariables(template, given, io, { lenient: true })
        : { values: given, sensitiveValues: [] };
    } catch (error) {
      return writeDiagnostics(ui, [templateErrorDiagnostic(error, kilnErrorFormatter(io.cwd))]);
    }
    ui.addSecrets(variables.sensitiveValues);
    const evaluate = evaluator(contextFor(template, variables.values, io));
    return io.stdin.isTTY ? interactive(evaluate, io, ui) : piped(evaluate, io, ui);
  },
};

function contextFor(
  template: Template | undefined,
  values: Readonly<Record<string, string>>,
  io: CliIO,
): InterpolationContext {
  return {
    userVariables: values,
    initTime: io.now?.() ?? new Date(),
    cwd: io.cwd,
    env: io.env,
    ...(template && template.path !== '-' ? { templatePath: template.path } : {}),
  };
}

/** Packer's console evaluation: the words `exit`, `help` and `variables`, or an interpolation. */
function evaluator(context: InterpolationContext): (line: string) => Evaluation {
  return (line) => {
    if (line === '') return { output: '' };
    if (line === 'exit') return { exit: true };
    if (line === 'help') return { output: CONSOLE_HELP };
    if (line === 'variables') {
      const names = Object.keys(context.userVariables).sort();
      return { output: `\n${names.map((name) => `${name}: ${context.userVariables[name]},\n`).join('')}` };
    }
    try {
      return { output: interpolateUntilStable(line, context) };
    } catch (error) {
      if (!isKilnError(error)) throw error;
      return { error: error.message };
    }
  };
}

function interpolationError(detail: string): string {
  return formatDiagnostics([{ severity: 'error', summary: 'Interpolation error', detail }]);
}

/** Every line evaluated (trimmed), errors shown as they come, then the last line's result only. */
async function piped(evaluate: (line: string) => Evaluation, io: CliIO, ui: CliUi): Promise<number> {
  let last = '';
  let failed = false;
  for await (const line of createInterface({ input: io.stdin, crlfDelay: Infinity })) {
    // Packer reads on past `exit` here: only the prompt stops at it.
    const result = evaluate(line.trim());
    if ('exit' in result) last = '';
    else if ('error' in result) {
      failed = true;
      ui.error(interpolationError(result.error));
      last = '';
    } else last = result.output;
  }
  ui.message(last);
  return failed ? 1 : 0;
}

/** A `> ` prompt per line until `exit`, end of input or Ctrl-C; an error is shown and the console goes on. */
async function interactive(evaluate: (line: string) => Evaluation, io: CliIO, ui: CliUi): Promise<number> {
  const prompt = createInterface({
    input: io.stdin,
    output: io.stdout as NodeJS.WritableStream,
    prompt: '> ',
    terminal: io.stdout.isTTY === true,
  });
  prompt.on('SIGINT', () => prompt.close());
  prompt.prompt();
  for await (const line of prompt) {
    const result = evaluate(line);
    if ('exit' in result) break;
    if ('error' in result) ui.error(interpolationError(result.error));
    else ui.say(result.output);
    prompt.prompt();
  }
  prompt.close();
  return 0;
}
