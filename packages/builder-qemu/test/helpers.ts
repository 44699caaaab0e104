import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { recordingUi, type BuildContext, type Communicator, type GeneratedData, type PrepareContext } from '@kiln/sdk';
import { QemuBuilder, type QemuBuilderOptions } from '../src/builder.js';
import type { QemuConfig } from '../src/config.js';

/** Renders `{{ .Key }}` from data and `{{ user \`k\` }}` not at all: enough for the builder's late strings. */
export function renderData(text: string, data: Readonly<Record<string, unknown>> = {}): string {
  return text.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_match, key: string) => String(data[key] ?? '<no value>'));
}

export function prepareContext(buildName = 'qemu'): PrepareContext {
  return { buildName, builderType: 'qemu', positionOf: () => undefined, render: renderData };
}

/** A BuildContext whose provisioning hook calls `provision` with the connected communicator. */
export function buildContext(
  options: {
    provision?: (communicator: Communicator | undefined, data: GeneratedData) => Promise<void>;
    signal?: AbortSignal;
    cacheDir?: string;
    force?: boolean;
  } = {},
) {
  const ui = recordingUi();
  const ctx: BuildContext = {
    ui,
    signal: options.signal ?? new AbortController().signal,
    env: {
      buildName: 'qemu',
      builderType: 'qemu',
      runUuid: '01234567-89ab-cdef-0123-456789abcdef',
      cacheDir: options.cacheDir ?? 'packer_cache',
      debug: false,
      force: options.force ?? false,
      onError: 'cleanup',
      userVariables: {},
    },
    ledger: { record: async () => undefined, forget: async () => undefined },
    hook: {
      provision: async (communicator, data) => options.provision?.(communicator, data),
      provisionCleanup: async () => undefined,
    },
  };
  return { ctx, ui };
}

/** Prepares a builder as core would (throws the config errors). */
export function preparedBuilder(config: QemuConfig, options: QemuBuilderOptions = {}, buildName = 'qemu'): QemuBuilder {
  const builder = new QemuBuilder(options);
  builder.prepare(config, prepareContext(buildName));
  return builder;
}

/** Runs a command over the communicator and returns its stdout; rejects on a non-zero exit. */
export async function remote(communicator: Communicator | undefined, command: string): Promise<string> {
  if (!communicator) throw new Error('no communicator');
  let stdout = '';
  const result = await communicator.exec({ command, onStdout: (line) => void (stdout += `${line}\n`) });
  if (result.exitStatus !== 0) throw new Error(`${command} exited ${result.exitStatus}`);
  return stdout;
}

/** An ext4 disk image opened the way a user without root would: converted to raw once, files read with debugfs. */
export interface DiskImageReader {
  /** The file's bytes, or undefined when the image has no such file. */
  read(path: string): Promise<Buffer | undefined>;
  close(): Promise<void>;
}

export async function openDiskImage(image: string, format = 'qcow2'): Promise<DiskImageReader> {
  const run = promisify(execFile);
  const raw = `${image}.raw`;
  await run('qemu-img', ['convert', '-f', format, '-O', 'raw', image, raw]);
  return {
    read: async (path) => {
      // debugfs exits 0 for a missing file and says so on stderr.
      const { stdout, stderr } = await run('debugfs', ['-R', `cat ${path}`, raw], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
      return stderr.toString().includes('File not found') ? undefined : stdout;
    },
    close: () => rm(raw, { force: true }),
  };
}
