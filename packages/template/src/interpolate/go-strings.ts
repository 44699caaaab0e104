// Go's strings functions behind Packer's split, replace, replace_all, upper and lower: they work
// on runes (an empty separator splits between runes) and map case one rune at a time.

function runes(s: string): string[] {
  return [...s];
}

/** strings.Split. */
export function goSplit(s: string, sep: string): string[] {
  return sep === '' ? runes(s) : s.split(sep);
}

function count(s: string, sub: string): number {
  if (sub === '') return runes(s).length + 1;
  return s.split(sub).length - 1;
}

/** strings.Replace: the first n non-overlapping instances (all when n < 0). */
export function goReplace(s: string, oldText: string, newText: string, n: number): string {
  if (oldText === newText || n === 0) return s;
  const m = count(s, oldText);
  if (m === 0) return s;
  const times = n < 0 || m < n ? m : n;
  let out = '';
  let start = 0;
  for (let i = 0; i < times; i++) {
    let j = start;
    if (oldText === '') {
      if (i > 0) j += (s.codePointAt(start) ?? 0) > 0xffff ? 2 : 1;
    } else {
      j = s.indexOf(oldText, start);
    }
    out += s.slice(start, j) + newText;
    start = j + oldText.length;
  }
  return out + s.slice(start);
}

// Go maps case with the simple (one rune to one rune) Unicode mappings.
const SIMPLE_LOWER: Readonly<Record<string, string>> = { '\u0130': 'i' };

function mapRunes(s: string, map: (rune: string) => string): string {
  return runes(s)
    .map((rune) => {
      const mapped = map(rune);
      return [...mapped].length === 1 ? mapped : rune;
    })
    .join('');
}

/** strings.ToUpper. */
export function goToUpper(s: string): string {
  return mapRunes(s, (rune) => rune.toUpperCase());
}

/** strings.ToLower. */
export function goToLower(s: string): string {
  return mapRunes(s, (rune) => SIMPLE_LOWER[rune] ?? rune.toLowerCase());
}
