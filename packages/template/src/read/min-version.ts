import { KilnError } from '@kiln/sdk';
import type { SourcePosition } from '@kiln/sdk';
import { compareGoVersions, formatGoVersion, parseGoVersion } from './go/version.js';

/** The Packer version whose JSON templates Kiln implements; `min_packer_version` is checked against it. */
export const KILN_PACKER_COMPAT_VERSION = '1.6.6';

/**
 * Packer's `min_packer_version` check: undefined when `minVersion` is empty or satisfied, else
 * the error Packer gives (`This template requires Packer version 1.7.0 or higher; using 1.6.6`,
 * code VERSION_UNSUPPORTED; or `min_version is invalid: Malformed version: abc`).
 */
export function checkMinPackerVersion(
  minVersion: string | undefined,
  position?: SourcePosition,
): KilnError | undefined {
  if (minVersion === undefined || minVersion === '') return undefined;
  const options = { keyPath: 'min_packer_version', ...(position ? { position } : {}) };
  const required = parseGoVersion(minVersion);
  if ('error' in required) {
    return new KilnError('TEMPLATE_INVALID', `min_version is invalid: ${required.error}`, options);
  }
  const actual = parseGoVersion(KILN_PACKER_COMPAT_VERSION);
  if ('error' in actual) throw new Error('unreachable: the compatibility version parses');
  if (compareGoVersions(actual.version, required.version) >= 0) return undefined;
  const [wanted, using] = [formatGoVersion(required.version), formatGoVersion(actual.version)];
  const message = `This template requires Packer version ${wanted} or higher; using ${using}`;
  return new KilnError('VERSION_UNSUPPORTED', message, options);
}
