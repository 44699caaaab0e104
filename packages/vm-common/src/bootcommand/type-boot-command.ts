import { KilnError, silentUi } from '@kiln/sdk';
import type { Ui } from '@kiln/sdk';
import { isCancellation } from '../util/sleep.js';
import { parseBootCommand } from './grammar.js';
import { resolveKeyInterval } from './key-interval.js';
import { createPcXtBootDriver } from './pcxt-driver.js';
import { runBootCommand } from './run.js';
import type { BootCommandDriver } from './run.js';
import { createVncBootDriver } from './vnc-driver.js';
import type { VncKeyboard } from './vnc-driver.js';

interface TypeOptions {
  /** The boot command, flattened (boot_command joined); rendered already unless `render` is given. */
  readonly command: string;
  /**
   * Renders `{{ .HTTPIP }}`, `{{ .HTTPPort }}`, `{{ .Name }}` (the builder's template engine, e.g.
   * PrepareContext.render); its failure reads `Error preparing boot command: ...` as in Packer.
   */
  readonly render?: (command: string) => string;
  readonly ui?: Ui;
  readonly signal?: AbortSignal;
  /** Where PACKER_KEY_INTERVAL is read from (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface TypeOverVncOptions extends TypeOptions {
  /** A connected VNC client (connectVnc) or anything else that sends KeyEvents. */
  readonly vnc: VncKeyboard;
  /** boot_key_interval in ms; unset or <= 0 falls back to PACKER_KEY_INTERVAL, then 100 ms. */
  readonly keyIntervalMs?: number;
}

/**
 * Types a rendered boot command over VNC the way the QEMU and VMware builders do: says
 * `Typing the boot command over VNC...`, then one KeyEvent per key change with the key interval
 * after each. Errors read `Error generating boot command: ...` / `Error running boot command: ...`.
 */
export async function typeBootCommandOverVnc(options: TypeOverVncOptions): Promise<void> {
  const intervalMs = resolveKeyInterval(options.keyIntervalMs, options.env);
  const driver = createVncBootDriver(options.vnc, { intervalMs, ...(options.signal ? { signal: options.signal } : {}) });
  (options.ui ?? silentUi).say('Typing the boot command over VNC...');
  await typeWith(driver, options);
}

export interface TypeScancodesOptions extends TypeOptions {
  /** Sends one chunk of hex scancodes, e.g. as `VBoxManage controlvm <vm> keyboardputscancode ...`. */
  readonly send: (codes: readonly string[]) => Promise<void>;
  /** Most codes per send (VirtualBox: 25, Packer's value). */
  readonly chunkSize?: number;
  /** boot_keygroup_interval in ms; unset or <= 0 falls back to PACKER_KEY_INTERVAL, then 100 ms. */
  readonly groupIntervalMs?: number;
}

/**
 * Types a rendered boot command as PC-XT scancodes, as the VirtualBox builder does: says
 * `Typing the boot command...`, buffers codes until each wait and the end, and sends them in
 * chunks with the group interval after each chunk.
 */
export async function typeBootCommandAsScancodes(options: TypeScancodesOptions): Promise<void> {
  const driver = createPcXtBootDriver({
    send: options.send,
    chunkSize: options.chunkSize ?? 25,
    intervalMs: resolveKeyInterval(options.groupIntervalMs, options.env),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  (options.ui ?? silentUi).say('Typing the boot command...');
  await typeWith(driver, options);
}

async function typeWith(driver: BootCommandDriver, options: TypeOptions): Promise<void> {
  let command = options.command;
  if (options.render) {
    try {
      command = options.render(command);
    } catch (error) {
      throw new KilnError('STEP_FAILED', `Error preparing boot command: ${(error as Error).message}`, { cause: error });
    }
  }
  let expressions;
  try {
    expressions = parseBootCommand(command);
  } catch (error) {
    throw new KilnError('STEP_FAILED', `Error generating boot command: ${(error as Error).message}`, { cause: error });
  }
  try {
    await runBootCommand(expressions, driver, options.signal ? { signal: options.signal } : {});
  } catch (error) {
    if (isCancellation(error)) throw error;
    throw new KilnError('STEP_FAILED', `Error running boot command: ${(error as Error).message}`, { cause: error });
  }
}
