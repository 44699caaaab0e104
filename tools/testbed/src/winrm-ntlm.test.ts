import { describe, expect, it } from 'vitest';
import { md4ForTests } from './winrm-ntlm.js';

// RFC 1320 appendix A.5, and the NT hash of "Password" from MS-NLMP 4.2.2.1.2.
describe('the fake WinRM server\'s MD4', () => {
  it.each([
    ['', '31d6cfe0d16ae931b73c59d7e0c089c0', 'latin1'],
    ['abc', 'a448017aaf21d8525fc10ae87aa6729d', 'latin1'],
    ['message digest', 'd9130a8164549fe818874806e1c7014b', 'latin1'],
    ['1234567890'.repeat(8), 'e33b4ddc9c38f2199c3e7b164fcc0536', 'latin1'],
    ['Password', 'a4f49c406510bdcab6824ee7c30fd852', 'utf16le'],
  ] as const)('MD4(%j) is %s', (input, digest, encoding) => {
    expect(md4ForTests(Buffer.from(input, encoding)).toString('hex')).toBe(digest);
  });
});
