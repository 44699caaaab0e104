/**
 * MD4 (RFC 1320), which NTLM's password hash needs and which Node 20's OpenSSL 3 no longer
 * offers (`digital envelope routines::unsupported`). Only ever used on short inputs.
 */
export function md4(input: Uint8Array): Buffer {
  const blocks = Math.ceil((input.length + 9) / 64);
  const message = Buffer.alloc(blocks * 64);
  message.set(input);
  message[input.length] = 0x80;
  const bits = BigInt(input.length) * 8n;
  message.writeBigUInt64LE(bits & 0xffffffffffffffffn, message.length - 8);

  let a = 0x67452301;
  let b = 0xefcdab89;
  let c = 0x98badcfe;
  let d = 0x10325476;
  const x = new Array<number>(16);
  const rotl = (value: number, shift: number) => (value << shift) | (value >>> (32 - shift));
  for (let offset = 0; offset < message.length; offset += 64) {
    for (let i = 0; i < 16; i++) x[i] = message.readUInt32LE(offset + i * 4);
    const [aa, bb, cc, dd] = [a, b, c, d];
    const word = (i: number) => x[i]!;
    for (const i of [0, 4, 8, 12]) {
      a = rotl((a + ((b & c) | (~b & d)) + word(i)) | 0, 3);
      d = rotl((d + ((a & b) | (~a & c)) + word(i + 1)) | 0, 7);
      c = rotl((c + ((d & a) | (~d & b)) + word(i + 2)) | 0, 11);
      b = rotl((b + ((c & d) | (~c & a)) + word(i + 3)) | 0, 19);
    }
    const g = (p: number, q: number, r: number) => (p & q) | (p & r) | (q & r);
    for (const i of [0, 1, 2, 3]) {
      a = rotl((a + g(b, c, d) + word(i) + 0x5a827999) | 0, 3);
      d = rotl((d + g(a, b, c) + word(i + 4) + 0x5a827999) | 0, 5);
      c = rotl((c + g(d, a, b) + word(i + 8) + 0x5a827999) | 0, 9);
      b = rotl((b + g(c, d, a) + word(i + 12) + 0x5a827999) | 0, 13);
    }
    for (const i of [0, 2, 1, 3]) {
      a = rotl((a + (b ^ c ^ d) + word(i) + 0x6ed9eba1) | 0, 3);
      d = rotl((d + (a ^ b ^ c) + word(i + 8) + 0x6ed9eba1) | 0, 9);
      c = rotl((c + (d ^ a ^ b) + word(i + 4) + 0x6ed9eba1) | 0, 11);
      b = rotl((b + (c ^ d ^ a) + word(i + 12) + 0x6ed9eba1) | 0, 15);
    }
    a = (a + aa) | 0;
    b = (b + bb) | 0;
    c = (c + cc) | 0;
    d = (d + dd) | 0;
  }
  const digest = Buffer.alloc(16);
  [a, b, c, d].forEach((value, i) => digest.writeInt32LE(value, i * 4));
  return digest;
}
