import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  KilnError,
  messageOf,
  packerScriptEnv,
  type BuildEnvironment,
  type GeneratedData,
  type Ui,
} from '@kiln/sdk';
import { flattenEnvVars, userEnvVars } from '../env-vars.js';
import { checkExitCode } from '../exit-codes.js';
import { writeInlineScript } from '../inline-script.js';
import { runLocalCommand } from '../local-command.js';
import { hostOs, type ShellLocalPlan } from './plan.js';

export interface ShellLocalRunOptions {
  readonly ui: Ui;
  readonly signal: AbortSignal;
  readonly env: Pick<BuildEnvironment, 'buildName' | 'builderType' | 'runUuid'>;
  /** The build's generated data: `{{ build `Key` }}` values and the PACKER_HTTP_* source. */
  readonly generatedData: GeneratedData;
  /** PrepareContext.render: the template engine with the build's functions and user variables. */
  readonly render: (text: string, data: Readonly<Record<string, unknown>>) => string;
  /** Go's GOOS of this host; default: this process's. */
  readonly os?: string;
  /** The environment scripts inherit; default process.env. */
  readonly processEnv?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
}

/**
 * Runs shell-local as Packer's shell-local Run does: skips on another OS, turns inline commands into
 * a temporary script, then runs each script through execute_command with `{{.Vars}}` and
 * `{{.Script}}`, streaming stdout to ui.message and stderr to ui.error. The temporary script is
 * removed however the run ends.
 */
export async function runShellLocal(plan: ShellLocalPlan, options: ShellLocalRunOptions): Promise<void> {
  const { ui, generatedData: data } = options;
  if (plan.onlyOn.length > 0 && !plan.onlyOn.includes(options.os ?? hostOs())) {
    ui.say('Skipping shell-local due to runtime OS');
    return;
  }

  let inlineScript: string | undefined;
  try {
    const scripts = [...plan.scripts];
    if (scripts.length === 0 && plan.inline !== undefined) {
      inlineScript = await writeInlineScript({
        lines: plan.inline.map((line) => options.render(line, data)),
        shebang: plan.inlineShebang,
        extension: plan.tempfileExtension,
      });
      scripts.push(inlineScript);
    }

    const vars = flattenEnvVars(
      {
        ...packerScriptEnv(options.env, data),
        ...userEnvVars(plan.environmentVars.map((entry) => options.render(entry, data))),
      },
      plan.envVarFormat,
    );
    // Packer's plugins inherit PACKER_RUN_UUID from the core process; Kiln runs in-process.
    const childEnv = { ...(options.processEnv ?? process.env), PACKER_RUN_UUID: options.env.runUuid };

    for (const script of scripts) {
      const absolute = resolve(options.cwd ?? '.', script);
      const argv = renderExecuteCommand(plan.executeCommand, { ...data, Vars: vars, Script: absolute, Command: absolute }, options.render);
      ui.say(`Running local shell script: ${script}`);
      const result = await runLocalCommand({
        argv,
        env: childEnv,
        ...(options.cwd ? { cwd: options.cwd } : {}),
        onStdout: (line) => ui.message(line),
        onStderr: (line) => ui.error(line),
        signal: options.signal,
      });
      const failed = `Error executing script: ${absolute}\n\nPlease see output above for more information.`;
      if (result.outcome === 'cancelled') throw new KilnError('CANCELLED', failed);
      if (result.outcome === 'not-started') {
        // Packer logs the reason only; say it, or "see output above" points at nothing.
        ui.error(startErrorText(argv[0] ?? '', result.error));
        throw new KilnError('STEP_FAILED', failed, { cause: result.error });
      }
      checkExitCode(result.exitStatus, plan.validExitCodes);
    }
  } finally {
    if (inlineScript) await rm(inlineScript, { force: true });
  }
}

function renderExecuteCommand(
  template: readonly string[],
  data: Readonly<Record<string, unknown>>,
  render: ShellLocalRunOptions['render'],
): string[] {
  try {
    return template.map((part) => render(part, data));
  } catch (error) {
    throw new KilnError('TEMPLATE_INTERPOLATION', `Error processing command: ${messageOf(error)}`, { cause: error });
  }
}

/** Go's exec wording: `exec: "zsh": executable file not found in $PATH`. */
function startErrorText(program: string, error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return program.includes('/')
      ? `fork/exec ${program}: no such file or directory`
      : `exec: "${program}": executable file not found in $PATH`;
  }
  if (code === 'EACCES') return `fork/exec ${program}: permission denied`;
  return error.message;
}
