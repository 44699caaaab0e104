import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type KeyType = 'rsa' | 'ecdsa' | 'ed25519';

export interface KeyOptions {
  readonly type?: KeyType;
  /** Encrypts the key (OpenSSH format) with this passphrase. */
  readonly passphrase?: string;
  /** `-m PEM`: the legacy PEM encoding (PKCS#1 for RSA) instead of the OpenSSH one. */
  readonly pem?: boolean;
  readonly comment?: string;
}

/** Makes a key pair with ssh-keygen at `<dir>/<name>` and `<name>.pub`; returns the private key's path. */
export async function generateKey(dir: string, name: string, options: KeyOptions = {}): Promise<string> {
  const path = join(dir, name);
  const type = options.type ?? 'ed25519';
  const argv = ['-q', '-t', type, '-N', options.passphrase ?? '', '-C', options.comment ?? name, '-f', path];
  // 2048-bit RSA keeps start-up fast; the tests are about protocols, not key strength.
  if (type === 'rsa') argv.push('-b', '2048');
  if (options.pem) argv.push('-m', 'PEM');
  await run('ssh-keygen', argv);
  return path;
}

export interface CertificateOptions {
  /** Principals the certificate is valid for (the login names). */
  readonly principals: readonly string[];
  /** ssh-keygen -V, e.g. `+1h`, `-2h:-1h` (already expired). Default `+1h`. */
  readonly validity?: string;
}

/** Signs `<publicKeyPath>` with the CA key; returns the certificate's path (`<key>-cert.pub`). */
export async function signUserCertificate(caKeyPath: string, publicKeyPath: string, options: CertificateOptions): Promise<string> {
  await run('ssh-keygen', [
    '-q',
    '-s',
    caKeyPath,
    '-I',
    'kiln-testbed',
    '-n',
    options.principals.join(','),
    '-V',
    options.validity ?? '+1h',
    publicKeyPath,
  ]);
  return publicKeyPath.replace(/\.pub$/, '') + '-cert.pub';
}
