import { resolve } from 'node:path';
import { statErrorText } from '@kiln/sdk';
import { environmentVarErrors } from '../env-vars.js';
import { SUPPORTED_OS_NAMES, type ShellLocalConfig } from './config.js';

/** What shell-local runs, with Packer's defaults and rewrites applied (command -> inline, script -> scripts). */
export interface ShellLocalPlan {
  /** Script paths to run, when the user gave scripts. */
  readonly scripts: readonly string[];
  /** Inline commands (from `inline` or `command`), when the user gave those instead. */
  readonly inline?: readonly string[];
  readonly executeCommand: readonly string[];
  readonly inlineShebang: string;
  readonly envVarFormat: string;
  readonly environmentVars: readonly string[];
  readonly onlyOn: readonly string[];
  /** Without the leading dot; '' for none. */
  readonly tempfileExtension: string;
  readonly validExitCodes: readonly number[];
}

export interface PlanOptions {
  /** Go's GOOS of the host: 'linux', 'darwin', 'windows', ... */
  readonly os: string;
  /** Relative script paths are checked from here (the working directory of the run). */
  readonly cwd?: string;
}

const TOO_MANY_OPTIONS =
  'You may only specify one of the following options: Command, Inline, Script or Scripts. Please ' +
  'consolidate these options in your config.';

/** The host's operating system under Go's name, as `only_on` spells it. */
export function hostOs(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return 'windows';
  if (platform === 'sunos') return 'solaris';
  return platform;
}

/**
 * Packer's shell-local Validate: applies the per-OS defaults and rewrites, and collects the
 * problems in Packer's order and words. Like Packer, an unknown `only_on` name or a
 * use_linux_pathing conversion failure is reported alone.
 */
export function planShellLocal(config: ShellLocalConfig, options: PlanOptions): { plan: ShellLocalPlan; errors: string[] } {
  const windows = options.os === 'windows';
  const errors: string[] = [];
  const command = config.command ?? '';
  const script = config.script ?? '';
  let inline = config.inline;
  let scripts = [...(config.scripts ?? [])];

  if (command === '' && (inline?.length ?? 0) === 0 && scripts.length === 0 && script === '') {
    errors.push('Command, Inline, Script and Scripts options cannot all be empty.');
  }
  if (command !== '') {
    if ((inline?.length ?? 0) > 0 || scripts.length > 0 || script !== '') errors.push(TOO_MANY_OPTIONS);
    else inline = [command];
  }
  if (script !== '') {
    if (scripts.length > 0 || (inline?.length ?? 0) > 0) errors.push(TOO_MANY_OPTIONS);
    else scripts = [script];
  }
  if (scripts.length > 0 && inline !== undefined) errors.push(TOO_MANY_OPTIONS);

  for (const path of scripts) {
    const problem = statErrorText(path, options.cwd);
    if (problem) errors.push(`Bad script '${path}': ${problem}`);
  }

  const onlyOn = config.only_on ?? [];
  const unknownOs = onlyOn.find((name) => !(SUPPORTED_OS_NAMES as readonly string[]).includes(name));
  const plan = (): ShellLocalPlan => ({
    scripts,
    ...(inline !== undefined && scripts.length === 0 ? { inline } : {}),
    executeCommand:
      config.execute_command && config.execute_command.length > 0
        ? config.execute_command
        : windows
          ? ['cmd', '/V', '/C', '{{.Vars}}', 'call', '{{.Script}}']
          : ['/bin/sh', '-c', '{{.Vars}} {{.Script}}'],
    inlineShebang: config.inline_shebang || (windows ? '' : '/bin/sh -e'),
    envVarFormat:
      config.env_var_format || (windows && !config.use_linux_pathing ? 'set %s=%s && ' : "%s='%s' "),
    environmentVars: config.environment_vars ?? [],
    onlyOn,
    tempfileExtension: (config.tempfile_extension || (windows ? '.cmd' : '')).replace(/^\./, ''),
    validExitCodes: config.valid_exit_codes ?? [],
  });
  if (unknownOs !== undefined) {
    return {
      plan: plan(),
      errors: [
        `Invalid OS specified in only_on: '${unknownOs}'\nSupported OS names: ${SUPPORTED_OS_NAMES.join(', ')}`,
      ],
    };
  }

  if (config.use_linux_pathing) {
    const converted: string[] = [];
    for (const path of scripts) {
      const linuxPath = toLinuxPath(resolve(options.cwd ?? '.', path));
      if (linuxPath.error !== undefined) return { plan: plan(), errors: [linuxPath.error] };
      converted.push(linuxPath.path);
    }
    scripts = converted;
    if ((inline?.length ?? 0) > 0) {
      errors.push(
        'Packer is unable to use the Command and Inline features with the Windows Linux Subsystem. ' +
          'Please use the Script or Scripts options instead',
      );
    }
  }

  errors.push(...environmentVarErrors(config.environment_vars ?? []));
  return { plan: plan(), errors };
}

/** `C:\path\to\file` -> `/mnt/c/path/to/file`, for bash under WSL. */
export function toLinuxPath(windowsAbsolutePath: string): { path: string; error?: undefined } | { error: string } {
  const slashed = windowsAbsolutePath.replaceAll('\\', '/');
  const split = slashed.indexOf(':/');
  if (split < 0) {
    return {
      error:
        "There was an error splitting your absolute path; expected to find a drive following the format ':/' " +
        `but did not: absolute path: ${slashed}`,
    };
  }
  return { path: `/mnt/${slashed.slice(0, split).toLowerCase()}/${slashed.slice(split + 2)}` };
}

/** Packer's message names the path as the user wrote it, not as resolved. */
