import { Transform, type TransformCallback } from 'node:stream';

/**
 * Packer's UnixReader, streamed: every line ends in `\n`, a `\r` before it is dropped (scripts
 * saved on Windows run under /bin/sh), and a last line without a newline gets one.
 */
export function unixLineEndings(): Transform {
  let pendingCr = false;
  let lastByte: number | undefined;
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      if (chunk.length === 0) return done();
      const out: Buffer[] = [];
      let start = 0;
      if (pendingCr) {
        // A `\r` that ended the previous chunk: dropped if this chunk starts the line break.
        if (chunk[0] !== 0x0a) out.push(Buffer.from([0x0d]));
        pendingCr = false;
      }
      for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1)) {
        const end = i > start && chunk[i - 1] === 0x0d ? i - 1 : i;
        out.push(chunk.subarray(start, end), Buffer.from([0x0a]));
        start = i + 1;
      }
      let tail = chunk.subarray(start);
      if (tail.length > 0 && tail[tail.length - 1] === 0x0d) {
        pendingCr = true;
        tail = tail.subarray(0, -1);
      }
      out.push(tail);
      lastByte = chunk[chunk.length - 1];
      done(null, Buffer.concat(out));
    },
    flush(done: TransformCallback) {
      // Go's ScanLines drops a final `\r` too, then the line gets its newline.
      if (lastByte !== undefined && lastByte !== 0x0a) this.push(Buffer.from([0x0a]));
      done();
    },
  });
}
