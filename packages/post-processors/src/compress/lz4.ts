import { Transform, type TransformCallback } from 'node:stream';
import { XxHash32, xxhash32 } from './xxhash32.js';

const MAGIC = 0x184d2204;
const BLOCK_SIZE = 4 * 1024 * 1024;
/** Version 01, independent blocks, content checksum. */
const FLG = 0x64;
/** Blocks of at most 4 MiB. */
const BD = 0x70;

const MIN_MATCH = 4;
const LAST_LITERALS = 5;
const MATCH_FIND_LIMIT = 12;
const MAX_OFFSET = 65535;
const HASH_LOG = 16;

/**
 * The LZ4 frame format as Packer's lz4 writer (pierrec/lz4) lays it out: independent blocks of up
 * to 4 MiB, a content checksum, incompressible blocks stored raw. Blocks are compressed with the
 * greedy LZ4 algorithm (the fast mode; Packer's levels 1-9 pick LZ4-HC, which only packs tighter).
 */
export class Lz4FrameEncoder extends Transform {
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private readonly checksum = new XxHash32();
  private started = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.start();
    this.checksum.update(chunk);
    this.pending.push(chunk);
    this.pendingLength += chunk.length;
    while (this.pendingLength >= BLOCK_SIZE) {
      const all = Buffer.concat(this.pending);
      this.push(encodeBlock(all.subarray(0, BLOCK_SIZE)));
      this.pending = [all.subarray(BLOCK_SIZE)];
      this.pendingLength = all.length - BLOCK_SIZE;
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    this.start();
    if (this.pendingLength > 0) this.push(encodeBlock(Buffer.concat(this.pending)));
    const end = Buffer.alloc(8);
    end.writeUInt32LE(0, 0);
    end.writeUInt32LE(this.checksum.digest(), 4);
    this.push(end);
    done();
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    const header = Buffer.alloc(7);
    header.writeUInt32LE(MAGIC, 0);
    header[4] = FLG;
    header[5] = BD;
    header[6] = (xxhash32(header.subarray(4, 6)) >>> 8) & 0xff;
    this.push(header);
  }
}

/** One frame block: its size (high bit set when stored raw), then the data. */
function encodeBlock(data: Uint8Array): Buffer {
  const compressed = compressBlock(data);
  const stored = compressed === undefined;
  const body = stored ? data : compressed;
  const block = Buffer.alloc(4 + body.length);
  block.writeUInt32LE((body.length | (stored ? 0x80000000 : 0)) >>> 0, 0);
  block.set(body, 4);
  return block;
}

/** Greedy LZ4 block compression; undefined when the result would not be smaller. */
export function compressBlock(src: Uint8Array): Uint8Array | undefined {
  const end = src.length;
  const out = new Uint8Array(end + Math.ceil(end / 255) + 16);
  let op = 0;
  let anchor = 0;
  const writeLength = (length: number): void => {
    let rest = length - 15;
    while (rest >= 255) {
      out[op++] = 255;
      rest -= 255;
    }
    out[op++] = rest;
  };
  const emit = (literalEnd: number, offset: number, matchLength: number): boolean => {
    const literals = literalEnd - anchor;
    // 1 token + length bytes + literals + offset + match length bytes must fit below `end`.
    if (op + 1 + literals + Math.ceil(literals / 255) + 2 + Math.ceil(matchLength / 255) + 1 >= end) return false;
    const token = op++;
    out[token] = (Math.min(literals, 15) << 4) | (matchLength < 0 ? 0 : Math.min(matchLength - MIN_MATCH, 15));
    if (literals >= 15) writeLength(literals);
    out.set(src.subarray(anchor, literalEnd), op);
    op += literals;
    if (matchLength < 0) return true;
    out[op++] = offset & 0xff;
    out[op++] = offset >>> 8;
    if (matchLength - MIN_MATCH >= 15) writeLength(matchLength - MIN_MATCH);
    return true;
  };

  if (end > MATCH_FIND_LIMIT) {
    const table = new Int32Array(1 << HASH_LOG).fill(-1);
    const matchLimit = end - LAST_LITERALS;
    const searchLimit = end - MATCH_FIND_LIMIT;
    let ip = 0;
    while (ip < searchLimit) {
      const sequence = read32(src, ip);
      const slot = Math.imul(sequence, 2654435761) >>> (32 - HASH_LOG);
      const candidate = table[slot] as number;
      table[slot] = ip;
      if (candidate < 0 || ip - candidate > MAX_OFFSET || read32(src, candidate) !== sequence) {
        ip++;
        continue;
      }
      let start = ip;
      let reference = candidate;
      while (start > anchor && reference > 0 && src[start - 1] === src[reference - 1]) {
        start--;
        reference--;
      }
      let matchEnd = ip + MIN_MATCH;
      while (matchEnd < matchLimit && src[matchEnd] === src[matchEnd - (ip - candidate)]) matchEnd++;
      if (!emit(start, start - reference, matchEnd - start)) return undefined;
      ip = matchEnd;
      anchor = ip;
    }
  }
  if (!emit(end, 0, -1)) return undefined;
  return out.subarray(0, op);
}

function read32(data: Uint8Array, at: number): number {
  return ((data[at] as number) | ((data[at + 1] as number) << 8) | ((data[at + 2] as number) << 16) | ((data[at + 3] as number) << 24)) | 0;
}
