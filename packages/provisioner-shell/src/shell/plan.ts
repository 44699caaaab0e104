import { randomInt } from 'node:crypto';
import { parseGoDuration, statErrorText } from '@kiln/sdk';
import { environmentVarErrors } from '@kiln/shell-common';
import type { ShellConfig } from './config.js';

/** What the remote shell provisioner runs, with Packer's defaults applied (script -> scripts). */
export interface ShellPlan {
  /** Local script paths, when the user gave scripts. */
  readonly scripts: readonly string[];
  /** Inline commands, unrendered, when the user gave those instead. */
  readonly inline?: readonly string[];
  readonly inlineShebang: string;
  readonly environmentVars: readonly string[];
  readonly envVarFormat: string;
  readonly executeCommand: string;
  readonly useEnvVarFile: boolean;
  readonly remoteFolder: string;
  /** Where every script is uploaded: one path, chosen once, as in Packer. */
  readonly remotePath: string;
  readonly binary: boolean;
  readonly validExitCodes: readonly number[];
  readonly expectDisconnect: boolean;
  readonly startRetryTimeoutMs: number;
  readonly skipClean: boolean;
  readonly pauseAfterMs: number;
  /** pause_after as the user wrote it, for `Pausing 10s after this provisioner...`. */
  readonly pauseAfter: string;
  /** Relative script paths are read from here. */
  readonly cwd: string;
}

export interface ShellPlanOptions {
  /** Relative script paths are checked from here (the working directory of the run). */
  readonly cwd?: string;
  /** Picks the number of the default `script_<n>.sh` (0-9998 as Go's rand.Intn(9999)). */
  readonly random?: (below: number) => number;
}

export const DEFAULT_EXECUTE_COMMAND = 'chmod +x {{.Path}}; {{.Vars}} {{.Path}}';
export const DEFAULT_EXECUTE_COMMAND_ENV_FILE = 'chmod +x {{.Path}}; . {{.EnvVarFile}} && {{.Path}}';
const FIVE_MINUTES = 5 * 60_000;

/** Packer's shell Prepare: defaults, then every problem in Packer's order and words. */
export function planShell(config: ShellConfig, options: ShellPlanOptions = {}): { plan: ShellPlan; errors: string[] } {
  const random = options.random ?? randomInt;
  const useEnvVarFile = config.use_env_var_file === true;
  const inline = config.inline && config.inline.length > 0 ? config.inline : undefined;
  const remoteFolder = config.remote_folder || '/tmp';
  const remoteFile = config.remote_file || `script_${random(9999)}.sh`;
  const errors: string[] = [];

  let scripts = [...(config.scripts ?? [])];
  if (config.script && scripts.length > 0) errors.push('Only one of script or scripts can be specified.');
  if (config.script) scripts = [config.script];
  if (scripts.length === 0 && inline === undefined) errors.push('Either a script file or inline script must be specified.');
  else if (scripts.length > 0 && inline !== undefined) {
    errors.push('Only a script file or an inline script can be specified, not both.');
  }
  for (const path of scripts) {
    const problem = statErrorText(path, options.cwd);
    if (problem) errors.push(`Bad script '${path}': ${problem}`);
  }
  errors.push(...environmentVarErrors(config.environment_vars ?? []));

  const duration = (value: string | undefined): number => (value ? (parseGoDuration(value) ?? 0) : 0);
  const plan: ShellPlan = {
    scripts,
    cwd: options.cwd ?? process.cwd(),
    ...(inline !== undefined ? { inline } : {}),
    inlineShebang: config.inline_shebang || '/bin/sh -e',
    environmentVars: config.environment_vars ?? [],
    envVarFormat: config.env_var_format || (useEnvVarFile ? "export %s='%s'\n" : "%s='%s' "),
    executeCommand: config.execute_command || (useEnvVarFile ? DEFAULT_EXECUTE_COMMAND_ENV_FILE : DEFAULT_EXECUTE_COMMAND),
    useEnvVarFile,
    remoteFolder,
    remotePath: config.remote_path || `${remoteFolder}/${remoteFile}`,
    binary: config.binary === true,
    validExitCodes: config.valid_exit_codes ?? [],
    expectDisconnect: config.expect_disconnect === true,
    startRetryTimeoutMs: duration(config.start_retry_timeout) || FIVE_MINUTES,
    skipClean: config.skip_clean === true,
    pauseAfterMs: duration(config.pause_after),
    pauseAfter: config.pause_after ?? '',
  };
  return { plan, errors };
}

/** Packer's message names the path as the user wrote it (`stat nope.sh: no such file or directory`). */
