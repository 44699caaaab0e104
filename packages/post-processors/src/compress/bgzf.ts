import { Transform, type TransformCallback } from 'node:stream';
import { promisify } from 'node:util';
import { constants, deflateRaw, type ZlibOptions } from 'node:zlib';
import { crc32 } from './crc32.js';

const deflateRawAsync = promisify<Buffer, ZlibOptions, Buffer>(deflateRaw);

/** Uncompressed bytes per block: a deflated block of this much always fits BGZF's 64 KiB limit. */
const BLOCK_INPUT = 0xff00;
/** The empty block every BGZF file ends with (SAM/BAM specification, section 4.1.2). */
const EOF_BLOCK = Buffer.from('1f8b08040000000000ff0600424302001b0003000000000000000000', 'hex');

/**
 * BGZF (blocked gzip, as samtools and Packer's biogo writer make it): a series of gzip members of
 * at most 64 KiB, each carrying its own size in a `BC` extra field, then an empty member. Any gzip
 * reader reads it; BGZF readers can seek in it.
 */
export class BgzfEncoder extends Transform {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly zlibOptions: ZlibOptions) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    void this.drain(false).then(() => done(), done);
  }

  override _flush(done: TransformCallback): void {
    void this.drain(true).then(() => {
      this.push(EOF_BLOCK);
      done();
    }, done);
  }

  private async drain(final: boolean): Promise<void> {
    while (this.pending.length >= BLOCK_INPUT || (final && this.pending.length > 0)) {
      const input = this.pending.subarray(0, BLOCK_INPUT);
      this.pending = this.pending.subarray(input.length);
      this.push(await bgzfBlock(input, this.zlibOptions));
    }
  }
}

async function bgzfBlock(input: Buffer, options: ZlibOptions): Promise<Buffer> {
  const data = await deflateRawAsync(input, options);
  const header = Buffer.from([0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 0xff, 6, 0, 0x42, 0x43, 2, 0, 0, 0]);
  header.writeUInt16LE(header.length + data.length + 8 - 1, 16);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(input), 0);
  trailer.writeUInt32LE(input.length, 4);
  return Buffer.concat([header, data, trailer]);
}

/** Packer's gzip levels as zlib options: -1 is zlib's default, -2 Go's HuffmanOnly. */
export function zlibLevel(level: number): ZlibOptions {
  if (level === -2) return { level: 1, strategy: constants.Z_HUFFMAN_ONLY };
  return { level };
}
