import type { JsonSchema } from '@kiln/sdk';
import { durationMs, durationProperty } from '../util/config.js';
import { validateBootCommand } from './grammar.js';

/** Packer's BootConfig options, shared by every builder that types a boot command. */
export interface BootConfig {
  readonly boot_command?: readonly string[];
  readonly boot_wait?: string;
  readonly boot_keygroup_interval?: string;
}

/** Packer's VNCConfig: BootConfig plus the VNC-only options (QEMU, VMware). */
export interface VncBootConfig extends BootConfig {
  readonly disable_vnc?: boolean;
  readonly boot_key_interval?: string;
}

export const bootConfigProperties: Readonly<Record<string, JsonSchema>> = {
  boot_command: {
    type: 'array',
    items: { type: 'string' },
    'x-kiln-late-render': true,
    description:
      'Keys to type after boot_wait; the strings are joined, then rendered with {{ .HTTPIP }}, {{ .HTTPPort }} and {{ .Name }}.',
  },
  boot_wait: durationProperty('Time to wait after starting the machine before typing; a negative value (-1s) means no wait.', '10s'),
  boot_keygroup_interval: durationProperty('Pause after each group of keys sent (VirtualBox scancode chunks).'),
};

export const vncBootConfigProperties: Readonly<Record<string, JsonSchema>> = {
  ...bootConfigProperties,
  disable_vnc: { type: 'boolean', default: false, description: 'Do not type over VNC; a boot_command is then an error.' },
  boot_key_interval: durationProperty('Pause after each key event over VNC (default PACKER_KEY_INTERVAL, else 100ms).'),
};

/** The boot options decoded, with Packer's defaults applied and its prepare errors. */
export interface PreparedBootConfig {
  /** boot_command joined into one string, not yet rendered. */
  readonly bootCommand: string;
  readonly hasBootCommand: boolean;
  readonly bootWaitMs: number;
  /** undefined when unset: resolveKeyInterval picks PACKER_KEY_INTERVAL or 100 ms at run time. */
  readonly groupIntervalMs: number | undefined;
  readonly errors: string[];
}

export interface PreparedVncBootConfig extends PreparedBootConfig {
  readonly disableVnc: boolean;
  readonly keyIntervalMs: number | undefined;
}

/** Packer's BootConfig.Prepare: boot_wait defaults to 10s when 0 or unset; the command is parsed and its waits checked. */
export function prepareBootConfig(config: BootConfig): PreparedBootConfig {
  const errors: string[] = [];
  const bootWait = durationMs(config.boot_wait, errors);
  const groupIntervalMs = durationMs(config.boot_keygroup_interval, errors);
  const bootCommand = (config.boot_command ?? []).join('');
  if (config.boot_command !== undefined) errors.push(...validateBootCommand(bootCommand));
  return {
    bootCommand,
    hasBootCommand: (config.boot_command ?? []).length > 0,
    bootWaitMs: bootWait === undefined || bootWait === 0 ? 10_000 : bootWait,
    groupIntervalMs,
    errors,
  };
}

/** Packer's VNCConfig.Prepare. */
export function prepareVncBootConfig(config: VncBootConfig): PreparedVncBootConfig {
  const errors: string[] = [];
  const disableVnc = config.disable_vnc === true;
  const keyIntervalMs = durationMs(config.boot_key_interval, errors);
  if ((config.boot_command ?? []).length > 0 && disableVnc) {
    errors.push('A boot command cannot be used when vnc is disabled.');
  }
  const boot = prepareBootConfig(config);
  return { ...boot, disableVnc, keyIntervalMs, errors: [...errors, ...boot.errors] };
}
