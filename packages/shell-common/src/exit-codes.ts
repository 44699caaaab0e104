import { KilnError } from '@kiln/sdk';

/**
 * Checks a script's exit status against `valid_exit_codes` (default `[0]`), with Packer's message,
 * missing space included: `Script exited with non-zero exit status: 2.Allowed exit codes are: [0]`.
 */
export function checkExitCode(status: number, validExitCodes: readonly number[] | undefined): void {
  const allowed = validExitCodes && validExitCodes.length > 0 ? validExitCodes : [0];
  if (allowed.includes(status)) return;
  throw new KilnError(
    'STEP_FAILED',
    `Script exited with non-zero exit status: ${status}.Allowed exit codes are: [${allowed.join(' ')}]`,
  );
}
