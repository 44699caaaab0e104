/** A minimal LZ4 frame reader, to check Kiln's writer without the lz4 tool. */
export function decodeLz4Frame(frame: Buffer): Buffer {
  if (frame.readUInt32LE(0) !== 0x184d2204) throw new Error('not an LZ4 frame');
  const flags = frame[4] as number;
  let at = 7 + (flags & 0x08 ? 8 : 0);
  const out: Buffer[] = [];
  for (;;) {
    const size = frame.readUInt32LE(at);
    at += 4;
    if (size === 0) break;
    const length = size & 0x7fffffff;
    const block = frame.subarray(at, at + length);
    out.push(size & 0x80000000 ? Buffer.from(block) : decodeBlock(block));
    at += length + (flags & 0x10 ? 4 : 0);
  }
  return Buffer.concat(out);
}

function decodeBlock(src: Buffer): Buffer {
  const out: number[] = [];
  let ip = 0;
  const length = (initial: number): number => {
    let total = initial;
    if (initial === 15) {
      let byte: number;
      do {
        byte = src[ip++] as number;
        total += byte;
      } while (byte === 255);
    }
    return total;
  };
  while (ip < src.length) {
    const token = src[ip++] as number;
    const literals = length(token >> 4);
    for (let i = 0; i < literals; i++) out.push(src[ip++] as number);
    if (ip >= src.length) break;
    const offset = (src[ip] as number) | ((src[ip + 1] as number) << 8);
    ip += 2;
    const matchLength = length(token & 15) + 4;
    const start = out.length - offset;
    for (let i = 0; i < matchLength; i++) out.push(out[start + i] as number);
  }
  return Buffer.from(out);
}
