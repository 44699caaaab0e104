/**
 * hashicorp/go-version as Packer 1.6.6 used it for `min_packer_version`: the same loose syntax
 * (`v1.2`, `1.2.3.4`, `1.7-rc1`, `1.2beta`), the same canonical text (`1.7` -> `1.7.0`) and the
 * same ordering (prerelease before release, `1.6.6.0` equal to `1.6.6`).
 */
export interface GoVersion {
  readonly segments: readonly bigint[];
  readonly prerelease: string;
  readonly metadata: string;
}

const VERSION_PATTERN = new RegExp(
  '^v?([0-9]+(\\.[0-9]+)*?)' +
    '(-([0-9]+[0-9A-Za-z\\-~]*(\\.[0-9A-Za-z\\-~]+)*)|(-?([A-Za-z\\-~]+[0-9A-Za-z\\-~]*(\\.[0-9A-Za-z\\-~]+)*)))?' +
    '(\\+([0-9A-Za-z\\-~]+(\\.[0-9A-Za-z\\-~]+)*))?' +
    '?$',
);

const MAX_INT64 = (1n << 63n) - 1n;

export function parseGoVersion(text: string): { version: GoVersion } | { error: string } {
  const match = VERSION_PATTERN.exec(text);
  if (!match) return { error: `Malformed version: ${text}` };
  const segments: bigint[] = [];
  for (const part of match[1]!.split('.')) {
    const value = BigInt(part);
    if (value > MAX_INT64) {
      return { error: `Error parsing version: strconv.ParseInt: parsing "${part}": value out of range` };
    }
    segments.push(value);
  }
  while (segments.length < 3) segments.push(0n);
  return { version: { segments, prerelease: match[7] || match[4] || '', metadata: match[10] ?? '' } };
}

export function formatGoVersion(version: GoVersion): string {
  let text = version.segments.join('.');
  if (version.prerelease !== '') text += `-${version.prerelease}`;
  if (version.metadata !== '') text += `+${version.metadata}`;
  return text;
}

/** -1, 0 or 1, as go-version's Compare. */
export function compareGoVersions(a: GoVersion, b: GoVersion): number {
  if (formatGoVersion(a) === formatGoVersion(b)) return 0;
  if (sameSegments(a.segments, b.segments)) {
    if (a.prerelease === '' && b.prerelease === '') return 0;
    if (a.prerelease === '') return 1;
    if (b.prerelease === '') return -1;
    return comparePrereleases(a.prerelease, b.prerelease);
  }
  const length = Math.max(a.segments.length, b.segments.length);
  for (let index = 0; index < length; index++) {
    // A missing segment counts as 0: the rest of the longer version decides.
    const left = a.segments[index] ?? 0n;
    const right = b.segments[index] ?? 0n;
    if (left !== right) return left < right ? -1 : 1;
  }
  return 0;
}

function sameSegments(a: readonly bigint[], b: readonly bigint[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

function comparePrereleases(a: string, b: string): number {
  if (a === b) return 0;
  const left = a.split('.');
  const right = b.split('.');
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const result = comparePrereleasePart(left[index] ?? '', right[index] ?? '');
    if (result !== 0) return result;
  }
  return 0;
}

function comparePrereleasePart(a: string, b: string): number {
  if (a === b) return 0;
  const aNumeric = /^[+-]?\d+$/.test(a);
  const bNumeric = /^[+-]?\d+$/.test(b);
  if (a === '') return bNumeric ? -1 : 1;
  if (b === '') return aNumeric ? 1 : -1;
  if (aNumeric && !bNumeric) return -1;
  if (!aNumeric && bNumeric) return 1;
  if (!aNumeric && !bNumeric) return a > b ? 1 : -1;
  return BigInt(a) > BigInt(b) ? 1 : -1;
}
