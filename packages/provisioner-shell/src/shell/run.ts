import { randomInt } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import {
  DISCONNECTED_EXIT_STATUS,
  KilnError,
  formatGoDuration,
  formatSystemError,
  messageOf,
  packerScriptEnv,
  sleep,
  type BuildEnvironment,
  type Communicator,
  type GeneratedData,
  type Ui,
} from '@kiln/sdk';
import { checkExitCode, cleanOutputLine, flattenEnvVars, userEnvVars, writeInlineScript } from '@kiln/shell-common';
import type { ShellPlan } from './plan.js';
import { isFinalError, retryUntilStarted } from './retry.js';
import { unixLineEndings } from './unix-lines.js';

export interface ShellRunOptions {
  readonly ui: Ui;
  readonly communicator: Communicator;
  readonly signal: AbortSignal;
  readonly env: Pick<BuildEnvironment, 'buildName' | 'builderType' | 'runUuid'>;
  /** The build's generated data: `{{ build `Key` }}` values and the PACKER_HTTP_* source. */
  readonly generatedData: GeneratedData;
  /** PrepareContext.render: the template engine with the build's functions and user variables. */
  readonly render: (text: string, data: Readonly<Record<string, unknown>>) => string;
  /** Picks the number of `varfile_<n>.sh` (0-9998, as Packer). */
  readonly random?: (below: number) => number;
  /** Between upload/start attempts while the machine is away (default Packer's 2 s). */
  readonly retryDelayMs?: number;
}

const UNEXPECTED_DISCONNECT =
  'Script disconnected unexpectedly. If you expected your script to disconnect, i.e. from a restart, you can try ' +
  'adding `"expect_disconnect": true` or `"valid_exit_codes": [0, 2300218]` to the shell provisioner parameters.';

/**
 * Runs the remote shell provisioner as Packer's Provision does: inline commands become a local
 * `packer-shell*` script; each script is uploaded to remote_path, made executable and run through
 * execute_command (stdout to ui.message, stderr to ui.error), retrying upload and start until
 * start_retry_timeout while the machine is unreachable; then its exit status is checked and the
 * remote copy removed.
 */
export async function runShell(plan: ShellPlan, options: ShellRunOptions): Promise<void> {
  const { ui, communicator: comm, signal, generatedData: data } = options;
  const random = options.random ?? randomInt;
  const retry = <T>(attempt: () => Promise<T>) =>
    retryUntilStarted(attempt, {
      timeoutMs: plan.startRetryTimeoutMs,
      signal,
      ...(options.retryDelayMs !== undefined ? { delayMs: options.retryDelayMs } : {}),
    });
  const upload = (remotePath: string, local: () => Readable) =>
    comm.upload(remotePath, plan.binary ? local() : local().pipe(unixLineEndings()), { signal });
  const run = (command: string) => comm.exec({ command, signal });

  let inlineScript: string | undefined;
  try {
    const scripts = [...plan.scripts];
    if (plan.inline !== undefined) {
      const lines = plan.inline.map((line) => renderOrThrow(options, line, data, 'Error interpolating Inline'));
      inlineScript = await writeInlineScript({ lines, shebang: plan.inlineShebang });
      scripts.push(inlineScript);
    }

    const vars = flattenEnvVars(
      {
        ...packerScriptEnv(options.env, data),
        ...userEnvVars(plan.environmentVars.map((entry) => renderOrThrow(options, entry, data, 'Error interpolating environment_vars'))),
      },
      plan.envVarFormat,
    );

    let envVarFile = '';
    if (plan.useEnvVarFile) {
      const remote = `${plan.remoteFolder}/varfile_${random(9999)}.sh`;
      await retry(async () => {
        await upload(remote, () => Readable.from([Buffer.from(vars)])).catch((error: unknown) => {
          throw wrap(`Error uploading envVarFile: ${messageOf(error)}`, error);
        });
        await run(`chmod 0600 ${remote}`).catch((error: unknown) => {
          throw wrap(`Error chmodding script file to 0600 in remote machine: ${messageOf(error)}`, error);
        });
      });
      envVarFile = remote;
    }

    for (const script of scripts) {
      ui.say(`Provisioning with shell script: ${script}`);
      await assertReadable(script);
      const command = renderOrThrow(
        options,
        plan.executeCommand,
        { ...data, Vars: vars, EnvVarFile: envVarFile, Path: plan.remotePath },
        'Error processing command',
      );
      // Upload, chmod and start in one retried unit: after a reboot the uploaded file may be gone.
      const { exitStatus } = await retry(async () => {
        await upload(plan.remotePath, () => createReadStream(resolve(plan.cwd, script))).catch((error: unknown) => {
          throw wrap(`Error uploading script: ${messageOf(error)}`, error);
        });
        await run(`chmod 0755 ${plan.remotePath}`).catch((error: unknown) => {
          throw wrap(`Error chmodding script file to 0755 in remote machine: ${messageOf(error)}`, error);
        });
        return comm.exec({
          command,
          signal,
          onStdout: (line) => ui.message(cleanOutputLine(line)),
          onStderr: (line) => ui.error(cleanOutputLine(line)),
        });
      });
      if (exitStatus === DISCONNECTED_EXIT_STATUS) {
        if (!plan.expectDisconnect) throw new KilnError('STEP_FAILED', UNEXPECTED_DISCONNECT);
      } else {
        checkExitCode(exitStatus, plan.validExitCodes);
      }
      if (!plan.skipClean) await removeRemoteFile(plan.remotePath, run, retry);
    }
    // Packer also runs a bare `rm -f ` when there is no variables file; Kiln saves that round trip.
    if (!plan.skipClean && envVarFile) await removeRemoteFile(envVarFile, run, retry);

    if (plan.pauseAfterMs > 0) {
      ui.say(`Pausing ${formatGoDuration(plan.pauseAfterMs)} after this provisioner...`);
      await sleep(plan.pauseAfterMs, signal);
    }
  } finally {
    if (inlineScript) await rm(inlineScript, { force: true });
  }
}

/** Retried as well: right after a reboot the machine may not answer yet. */
async function removeRemoteFile(
  path: string,
  run: (command: string) => Promise<{ exitStatus: number }>,
  retry: <T>(attempt: () => Promise<T>) => Promise<T>,
): Promise<void> {
  await retry(async () => {
    const { exitStatus } = await run(`rm -f ${path}`).catch((error: unknown) => {
      throw wrap(`Error removing temporary script at ${path}: ${messageOf(error)}`, error);
    });
    if (exitStatus === DISCONNECTED_EXIT_STATUS) throw new KilnError('IO', 'Disconnect while removing temporary script.');
    if (exitStatus !== 0) throw new KilnError('IO', `Error removing temporary script at ${path}!`);
  });
}

function renderOrThrow(
  options: ShellRunOptions,
  text: string,
  data: Readonly<Record<string, unknown>>,
  what: string,
): string {
  try {
    return options.render(text, data);
  } catch (error) {
    throw new KilnError('TEMPLATE_INTERPOLATION', `${what}: ${messageOf(error)}`, { cause: error });
  }
}

async function assertReadable(path: string): Promise<void> {
  try {
    await (await open(path, 'r')).close();
  } catch (error) {
    throw new KilnError('IO', `Error opening shell script: ${formatSystemError(error)}`, { cause: error });
  }
}

/** Keeps a cancel (or a missing machine) as it is; anything else gets Packer's context. */
function wrap(message: string, error: unknown): Error {
  if (isFinalError(error)) return error as Error;
  return new KilnError('IO', message, { cause: error });
}
