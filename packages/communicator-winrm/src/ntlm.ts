import { createHmac, randomBytes } from 'node:crypto';
import { md4 } from './md4.js';

/**
 * NTLMv2 over HTTP (MS-NLMP), the client side of the three messages, as masterzen/winrm's
 * ClientNTLM (Azure/go-ntlmssp) does it: no signing or sealing, so no session key is sent.
 */

const SIGNATURE = Buffer.from('NTLMSSP\0', 'latin1');

const FLAGS = {
  unicode: 0x00000001,
  oem: 0x00000002,
  requestTarget: 0x00000004,
  ntlm: 0x00000200,
  alwaysSign: 0x00008000,
  extendedSessionSecurity: 0x00080000,
  targetInfo: 0x00800000,
  bits128: 0x20000000,
  bits56: 0x80000000,
} as const;

const NEGOTIATE_FLAGS =
  (FLAGS.unicode |
    FLAGS.oem |
    FLAGS.requestTarget |
    FLAGS.ntlm |
    FLAGS.alwaysSign |
    FLAGS.extendedSessionSecurity |
    FLAGS.bits128 |
    FLAGS.bits56) >>>
  0;

/** MsvAvTimestamp: when the server sends one, the response carries that time (MS-NLMP 3.1.5.1.2). */
const AV_TIMESTAMP = 7;
const AV_EOL = 0;

/** Type 1: what the client can do; no domain or workstation (they are optional). */
export function negotiateMessage(): Buffer {
  const message = Buffer.alloc(32);
  SIGNATURE.copy(message, 0);
  message.writeUInt32LE(1, 8);
  message.writeUInt32LE(NEGOTIATE_FLAGS, 12);
  message.writeUInt32LE(32, 20);
  message.writeUInt32LE(32, 28);
  return message;
}

export interface Challenge {
  readonly flags: number;
  readonly serverChallenge: Buffer;
  readonly targetInfo: Buffer;
}

/** Type 2, the server's challenge; throws on anything else. */
export function parseChallenge(message: Buffer): Challenge {
  if (message.length < 48 || !message.subarray(0, 8).equals(SIGNATURE) || message.readUInt32LE(8) !== 2) {
    throw new Error('the server answered with something that is not an NTLM challenge');
  }
  const infoLength = message.readUInt16LE(40);
  const infoOffset = message.readUInt32LE(44);
  if (infoOffset + infoLength > message.length) throw new Error('the NTLM challenge is truncated');
  return {
    flags: message.readUInt32LE(20),
    serverChallenge: Buffer.from(message.subarray(24, 32)),
    targetInfo: Buffer.from(message.subarray(infoOffset, infoOffset + infoLength)),
  };
}

const hmacMd5 = (key: Buffer, ...data: Buffer[]) => {
  const hmac = createHmac('md5', key);
  for (const part of data) hmac.update(part);
  return hmac.digest();
};

/** NTOWFv2 (MS-NLMP 3.3.2): the password hash keyed by user (upper-cased) and domain. */
export function ntowfv2(password: string, user: string, domain: string): Buffer {
  return hmacMd5(md4(Buffer.from(password, 'utf16le')), Buffer.from(user.toUpperCase() + domain, 'utf16le'));
}

export interface Ntlmv2Input {
  readonly responseKey: Buffer;
  readonly serverChallenge: Buffer;
  readonly clientChallenge: Buffer;
  /** FILETIME, 8 bytes little-endian. */
  readonly timestamp: Buffer;
  readonly targetInfo: Buffer;
}

/** The NTLMv2 and LMv2 responses and the session base key (MS-NLMP 3.3.2, ComputeResponse). */
export function ntlmv2Response(input: Ntlmv2Input): { nt: Buffer; lm: Buffer; ntProof: Buffer; sessionBaseKey: Buffer } {
  const temp = Buffer.concat([
    Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]),
    input.timestamp,
    input.clientChallenge,
    Buffer.alloc(4),
    input.targetInfo,
    Buffer.alloc(4),
  ]);
  const ntProof = hmacMd5(input.responseKey, input.serverChallenge, temp);
  const lm = Buffer.concat([hmacMd5(input.responseKey, input.serverChallenge, input.clientChallenge), input.clientChallenge]);
  return { nt: Buffer.concat([ntProof, temp]), lm, ntProof, sessionBaseKey: hmacMd5(input.responseKey, ntProof) };
}

/** `DOMAIN\user` or `user@domain` as Windows reads them; a bare name has no domain. */
export function splitUser(username: string): { user: string; domain: string } {
  const backslash = username.indexOf('\\');
  if (backslash >= 0) return { domain: username.slice(0, backslash), user: username.slice(backslash + 1) };
  return { user: username, domain: '' };
}

function timestampFrom(targetInfo: Buffer): Buffer | undefined {
  for (let offset = 0; offset + 4 <= targetInfo.length; ) {
    const id = targetInfo.readUInt16LE(offset);
    const length = targetInfo.readUInt16LE(offset + 2);
    if (id === AV_EOL) return undefined;
    if (id === AV_TIMESTAMP && length === 8) return Buffer.from(targetInfo.subarray(offset + 4, offset + 12));
    offset += 4 + length;
  }
  return undefined;
}

function nowAsFiletime(): Buffer {
  const filetime = Buffer.alloc(8);
  filetime.writeBigUInt64LE((BigInt(Date.now()) + 11_644_473_600_000n) * 10_000n);
  return filetime;
}

/** Type 3: the answer to a challenge, proving the password without sending it. */
export function authenticateMessage(
  challenge: Challenge,
  username: string,
  password: string,
  options: { clientChallenge?: Buffer; timestamp?: Buffer; workstation?: string } = {},
): Buffer {
  const { user, domain } = splitUser(username);
  const serverTime = timestampFrom(challenge.targetInfo);
  const response = ntlmv2Response({
    responseKey: ntowfv2(password, user, domain),
    serverChallenge: challenge.serverChallenge,
    clientChallenge: options.clientChallenge ?? randomBytes(8),
    timestamp: options.timestamp ?? serverTime ?? nowAsFiletime(),
    targetInfo: challenge.targetInfo,
  });
  const nt = response.nt;
  // With the server's time in the challenge, the LMv2 response is left zero (MS-NLMP 3.1.5.1.2).
  const lm = serverTime ? Buffer.alloc(24) : response.lm;
  const fields = [
    lm,
    nt,
    Buffer.from(domain, 'utf16le'),
    Buffer.from(user, 'utf16le'),
    Buffer.from(options.workstation ?? '', 'utf16le'),
    Buffer.alloc(0), // EncryptedRandomSessionKey: none without NEGOTIATE_KEY_EXCH
  ];
  const header = Buffer.alloc(64);
  SIGNATURE.copy(header, 0);
  header.writeUInt32LE(3, 8);
  let offset = header.length;
  fields.forEach((field, i) => {
    header.writeUInt16LE(field.length, 12 + i * 8);
    header.writeUInt16LE(field.length, 14 + i * 8);
    header.writeUInt32LE(offset, 16 + i * 8);
    offset += field.length;
  });
  header.writeUInt32LE((challenge.flags & NEGOTIATE_FLAGS) >>> 0 || NEGOTIATE_FLAGS, 60);
  return Buffer.concat([header, ...fields]);
}
