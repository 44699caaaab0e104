import { KilnError } from '@kiln/sdk';
import { sleep } from '../util/sleep.js';
import { needsShift } from './keys.js';
import type { KeyAction, SpecialKey } from './keys.js';
import type { BootCommandDriver } from './run.js';

/** Make codes of the special keys; the break code is the make code + 0x80 (after any e0 prefix). */
const SPECIAL_MAKE_CODES: Readonly<Record<SpecialKey, readonly number[]>> = {
  bs: [0x0e], del: [0xe0, 0x53], down: [0xe0, 0x50], end: [0xe0, 0x4f], enter: [0x1c], esc: [0x01],
  f1: [0x3b], f2: [0x3c], f3: [0x3d], f4: [0x3e], f5: [0x3f], f6: [0x40], f7: [0x41], f8: [0x42],
  f9: [0x43], f10: [0x44], f11: [0x57], f12: [0x58], home: [0xe0, 0x47], insert: [0xe0, 0x52],
  left: [0xe0, 0x4b], leftalt: [0x38], leftctrl: [0x1d], leftshift: [0x2a], leftsuper: [0xe0, 0x5b],
  menu: [0xe0, 0x5d], pagedown: [0xe0, 0x51], pageup: [0xe0, 0x49], return: [0x1c], right: [0xe0, 0x4d],
  rightalt: [0xe0, 0x38], rightctrl: [0xe0, 0x1d], rightshift: [0x36], rightsuper: [0xe0, 0x5c],
  spacebar: [0x39], tab: [0x0f], up: [0xe0, 0x48],
};

/** US layout rows: each string's characters have consecutive make codes from the given start. */
const CHARACTER_ROWS: ReadonlyArray<readonly [string, number]> = [
  ['1234567890-=', 0x02], ['!@#$%^&*()_+', 0x02],
  ['qwertyuiop[]', 0x10], ['QWERTYUIOP{}', 0x10],
  ["asdfghjkl;'`", 0x1e], ['ASDFGHJKL:"~', 0x1e],
  ['\\zxcvbnm,./', 0x2b], ['|ZXCVBNM<>?', 0x2b],
  [' ', 0x39],
];

const CHARACTER_MAKE_CODES: ReadonlyMap<string, number> = new Map(
  CHARACTER_ROWS.flatMap(([row, start]) => Array.from(row, (char, index) => [char, start + index] as const)),
);

const SHIFT_MAKE = 0x2a;
const SHIFT_BREAK = 0xaa;

function hex(code: number): string {
  return code.toString(16).padStart(2, '0');
}

/** The break codes of a make sequence: e0 prefixes stay, the key code gets 0x80. */
function breakCodes(make: readonly number[]): number[] {
  return make.map((code) => (code === 0xe0 ? code : code + 0x80));
}

/**
 * The scancodes of one character, as Packer's PC-XT driver: `2a <make> aa <break>` when Shift is
 * needed (Shift is released before the key, exactly as 1.6.6 sends it). A character outside the
 * US layout gets code 00/80, as in Packer.
 */
export function characterScancodes(char: string, action: KeyAction): string[] {
  const make = CHARACTER_MAKE_CODES.get(char) ?? 0;
  const shift = needsShift(char);
  const codes: number[] = [];
  if (action !== 'off') codes.push(...(shift ? [SHIFT_MAKE, make] : [make]));
  if (action !== 'on') codes.push(...(shift ? [SHIFT_BREAK, make + 0x80] : [make + 0x80]));
  return codes.map(hex);
}

export function specialScancodes(key: SpecialKey, action: KeyAction): string[] {
  const make = SPECIAL_MAKE_CODES[key];
  const codes = action === 'on' ? make : action === 'off' ? breakCodes(make) : [...make, ...breakCodes(make)];
  return codes.map(hex);
}

/**
 * Splits the buffered key groups into chunks of at most `size` codes without splitting a key's
 * codes (Packer's chunkScanCodes); size <= 0 means one chunk.
 */
export function chunkScancodes(groups: readonly (readonly string[])[], size: number): string[][] {
  const chunks: string[][] = [];
  let running: string[] = [];
  for (const group of groups) {
    if (size > 0) {
      if (group.length > size) {
        throw new KilnError('INTERNAL', 'chunkScanCodes: size cannot be smaller than sc width.');
      }
      if (running.length + group.length > size) {
        chunks.push(running);
        running = [];
      }
    }
    running.push(...group);
  }
  if (running.length > 0) chunks.push(running);
  return chunks;
}

export interface PcXtDriverOptions {
  /** Sends one chunk, e.g. `VBoxManage controlvm <vm> keyboardputscancode <codes...>`. */
  readonly send: (codes: readonly string[]) => Promise<void>;
  /** Most codes per send: VirtualBox uses 25. */
  readonly chunkSize: number;
  /** Pause after every chunk sent (resolveKeyInterval(boot_keygroup_interval)). */
  readonly intervalMs: number;
  readonly signal?: AbortSignal;
}

/** Buffers PC-XT scancodes and sends them in chunks at every flush (each wait and the end). */
export function createPcXtBootDriver(options: PcXtDriverOptions): BootCommandDriver {
  let buffer: string[][] = [];
  return {
    sendKey: (char, action) => {
      buffer.push(characterScancodes(char, action));
      return Promise.resolve();
    },
    sendSpecial: (key, action) => {
      buffer.push(specialScancodes(key, action));
      return Promise.resolve();
    },
    flush: async () => {
      const chunks = chunkScancodes(buffer, options.chunkSize);
      buffer = [];
      for (const chunk of chunks) {
        await options.send(chunk);
        await sleep(options.intervalMs, options.signal);
      }
    },
  };
}
