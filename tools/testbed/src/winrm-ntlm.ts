import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The server side of NTLMv2 for the fake WinRM listener: a challenge per connection and a check
 * of the client's NTLMv2 response against the account's password (MS-NLMP 3.2.5.1.2, 3.3.2).
 * Written apart from the client in @kiln/communicator-winrm on purpose, so one cannot hide a
 * mistake of the other; both are held to MS-NLMP's and RFC 1320's test vectors.
 */

const SIGNATURE = Buffer.from('NTLMSSP\0', 'latin1');

/** RFC 1320 MD4, which Node's OpenSSL 3 no longer has; enough for password hashes. */
function md4(data: Buffer): Buffer {
  const padded = Buffer.alloc((((data.length + 8) >> 6) + 1) * 64);
  data.copy(padded);
  padded[data.length] = 0x80;
  padded.writeUInt32LE((data.length * 8) >>> 0, padded.length - 8);
  padded.writeUInt32LE(Math.floor((data.length * 8) / 2 ** 32), padded.length - 4);
  const h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
  const rounds: [(b: number, c: number, d: number) => number, number, number[], number[]][] = [
    [(b, c, d) => (b & c) | (~b & d), 0, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], [3, 7, 11, 19]],
    [(b, c, d) => (b & c) | (b & d) | (c & d), 0x5a827999, [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15], [3, 5, 9, 13]],
    [(b, c, d) => b ^ c ^ d, 0x6ed9eba1, [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15], [3, 9, 11, 15]],
  ];
  for (let block = 0; block < padded.length; block += 64) {
    const x = Array.from({ length: 16 }, (_, i) => padded.readUInt32LE(block + 4 * i));
    const v = [...h];
    for (const [f, k, order, shifts] of rounds) {
      order.forEach((word, step) => {
        // The state rotates a, d, c, b: step i updates register (4 - i % 4) % 4.
        const target = (4 - (step % 4)) % 4;
        const [a, b, c, d] = [v[target]!, v[(target + 1) % 4]!, v[(target + 2) % 4]!, v[(target + 3) % 4]!];
        const sum = (a + f(b, c, d) + x[word]! + k) | 0;
        const shift = shifts[step % 4]!;
        v[target] = (sum << shift) | (sum >>> (32 - shift));
      });
    }
    for (let i = 0; i < 4; i++) h[i] = (h[i]! + v[i]!) | 0;
  }
  const out = Buffer.alloc(16);
  h.forEach((word, i) => out.writeInt32LE(word, 4 * i));
  return out;
}

export { md4 as md4ForTests };

const hmac = (key: Buffer, ...parts: Buffer[]) => parts.reduce((h, part) => h.update(part), createHmac('md5', key)).digest();

/** MsvAvNbDomainName, MsvAvNbComputerName, MsvAvEOL: what a standalone Windows server sends. */
function targetInfo(computer: string): Buffer {
  const pair = (id: number, value: Buffer) => {
    const header = Buffer.alloc(4);
    header.writeUInt16LE(id, 0);
    header.writeUInt16LE(value.length, 2);
    return Buffer.concat([header, value]);
  };
  return Buffer.concat([pair(2, Buffer.from(computer, 'utf16le')), pair(1, Buffer.from(computer, 'utf16le')), pair(0, Buffer.alloc(0))]);
}

export interface NtlmMessage {
  readonly type: number;
  readonly raw: Buffer;
}

export function readNtlmMessage(token: string): NtlmMessage | undefined {
  const raw = Buffer.from(token, 'base64');
  if (raw.length < 12 || !raw.subarray(0, 8).equals(SIGNATURE)) return undefined;
  return { type: raw.readUInt32LE(8), raw };
}

/** Type 2 for a type 1: a fresh 8-byte challenge and the computer's name as target info. */
export function challengeFor(computer: string): { message: Buffer; serverChallenge: Buffer } {
  const serverChallenge = randomBytes(8);
  const info = targetInfo(computer);
  const name = Buffer.from(computer, 'utf16le');
  const message = Buffer.alloc(56);
  SIGNATURE.copy(message);
  message.writeUInt32LE(2, 8);
  message.writeUInt16LE(name.length, 12);
  message.writeUInt16LE(name.length, 14);
  message.writeUInt32LE(56, 16);
  message.writeUInt32LE(0xe2898215, 20);
  serverChallenge.copy(message, 24);
  message.writeUInt16LE(info.length, 40);
  message.writeUInt16LE(info.length, 42);
  message.writeUInt32LE(56 + name.length, 44);
  return { message: Buffer.concat([message, name, info]), serverChallenge };
}

/** Checks a type 3 against the password; returns the user it proves, or why it does not. */
export function verifyAuthenticate(
  raw: Buffer,
  serverChallenge: Buffer,
  accounts: ReadonlyMap<string, string>,
): { user: string } | { error: string } {
  const field = (offset: number) => {
    const length = raw.readUInt16LE(offset);
    const start = raw.readUInt32LE(offset + 4);
    return raw.subarray(start, start + length);
  };
  if (raw.length < 64) return { error: 'short authenticate message' };
  const nt = field(20);
  const domain = field(28).toString('utf16le');
  const user = field(36).toString('utf16le');
  if (nt.length <= 24) return { error: 'not an NTLMv2 response' };
  const password = [...accounts].find(([name]) => name.toLowerCase() === user.toLowerCase())?.[1];
  if (password === undefined) return { error: `unknown user ${user}` };
  const key = hmac(md4(Buffer.from(password, 'utf16le')), Buffer.from(user.toUpperCase() + domain, 'utf16le'));
  const proof = nt.subarray(0, 16);
  const expected = hmac(key, serverChallenge, nt.subarray(16));
  return timingSafeEqual(proof, expected) ? { user } : { error: 'wrong password' };
}
