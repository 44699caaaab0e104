import { sleep } from '../util/sleep.js';
import { needsShift } from './keys.js';
import type { KeyAction, SpecialKey } from './keys.js';
import type { BootCommandDriver } from './run.js';

/** The one thing the VNC driver needs from an RFB connection. */
export interface VncKeyboard {
  keyEvent(keysym: number, down: boolean): Promise<void>;
}

/** X11 keysyms of the special keys (Packer's vnc driver map). */
export const SPECIAL_KEYSYMS: Readonly<Record<SpecialKey, number>> = {
  bs: 0xff08, del: 0xffff, down: 0xff54, end: 0xff57, enter: 0xff0d, esc: 0xff1b,
  f1: 0xffbe, f2: 0xffbf, f3: 0xffc0, f4: 0xffc1, f5: 0xffc2, f6: 0xffc3,
  f7: 0xffc4, f8: 0xffc5, f9: 0xffc6, f10: 0xffc7, f11: 0xffc8, f12: 0xffc9,
  home: 0xff50, insert: 0xff63, left: 0xff51, leftalt: 0xffe9, leftctrl: 0xffe3,
  leftshift: 0xffe1, leftsuper: 0xffeb, menu: 0xff67, pagedown: 0xff56, pageup: 0xff55,
  return: 0xff0d, right: 0xff53, rightalt: 0xffea, rightctrl: 0xffe4, rightshift: 0xffe2,
  rightsuper: 0xffec, spacebar: 0x20, tab: 0xff09, up: 0xff52,
};

const LEFT_SHIFT = 0xffe1;

/**
 * The keysym of a literal character. Latin-1 characters are their own keysym, as Packer sends
 * them; beyond Latin-1 Packer sends the bare code point, which X11 reads as some other keysym,
 * so we use X11's Unicode keysyms (0x01000000 + code point) instead.
 */
export function keysymOf(char: string): number {
  const codePoint = char.codePointAt(0) ?? 0;
  return codePoint <= 0xff ? codePoint : 0x01000000 + codePoint;
}

/**
 * Types boot command keys as RFB KeyEvents with Packer's order of events (Shift down, key down,
 * key up, Shift up for a press) and the key interval after every event.
 */
export function createVncBootDriver(
  keyboard: VncKeyboard,
  options: { readonly intervalMs: number; readonly signal?: AbortSignal },
): BootCommandDriver {
  const event = async (keysym: number, down: boolean): Promise<void> => {
    await keyboard.keyEvent(keysym, down);
    await sleep(options.intervalMs, options.signal);
  };
  const act = async (keysym: number, action: KeyAction, shift: boolean): Promise<void> => {
    if (action === 'on' || action === 'off') {
      const down = action === 'on';
      if (shift) await event(LEFT_SHIFT, down);
      await event(keysym, down);
      return;
    }
    if (shift) await event(LEFT_SHIFT, true);
    await event(keysym, true);
    await event(keysym, false);
    if (shift) await event(LEFT_SHIFT, false);
  };
  return {
    sendKey: (char, action) => act(keysymOf(char), action, needsShift(char)),
    sendSpecial: (key, action) => act(SPECIAL_KEYSYMS[key], action, false),
    flush: () => Promise.resolve(),
  };
}
