import { messageOf } from '@kiln/sdk';
import { checkTemplate, goMultiErrorText } from '@kiln/template/read';
import type { ResolvedVariables, Template } from '@kiln/template/read';
import type { CliIO } from '../io.js';
import { templateErrorDiagnostic, writeDiagnostics } from '../output/diagnostics.js';
import type { ErrorFormat } from '../output/errors.js';
import type { CliUi } from '../output/ui.js';
import { loadTemplateForCommand } from './load-template.js';
import { readVariableFlags, type VariableFlags } from './variable-flags.js';

/**
 * The first stages of `validate` and `build`, as Packer runs them: read the template, then the
 * -var-file files (even for -syntax-only). Reports a failure on the UI and returns undefined.
 */
export async function readTemplateAndVariableFlags(
  path: string,
  flags: VariableFlags,
  io: CliIO,
  ui: CliUi,
): Promise<{ template: Template; given: Record<string, string> } | undefined> {
  const template = await loadTemplateForCommand(path, io, ui);
  if (!template) return undefined;
  try {
    return { template, given: await readVariableFlags(flags, io) };
  } catch (error) {
    ui.error(messageOf(error));
    return undefined;
  }
}

/**
 * The stages `validate` and `build` share once the template is read, in Packer's order: the
 * template checks, then the user variables. Problems are reported on the UI in Packer's shape and
 * the exit code is returned instead of the variables; the sensitive values join the UI's masker.
 */
export async function checkTemplateAndVariables(
  template: Template,
  given: Readonly<Record<string, string>>,
  io: CliIO,
  ui: CliUi,
  format: ErrorFormat,
): Promise<ResolvedVariables | number> {
  const templateErrors = checkTemplate(template);
  if (templateErrors.length > 0) {
    // Packer's text (a list, or the min_packer_version sentence alone), each message located.
    const [single] = templateErrors;
    const detail =
      templateErrors.length === 1 && single?.keyPath === 'min_packer_version'
        ? format(single)
        : goMultiErrorText(templateErrors.map(format));
    return writeDiagnostics(ui, [{ severity: 'error', summary: '', detail }]);
  }
  try {
    // Loaded here: rendering variables needs the Go template engine, which -syntax-only never runs.
    const { resolveCommandVariables } = await import('./variables.js');
    const variables = await resolveCommandVariables(template, given, io);
    ui.addSecrets(variables.sensitiveValues);
    return variables;
  } catch (error) {
    return writeDiagnostics(ui, [templateErrorDiagnostic(error, format)]);
  }
}
