import { StringDecoder } from 'node:string_decoder';

/**
 * Splits output into lines without their `\r\n` or `\n`, decoding UTF-8 (the shell's codepage is
 * 65001) across chunk boundaries; a last line without a newline comes out at end().
 * (communicator-ssh has the same helper; neither package exports it.)
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(private readonly onLine: (line: string) => void) {}

  write(chunk: Buffer): void {
    const lines = (this.pending + this.decoder.write(chunk)).split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  }

  end(): void {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    if (rest !== '') this.onLine(rest.endsWith('\r') ? rest.slice(0, -1) : rest);
  }
}
