/**
 * Packer's wording and layout of build output, shared by the CLI renderer and the plain-text `ui`
 * option of build(): one place knows how Packer prints.
 */

const UNITS: readonly (readonly [name: string, microseconds: number])[] = [
  ['year', 365 * 86_400_000_000],
  ['week', 7 * 86_400_000_000],
  ['day', 86_400_000_000],
  ['hour', 3_600_000_000],
  ['minute', 60_000_000],
  ['second', 1_000_000],
  ['millisecond', 1_000],
  ['microsecond', 1],
];

/**
 * hako/durafmt's `Parse(d).LimitFirstN(n)` as Packer prints build times: `1 second 12 milliseconds`,
 * `53 milliseconds 251 microseconds`; zero units are skipped, 1 is singular.
 */
export function formatDurafmt(ms: number, limit = 2): string {
  if (ms === 0) return '0 seconds';
  let rest = Math.floor(Math.abs(ms) * 1000);
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    const value = Math.floor(rest / size);
    rest -= value * size;
    if (value > 0) parts.push(`${value} ${unit}${value === 1 ? '' : 's'}`);
  }
  return (ms < 0 ? '-' : '') + parts.slice(0, limit).join(' ');
}

/**
 * Packer's TargetedUI: every line of the message prefixed with `==> target: ` (say, error, ask)
 * or `    target: ` (message), then trailing whitespace of the whole text trimmed.
 */
export function targetedText(target: string, level: 'say' | 'message' | 'error' | 'ask', text: string): string {
  const arrow = level === 'message' ? '   ' : '==>';
  return text
    .split('\n')
    .map((line) => `${arrow} ${target}: ${line}`)
    .join('\n')
    .trimEnd();
}

export const packerText = {
  colorIntro: (build: string) => `${build}: output will be in this color.`,
  debugMode: 'Debug mode enabled. Builds will not be parallelized.',
  prepareFailed: (build: string) => `Failed to prepare build: "${build}"`,
  prepareWarning: (build: string) => `Warning when preparing build: "${build}"`,
  cancelling: 'Cancelling build after receiving interrupt',
  buildFinished: (build: string, ms: number) => `Build '${build}' finished after ${formatDurafmt(ms)}.`,
  buildErrored: (build: string, ms: number, error: string) => `Build '${build}' errored after ${formatDurafmt(ms)}: ${error}`,
  /** Kiln's own line: Packer 1.6.6 claims such a build "finished". */
  buildCancelled: (build: string, ms: number) => `Build '${build}' cancelled after ${formatDurafmt(ms)}.`,
  waitCompleted: (ms: number) => `\n==> Wait completed after ${formatDurafmt(ms)}`,
  cancelledAll: 'Cleanly cancelled builds after being interrupted.',
  someErrored: "\n==> Some builds didn't complete successfully and had errors:",
  buildError: (build: string, error: string) => `--> ${build}: ${error}`,
  artifactsHeader: '\n==> Builds finished. The artifacts of successful builds are:',
  artifactLine: (build: string, description: string | undefined) => `--> ${build}: ${description ?? '<nothing>'}`,
  noArtifacts: '\n==> Builds finished but no artifacts were created.',
} as const;
