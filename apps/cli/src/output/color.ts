/** ANSI colors Packer uses: builds cycle through the first five, errors are red. */
export const UI_COLORS = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36 } as const;

export type UiColor = keyof typeof UI_COLORS;

/** The order Packer hands colors to builds (`<name>: output will be in this color.`). */
export const BUILD_COLORS: readonly UiColor[] = ['green', 'cyan', 'magenta', 'yellow', 'blue'];

/** Packer's ColoredUi: `ESC[1;32m` for bold (say, error), `ESC[0;32m` for plain (message). */
export function colorize(text: string, color: UiColor, bold: boolean): string {
  return `\u001b[${bold ? 1 : 0};${UI_COLORS[color]}m${text}\u001b[0m`;
}

export interface ColorChoice {
  /** `-color=false` turns it off. */
  readonly colorFlag: boolean;
  readonly machineReadable: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * Whether build output is colored. As Packer 1.6.6: on unless `-color=false`, machine-readable
 * output or a non-empty PACKER_NO_COLOR, even when stdout is not a terminal (log scrapers of
 * Packer output see the same bytes). Beyond Packer, the common NO_COLOR and KILN_NO_COLOR work too.
 */
export function useColor({ colorFlag, machineReadable, env }: ColorChoice): boolean {
  if (!colorFlag || machineReadable) return false;
  return !['PACKER_NO_COLOR', 'KILN_NO_COLOR', 'NO_COLOR'].some((name) => (env[name] ?? '') !== '');
}
