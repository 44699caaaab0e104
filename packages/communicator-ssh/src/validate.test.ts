import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SshConfig } from './config.js';
import { validateSshConfig } from './validate.js';

const dir = mkdtempSync(join(tmpdir(), 'kiln-ssh-validate-'));
const keygen = (name: string, ...argv: string[]) => {
  execFileSync('ssh-keygen', ['-q', '-f', join(dir, name), ...argv]);
  return join(dir, name);
};
const plain = keygen('plain', '-t', 'ed25519', '-N', '');
const openSshEncrypted = keygen('openssh-encrypted', '-t', 'ed25519', '-N', 'secret phrase');
const pemEncrypted = keygen('pem-encrypted', '-t', 'rsa', '-b', '1024', '-m', 'PEM', '-N', 'secret phrase');
const junk = join(dir, 'junk');
writeFileSync(junk, 'not a key\n');

// Expected texts are Packer 1.6.6's (`packer validate` on a null builder with these options).
const cases: [string, SshConfig, string[]][] = [
  ['a valid key config', { ssh_username: 'u', ssh_private_key_file: plain }, []],
  ['no username', { ssh_password: 'p' }, ['An ssh_username must be specified\n  Note: some builders used to default ssh_username to "root".']],
  ['an unknown communicator', { communicator: 'telnet' }, ['Communicator type telnet is invalid']],
  ['communicator none skips the ssh checks', { communicator: 'none', ssh_file_transfer_method: 'ftp' }, []],
  ['winrm skips the ssh checks', { communicator: 'winrm' }, []],
  ['a missing key file', { ssh_username: 'u', ssh_private_key_file: 'missing' }, ['ssh_private_key_file is invalid: stat missing: no such file or directory']],
  [
    'a file that is no key',
    { ssh_username: 'u', ssh_private_key_file: junk },
    [`ssh_private_key_file is invalid: Error setting up SSH config: Failed to read key '${junk}': no key found`],
  ],
  [
    'an OpenSSH key with a passphrase',
    { ssh_username: 'u', ssh_private_key_file: openSshEncrypted },
    ['ssh_private_key_file is invalid: Error setting up SSH config: ssh: this private key is passphrase protected'],
  ],
  [
    'a PEM key with a passphrase',
    { ssh_username: 'u', ssh_private_key_file: pemEncrypted },
    [
      `ssh_private_key_file is invalid: Error setting up SSH config: Failed to read key '${pemEncrypted}': password protected keys are\nnot supported. Please decrypt the key prior to use.`,
    ],
  ],
  ['another user\'s home', { ssh_username: 'u', ssh_private_key_file: '~no-such-user-kiln/key' }, ['ssh_private_key_file is invalid: user: unknown user no-such-user-kiln']],
  [
    'a certificate that is no key',
    { ssh_username: 'u', ssh_private_key_file: plain, ssh_certificate_file: junk },
    ['ssh_private_key_file is invalid: unable to parse public key: ssh: no key found'],
  ],
  [
    'a public key given as certificate',
    { ssh_username: 'u', ssh_private_key_file: plain, ssh_certificate_file: `${plain}.pub` },
    ['ssh_private_key_file is invalid: Error loading certificate'],
  ],
  [
    'a bastion without credentials',
    { ssh_username: 'u', ssh_bastion_host: 'b' },
    ['ssh_bastion_password or ssh_bastion_private_key_file must be specified'],
  ],
  ['a bastion with agent auth', { ssh_username: 'u', ssh_bastion_host: 'b', ssh_bastion_agent_auth: true }, []],
  [
    'a bastion key that defaults to the missing ssh_private_key_file',
    { ssh_username: 'u', ssh_private_key_file: 'missing', ssh_bastion_host: 'b', ssh_proxy_host: 'p', ssh_file_transfer_method: 'ftp' },
    [
      'ssh_private_key_file is invalid: stat missing: no such file or directory',
      'ssh_bastion_private_key_file is invalid: stat missing: no such file or directory',
      "ssh_file_transfer_method ('ftp') is invalid, valid methods: sftp, scp",
      'please specify either ssh_bastion_host or ssh_proxy_host, not both',
    ],
  ],
  [
    'malformed tunnels',
    {
      ssh_username: 'u',
      ssh_local_tunnels: ['x', '8080:localhost'],
      ssh_remote_tunnels: ['a:h:1', '1:h:b', '1:[::1', '1:a:b:c', '99999999999999999999:h:1', '8080:[::1]:22'],
    },
    [
      "ssh_local_tunnels ('x') is invalid: Error parsing tunnel 'x': [x]",
      "ssh_local_tunnels ('8080:localhost') is invalid: Error parsing forwarding, must be a tcp address: address localhost: missing port in address",
      `ssh_remote_tunnels ('a:h:1') is invalid: Error parsing listening port, must be a valid port: strconv.Atoi: parsing "a": invalid syntax`,
      `ssh_remote_tunnels ('1:h:b') is invalid: Error parsing forwarding port, must be a valid port: strconv.Atoi: parsing "b": invalid syntax`,
      "ssh_remote_tunnels ('1:[::1') is invalid: Error parsing forwarding, must be a tcp address: address [::1: missing ']' in address",
      "ssh_remote_tunnels ('1:a:b:c') is invalid: Error parsing forwarding, must be a tcp address: address a:b:c: too many colons in address",
      `ssh_remote_tunnels ('99999999999999999999:h:1') is invalid: Error parsing listening port, must be a valid port: strconv.Atoi: parsing "99999999999999999999": value out of range`,
    ],
  ],
];

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('validateSshConfig', () => {
  it.each(cases)('%s', (_name, config, expected) => {
    expect(validateSshConfig(config)).toEqual(expected);
  });
});
