import { StringDecoder } from 'node:string_decoder';

/**
 * Packer's cleanOutputLine: trailing whitespace goes, and only the text after the last carriage
 * return stays (what a terminal would have shown after a progress bar redrew the line).
 */
export function cleanOutputLine(line: string): string {
  const trimmed = line.replace(/\s+$/u, '');
  const cr = trimmed.lastIndexOf('\r');
  return cr >= 0 ? trimmed.slice(cr + 1) : trimmed;
}

/**
 * Cuts a byte stream into cleaned lines as they complete; the last, unterminated line comes out on
 * end(). Multi-byte characters split across chunks are kept whole.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(private readonly onLine: (line: string) => void) {}

  write(chunk: Buffer | string): void {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    let newline = this.pending.indexOf('\n');
    while (newline >= 0) {
      this.onLine(cleanOutputLine(this.pending.slice(0, newline)));
      this.pending = this.pending.slice(newline + 1);
      newline = this.pending.indexOf('\n');
    }
  }

  end(): void {
    this.pending += this.decoder.end();
    if (this.pending !== '') this.onLine(cleanOutputLine(this.pending));
    this.pending = '';
  }
}
