import { parseGoDuration } from '@kiln/sdk';

/** Packer's default pause after each key event (VNC) or scancode group (PC-XT). */
export const DEFAULT_KEY_INTERVAL_MS = 100;

/**
 * The pause between key events, as Packer picks it: the builder's own setting
 * (boot_key_interval for VNC, boot_keygroup_interval for scancodes) when positive, else
 * PACKER_KEY_INTERVAL when it parses as a Go duration, else 100 ms.
 */
export function resolveKeyInterval(
  configuredMs: number | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): number {
  if (configuredMs !== undefined && configuredMs > 0) return configuredMs;
  const fromEnv = env['PACKER_KEY_INTERVAL'];
  const parsed = fromEnv === undefined ? undefined : parseGoDuration(fromEnv);
  return parsed ?? DEFAULT_KEY_INTERVAL_MS;
}
