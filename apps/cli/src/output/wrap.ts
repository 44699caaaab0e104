/** Go's unicode.IsSpace, minus the no-break space that the wrapper keeps inside words. */
const BREAKING_SPACE = /^[\t\n\v\f\r \u0085\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/u;

/**
 * Word-wraps text to `limit` characters the way Packer's diagnostics writer does
 * (mitchellh/go-wordwrap 1.0.1): breaks only at white space, keeps existing line breaks, lets a
 * word longer than the limit overflow, and counts a tab as one character.
 */
export function wrapText(text: string, limit = 80): string {
  let out = '';
  let current = 0;
  let word = '';
  let wordLength = 0;
  let space = '';
  let spaceLength = 0;
  const flushSpaceAndWord = (): void => {
    current += spaceLength + wordLength;
    out += space + word;
    space = word = '';
    spaceLength = wordLength = 0;
  };
  for (const char of text) {
    if (char === '\n') {
      if (wordLength === 0) {
        if (current + spaceLength <= limit) out += space;
        space = '';
        spaceLength = 0;
      } else flushSpaceAndWord();
      out += char;
      current = 0;
    } else if (BREAKING_SPACE.test(char)) {
      if (spaceLength === 0 || wordLength > 0) flushSpaceAndWord();
      space += char;
      spaceLength++;
    } else {
      word += char;
      wordLength++;
      if (current + spaceLength + wordLength > limit && wordLength < limit) {
        out += '\n';
        current = 0;
        space = '';
        spaceLength = 0;
      }
    }
  }
  if (wordLength === 0) {
    if (current + spaceLength <= limit) out += space;
  } else out += space + word;
  return out;
}
