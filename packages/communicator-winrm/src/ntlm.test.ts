import { describe, expect, it } from 'vitest';
import { authenticateMessage, negotiateMessage, ntlmv2Response, ntowfv2, parseChallenge, splitUser } from './ntlm.js';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

// MS-NLMP 4.2.4 (NTLMv2 authentication): User "User", domain "Domain", password "Password",
// server challenge 0123456789abcdef, client challenge aa x 8, time 0, and the AV pairs
// MsvAvNbDomainName "Domain", MsvAvNbComputerName "Server".
const TARGET_INFO = hex(`
  02 00 0c 00 44 00 6f 00 6d 00 61 00 69 00 6e 00
  01 00 0c 00 53 00 65 00 72 00 76 00 65 00 72 00
  00 00 00 00`);
const SERVER_CHALLENGE = hex('0123456789abcdef');
const CLIENT_CHALLENGE = hex('aaaaaaaaaaaaaaaa');

describe('NTLMv2 (MS-NLMP 4.2.4)', () => {
  const responseKey = ntowfv2('Password', 'User', 'Domain');

  it('derives NTOWFv2 (4.2.4.1.1)', () => {
    expect(responseKey.toString('hex')).toBe('0c868a403bfd7a93a3001ef22ef02e3f');
  });

  const response = ntlmv2Response({
    responseKey,
    serverChallenge: SERVER_CHALLENGE,
    clientChallenge: CLIENT_CHALLENGE,
    timestamp: Buffer.alloc(8),
    targetInfo: TARGET_INFO,
  });

  it('computes the LMv2 response (4.2.4.2.1)', () => {
    expect(response.lm.toString('hex')).toBe('86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa');
  });

  it('computes NTProofStr, the head of the NTLMv2 response (4.2.4.2.2)', () => {
    expect(response.ntProof.toString('hex')).toBe('68cd0ab851e51c96aabc927bebef6a1c');
  });

  it('computes the session base key (4.2.4.1.2)', () => {
    expect(response.sessionBaseKey.toString('hex')).toBe('8de40ccadbc14a82f15cb0ad0de95ca3');
  });
});

describe('NTLM messages', () => {
  it('starts a negotiate message with the signature and type 1', () => {
    const message = negotiateMessage();
    expect(message.subarray(0, 8).toString('latin1')).toBe('NTLMSSP\0');
    expect(message.readUInt32LE(8)).toBe(1);
  });

  it('answers a challenge with the user, the domain and an NTLMv2 response for that challenge', () => {
    const challenge = Buffer.alloc(48 + TARGET_INFO.length);
    Buffer.from('NTLMSSP\0', 'latin1').copy(challenge);
    challenge.writeUInt32LE(2, 8);
    challenge.writeUInt32LE(0xa2898205, 20);
    SERVER_CHALLENGE.copy(challenge, 24);
    challenge.writeUInt16LE(TARGET_INFO.length, 40);
    challenge.writeUInt16LE(TARGET_INFO.length, 42);
    challenge.writeUInt32LE(48, 44);
    TARGET_INFO.copy(challenge, 48);
    const parsed = parseChallenge(challenge);
    const message = authenticateMessage(parsed, 'Domain\\User', 'Password', { clientChallenge: CLIENT_CHALLENGE, timestamp: Buffer.alloc(8) });
    const field = (index: number) => {
      const length = message.readUInt16LE(12 + index * 8);
      const offset = message.readUInt32LE(16 + index * 8);
      return message.subarray(offset, offset + length);
    };
    expect(message.readUInt32LE(8)).toBe(3);
    expect(field(1).subarray(0, 16).toString('hex')).toBe('68cd0ab851e51c96aabc927bebef6a1c');
    expect(field(2).toString('utf16le')).toBe('Domain');
    expect(field(3).toString('utf16le')).toBe('User');
  });

  it('rejects what is not a challenge', () => {
    expect(() => parseChallenge(negotiateMessage())).toThrow(/not an NTLM challenge/);
  });

  it.each([
    ['Administrator', { user: 'Administrator', domain: '' }],
    ['CORP\\builder', { user: 'builder', domain: 'CORP' }],
  ])('splits %s into user and domain', (input, expected) => {
    expect(splitUser(input)).toEqual(expected);
  });
});
