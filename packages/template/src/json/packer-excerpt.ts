export interface PackerErrorLocation {
  readonly line: number;
  readonly column: number;
  readonly excerpt: string;
}

/**
 * Where Packer says a JSON syntax error is, and the lines it shows. Packer reads the file up to
 * Go's error offset byte by byte: the column starts at 0 on line 1 but at 1 after each newline,
 * and counts bytes. The excerpt is the previous line (if any) and the current line up to the
 * offset, each as `%5d: text`, then a `^` under the column, every line ending in `\n`.
 */
export function packerErrorLocation(bytes: Uint8Array, offset: number): PackerErrorLocation {
  let line = 1;
  let column = 0;
  let lastLineStart = -1;
  let lineStart = 0;
  const stop = Math.min(offset, bytes.length);
  for (let index = 0; index < stop; index++) {
    if (bytes[index] === 0x0a) {
      lastLineStart = lineStart;
      lineStart = index + 1;
      line++;
      column = 1;
    } else {
      column++;
    }
  }
  const decode = (from: number, to: number): string => Buffer.from(bytes.subarray(from, to)).toString('utf8');
  let excerpt = '';
  if (line > 1) excerpt += `${pad5(line - 1)}: ${decode(lastLineStart, lineStart - 1)}\n`;
  excerpt += `${pad5(line)}: ${decode(lineStart, stop)}\n`;
  excerpt += `${' '.repeat(column + 5)}^\n`;
  return { line, column, excerpt };
}

function pad5(value: number): string {
  return String(value).padStart(5, ' ');
}
