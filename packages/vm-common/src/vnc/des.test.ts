import { describe, expect, it } from 'vitest';
import { desEncryptBlock, vncAuthResponse } from './des.js';

describe('DES', () => {
  it.each([
    // The worked example of J. Orlin Grabbe's "The DES Algorithm Illustrated".
    ['133457799bbcdff1', '0123456789abcdef', '85e813540f0ab405'],
    // FIPS 81 / NBS validation vector.
    ['0123456789abcdef', '4e6f772069732074', '3fa40e8a984d4815'],
    ['0000000000000000', '0000000000000000', '8ca64de9c1b123a7'],
  ])('key %s encrypts %s to %s', (key, plain, cipher) => {
    expect(desEncryptBlock(Buffer.from(key, 'hex'), Buffer.from(plain, 'hex')).toString('hex')).toBe(cipher);
  });

  it('keys VNC authentication with the bit-mirrored, zero-padded password', () => {
    const challenge = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    // "pass" mirrored per byte is 0e 86 ce ce; the blocks are plain DES-ECB under that key.
    const key = Buffer.from('0e86cece00000000', 'hex');
    const expected = Buffer.concat([
      desEncryptBlock(key, challenge.subarray(0, 8)),
      desEncryptBlock(key, challenge.subarray(8)),
    ]);
    expect(vncAuthResponse('pass', challenge)).toEqual(expected);
    expect(vncAuthResponse('longpassword', challenge)).toEqual(vncAuthResponse('longpass', challenge));
  });
});
