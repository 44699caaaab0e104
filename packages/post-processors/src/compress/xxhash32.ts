const PRIME1 = 0x9e3779b1;
const PRIME2 = 0x85ebca77;
const PRIME3 = 0xc2b2ae3d;
const PRIME4 = 0x27d4eb2f;
const PRIME5 = 0x165667b1;

const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));
const round = (acc: number, lane: number): number => Math.imul(rotl((acc + Math.imul(lane, PRIME2)) | 0, 13), PRIME1);

/** Streaming XXH32 (seed 0 by default), the checksum of the LZ4 frame format. */
export class XxHash32 {
  private v1: number;
  private v2: number;
  private v3: number;
  private v4: number;
  private total = 0;
  private readonly tail = new Uint8Array(16);
  private tailLength = 0;

  constructor(private readonly seed = 0) {
    this.v1 = (seed + PRIME1 + PRIME2) | 0;
    this.v2 = (seed + PRIME2) | 0;
    this.v3 = seed | 0;
    this.v4 = (seed - PRIME1) | 0;
  }

  update(data: Uint8Array): this {
    this.total += data.length;
    let i = 0;
    if (this.tailLength > 0) {
      const take = Math.min(16 - this.tailLength, data.length);
      this.tail.set(data.subarray(0, take), this.tailLength);
      this.tailLength += take;
      i = take;
      if (this.tailLength < 16) return this;
      this.stripe(this.tail, 0);
      this.tailLength = 0;
    }
    for (; i + 16 <= data.length; i += 16) this.stripe(data, i);
    this.tail.set(data.subarray(i), 0);
    this.tailLength = data.length - i;
    return this;
  }

  digest(): number {
    let h =
      this.total >= 16
        ? (rotl(this.v1, 1) + rotl(this.v2, 7) + rotl(this.v3, 12) + rotl(this.v4, 18)) | 0
        : (this.seed + PRIME5) | 0;
    h = (h + this.total) | 0;
    let i = 0;
    for (; i + 4 <= this.tailLength; i += 4) {
      h = Math.imul(rotl((h + Math.imul(readU32(this.tail, i), PRIME3)) | 0, 17), PRIME4);
    }
    for (; i < this.tailLength; i++) {
      h = Math.imul(rotl((h + Math.imul(this.tail[i] as number, PRIME5)) | 0, 11), PRIME1);
    }
    h = Math.imul(h ^ (h >>> 15), PRIME2);
    h = Math.imul(h ^ (h >>> 13), PRIME3);
    return (h ^ (h >>> 16)) >>> 0;
  }

  private stripe(data: Uint8Array, at: number): void {
    this.v1 = round(this.v1, readU32(data, at));
    this.v2 = round(this.v2, readU32(data, at + 4));
    this.v3 = round(this.v3, readU32(data, at + 8));
    this.v4 = round(this.v4, readU32(data, at + 12));
  }
}

export function xxhash32(data: Uint8Array, seed = 0): number {
  return new XxHash32(seed).update(data).digest();
}

function readU32(data: Uint8Array, at: number): number {
  return ((data[at] as number) | ((data[at + 1] as number) << 8) | ((data[at + 2] as number) << 16) | ((data[at + 3] as number) << 24)) | 0;
}
