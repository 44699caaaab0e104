import type { PrepareFailure, PrepareWarning } from '@kiln/core';
import { goMultiErrorText } from '@kiln/template/read';
import type { CliCommand } from '../command.js';
import { boolFlag, keyValueFlag, listFlag, repeatedFlag } from '../flags/types.js';
import { templateErrorDiagnostic, writeDiagnostics } from '../output/diagnostics.js';
import type { Diagnostic } from '../output/diagnostics.js';
import { kilnErrorFormatter, type ErrorFormat } from '../output/errors.js';
import { createCliUi } from '../output/ui.js';
import { parseTemplateArguments } from './arguments.js';
import { synopsisOf } from './synopses.js';
import { checkTemplateAndVariables, readTemplateAndVariableFlags } from './template-stages.js';

const FLAGS = {
  'syntax-only': boolFlag(),
  except: listFlag(),
  only: listFlag(),
  var: keyValueFlag(),
  'var-file': repeatedFlag(),
};

const HELP = `Usage: kiln validate [options] TEMPLATE

  Checks the template is valid by parsing the template and also
  checking the configuration with the various builders, provisioners, etc.

  If it is not valid, the errors will be shown and the command will exit
  with a non-zero exit status. If it is valid, it will exit with a zero
  exit status.

Options:

  -syntax-only           Only check syntax. Do not verify config of the template.
  -except=foo,bar,baz    Validate all builds other than these.
  -only=foo,bar,baz      Validate only these builds.
  -var 'key=value'       Variable for templates, can be used multiple times.
  -var-file=path         JSON file containing user variables.`;

/**
 * `kiln validate`, in Packer's stages: read the template (and the var files), then the template
 * checks, the variables, and every build's plugins prepared. Success is silent. Problems come in
 * Packer's `Error: ...` blocks; beyond Packer each message starts with the `file:line:column: `
 * (and key) it is about, and carries its hint.
 */
export const validateCommand: CliCommand = {
  name: 'validate',
  synopsis: synopsisOf('validate'),
  help: HELP,
  async run(argv, io, { machineReadable }) {
    const ui = createCliUi({ io, machineReadable });
    const parsed = parseTemplateArguments(argv, FLAGS, HELP, ui);
    if (!parsed) return 1;
    const { flags } = parsed;
    const read = await readTemplateAndVariableFlags(parsed.template, flags, io, ui);
    if (!read) return 1;
    const { template, given } = read;
    if (flags['syntax-only']) {
      ui.say('Syntax-only check passed. Everything looks okay.');
      return 0;
    }

    const format = kilnErrorFormatter(io.cwd);
    const variables = await checkTemplateAndVariables(template, given, io, ui, format);
    if (typeof variables === 'number') return variables;

    try {
      // Loaded here, not at the top: `validate -syntax-only` never needs the build engine or the
      // plugins, and start-up is most of its time.
      const [{ prepareBuilds }, { createBundledPluginRegistry }] = await Promise.all([import('@kiln/core'), import('../plugins.js')]);
      const prepared = await prepareBuilds(template, {
        registry: createBundledPluginRegistry(),
        variables,
        only: flags.only,
        except: flags.except,
        initTime: io.now?.() ?? new Date(),
        cwd: io.cwd,
        env: io.env,
      });
      return writeDiagnostics(ui, buildDiagnostics(prepared.failures, prepared.warnings, format));
    } catch (error) {
      return writeDiagnostics(ui, [templateErrorDiagnostic(error, format)]);
    }
  },
};

/**
 * Per build, in build-name order: a failure (`Failed to initialize build "x"` for an unknown
 * plugin, `Failed to prepare build: "x"` for config problems), then its warnings.
 */
export function buildDiagnostics(
  failures: readonly PrepareFailure[],
  warnings: readonly PrepareWarning[],
  format: ErrorFormat,
): Diagnostic[] {
  const names = new Set([...failures.map((failure) => failure.buildName), ...warnings.map((each) => each.buildName)]);
  return [...names].sort(byUtf8Bytes).flatMap((name): Diagnostic[] => {
    const quoted = JSON.stringify(name);
    const failure = failures.find((each) => each.buildName === name);
    const messages = failure?.errors.map(format) ?? [];
    const failed: Diagnostic[] = !failure
      ? []
      : failure.stage === 'initialize'
        ? [{ severity: 'error', summary: `Failed to initialize build ${quoted}`, detail: messages.join('\n') }]
        : [{ severity: 'error', summary: `Failed to prepare build: ${quoted}`, detail: goMultiErrorText(messages) }];
    const warned = warnings
      .filter((warning) => warning.buildName === name)
      .flatMap((warning) => warning.messages)
      .map((detail): Diagnostic => ({ severity: 'warning', summary: `Warning when preparing build: ${quoted}`, detail }));
    return [...failed, ...warned];
  });
}

/** Go's string order (Packer sorts build names with sort.Strings). */
function byUtf8Bytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
