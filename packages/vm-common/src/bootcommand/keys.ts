/** Whether a key is pressed and released (`<enter>`, `a`), held down (`<enterOn>`) or let go (`<enterOff>`). */
export type KeyAction = 'press' | 'on' | 'off';

/**
 * The special keys of `<name>` in a boot command, in the order Packer's PEG grammar tries them
 * (case-insensitive, first match wins: `f10` before `f1`, `leftAlt` before `left`).
 *
 * `menu` is our addition: Packer 1.6.6 documents `<menu>` and maps it in every driver, but its
 * grammar lacks it, so 1.6.6 types the six characters `<menu>` instead. Kiln presses the Menu
 * key, as the documentation promises.
 */
export const SPECIAL_KEYS = [
  'bs', 'del', 'enter', 'esc', 'f10', 'f11', 'f12', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8', 'f9',
  'return', 'tab', 'up', 'down', 'spacebar', 'insert', 'home', 'end', 'pageup', 'pagedown',
  'leftalt', 'leftctrl', 'leftshift', 'rightalt', 'rightctrl', 'rightshift', 'leftsuper', 'rightsuper',
  'left', 'right', 'menu',
] as const;

export type SpecialKey = (typeof SPECIAL_KEYS)[number];

/** Symbols typed with Shift held on a US keyboard (Packer's shiftedChars). */
const SHIFTED_SYMBOLS = '~!@#$%^&*()_+{}|:"<>?';

/** Packer's rule for adding Shift to a literal: an upper-case letter (Go's unicode.IsUpper) or a shifted symbol. */
export function needsShift(char: string): boolean {
  return SHIFTED_SYMBOLS.includes(char) || /^\p{Lu}$/u.test(char);
}
